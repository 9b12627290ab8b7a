"""The package's shape, as docs/ARCHITECTURE.md draws it: stage folders in pipeline order, arrows
running one way, modules and functions a reader can hold in mind, rule actions dispatched once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "kaohe_cli"
ROOT = PKG.parent

# Pipeline order: a module may import its own stage and the stages before it, and the shared
# modules; never a later stage. `app` (use cases) may import any stage; `cli` imports `app`.
ORDER = ["domain", "scheme", "read", "attendance", "normalize", "events", "engine", "store", "write", "app", "cli"]
SHARED = {"errors", "issues", "text", "packaged", "__init__"}
LOOSE_ALLOWED = 4
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _stage(path: Path) -> str:
    rel = path.relative_to(PKG).parts
    return rel[0] if len(rel) > 1 else Path(rel[0]).stem


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, first name after kaohe_cli) of every kaohe_cli import, at any depth of the module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kaohe_cli"):
            parts = node.module.split(".")
            if len(parts) > 1:
                out.append((node.lineno, parts[1]))
            else:  # from kaohe_cli import x
                out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            out.extend((node.lineno, a.name.split(".")[1]) for a in node.names
                       if a.name.startswith("kaohe_cli.") )
    return out


def test_at_most_four_loose_modules():
    loose = sorted(p.stem for p in PKG.glob("*.py") if p.stem not in {"__init__", "__main__"})
    assert len(loose) <= LOOSE_ALLOWED, loose
    assert set(loose) <= SHARED, f"a loose module that belongs to a stage: {set(loose) - SHARED}"


def test_every_stage_folder_says_what_it_takes_and_gives():
    for stage in ORDER:
        init = PKG / stage / "__init__.py"
        assert init.exists(), stage
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert doc.strip(), f"{stage}/__init__.py has no docstring"
        assert "Take" in doc or "take" in doc, f"{stage}/__init__.py does not say what it takes: {doc!r}"


def test_no_module_is_too_long():
    long = {str(p.relative_to(ROOT)): n for p in _modules()
            if (n := p.read_text(encoding="utf-8").count("\n")) > MAX_MODULE_LINES}
    assert not long, long


def test_no_function_is_too_long():
    long = {}
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(ROOT)}:{node.name}"] = n
    assert not long, long


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_arrows_run_one_way(path):
    stage = _stage(path)
    if stage in SHARED or stage == "__main__":
        return  # shared modules import only each other (checked below)
    rank = ORDER.index(stage)
    wrong = []
    for line, target in _imports(path):
        if target in SHARED or target == "__version__":
            continue
        if target not in ORDER:
            wrong.append((line, target, "unknown"))
        elif stage == "cli" and target not in {"cli", "app", "domain", "scheme"}:
            wrong.append((line, target, "a command reaches past the use cases"))
        elif ORDER.index(target) > rank:
            wrong.append((line, target, "a later stage"))
    assert not wrong, wrong


def test_shared_modules_import_no_stage():
    for name in sorted(SHARED - {"__init__"}):
        path = PKG / f"{name}.py"
        targets = {t for _, t in _imports(path)}
        assert targets <= SHARED | {"__version__"}, (name, targets - SHARED)


def test_rule_actions_are_dispatched_in_one_module():
    """Only engine/actions.py reads a rule's action (the scheme model, scheme/rules.py, validates it)."""
    readers = sorted(
        str(p.relative_to(PKG)) for p in _modules()
        if re.search(r"\brule\.action\b|\br\.action\b|\.action\s*(==|in)\b", p.read_text(encoding="utf-8"))
    )
    assert readers == ["engine/actions.py", "scheme/rules.py"], readers


def test_no_caches_keyed_by_object_identity_and_no_import_hooks():
    found = []
    for p in _modules():
        text = p.read_text(encoding="utf-8")
        for pattern in (r"\[id\(", r"\.get\(id\(", r"sys\.meta_path", r"MetaPathFinder"):
            if re.search(pattern, text):
                found.append((str(p.relative_to(PKG)), pattern))
    assert not found, found


ARCH = ROOT / "docs" / "ARCHITECTURE.md"


def _newcomer_section() -> str:
    text = ARCH.read_text(encoding="utf-8")
    start = text.index("## A newcomer's path")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_the_readme_leads_to_the_architecture_notes():
    assert "docs/ARCHITECTURE.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_newcomer_finds_the_four_places_in_two_minutes_of_reading():
    """Four answers (a rule kind, a scheme, a Chinese message, a point's path), short enough to
    read in two minutes (~230 words a minute), each naming files that exist."""
    section = _newcomer_section()
    for question in ("Where a rule kind lives", "Where a scheme lives", "Where a Chinese message is written",
                     "How a point travels"):
        assert f"**{question}.**" in section, question
    assert len(section.split()) <= 460, len(section.split())


def test_every_path_the_architecture_notes_name_exists():
    text = ARCH.read_text(encoding="utf-8")
    missing = []
    for token in sorted(set(re.findall(r"`([^`\s]+)`", text))):
        path = token.split(":")[0]
        if not re.fullmatch(r"[\w./-]+(\.py|\.toml|/)", path):
            continue
        if not any((base / path).exists() for base in (PKG, ROOT, ROOT / "tests")):
            missing.append(token)
    assert not missing, missing


@pytest.mark.parametrize("module, names", [
    ("engine/conditions.py", ["PARTS", "holds", "items", "quantity", "new_workdays", "column", "rank_last"]),
    ("engine/actions.py", ["ACTIONS", "apply_rule"]),
    ("engine/components.py", ["KINDS"]),
    ("read/background.py", ["Prefetch"]),
    ("app/reading.py", ["start_reading"]),
])
def test_the_names_the_newcomer_is_sent_to_exist(module, names):
    tree = ast.parse((PKG / module).read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    defined |= {t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
    assert set(names) <= defined, set(names) - defined
