"""Load a scheme by built-in id or from a TOML path, with located Chinese errors.

Also the TOML reading shared with `kaohe.toml` (`kaohe_cli.app.config`): `read_toml_file` and
`toml_data` refuse a file over `MAX_TOML_BYTES` or nested deeper than `MAX_TOML_DEPTH` before
parsing it, and turn every tomllib and pydantic error into Chinese (`syntax_reason`,
`pydantic_message`): no English from either library reaches the user.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from importlib import resources
from pathlib import Path

from kaohe_cli.errors import KaoheError, SchemeError
from kaohe_cli.scheme.model import Scheme

_BUILTIN_PACKAGE = "kaohe_cli.scheme.builtin"

MAX_TOML_BYTES = 1_000_000  # a scheme file is a few kilobytes; kaohe.toml less
MAX_TOML_DEPTH = 32  # levels of [ and { (the built-in schemes use 2)


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
        text = read_toml_file(path, f"方案文件 {path.name}", SchemeError, "方案文件")
        return parse_scheme(text, path.name)
    return parse_scheme(builtin_text(ref_text), f"{ref_text}.toml（内置）")


def parse_scheme(text: str, label: str) -> Scheme:
    """TOML text → a validated Scheme, or a SchemeError listing every problem of the file."""
    scheme, found = check_scheme_text(text, label)
    if scheme is None:
        from kaohe_cli.scheme.report import GUIDE, describe

        raise SchemeError(describe(found, label), f"逐条按「改法」修改后，可用 kaohe schemes check 文件 复查；{GUIDE}")
    return scheme


def check_scheme_text(text: str, label: str) -> tuple[Scheme | None, list]:
    """(the scheme or None, every problem as `report.Located`, errors and warnings, by line).
    A TOML syntax error stops at once (SchemeError): nothing further can be read."""
    from kaohe_cli.scheme.report import bool_keys, find_problems
    from kaohe_cli.scheme.synonyms import translate

    data = toml_data(text, f"方案文件 {label}", SchemeError)
    return find_problems(translate(data, bool_keys()), text)


# ---- TOML files, shared with kaohe.toml -------------------------------------------------------


def read_toml_file(path: Path, label: str, error: type[KaoheError], what: str) -> str:
    """The text of a TOML file, refused with `error` (in Chinese) when it is too big, not
    UTF-8 or unreadable. `label` names the file in messages ("方案文件 x.toml")."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        from kaohe_cli.errors import os_reason

        raise error(f"无法读取{label}：{os_reason(exc)}", "请检查文件权限") from None
    if size > MAX_TOML_BYTES:
        raise error(*_too_big(label, size, what))
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        from kaohe_cli.errors import os_reason

        raise error(f"无法读取{label}：{os_reason(exc)}", "请检查文件权限") from None
    if len(raw) > MAX_TOML_BYTES:  # grew since stat, or a device
        raise error(*_too_big(label, len(raw), what))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{label} 不是 UTF-8 编码", f"请用 UTF-8 编码保存{what}") from None


def _too_big(label: str, size: int, what: str) -> tuple[str, str]:
    mb = MAX_TOML_BYTES // 1_000_000
    return (f"{label} 太大（{size / 1_000_000:.1f} MB，上限 {mb} MB），未读取",
            f"{what}通常只有几千字节；请确认选对了文件")


