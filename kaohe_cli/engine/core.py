"""Ledger → component scores, caps, weights, totals, rules, ranks and grades.

One pure function, `score_period`. Every amount it adds (a component's maximum, a floor,
a cap, a weight) becomes a ledger line, so the counted lines of a subject always add up to
its exact total. Vectorised with pandas: no Python loop over subjects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from kaohe_cli.domain.period import Period
from kaohe_cli.domain.points import money, round_micro_to_cents
from kaohe_cli.engine import caps
from kaohe_cli.events import ledger as L
from kaohe_cli.events.prepared import Prepared
from kaohe_cli.engine.actions import apply_rule, point_step
from kaohe_cli.engine.components import score_components, weights
from kaohe_cli.engine.conditions import holds, needs_ranks
from kaohe_cli.engine.context import RuleContext, WorkdayCounter
from kaohe_cli.domain.groups import UNGROUPED
from kaohe_cli.engine.grading import GradeResult, QuotaUse, assign_grades, competition_rank
from kaohe_cli.issues import Issue, note, warning
from kaohe_cli.scheme.model import Scheme

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
    grade_inputs: dict | None = None  # forced, no_grade(_text), ceiling, not_eligible: to grade again with decisions

    @property
    def components(self) -> list[str]:
        return [c.name for c in self.scheme.components]

    @property
    def money(self) -> pd.Series:
        """Each subject's money for the period in fen (int, table order): `money_before_grades`
        plus the `money` of its grade (`[grading]`), if that grade gives money."""
        return self.money_before_grades + grade_fen(self.scheme, self.table["grade"])

    @property
    def money_before_grades(self) -> pd.Series:
        """Each subject's money in fen before its grade's: the money of its counted lines of the
        period (not `annual` ones), plus its rounded total × `yuan_per_point` (half-up to the
        fen) when the scheme sets one. A committee decision may change the grade, never this."""
        led = self.ledger[self.ledger["counted"] & ~self.ledger["annual"]]
        if "money" not in led.columns:  # a ledger read back from an archive before v3
            led = led.assign(money=0)
        fen = led.groupby("subject")["money"].sum().reindex(self.table.index, fill_value=0).astype("int64")
        rate = self.scheme.yuan_per_point
        if rate is not None:
            fen = fen + pd.Series([int(money(Decimal(int(c)) / 100, rate) * 100) for c in self.table["cents"]],
                                  index=self.table.index, dtype="int64")
        return fen


def grade_fen(scheme: Scheme, grades: pd.Series) -> pd.Series:
    """The money (fen) each grade in `grades` gives per person; 0 for a grade without money,
    no grade, 并列待定 or 不确定等次."""
    per = {name: int(yuan * 100) for name, yuan in scheme.grade_money.items()}
    return grades.map(lambda g: per.get(str(g), 0)).astype("int64")


def score_period(
    prep: Prepared,
    *,
    quotas: dict[str, str] | None = None,
    count_workdays: WorkdayCounter | None = None,
) -> Result:
    """Score one period: components, rules on points, weights, caps, totals, rules on grades, grades."""
    scheme = prep.scheme
    idx = prep.subjects.index
    lines = score_components(prep, prep.ledger)
    ctx = RuleContext(prep.subjects, lines, scheme.grading.names, prep.period, count_workdays)
    # Conditions read the lines as the components left them, before any rule acts; a rule that
    # needs the ranks (rank_last) is evaluated once they are known.
    masks = [holds(r.when, ctx) if r.scope == "period" and not needs_ranks(r.when) else None
             for r in scheme.rules]
    lines = _point_rules(ctx, scheme, masks, "before_weights", lines)
    lines = caps.capped(scheme, L.concat([lines, weights(scheme, lines, idx)]))
    lines = _point_rules(ctx, scheme, masks, "after_caps", lines)
    table = _totals(scheme, lines, idx)
    ctx.lines, ctx.ranks, ctx.scores = lines, table["rank"], table["cents"]
    for rule, mask in zip(scheme.rules, masks):
        if rule.scope == "annual":
            _note_annual(rule, ctx)
        elif point_step(rule) is None:
            apply_rule(rule, holds(rule.when, ctx) if mask is None else mask, ctx)
    graded = assign_grades(
        scheme.grading, table["cents"], groups=prep.subjects.copy(), quotas=quotas,
        forced=ctx.grades.forced, no_grade=ctx.grades.no_grade, ceiling=ctx.grades.ceiling,
        not_eligible=ctx.grades.not_eligible, no_grade_text=ctx.grades.no_grade_text,
    )
    table["grade"] = graded.grades
    issues = _grading_issues(prep, graded)
    _finish_table(table, lines, ctx, graded)
    lines = lines.reset_index(drop=True)
    return Result(scheme, prep.period, prep.subjects, table, lines, prep.issues + issues + ctx.issues, graded.uses,
                  prep.file, ctx.grades.as_dict())


def _point_rules(ctx: RuleContext, scheme: Scheme, masks, step: str, lines: pd.DataFrame) -> pd.DataFrame:
    """Apply the period's rules that change points at `step` and add their ledger lines."""
    ctx.lines, ctx.new_lines = lines, []
    for rule, mask in zip(scheme.rules, masks):
        if point_step(rule) == step and mask is not None:
            apply_rule(rule, mask, ctx)
    return L.concat([lines, *ctx.new_lines])


