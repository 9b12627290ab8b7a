"""Shared terminal rendering for commands: the console, issue tables, failure handling."""

from __future__ import annotations

import functools
import json
import sys
from typing import Callable

import typer
from rich.console import Console
from rich.table import Table

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)


def handle_errors(fn: Callable) -> Callable:
    """Turn library failures into a Chinese message and exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from kaohe_cli.errors import InputErrors, KaoheError

        try:
            return fn(*args, **kwargs)
        except InputErrors as exc:
            print_issues(exc.issues, title="发现错误")
            err_console.print(f"[bold red]✗ {exc.message}[/]（{exc.hint}）")
            raise typer.Exit(1) from None
        except KaoheError as exc:
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
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def safe_text(value: str) -> str:
    """Neutralise spreadsheet-formula prefixes in text meant for CSV/JSON consumers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
