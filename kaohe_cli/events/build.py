"""Typed input → the event ledger: one line per (event, recipient), each with its source cell.

This is where an input row meets the scheme's catalogue: item names and aliases, levels,
discretionary 分值, evidence, who an event reaches (individual, collective, the 分管领导,
everyone, several targets joined with 、), recipient factors and same-事由 deduplication.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from kaohe_cli.engine import ledger as L
from kaohe_cli.engine.grading import group_labels
from kaohe_cli.issues import Issue, error, note, warning
from kaohe_cli.normalize.frames import Ratings, Roster, get, gid, resolve_unit, source_text, text, where
from kaohe_cli.domain.period import Period
from kaohe_cli.domain.points import SCALE, int_micro, micro_array, to_micro
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.scheme.model import Item, Scheme
from kaohe_cli.text import join_names, norm, num, suggest

PERSONAL, COLLECTIVE, EVERYONE = "个人", "集体", "全体"
_TYPE_ALIASES = {
    "个人": PERSONAL, "本人": PERSONAL, "集体": COLLECTIVE, "科室": COLLECTIVE, "部门": COLLECTIVE,
    "股室": COLLECTIVE, "处室": COLLECTIVE, "全体": EVERYONE, "单位": EVERYONE, "全员": EVERYONE,
}


@dataclass
class Context:
    scheme: Scheme
    period: Period
    subjects: pd.DataFrame  # scored subjects
    roster: Roster  # people (person schemes) — may be empty for unit schemes
    units: pd.DataFrame | None
    file: str


# ---- event sheets (记实, 奖惩) --------------------------------------------------------------


def event_lines(ctx: Context, table: Table, seq_start: int) -> tuple[pd.DataFrame, list[Issue]]:
    issues: list[Issue] = []
    cols: dict[str, list] = {c: [] for c in L.COLUMNS}
    event_id = seq_start
    leader_seen: set[tuple] = set()  # a leader is hit once per (文号, 事项, 级别)
    for r, vals in table.records:
        raw_item = text(get(table, vals, "事项"))
        target_raw = _target_text(table, vals)
        if not raw_item and not target_raw:
            continue
        event_id += 1
        loc_item = where(table, r, "事项")
        if not raw_item:
            issues.append(error("事项为空", "请从下拉列表选择事项", **loc_item))
            continue
        item = ctx.scheme.item(raw_item)
        if item is None:
            near = suggest(raw_item, ctx.scheme.item_names + [a for it in ctx.scheme.items for a in it.aliases])
            hint = (f"是否为：{'、'.join(near)}？" if near else "") + f"可选事项：{join_names(ctx.scheme.item_names, 8)}"
            issues.append(error(f"未知事项「{raw_item}」", hint, **loc_item))
            continue
        level, unit_value, problem = _level_and_value(item, table, r, vals)
        if problem:
            issues.append(problem)
            continue
        qty, problem = _quantity(item, table, r, vals, ctx.period)
        if problem:
            issues.append(problem)
            continue
        d_raw = get(table, vals, "日期")
        d = None
        if d_raw not in (None, ""):
            d, problem = V.parse_date(d_raw, **where(table, r, "日期"))
            if problem:
                issues.append(problem)
                continue
            if not ctx.period.contains(d):
                # The hint fits the item: an award's document often comes late; a deduction
                # dated outside the period is more likely a slip, or belongs to another period.
                why = ("表彰、通报文件常晚于事由下发；如属误填请更正日期" if item.kind == "bonus" else
                       f"如该事项应计入其他考核期，请移到那一期的工作簿；如属误填请更正日期")
                issues.append(warning(
                    f"{item.name}的日期 {d.isoformat()} 不在考核期 {ctx.period.label} 内，仍计入本期",
                    why, **where(table, r, "日期"),
                ))
        evidence = text(get(table, vals, "文号"))
        reason = text(get(table, vals, "事由")) or text(get(table, vals, "说明"))
        recipients, problems = _recipients(ctx, item, table, r, vals)
        if problems:
            issues.extend(problems)
            continue
        if not recipients:
            issues.append(warning(f"「{target_raw}」没有参评人员，此行不计分", "请核对对象", **where(table, r, _target_col(table))))
            continue
        component = item.component or ""
        if any(rule.component == "@事由" and item.name in rule.when.items for rule in ctx.scheme.rules):
            component, problem = _component_from_reason(ctx.scheme, reason, table, r)
            if problem:
                issues.append(problem)
                continue
        counted = True
        row_note = ""
        if item.kind == "bonus" and item.evidence and not evidence:
            counted = False
            row_note = "无文号（书面依据），不得加分"
            issues.append(warning(
                f"加分事项「{item.name}」没有文号，按方案不得加分", "请补填表彰文件的文号；确无书面依据的不加分",
                **where(table, r, "文号" if "文号" in table.columns else "事项"),
            ))
        sign = 1 if item.kind == "bonus" else -1
        halves = 2 if item.per_half_day else 1
        base = (unit_value or Decimal(0)) * qty * halves
        rule_text = _rule_text(item, level, unit_value)
        for subject, factor, why, via_leader in recipients:
            if via_leader and evidence:
                key = (subject, norm(evidence), item.name, level)
                if key in leader_seen:
                    continue
                leader_seen.add(key)
            pts = to_micro(base * factor) * sign if item.kind != "marker" else 0
            cols["subject"].append(subject)
            cols["item"].append(item.name)
            cols["level"].append(level)
            cols["component"].append(component)
            cols["kind"].append(item.kind)
            cols["category"].append((item.category or item.name) if item.kind == "bonus" else "")
            cols["quantity"].append(float(qty))
            cols["points"].append(pts)
            cols["counted"].append(counted)
            cols["annual"].append(item.annual)
            cols["rule"].append(rule_text)
            cols["evidence"].append(evidence)
            cols["reason"].append(reason)
            cols["date"].append(d.isoformat() if d else "")
            cols["source"].append(source_text(table, r, "事项"))
            cols["file"].append(ctx.file)
            cols["note"].append("；".join(x for x in (row_note, why, "年终计分，不计入本期总分" if item.annual else "") if x))
            cols["event"].append(event_id)
    lines = L.make(**cols) if cols["subject"] else L.empty()
    return lines, issues


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


def _has_column(table: Table, column: str) -> bool:
    return column in table.columns or norm(column) in table.extra_columns


def _where_or_item(table: Table, r: int, column: str) -> dict:
    """The location of `column` in row r; the 事项 cell when the sheet has no such column."""
    return where(table, r, column if _has_column(table, column) else "事项")


def _target_col(table: Table) -> str:
    for c in ("对象", "工号", "姓名", "单位"):
        if c in table.columns:
            return c
    return "事项"


def _target_text(table: Table, vals: list) -> str:
    for c in ("对象", "工号", "姓名", "单位"):
        v = get(table, vals, c)
        t = gid(v) if c == "工号" else text(v)
        if t:
            return t
    return ""


def _level_and_value(item: Item, table: Table, r: int, vals: list) -> tuple[str, Decimal | None, Issue | None]:
    level_name = ""
    points, rng, default = item.points, item.range, item.default
    if item.kind == "marker":
        return "", None, None
    if item.levels:
        col = item.level_field
        raw = text(get(table, vals, col)) or (text(get(table, vals, "级别")) if col != "级别" else "")
        valid = join_names([lv.name for lv in item.levels])
        level_loc = _where_or_item(table, r, col if _has_column(table, col) else "级别")
        if not raw:
            missing = "" if (_has_column(table, col) or _has_column(table, "级别")) else f"；本表没有「{col}」列，请加上该列，或把此事项填在奖惩表"
            return "", None, error(
                f"事项「{item.name}」需要填写{col}", f"可选{col}：{valid}{missing}", **level_loc,
            )
        key = norm(raw)
        level = next((lv for lv in item.levels if key == norm(lv.name) or key in {norm(a) for a in lv.aliases}), None)
        if level is None:
            return "", None, error(
                f"事项「{item.name}」没有{col}「{raw}」", f"可选{col}：{valid}", **level_loc,
            )
        level_name = level.name
        points, rng, default = level.points, level.range, level.default
    raw_value = get(table, vals, "分值")
    loc = _where_or_item(table, r, "分值")
    given: Decimal | None = None
    if raw_value not in (None, "") and not (isinstance(raw_value, str) and not raw_value.strip()):
        given, problem = V.parse_number(raw_value, **loc)
        if problem:
            return level_name, None, problem
        too_big = V.beyond_limit(given, V.LIMITS["points"], why=f"每次最多 {V.LIMITS['points']} 分", column="分值", **loc)
        if too_big:
            return level_name, None, too_big
        if given < 0:
            return level_name, None, error(
                "分值应填正数（加分或扣分由事项决定）", f"请填写 {num(abs(given))}", **loc
            )
    what = f"「{item.name}{'（' + level_name + '）' if level_name else ''}」"
    if points is not None:
        if given is not None and given != points:
            return level_name, None, error(
                f"{what}的分值固定为 {num(points)}，不能填 {num(given)}", "请清空分值单元格", **loc
            )
        return level_name, points, None
    lo, hi = rng
    if given is None:
        if default is not None:
            return level_name, default, None
        hint = "请填写分值" if _has_column(table, "分值") else "本表没有「分值」列，请加上该列后填写分值"
        return level_name, None, error(
            f"{what}为视情计分，需要在「分值」中填写 {num(lo)}–{num(hi)} 之间的分数", hint, **loc
        )
    if not (lo <= given <= hi):
        return level_name, None, error(
            f"{what}的分值 {num(given)} 超出范围 {num(lo)}–{num(hi)}", f"请填写 {num(lo)}–{num(hi)} 之间的分值", **loc
        )
    return level_name, given, None


def _quantity(item: Item, table: Table, r: int, vals: list, period: Period | None = None) -> tuple[Decimal, Issue | None]:
    """The row's 次数 (天数 for a day item): 1 when blank; positive, whole (halves for days) and
    within `readers.values.LIMITS` (a count, or the days of the period)."""
    raw = get(table, vals, "次数")
    if raw is None and item.unit == "天":
        raw = get(table, vals, "天数")
    if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
        return Decimal(1), None
    column = "次数" if "次数" in table.columns else "天数"
    loc = where(table, r, column)
    n, problem = V.parse_number(raw, column=column, **loc)
    if problem:
        return Decimal(0), problem
    if item.unit == "天":
        problem = V.beyond_limit(n, V.days_limit(period), why=V.days_why(period), unit="天", column=column, **loc)
    else:
        problem = V.beyond_limit(n, V.LIMITS["count"], why=V.count_why(), column=column, **loc)
    if problem:
        return Decimal(0), problem
    if n <= 0:
        return n, error(f"次数应为正数，实际为 {num(n)}", "请填写1或更大的次数；不发生的事项请删去此行", **loc)
    if item.unit == "天" and (n * 2) != (n * 2).to_integral_value():
        return n, error(f"「{item.name}」按天计，应为0.5的整数倍，实际为 {num(n)}", "半天写0.5", **loc)
    if item.unit == "次" and n != n.to_integral_value():
        return n, error(f"「{item.name}」按次计，应为整数，实际为 {num(n)}", "请填写整数次数", **loc)
    return n, None


def _recipients(ctx: Context, item: Item, table: Table, r: int, vals: list) -> tuple[list[tuple[str, Decimal, str, bool]], list[Issue]]:
    """Who the row reaches: [(subject, factor, why, via_leader)], a set (each subject once)."""
    targets = item.targets
    problems: list[Issue] = []
    col = _target_col(table)
    loc = where(table, r, col)
    raw = _target_text(table, vals)
    if not raw:
        return [], [error("对象为空", "请填写工号、姓名或科室名称", **loc)]
    parts = [p for p in (x.strip() for x in raw.replace("，", "、").replace(",", "、").split("、")) if p]
    if len(parts) > 1 and not (targets.multiple or targets.shared_factor is not None):
        return [], [error(f"事项「{item.name}」不能同时指定多个对象（{raw}）", "请分行填写，每行一个对象", **loc)]
    share = Decimal(targets.shared_factor) if (len(parts) > 1 and targets.shared_factor is not None) else Decimal(1)
    share_note = f"{len(parts)}个对象共享，按{num(share * 100)}%计" if share != 1 else ""

    out: dict[str, tuple[Decimal, str, bool]] = {}

    def add(subject: str, why: str, factor: Decimal = Decimal(1), leader: bool = False) -> None:
        if subject in out or subject not in ctx.subjects.index:
            return
        f, fnote = _factor(ctx, item, subject)
        notes = "；".join(x for x in (why, fnote, share_note) if x)
        out[subject] = (factor * f * share, notes, leader)

    if ctx.scheme.is_unit:
        for p in parts:
            uid, problem = resolve_unit(ctx.units, p, loc)
            if problem:
                problems.append(problem)
                continue
            add(uid, "")
        return [(s, f, w, ld) for s, (f, w, ld) in out.items()], problems

    kind_raw = norm(text(get(table, vals, "对象类型")))
    kind = _TYPE_ALIASES.get(kind_raw) if kind_raw else None
    if kind_raw and kind is None:
        return [], [error(f"对象类型「{kind_raw}」无效", "可选：个人、集体、全体", **where(table, r, "对象类型"))]
    if kind is None:
        if not targets.individual and targets.collective:
            kind = COLLECTIVE
        elif not targets.individual and targets.everyone:
            kind = EVERYONE
        else:
            kind = PERSONAL
    loc_kind = where(table, r, "对象类型" if "对象类型" in table.columns else col)
    if kind == PERSONAL and not targets.individual:
        allowed = "集体" if targets.collective else "全体"
        return [], [error(f"事项「{item.name}」只能对{allowed}", f"请把对象类型改为「{allowed}」", **loc_kind)]
    if kind == COLLECTIVE and targets.collective is None:
        return [], [error(f"事项「{item.name}」不能对集体", "请把对象类型改为「个人」，按人分行填写", **loc_kind)]
    if kind == EVERYONE and not targets.everyone:
        return [], [error(f"事项「{item.name}」不能对全体", "请把对象类型改为「个人」或「集体」", **loc_kind)]

    people = ctx.roster.people
    if kind == EVERYONE:
        for s in ctx.subjects.index:
            add(s, "全体人员")
        return [(s, f, w, ld) for s, (f, w, ld) in out.items()], problems

    hit_leaders: list[tuple[str, str]] = []
    if kind == PERSONAL:
        for p in parts:
            pid, _ = ctx.roster.resolve(p)
            if pid is None:
                problems.append(ctx.roster.unknown_person_issue(p, loc))
                continue
            if "self" in targets.individual:
                if pid not in ctx.subjects.index:
                    problems.append(warning(
                        f"「{p}」不参评（人员表参评=否），此行对其本人不计分", "如需计分请把参评改为是", **loc
                    ))
                add(pid, "")
            if "leader" in targets.individual:
                lid = people.at[pid, "leader_id"]
                if lid and lid != pid:
                    hit_leaders.append((lid, f"所分管的{people.at[pid, '姓名']}受{item.name}，分管领导连带"))
    else:  # collective
        for p in parts:
            key = norm(p)
            if key not in ctx.roster.depts:
                near = suggest(p, sorted({d for d in people["科室"] if d}))
                problems.append(error(
                    f"科室「{p}」不在人员表中", (f"是否为：{'、'.join(near)}？" if near else "") + "集体对象请填写科室全称", **loc
                ))
                continue
            members = ctx.roster.members(key)
            if "members" in targets.collective:
                for member in members.index:
                    add(member, f"{p}集体")
            if "leader" in targets.collective:
                for lid in sorted({x for x in members["leader_id"] if x}):
                    hit_leaders.append((lid, f"{p}的分管领导"))
    for lid, why in hit_leaders:
        add(lid, why, leader=True)
    return [(s, f, w, ld) for s, (f, w, ld) in out.items()], problems


def _factor(ctx: Context, item: Item, subject: str) -> tuple[Decimal, str]:
    if not item.factors:
        return Decimal(1), ""
    frame = ctx.subjects
    for f in item.factors:
        if f.column in frame.columns and norm(frame.at[subject, f.column]) in {norm(e) for e in f.equals}:
            return Decimal(f.factor), (f.note if f.factor != 1 else "")
    d = Decimal(item.default_factor)
    return d, (f"按{num(d * 100)}%计" if d != 1 else "")


def _component_from_reason(scheme: Scheme, reason: str, table: Table, r: int) -> tuple[str, Issue | None]:
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
        **_where_or_item(table, r, "事由" if "事由" in table.columns else "说明"),
    )


def _rule_text(item: Item, level: str, value: Decimal | None) -> str:
    if item.kind == "marker":
        return f"{item.name}（不直接计分）"
    sign = "加" if item.kind == "bonus" else "扣"
    per = "每半天" if item.per_half_day else ("每天" if item.unit == "天" else "每次")
    lv = f"（{level}）" if level else ""
    return f"{item.name}{lv} {per}{sign}{num(value)}分"


# ---- attendance and ratings as ledger lines --------------------------------------------------


def attendance_lines(ctx: Context, att, table: Table) -> pd.DataFrame:
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
    rules = {name: _rule_text(it, "", it.points) for name, it in items.items()}
    return L.make(
        subject=att.subject, item=item_arr, component=[items[i].component or "" for i in att.item],
        kind=kinds, quantity=q, points=pts, rule=[rules[i] for i in att.item], source=att.source,
        file=ctx.file, date=att.date, annual=[items[i].annual for i in att.item],
        category=[(items[i].category or i) if items[i].kind == "bonus" else "" for i in att.item],
    )


def rating_lines(ctx: Context, ratings: Ratings, table: Table | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Rated and input components → ledger lines; range checks; bottom-rank penalties."""
    scheme, idx = ctx.scheme, ctx.subjects.index
    issues: list[Issue] = []
    parts: list[pd.DataFrame] = []
    vals, cells = ratings.values, ratings.cells
    sheet = table.sheet if table is not None else "评分"
    needs_rows = [c for c in scheme.components if c.kind in ("rated", "rank_band")]
    if needs_rows:
        missing = [s for s in idx if s not in ratings.rows]
        if missing:
            names = [_label(ctx, s) for s in missing]
            issues.append(error(
                f"评分表缺少{len(missing)}个考核对象：{join_names(names)}",
                "每个参评对象在评分表中要有一行", file=ctx.file, sheet=sheet,
            ))
    for comp in scheme.components:
        if comp.kind not in ("rated", "input", "rank_band"):
            continue
        col = comp.name if comp.kind != "rank_band" else comp.column
        if col not in vals.columns or (table is not None and col not in table.columns and norm(col) not in table.extra_columns):
            issues.append(error(
                f"评分表缺少「{col}」列", f"请在评分表表头加上「{col}」", file=ctx.file, sheet=sheet,
                cell=f"{'A'}{(table.header_row + 1) if table is not None else 1}",
            ))
            continue
        v = vals[col].reindex(idx)
        c = cells[col].reindex(idx).fillna("") if col in cells.columns else pd.Series("", index=idx)
        present = pd.Series([s in ratings.rows for s in idx], index=idx)
        blank = v.isna() & present
        if comp.kind == "rank_band" or (comp.kind == "rated" and comp.blank == "error"):
            for s in blank[blank].index:
                issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」为空",
                                          f"请填写0–{num(comp.max)}之间的分数" if comp.kind == "rated" else "请填写测评得分"))
        if comp.kind == "rank_band":
            continue
        has = v.notna()
        if comp.kind == "rated":
            cap = pd.Series(to_micro(comp.max), index=idx)
            for other, alt in comp.max_if_blank.items():
                if other in vals.columns:
                    other_blank = vals[other].reindex(idx).isna()
                    cap[other_blank] = to_micro(alt)
            micro = micro_array(v.fillna(0).to_numpy())
            bad = has & ((micro < 0) | (micro > cap.to_numpy()))
            for s in bad[bad].index:
                hi = Decimal(int(cap[s])) / SCALE
                extra = f"（{'、'.join(comp.max_if_blank)}为空时满分{num(hi)}）" if comp.max_if_blank and hi != comp.max else ""
                issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」为 {num(Decimal(str(v[s])))}，超出 0–{num(hi)}{extra}",
                                          f"请填写0–{num(hi)}之间的分数"))
            ok = has & ~bad
            if ok.any():
                rule = [f"{comp.name} 评分（满分{num(Decimal(int(m)) / SCALE)}）" for m in cap[ok]]
                parts.append(L.make(subject=list(v.index[ok]), component=comp.name, kind="rated",
                                    points=micro[ok.to_numpy()], quantity=v[ok].to_numpy(), rule=rule,
                                    source=c[ok].to_numpy(), file=ctx.file))
        else:  # input
            micro = micro_array(v.fillna(0).to_numpy())
            lo, hi = to_micro(comp.min), to_micro(comp.max)
            if has.any():
                parts.append(L.make(subject=list(v.index[has]), component=comp.name, kind="input",
                                    points=micro[has.to_numpy()], quantity=v[has].to_numpy(),
                                    rule=f"{comp.name}（{num(comp.min)}至{num(comp.max)}）", source=c[has].to_numpy(), file=ctx.file))
            out = has & ((micro < lo) | (micro > hi))
            if out.any():
                if not comp.clip:
                    for s in out[out].index:
                        issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」超出 {num(comp.min)}至{num(comp.max)}", "请修改"))
                else:
                    target = np.clip(micro, lo, hi)
                    delta = (target - micro)[out.to_numpy()]
                    parts.append(L.make(subject=list(v.index[out]), component=comp.name, kind="clip", points=delta,
                                        rule=f"{comp.name}最高±{num(comp.max)}分，超出部分不计", source=c[out].to_numpy(), file=ctx.file))
                    for s in out[out].index:
                        issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」为 {num(Decimal(str(v[s])))}，按{num(comp.min)}至{num(comp.max)}截取",
                                                  "方案规定加减分最高10分；如属误填请更正", level="note"))
    for comp in scheme.components:
        if comp.kind == "rank_band" and comp.column:
            issues.extend(_out_of_range(ctx, ratings, comp.column, comp.column_max))
        for pen in comp.penalties:
            issues.extend(_out_of_range(ctx, ratings, pen.column, pen.column_max))
            if pen.also_column:
                issues.extend(_out_of_range(ctx, ratings, pen.also_column, None, whole=True))
            parts.append(_penalty_lines(ctx, comp.name, pen, ratings))
            issues.extend(_blank_ranking(ctx, pen, ratings))
    return L.concat(parts), issues


