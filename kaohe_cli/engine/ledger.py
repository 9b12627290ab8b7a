"""The ledger frame: one row per (event, recipient) or per adjustment, every point on a line.

Points are int64 micro-points (`kaohe_cli.points.SCALE`). The sum of `points` over the
lines with `counted` set is exactly a subject's unrounded period total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    "event",
]

_DEFAULTS = {
    "subject": "", "item": "", "level": "", "component": "", "kind": "", "category": "",
    "quantity": float("nan"), "points": 0, "counted": True, "annual": False, "rule": "", "evidence": "",
    "reason": "", "date": "", "source": "", "file": "", "note": "", "event": -1,
}


def make(**cols) -> pd.DataFrame:
    """A ledger frame from column arrays or scalars; missing columns get defaults.

    At least one column must be array-like to fix the length; scalars broadcast.
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
        if isinstance(v, pd.Series):
            v = v.to_numpy()
        if not isinstance(v, (list, np.ndarray, pd.Index)):
            v = [v] * n
        data[c] = v
    frame = pd.DataFrame(data, columns=COLUMNS)
    return _typed(frame)


def empty() -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in COLUMNS}, columns=COLUMNS))


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return empty()
    return _typed(pd.concat(frames, ignore_index=True))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame["points"] = frame["points"].astype("int64")
    frame["quantity"] = frame["quantity"].astype("float64")
    frame["counted"] = frame["counted"].astype(bool)
    frame["annual"] = frame["annual"].astype(bool)
    frame["event"] = frame["event"].astype("int64")
    for c in COLUMNS:
        if c not in ("points", "quantity", "counted", "annual", "event"):
            frame[c] = frame[c].astype(object)
    return frame
