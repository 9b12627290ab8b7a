"""All problems of a scheme file in one pass, each at its line, with what is wrong and the fix.

`find_problems(data, text)` validates the data (Chinese words already translated) with the
model, collecting every field error pydantic finds, runs the cross-reference checks of
`scheme/checks.py` beside them (they read the raw data, so they run even where fields are
wrong), and locates each at its TOML line (`scheme/lines.py`). `describe` writes them, sorted by
line, at most `MAX_PROBLEMS`.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ValidationError

from kaohe_cli.scheme import model as M
from kaohe_cli.scheme.checks import MAX_PROBLEMS, Problem, cross_problems
from kaohe_cli.scheme.lines import TomlLines, clean
from kaohe_cli.scheme.synonyms import english_key, label

GUIDE = "写法见《方案编写指南》（kaohe schemes guide > 方案编写指南.md 导出）；kaohe schemes new 可生成带注释的方案样板"


@dataclass(frozen=True)
class Located:
    """A problem with its line (1-based) and its key path as written."""

    line: int | None
    where: str
    message: str
    fix: str
    level: str = "error"

    def text(self) -> str:
        at = f"第{self.line}行 " if self.line else ""
        fix = f"。改法：{self.fix}" if self.fix else ""
        return f"{at}{self.where}：{self.message}{fix}"


def find_problems(data: dict, text: str) -> tuple[M.Scheme | None, list[Located]]:
    """The scheme (None when any error) and every problem, sorted by line."""
    problems: list[Problem] = []
    scheme = None
    try:
        scheme = M.Scheme.model_validate(data, context={"cross_checked": True})
    except ValidationError as exc:
        problems.extend(_from_pydantic(err) for err in exc.errors())
    except RecursionError:  # pragma: no cover - the depth is bounded before parsing
        problems.append(Problem((), "嵌套层数过多", "请检查列表 [...] 和表 {...} 是否成对"))
    problems.extend(cross_problems(data))
    lines = TomlLines(text)
    seen: set = set()
    out: list[Located] = []
    for order, p in enumerate(problems):
        key = (clean(p.loc), p.message)
        if key in seen:
            continue
        seen.add(key)
        line = lines.line(p.loc) or (1 if p.loc else None)
        out.append(Located(line, lines.shown(p.loc, data), p.message, p.fix, p.level))
    out.sort(key=lambda x: (x.line or 0))
    if any(p.level == "error" for p in out):
        scheme = None
    return scheme, out


def check_file(ref: str):
    """`kaohe schemes check`: (scheme or None, every problem) of a scheme file or built-in id."""
    from pathlib import Path

    from kaohe_cli.errors import SchemeError
    from kaohe_cli.scheme.loader import builtin_text, check_scheme_text, read_toml_file

    path = Path(ref)
    if path.is_file():
        return check_scheme_text(read_toml_file(path, f"方案文件 {path.name}", SchemeError, "方案文件"), path.name)
    if ref.lower().endswith(".toml") or "/" in ref or "\\" in ref:
        raise SchemeError(f"找不到方案文件 {path}", "请检查路径，或用 kaohe schemes list 查看内置方案")
    return check_scheme_text(builtin_text(ref), f"{ref}.toml（内置）")


def describe(found: list[Located], label_: str) -> str:
    errors = [p for p in found if p.level == "error"]
    lines = [f"方案文件 {label_} 有 {len(errors)} 处错误："]
    for p in errors[:MAX_PROBLEMS]:
        lines.append(f"  - {p.text()}")
    if len(errors) > MAX_PROBLEMS:
        lines.append(f"  - ……另有 {len(errors) - MAX_PROBLEMS} 处（改好以上各处后再检查）")
    return "\n".join(lines)


# ---- pydantic's errors as problems -------------------------------------------------------------

_FIX = {
    "decimal_parsing": "请写数字，不加引号，如 2 或 0.5",
    "decimal_type": "请写数字，不加引号，如 2 或 0.5",
    "float_parsing": "请写数字，不加引号",
    "int_parsing": "请写整数，不加引号",
    "int_type": "请写整数，不加引号",
    "int_from_float": "请写整数",
    "string_type": "文本要用英文双引号括起来，如 \"迟到\"",
    "bool_type": "请写 true 或 false（也可写 \"是\" 或 \"否\"）",
    "bool_parsing": "请写 true 或 false（也可写 \"是\" 或 \"否\"）",
    "list_type": "请写成列表，如 [\"甲\", \"乙\"]",
    "tuple_type": "请写成 [下限, 上限]，如 [1, 5]",
    "dict_type": "请写成表，如 { 键 = 值 }",
    "model_type": "请写成表 [...] 或内联表 { 键 = 值 }",
    "literal_error": "请改为可选值之一",
    "date_parsing": "请写成 2024-02-10",
}


def _from_pydantic(err: dict) -> Problem:
    from kaohe_cli.scheme.loader import pydantic_message

    loc = clean(tuple(err.get("loc", ())))
    kind = err.get("type", "")
    key = next((k for k in reversed(loc) if isinstance(k, str)), "")
    if kind == "extra_forbidden" and loc:
        return Problem(loc, f"未知的键「{loc[-1]}」", _key_fix(loc))
    if kind == "missing" and loc and isinstance(loc[-1], str):
        where = "文件开头（第一个表头 [...] 之前）" if len(loc) == 1 else "这个表中"
        return Problem(loc, f"缺少必填项「{loc[-1]}」", f"请在{where}加上 {loc[-1]} = …")
    if kind == "literal_error":
        options = [o.strip("'") for o in str((err.get("ctx") or {}).get("expected", "")).replace(" or ", ", ").split(", ")]
        shown = "、".join(label(key, o) for o in options if o)
        given = err.get("input")
        what = f"取值「{given}」不在允许范围内" if isinstance(given, (str, int, float)) else "取值不在允许范围内"
        return Problem(loc, f"{what}，可选：{shown}", "请改为可选值之一（英文或括号中的中文都可以）")
    return Problem(loc, pydantic_message(err), _FIX.get(kind, ""))


def _key_fix(loc: tuple) -> str:
    bad = str(loc[-1])
    fields = _fields_at(loc[:-1])
    cn = english_key(bad)
    if cn and (not fields or cn in fields):
        return f"键要用英文：请写作 {cn}"
    near = difflib.get_close_matches(bad, sorted(fields), n=1, cutoff=0.6)
    if near:
        return f"是否想写「{near[0]}」？请改为 {near[0]}"
    if fields:
        return f"请删去，或改为这里可用的键之一：{'、'.join(sorted(fields))}"
    return "请删去这个键"


def _fields_at(loc: tuple) -> set[str]:
    """The keys allowed at `loc`: the fields of the model found by walking the annotations."""
    cls: type[BaseModel] | None = M.Scheme
    for key in loc:
        if cls is None:
            return set()
        if isinstance(key, int):
            continue
        field = cls.model_fields.get(key)
        cls = _model_in(field.annotation) if field is not None else None
    return set(cls.model_fields) if cls is not None else set()


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=1)
def bool_keys() -> frozenset[str]:
    """Every key the model declares as a boolean (是/否 are accepted for them)."""
    out: set[str] = set()
    for obj in vars(M).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
            for name, field in obj.model_fields.items():
                ann = field.annotation
                if ann is bool or bool in typing.get_args(ann):
                    out.add(name)
    return frozenset(out)
