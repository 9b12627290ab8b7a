# kaohe — two commands set up a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo_out

.PHONY: demo test bench install clean sample-data templates

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: install
	$(BIN)/python tools/demo.py $(DEMO)

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python tools/bench.py

sample-data: install
	$(BIN)/python tools/make_sample_data.py sample_data

templates: install
	$(BIN)/python tools/build_templates.py templates

clean:
	rm -rf $(VENV) $(DEMO) bench_out
