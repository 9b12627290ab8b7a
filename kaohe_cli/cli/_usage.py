"""Chinese command-line usage errors: the message for each of click's exceptions, and how it is shown.

click (typer's vendored copy of it, `typer._click`, or click itself with older typer) builds its
usage errors from English f-strings, so a message catalogue cannot translate them. `message()`
rebuilds a Chinese sentence from the exception's attributes (the parameter, the option name, the
possibilities) and, where click keeps no attribute, from the English message it made.

`show_error()` prints it, as typer would but in Chinese: the usage line ("用法：kaohe explain
[选项] WHO"), the help hint and the message, in typer's rich error panel or as plain lines
("错误：…"). The command classes (`cli._command`) call it for every usage error.

A message quotes what was typed (`kaohe $'\\x1b[2J'`, an option's value): like everything
printed, it shows control and bidirectional characters as `\\x1b`, `\\u202e`
(`kaohe_cli.text.terminal_safe`), and a quoted value stays on one line.
"""

from __future__ import annotations

import re

from kaohe_cli.text import terminal_safe

try:  # newer typer vendors click as typer._click, and raises its exceptions
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer runs on click itself
    import click  # type: ignore[no-redef]

EXCEL_HINT = "文件可能正在 Excel/WPS 中打开，请关闭后重试"
ABORTED = "已中止。"


def message(exc) -> str:
    """The Chinese message of a click exception, safe for the terminal.

    Newlines stay: the message of a help page shown as an error (no arguments) is multi-line.
    """
    try:
        text = translate(exc)
    except Exception:  # noqa: BLE001 - a bug here must not hide the error itself
        text = None
    return terminal_safe(text if text is not None else str(exc.format_message()))


def usage_piece(piece: str) -> str:
    """`[OPTIONS]` → `[选项]`, `COMMAND [ARGS]...` → `命令 [参数]...`; argument metavars stay."""
    piece = piece.replace("[OPTIONS]", "[选项]").replace("[ARGS]", "[参数]")
    return re.sub(r"\bCOMMAND(\d*)\b", r"命令\1", piece)


# --- showing ------------------------------------------------------------------------------


def show_error(exc, *, rich: bool) -> None:
    """Print a click exception on stderr: typer's rich panel (`rich`) or plain lines."""
    if isinstance(exc, _NO_ARGS_IS_HELP):
        # The help page, asked for by giving no arguments: rich printed it while the error was
        # made; the plain path carries it as the message.
        if not rich:
            click.echo(message(exc), err=True, color=exc.ctx.color)
        return
    if rich:
        _show_rich(exc)
    else:
        _show_plain(exc)


def show_aborted(*, rich: bool) -> None:
    """"已中止。" on stderr (the user closed the input, e.g. Ctrl+D at a prompt)."""
    if rich:
        from typer import rich_utils

        rich_utils._get_rich_console(stderr=True).print(ABORTED, style=rich_utils.STYLE_ABORTED)
    else:
        click.echo(ABORTED, err=True)


_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2


def _help_command(ctx) -> str | None:
    """"kaohe explain -h", the command that shows the help; None when there is no help option."""
    if ctx.command.get_help_option(ctx) is None:
        return None
    return f"{_one_line(ctx.command_path)} {_one_line(ctx.help_option_names[0])}"


def _show_plain(exc) -> None:
    ctx = getattr(exc, "ctx", None)
    color = getattr(exc, "show_color", None)
    if ctx is not None:
        color = ctx.color
        head = ctx.get_usage() + "\n"
        command = _help_command(ctx)
        if command is not None:
            head += f"用 '{command}' 查看帮助。\n"
        click.echo(head, err=True, color=color)
    click.echo(f"错误：{message(exc)}", err=True, color=color)


def _show_rich(exc) -> None:
    """typer's error panel (`typer.rich_utils.rich_format_error`), in Chinese."""
    from rich.markup import escape
    from typer import rich_utils

    console = rich_utils._get_rich_console(stderr=True)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(rich_utils.highlighter(ctx.get_usage()), style=rich_utils.STYLE_USAGE_COMMAND)
        command = _help_command(ctx)
        if command is not None:
            console.print(f"用 [blue]'{escape(command)}'[/] 查看帮助。", style=rich_utils.STYLE_ERRORS_SUGGESTION)
    console.print(
        rich_utils.Panel(
            rich_utils.highlighter(message(exc)),
            border_style=rich_utils.STYLE_ERRORS_PANEL_BORDER,
            title="错误",
            title_align=rich_utils.ALIGN_ERRORS_PANEL,
        )
    )


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


def translate(exc) -> str | None:
    """The Chinese message for a click exception, or None to keep click's own text."""
    if isinstance(exc, _NO_ARGS_IS_HELP):  # its message is the help page
        return None
    if isinstance(exc, click.exceptions.NoSuchOption):
        return _no_such_option(exc)
    if isinstance(exc, click.exceptions.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.exceptions.BadParameter):
        return _bad_value(exc)
    if isinstance(exc, click.exceptions.BadOptionUsage):
        return _bad_option_usage(exc)
    if isinstance(exc, click.exceptions.BadArgumentUsage):
        return _bad_argument_usage(exc)
    if isinstance(exc, click.exceptions.UsageError):
        return _usage_message(exc)
    if isinstance(exc, click.exceptions.FileError):
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


def _missing(exc) -> str:
    kind, label = _param(exc)
    text = f"缺少{kind or '参数'}{label}。"
    try:
        english = str(exc.format_message())  # click's English text: the choices are only there
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
