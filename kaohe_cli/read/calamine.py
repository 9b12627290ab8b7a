"""Checked bytes → `RawSheet` grids, parsed by python-calamine.

calamine gives cached formula values (never evaluates), writes empty cells as '' (made None
here) and knows no merges for .ods (the pre-scan's are used). A formula cell with no cached
value is read as blank, with one warning per sheet (code `formula-without-value`).

With `publish`, the workbook is handed over before any sheet is parsed, its sheets pending,
and the sheets are parsed smallest first (see `kaohe_cli.read.background`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

import python_calamine

from kaohe_cli.errors import UnreadableFile
from kaohe_cli.issues import Issue, warning
from kaohe_cli.read.refusals import encrypted, fail, short_detail, too_many_cells
from kaohe_cli.read.scan import Scan
from kaohe_cli.read.sheets import PendingCells, RawSheet, Workbook
from kaohe_cli.text import a1

_FORMULA_LIST = 5  # cells named in the message of a formula warning

Publish = Callable[[Workbook, list[PendingCells]], None]


def read_calamine(
    path: Path, data: bytes, label: str, max_cells: int, scans: dict[str, Scan], publish: Publish | None = None
) -> Workbook:
    """Parse checked bytes into a `Workbook`; with `publish`, hand it over before parsing."""
    try:
        # From the bytes already checked; calamine detects the format from the content.
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise encrypted(label) from None
    except python_calamine.CalamineError as exc:
        raise _calamine_failed(label, exc) from exc
    with book:
        # chart, dialog and macro sheets hold no data
        names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        if publish is None:
            done = [_calamine_sheet(book, name, label, max_cells, scans) for name in names]
            return Workbook(path, label, [sheet for sheet, _ in done], [i for _, i in done if i is not None])
        return _parse_published(book, path, label, names, max_cells, scans, publish)


def _parse_published(
    book, path: Path, label: str, names: list[str], max_cells: int, scans: dict[str, Scan], publish: Publish
) -> Workbook:
    """The sheet list is published at once, then each sheet's cells as it is parsed, smallest
    first, so the caller can work on 人员 while 220,000 考勤 rows are parsed."""
    cells = [PendingCells() for _ in names]
    wb = Workbook(path, label, [RawSheet.pending(label, name, c) for name, c in zip(names, cells)], [])
    publish(wb, cells)
    found: dict[int, Issue] = {}
    for i in sorted(range(len(names)), key=lambda i: scans.get(names[i], Scan()).size):
        sheet, issue = _calamine_sheet(book, names[i], label, max_cells, scans)
        if issue is not None:
            found[i] = issue
        cells[i].deliver(sheet)
    wb.issues.extend(found[i] for i in sorted(found))
    return wb


def _calamine_sheet(
    book, name: str, label: str, max_cells: int, scans: dict[str, Scan]
) -> tuple[RawSheet, Issue | None]:
    try:
        cal = book.get_sheet_by_name(name)
    except python_calamine.PasswordError:
        raise encrypted(label) from None
    except python_calamine.CalamineError as exc:
        raise _calamine_failed(label, exc, name) from exc
    end = cal.end
    if end is None:
        rows: list[list[object]] = []
    else:
        if (end[0] + 1) * (end[1] + 1) > max_cells:
            raise too_many_cells(label, name, end[0] + 1, end[1] + 1, max_cells)
        rows = cal.to_python(skip_empty_area=False)
        _blanks_to_none(rows)
    scan = scans.get(name, Scan())
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (cal.merged_cell_ranges or [])] or list(scan.merged)
    formulas = [(r, c) for r, c in scan.formulas if not _has_value(rows, r, c)]
    issue = _formula_warning(label, name, formulas) if formulas else None
    return RawSheet(label, name, rows, merged, formulas), issue


def _calamine_failed(label: str, exc: Exception, sheet: str = "") -> UnreadableFile:
    where = f"（工作表“{sheet}”）" if sheet else ""
    return fail(
        label,
        f"无法读取工作簿{where}：{short_detail(exc)}",
        "文件可能已损坏或格式不标准；请在 Excel 中打开后另存为 .xlsx 再试",
    )


def _blanks_to_none(rows: list[list[object]]) -> None:
    """calamine writes empty cells as ''; the grid uses None (in place, fast when no blanks)."""
    for row in rows:
        if "" in row:
            for i, value in enumerate(row):
                if value == "":
                    row[i] = None


def _has_value(rows: list[list[object]], r: int, c: int) -> bool:
    return r < len(rows) and c < len(rows[r]) and rows[r][c] not in (None, "")


def _formula_warning(label: str, sheet: str, cells: list[tuple[int, int]]) -> Issue:
    cells = sorted(cells)
    names = "、".join(a1(r, c) for r, c in cells[:_FORMULA_LIST])
    more = f"等 {len(cells)} 个" if len(cells) > _FORMULA_LIST else ""
    return warning(
        f"公式单元格没有缓存值（{names}{more}），读取时按空白处理",
        "这通常是程序生成、从未在 Excel 中打开过的文件；请在 Excel 中打开并保存后重试",
        file=label,
        sheet=sheet,
        cell=a1(*cells[0]),
        code="formula-without-value",
        extra={"cells": [a1(r, c) for r, c in cells]},
    )
