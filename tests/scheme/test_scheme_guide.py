"""The scheme-writing guide (docs/方案编写指南.md) cannot rot.

- Every key of the scheme language (every field of the pydantic model tree under `Scheme`,
  by its alias where it has one) is documented in the guide, written as `key`.
- Every key the built-in schemes and the example schemes (examples/schemes/) use is documented.
- Every ```toml block of the guide is valid TOML. A block whose first line is `# 完整方案`
  is a whole scheme and must load with `load_scheme`; a block whose first line is `# 片段` is
  a fragment that must load when added to the guide's base scheme (the block headed
  `# 完整方案：底稿`): its [[components]], [[items]] and [[rules]] are appended to the base's,
  every other top-level key replaces the base's.
"""

from __future__ import annotations

import json
import re
import tomllib
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from kaohe_cli.errors import SchemeError
from kaohe_cli.scheme import load_scheme
from kaohe_cli.scheme.model import Scheme

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "方案编写指南.md"
BUILTIN = ROOT / "kaohe_cli" / "scheme" / "builtin"
EXAMPLES = ROOT / "examples" / "schemes"

COMPLETE = "# 完整方案"
BASE = "# 完整方案：底稿"
FRAGMENT = "# 片段"
APPENDED = ("components", "items", "rules")  # a fragment's tables of these are added to the base's


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _documented(text: str) -> set[str]:
    """Every `name` written in backticks in the guide (tables, headings, prose)."""
    return set(re.findall(r"`([^`\n]+)`", text))