def _out_of_range(ctx: Context, ratings: Ratings, column: str, top, *, whole: bool = False) -> list[Issue]:
    """A ranked column (测评得分) outside 0..top, or a count (不称职票) that is not a whole number ≥ 0."""
    vals, cells = ratings.values, ratings.cells
    if column not in vals.columns:
        return []
    idx = ctx.subjects.index
    v = vals[column].reindex(idx)
    where = cells[column].reindex(idx).fillna("") if column in cells.columns else pd.Series("", index=idx)
    x = v.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (x < 0) | (x != np.floor(x)) if whole else ((x < 0) | (x > float(top)) if top is not None else x != x)
    bad &= ~np.isnan(x)
    out = []
    for s in v.index[bad]:
        value = Decimal(str(v[s]))
        if whole and (value < 0 or value != value.to_integral_value()):
            out.append(_cell_issue(ctx, where[s], f"{_label(ctx, s)}的「{column}」为 {num(value)}，应为不小于0的整数",
                                   f"请填写{column}（票数）"))
        elif top is not None and not 0 <= value <= Decimal(str(top)):
            out.append(_cell_issue(ctx, where[s], f"{_label(ctx, s)}的「{column}」为 {num(value)}，超出 0–{num(Decimal(str(top)))}",
                                   f"请填写0–{num(Decimal(str(top)))}之间的分数"))
    return out


