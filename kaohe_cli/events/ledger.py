"""The ledger frame: one row per (event, recipient) or per adjustment, every point on a line.

`money` is the line's money in int64 fen (分, 1/100 元), signed like its points, 0 on a line of an
item or rule without `money`.

Points are int64 micro-points (`kaohe_cli.domain.points.SCALE`). The sum of `points` over the
lines with `counted` set is exactly a subject's unrounded period total.

Points never wrap: `make` refuses a `points` value that is NaN, infinite or beyond
±`kaohe_cli.domain.points.MAX_MICRO`, and `concat` refuses a ledger whose magnitudes sum beyond it
(`kaohe_cli.domain.points.check_ledger`), both with `kaohe_cli.errors.PointsOverflow`. Every sum the
engine takes is of lines of such a ledger, so it stays within int64.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaohe_cli.domain.points import MAX_MICRO, check_ledger, int_micro, overflow

# Column order of the ledger. `kind` is one of:
#   base      a deduction component's maximum (满分)
#   deduction points taken off (negative)
#   bonus     points added (positive)
#   rated     a score entered in 评分
#   input     a signed value entered in 评分 (e.g. 奖惩附加分)
#   band      points from a rank band (领导测评分)
#   marker    an event that scores nothing itself but may trigger a rule (事假, 处分…)
#   floor     the adjustment that keeps a component at 0 (扣完为止)
#   zero      a component zeroed by a threshold or a rule
#   clip      an input value clipped to its range
#   cap       a bonus cap (per category or in total)
#   weight    the weighting of a component (× 60%)
COLUMNS = [
    "subject", "item", "level", "component", "kind", "category", "quantity", "points",
    "counted", "annual", "rule", "evidence", "reason", "date", "source", "file", "note",
    "event", "money",
]

_DEFAULTS = {
    "subject": "", "item": "", "level": "", "component": "", "kind": "", "category": "",
    "quantity": float("nan"), "points": 0, "counted": True, "annual": False, "rule": "", "evidence": "",
    "reason": "", "date": "", "source": "", "file": "", "note": "", "event": -1,
    "money": 0,
}


_DTYPES = {c: np.dtype(object) for c in COLUMNS} | {
    "points": np.dtype("int64"), "quantity": np.dtype("float64"), "counted": np.dtype(bool),
    "annual": np.dtype(bool), "event": np.dtype("int64"), "money": np.dtype("int64"),
}


def make(**cols) -> pd.DataFrame:
    """A ledger frame from column arrays or scalars; missing columns get defaults.

    At least one column must be array-like to fix the length; scalars broadcast. Each column is
    built with its final dtype at once (the engine makes a dozen of these per run).
    """
    n = None
    for v in cols.values():
        if isinstance(v, (list, np.ndarray, pd.Series, pd.Index)):
            n = len(v)
            break
    if n is None:
        raise ValueError("make() needs at least one array column")
    data = {}
    for c in COLUMNS:
        v = cols.get(c, _DEFAULTS[c])
        dtype = _DTYPES[c]
        if isinstance(v, (pd.Series, pd.Index)):
            v = v.to_numpy()
        if isinstance(v, (list, np.ndarray)):
            if dtype == object:
                column = np.empty(len(v), dtype=object)
                column[:] = v
            elif c == "points":
                column = _points(v)
            else:
                column = np.asarray(v)
                if dtype.kind == "i" and column.dtype.kind == "f" and not np.isfinite(column).all():
                    raise ValueError(f"ledger column {c!r} has NaN or infinite values")  # an engine bug: fail loudly
                column = column.astype(dtype)
        elif c == "points":
            column = np.full(n, _points([v])[0] if n else 0, dtype=dtype)
        else:
            column = np.full(n, v, dtype=dtype)
        data[c] = column
    return pd.DataFrame(data, columns=COLUMNS, copy=False)


def _points(values) -> np.ndarray:
    """A points column as int64, refusing (never wrapping) NaN, infinity and out-of-range values."""
    column = np.asarray(values)
    if column.dtype.kind == "f":
        if np.isnan(column).any():  # no input is NaN (the readers refuse it): an engine bug
            raise ValueError("ledger column 'points' has NaN values")
        return int_micro(column)
    if column.dtype.kind in "iu":
        if column.dtype.kind == "u" or column.dtype.itemsize > 8:
            column = column.astype(object)
        else:
            if len(column) and not (np.abs(column.astype("float64")) <= MAX_MICRO).all():
                big = column[np.flatnonzero(~(np.abs(column.astype("float64")) <= MAX_MICRO))[0]]
                raise overflow(int(big) / 10**6)
            return column.astype(np.int64)
    # Python ints (possibly beyond int64), Decimals, bools
    out = np.empty(len(column), dtype=np.int64)
    for k, value in enumerate(column.tolist()):
        if isinstance(value, float):
            out[k] = int_micro([value])[0]
            continue
        number = int(value)
        if abs(number) > MAX_MICRO:
            raise overflow(number / 10**6)
        out[k] = number
    return out


def empty() -> pd.DataFrame:
    return make(subject=[])


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return empty()
    frame = _typed(pd.concat(frames, ignore_index=True))
    check_ledger(frame["points"].to_numpy())
    return frame


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast only the columns whose dtype is off (a concat of made frames usually has none)."""
    for c in COLUMNS:
        if frame[c].dtype != _DTYPES[c]:
            frame[c] = frame[c].astype(_DTYPES[c])
    return frame
