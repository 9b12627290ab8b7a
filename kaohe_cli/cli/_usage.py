"""Chinese command-line usage errors.

click (or typer's vendored copy of it, `typer._click`) builds its usage errors from English
f-strings, so a message catalogue cannot translate them. Instead `install()` patches the
exception classes where a message is *shown*:

* `format_message()` of every click exception returns a Chinese sentence, rebuilt from the
  exception's attributes (the parameter, the option name, the possibilities) and, where
  click keeps no attribute, from the English message it made;
* `show()` (the plain, non-rich path) prints the usage line, the help hint and "错误：…";
* `Command.format_usage()` writes "用法：kaohe explain [选项] WHO", for errors and help alike;
* `Command.parse_args()` attaches the context to the errors the option parser raises
  without one, so they too get a usage line and a help hint.

typer's rich error panel is drawn by `install_rich()`'s renderer (called by
`cli._localise_rich_utils` when typer loads `typer.rich_utils`) from these same methods, so
both paths speak Chinese. Only the click modules already imported are patched; nothing heavy
is imported here.

A message quotes what was typed (`kaohe $'\\x1b[2J'`, an option's value): like everything
printed, it shows control and bidirectional characters as `\\x1b`, `\\u202e`
(`kaohe_cli.text.terminal_safe`), and a quoted value stays on one line.
"""

from __future__ import annotations

import re
import sys

from kaohe_cli.text import terminal_safe

_MARK = "_kaohe_zh"
EXCEL_HINT = "文件可能正在 Excel/WPS 中打开，请关闭后重试"


def install() -> None:
    """Patch every click implementation already loaded (idempotent)."""
    for package in ("typer._click", "click"):
        exceptions = sys.modules.get(package + ".exceptions")
        core = sys.modules.get(package + ".core")
        if exceptions is None or core is None or getattr(exceptions, _MARK, False):
            continue
        try:
            _patch_exceptions(exceptions)
            _patch_core(core, exceptions)
        except AttributeError:  # pragma: no cover - an unknown click layout: leave it English
            continue
        setattr(exceptions, _MARK, True)
    _patch_typer_gettext()
    _patch_type_labels()


# Help shows each option's value type as <str>, <int>, <path>, <bool>: in Chinese, and none for
# a plain switch (it takes no value).
_TYPE_LABELS = {"str": "文本", "text": "文本", "int": "整数", "integer": "整数", "float": "数",
                "path": "路径", "file": "文件", "directory": "文件夹", "datetime": "日期"}


def _patch_type_labels() -> None:
    core = sys.modules.get("typer.core")
    cls = getattr(core, "_TyperParameter", None)
    if cls is None or not hasattr(cls, "display_type") or getattr(cls.display_type, _MARK, False):
        return  # typer versions without typed labels print none
    original = cls.display_type

    def display_type(self, ctx, _original=original):
        label = _original(self, ctx)
        if not isinstance(label, str) or not (label.startswith("<") and label.endswith(">")):
            return label
        inner = label[1:-1]
        if inner == "bool" and getattr(self, "is_flag", False):
            return None
        for english, chinese in _TYPE_LABELS.items():
            inner = re.sub(rf"\b{english}\b", chinese, inner)
        return f"<{inner}>"

    setattr(display_type, _MARK, True)
    cls.display_type = display_type


# --- patching -----------------------------------------------------------------------------


def _patch_exceptions(mod) -> None:
    base = mod.ClickException
    for cls in (base, mod.BadParameter, mod.MissingParameter, mod.NoSuchOption, getattr(mod, "FileError", base)):
        # The base class may inherit its method (typer's vendored click: from TyperException);
        # a subclass is patched only where it overrides the method.
        if (cls is not base and "format_message" not in vars(cls)) or getattr(cls.format_message, _MARK, False):
            continue
        original = cls.format_message

        def format_message(self, _original=original, _mod=mod):
            try:
                text = translate(self, _mod, _original)
            except Exception:  # noqa: BLE001 - a bug here must not hide the error itself
                text = None
            # Safe for the terminal on both paths (rich panel, plain echo); newlines stay: a
            # help page shown as an error (no arguments) is multi-line.
            return terminal_safe(text if text is not None else str(_original(self)))

        setattr(format_message, _MARK, True)
        cls.format_message = format_message

    def show(self, file=None, _mod=mod):
        show_plain(self, _mod, file)

    setattr(show, _MARK, True)
    base.show = show
    mod.UsageError.show = show