def _blank_ranking(ctx: Context, pen, ratings: Ratings) -> list[Issue]:
    """A blank value in the column a bottom-N penalty ranks by is never dropped silently.

    With the penalty's second condition met (不称职票 ≥ 2) the rule cannot be decided: an
    error. Otherwise a warning says what happens: the person takes no part in the ranking.
    A column blank for everyone means no rating this period (caizheng rates at quarter end).
    """
    vals, cells = ratings.values, ratings.cells
    if pen.column not in vals.columns:
        return []
    idx = ctx.subjects.index
    v = vals[pen.column].reindex(idx)
    present = pd.Series([s in ratings.rows for s in idx], index=idx)
    blank = v.isna() & present
    if not blank.any() or blank.sum() == present.sum():  # nobody rated: no ranking this period
        return []
    where = cells[pen.column].reindex(idx).fillna("") if pen.column in cells.columns else pd.Series("", index=idx)
    other = vals[pen.also_column].reindex(idx) if pen.also_column and pen.also_column in vals.columns else None
    rule = pen.text or f"{pen.column}排名后{pen.bottom}名，扣{num(pen.points)}分"
    group = f"「{pen.group_by}」组内" if pen.group_by else ""
    out = []
    for s in blank[blank].index:
        votes = None if other is None or pd.isna(other[s]) else other[s]
        if votes is not None and votes >= float(pen.also_min):
            out.append(_cell_issue(
                ctx, where[s],
                f"{_label(ctx, s)}的「{pen.column}」为空，但「{pen.also_column}」为{num(Decimal(str(votes)))}："
                f"无法判断是否适用「{rule}」",
                f"请填写{pen.column}",
            ))
        else:
            out.append(_cell_issue(
                ctx, where[s],
                f"{_label(ctx, s)}的「{pen.column}」为空：不参加{group}{pen.column}排名，「{rule}」对其不适用",
                f"如属漏填，请填写{pen.column}", level="warning",
            ))
    return out


