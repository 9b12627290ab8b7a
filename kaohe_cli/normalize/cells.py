"""Cells of a `Table`, as every reader of this stage looks at them.

Where a cell is (`where`, `source_text`), what it holds (`get`, `text`, `gid`, `yes_no`), and the
column-wise reading the large sheets need: `column_frame` cuts a table's columns out of its
records, `factorize_cells` and `per_row` let a parse run once per distinct cell value, and
`Columns` gathers the issues met on the way so that they come out in sheet order.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import pandas as pd

from kaohe_cli.domain.vocabulary import NO_WORDS, YES_WORDS
from kaohe_cli.issues import Issue, error
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.text import a1, clean, norm

# ---- one cell ----------------------------------------------------------------------------------


def cell_of(table: Table, row: int, column: str) -> str:
    col = table.columns.get(column)
    if col is None:
        col = table.extra_columns.get(norm(column), 0)
    return a1(row, col)


def where(table: Table, row: int, column: str) -> dict:
    return {"file": table.file, "sheet": table.sheet, "cell": cell_of(table, row, column)}


def source_text(table: Table, row: int, column: str) -> str:
    return f"{table.sheet}!{cell_of(table, row, column)}"


def get(table: Table, values: list, column: str):
    col = table.columns.get(column)
    if col is None:
        col = table.extra_columns.get(norm(column))
    if col is None or col >= len(values):
        return None
    return values[col]


def text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return clean(v)


def gid(v) -> str:
    """A 工号 cell as text ('' when blank or unreadable)."""
    value, _ = V.parse_id(v)
    return value or ""


def yes_no(table: Table, row: int, values: list, column: str, default: bool, issues: list[Issue]) -> bool:
    raw = norm(text(get(table, values, column)))
    if raw == "":
        return default
    if raw in YES_WORDS:
        return True
    if raw in NO_WORDS:
        return False
    issues.append(error(
        f"「{column}」应填 是 或 否，实际为「{raw}」", f"请把 {column} 改为 是 或 否", **where(table, row, column)
    ))
    return default


# ---- column by column --------------------------------------------------------------------------


def column_frame(table: Table, columns: list[str]) -> pd.DataFrame:
    """The records' cells of `columns` (those present), column by column, plus `_row`."""
    records = table.records
    data: dict[str, object] = {"_row": np.fromiter((r for r, _ in records), dtype=np.int64, count=len(records))}
    rows = [vals for _, vals in records]
    shortest = min(map(len, rows), default=0)
    for c in columns:
        idx = table.columns.get(c, table.extra_columns.get(norm(c)))
        if idx is None:
            continue
        if idx < shortest:  # the usual rectangular grid: one C-level pass
            cells = list(map(itemgetter(idx), rows))
        else:
            cells = [vals[idx] if idx < len(vals) else None for vals in rows]
        column = np.empty(len(cells), dtype=object)
        column[:] = cells
        data[c] = column
    return pd.DataFrame(data, copy=False)


def per_row(per_unique: list, codes: np.ndarray, blank: object = "", dtype=object) -> np.ndarray:
    """Values per distinct cell → values per row (`codes` from factorize; -1 is a blank cell)."""
    table = np.empty(len(per_unique) + 1, dtype=dtype)
    table[:-1] = per_unique
    table[-1] = blank
    return table[codes]


_BOOL_KEY = {True: "\x00TRUE", False: "\x00FALSE"}
_KEY_BOOL = {v: k for k, v in _BOOL_KEY.items()}


def _is_zero_one(u) -> bool:
    try:
        return bool(u == 0 or u == 1)
    except Exception:  # noqa: BLE001 - odd objects are simply not 0/1
        return False


def factorize_cells(values) -> tuple[np.ndarray, list]:
    """`pd.factorize` for cell values (codes, distinct values; blank → -1), except that a
    logical TRUE/FALSE is never merged with the number 1/0, which Python holds equal."""
    arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniques = list(uniques)
    zero_one = [k for k, u in enumerate(uniques) if not isinstance(u, str) and _is_zero_one(u)]
    if zero_one:
        suspects = np.flatnonzero(np.isin(codes, zero_one)).tolist()
        flags = [i for i in suspects if type(arr[i]) is bool]
        if flags and len(flags) < len(suspects):  # both kinds present: tell them apart
            keys = arr.copy()
            for i in flags:
                keys[i] = _BOOL_KEY[bool(arr[i])]
            codes, uniques = pd.factorize(keys, use_na_sentinel=True)
            uniques = [_KEY_BOOL.get(u, u) if isinstance(u, str) else u for u in uniques]
    return codes, uniques


def map_unique(series: pd.Series, fn) -> pd.Series:
    """`series.map(fn)` computing `fn` once per distinct value (220,000 rows, a few hundred ids)."""
    codes, uniques = factorize_cells(series)
    values = [fn(u) for u in uniques] + [fn(None)]  # code -1 (blank) takes the last slot
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return pd.Series(out[codes], index=series.index, dtype=object)


class Columns:
    """Some columns of a table, read column by column, and the issues found in their cells.

    An issue is kept with its sheet row and its order within the row (which column, which
    check), so that `issues()` gives them in the order a row-by-row reading would.
    """

    def __init__(self, table: Table, names: list[str]) -> None:
        self.table = table
        self.frame = column_frame(table, names)
        self.rows = self.frame["_row"].to_numpy()  # sheet row of each record
        self.n = len(self.frame)
        self._found: list[tuple[int, int, Issue]] = []  # (sheet row, order within the row, issue)

    def column(self, name: str) -> np.ndarray:
        """The cells of one column (all None when the table has no such column)."""
        if name in self.frame.columns:
            return self.frame[name].to_numpy()
        return np.full(self.n, None, dtype=object)

    def per_value(self, name: str, parse, blank=None, dtype=object) -> tuple[np.ndarray, np.ndarray]:
        """`parse(value) -> (result, failed)` once per distinct value → (per-row results, per-row failed)."""
        codes, uniques = factorize_cells(self.column(name))
        results = [parse(u) for u in uniques]
        values = per_row([v for v, _ in results], codes, blank=blank, dtype=dtype)
        failed = per_row([bad for _, bad in results], codes, blank=False, dtype=bool)
        return values, failed

    def where(self, i: int, column: str) -> dict:
        """The location of `column` in record i."""
        return where(self.table, int(self.rows[i]), column)

    def add(self, i: int, order: int, issue: Issue) -> None:
        self._found.append((int(self.rows[i]), order, issue))

    def report(self, mask: np.ndarray, order: int, make) -> None:
        """`make(i)` → the issue of each record i where `mask` is set."""
        for i in np.flatnonzero(mask):
            self.add(i, order, make(i))

    def issues(self) -> list[Issue]:
        return [issue for _, _, issue in sorted(self._found, key=lambda t: (t[0], t[1]))]
