"""Find a sheet by its synonyms and locate its table: header row(s), then records.

Real workbooks put a title row ("2023年3月考勤表") above the header, merge header cells, split
a header over two rows ("请假" above "事假(天)"), leave blank rows, and end with a 合计 row.
`read_table` tolerates all of these and reports what it cannot resolve as `Issue`s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kaohe_cli.domain.vocabulary import SHEETS, SheetSpec, header_keys, sheet_spec
from kaohe_cli.issues import Issue, error, warning
from kaohe_cli.read.workbook import RawSheet, Workbook
from kaohe_cli.text import a1, join_names, norm

HEADER_SCAN_ROWS = 15
TOTAL_WORDS = ("合计", "总计", "小计")


@dataclass
class Table:
    """A located table: a header row (or several rows, joined), then records."""

    file: str
    sheet: str  # sheet name as written in the file
    columns: dict[str, int]  # canonical column name → 0-based column index in the sheet
    extra_columns: dict[str, int]  # other headers (normalised text) → column index
    header_row: int  # 0-based index of the last header row
    records: list[tuple[int, list[object]]]  # (0-based sheet row, cell values of that row)

    def get(self, record: list[object], column: str) -> object:
        """The value of a canonical or extra column in one record (None when absent)."""
        index = self.columns.get(column, self.extra_columns.get(column))
        if index is None or index >= len(record):
            return None
        return record[index]

    def cell(self, row: int, column: str) -> str:
        """The A1 reference of a column in a sheet row ('' when the column is absent)."""
        index = self.columns.get(column, self.extra_columns.get(column))
        return "" if index is None else a1(row, index)


# --------------------------------------------------------------------------------------
# sheets


def _spec_of(canonical: str | SheetSpec) -> SheetSpec:
    if isinstance(canonical, SheetSpec):
        return canonical
    try:
        return sheet_spec(canonical)
    except KeyError:
        return SheetSpec(canonical)


def sheet_candidates(wb: Workbook, canonical: str | SheetSpec) -> list[RawSheet]:
    """The sheets that could be `canonical`: exact synonym matches, else containing ones.

    A name containing the keys of two different sheets ("人员考勤") matches neither.
    """
    spec = _spec_of(canonical)
    keys = {norm(n) for n in spec.names}
    exact = [s for s in wb.sheets if norm(s.name) in keys]
    if exact:
        return exact
    others = [
        {norm(n) for n in other.names} for other in SHEETS.values() if other.name != spec.name
    ]
    found = []
    for sheet in wb.sheets:
        name = norm(sheet.name)
        if not any(k in name for k in keys):
            continue
        ours = [k for k in keys if k in name]
        theirs = [k for group in others for k in group if k in name]
        if any(not any(t in k for k in ours) for t in theirs):
            continue  # also names another sheet: do not guess
        found.append(sheet)
    return found


def find_sheet(
    wb: Workbook, canonical: str | SheetSpec, issues: list[Issue] | None = None
) -> RawSheet | None:
    """The one sheet that is `canonical` (by name or synonym), or None.

    Two candidate sheets are never chosen between silently: an error Issue naming both is
    appended to `issues` (pass a list to receive it) and None is returned.
    """
    spec = _spec_of(canonical)
    found = sheet_candidates(wb, spec)
    if len(found) == 1:
        return found[0]
    if len(found) > 1 and issues is not None:
        names = [f"“{s.name}”" for s in found]
        issues.append(
            error(
                f"有 {len(found)} 个工作表都可能是“{spec.name}”表：{join_names(names)}",
                f"请只保留一个，或把其余工作表改名；“{spec.name}”表可命名为 {spec.describe()}",
                file=wb.file,
                code="ambiguous-sheet",
            )
        )
    return None


# --------------------------------------------------------------------------------------
# tables


def read_table(
    sheet: RawSheet,
    spec: SheetSpec | str,
    *,
    required: Iterable[str | tuple[str, ...]] | None = None,
    scan_rows: int = HEADER_SCAN_ROWS,
) -> tuple[Table | None, list[Issue]]:
    """Locate the header among the first `scan_rows` rows and return the records below it.

    `required` overrides the spec: each item is a column name, or a tuple of names of which at
    least one must be present. The Table is None when the header cannot be found or has
    errors (a required column missing, a duplicate header); the Issues say why.
    """
    spec = _spec_of(spec)
    where = {"file": sheet.file, "sheet": sheet.name}
    lookup = _lookup(spec)
    grid = _HeaderGrid(sheet, min(scan_rows, len(sheet.rows)))
    best = _header_row(grid, lookup)
    if best < 0:
        return None, [_no_header(sheet, spec, grid, where)]

    top, last = _header_span(grid, best, lookup)
    names = _column_names(grid, top, last, lookup)
    issues: list[Issue] = []
    columns, extras = _assign(names, lookup, spec, last, where, issues)
    issues.extend(_missing_columns(spec, required, columns, [c for c, _ in names], top, last, where))
    if any(i.is_error for i in issues):
        return None, issues
    table = Table(sheet.file, sheet.name, columns, extras, last, _records(sheet.rows, last))
    return table, issues


def _header_row(grid: _HeaderGrid, lookup: dict[str, str]) -> int:
    """The row naming the most known columns (the first of equals); -1 when none names any."""
    best, best_score = -1, 0
    for r in range(grid.height):
        score = len({lookup[k] for c in range(grid.width) for k in _keys(grid.value(r, c)) if k in lookup})
        if score > best_score:
            best, best_score = r, score
    return best


def _no_header(sheet: RawSheet, spec: SheetSpec, grid: _HeaderGrid, where: dict) -> Issue:
    """Why no header was found: the sheet is empty, or no row names a known column."""
    if not any(_filled(v) for row in sheet.rows for v in row):
        return error(
            "工作表是空的",
            f"请填入“{spec.name}”表的表头和数据，或删除该工作表",
            code="empty-sheet",
            **where,
        )
    expected = "、".join(c.name for c in spec.columns if c.required) or "、".join(
        c.name for c in spec.columns[:6]
    )
    return error(
        f"在前 {grid.height} 行中找不到表头（应包含 {expected} 等列）",
        f"请在表格第一行写上列名，如 {expected}；标题行可以保留",
        code="no-header",
        cell="A1",
        **where,
    )


def _missing_columns(
    spec: SheetSpec, required, columns: dict[str, int], used: list[int], top: int, last: int, where: dict
) -> list[Issue]:
    """An error for each required column (or group of alternatives) the header lacks."""
    span = f"{a1(last, min(used))}:{a1(last, max(used))}" if used else a1(last, 0)
    header_text = f"第 {top + 1} 行" if top == last else f"第 {top + 1}–{last + 1} 行"
    issues = []
    for group in _required_groups(spec, required):
        if any(name in columns for name in group):
            continue
        described = "；".join(_describe(spec, name) for name in group)
        if len(group) == 1:
            message = f"缺少必填列「{group[0]}」（表头在{header_text}，{span}）"
        else:
            message = f"缺少「{'」或「'.join(group)}」列，至少需要其中一列（表头在{header_text}，{span}）"
        issues.append(
            error(message, f"请添加该列，列名可写作：{described}", code="missing-column",
                  cell=a1(last, min(used) if used else 0), **where)
        )
    return issues


def _records(rows: list[list[object]], last: int) -> list[tuple[int, list[object]]]:
    """The rows below the header row `last` with anything in them, less trailing total rows."""
    records = []
    append = records.append
    for r in range(last + 1, len(rows)):
        row = rows[r]
        first = row[0] if row else None
        # The usual row has its first cell filled: decided without looking further.
        if (first is not None and (type(first) is not str or first.strip())) or any(_filled(v) for v in row):
            append((r, row))
    while records and _is_total(records[-1][1]):
        records.pop()
    return records


def _lookup(spec: SheetSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for name in col.names:
            lookup.setdefault(norm(name), col.name)
    return lookup


def _keys(value: object) -> tuple[str, ...]:
    if value is None or not isinstance(value, str):
        return ()
    return header_keys(value)


def _match(value: object, lookup: dict[str, str]) -> str | None:
    for key in _keys(value):
        if key in lookup:
            return lookup[key]
    return None


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _is_total(row: list[object]) -> bool:
    for value in row:
        if _filled(value):
            return isinstance(value, str) and norm(value).startswith(TOTAL_WORDS)
    return False


class _HeaderGrid:
    """The top rows of a sheet with merged header cells resolved.

    `value(r, c)` spreads a merged range's value down its rows but not across its columns, so
    a header merged over two columns is one header; `group(r, c)` spreads it across columns
    too, for a group label above sub-headers.
    """

    def __init__(self, sheet: RawSheet, height: int) -> None:
        self.rows = sheet.rows[:height]
        self.height = height
        self.width = max((len(r) for r in self.rows), default=0)
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.spans: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r0, c0, r1, c1 in sheet.merged:
            if r0 >= height:
                continue
            for r in range(r0, min(r1, height - 1) + 1):
                for c in range(c0, min(c1, self.width - 1) + 1):
                    self.origin[(r, c)] = (r0, c0)
                    self.spans[(r, c)] = (r0, c0, r1, c1)

    def raw(self, r: int, c: int) -> object:
        row = self.rows[r] if 0 <= r < self.height else []
        return row[c] if c < len(row) else None

    def value(self, r: int, c: int) -> object:
        origin = self.origin.get((r, c))
        if origin is None:
            return self.raw(r, c)
        if origin[1] != c:
            return None
        return self.raw(*origin)

    def group(self, r: int, c: int) -> object:
        origin = self.origin.get((r, c))
        return self.raw(*origin) if origin else self.raw(r, c)

    def merged_across(self, r: int, c: int) -> tuple[int, int] | None:
        span = self.spans.get((r, c))
        if span and span[3] > span[1]:
            return span[1], span[3]
        return None


def _header_span(grid: _HeaderGrid, best: int, lookup: dict[str, str]) -> tuple[int, int]:
    """(first, last) header row: the best row, with a group row above or sub-headers below."""
    used = [c for c in range(grid.width) if _filled(grid.value(best, c))]
    if not used:
        return best, best
    left, right = min(used), max(used)
    # A row above whose cells merge across some (not all) of the header's columns: groups.
    if best > 0:
        labels = {norm(grid.group(best - 1, c)) for c in range(left, right + 1)} - {""}
        for c in range(left, right + 1):
            across = grid.merged_across(best - 1, c)
            if across and len(labels) >= 2 and (across[0] > left or across[1] < right):
                return best - 1, best
    # A row below holding only text, known names under blank or unknown headers: sub-headers.
    below = best + 1
    if below < grid.height:
        subs = 0
        for c in range(grid.width):
            value = grid.value(below, c)
            if not _filled(value):
                continue
            upper = grid.value(best, c)
            if not isinstance(value, str):
                return best, best
            if _match(upper, lookup) is not None:
                if norm(value) != norm(upper):
                    return best, best  # data under a known header
                continue
            if _match(value, lookup) is not None or grid.merged_across(best, c):
                subs += 1
        if subs:
            return best, below
    return best, best


def _column_names(
    grid: _HeaderGrid, top: int, last: int, lookup: dict[str, str]
) -> list[tuple[int, str]]:
    """(column index, header text) for every non-empty header column, groups joined."""
    out = []
    for c in range(grid.width):
        sub = grid.value(last, c)
        if top == last:
            if _filled(sub):
                out.append((c, norm(sub)))
            continue
        origin = grid.origin.get((last, c))
        if origin is not None and origin[1] != c:
            continue  # inside a header merged across columns: one header, already named
        grp = grid.group(top, c)
        g, s = norm(grp) if _filled(grp) else "", norm(sub) if _filled(sub) else ""
        if not s and not g:
            continue
        if not s or g == s:
            name = g or s
        elif not g or _match(s, lookup) is not None:
            name = s
        else:
            joined = g + s
            name = joined if (_match(joined, lookup) is not None or _match(g, lookup) is None) else s
        if name:
            out.append((c, name))
    return out


def _assign(
    names: list[tuple[int, str]],
    lookup: dict[str, str],
    spec: SheetSpec,
    row: int,
    where: dict,
    issues: list[Issue],
) -> tuple[dict[str, int], dict[str, int]]:
    """Split header names into canonical columns and extras; report duplicates."""
    by_canonical: dict[str, list[tuple[int, str]]] = {}
    extras: dict[str, int] = {}
    for c, name in names:
        canonical = _match(name, lookup)
        if canonical is None:
            if name in extras:
                issues.append(
                    error(
                        f"表头「{name}」重复（{a1(row, extras[name])} 和 {a1(row, c)}）",
                        "请删除或改名其中一列",
                        code="duplicate-column",
                        cell=a1(row, c),
                        **where,
                    )
                )
                continue
            extras[name] = c
            continue
        by_canonical.setdefault(canonical, []).append((c, name))
    columns: dict[str, int] = {}
    for canonical, hits in by_canonical.items():
        if len(hits) == 1:
            columns[canonical] = hits[0][0]
            continue
        exact = [h for h in hits if canonical in header_keys(h[1])]
        if len(exact) == 1:
            columns[canonical] = exact[0][0]
            for c, name in hits:
                if c == exact[0][0]:
                    continue
                extras.setdefault(name, c)
                issues.append(
                    warning(
                        f"「{name}」列（{a1(row, c)}）未作为「{canonical}」使用，已使用 {a1(row, exact[0][0])} 的「{canonical}」列",
                        f"如果「{name}」才是{canonical}，请删除或改名另一列",
                        code="synonym-column-ignored",
                        cell=a1(row, c),
                        **where,
                    )
                )
            continue
        cells = "、".join(f"{a1(row, c)}「{name}」" for c, name in hits)
        issues.append(
            error(
                f"有 {len(hits)} 列都表示「{canonical}」：{cells}",
                f"请只保留一列「{canonical}」，删除或改名其余各列",
                code="duplicate-column",
                cell=a1(row, hits[1][0]),
                **where,
            )
        )
    return columns, extras


def _required_groups(
    spec: SheetSpec, required: Iterable[str | tuple[str, ...]] | None
) -> list[tuple[str, ...]]:
    if required is None:
        return [(name,) for name in spec.required] + [tuple(g) for g in spec.one_of]
    return [(item,) if isinstance(item, str) else tuple(item) for item in required]


def _describe(spec: SheetSpec, name: str) -> str:
    try:
        col = spec.column(name)
    except KeyError:
        return name
    return "、".join(col.names)


__all__ = ["HEADER_SCAN_ROWS", "TOTAL_WORDS", "Table", "find_sheet", "read_table", "sheet_candidates"]
