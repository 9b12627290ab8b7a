"""Layout recognition of an export sheet: its title rows, its (grouped, merged) header rows and
columns, which kind of export it is, and the period its titles give.

The header starts at the row holding 姓名, plus group rows just above it that are not titles,
and runs down over the rows merged with it (or, with no merge list, the next rows whose 姓名
cell is blank), up to 4 rows. A group label fills its merged range; with no merge list it is
carried rightwards over empty cells that have a sub-header below. Rows above the header are
titles. Decided by header and title text only, never by column position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kaohe_cli.attendance.values import is_blank, make_date
from kaohe_cli.domain.attendance_vocabulary import (
    DAILY,
    DAILY_MARKERS,
    DAILY_TITLE,
    DATE_HEADERS,
    MONTHLY,
    MONTHLY_STRONG,
    MONTHLY_TITLE,
    MONTHLY_WEAK,
    NAME_HEADERS,
    PERIOD,
    PERIOD_TITLE,
    PUNCH_HEADER,
    TITLE_WORDS,
    WECOM,
    WECOM_MARKERS,
    WECOM_TITLE,
    split_unit,
)
from kaohe_cli.text import clean, norm, to_halfwidth

Range = tuple[int, int, int, int]  # 0-based first row, first col, last row, last col
_SCANNED_ROWS = 40  # the 姓名 header is looked for in the first rows only
_MAX_HEADER_ROWS = 3  # rows below (or group rows above) the 姓名 row that may still be header


@dataclass
class Column:
    """One header column of an export; `kaohe_cli.attendance.mapping` fills in what it means."""

    col: int
    path: tuple[str, ...]  # its header labels, top (group) to bottom (sub-header)
    cell: tuple[int, int]  # where the sub-header text is written
    header: str = ""
    leaf: str = ""
    base: str = ""
    unit: str = ""
    # id | name | gonghao | dept | account | date | info | stat | companion | day | daytext | punchtext | other
    role: str = "id"
    category: str = ""  # for stat-like columns: late, severe_late, leave:事假, missing, …
    item: str | None = None
    day: int | None = None
    conversion: str = ""  # how it is used, in Chinese (`mapping.describe`)
    kind: str = ""  # how it is used, one of `results.COLUMN_KINDS`
    unit_note: str = ""  # said after the conversion, such as 单位未注明，按天计
    overridden: bool = False  # the item comes from the caller's mapping


@dataclass
class Layout:
    """Where an export's header and data are."""

    rows: list[list[object]]  # every row, padded to `width`
    width: int
    first: int  # first header row (0-based)
    last: int  # last header row
    cols: list[Column]
    titles: list[str]  # the text of each row above the header


def header_text(value: object) -> str:
    """A header cell as normalised text; dates as ISO text, 1.0 as "1"."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return norm(value)


def merged_ranges(sheet) -> list[Range]:
    """The sheet's merged ranges as 4-tuples, from either shape a reader may give."""
    out = []
    for rng in getattr(sheet, "merged", None) or []:
        if len(rng) == 2:  # calamine's ((r1, c1), (r2, c2))
            (r1, c1), (r2, c2) = rng
        else:
            r1, c1, r2, c2 = rng
        out.append((int(r1), int(c1), int(r2), int(c2)))
    return out


