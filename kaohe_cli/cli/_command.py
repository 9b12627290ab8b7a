"""The click command classes of every kaohe command: Chinese help, usage lines and usage errors.

typer builds a command as a `TyperCommand` and a group as a `TyperGroup` unless it is given a
class; `cli/main.py` gives it ours (`cls=KaoheGroup`, `cls=KaoheCommand`). They differ from
typer's own only in what they print:

* `main()` catches click's usage errors and prints them in Chinese (`_usage.show_error`), with
  exit code 2, for the console entry and for tests that call the app through typer's CliRunner;
* `get_help_option()`: the help option reads "显示帮助后退出", with no value type;
* `format_usage()`: "用法：kaohe explain [选项] WHO", in help and in errors alike;
* `parse_args()` gives the errors the option parser raises without a context one, so that they
  too get a usage line and a help hint;
* `format_help()`: with rich, typer's help renderer (`typer.rich_utils`) is configured through its
  module settings (panel titles, "[必填]") right before it draws; without rich, the sections of
  the plain help are named in Chinese (`format_options`, `format_commands`);
* each parameter is a `KaoheOption` or `KaoheArgument`, whose help names its value type in
  Chinese: `<文本>`, `<路径>`, and none for a switch.
"""

from __future__ import annotations

import re
import sys

import typer
import typer.core
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from kaohe_cli.cli import _usage
from kaohe_cli.cli._usage import click

HELP_OPTION_TEXT = "显示帮助后退出"

# typer.rich_utils' module settings for the help page, set before each help is drawn.
_RICH_HELP_SETTINGS = {
    "OPTIONS_PANEL_TITLE": "选项",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "COMMANDS_PANEL_TITLE": "命令",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[缺省：{}]",
}

# The plain help's notes after an option's text, "[default: x; required]", in Chinese.
_PLAIN_NOTES = {"required": "必填", "default: ": "缺省：", "env var: ": "环境变量：", "(dynamic)": "（动态）"}


class _Chinese:
    """What KaoheCommand and KaoheGroup share (a mixin before typer's class)."""

    rich_markup_mode: typer.core.MarkupMode

    def __init__(self, *args, params=None, **kwargs) -> None:
        super().__init__(*args, params=[_with_chinese_type(p) for p in params or ()], **kwargs)

    def _rich(self) -> bool:
        """Whether typer draws help and errors with rich (as typer decides: `TYPER_USE_RICH`)."""
        return bool(typer.core.HAS_RICH) and self.rich_markup_mode is not None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the command; a usage error is printed in Chinese and exits with its code (2).

        As click's standalone mode, this always ends in SystemExit. With `standalone_mode=False`
        the caller gets the errors (the demo runs commands that way).
        """
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.ClickException as exc:
            _usage.show_error(exc, rich=self._rich())
            sys.exit(exc.exit_code)
        except typer.Abort:
            _usage.show_aborted(rich=self._rich())
            sys.exit(1)
        # Not standalone, typer returns the code of a typer.Exit, or else what the command
        # returned: None for every kaohe command.
        sys.exit(code if isinstance(code, int) else 0)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:  # click makes it once per command (a TyperOption)
            option.help = HELP_OPTION_TEXT
            option.metavar = ""  # a switch: no value type in the help (typer would show <bool>)
        return option

    def format_usage(self, ctx, formatter) -> None:
        pieces = [_usage.usage_piece(p) for p in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.UsageError as exc:
            if getattr(exc, "ctx", None) is None:  # raised by the option parser
                exc.ctx = ctx
                exc.cmd = ctx.command
            raise

    def format_help(self, ctx, formatter) -> None:
        if self._rich():
            from typer import rich_utils

            for name, value in _RICH_HELP_SETTINGS.items():
                setattr(rich_utils, name, value)
        super().format_help(ctx, formatter)

    def _format_params(self, ctx, formatter) -> None:
        """The plain help's argument and option sections (typer's, with Chinese headings)."""
        sections: dict[str, list[tuple[str, str]]] = {"参数": [], "选项": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                names, text = record
                sections["参数" if param.param_type_name == "argument" else "选项"].append((names, _notes(text)))
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _notes(text: str) -> str:
    """An option's plain help text with its trailing "[default: x; required]" in Chinese."""
    m = re.search(r"\[[^\[\]]*\]$", text)
    if m is None:
        return text
    notes = m[0]
    for english, chinese in _PLAIN_NOTES.items():
        notes = notes.replace(english, chinese)
    return text[: m.start()] + notes


class KaoheCommand(_Chinese, TyperCommand):
    """A kaohe command (`app.command(..., cls=KaoheCommand)`)."""

    def format_options(self, ctx, formatter) -> None:
        self._format_params(ctx, formatter)


class KaoheGroup(_Chinese, TyperGroup):
    """The `kaohe` command and its command groups (`typer.Typer(cls=KaoheGroup)`)."""

    def format_options(self, ctx, formatter) -> None:
        self._format_params(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        """The plain help's list of commands (typer's, with a Chinese heading)."""
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        commands = [(name, cmd) for name, cmd in commands if cmd is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("命令"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


# --- parameters -----------------------------------------------------------------------------

# Help shows each parameter's value type as <str>, <int>, <path>, <bool>: in Chinese, and none
# for a plain switch (it takes no value). Older typer shows no type at all.
_TYPE_LABELS = {"str": "文本", "text": "文本", "int": "整数", "integer": "整数", "float": "数",
                "path": "路径", "file": "文件", "directory": "文件夹", "datetime": "日期"}


def chinese_type_label(label, *, switch: bool):
    """`<str>` → `<文本>`, `<list[Path]>` → `<路径…>` (one or more); a switch's `<bool>` → None (not shown)."""
    if not isinstance(label, str) or not (label.startswith("<") and label.endswith(">")):
        return label
    inner = label[1:-1]
    if inner == "bool" and switch:
        return None
    many = re.fullmatch(r"list\[(.+)\]", inner)
    inner = many.group(1) if many else inner
    for english, chinese in _TYPE_LABELS.items():
        inner = re.sub(rf"\b{english}\b", chinese, inner, flags=re.IGNORECASE)
    return f"<{inner}…>" if many else f"<{inner}>"


class KaoheOption(TyperOption):
    """An option whose help names its value type in Chinese."""

    def display_type(self, ctx):
        return chinese_type_label(super().display_type(ctx), switch=bool(getattr(self, "is_flag", False)))


class KaoheArgument(TyperArgument):
    """An argument whose help names its value type in Chinese."""

    def display_type(self, ctx):
        return chinese_type_label(super().display_type(ctx), switch=False)


def _with_chinese_type(param):
    """`param` as a KaoheOption or KaoheArgument: the same parameter, its attributes copied.

    typer makes every parameter a TyperOption or TyperArgument and, unlike for a command
    (`cls=`), has no setting for the class; the command classes take the copy instead.
    """
    ours = {TyperOption: KaoheOption, TyperArgument: KaoheArgument}.get(type(param))
    if ours is None:
        return param
    twin = ours.__new__(ours)
    vars(twin).update(vars(param))
    return twin
