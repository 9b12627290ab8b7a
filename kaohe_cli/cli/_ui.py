"""Shared terminal rendering for commands: the console, issue lists, tables, failure handling.

Three rules hold for everything a command prints:

- Nothing is cut. On a wide terminal a table's cells fold (wrap at any character) instead of
  ending in "…"; anywhere else (a file, a pipe, a window narrower than `WIDE` columns) rows are
  printed as plain lines, one per row, never broken by rich (`Listing`, `print_issues`).
- No encoding crashes. Text follows the output stream's encoding (GBK when a Chinese Windows
  console is redirected to a file, so Notepad and WPS open it); a character the encoding lacks
  gets a readable fallback (✓ → √, ✗ → ×, others → ?) from the `kaohe-fallback` error handler
  that `prepare_output` puts on stdout and stderr. `--json` and exported TOML are always UTF-8.
- Nothing read from a workbook, the archive or the command line can drive the terminal. A cell
  holding `_x001B_[2J` is a real ESC once read; printed raw it would clear the screen, hide
  lines or retitle the window, and a U+202E would reverse the text after it. Every control
  character (C0 but newline and tab, DEL, C1) and bidirectional control is printed as visible
  text instead: `\\x1b[2J`, `\\u202e` (`kaohe_cli.text.terminal_safe`). A value printed inside
  a line never breaks it: its line breaks and tabs print as spaces (an error message keeps only
  the line breaks of its own list, `escape_message`). This happens where text enters the
  output: `escape` (values in markup), `Listing` and `print_issues` cells, the error messages
  of `handle_errors`; and, as a net under all of them, the consoles themselves
  (`SafeConsole`: every string, `Text` and segment they render, rich's own colour and cursor
  codes excepted). `--json` escapes the same characters as `\\u001b`, `\\u202e` (`print_json`);
  decoded, the values are the original text. Outputs (workbooks, notices, the archive) keep
  the original text.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import sys
from typing import Callable, Iterable, Sequence

import typer
from rich.console import Console
from rich.markup import escape as markup_escape
from rich.segment import Segment
from rich.text import Span, Text

from kaohe_cli.text import terminal_replacements, terminal_safe

# ---- terminal safety --------------------------------------------------------------------------


def escape(value) -> str:
    """A value (a name, a file name, a message quoting a cell) for use inside rich markup.

    Markup-escaped (a "[bold]" in a name prints as typed), control and bidirectional characters
    shown as `\\x1b`, `\\u202e`, and on one line (its line breaks print as spaces).
    """
    return markup_escape(terminal_safe("" if value is None else str(value), one_line=True))


_LIST_ITEM = "\n  - "  # how the library lays out a list in a message (a scheme file's errors)


def escape_message(text: str) -> str:
    """A library message (`KaoheError.text()`) for use inside rich markup, as `escape`, except
    that the items of a list it holds stay one a line. Any other line break in it can only come
    from a value it quotes, and prints as a space."""
    return _LIST_ITEM.join(escape(part) for part in str(text).split(_LIST_ITEM))


def safe_rich_text(text: Text, *, one_line: bool = False) -> Text:
    """`text` (a rich Text) with `terminal_safe` applied, its styles kept on the same characters.

    Returns `text` itself when nothing needs escaping.
    """
    plain = text.plain
    if terminal_safe(plain, one_line=one_line) is plain:  # the usual case: nothing to do
        return text
    changes = terminal_replacements(plain, one_line=one_line)
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []  # (old position, shift from there on)
    last = shift = 0
    for start, end, replacement in changes:
        pieces += [plain[last:start], replacement]
        starts.append((start, shift))
        shift += len(replacement) - (end - start)
        starts.append((end, shift))
        last = end
    pieces.append(plain[last:])
    import bisect

    keys = [k for k, _ in starts]

    def moved(pos: int) -> int:
        i = bisect.bisect_right(keys, pos) - 1
        return pos if i < 0 else pos + starts[i][1]

    out = text.blank_copy("".join(pieces))
    out.spans = [Span(moved(sp.start), moved(sp.end), sp.style) for sp in text.spans]
    return out


class SafeConsole(Console):
    """A rich Console that never writes a control or bidirectional character it was given.

    The net under every command's output: a markup string is made safe before it is parsed,
    a `Text` before it is laid out (so a table sizes the escaped text), and any other segment
    of text as it is rendered. Newline and tab stay (layout). Segments rich marks as control
    codes (cursor moves of a progress bar) and the colour codes rich adds when it writes are
    its own, and untouched.
    """

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(terminal_safe(text), **kwargs)

    def render(self, renderable, options=None):
        if isinstance(renderable, Text):
            renderable = safe_rich_text(renderable)
        for segment in super().render(renderable, options):
            if segment.control is None:
                safe = terminal_safe(segment.text)
                if safe is not segment.text:
                    segment = Segment(safe, segment.style)
            yield segment


# Module-level consoles: with no `file`, rich looks sys.stdout/sys.stderr up at every print, so
# they follow whatever streams are current (a test runner's, or the reconfigured ones).
# emoji=False: a ":name:" inside a cell value must print as typed, not as an emoji.
console = SafeConsole(highlight=False, soft_wrap=False, emoji=False)
err_console = SafeConsole(stderr=True, highlight=False, emoji=False)

WIDE = 80  # a terminal at least this wide shows tables; narrower ones get plain lines

# ---- encoding -------------------------------------------------------------------------------

ERRORS = "kaohe-fallback"

# Symbols the commands print, with plain stand-ins tried in order; the first the stream's
# encoding can write is used, else "?". (→ ← … — – × ≥ ≤ are in GBK; ✓ ✗ are not.)
_FALLBACKS: dict[str, tuple[str, ...]] = {
    "✓": ("√", "OK"),
    "✔": ("√", "OK"),
    "✗": ("×", "x"),
    "✘": ("×", "x"),
    "×": ("x",),
    "√": ("OK",),
    "→": ("->",),
    "←": ("<-",),
    "•": ("·", "*"),
    "·": (".",),
    "…": ("...",),
    "—": ("--",),
    "–": ("-",),
    "−": ("-",),
    "⚠": ("！", "!"),
    "≥": (">=",),
    "≤": ("<=",),
    "“": ('"',),
    "”": ('"',),
    "‘": ("'",),
    "’": ("'",),
    "\u00a0": (" ",),
    "\u3000": ("  ",),
}


def _fallback(exc: UnicodeError):
    """Codec error handler: a stand-in for each character the stream's encoding lacks."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        for candidate in (*_FALLBACKS.get(ch, ()), "?"):
            try:
                codecs.encode(candidate, exc.encoding)
            except (UnicodeError, LookupError):
                continue
            out.append(candidate)
            break
    return "".join(out), exc.end


