"""The event sheets (记实, 奖惩) → ledger lines: one line per (event row, recipient).

This is where an input row meets the scheme's catalogue: item names and aliases, levels,
discretionary 分值 (`row_values`), evidence (文号), who an event reaches (`recipients`),
a component named in the 事由, and same-事由 deduplication (`dedupe_same_reason`).
A row with an error adds no line; the error names its cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from kaohe_cli.domain.points import to_micro
from kaohe_cli.events import ledger as L
from kaohe_cli.events.context import Context
from kaohe_cli.events.item_forms import PerPersonValues, counted_as, unknown_target_issue
from kaohe_cli.events.recipients import Recipient, recipients, target_col, target_text
from kaohe_cli.events.row_values import level_and_value, money_fen, row_quantity, rule_text, where_or_item
from kaohe_cli.issues import Issue, error, warning
from kaohe_cli.normalize.cells import get, source_text, text, where
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.scheme.model import Item, Scheme
from kaohe_cli.text import join_names, norm, suggest


@dataclass
class _EventRow:
    """One event row, checked: what it is worth per recipient, and whom it reaches."""

    item: Item
    level: str
    unit_value: Decimal | None
    quantity: Decimal
    date: date | None
    evidence: str
    reason: str
    recipients: list[Recipient]
    component: str
    counted: bool
    note: str


def event_lines(ctx: Context, table: Table, seq_start: int) -> tuple[pd.DataFrame, list[Issue]]:
    """The rows of one event sheet → ledger lines; each row with an item or a target is an event
    (numbered on from `seq_start`); a 分管领导 is hit once per (文号, 事项, 级别)."""
    issues: list[Issue] = []
    cols: dict[str, list] = {c: [] for c in L.COLUMNS}
    event_id = seq_start
    leader_seen: set[tuple] = set()
    persons = PerPersonValues(ctx)
    for r, vals in table.records:
        raw_item = text(get(table, vals, "事项"))
        target_raw = target_text(table, vals)
        if not raw_item and not target_raw:
            continue
        event_id += 1
        rows, problems = _event_rows(ctx, table, r, vals, raw_item, target_raw)
        issues.extend(problems)
        for row in rows:
            _add_lines(cols, ctx, row, source_text(table, r, "事项"), event_id, leader_seen, persons)
    lines = L.make(**cols) if cols["subject"] else L.empty()
    return lines, issues + persons.issues


def _event_rows(ctx: Context, table: Table, r: int, vals: list, raw_item: str,
                target_raw: str) -> tuple[list[_EventRow], list[Issue]]:
    """Row r checked: (the event as each item it counts as, its warnings) or ([], its problems,
    the last one refusing it). An item with `counts_as` is scored as its target(s)."""
    loc_item = where(table, r, "事项")
    if not raw_item:
        return [], [error("事项为空", "请从下拉列表选择事项", **loc_item)]
    entered = ctx.scheme.item(raw_item)
    if entered is None:
        near = suggest(raw_item, ctx.scheme.item_names + [a for it in ctx.scheme.items for a in it.aliases])
        hint = (f"是否为：{'、'.join(near)}？" if near else "") + f"可选事项：{join_names(ctx.scheme.item_names, 8)}"
        return [], [error(f"未知事项「{raw_item}」", hint, **loc_item)]
    forms = counted_as(ctx.scheme, entered)
    if any(item is None for item, _, _ in forms):
        return [], [unknown_target_issue(entered, **loc_item)]
    values = []
    for item, _, _ in forms:
        level, unit_value, problem = level_and_value(item, table, r, vals)
        if problem:
            return [], [problem]
        values.append((level, unit_value))
    qty, problem = row_quantity(entered, table, r, vals, ctx.period)
    if problem:
        return [], [problem]
    d, problem, refused = _event_date(ctx, entered, table, r, vals)
    if refused:
        return [], [problem]
    issues = [problem] if problem else []
    evidence = text(get(table, vals, "文号"))
    reason = text(get(table, vals, "事由")) or text(get(table, vals, "说明"))
    rows: list[_EventRow] = []
    for (item, per_unit, as_note), (level, unit_value) in zip(forms, values):
        reached, problems = recipients(ctx, item, table, r, vals, entered=entered)
        if problems:
            return [], list(dict.fromkeys(issues + problems))
        if not reached:
            return [], issues + [warning(f"「{target_raw}」没有参评人员，此行不计分", "请核对对象",
                                         **where(table, r, target_col(table)))]
        component, counted, note, problems = _scored_as(ctx, item, as_note, evidence, reason, table, r)
        issues.extend(p for p in problems if p not in issues)
        if component is None:
            return [], issues
        rows.append(_EventRow(item, level, unit_value, qty * per_unit, d, evidence, reason, reached, component,
                              counted, note))
    return rows, issues


def _scored_as(ctx: Context, item: Item, as_note: str, evidence: str, reason: str, table: Table,
               r: int) -> tuple[str | None, bool, str, list[Issue]]:
    """(the component, counted, the note, problems) of a row scored as `item`; the component is
    None when the row is refused (a 事由 naming no component for a rule on "@事由")."""
    component = item.component or ""
    if any(rule.component == "@事由" and item.name in rule.when.items for rule in ctx.scheme.rules):
        component, problem = _component_from_reason(ctx.scheme, reason, table, r)
        if problem:
            return None, False, "", [problem]
    if item.kind == "bonus" and item.evidence and not evidence:
        return component, False, "；".join(x for x in (as_note, "无文号（书面依据），不得加分") if x), [warning(
            f"加分事项「{item.name}」没有文号，按方案不得加分", "请补填表彰文件的文号；确无书面依据的不加分",
            **where(table, r, "文号" if "文号" in table.columns else "事项"),
        )]
    return component, True, as_note, []


def _event_date(ctx: Context, item: Item, table: Table, r: int,
                vals: list) -> tuple[date | None, Issue | None, bool]:
    """(the row's 日期 or None when blank, its issue, whether the row is refused): an unreadable
    date refuses the row; a date outside the period is warned about (the row counts in this period)."""
    d_raw = get(table, vals, "日期")
    if d_raw in (None, ""):
        return None, None, False
    d, problem = V.parse_date(d_raw, **where(table, r, "日期"))
    if problem:
        return d, problem, True
    if ctx.period.contains(d):
        return d, None, False
    # The hint fits the item: an award's document often comes late; a deduction
    # dated outside the period is more likely a slip, or belongs to another period.
    why = ("表彰、通报文件常晚于事由下发；如属误填请更正日期" if item.kind == "bonus" else
           "如该事项应计入其他考核期，请移到那一期的工作簿；如属误填请更正日期")
    return d, warning(
        f"{item.name}的日期 {d.isoformat()} 不在考核期 {ctx.period.label} 内，仍计入本期",
        why, **where(table, r, "日期"),
    ), False


def _add_lines(cols: dict[str, list], ctx: Context, row: _EventRow, source: str, event_id: int,
               leader_seen: set[tuple], persons: PerPersonValues) -> None:
    """One ledger line per recipient of the event (a 分管领导 once per 文号, 事项 and 级别).

    An item scored on the period's total (`by_total`) has 0 on its lines (the engine adds one
    line per person); a per-person item (`points_from`) takes each recipient's own value."""
    item = row.item
    sign = 1 if item.kind == "bonus" else -1
    halves = 2 if item.per_half_day else 1
    unit = Decimal(0) if item.by_total else (row.unit_value or Decimal(0))
    base = unit * row.quantity * halves
    rule = rule_text(item, row.level, row.unit_value)
    for subject, factor, why, via_leader in row.recipients:
        if via_leader and row.evidence:
            key = (subject, norm(row.evidence), item.name, row.level)
            if key in leader_seen:
                continue
            leader_seen.add(key)
        if item.points_from is not None:
            own = persons.value(item, subject)
            base = (own or Decimal(0)) * row.quantity * halves
        pts = to_micro(base * factor) * sign if item.kind != "marker" else 0
        cols["subject"].append(subject)
        cols["item"].append(item.name)
        cols["level"].append(row.level)
        cols["component"].append(row.component)
        cols["kind"].append(item.kind)
        cols["category"].append((item.category or item.name) if item.kind == "bonus" else "")
        cols["quantity"].append(float(row.quantity))
        cols["points"].append(pts)
        cols["counted"].append(row.counted)
        cols["annual"].append(item.annual)
        cols["rule"].append(rule)
        cols["evidence"].append(row.evidence)
        cols["reason"].append(row.reason)
        cols["date"].append(row.date.isoformat() if row.date else "")
        cols["source"].append(source)
        cols["file"].append(ctx.file)
        cols["note"].append("；".join(x for x in (row.note, why, "年终计分，不计入本期总分" if item.annual else "") if x))
        cols["event"].append(event_id)
        cols["money"].append(money_fen(item, row.quantity * factor))


