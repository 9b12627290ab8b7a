"""Attendance counts → ledger lines: one line per (person, item) counted, at the item's fixed 分值.

The counts come from a 考勤 sheet (`normalize.attendance_sheet.AttendanceLines`) or from a
DingTalk / WeCom export shaped like one; each line keeps its source cell and date.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from kaohe_cli.domain.points import int_micro, to_micro
from kaohe_cli.errors import InputErrors
from kaohe_cli.events import ledger as L
from kaohe_cli.events.context import Context
from kaohe_cli.events.item_forms import PerPersonValues, counted_as, unit_points, unknown_target_issue
from kaohe_cli.events.row_values import rule_text
from kaohe_cli.issues import Issue
from kaohe_cli.normalize.attendance_sheet import AttendanceLines
from kaohe_cli.read.tables import Table


def attendance_lines(ctx: Context, att: AttendanceLines, table: Table | None) -> pd.DataFrame:
    """`att` → ledger lines (`table`, the sheet they came from, may be None for an export).

    A column of an item with `counts_as` is recorded as its target (× `per_unit`); an item
    scored on the period's total carries 0 here (the engine adds its line); a per-person item
    (`points_from`) takes each person's own value. An unknown `counts_as` target or a missing
    per-person value is an error: the run stops with `InputErrors` naming it (never 0 silently)."""
    lines, issues = attendance_lines_and_issues(ctx, att, table)
    if issues:
        raise InputErrors(issues, "考勤事项无法计分")
    return lines


def attendance_lines_and_issues(ctx: Context, att: AttendanceLines,
                                table: Table | None) -> tuple[pd.DataFrame, list[Issue]]:
    if not att.subject:
        return L.empty(), []
    scheme = ctx.scheme
    forms = {name: counted_as(scheme, it) for name, it in ((n, scheme.item(n)) for n in set(att.item))}
    issues = [unknown_target_issue(scheme.item(n), file=ctx.file, sheet=table.sheet if table is not None else "考勤")
              for n, (target, _, _) in forms.items() if target is None]
    keep = np.array([forms[i][0] is not None for i in att.item], dtype=bool)
    subjects = np.array(att.subject, dtype=object)[keep]
    entered = np.array(att.item, dtype=object)[keep]
    items = {n: forms[n][0] for n in forms if forms[n][0] is not None}
    names = [items[i].name for i in entered]
    per = np.array([float(forms[i][1]) for i in entered], dtype="float64")
    q = np.array(att.quantity, dtype="float64")[keep] * per
    persons = PerPersonValues(ctx)
    unit_micro = np.array([
        to_micro((persons.value(items[i], s) or Decimal(0)) if items[i].points_from is not None else unit_points(items[i]))
        for i, s in zip(entered, subjects)], dtype="int64")
    halves = np.array([2 if items[i].per_half_day else 1 for i in entered], dtype="int64")
    sign = np.array([-1 if items[i].kind == "deduction" else (1 if items[i].kind == "bonus" else 0) for i in entered])
    with np.errstate(over="ignore", invalid="ignore"):
        pts = int_micro(q * halves * unit_micro) * sign  # PointsOverflow, never a wrapped value
    rules = {n: rule_text(it, "", it.points) for n, it in items.items()}
    notes = {n: forms[n][2] for n in items}
    lines = L.make(
        subject=subjects, item=names, component=[items[i].component or "" for i in entered],
        kind=[items[i].kind for i in entered], quantity=q, points=pts, rule=[rules[i] for i in entered],
        source=np.array(att.source, dtype=object)[keep], file=ctx.file,
        date=np.array(att.date, dtype=object)[keep], annual=[items[i].annual for i in entered],
        category=[(items[i].category or items[i].name) if items[i].kind == "bonus" else "" for i in entered],
        note=[notes[i] for i in entered],
    )
    return lines, issues + persons.issues
