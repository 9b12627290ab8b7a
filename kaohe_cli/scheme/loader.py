"""Load a scheme by built-in id or from a TOML path, with located Chinese errors."""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from kaohe_cli.errors import SchemeError
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.text import norm

_BUILTIN_PACKAGE = "kaohe_cli.scheme.builtin"


def builtin_ids() -> list[str]:
    """The ids of the schemes that ship with kaohe, in the order of SCHEMES.md."""
    order = ["zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"]
    found = sorted(p.name[:-5] for p in resources.files(_BUILTIN_PACKAGE).iterdir() if p.name.endswith(".toml"))
    return [i for i in order if i in found] + [i for i in found if i not in order]


def builtin_text(scheme_id: str) -> str:
    if scheme_id not in builtin_ids():
        raise SchemeError(
            f"没有内置方案「{scheme_id}」",
            f"可选：{'、'.join(builtin_ids())}；或给出方案文件的路径（.toml）",
        )
    return resources.files(_BUILTIN_PACKAGE).joinpath(f"{scheme_id}.toml").read_text(encoding="utf-8")


def load_scheme(ref: str | Path) -> Scheme:
    """A built-in id (`caizheng`) or a path to a TOML file → a validated Scheme."""
    ref_text = str(ref)
    if isinstance(ref, Path) or ref_text.lower().endswith(".toml") or "/" in ref_text or "\\" in ref_text:
        path = Path(ref)
        if not path.is_file():
            raise SchemeError(f"找不到方案文件 {path}", "请检查路径，或用 kaohe schemes list 查看内置方案")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise SchemeError(f"方案文件 {path.name} 不是 UTF-8 编码", "请用 UTF-8 编码保存方案文件") from None
        except OSError as exc:
            raise SchemeError(f"无法读取方案文件 {path.name}：{exc.strerror}", "请检查文件权限") from None
        return parse_scheme(text, path.name)
    return parse_scheme(builtin_text(ref_text), f"{ref_text}.toml（内置）")


def parse_scheme(text: str, label: str) -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(*_describe_syntax(exc, text, label)) from None
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(_describe(exc, data, text, label), "请对照 kaohe schemes export 导出的内置方案修改") from None
    return scheme


def scheme_hash(scheme: Scheme) -> str:
    """A short, stable hash of the scheme's content (not of its formatting)."""
    canon = scheme.model_dump_json()
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


# ---- error description ----------------------------------------------------------------------

_MSG = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知的键",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "string_type": "应为文本",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "list_type": "应为列表 [...]",
    "tuple_type": "应为两个数的列表 [下限, 上限]",
    "too_short": "元素太少",
    "too_long": "元素太多",
    "literal_error": "取值不在允许范围内",
    "dict_type": "应为表 {...}",
    "model_type": "应为表 {...}",
}


def _describe(exc: ValidationError, data: dict, text: str, label: str) -> str:
    lines = [f"方案文件 {label} 有 {exc.error_count()} 处错误："]
    for err in exc.errors()[:12]:
        loc = err.get("loc", ())
        path = _toml_path(loc, data)
        kind = err.get("type", "")
        if kind == "value_error":
            what = str(err.get("msg", "")).removeprefix("Value error, ")
        else:
            what = _MSG.get(kind, err.get("msg", ""))
        if kind == "literal_error":
            expected = (err.get("ctx") or {}).get("expected", "")
            if expected:
                what += f"，可选：{expected}"
        if kind == "extra_forbidden" and loc:
            what += _suggest_key(loc, data)
        if not loc:  # a whole-scheme check: find the offending value it names
            loc = _locate_named(what, data)
            path = _toml_path(loc, data)
        line = _line_of(loc, data, text)
        where = f"第{line}行 " if line else ""
        lines.append(f"  - {where}{path}：{what}")
    if exc.error_count() > 12:
        lines.append(f"  - ……另有 {exc.error_count() - 12} 处")
    return "\n".join(lines)


def _toml_path(loc: tuple, data: dict) -> str:
    parts: list[str] = []
    node: object = data
    for key in loc:
        if isinstance(key, int):
            name = ""
            if isinstance(node, list) and 0 <= key < len(node) and isinstance(node[key], dict):
                name = node[key].get("name", "")
            parts[-1] = parts[-1] + f"[{key + 1}]" + (f"（{name}）" if name else "")
            node = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
        else:
            if str(key).startswith(("function-", "tuple[")):
                continue
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "（整个文件）"


def _suggest_key(loc: tuple, data: dict) -> str:
    from kaohe_cli.scheme import model as m

    bad = str(loc[-1])
    # Find the model that owns the parent location, walking by field annotations.
    candidates: set[str] = set()
    for cls in (m.Scheme, m.Item, m.Level, m.Component, m.Caps, m.Rule, m.Condition, m.Grade,
                m.Grading, m.Targets, m.Factor, m.BandRule, m.BottomRankPenalty, m.Annual, m.LeaveArithmetic):
        candidates.update(cls.model_fields)
    near = difflib.get_close_matches(bad, sorted(candidates), n=1, cutoff=0.6)
    return f"「{bad}」，是否想写「{near[0]}」？" if near else f"「{bad}」"


