"""What the workbooks have in common (结果, 年度汇总, the input template): cell formats, A4
page setup, tables written cell by cell as text or number, the 项目/内容 sheet, and closing.

Every text cell is written with `write_string`, so a name beginning with `=` stays text and
is never a formula.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def open_book(path, **options):
    """An xlsxwriter workbook at `path` that writes every string as text: no number, formula
    or link is guessed from it. `options` adds xlsxwriter options (e.g. nan_inf_to_errors)."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False, **options}
    )


def close_book(wb) -> None:
    """Close an xlsxwriter workbook, turning its FileCreateError back into the OSError it wraps
    (a full disk, a file open in Excel), which `fileout.atomic_output` reports in Chinese."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        wb.close()
    except FileCreateError as exc:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise inner from None


class Formats:
    """The cell formats of one workbook, by kind: head, text, wrap, num, total, money, int, title, key."""

    def __init__(self, wb) -> None:
        base = {"font_name": "宋体", "font_size": 10.5, "valign": "vcenter", "border": 1}
        self.head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True})
        self.text = wb.add_format({**base})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.num = wb.add_format({**base, "num_format": "0.##"})
        self.total = wb.add_format({**base, "num_format": "0.00", "bold": True})
        self.money = wb.add_format({**base, "num_format": "#,##0.00"})  # 元, to the fen
        self.int = wb.add_format({**base, "align": "center"})
        self.title = wb.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
        self.key = wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2"})


def page(ws, header_row: int, ncols: int, title: str, unit: str = "") -> None:
    """A4 landscape, fit to the width, header rows repeated on every page; the page header
    names the unit (left) and what the sheet is (centre), the footer numbers the pages."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    left = f"&L{unit.replace('&', '&&')}" if unit else ""
    ws.set_header(f"{left}&C&\"宋体,Bold\"{title.replace('&', '&&')}")
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.freeze_panes(header_row + 1, 0)


def _width(texts) -> float:
    best = 4.0
    for t in texts:
        s = str(t)
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)
        best = max(best, w)
    return min(best + 2, 60)


BIG = 5000  # rows above which a sheet is written plainly (no per-cell borders), for speed


def write_table(ws, fmt: Formats, heads: list[str], rows: list[list], start: int, kinds: list[str],
                max_widths: dict[int, float] | None = None) -> None:
    """`heads` in row `start`, then `rows`, each cell written as its column's kind says (text,
    wrap, num, total, int); columns sized to their text, wrapped rows made tall enough, and
    an autofilter over the table. Above `BIG` rows, plainly (no per-cell formats)."""
    ws.write_row(start, 0, heads, fmt.head)
    styles = {"text": fmt.text, "num": fmt.num, "total": fmt.total, "money": fmt.money, "int": fmt.int,
              "wrap": fmt.wrap}
    if len(rows) > BIG:
        # Large sheets (明细 of a big bureau): one write_row per row, printed gridlines instead of
        # borders. Text stays text: the workbook is opened with strings_to_formulas=False.
        ws.hide_gridlines(0)
        text_cols = [c for c, k in enumerate(kinds) if k in ("text", "wrap")]
        num_cols = [c for c, k in enumerate(kinds) if k not in ("text", "wrap")]
        # The undecorated writers skip xlsxwriter's A1-argument parsing (a quarter of the
        # per-cell cost); row and column are always numbers here.
        write_string = getattr(ws, "_write_string", ws.write_string)
        write_number = getattr(ws, "_write_number", ws.write_number)
        for r, row in enumerate(rows, start + 1):
            for c in text_cols:
                v = row[c]
                if v:
                    write_string(r, c, v if isinstance(v, str) else str(v))
            for c in num_cols:
                v = row[c]
                if v is not None and v != "":
                    write_number(r, c, v)
        rows_iter = ()
    else:
        rows_iter = rows
    for r, row in enumerate(rows_iter, start + 1):
        for c, v in enumerate(row):
            kind = kinds[c]
            if v is None or v == "":
                ws.write_blank(r, c, None, styles[kind])
            elif kind in ("text", "wrap"):
                ws.write_string(r, c, str(v), styles[kind])
            else:
                ws.write_number(r, c, v, styles[kind])
    sample = rows[:500]
    widths = []
    for c, h in enumerate(heads):
        w = _width([h] + [row[c] for row in sample if row[c] not in (None, "")])
        if kinds[c] == "wrap":
            w = min(w, 40)
        if max_widths and c in max_widths:
            w = min(w, max_widths[c])
        widths.append(w)
        ws.set_column(c, c, w)
    _fit_wrapped_rows(ws, rows_iter, start + 1, [c for c, k in enumerate(kinds) if k == "wrap"], widths)
    if rows:
        ws.autofilter(start, 0, start + len(rows), len(heads) - 1)


LINE_HEIGHT = 14.25  # points per line of 10.5 pt 宋体, as Excel and WPS lay it out


def _fit_wrapped_rows(ws, rows, first_row: int, wrap_cols: list[int], widths: list[float]) -> None:
    """Rows whose wrapped text needs several lines get the height for them: Excel and WPS do
    not grow a row for wrapped text written by a program, and the text then overlaps the rows
    below on screen and on paper. (Large plain sheets do not wrap, so they are left alone.)"""
    if not wrap_cols:
        return
    for r, row in enumerate(rows, first_row):
        lines = 1
        for c in wrap_cols:
            v = row[c]
            if v and (len(str(v)) * 2 > widths[c] - 1 or "\n" in str(v)):
                lines = max(lines, _wrapped_lines(str(v), widths[c]))
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines)


def _wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes in a column `width` characters wide (CJK characters count two)."""
    room = max(width - 0.5, 1.0)
    total = 0
    for part in text.split("\n"):
        cells = sum(1.8 if ord(ch) > 0x2E80 else 1.0 for ch in part)  # a CJK glyph is a little under two
        total += max(1, math.ceil(cells / room))
    return total


def write_pairs(ws, fmt: Formats, pairs: list[tuple[str, str]], title: str, unit: str = "") -> None:
    """A two-column 项目/内容 sheet (说明), always as text."""
    ws.write_row(0, 0, ["项目", "内容"], fmt.head)
    for r, (k, v) in enumerate(pairs, 1):
        ws.write_string(r, 0, k, fmt.key)
        ws.write_string(r, 1, v, fmt.wrap)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 95)
    _fit_wrapped_rows(ws, [list(p) for p in pairs], 1, [1], [18, 95])
    page(ws, 0, 2, title, unit)


def mean_of(total_cents: int, n: int) -> float:
    """Mean of n rounded totals given their sum in cents, half up to 2 places."""
    return float((Decimal(total_cents) / n / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
