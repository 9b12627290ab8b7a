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
from kaohe_cli.events.row_values import money_fen, rule_text
from kaohe_cli.issues import Issue
from kaohe_cli.normalize.attendance_sheet import AttendanceLines
from kaohe_cli.read.tables import Table


def attendance_lines(ctx: Context, att: AttendanceLines, table: Table | None) -> pd.DataFrame:
    """`att` → ledger lines (`table`, the sheet they came from, may be None for an export).

    A column of an item with `counts_as` is recorded as its target (× `per_unit`; as each of
    several targets, one line each); an item scored on the period's total carries 0 here (the
    engine adds its line); a per-person item
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
              for n, targets in forms.items() if any(target is None for target, _, _ in targets)]
    # one line per (count, item it is recorded as): a count of an item counted as several is repeated
    usable = {n: (f if all(t is not None for t, _, _ in f) else []) for n, f in forms.items()}
    times = np.array([len(usable[n]) for n in att.item], dtype="int64")
    take = np.repeat(np.arange(len(att.item)), times)
    nth = np.arange(len(take)) - np.repeat(np.cumsum(times) - times, times)
    recorded = [usable[att.item[i]][k] for i, k in zip(take.tolist(), nth.tolist())]
    subjects = np.array(att.subject, dtype=object)[take]
    items = [target for target, _, _ in recorded]
    names = [it.name for it in items]
    per = np.array([float(p) for _, p, _ in recorded], dtype="float64")
    q = np.array(att.quantity, dtype="float64")[take] * per
    persons = PerPersonValues(ctx)
    unit_micro = np.array([
        to_micro((persons.value(it, s) or Decimal(0)) if it.points_from is not None else unit_points(it))
        for it, s in zip(items, subjects)], dtype="int64")
    halves = np.array([2 if it.per_half_day else 1 for it in items], dtype="int64")
    sign = np.array([-1 if it.kind == "deduction" else (1 if it.kind == "bonus" else 0) for it in items])
    with np.errstate(over="ignore", invalid="ignore"):
        pts = int_micro(q * halves * unit_micro) * sign  # PointsOverflow, never a wrapped value
    rules = {it.name: rule_text(it, "", it.points) for it in items}
    lines = L.make(
        subject=subjects, item=names, component=[it.component or "" for it in items],
        kind=[it.kind for it in items], quantity=q, points=pts, rule=[rules[n] for n in names],
        source=np.array(att.source, dtype=object)[take], file=ctx.file,
        date=np.array(att.date, dtype=object)[take], annual=[it.annual for it in items],
        category=[(it.category or it.name) if it.kind == "bonus" else "" for it in items],
        note=[note for _, _, note in recorded],
        money=[money_fen(it, Decimal(repr(float(x)))) if it.money is not None else 0 for it, x in zip(items, q)],
    )
    return lines, issues + persons.issues