codecs.register_error(ERRORS, _fallback)


def prepare_output() -> None:
    """Make stdout and stderr survive any character, and stop rich breaking lines that are not for a terminal.

    Called at the start of every command (`handle_errors`): the streams can be replaced after
    import (a test runner does), so this is not done once at import time. Only the error
    handler changes; the encoding stays the stream's own (GBK under code page 936).
    """
    for stream in (sys.stdout, sys.stderr):
        if stream is None or getattr(stream, "errors", None) == ERRORS:
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors=ERRORS)
        except (AttributeError, TypeError, ValueError, OSError):  # closed, or not a text stream
            pass
    console.soft_wrap = plain_output(console)
    err_console.soft_wrap = plain_output(err_console)


def plain_output(con: Console | None = None) -> bool:
    """True when rows are printed as plain lines: not a terminal, or a narrow one."""
    con = con or console
    try:
        return not con.is_terminal or con.width < WIDE
    except (ValueError, OSError):  # a closed stream
        return True


def write_utf8(text: str) -> None:
    """Write `text` to stdout as UTF-8 bytes whatever the console's encoding (JSON, TOML)."""
    out = sys.stdout
    if out is None:  # no console at all (pythonw)
        return
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a text-only stream (some IDEs): its own encoding, never a crash
        out.write(text)
        out.flush()
        return
    out.flush()  # whatever was printed before goes first
    buffer.write(text.encode("utf-8", "backslashreplace"))  # a lone surrogate → \udcxx, valid in JSON
    buffer.flush()