def title_like(cells: list[str], row: int, merged: list[Range], width: int) -> bool:
    """True when a row above 姓名 is a title (a period, a report date, or one wide label)."""
    filled = [c for c, text in enumerate(cells) if text]
    if not filled:
        return False
    text = "".join(cells)
    if any(k in text for k in TITLE_WORDS) or PERIOD.search(text):
        return True
    if len(filled) == 1:
        c = filled[0]
        for r1, c1, r2, c2 in merged:
            if r1 == row and c1 == c and c2 - c1 + 1 >= max(2, width // 2):
                return True
        return c == 0 and width > 2
    return False


def find_layout(sheet) -> Layout | None:
    """The header and titles of a sheet, or None when no row holds a 姓名 header."""
    raw = [list(r) for r in (getattr(sheet, "rows", None) or [])]
    width = max((len(r) for r in raw), default=0)
    rows = [r + [None] * (width - len(r)) for r in raw]
    merged = merged_ranges(sheet)
    texts = [[header_text(v) for v in r] for r in rows[:_SCANNED_ROWS]]
    name_at = _name_cell(texts)
    if name_at is None:
        return None
    first, last = _header_rows(texts, merged, width, name_at)
    grid, origin = _header_grid(texts, merged, width, first, last)
    cols = _columns(grid, origin, first, width)
    titles = [clean(" ".join(str(v) for v in rows[r] if not is_blank(v))) for r in range(first)]
    return Layout(rows=rows, width=width, first=first, last=last, cols=cols, titles=titles)


def _name_cell(texts: list[list[str]]) -> tuple[int, int] | None:
    """The first cell, row by row, that holds a 姓名 header."""
    for r, cells in enumerate(texts):
        for c, text in enumerate(cells):
            if text in NAME_HEADERS:
                return r, c
    return None


def _header_rows(texts: list[list[str]], merged: list[Range], width: int, name_at: tuple[int, int]) -> tuple[int, int]:
    """The first and last header row around the 姓名 cell."""
    name_row, name_col = name_at
    first = name_row
    # Rows above the 姓名 row that hold group labels (not titles) belong to the header.
    while first > 0 and first > name_row - _MAX_HEADER_ROWS:
        cells = texts[first - 1]
        if not any(cells) or title_like(cells, first - 1, merged, width):
            break
        first -= 1

    last = name_row
    for r1, c1, r2, c2 in merged:
        if first <= r1 <= name_row and r2 > last and r2 <= name_row + _MAX_HEADER_ROWS:
            last = r2
    if last == name_row:
        r = name_row + 1
        while r < len(texts) and r <= name_row + _MAX_HEADER_ROWS:
            cells = texts[r]
            if cells[name_col] or not any(cells):
                break
            last = r
            r += 1
    return first, last


def _header_grid(
    texts: list[list[str]], merged: list[Range], width: int, first: int, last: int
) -> tuple[list[list[str]], list[list[tuple[int, int]]]]:
    """The header rows with merged labels filled in and group labels carried rightwards, and for
    every cell the cell its text was written in."""
    grid: list[list[str]] = [list(texts[r]) if r < len(texts) else [""] * width for r in range(first, last + 1)]
    origin: list[list[tuple[int, int]]] = [[(first + i, c) for c in range(width)] for i in range(len(grid))]
    covered = [[False] * width for _ in grid]
    for r1, c1, r2, c2 in merged:
        if r2 < first or r1 > last:
            continue
        top = texts[r1][c1] if r1 < len(texts) and c1 < width else ""
        for r in range(max(r1, first), min(r2, last) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                covered[r - first][c] = True
                if top and not grid[r - first][c]:
                    grid[r - first][c] = top
                    origin[r - first][c] = (r1, c1)
    for i in range(len(grid) - 1):
        for c in range(1, width):
            if grid[i][c] or covered[i][c]:
                continue
            below = any(grid[j][c] for j in range(i + 1, len(grid)))
            left_is_group = grid[i][c - 1] and any(grid[j][c - 1] for j in range(i + 1, len(grid)))
            if below and left_is_group and not _top_only(grid, i, c - 1):
                grid[i][c] = grid[i][c - 1]
                origin[i][c] = origin[i][c - 1]
    return grid, origin


def _columns(grid: list[list[str]], origin: list[list[tuple[int, int]]], first: int, width: int) -> list[Column]:
    """One `Column` per sheet column with any header text, its labels top to bottom."""
    cols = []
    for c in range(width):
        path: list[str] = []
        cell = (first, c)
        for i in range(len(grid)):
            text = grid[i][c]
            if text and (not path or path[-1] != text):
                path.append(text)
                cell = origin[i][c]
        if path:
            cols.append(Column(col=c, path=tuple(path), cell=cell))
    return cols


def _top_only(grid: list[list[str]], i: int, c: int) -> bool:
    """True when the label at (i, c) is a stand-alone header spread down by a vertical merge."""
    return all(grid[j][c] == grid[i][c] for j in range(i + 1, len(grid)) if grid[j][c])


def _bases(layout: Layout) -> set[str]:
    out = set()
    for col in layout.cols:
        for part in col.path:
            base = split_unit(part)[0]
            out.add(base.lower() if base.isascii() else base)
    return out


def export_kind(layout: Layout) -> str | None:
    """Which export the layout is (one of EXPORT_KINDS), or None: a clerk's own 考勤 sheet
    (工号, 姓名, 迟到, 早退…) is not an export."""
    bases = _bases(layout)
    title = "".join(layout.titles)
    leaves = {c.path[-1].lower() if c.path[-1].isascii() else c.path[-1] for c in layout.cols}
    has_date = bool(leaves & DATE_HEADERS)

    wecom = len(bases & WECOM_MARKERS)
    if WECOM_TITLE in title or wecom >= 2:
        return WECOM
    punch = any(PUNCH_HEADER.fullmatch(b) for b in bases)
    daily = len(bases & DAILY_MARKERS) + (1 if punch else 0)
    if has_date and (DAILY_TITLE in title or daily >= 2):
        return DAILY
    strong = len(bases & MONTHLY_STRONG)
    weak = len(bases & MONTHLY_WEAK)
    titled = MONTHLY_TITLE in title and PERIOD_TITLE in title  # DingTalk's own title row
    if not has_date and (strong >= 2 or (titled and strong + weak >= 1)):
        return MONTHLY
    return None


def export_period(titles: list[str], dates: list[date]) -> tuple[date | None, date | None]:
    """The first "A 至 B" date range in the titles; else the first and last of `dates`."""
    for title in titles:
        m = PERIOD.search(to_halfwidth(title))
        if m:
            g = m.groups()
            start, end = make_date(*g[:3]), make_date(*g[3:])
            if start and end:
                return start, end
    if dates:
        return min(dates), max(dates)
    return None, None