def _totals(scheme: Scheme, lines: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Per subject: each component, 加分, 扣分, the exact total, its cents (half-up) and the rank."""
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
    return table


def _note_annual(rule, ctx: RuleContext) -> None:
    """A rule of the year whose condition holds in this period is recorded (the annual step
    applies it) and noted 年度生效; it does nothing to the period."""
    hit = holds(rule.when, ctx)
    for s in hit[hit].index:
        ctx.acted.setdefault(s, []).append(rule.name)
        ctx.remarks.setdefault(s, []).append(f"{rule.name}（年度生效）")


def _grading_issues(prep: Prepared, graded: GradeResult) -> list[Issue]:
    scheme, subjects = prep.scheme, prep.subjects
    issues: list[Issue] = []
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
    col = scheme.grading.quota_group
    if col and col in subjects.columns:
        blank = subjects[col].fillna("").astype(str) == ""
        if blank.any() and any(g.quota for g in scheme.grading.grades):
            issues.append(warning(
                f"{int(blank.sum())}人未填「{col}」，按名额分组时归入「{UNGROUPED}」组",
                f"请在人员表「{col}」列补齐",
            ))
    return issues


def _finish_table(table: pd.DataFrame, lines: pd.DataFrame, ctx: RuleContext, graded: GradeResult) -> None:
    """备注 (rules, quota notes, then the caps, floors and zeros that acted), flags and rule names."""
    idx = table.index
    remarks = ctx.remarks
    for s, texts in graded.notes.items():
        remarks.setdefault(s, []).extend(texts)
    adjusted = lines[lines["kind"].isin(["cap", "floor", "zero", "clip"])]
    for s, rule_text in zip(adjusted["subject"], adjusted["rule"]):
        remarks.setdefault(s, []).append(rule_text)
    table["remarks"] = pd.Series(
        {s: "；".join(dict.fromkeys(v)) for s, v in remarks.items()}, dtype=object
    ).reindex(idx, fill_value="")
    table["flags"] = pd.Series([ctx.flags.get(s, []) for s in idx], index=idx, dtype=object)
    table["rules"] = pd.Series([ctx.acted.get(s, []) for s in idx], index=idx, dtype=object)


# ---- helpers -----------------------------------------------------------------------------


def _names(subjects: pd.DataFrame, ids: list[str]) -> str:
    if "姓名" not in subjects.columns:
        return "、".join(str(s) for s in ids)
    names = subjects["姓名"].reindex(ids).tolist()
    return "、".join(f"{n}（{s}）" for s, n in zip(ids, names))