# ---- failures -------------------------------------------------------------------------------


def handle_errors(fn: Callable) -> Callable:
    """Turn library failures into a Chinese message and exit code, never a traceback.

    The output streams are prepared first (`prepare_output`). The cyclic garbage collector is
    paused while a command runs: the pipeline builds millions of short-lived acyclic objects,
    and full collections freed almost nothing while costing 0.7 s of CPU when scoring 10,000
    staff (`kaohe score` of make bench's 10,000-staff workbook: 5.9 s with the collector on,
    5.2 s paused; median of three runs each).
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import gc

        prepare_output()
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
            err_console.print(f"[bold red]✗ {escape_message(exc.message)}[/]（{escape_message(exc.hint)}）")
            raise typer.Exit(1) from None
        except KaoheError as exc:
            if wants_json:
                print_json({"ok": False, "error": exc.message, "hint": exc.hint, "where": exc.where})
            err_console.print(f"[bold red]错误：[/]{escape_message(exc.text())}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]已中断，未写出不完整的文件。[/]")
            raise typer.Exit(130) from None

    return wrapper


# ---- rows -----------------------------------------------------------------------------------

LEVEL_STYLE = {"错误": "bold red", "警告": "yellow", "提示": "cyan"}

_PAD_LIMIT = 40  # plain lines align a column only when its cells are at most this wide


def _one_line(value) -> str:
    """A cell's text on one line, safe for a terminal (a cell value may hold line breaks, and
    anything else: `terminal_safe`)."""
    return terminal_safe("" if value is None else str(value), one_line=True)


def _as_text(value) -> Text:
    if isinstance(value, Text):
        safe = safe_rich_text(value, one_line=True)
        return safe.copy() if safe is value else safe
    return Text(_one_line(value))


def _pad(cell: Text, width: int) -> Text:
    from rich.cells import cell_len

    gap = width - cell_len(cell.plain)
    if gap > 0:
        cell = cell.copy()
        cell.append(" " * gap)
    return cell


def _widths(rows: Sequence[Sequence[Text]], columns: int) -> list[int]:
    """Per column: the width to pad to in plain lines (0: not padded)."""
    from rich.cells import cell_len

    out = []
    for c in range(columns):
        w = max((cell_len(r[c].plain) for r in rows if c < len(r)), default=0)
        out.append(w if w <= _PAD_LIMIT else 0)
    return out


def _plain_line(cells: Sequence[Text], widths: Sequence[int]) -> Text:
    line = Text()
    last = len(cells) - 1
    while last > 0 and not cells[last].plain:  # no trailing blanks
        last -= 1
    for c, cell in enumerate(cells[: last + 1]):
        if c:
            line.append("  ")
        line.append_text(_pad(cell, widths[c]) if c < last and c < len(widths) else cell)
    return line


class Listing:
    """Rows of data: a table on a wide terminal, plain lines anywhere else. No cell is ever cut.

    `short` names the columns whose content is short and bounded (a level, a rank): only
    those may stay on one line in a table; every other column folds. Cells are plain text
    (never markup) or rich `Text` for a styled value.
    """

    def __init__(self, title: str | None, columns: Sequence[str], short: Iterable[str] = ()) -> None:
        self.title = title
        self.columns = list(columns)
        self.short = set(short)
        self.rows: list[list[Text]] = []

    def add_row(self, *cells) -> None:
        self.rows.append([_as_text(c) for c in cells])

    def __len__(self) -> int:
        return len(self.rows)

    def print(self, con: Console | None = None) -> None:
        con = con or console
        if plain_output(con):
            self._print_plain(con)
        else:
            con.print(self._table())

    def _table(self):
        from rich.table import Table

        # Title and headers as plain Text: a title may quote what was typed (`history "[b]"`).
        table = Table(title=Text(_one_line(self.title)) if self.title else None, expand=False)
        for name in self.columns:
            short = name in self.short
            table.add_column(Text(_one_line(name)), no_wrap=short, overflow="fold")
        for row in self.rows:
            table.add_row(*row)
        return table

    def _print_plain(self, con: Console) -> None:
        if self.title:
            con.print(Text(f"{_one_line(self.title)}："), soft_wrap=True)
        header = [Text(_one_line(h)) for h in self.columns]
        shown = ([header] if any(self.columns) else []) + self.rows
        widths = _widths(shown, len(self.columns))
        from rich.cells import cell_len

        long = any(cell_len(r[c].plain) > _PAD_LIMIT for r in shown for c in range(len(r) - 1))
        if not long or not any(self.columns):
            # Aligned columns under a header line.
            for row in shown:
                con.print(_plain_line(row, widths), soft_wrap=True)
            return
        # A long cell before the last column would push the rest out of line, and an empty
        # cell after it would be lost: each value is named instead. `迟到  类型：扣分  归属：考勤工作`.
        for row in self.rows:
            line = row[0].copy() if row else Text()
            for name, cell in zip(self.columns[1:], row[1:]):
                if not cell.plain:
                    continue
                line.append("  ")
                line.append_text(Text(f"{name}：") + cell if name else cell)
            con.print(line, soft_wrap=True)


def print_issues(issues, title: str = "问题", limit: int = 200) -> None:
    """Each issue's level, location, text and hint, whole.

    Plain lines (a file, a pipe, a narrow window): `错误  2023-03.xlsx:奖惩!C2  姓名「张三」…  建议：…`.
    """
    from kaohe_cli.issues import sort_issues

    if not issues:
        return
    ordered = sort_issues(issues)
    shown = ordered[:limit]
    if plain_output(console):
        console.print(Text(f"{_one_line(title)}："), soft_wrap=True)
        rows = [[Text(i.level.value, style=LEVEL_STYLE.get(i.level.value, "")), _as_text(i.location)] for i in shown]
        widths = _widths(rows, 2)
        for row, i in zip(rows, shown):
            cells = [*row, _as_text(i.message)]
            if i.hint:
                cells.append(Text("建议：") + _as_text(i.hint))
            console.print(_plain_line(cells, widths), soft_wrap=True)
    else:
        table = Listing(title, ["级别", "位置", "问题", "建议"], short=["级别"])
        for i in shown:
            table.add_row(Text(i.level.value, style=LEVEL_STYLE.get(i.level.value, "")), i.location, i.message, i.hint)
        table.print()
    if len(ordered) > limit:
        console.print(f"……另有 {len(ordered) - limit} 条未显示（完整清单见结果工作簿的「问题」表，或用 --json）")


# Characters json.dumps(ensure_ascii=False) leaves raw (it escapes only C0) that a terminal or
# viewer showing the JSON would act on: DEL, C1, the bidirectional controls, the line and
# paragraph separators. They occur only inside strings, where `\uXXXX` decodes to the same text.
# (A pattern string: `re` compiles it on first use, not at import.)
_JSON_RAW = "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"


def print_json(data) -> None:
    """Every `--json` output goes through here, so every one follows `safe_text`; always UTF-8 bytes.

    No raw control or bidirectional character: C0 is escaped by json.dumps, the rest here.
    """
    text = json.dumps(safe_json(data), ensure_ascii=False, indent=2, default=lambda o: safe_text(str(o)))
    text = re.sub(_JSON_RAW, lambda m: f"\\u{ord(m[0]):04x}", text)
    write_utf8(text + "\n")


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
