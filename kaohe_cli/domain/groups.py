"""The group a subject belongs to when ranked or given quota places: a roster column's value.

Shared by `events` (a bottom-N penalty ranks within groups) and `engine` (rank bands, quotas).
"""

from __future__ import annotations

import pandas as pd

ONE_GROUP = "全体"  # the one group when no column groups the subjects
UNGROUPED = "未指定"  # the group of a subject whose grouping cell is blank


def group_labels(frame: pd.DataFrame | None, column: str | None, idx: pd.Index) -> pd.Series:
    """Each subject's group by a roster column; blank → 未指定; no column → one group 全体."""
    if not column or frame is None or column not in frame.columns:
        return pd.Series(ONE_GROUP, index=idx, dtype=object)
    return frame[column].reindex(idx).fillna("").astype(str).replace("", UNGROUPED)