def toml_data(text: str, label: str, error: type[KaoheError]) -> dict:
    """TOML text → data, or `error` with a Chinese message naming the line and column.

    Refused before parsing: text over `MAX_TOML_BYTES`, and [ or { nested deeper than
    `MAX_TOML_DEPTH` (tomllib recurses once per level and would overflow the stack)."""
    if len(text) > MAX_TOML_BYTES or len(text.encode("utf-8")) > MAX_TOML_BYTES:
        raise error(*_too_big(label, len(text.encode("utf-8")), "这个文件"))
    deep = nesting_too_deep(text)
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        raise error(
            f"{label} 第{line}行的方括号 [ ] 或花括号 {{ }} 嵌套超过 {MAX_TOML_DEPTH} 层，未读取",
            "正常的方案和配置最多嵌套两三层；请检查括号是否成对",
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(*_describe_syntax(exc, text, label)) from None
    except RecursionError:  # pragma: no cover - the depth is bounded above
        raise error(f"{label} 嵌套层数过多，未读取", "请检查括号是否成对") from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        long = re.search(r"\d{4000,}", text)
        at = f" 第{text.count(chr(10), 0, long.start()) + 1}行" if long else " "
        raise error(f"{label}{at}有位数过多的数字，未读取", "数字最多写十几位；请检查是否误粘贴了长串数字") from None


_SCAN = re.compile(r'"""|\'\'\'|["\'#\[\]{}\n\\]')


def nesting_too_deep(text: str, limit: int = MAX_TOML_DEPTH) -> int | None:
    """The position of the first [ or { nested deeper than `limit`, ignoring brackets inside
    strings and comments; None when there is none. One pass over the few characters that
    matter (quotes, brackets, #, backslashes, newlines): linear in the text."""
    depth = 0
    state = ""  # '', '"', "'", '"""', "'''", '#'
    skip_to = -1  # a backslash escapes the next character
    for m in _SCAN.finditer(text):
        pos, tok = m.start(), m.group()
        if pos < skip_to:
            continue
        if state == "":
            if tok in ("[", "{"):
                depth += 1
                if depth > limit:
                    return pos
            elif tok in ("]", "}"):
                depth = max(0, depth - 1)
            elif tok in ('"', "'", '"""', "'''", "#"):
                state = tok
        elif state == "#":
            if tok == "\n":
                state = ""
        elif state in ('"', '"""'):
            if tok == "\\":
                skip_to = pos + 2
            elif tok == "\n" and state == '"':
                state = ""  # an unterminated string: tomllib says so
            elif tok == '"""' or (tok == '"' and state == '"'):
                state = ""
        elif state == "'":
            if tok in ("'", "'''", "\n"):
                state = ""
        elif state == "'''" and tok == "'''":
            state = ""
    return None


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
    "finite_number": "应为有限的数，不能是无穷大或非数",
    "decimal_max_digits": "数字位数太多",
    "decimal_max_places": "小数位数太多",
    "decimal_whole_digits": "整数位数太多",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "string_type": "应为文本（用英文双引号括起来）",
    "string_too_short": "文本太短",
    "string_too_long": "文本太长",
    "string_pattern_mismatch": "格式不对",
    "bytes_type": "应为文本（用英文双引号括起来）",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "int_parsing_size": "整数太大",
    "list_type": "应为列表 [...]",
    "set_type": "应为列表 [...]",
    "frozen_set_type": "应为列表 [...]",
    "tuple_type": "应为两个数的列表 [下限, 上限]",
    "too_short": "元素太少",
    "too_long": "元素太多",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "dict_type": "应为表 {...}",
    "model_type": "应为表 {...}",
    "model_attributes_type": "应为表 {...}",
    "dataclass_type": "应为表 {...}",
    "date_type": "应为日期，如 2024-02-10",
    "date_parsing": "应为日期，如 2024-02-10",
    "date_from_datetime_parsing": "应为日期，如 2024-02-10",
    "date_from_datetime_inexact": "应为日期，如 2024-02-10，不带时间",
    "datetime_type": "应为日期和时间",
    "datetime_parsing": "应为日期和时间",
    "time_type": "应为时间",
    "time_parsing": "应为时间",
    "timedelta_type": "应为时长",
    "greater_than": "太小",
    "greater_than_equal": "太小",
    "less_than": "太大",
    "less_than_equal": "太大",
    "multiple_of": "取值无效",
    "none_required": "应留空",
    "recursion_loop": "嵌套层数过多",
    "frozen_field": "不能修改",
    "frozen_instance": "不能修改",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTED_OPTION = re.compile(r"'((?:[^'\\]|\\.)*)'")


def pydantic_message(err: dict) -> str:
    """One pydantic error as Chinese: our validators' own text, else a phrase by error type;
    never pydantic's English."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    loc = err.get("loc", ())
    if kind in ("value_error", "assertion_error"):
        text = str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return text if _CJK.search(text) else "取值无效"
    if kind == "literal_error":
        options = _QUOTED_OPTION.findall(str(ctx.get("expected", "")))
        return "取值不在允许范围内" + (f"，可选：{'、'.join(options)}" if options else "")
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        want = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return f"应有 {want} 个值，实有 {ctx['actual_length']} 个" if want is not None else _MSG[kind]
    if kind == "missing" and loc and isinstance(loc[-1], int):
        return f"缺少第 {loc[-1] + 1} 个值"
    limits = {"greater_than": ("gt", "应大于"), "greater_than_equal": ("ge", "应不小于"),
              "less_than": ("lt", "应小于"), "less_than_equal": ("le", "应不超过")}
    if kind in limits and limits[kind][0] in ctx:
        key, words = limits[kind]
        return f"{words} {ctx[key]}"
    return _MSG.get(kind, "取值无效")


_SYNTAX = (  # tomllib's messages (by their start), most specific first
    ("Unterminated string", "字符串缺少结束引号"),
    ("Unclosed array", "列表 [...] 缺少右方括号"),
    ("Unclosed inline table", "内联表 {...} 缺少右花括号"),
    ("Expected '=' after a key", "键后面缺少 ="),
    ("Expected ']' at the end of a table declaration", "表头 [...] 缺少右方括号"),
    ("Expected ']]' at the end of an array declaration", "表头 [[...]] 缺少右方括号"),
    ("Expected newline or end of document", "一行只能写一个 键 = 值"),
    ("Expected", "缺少结束的引号或括号"),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Cannot declare", "同一个表声明了两次"),
    ("Cannot mutate immutable namespace", "不能再往已写完的表或内联表中添加键"),
    ("Cannot redefine namespace", "不能把已有的表重新定义为别的类型"),
    ("Duplicate inline table key", "内联表中同一个键写了两次"),
    ("Invalid initial character for a key part", "键的写法不对（键只能用字母、数字、- 和 _，其他文字要用引号括起来）"),
    ("Invalid statement", "这一行不是 键 = 值，也不是表头 [...]（中文的键要用英文双引号括起来）"),
    ("Invalid value", "值无效（文本要加引号，数字不要加引号）"),
    ("Invalid date or datetime", "日期或时间无效"),
    ("Invalid hex value", "字符串中的 \\u 转义不是十六进制数"),
    ("Escaped character is not a Unicode scalar value", "字符串中的 \\u 转义不是有效字符"),
    ("Unescaped '\\' in a string", "字符串中的反斜杠 \\ 要写成两个 \\\\"),
    ("Illegal character", "有非法字符（常见原因：引号没有成对）"),
    ("Found invalid character", "有非法字符（常见原因：引号没有成对）"),
)
_CHINESE_KEY = re.compile(r"^\[{0,2}\s*([^\s=\[\].\"']*[\u4e00-\u9fff][^\s=\[\].\"']*)\s*(?:=|\]|\.)")
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def syntax_reason(detail: str) -> str:
    """tomllib's English reason → Chinese (a generic phrase for a message not in the table)."""
    return next((cn for en, cn in _SYNTAX if detail.startswith(en)), "格式不合法")


def _describe_syntax(exc: Exception, text: str, label: str) -> tuple[str, str]:
    """A TOML syntax error as (message, hint) in Chinese, naming the line and column.

    `label` names the file ("方案文件 x.toml"). tomllib's own English is not shown."""
    detail = str(exc)
    m = _AT.search(detail)
    what = syntax_reason(detail)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        lines = text.splitlines()
        shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message = f"{label} 第{line}行第{col}列不是合法的 TOML：{what}"
        hint = f"请修改第{line}行" + (f"「{shown}」" if shown else "") + "；文本值要用英文双引号括起来，括号要成对"
        chinese = _CHINESE_KEY.match(shown)
        from kaohe_cli.scheme.synonyms import english_key

        english = english_key(chinese.group(1)) if chinese and label.startswith("方案文件") else None
        if english:  # a Chinese word for a key of the language (a name used as a key needs quotes instead)
            word = chinese.group(1)
            message = f"{label} 第{line}行：方案的键要用英文，「{word}」不是键"
            hint = f"请把「{word}」改为 {english}（名称作键时，如加分类别，才用英文双引号括起来）" + \
                "；各键的写法见《方案编写指南》（kaohe schemes guide 导出），kaohe schemes new 可生成带注释的样板"
        return message, hint
    message = f"{label} 不是合法的 TOML（在文件末尾发现）：{what}"
    return message, "请检查文件中的引号、方括号和花括号是否成对，同一个键是否写了两次"