def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models inside a field annotation (Optional, list, dict, tuple, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def model_keys(root: type[BaseModel] = Scheme) -> dict[str, set[str]]:
    """key → the models that have it, for every model reachable from `root`."""
    keys: dict[str, set[str]] = {}
    seen: set[type[BaseModel]] = set()
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            keys.setdefault(field.alias or name, set()).add(model.__name__)
            todo.extend(_models_in(field.annotation))
    return keys


def _data_keys(node, path: str = "") -> dict[str, str]:
    """key → a path where it is used, for every key of a TOML document (recursively)."""
    out: dict[str, str] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            # Tables keyed by a user's names (caps by category, awards by grade …) have no
            # language keys of their own; their values hold none either.
            out.setdefault(key, f"{path}.{key}" if path else key)
            if key not in _NAME_KEYED:
                out.update({k: v for k, v in _data_keys(value, f"{path}.{key}" if path else key).items() if k not in out})
    elif isinstance(node, list):
        for value in node:
            out.update({k: v for k, v in _data_keys(value, path).items() if k not in out})
    return out


# Keys whose value is a table keyed by the user's own names (a category, a grade, a component…).
_NAME_KEYED = {"categories", "max_if_blank", "dept_limit", "awards", "columns"}


def _toml_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, body) of every ```toml block."""
    blocks = []
    for m in re.finditer(r"^```toml[ \t]*\n(.*?)^```[ \t]*$", text, re.M | re.S):
        blocks.append((text.count("\n", 0, m.start()) + 1, m.group(1)))
    return blocks


def _first_line(body: str) -> str:
    return body.strip().splitlines()[0].strip() if body.strip() else ""


def _toml_value(value) -> str:
    """A parsed TOML value written back as TOML (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are valid in TOML basic strings
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return value.isoformat()  # dates


def _toml_text(data: dict) -> str:
    return "\n".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}" for k, v in data.items()) + "\n"


def _merged(base: dict, fragment: dict) -> dict:
    out = dict(base)
    for key, value in fragment.items():
        if key in APPENDED:
            out[key] = [*out.get(key, []), *value]
        else:
            out[key] = value
    return out


def _load_text(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    try:
        return load_scheme(path)
    except SchemeError as exc:
        pytest.fail(f"{name} does not load: {exc.message if hasattr(exc, 'message') else exc}\n{getattr(exc, 'hint', '')}")


# ---- the keys --------------------------------------------------------------------------------


def test_model_walk_finds_nested_models():
    """The walk reaches models nested in lists, optionals, dicts and sub-tables."""
    keys = model_keys()
    owners = {m for ms in keys.values() for m in ms}
    assert {"Scheme", "Component", "Item", "Level", "Targets", "Factor", "BandRule", "BottomRankPenalty",
            "Caps", "Rule", "Condition", "Grading", "Grade", "Annual", "LeaveArithmetic"} <= owners
    assert {"id", "upto", "also_min", "shared_factor", "quantity_of", "rounding", "bonus_per_day"} <= set(keys)


def test_every_model_field_is_in_the_guide():
    documented = _documented(_guide())
    missing = sorted(f"{key}（{'、'.join(sorted(models))}）" for key, models in model_keys().items()
                     if key not in documented)
    assert not missing, "方案编写指南 does not document these keys as `key`: " + "; ".join(missing)


def _scheme_files() -> list[Path]:
    files = sorted(BUILTIN.glob("*.toml"))
    if EXAMPLES.is_dir():
        files += sorted(EXAMPLES.glob("*.toml"))
    return files


@pytest.mark.parametrize("path", _scheme_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_keys_of_shipped_schemes_are_in_the_guide(path: Path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    used = _data_keys(data)
    documented = _documented(_guide())
    missing = sorted(f"{k}（{where}）" for k, where in used.items() if k not in documented)
    assert not missing, f"{path.name} uses keys the guide does not document: " + "; ".join(missing)


def test_shipped_schemes_are_found():
    names = {p.name for p in _scheme_files()}
    assert {"caizheng.toml", "zhujian.toml", "jinjiang.toml", "mubiao.toml", "gonghui.toml", "kexie.toml"} <= names


def test_undocumented_key_is_caught():
    """The check itself can fail: a key absent from the text is reported."""
    assert "upto" in _documented("| `upto` | 名次 |")
    assert "upto" not in _documented("| upto | 名次 |")


# ---- the examples ----------------------------------------------------------------------------

BLOCKS = _toml_blocks(_guide())


def test_guide_has_examples_of_each_kind():
    firsts = [_first_line(b) for _, b in BLOCKS]
    assert firsts.count(BASE) == 1
    assert sum(f.startswith(COMPLETE) for f in firsts) >= 2  # the base and the worked example
    assert sum(f == FRAGMENT for f in firsts) >= 10


@pytest.mark.parametrize("line, body", BLOCKS, ids=[f"line{n}" for n, _ in BLOCKS])
def test_toml_block_parses(line: int, body: str):
    try:
        tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        pytest.fail(f"方案编写指南 line {line}: not valid TOML: {exc}")


COMPLETE_BLOCKS = [(n, b) for n, b in BLOCKS if _first_line(b).startswith(COMPLETE)]
FRAGMENT_BLOCKS = [(n, b) for n, b in BLOCKS if _first_line(b) == FRAGMENT]


@pytest.mark.parametrize("line, body", COMPLETE_BLOCKS, ids=[f"line{n}" for n, _ in COMPLETE_BLOCKS])
def test_complete_scheme_loads(tmp_path: Path, line: int, body: str):
    scheme = _load_text(tmp_path, f"guide_line{line}.toml", body)
    assert scheme.items, f"line {line}: a complete scheme without items"


def _base() -> dict:
    body = next(b for _, b in BLOCKS if _first_line(b) == BASE)
    return tomllib.loads(body)


@pytest.mark.parametrize("line, body", FRAGMENT_BLOCKS, ids=[f"line{n}" for n, _ in FRAGMENT_BLOCKS])
def test_fragment_loads_on_the_base(tmp_path: Path, line: int, body: str):
    fragment = tomllib.loads(body)
    assert fragment, f"line {line}: an empty fragment"
    scheme = _load_text(tmp_path, f"guide_line{line}.toml", _toml_text(_merged(_base(), fragment)))
    dumped = scheme.model_dump(by_alias=True)
    for key in fragment:  # the fragment's keys reached the scheme
        assert key in dumped, f"line {line}: key {key} was not read"


def test_fragment_merge_refuses_a_bad_fragment(tmp_path: Path):
    """The fragment check can fail: an item drawing from an undeclared component does not load."""
    bad = {"items": [{"name": "新事项", "kind": "deduction", "component": "没有这个项目", "points": 1}]}
    path = tmp_path / "bad.toml"
    path.write_text(_toml_text(_merged(_base(), bad)), encoding="utf-8")
    with pytest.raises(SchemeError):
        load_scheme(path)


def test_worked_example_scheme_is_the_one_the_guide_scores(tmp_path: Path):
    """The worked example (section 4) as a whole file: its blocks, thresholds and rule as the text says."""
    worked = [b for _, b in COMPLETE_BLOCKS if 'id = "zhen-mubiao"' in b]
    assert len(worked) == 1
    scheme = _load_text(tmp_path, "zhen.toml", worked[0])
    assert scheme.period == "year" and not scheme.grading.grades
    assert [(c.name, c.kind, int(c.max)) for c in scheme.components] == [
        ("机关日常工作", "deduction", 300), ("经济工作", "rated", 300),
        ("包村工作", "rated", 300), ("年终民主测评", "rated", 100),
    ]
    items = {it.name: it for it in scheme.items}
    assert (items["迟到"].points, items["迟到"].zero_at) == (2, 45)
    assert (items["旷工"].points, items["旷工"].zero_at, items["旷工"].unit) == (5, 30, "天")
    assert items["事假"].zero_above == 45 and items["事假"].component == "机关日常工作"
    assert items["口头请假"].counts_as.item == "旷工"
    assert [(r.name, r.action) for r in scheme.rules] == [("病假视情况处理", "flag")]


def _synonyms() -> list[tuple[str, str, str]]:
    """(key, English value, Chinese word) for every Chinese word the loader accepts for a value."""
    from kaohe_cli.scheme.synonyms import VALUES

    return [(key, en, cn) for key, words in VALUES.items() for cn, en in words.items() if cn != en]


def test_every_chinese_value_word_is_in_the_guide():
    """Section 3.0 lists each Chinese word on the row of its key and English value."""
    rows: dict[tuple[str, str], set[str]] = {}
    for m in re.finditer(r"^\| `([a-z_]+)` \| `\"([^\"]+)\"` \| ([^|\n]*) \|$", _guide(), re.M):
        rows.setdefault((m.group(1), m.group(2)), set()).update(w.strip() for w in m.group(3).split("、"))
    missing = [f"{key} = \"{cn}\"（{en}）" for key, en, cn in _synonyms() if cn not in rows.get((key, en), set())]
    assert _synonyms() and not missing, "方案编写指南 §3.0 does not list: " + "；".join(missing)
