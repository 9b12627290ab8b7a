"""Ledger → component scores, caps, weights, totals, rules, ranks and grades.

One pure function, `score_period`. Every amount it adds (a component's maximum, a floor,
a cap, a weight) becomes a ledger line, so the counted lines of a subject always add up to
its exact total. Vectorised with pandas: no Python loop over subjects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

import numpy as np
import pandas as pd

from kaohe_cli.engine import ledger as L
from kaohe_cli.engine.grading import (
    NO_GRADE,
    UNGROUPED,
    GradeResult,
    QuotaUse,
    apply_grade_action,
    assign_grades,
    band_points,
    competition_rank,
    group_labels,
)
from kaohe_cli.issues import Issue, note, warning
from kaohe_cli.domain.period import Period
from kaohe_cli.domain.points import fmt_micro, round_micro_to_cents, to_micro
from kaohe_cli.scheme.model import Component, Rule, Scheme
from kaohe_cli.text import norm, num


@dataclass
class Prepared:
    """Everything the engine needs, produced by `kaohe_cli.events.build`."""

    scheme: Scheme
    period: Period
    subjects: pd.DataFrame  # index: subject id; roster or unit columns (Chinese names)
    ledger: pd.DataFrame  # event lines (deduction, bonus, marker, rated, input, clip)
    ratings: pd.DataFrame  # index: subject; rating columns as float (NaN = blank)
    rating_cells: pd.DataFrame  # same shape: source cell text
    issues: list[Issue] = field(default_factory=list)
    file: str = ""


@dataclass
class Result:
    """A scored period."""

    scheme: Scheme
    period: Period
    subjects: pd.DataFrame
    table: pd.DataFrame  # index subject: component columns (micro), 加分, 扣分, total, cents, rank, grade, remarks
    ledger: pd.DataFrame
    issues: list[Issue]
    quota_uses: list[QuotaUse]
    file: str = ""
    grade_inputs: dict | None = None  # forced, no_grade, ceiling, not_eligible: to grade again with decisions

    @property
    def components(self) -> list[str]:
        return [c.name for c in self.scheme.components]


WorkdayCounter = Callable[[object, object], int]


def score_period(
    prep: Prepared,
    *,
    quotas: dict[str, str] | None = None,
    count_workdays: WorkdayCounter | None = None,
) -> Result:
    scheme, subjects = prep.scheme, prep.subjects
    idx = subjects.index
    issues: list[Issue] = []
    events = prep.ledger
    period_lines = events[events["counted"] & ~events["annual"]]

    # ---- components -----------------------------------------------------------------------
    new_lines: list[pd.DataFrame] = []
    for comp in scheme.components:
        if comp.kind == "deduction":
            new_lines.append(_base_lines(comp, idx))
        elif comp.kind == "rank_band":
            new_lines.append(_band_lines(comp, prep))
    lines = L.concat([events, *new_lines])
    for comp in scheme.components:
        if comp.kind == "deduction":
            lines = L.concat([lines, _zero_and_floor(scheme, comp, lines, idx)])

    # ---- rules that act on components (before totals) --------------------------------------
    masks = {id(r): _condition(r, prep, lines, count_workdays) for r in scheme.rules if r.scope == "period"}
    for rule in scheme.rules:
        if rule.scope == "period" and rule.action == "zero_component":
            lines = L.concat([lines, _zero_by_rule(rule, masks[id(rule)], lines, scheme, idx)])

    # ---- weights, bonus caps, deduction cap ----------------------------------------------
    lines = L.concat([lines, _weights(scheme, lines, idx)])
    lines = L.concat([lines, _bonus_caps(scheme, lines)])
    if scheme.deduction_cap is not None:
        lines = L.concat([lines, _deduction_cap(scheme, lines)])

    # ---- totals and ranks ----------------------------------------------------------------
    counted = lines[lines["counted"] & ~lines["annual"]]
    table = pd.DataFrame(index=idx)
    not_weight = counted[counted["kind"] != "weight"]
    by_comp = not_weight[not_weight["component"] != ""].groupby(["subject", "component"])["points"].sum()
    for comp in scheme.components:
        try:
            col = by_comp.xs(comp.name, level="component")
        except KeyError:
            col = pd.Series(dtype="int64")
        table[comp.name] = col.reindex(idx, fill_value=0).astype("int64")
    outside = counted[counted["component"] == ""]
    bonus = outside[outside["kind"].isin(["bonus", "cap"]) & (outside["category"] != "扣分")]
    ded = outside[(outside["kind"] == "deduction") | ((outside["kind"] == "cap") & (outside["category"] == "扣分"))]
    table["加分"] = bonus.groupby("subject")["points"].sum().reindex(idx, fill_value=0).astype("int64")
    table["扣分"] = (-ded.groupby("subject")["points"].sum()).reindex(idx, fill_value=0).astype("int64")
    table["total"] = counted.groupby("subject")["points"].sum().reindex(idx, fill_value=0).astype("int64")
    table["cents"] = round_micro_to_cents(table["total"].to_numpy())
    table["rank"] = competition_rank(table["cents"])

    # ---- rules that act on grades --------------------------------------------------------
    remarks: dict[str, list[str]] = {}
    forced = pd.Series("", index=idx, dtype=object)
    no_grade = pd.Series(False, index=idx)
    ceiling = pd.Series(-1, index=idx)
    not_eligible: dict[str, pd.Series] = {}
    grade_names = scheme.grading.names
    flags: dict[str, list[str]] = {}
    acted: dict[str, list[str]] = {}
    for rule in scheme.rules:
        if rule.scope == "annual":
            hit = _condition(rule, prep, lines, count_workdays)
            for s in hit[hit].index:
                acted.setdefault(s, []).append(rule.name)
                remarks.setdefault(s, []).append(f"{rule.name}（年度生效）")
            continue
        mask = masks[id(rule)] if not rule.when.rank_last else _rank_last(rule, prep, table, lines, count_workdays)
        if not mask.any():
            continue
        hit = mask[mask].index
        for s in hit:
            if rule.action != "zero_component":  # its zero line already says what happened
                remarks.setdefault(s, []).append(rule.flag or rule.name)
            flags.setdefault(s, []).append(rule.flag or rule.name)
            acted.setdefault(s, []).append(rule.name)
        # zero_total and zero_component act on points, above, as ledger lines.
        apply_grade_action(rule, mask, grade_names, forced, no_grade, ceiling, not_eligible)
    groups = subjects.copy()
    graded: GradeResult = assign_grades(
        scheme.grading,
        table["cents"],
        groups=groups,
        forced=forced,
        no_grade=no_grade,
        ceiling=ceiling,
        not_eligible=not_eligible,
        quotas=quotas,
    )
    table["grade"] = graded.grades
    for s, texts in graded.notes.items():
        remarks.setdefault(s, []).extend(texts)
    for gname in graded.missing_quota:
        issues.append(note(
            f"未给出「{gname}」名额，本次不评定{gname}",
            f"请用 --quota {gname}=N 给出名额",
        ))
    for use in graded.uses:
        if use.tied:
            names = _names(subjects, use.tied)
            issues.append(warning(
                f"「{use.grade}」名额边缘有并列：{use.group} 名额{use.places}人，{names} 同分并列，均标为并列待定",
                f"请集体研究决定后用 kaohe decide --period {prep.period.code} 工号=等次 记录",
            ))
    if scheme.grading.quota_group:
        col = scheme.grading.quota_group
        if col in subjects.columns:
            blank = subjects[col].fillna("").astype(str) == ""
            if blank.any() and any(g.quota for g in scheme.grading.grades):
                issues.append(warning(
                    f"{int(blank.sum())}人未填「{col}」，按名额分组时归入「{UNGROUPED}」组",
                    f"请在人员表「{col}」列补齐",
                ))

    # caps and floors that acted, for 备注
    adjusted = lines[lines["kind"].isin(["cap", "floor", "zero", "clip"])]
    for s, rule_text in zip(adjusted["subject"], adjusted["rule"]):
        remarks.setdefault(s, []).append(rule_text)
    table["remarks"] = pd.Series(
        {s: "；".join(dict.fromkeys(v)) for s, v in remarks.items()}, dtype=object
    ).reindex(idx, fill_value="")
    table["flags"] = pd.Series([flags.get(s, []) for s in idx], index=idx, dtype=object)
    table["rules"] = pd.Series([acted.get(s, []) for s in idx], index=idx, dtype=object)
    lines = lines.reset_index(drop=True)
    inputs = {"forced": forced, "no_grade": no_grade, "ceiling": ceiling, "not_eligible": not_eligible}
    return Result(scheme, prep.period, subjects, table, lines, prep.issues + issues, graded.uses, prep.file, inputs)


# ---- component pieces --------------------------------------------------------------------


def _base_lines(comp: Component, idx: pd.Index) -> pd.DataFrame:
    return L.make(
        subject=list(idx),
        component=comp.name,
        kind="base",
        points=to_micro(comp.max),
        rule=f"{comp.name} 满分{num(comp.max)}分",
    )


def _zero_and_floor(scheme: Scheme, comp: Component, lines: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    mine = lines[(lines["component"] == comp.name) & lines["counted"] & ~lines["annual"]]
    raw = mine.groupby("subject")["points"].sum().reindex(idx, fill_value=0)
    zero_rule = pd.Series("", index=idx, dtype=object)
    for item in scheme.items:
        if item.component != comp.name or item.zero_at is None:
            continue
        q = mine[mine["item"] == item.name].groupby("subject")["quantity"].sum().reindex(idx, fill_value=0)
        hit = (q >= float(item.zero_at)) & (zero_rule == "")
        if hit.any():
            zero_rule[hit] = [
                f"{item.name}累计{_qty(v)}{item.unit}，达到{num(item.zero_at)}{item.unit}，{comp.name}不得分"
                for v in q[hit]
            ]
    zeroed = (zero_rule != "") & (raw != 0)
    floored = ~zeroed & (raw < 0)
    parts = []
    if zeroed.any():
        parts.append(L.make(
            subject=list(raw.index[zeroed]), component=comp.name, kind="zero",
            points=(-raw[zeroed]).to_numpy(), rule=zero_rule[zeroed].to_numpy(),
        ))
    if floored.any():
        parts.append(L.make(
            subject=list(raw.index[floored]), component=comp.name, kind="floor",
            points=(-raw[floored]).to_numpy(), rule=f"{comp.name}扣完为止（最低0分）",
        ))
    return L.concat(parts)


def _band_lines(comp: Component, prep: Prepared) -> pd.DataFrame:
    idx = prep.subjects.index
    if comp.column not in prep.ratings.columns:
        return L.empty()
    values = prep.ratings[comp.column].reindex(idx)
    has = values.notna()
    if not has.any():
        return L.empty()
    grp = group_labels(prep.subjects, comp.group_by, idx)
    frame = pd.DataFrame({"v": values[has], "g": grp[has]})
    frame["r"] = frame.groupby("g")["v"].rank(method="min", ascending=False).astype("int64")
    frame["n"] = frame.groupby("g")["v"].transform("size").astype("int64")
    pts = band_points(frame["r"].to_numpy(), frame["n"].to_numpy(), comp.bands, comp.otherwise)
    cells = prep.rating_cells[comp.column].reindex(frame.index).fillna("") if comp.column in prep.rating_cells else ""
    rules = [
        f"{comp.column}在「{g}」中排名第{r}/{n}，{comp.name}{num(p)}分"
        for g, r, n, p in zip(frame["g"], frame["r"], frame["n"], pts)
    ]
    return L.make(
        subject=list(frame.index), component=comp.name, kind="band",
        points=[to_micro(p) for p in pts], rule=rules, source=cells, file=prep.file,
        quantity=frame["v"].to_numpy(),
    )


def _zero_by_rule(rule: Rule, mask: pd.Series, lines: pd.DataFrame, scheme: Scheme, idx) -> pd.DataFrame:
    hits = mask[mask].index
    if not len(hits):
        return L.empty()
    current = lines[lines["counted"] & ~lines["annual"] & (lines["kind"] != "weight")]
    if rule.component == "@事由":
        trig = lines[lines["item"].isin(rule.when.items) & lines["subject"].isin(hits)]
        pairs = {(s, c) for s, c in zip(trig["subject"], trig["component"]) if c}
    else:
        pairs = {(s, rule.component) for s in hits}
    parts = []
    for s, c in sorted(pairs):
        val = int(current[(current["subject"] == s) & (current["component"] == c)]["points"].sum())
        if val:
            parts.append(L.make(subject=[s], component=c, kind="zero", points=[-val], rule=f"{rule.name}：{c}不得分"))
    return L.concat(parts)


def _weights(scheme: Scheme, lines: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    parts = []
    counted = lines[lines["counted"] & ~lines["annual"] & (lines["component"] != "")]
    for comp in scheme.components:
        if comp.weight == 1:
            continue
        val = counted[counted["component"] == comp.name].groupby("subject")["points"].sum().reindex(idx, fill_value=0)
        numer, den = Decimal(comp.weight).as_integer_ratio()
        v = val.to_numpy().astype("int64")
        prod = v * numer
        weighted = np.where(prod >= 0, (prod + den // 2) // den, -((-prod + den // 2) // den))
        delta = weighted - v
        pct = num(Decimal(comp.weight) * 100)
        parts.append(L.make(
            subject=list(idx), component=comp.name, kind="weight", points=delta,
            rule=f"{comp.name} × {pct}%",
        ))
    return L.concat(parts)


def _bonus_caps(scheme: Scheme, lines: pd.DataFrame) -> pd.DataFrame:
    caps = scheme.bonus_caps
    bonus = lines[(lines["kind"] == "bonus") & lines["counted"] & ~lines["annual"]]
    if bonus.empty or (not caps.categories and caps.total is None):
        return L.empty()
    parts = []
    cat_sum = bonus.groupby(["subject", "category"])["points"].sum()
    capped = cat_sum.copy()
    for cat, cap in caps.categories.items():
        cap_m = to_micro(cap)
        sel = cat_sum.index.get_level_values("category") == cat
        over = cat_sum[sel] - cap_m
        over = over[over > 0]
        if len(over):
            parts.append(L.make(
                subject=list(over.index.get_level_values("subject")), category=cat, kind="cap",
                points=(-over).to_numpy(), rule=f"{cat}类加分封顶{num(cap)}分",
            ))
            capped.loc[over.index] = cap_m
    if caps.total is not None:
        per = capped.groupby(level="subject").sum()
        over = per - to_micro(caps.total)
        over = over[over > 0]
        if len(over):
            parts.append(L.make(
                subject=list(over.index), category="合计", kind="cap", points=(-over).to_numpy(),
                rule=f"加分合计封顶{num(caps.total)}分",
            ))
    return L.concat(parts)


def _deduction_cap(scheme: Scheme, lines: pd.DataFrame) -> pd.DataFrame:
    ded = lines[(lines["kind"] == "deduction") & (lines["component"] == "") & lines["counted"] & ~lines["annual"]]
    per = -ded.groupby("subject")["points"].sum()
    over = per - to_micro(scheme.deduction_cap)
    over = over[over > 0]
    if not len(over):
        return L.empty()
    return L.make(
        subject=list(over.index), category="扣分", kind="cap", points=over.to_numpy(),
        rule=f"扣分封顶{num(scheme.deduction_cap)}分",
    )


# ---- rule conditions ---------------------------------------------------------------------


def _condition(rule: Rule, prep: Prepared, lines: pd.DataFrame, count_workdays) -> pd.Series:
    idx = prep.subjects.index
    when = rule.when
    mask = pd.Series(True, index=idx)
    period_lines = lines[~lines["annual"]]
    if when.items:
        names = set(when.items)
        has = set(period_lines.loc[period_lines["item"].isin(names), "subject"])
        mask &= idx.isin(list(has))
    if when.quantity_of:
        sel = period_lines[period_lines["item"].isin(when.quantity_of)]
        q = sel.groupby("subject")["quantity"].sum().reindex(idx, fill_value=0.0)
        if when.gt is not None:
            mask &= q > float(when.gt)
        if when.gte is not None:
            mask &= q >= float(when.gte)
    if when.new_workdays_lt is not None:
        mask &= _new_in_period(prep, when.new_workdays_lt, count_workdays)
    if when.column:
        if when.column in prep.subjects.columns:
            vals = prep.subjects[when.column].fillna("").map(norm)
            mask &= vals.isin([norm(e) for e in when.equals])
        else:
            mask &= False
    return mask


def _new_in_period(prep: Prepared, limit: int, count_workdays) -> pd.Series:
    idx = prep.subjects.index
    out = pd.Series(False, index=idx)
    if "入职日期" not in prep.subjects.columns or count_workdays is None:
        return out
    start, end = prep.period.start, prep.period.end
    joined = prep.subjects["入职日期"]
    inside = joined.map(lambda d: d is not None and not pd.isna(d) and start <= d <= end)
    # Only the few people who joined inside the period are counted day by day.
    for s in inside[inside].index:
        out[s] = count_workdays(joined[s], end) < limit
    return out


def _rank_last(rule: Rule, prep: Prepared, table: pd.DataFrame, lines, count_workdays) -> pd.Series:
    base = _condition(rule.model_copy(update={"when": rule.when.model_copy(update={"rank_last": False})}), prep, lines, count_workdays) if _has_other_parts(rule) else pd.Series(True, index=table.index)
    if table.empty:
        return base & False
    return base & (table["rank"] == table["rank"].max())


def _has_other_parts(rule: Rule) -> bool:
    w = rule.when
    return bool(w.items or w.quantity_of or w.new_workdays_lt or w.column)


# ---- helpers -----------------------------------------------------------------------------



def _qty(v: float) -> str:
    return num(Decimal(str(v)))


def _names(subjects: pd.DataFrame, ids: list[str]) -> str:
    if "姓名" not in subjects.columns:
        return "、".join(str(s) for s in ids)
    names = subjects["姓名"].reindex(ids).tolist()
    return "、".join(f"{n}（{s}）" for s, n in zip(ids, names))


def micro_text(v: int) -> str:
    return fmt_micro(v)


NO_GRADE_TEXT = NO_GRADE