def _patch_core(core, exceptions) -> None:
    command = core.Command

    def format_usage(self, ctx, formatter):
        pieces = [usage_piece(p) for p in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    parse_args_original = command.parse_args

    def parse_args(self, ctx, args, _original=parse_args_original, _error=exceptions.UsageError):
        try:
            return _original(self, ctx, args)
        except _error as exc:
            if getattr(exc, "ctx", None) is None:  # raised by the option parser
                exc.ctx = ctx
                exc.cmd = ctx.command
            raise

    command.format_usage = format_usage
    command.parse_args = parse_args


def _patch_typer_gettext() -> None:
    """Without rich, typer prints "Aborted!" and its plain help's headings through gettext."""
    core = sys.modules.get("typer.core")
    gettext = getattr(core, "_", None)
    if core is None or not callable(gettext) or getattr(gettext, _MARK, False):
        return
    own = {
        "Aborted!": "已中止。",
        "Options": "选项",
        "Arguments": "参数",
        "Commands": "命令",
        "required": "必填",
        "default: {default}": "缺省：{default}",
        "env var: {var}": "环境变量：{var}",
        "(dynamic)": "（动态）",
    }

    def _(message: str, _gettext=gettext) -> str:
        return own.get(message) or _gettext(message)

    setattr(_, _MARK, True)
    core._ = _


def install_rich(ru) -> None:
    """Replace typer's rich error renderer (`typer.rich_utils`, loaded only to show help or an
    error) with one that prints the Chinese help hint: older typer (0.12) hard-codes
    "Try '…' for help." instead of reading `RICH_HELP`."""
    original = getattr(ru, "rich_format_error", None)
    if original is None or getattr(original, _MARK, False):
        return

    def rich_format_error(self, _ru=ru, _original=original) -> None:
        if type(self).__name__ == "NoArgsIsHelpError":  # the help page was shown already
            return _original(self)
        try:
            from rich.markup import escape

            console = _ru._get_rich_console(stderr=True)
            panel, highlighter = _ru.Panel, _ru.highlighter
        except (ImportError, AttributeError):  # pragma: no cover - an unknown typer layout
            return _original(self)
        ctx = getattr(self, "ctx", None)
        if ctx is not None:
            console.print(highlighter(ctx.get_usage()), style=getattr(_ru, "STYLE_USAGE_COMMAND", ""))
            if ctx.command.get_help_option(ctx) is not None:
                console.print(
                    f"用 [blue]'{escape(_one_line(ctx.command_path))} {escape(_one_line(ctx.help_option_names[0]))}'[/] 查看帮助。",
                    style=getattr(_ru, "STYLE_ERRORS_SUGGESTION", ""),
                )
        console.print(
            panel(
                highlighter(self.format_message()),
                border_style=getattr(_ru, "STYLE_ERRORS_PANEL_BORDER", "red"),
                title=getattr(_ru, "ERRORS_PANEL_TITLE", "错误"),
                title_align=getattr(_ru, "ALIGN_ERRORS_PANEL", "left"),
            )
        )

    setattr(rich_format_error, _MARK, True)
    ru.rich_format_error = rich_format_error


def usage_piece(piece: str) -> str:
    """`[OPTIONS]` → `[选项]`, `COMMAND [ARGS]...` → `命令 [参数]...`; argument metavars stay."""
    piece = piece.replace("[OPTIONS]", "[选项]").replace("[ARGS]", "[参数]")
    return re.sub(r"\bCOMMAND(\d*)\b", r"命令\1", piece)


# --- showing (plain text, no rich) ----------------------------------------------------------


def show_plain(exc, mod, file=None) -> None:
    if file is None:
        stderr = getattr(mod, "get_text_stderr", None)
        file = stderr() if stderr is not None else sys.stderr
    echo = getattr(mod, "echo", None) or (lambda text, file=None, color=None: print(text, file=file))
    ctx = getattr(exc, "ctx", None)
    color = getattr(exc, "show_color", None)
    if ctx is not None:
        color = ctx.color
        head = ctx.get_usage() + "\n"
        if ctx.command.get_help_option(ctx) is not None:
            head += f"用 '{ctx.command_path} {ctx.help_option_names[0]}' 查看帮助。\n"
        echo(head, file=file, color=color)
    echo(f"错误：{exc.format_message()}", file=file, color=color)


# --- translating ----------------------------------------------------------------------------

_QUOTED = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""


def _unrepr(text: str) -> str:
    """`'abc'` (a Python repr) → `abc`; anything else unchanged."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        import ast

        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text[1:-1]
        return value if isinstance(value, str) else text
    return text


def _quoted_items(text: str) -> list[str]:
    return [_unrepr(m) for m in re.findall(_QUOTED, text)]


def _q(text: object) -> str:
    """A name or value in quotes, on one line and safe for the terminal."""
    return f"「{_one_line(text)}」"


def _one_line(text: object) -> str:
    return terminal_safe(str(text), one_line=True)


def _names(items) -> str:
    return "、".join(_q(i) for i in items)


def translate(exc, mod, original=None) -> str | None:
    """The Chinese message for a click exception, or None to keep click's own text."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # its message is the help page
        return None
    if isinstance(exc, mod.NoSuchOption):
        return _no_such_option(exc)
    if isinstance(exc, mod.MissingParameter):
        return _missing(exc, original)
    if isinstance(exc, mod.BadParameter):
        return _bad_value(exc)
    if isinstance(exc, mod.BadOptionUsage):
        return _bad_option_usage(exc)
    if isinstance(exc, mod.BadArgumentUsage):
        return _bad_argument_usage(exc)
    if isinstance(exc, mod.UsageError):
        return _usage_message(exc)
    file_error = getattr(mod, "FileError", None)
    if file_error is not None and isinstance(exc, file_error):
        name = getattr(exc, "ui_filename", None) or getattr(exc, "filename", "")
        return f"无法打开文件{_q(name)}：{_os_reason(exc.message)}。"
    return None


def _usage_message(exc) -> str | None:
    message = str(getattr(exc, "message", "") or "")
    m = re.match(rf"No such command (?P<name>{_QUOTED})\.?(?:\s*Did you mean (?P<hint>.*)\?)?\s*$", message, re.S)
    if m:
        name = _unrepr(m["name"])
        return f"没有命令{_q(name)}。" + _command_hint(exc, name, _quoted_items(m["hint"] or ""))
    if re.fullmatch(r"Missing command\.?", message.strip()):
        return "缺少命令。" + _command_hint(exc, None, [])
    m = re.match(r"Got unexpected extra arguments?(?:\(s\))?\s*\((?P<args>.*)\)\.?\s*$", message, re.S)
    if m:
        return f"多出了参数{_q(m['args'])}。请检查是否漏写了选项名，或含空格的值没有加引号。"
    m = re.match(r"No such option:?\s*(?P<name>\S+)", message)
    if m:
        return f"没有选项{_q(m['name'])}。"
    return None


def _command_hint(exc, name: str | None, suggested: list[str]) -> str:
    """"您是不是要用「score」？", or the list of commands when nothing is close."""
    ctx = getattr(exc, "ctx", None)
    commands: list[str] = []
    group = getattr(ctx, "command", None)
    if group is not None and hasattr(group, "list_commands"):
        try:
            for cmd_name in group.list_commands(ctx):
                cmd = group.get_command(ctx, cmd_name)
                if cmd is not None and not getattr(cmd, "hidden", False):
                    commands.append(cmd_name)
        except Exception:  # noqa: BLE001 - the hint is a courtesy
            commands = []
    if not suggested and name is not None and commands:
        from difflib import get_close_matches

        suggested = get_close_matches(name, commands)
    if suggested:
        return f"您是不是要用{'或'.join(_q(s) for s in suggested)}？"
    if commands:
        return f"可用的命令：{'、'.join(commands)}。"
    return ""


def _no_such_option(exc) -> str:
    name = str(getattr(exc, "option_name", "") or "")
    message = str(getattr(exc, "message", "") or "")
    if not name:
        m = re.match(r"No such option:?\s*(?P<name>\S+)", message)
        name = m["name"] if m else message
    possible = sorted(getattr(exc, "possibilities", None) or [])
    if not possible:
        possible = _close_options(getattr(exc, "ctx", None), name)
    text = f"没有选项{_q(name)}。"
    if len(possible) == 1:
        text += f"您是不是要用{_q(possible[0])}？"
    elif possible:
        text += f"您是不是要用以下选项之一：{_names(possible)}？"
    return text


def _close_options(ctx, name: str) -> list[str]:
    if ctx is None or not name.startswith("--"):
        return []
    options: list[str] = []
    try:
        for param in ctx.command.get_params(ctx):
            options.extend(getattr(param, "opts", []))
            options.extend(getattr(param, "secondary_opts", []))
    except Exception:  # noqa: BLE001 - the hint is a courtesy
        return []
    from difflib import get_close_matches

    return sorted(get_close_matches(name, [o for o in options if o.startswith("--")]))


def _param(exc) -> tuple[str, str]:
    """("选项", "「--year / -y」") for the parameter an error is about; ("", "") if unknown."""
    param = getattr(exc, "param", None)
    kind_name = getattr(param, "param_type_name", None) or getattr(exc, "param_type", None) or ""
    kind = {"option": "选项", "argument": "参数"}.get(kind_name, "参数")
    hint = getattr(exc, "param_hint", None)
    if hint is not None:
        names = [hint] if isinstance(hint, str) else list(hint)
        names = [_unrepr(n) for n in names]
        if isinstance(hint, str) and re.fullmatch(rf"\s*(?:{_QUOTED})(?:\s*/\s*(?:{_QUOTED}))*\s*", hint):
            names = _quoted_items(hint)
        if any(str(n).startswith("-") for n in names):
            kind = "选项"
        return kind, _q(" / ".join(str(n) for n in names))
    if param is None:
        return "", ""
    if kind_name == "option" and getattr(param, "opts", None):
        return kind, _q(" / ".join(param.opts))
    return kind, _q(_argument_name(param, getattr(exc, "ctx", None)))


def _argument_name(param, ctx) -> str:
    for call in (lambda: param.get_error_hint(ctx), lambda: param.get_error_hint()):
        try:
            hint = call()
        except TypeError:
            continue
        except Exception:  # noqa: BLE001
            break
        items = _quoted_items(hint)
        return items[0] if items else str(hint)
    return str(getattr(param, "name", "") or "").upper()


def _missing(exc, original) -> str:
    kind, label = _param(exc)
    text = f"缺少{kind or '参数'}{label}。"
    english = ""
    if original is not None:
        try:
            english = original(exc)
        except Exception:  # noqa: BLE001
            english = ""
    m = re.search(r"Choose from:?\s*(?P<choices>.+)$", english, re.S)
    if m:
        choices = [c.strip() for c in re.split(r",\s*", m["choices"].strip().rstrip(".")) if c.strip()]
        text += f"可选的值：{'、'.join(choices)}。"
    extra = str(getattr(exc, "message", "") or "")
    if extra and not re.search(r"[A-Za-z]{3}", extra):  # a Chinese note from our own code
        text += extra
    return text


_TYPE_NAMES = {
    "integer": "整数",
    "int": "整数",
    "float": "数字",
    "number": "数字",
    "boolean": "是或否（true/false、yes/no、1/0）",
    "bool": "是或否（true/false、yes/no、1/0）",
    "uuid": "UUID",
    "datetime": "日期，如 2023-09-27",
    "date": "日期，如 2023-09-27",
    "text": "文字",
    "str": "文字",
}


def _bad_value(exc) -> str:
    kind, label = _param(exc)
    who = f"{kind}{label}" if label else ""
    message = str(getattr(exc, "message", "") or "")
    path = _path_problem(message)
    if path is not None:
        return f"{who}：{path}。" if who else f"{path}。"
    value, expected = _value_problem(exc, message)
    subject = f"{who}的值" if who else "值"
    if value is not None:
        subject += _q(value)
    if expected is None:
        if not message:
            return f"{subject}无效。"
        expected = message  # our own Chinese text, or (rarely) click's English one
    return f"{subject}无效：{expected.rstrip('。.')}。"


def _value_problem(exc, message: str) -> tuple[str | None, str | None]:
    """(the value given, what is expected) from pydantic's error or click's message."""
    cause = getattr(exc, "__cause__", None)
    errors = getattr(cause, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
        except Exception:  # noqa: BLE001
            first = None
        if first:
            value = first.get("input")
            value = None if value is None else str(value)
            expected = _pydantic_expected(first)
            if expected is not None:
                return value, expected
            message = str(first.get("msg", message))
    message = re.sub(r"^Value error,\s*", "", message)
    m = re.match(rf"(?:Value\s+)?(?P<value>{_QUOTED}|\S+) is not a valid (?P<type>[\w ]+?)\.?(?:\s|$)", message)
    if m:
        type_name = m["type"].strip()
        return _unrepr(m["value"]), "应为" + _TYPE_NAMES.get(type_name.lower(), type_name)
    m = re.match(rf"(?P<value>{_QUOTED}|\S+) is not (?:one of )?(?P<choices>(?:{_QUOTED})(?:\s*,\s*(?:{_QUOTED}))*)\.?\s*$", message)
    if m:
        return _unrepr(m["value"]), "应为以下之一：" + _names(_quoted_items(m["choices"]))
    m = re.match(r"(?P<value>\S+) is not in the range (?P<range>.+?)\.?\s*$", message)
    if m:
        return _unrepr(m["value"]), f"应在 {m['range']} 范围内"
    m = re.match(rf"(?P<value>{_QUOTED}) does not match the formats? (?P<formats>.+?)\.?\s*$", message)
    if m:
        return _unrepr(m["value"]), f"应为日期，格式为 {'、'.join(_quoted_items(m['formats'])) or m['formats']}"
    if message.startswith("Value must be an iterable"):
        return None, "应给出一个或多个值"
    return None, None


def _pydantic_expected(error: dict) -> str | None:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind.startswith("int_") or kind == "int_type":
        return "应为整数"
    if kind.startswith("float_") or kind.startswith("decimal_"):
        return "应为数字"
    if kind.startswith("bool_"):
        return "应为" + _TYPE_NAMES["boolean"]
    if kind.startswith("datetime"):
        return "应为日期或日期时间，如 2023-09-27 或 2023-09-27 08:30"
    if kind.startswith("date"):
        return "应为日期，如 2023-09-27"
    if kind.startswith("uuid"):
        return "应为 UUID"
    if kind in ("literal_error", "enum"):
        return "应为以下之一：" + (_names(_quoted_items(str(ctx.get("expected", "")))) or str(ctx.get("expected", "")))
    bounds = {"greater_than": ("gt", "应大于"), "greater_than_equal": ("ge", "应不小于"),
              "less_than": ("lt", "应小于"), "less_than_equal": ("le", "应不大于")}
    if kind in bounds and bounds[kind][0] in ctx:
        key, words = bounds[kind]
        return f"{words} {ctx[key]}"
    return None


_PATH_KINDS = {"file": "文件", "directory": "文件夹", "dir": "文件夹", "path": ""}


def _path_problem(message: str) -> str | None:
    """click's Path and File checks: "path 'x.xlsx' does not exist." and the like."""
    m = re.match(
        rf"(?P<kind>file|directory|dir|path) (?P<name>{_QUOTED}) (?P<what>does not exist|is a file|is a directory"
        r"|is not readable|is not writable|is not executable)\.?\s*$",
        message,
        re.I,
    )
    if m:
        kind, name, what = _PATH_KINDS[m["kind"].lower()], _q(_unrepr(m["name"])), m["what"].lower()
        return {
            "does not exist": f"{kind or '文件或文件夹'}{name}不存在，请检查文件名和路径",
            "is a file": f"{name}是文件，这里应给出文件夹",
            "is a directory": f"{name}是文件夹，这里应给出文件",
            "is not readable": f"无法读取{kind}{name}：没有读取权限，或{EXCEL_HINT}",
            "is not writable": f"无法写入{kind}{name}：没有写入权限，或{EXCEL_HINT}",
            "is not executable": f"{kind}{name}不能执行",
        }[what]
    m = re.match(rf"(?P<name>{_QUOTED}):\s*(?P<reason>.+?)\s*$", message)  # click.File: "'x': strerror"
    if m:
        return f"无法打开文件{_q(_unrepr(m['name']))}：{_os_reason(m['reason'])}"
    return None


def _os_reason(reason: str) -> str:
    """An OS error text (strerror) in Chinese; a file that exists but will not open may be locked."""
    text = str(reason or "").strip().rstrip(".")
    low = text.lower()
    if "no such file" in low or "cannot find" in low:
        return "文件不存在，请检查文件名和路径"
    if "is a directory" in low:
        return "这是一个文件夹，这里应给出文件"
    if "permission" in low or "access is denied" in low or "being used by another process" in low:
        return f"没有访问权限，或{EXCEL_HINT}"
    return f"{EXCEL_HINT}；如文件没有打开，请检查文件和所在文件夹的权限"


def _bad_option_usage(exc) -> str:
    name = str(getattr(exc, "option_name", "") or "")
    message = str(getattr(exc, "message", "") or "")
    if not name:
        items = _quoted_items(message)
        name = items[0] if items else ""
    m = re.search(r"requires (?:an argument|(?P<n>\d+) arguments)", message)
    if m:
        if m["n"] and m["n"] != "1":
            return f"选项{_q(name)}后面需要跟 {m['n']} 个值。"
        return f"选项{_q(name)}后面需要跟一个值。"
    if "does not take a value" in message:
        return f"选项{_q(name)}是开关，不能带值。"
    return f"选项{_q(name)}的用法不对" + (f"：{message}" if message else "。")


def _bad_argument_usage(exc) -> str:
    message = str(getattr(exc, "message", "") or "")
    m = re.match(rf"Argument (?P<name>{_QUOTED}) takes (?P<n>\d+) values", message)
    if m:
        return f"参数{_q(_unrepr(m['name']))}需要 {m['n']} 个值。"
    return _usage_message(exc) or message
