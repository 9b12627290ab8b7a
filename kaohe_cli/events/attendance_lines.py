"""Attendance counts → ledger lines: one line per (person, item) counted, at the item's fixed 分值.

The counts come from a 考勤 sheet (`normalize.attendance_sheet.AttendanceLines`) or from a
DingTalk / WeCom export shaped like one; each line keeps its source cell and date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaohe_cli.domain.points import int_micro, to_micro
from kaohe_cli.events import ledger as L
from kaohe_cli.events.context import Context
from kaohe_cli.events.row_values import rule_text
from kaohe_cli.normalize.attendance_sheet import AttendanceLines
from kaohe_cli.read.tables import Table


def attendance_lines(ctx: Context, att: AttendanceLines, table: Table | None) -> pd.DataFrame:
    """`att` → ledger lines (`table`, the sheet they came from, may be None for an export)."""
    if not att.subject:
        return L.empty()
    items = {it.name: it for it in ctx.scheme.items}
    item_arr = np.array(att.item, dtype=object)
    q = np.array(att.quantity, dtype="float64")
    unit_micro = np.array([to_micro(items[i].points) if items[i].points is not None else 0 for i in att.item], dtype="int64")
    halves = np.array([2 if items[i].per_half_day else 1 for i in att.item], dtype="int64")
    sign = np.array([-1 if items[i].kind == "deduction" else (1 if items[i].kind == "bonus" else 0) for i in att.item])
    with np.errstate(over="ignore", invalid="ignore"):
        pts = int_micro(q * halves * unit_micro) * sign  # PointsOverflow, never a wrapped value
    kinds = [items[i].kind for i in att.item]
    rules = {name: rule_text(it, "", it.points) for name, it in items.items()}
    return L.make(
        subject=att.subject, item=item_arr, component=[items[i].component or "" for i in att.item],
        kind=kinds, quantity=q, points=pts, rule=[rules[i] for i in att.item], source=att.source,
        file=ctx.file, date=att.date, annual=[items[i].annual for i in att.item],
        category=[(items[i].category or i) if items[i].kind == "bonus" else "" for i in att.item],
    )
