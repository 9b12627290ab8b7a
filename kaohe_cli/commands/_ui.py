"""Shared terminal rendering for commands: the console, issue tables, failure handling."""

from __future__ import annotations

import functools
import json
import re
import sys
from typing import Callable

import typer
from rich.console import Console
from rich.table import Table

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)


def handle_errors(fn: Callable) -> Callable:
    """Turn library failures into a Chinese message and exit code, never a traceback.

    The cyclic garbage collector is paused while a command runs: the pipeline builds
    millions of short-lived acyclic objects, and full collections freed almost nothing
    while costing about a second on 10,000 staff (make bench).
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import gc

        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return _run(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    def _run(*args, **kwargs):
        from kaohe_cli.errors import InputErrors, KaoheError

        wants_json = bool(kwargs.get("as_json"))
        try:
            return fn(*args, **kwargs)
        except InputErrors as exc:
            if wants_json:
                print_json({"ok": False, "error": exc.message, "issues": [i.to_dict() for i in exc.issues]})
            else:
                print_issues(exc.issues, title="发现错误")
            err_console.print(f"[bold red]✗ {exc.message}[/]（{exc.hint}）")
            raise typer.Exit(1) from None
        except KaoheError as exc:
            if wants_json:
                print_json({"ok": False, "error": exc.message, "hint": exc.hint, "where": exc.where})
            err_console.print(f"[bold red]错误：[/]{_escape(exc.text())}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]已中断，未写出不完整的文件。[/]")
            raise typer.Exit(130) from None

    return wrapper


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


LEVEL_STYLE = {"错误": "bold red", "警告": "yellow", "提示": "cyan"}


def print_issues(issues, title: str = "问题", limit: int = 200) -> None:
    from kaohe_cli.issues import sort_issues

    if not issues:
        return
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("级别", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("问题")
    table.add_column("建议")
    ordered = sort_issues(issues)
    for i in ordered[:limit]:
        table.add_row(
            f"[{LEVEL_STYLE.get(i.level.value, '')}]{i.level.value}[/]",
            _escape(i.location),
            _escape(i.message),
            _escape(i.hint),
        )
    console.print(table)
    if len(ordered) > limit:
        console.print(f"……另有 {len(ordered) - limit} 条未显示（完整清单见结果工作簿的「问题」表，或用 --json）")


def print_json(data) -> None:
    """Every `--json` output goes through here, so every one follows `safe_text`."""
    text = json.dumps(safe_json(data), ensure_ascii=False, indent=2, default=lambda o: safe_text(str(o)))
    sys.stdout.write(text + "\n")


# A text a spreadsheet would run as a formula when the JSON (or a CSV made from it) is opened
# in Excel or WPS: it begins with = + - @, a tab or a carriage return, possibly after
# apostrophes that an earlier escaping added. Plain numbers ("-3", "-1.50") are not formulas.
_FORMULA_LIKE = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_text(value):
    """Neutralise spreadsheet-formula prefixes in text meant for JSON/CSV consumers.

    Rule (docs/SECURITY.md): a formula-like text gets one leading apostrophe, the mark Excel
    itself uses for "text as typed": `=1+1` → `'=1+1`. The rule is reversible: a text that
    already begins with apostrophes before such a character gets one more, so a script strips
    exactly one leading `'` from any value that is apostrophes followed by = + - @, a tab or a
    carriage return, and gets the raw text back.
    Plain numbers such as `-3` stay as they are. Anything that is not a str is returned as is.
    """
    if isinstance(value, str) and _FORMULA_LIKE.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_json(data):
    """`data` with `safe_text` applied to every string in it, keys included."""
    if isinstance(data, str):
        return safe_text(data)
    if isinstance(data, dict):
        return {safe_json(k): safe_json(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [safe_json(v) for v in data]
    return data