def _line_of(loc: tuple, data: dict, text: str) -> int | None:
    """Best-effort line number: the key inside the nearest named table, or that table's line."""
    node: object = data
    anchor = None
    anchor_node = None
    depth = 0  # how many keys of `loc` lie above the anchor
    for n, key in enumerate(loc):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                anchor, anchor_node, depth = node["name"], node, n + 1
        else:
            break
    lines = text.splitlines()
    keys = [k for k in reversed(loc[depth:]) if isinstance(k, str)]
    key_pats = [re.compile(r"^\s*" + re.escape(k) + r"\s*=") for k in keys if k != "name"]
    if anchor is not None:
        pat = re.compile(r'(^|[{,])\s*name\s*=\s*["\']' + re.escape(anchor) + r'["\']')
        hits = [i for i, ln in enumerate(lines) if pat.search(ln)]
        if hits:
            # The n-th table with this name (duplicates), then the key inside that table.
            start = hits[min(_named_before(data, anchor_node, anchor), len(hits) - 1)]
            for key_pat in key_pats:
                for j in range(start + 1, len(lines)):
                    if _TABLE_HEADER.match(lines[j]):
                        break
                    if key_pat.search(lines[j]):
                        return j + 1
            return start + 1
    for key_pat in key_pats:
        for i, ln in enumerate(lines, 1):
            if key_pat.search(ln):
                return i
    return None


_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*[A-Za-z_\"']")


def _named_before(data: object, target: object, name: str) -> int:
    """How many tables named `name` come before `target` in document order."""
    count = 0

    def walk(node: object) -> bool:
        nonlocal count
        if node is target:
            return True
        if isinstance(node, dict):
            if node.get("name") == name:
                count += 1
            return any(walk(v) for v in node.values())
        if isinstance(node, list):
            return any(walk(v) for v in node)
        return False

    walk(data)
    return count


_QUOTED = re.compile(r"「([^「」]+)」")


def _locate_named(message: str, data: dict) -> tuple:
    """The location of the value a whole-scheme error names in 「」 (e.g. an unknown component).

    A reference (any key but `name`) is preferred to a definition; for a duplicate, the last
    place the name is written is the offending one.
    """
    for name in _QUOTED.findall(message):
        found: list[tuple] = []
        _find_value(data, name, (), found)
        if not found:
            continue
        if "重复" in message:
            return found[-1]
        refs = [loc for loc in found if loc[-1] != "name"]
        return (refs or found)[0]
    return ()


def _find_value(node: object, name: str, loc: tuple, found: list[tuple]) -> None:
    """Every place `name` is written: as a string value, a list element, or a table key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == name:
                found.append(loc + (key,))
            _find_value(value, name, loc + (key,), found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _find_value(value, name, loc + (i,), found)
    elif isinstance(node, str) and loc and (node == name or norm(node) == name):
        found.append(loc)


_SYNTAX = {
    "Unterminated string": "字符串缺少结束引号",
    "Unclosed array": "列表 [...] 缺少右方括号",
    "Unclosed inline table": "内联表 {...} 缺少右花括号",
    "Expected '=' after a key": "键后面缺少 =",
    "Cannot overwrite a value": "同一个键写了两次",
    "Cannot declare": "同一个表声明了两次",
    "Invalid value": "值无效（文本要加引号，数字不要加引号）",
    "Illegal character": "有非法字符（常见原因：引号没有成对）",
    "Expected ']' at the end of a table declaration": "表头 [...] 缺少右方括号",
    "Expected newline or end of document": "一行只能写一个 键 = 值",
}
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _describe_syntax(exc: Exception, text: str, label: str) -> tuple[str, str]:
    """A TOML syntax error as (message, hint) in Chinese, naming the line and column."""
    detail = str(exc)
    m = _AT.search(detail)
    reason = next((cn for en, cn in _SYNTAX.items() if detail.startswith(en)), "")
    raw = _AT.sub("", detail).replace(" (at end of document)", "")
    what = f"{reason}（{raw}）" if reason else raw
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        lines = text.splitlines()
        shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        message = f"方案文件 {label} 第{line}行第{col}列不是合法的 TOML：{what}"
        hint = f"请修改第{line}行" + (f"「{shown}」" if shown else "") + "；文本值要用英文双引号括起来，括号要成对"
        return message, hint
    message = f"方案文件 {label} 不是合法的 TOML（在文件末尾发现）：{what}"
    return message, "请检查文件中的引号、方括号和花括号是否成对，同一个键是否写了两次"
