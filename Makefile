# kaohe — two commands set up a fresh clone: `make demo` and `make test`.
# `make dist` builds the wheel a clerk installs (dist/kaohe-<版本>-py3-none-any.whl).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo_out

.PHONY: demo test bench install dist look clean sample-data templates

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: install
	rm -rf $(DEMO)
	$(BIN)/kaohe demo $(DEMO)

test: install
	$(BIN)/python -m pytest

dist: install
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/*.whl

look: install
	rm -rf look_out
	$(BIN)/python tools/look.py

bench: install
	$(BIN)/python tools/bench.py

sample-data: install
	$(BIN)/python tools/make_sample_data.py kaohe_cli/sample_data

templates: install
	$(BIN)/python tools/build_templates.py kaohe_cli/templates

clean:
	rm -rf $(VENV) $(DEMO) bench_out dist build look_out