def dedupe_same_reason(lines: pd.DataFrame) -> pd.DataFrame:
    """Same subject, item and 事由 on several rows: only the highest-valued row counts.

    Highest level first (points per unit); at the same level, the row worth most (its 次数);
    only then the first row. So the result does not depend on the order of the rows.
    """
    sel = (lines["kind"] == "bonus") & lines["counted"] & (lines["reason"] != "")
    if not sel.any():
        return lines
    part = lines[sel].copy()
    part["_unit"] = part["points"] / part["quantity"].where(part["quantity"] > 0, 1)
    part["_key"] = part["reason"].map(norm)
    best = part.sort_values(["_unit", "points", "event"], ascending=[False, False, True], kind="mergesort").drop_duplicates(
        ["subject", "item", "_key"], keep="first"
    )
    drop = part.index.difference(best.index)
    if len(drop):
        lines = lines.copy()
        lines.loc[drop, "counted"] = False
        lines.loc[drop, "note"] = [
            (n + "；" if n else "") + "同一事由已按最高级别计分，不重复加分" for n in lines.loc[drop, "note"]
        ]
    return lines


def _component_from_reason(scheme: Scheme, reason: str, table: Table, r: int) -> tuple[str, Issue | None]:
    """The component a 事由 names (弄虚作假 in one 考核项目): its exact name, else the one name it holds."""
    key = norm(reason)
    names = [c.name for c in scheme.components]
    exact = [c for c in names if norm(c) == key]
    if exact:
        return exact[0], None
    inside = [c for c in names if norm(c) and norm(c) in key]
    if len(inside) == 1:
        return inside[0], None
    return "", error(
        f"事由「{reason}」没有写明是哪个考核项目弄虚作假", f"请在事由中写考核项目名称：{join_names(names)}",
        **where_or_item(table, r, "事由" if "事由" in table.columns else "说明"),
    )