def _penalty_lines(ctx: Context, comp_name: str, pen, ratings: Ratings) -> pd.DataFrame:
    idx = ctx.subjects.index
    if pen.column not in ratings.values.columns:
        return L.empty()
    v = ratings.values[pen.column].reindex(idx)
    has = v.notna()
    if not has.any():
        return L.empty()
    grp = group_labels(ctx.subjects, pen.group_by, idx)
    frame = pd.DataFrame({"v": v[has], "g": grp[has]})
    lower = frame.groupby("g")["v"].rank(method="min", ascending=True).astype("int64") - 1
    hit = lower < pen.bottom
    if pen.also_column:
        other = ratings.values[pen.also_column].reindex(frame.index) if pen.also_column in ratings.values.columns else pd.Series(np.nan, index=frame.index)
        hit &= other.fillna(-1) >= float(pen.also_min)
    subjects = list(frame.index[hit])
    if not subjects:
        return L.empty()
    cells = ratings.cells[pen.column].reindex(subjects).fillna("") if pen.column in ratings.cells.columns else ""
    return L.make(subject=subjects, component=comp_name, kind="deduction", points=-to_micro(pen.points),
                  item=pen.text or f"{pen.column}排名靠后", rule=pen.text or f"{pen.column}排名后{pen.bottom}名，扣{num(pen.points)}分",
                  source=cells, file=ctx.file, quantity=1.0)


def _cell_issue(ctx: Context, cell_text: str, message: str, hint: str, level: str = "error") -> Issue:
    sheet, _, cell = (cell_text or "").partition("!")
    maker = {"error": error, "note": note, "warning": warning}[level]
    return maker(message, hint, file=ctx.file, sheet=sheet or "评分", cell=cell)


def _label(ctx: Context, s: str) -> str:
    if "姓名" in ctx.subjects.columns:
        return f"{ctx.subjects.at[s, '姓名']}（{s}）"
    if "名称" in ctx.subjects.columns:
        return str(ctx.subjects.at[s, "名称"])
    return str(s)

