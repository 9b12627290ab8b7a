"""The 评分 sheet → `Ratings`: per subject, the numbers of the rating columns and their source cells.

A row names its subject by 单位 (unit schemes) or by 工号, else 姓名; the reference is resolved
by the caller's `resolve`. A cell that is not a number, or beyond `LIMITS["rating"]`, is an
error and is left blank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaohe_cli.issues import Issue, error
from kaohe_cli.normalize.cells import Columns, factorize_cells, gid, per_row, text
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.text import col_letter, norm


@dataclass
class Ratings:
    values: pd.DataFrame  # index subject; rating columns (float, NaN = blank)
    cells: pd.DataFrame  # index subject; source text "评分!C5"
    rows: dict[str, int]  # subject → sheet row


def read_ratings(table: Table, columns: list[str], resolve, subject_col: str) -> tuple[Ratings, list[Issue]]:
    """Read the rating columns of sheet 评分; `resolve(ref, loc) -> (id, issue)`.

    Column by column, each distinct reference and cell value looked at once; the issues come in
    the order a row-by-row reading gives (per row: the reference, then each rating column).
    """
    colmap: dict[str, int | None] = {}
    for c in columns:
        idx = table.columns.get(c)
        if idx is None:
            idx = table.extra_columns.get(norm(c))
        colmap[c] = idx
    cols = Columns(table, ["工号", "姓名", "单位"] + [c for c in columns if colmap[c] is not None])
    use, sids = _subject_rows(cols, resolve, subject_col)
    rows = dict(zip(sids, cols.rows[use].tolist()))

    data: dict[str, dict[str, float]] = {c: {} for c in columns}
    cells: dict[str, dict[str, str]] = {c: {} for c in columns}
    for order, c in enumerate(columns, 1):
        if colmap[c] is not None:
            data[c], cells[c] = _rating_column(cols, c, colmap[c], order, use, sids)
    issues = cols.issues()
    values = pd.DataFrame({c: pd.Series(v, dtype="float64") for c, v in data.items()})
    cell_frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in cells.items()})
    return Ratings(values, cell_frame, rows), issues


def _subject_rows(cols: Columns, resolve, subject_col: str) -> tuple[np.ndarray, list[str]]:
    """(the accepted records in row order, their subject ids). A reference that `resolve`
    refuses is reported at every row, at its cell; a subject's second row is an error."""
    if subject_col == "单位":
        refs = cols.per_value("单位", _text_value, blank="")[0]
    else:
        refs = cols.per_value("工号", _id_value, blank="")[0]
        by_name = cols.per_value("姓名", _text_value, blank="")[0]
        refs = np.where(refs == "", by_name, refs)
    loc_col = subject_col if subject_col in cols.table.columns else "姓名"
    verdict: dict[str, tuple[str | None, bool]] = {}  # ref → (id, refused)
    ids = np.full(cols.n, None, dtype=object)
    for i in np.flatnonzero(refs != ""):
        ref = refs[i]
        known = verdict.get(ref)
        if known is None or known[1]:  # a refused reference is reported at every row, at its cell
            sid, issue = resolve(ref, cols.where(i, loc_col))
            verdict[ref] = known = (sid, issue is not None)
            if issue is not None:
                cols.add(i, 0, issue)
                continue
        ids[i] = known[0]
    taken = np.flatnonzero(ids != None)  # noqa: E711 - elementwise on an object array
    again = pd.Series(ids[taken], dtype=object).duplicated(keep="first").to_numpy()
    first_row = dict(zip(ids[taken[~again]], cols.rows[taken[~again]]))
    for i in taken[again]:
        cols.add(i, 0, error(
            f"「{refs[i]}」在评分表中出现两次（第{int(first_row[ids[i]]) + 1}行已有）", "每人（每单位）只写一行",
            **cols.where(i, loc_col)))
    use = taken[~again]
    return use, ids[use].tolist()


def _rating_column(cols: Columns, c: str, col: int, order: int, use: np.ndarray,
                   sids: list[str]) -> tuple[dict[str, float], dict[str, str]]:
    """One rating column of the accepted records → ({subject: number}, {subject: source cell})."""
    table = cols.table
    letters = col_letter(col)
    cells = dict(zip(sids, [f"{table.sheet}!{letters}{r + 1}" for r in cols.rows[use].tolist()]))
    raw = cols.column(c)
    codes, uniques = factorize_cells(raw[use])
    parsed = [_rating_value(u) for u in uniques]
    numbers = per_row([v for v, _ in parsed], codes, blank=None)
    bad = per_row([b for _, b in parsed], codes, blank=False, dtype=bool)
    for k in np.flatnonzero(bad):
        i = use[k]
        issue = _rating_issue(raw[i], c, file=table.file, sheet=table.sheet, cell=f"{letters}{int(cols.rows[i]) + 1}")
        cols.add(i, order, issue)
    filled = np.flatnonzero(numbers != None)  # noqa: E711
    return dict(zip([sids[k] for k in filled], numbers[filled].tolist())), cells


def _id_value(v) -> tuple[str, bool]:
    return gid(v), False


def _text_value(v) -> tuple[str, bool]:
    return text(v), False


def _rating_value(v) -> tuple[float | None, bool]:
    """(number, unreadable) for one rating cell; blank → None. A number beyond
    `LIMITS["rating"]` is unreadable too: it is reported and not used."""
    if v is None or (isinstance(v, str) and v.strip() == ""):
        return None, False
    n, issue = V.parse_number(v)
    if issue is not None or abs(n) > V.LIMITS["rating"]:
        return None, True
    return float(n), False


def _rating_issue(v, column: str, **loc) -> Issue:
    """The error of a rating cell `_rating_value` refused."""
    n, issue = V.parse_number(v, **loc)
    if issue is None:
        issue = V.beyond_limit(n, V.LIMITS["rating"], why=f"评分表的分数和票数绝对值最大 {V.LIMITS['rating']}",
                               column=column, **loc)
    return issue
