"""The annual (or quarterly) step: archived period results → the year's scores, eligibility and grades.

Pure: it takes the rows the store gives (`YearInput`, built by `app/quota.py`) and returns an
`AnnualResult`; nothing is read or written here. Period totals are already rounded, as
SCHEMES.md requires for means. Rules act through the same dispatcher as in a period
(`engine.actions.apply_rule`), with conditions from `engine.conditions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from kaohe_cli.domain.period import KIND_NAMES, Period
from kaohe_cli.engine.actions import apply_rule
from kaohe_cli.engine.conditions import holds, needs_ranks
from kaohe_cli.engine.context import RuleContext, WorkdayCounter
from kaohe_cli.engine.decided import decision_remark, displacement_remarks
from kaohe_cli.engine.grading import TIED, assign_grades, competition_rank, no_grade_cells
from kaohe_cli.engine.nesting import compose, grading_for, is_stage, nest, spec_for, uses_nesting
from kaohe_cli.errors import PeriodError
from kaohe_cli.issues import Issue, note, warning
from kaohe_cli.scheme.model import Grading, Scheme
from kaohe_cli.text import join_names, num

CENT = Decimal("0.01")


@dataclass
class AnnualResult:
    scheme: Scheme
    target: Period
    periods: list[str]
    runs: list  # RunInfo of the periods used
    missing: list[str]
    table: pd.DataFrame  # index subject
    matrix: pd.DataFrame  # subject × period → grade
    issues: list[Issue]
    ties: list[tuple[str, list[str]]] = field(default_factory=list)  # (grade, subjects)
    awards: pd.DataFrame | None = None  # gonghui: per unit money
    leader_awards: list[tuple[str, Decimal]] = field(default_factory=list)
    quota_text: list[str] = field(default_factory=list)
    conflicts: list = field(default_factory=list)  # DecisionConflict of the decisions applied
    ratings: pd.DataFrame | None = None  # the year-end ratings the parts read (kept with the result)


@dataclass
class YearInput:
    """What the annual step reads, as the store gives it (see `app/quota.py`).

    scores: one row per (run, subject) with period, grade (decisions applied), cents, bonus,
    deduction; latest: per subject name, dept, category, leader, extra (dict of roster columns);
    acted: subject → names of the rules that acted in its periods; lines: the ledger lines of the
    year-end items and of the items annual rules read (quantity and points as stored text);
    decisions: the committee's decisions for the target ({subject: {grade, note, decided_at, displace}}).
    """

    scheme: Scheme
    target: Period
    codes: list[str]
    runs: list
    missing: list[str]
    scores: pd.DataFrame
    latest: pd.DataFrame
    acted: dict[str, set[str]]
    lines: pd.DataFrame
    decisions: dict[str, dict]
    ratings: pd.DataFrame | None = None  # subject × year-end rating column → Decimal (quota --ratings)
    kept: dict[str, pd.Series] = field(default_factory=dict)  # stage code → subject → kept grade
    past: pd.DataFrame | None = None  # subject × earlier year code → kept annual grade


def periods_for(scheme: Scheme, target: Period) -> list[Period]:
    """The scored periods `target` is made of (a year's months, a half-year's months, a 学年's terms)."""
    kind = scheme.period
    if kind == target.kind:
        return [target]
    try:
        return target.parts(kind)
    except PeriodError:
        raise PeriodError(
            f"方案按{KIND_NAMES[kind]}考核，不能汇总为{target.label}",
            "请用 --year 年份，或 --period 给出由方案考核期组成的更长考核期（如 2023H1、2023-2024学年）",
        ) from None


def needed_items(scheme: Scheme) -> set[str]:
    """The items whose period lines the annual step reads (allowances used, rule conditions)."""
    annual = scheme.annual
    needed: set[str] = set()
    for allowance in (annual.allowances if annual else []):
        needed.update(allowance.items)
    for rule in (annual.rules if annual else []):
        for when in rule.when.tables():
            needed.update(when.items + when.quantity_of + when.consecutive)
    return needed


@dataclass
class _Year:
    """The year being computed: what the steps below read and fill in."""

    inp: YearInput
    ctx: RuleContext
    info: pd.DataFrame  # name, dept, category, leader
    matrix: pd.DataFrame
    n: pd.Series
    mean: pd.Series
    bonus: pd.Series
    deduction: pd.Series
    issues: list[Issue] = field(default_factory=list)
    base: pd.Series | None = None  # the score before year-end items: the composed parts, else `mean`

    @property
    def idx(self) -> pd.Index:
        return self.info.index

    @property
    def single(self) -> bool:
        return len(self.inp.codes) == 1


def compute(inp: YearInput, *, quotas: dict[str, str] | None = None,
            count_workdays: WorkdayCounter | None = None) -> AnnualResult:
    """The year or quarter `inp.target` from its periods' stored results. Nothing is written.

    `count_workdays(start, end)`: working days, for `new_workdays_lt` conditions (as in a period).
    """
    quotas = quotas or {}
    scheme, annual = inp.scheme, inp.scheme.annual
    year = _start(inp, count_workdays)
    _year_end_items(year)
    if annual and not year.single:
        for allowance in annual.allowances:
            _allowance(year, allowance)
    if annual and not year.single:
        _excluded_grades(year)
    _rules(year)
    if annual and annual.bonus_caps.total is not None:
        _annual_bonus_cap(year, Decimal(annual.bonus_caps.total))
    exact = _exact(year)
    cents = exact.map(lambda v: int((v * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    rank = competition_rank(cents)
    year.ctx.ranks, year.ctx.scores = rank, cents
    _rank_rules(year)
    grades, ties, uses, conflicts = _grade_year(year, cents, quotas)
    table = _table(year, exact, cents, rank, grades, conflicts)
    result = AnnualResult(scheme, inp.target, inp.codes, inp.runs, inp.missing, table, year.matrix,
                          year.issues + year.ctx.issues, ties, conflicts=conflicts,
                          ratings=inp.ratings if year.base is not None else None)
    result.quota_text = [
        f"{u.grade}（{u.group}）：N={u.n}，{u.quota} → {u.places}人，实评{u.granted}人"
        + (f"，并列待定{len(u.tied)}人" if u.tied else "") for u in uses
    ]
    if annual and annual.awards:
        _awards(result, annual)
    return result


def _start(inp: YearInput, count_workdays: WorkdayCounter | None) -> _Year:
    scheme, scores, latest = inp.scheme, inp.scores, inp.latest
    if inp.missing:
        how = (spec_for(scheme.annual, inp.target).missing if scheme.annual else "present")
        issues = [warning(
            f"缺少{len(inp.missing)}个考核期的评分记录：{join_names(inp.missing)}",
            ("年度得分按已有考核期计算" if how == "present" else "方案规定缺期按0分计")
            + "；如需补齐请先用 kaohe score 评分这些考核期",
        )]
    else:
        issues = []
    idx = latest.index
    info = pd.DataFrame({
        "name": latest["name"], "dept": latest["dept"], "category": latest["category"].fillna(""),
        "leader": latest["leader"].fillna(""),
    }, index=idx)
    matrix = scores.pivot_table(index="subject", columns="period", values="grade", aggfunc="last").reindex(idx)
    matrix = matrix.reindex(columns=[c for c in inp.codes if c in matrix.columns])
    wanted = any(w.period_below is not None for r in _annual_rules(scheme, inp.target) for w in r.when.tables())
    period_scores = _period_scores(scores, matrix.columns, idx) if wanted else None
    n = scores.groupby("subject")["cents"].size().reindex(idx)
    sums = scores.groupby("subject")["cents"].sum().reindex(idx)
    mean = pd.Series([Decimal(int(s)) / 100 / int(k) for s, k in zip(sums, n)], index=idx, dtype=object)
    annual = scheme.annual
    grading = grading_for(scheme, inp.target)
    base = None
    if uses_nesting(scheme, inp.target) or is_stage(annual, inp.target):
        nested = nest(scores, inp.codes, scheme, inp.target, info["name"], inp.kept)
        mean, n, issues = nested.score, nested.n, issues + nested.issues
        if annual.stages and not nested.grades.empty:
            matrix, period_scores = nested.grades, (nested.below if wanted else None)
        if annual.parts and not is_stage(annual, inp.target):
            base, texts = compose(annual, mean, inp.ratings, info["name"])
    ctx = RuleContext(_subjects(info, latest), _lines_for_rules(inp.lines), grading.names, inp.target,
                      count_workdays, lines_explain=False, eligibility_shown=True, period_grades=matrix, past_grades=inp.past)
    ctx.period_scores = period_scores
    if base is not None:
        ctx.remarks.update(texts)
    zero = pd.Series(Decimal(0), index=idx, dtype=object)
    return _Year(inp, ctx, info, matrix, n, mean, zero.copy(), zero.copy(), issues, base)


def _period_scores(scores: pd.DataFrame, codes, idx: pd.Index) -> pd.DataFrame:
    """subject × scored period → its rounded score (Decimal; None where the period is missing)."""
    cents = scores.pivot_table(index="subject", columns="period", values="cents", aggfunc="last").reindex(idx)
    cents = cents.reindex(columns=list(codes))
    return cents.apply(lambda col: col.map(lambda c: None if pd.isna(c) else Decimal(int(c)) / 100)).astype(object)


def _subjects(info: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """The subjects with their roster columns under their Chinese names, for `column` conditions."""
    extra = pd.DataFrame([e or {} for e in latest["extra"]], index=info.index)
    named = pd.DataFrame({"姓名": info["name"], "科室": info["dept"], "类别": info["category"],
                          "分管领导": info["leader"]}, index=info.index)
    if "入职日期" in extra.columns:  # stored as ISO text; a condition compares dates
        extra["入职日期"] = extra["入职日期"].map(_iso_date)
    return pd.concat([extra.drop(columns=[c for c in named.columns if c in extra.columns]), named], axis=1)


def _iso_date(value) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _lines_for_rules(lines: pd.DataFrame) -> pd.DataFrame:
    """The stored lines with a float quantity, as the period engine's conditions read them."""
    out = lines.copy()
    if len(out):
        out["quantity"] = pd.to_numeric(out["quantity"].replace("", None), errors="coerce").fillna(0.0)
    else:
        out["quantity"] = pd.Series(dtype=float)
    return out


def _year_end_items(year: _Year) -> None:
    """The year-end items (annual = true): their bonus and deduction, added to the mean."""
    lines, idx = year.inp.lines, year.idx
    if not len(lines):
        return
    pts = lines["points"].map(Decimal)
    yearly = lines[lines["annual"] & lines["counted"]]
    b = pts[yearly.index][yearly["kind"] == "bonus"].groupby(yearly["subject"]).sum()
    d = pts[yearly.index][yearly["kind"] == "deduction"].groupby(yearly["subject"]).sum()
    if len(b):
        year.bonus = year.bonus.add(b.reindex(idx).fillna(Decimal(0)), fill_value=Decimal(0))
    if len(d):
        year.deduction = year.deduction.add((-d).reindex(idx).fillna(Decimal(0)), fill_value=Decimal(0))


def _allowance(year: _Year, a) -> None:
    """An allowance (额度, `[[annual.allowances]]`): per person, the units of `a.items` the year
    used against the allowance; each unit not used earns `under_points`, each over costs `over_points`."""
    lines, remarks = year.inp.lines, year.ctx.remarks
    used_lines = lines[lines["item"].isin(a.items) & ~lines["annual"]] if len(lines) else lines
    used = (used_lines["quantity"].map(lambda q: Decimal(q or "0")).groupby(used_lines["subject"]).sum()
            if len(used_lines) else pd.Series(dtype=object))
    item = year.inp.scheme.item(a.items[0])
    unit = item.unit if item is not None else "天"
    extras = year.inp.latest["extra"]
    for s in year.idx:
        allowance, how = _allowance_of(extras[s] or {}, a, year.inp.target.year)
        u = Decimal(used.get(s, Decimal(0)))
        if allowance is None:
            wanted = "和".join(c for c in (a.column, a.by_years.column if a.by_years else None) if c)
            remarks.setdefault(s, []).append(f"缺少{wanted}，未计算{a.name}加扣分")
            continue
        head = f"{a.name}{num(allowance)}{unit}（{how}），{'、'.join(a.items)}共{num(u)}{unit}，"
        if allowance > u and a.under_points is not None:
            year.bonus[s] = year.bonus[s] + (allowance - u) * a.under_points
            remarks.setdefault(s, []).append(head + f"未用{num(allowance - u)}{unit}加分")
        elif u > allowance and a.over_points is not None:
            year.deduction[s] = year.deduction[s] + (u - allowance) * a.over_points
            remarks.setdefault(s, []).append(head + f"超出{num(u - allowance)}{unit}扣分")


def _annual_bonus_cap(year: _Year, cap: Decimal) -> None:
    over = year.bonus.map(lambda v: v > cap)
    for s in over[over].index:
        year.ctx.remarks.setdefault(s, []).append(f"年度加分{num(year.bonus[s])}分，封顶{num(cap)}分")
    year.bonus = year.bonus.map(lambda v: min(v, cap))


def _rules(year: _Year) -> None:
    """The rules that act on the year, through the one dispatcher.

    - The scheme's rules that acted in the periods act again on the year (all of them when the
      year is a single period; otherwise those of scope "annual");
    - `[annual].rules` are evaluated on the year's lines (rank_last ones once ranked);
    - the points of deduct / bonus rules join the year's 扣分 / 加分.
    """
    ctx, idx, scheme = year.ctx, year.idx, year.inp.scheme
    acted = year.inp.acted
    rules = scheme.rules if year.single else [r for r in scheme.rules if r.scope == "annual"]
    for rule in rules:
        kept = dict(ctx.points)
        apply_rule(rule, pd.Series([rule.name in acted.get(s, set()) for s in idx], index=idx), ctx)
        if rule.scope == "period":  # a period's own deduct/bonus is in its total already
            ctx.points = kept
    for rule in _annual_rules(scheme, year.inp.target):
        if not needs_ranks(rule.when):
            apply_rule(rule, holds(rule.when, ctx), ctx)
    for s, p in ctx.points.items():
        if p > 0:
            year.bonus[s] = year.bonus[s] + p
        else:
            year.deduction[s] = year.deduction[s] - p


def _exact(year: _Year) -> pd.Series:
    """The year's exact totals: the base (composed parts, else the mean) + 加分 − 扣分, or 0."""
    idx, ctx = year.idx, year.ctx
    base = year.base if year.base is not None else year.mean
    exact = pd.Series([base[s] + year.bonus[s] - year.deduction[s] for s in idx], index=idx, dtype=object)
    return exact.where(~ctx.zeroed, Decimal(0))


def _annual_rules(scheme: Scheme, target: Period) -> list:
    """`[annual].rules`: they act on the year (or quarter), not on an intermediate stage (半年)."""
    return scheme.annual.rules if scheme.annual and not is_stage(scheme.annual, target) else []


def _rank_rules(year: _Year) -> None:
    """Rules that need the year's ranks: `[annual].rules` with rank_last and, when the year is a
    single period, the period's rank_last rules again on the year's ranks."""
    ctx, scheme = year.ctx, year.inp.scheme
    again = [r for r in scheme.rules if year.single and needs_ranks(r.when)]
    for rule in again + [r for r in _annual_rules(scheme, year.inp.target) if needs_ranks(r.when)]:
        apply_rule(rule, holds(rule.when, ctx), ctx)


def _excluded_grades(year: _Year) -> None:
    """[annual] exclude_grades: a period graded one of them bars the top grade (said in 资格 before
    any rule's reason; a 科室's limit and the bottom share are rules: `per`, `bottom_share`)."""
    annual, ctx = year.inp.scheme.annual, year.ctx
    if not annual.exclude_grades:
        return
    counted_as = annual.tied_counts_as
    per = year.matrix.replace(TIED, counted_as) if counted_as else year.matrix
    bad = per.isin(annual.exclude_grades).any(axis=1)
    ctx.not_eligible_because(bad, f"有{'、'.join(annual.exclude_grades)}等次", ctx.grade_names[:1])


def _grade_year(year: _Year, cents: pd.Series, quotas: dict[str, str]):
    """Grades with the tie-breakers and the committee's decisions; issues for missing quotas and ties."""
    inp, idx, info = year.inp, year.idx, year.info
    annual = inp.scheme.annual
    grading = grading_for(inp.scheme, inp.target)
    tie_keys = None
    if annual and annual.tie_breakers:
        tie_keys = pd.DataFrame(index=idx)
        for tb in annual.tie_breakers:
            if tb.startswith("count:"):
                tie_keys[tb] = (year.matrix == tb.split(":", 1)[1]).sum(axis=1).astype("int64")
    groups = pd.DataFrame({"类别": info["category"], "分管领导": info["leader"], "科室": info["dept"]}, index=idx)
    preset = pd.Series({s: d["grade"] for s, d in inp.decisions.items() if s in idx}, dtype=object).reindex(idx).fillna("")
    grades, ties, uses, conflicts = _grade(grading, cents, groups, year.ctx.grades, tie_keys, quotas, preset)
    for g in [g.name for g in grading.grades if g.quota_required and g.name not in quotas]:
        year.issues.append(note(f"未给出「{g}」名额，本次不评定{g}", f"请用 --quota {g}=N 给出名额"))
    for g, members in ties:
        names = "、".join(f"{info.at[s, 'name']}（{s}）" for s in members)
        year.issues.append(warning(f"「{g}」名额边缘有并列：{names} 同分，均标为并列待定",
                                   f"请集体研究决定后用 kaohe decide --period {inp.target.code} 工号=等次 记录（可多个）"))
    return grades, ties, uses, conflicts


def _table(year: _Year, exact, cents, rank, grades, conflicts) -> pd.DataFrame:
    """The year's table: info, periods counted, mean, 加分/扣分, total, rank, grade, 资格, 备注."""
    inp, idx, ctx = year.inp, year.idx, year.ctx
    remarks, decisions = ctx.remarks, inp.decisions
    for s, dec in decisions.items():
        if s not in idx:
            year.issues.append(warning(f"集体研究决定中的「{s}」不在本次结果中", "请核对工号"))
            continue
        remarks.setdefault(s, []).append(decision_remark(dec) if dec.get("decided_at") else f"集体研究决定：{dec['grade']}")
    names = {str(s): str(v) for s, v in year.info["name"].items()}
    insisted = [c for c in conflicts if all(decisions.get(d, {}).get("displace") for d in c.decided)]
    for s, texts in displacement_remarks(insisted, names).items():
        remarks.setdefault(s, []).extend(texts)
    table = year.info.copy()
    table["n"] = year.n.astype(int)
    table["mean"] = year.mean.map(lambda v: v.quantize(CENT, rounding=ROUND_HALF_UP))
    # 加分 and 扣分 as the monthly sheets show them, for the whole year: every period's amounts
    # plus the year-end items (the total itself is the mean plus the year-end items only).
    table["bonus"] = year.bonus + _summed(inp.scores, "bonus", idx)
    table["deduction"] = year.deduction + _summed(inp.scores, "deduction", idx)
    year_grading = (inp.scheme.annual.grading if inp.scheme.annual else None) or inp.scheme.grading
    if not inp.scheme.is_unit and year_grading.grades:  # none of the annual grades: the default grade
        default = inp.scheme.annual.default_grade if inp.scheme.annual else "称职"
        grades = grades.where(grades.fillna("") != "", default)
    table["exact"] = exact
    table["cents"] = cents.astype("int64")
    table["rank"] = rank
    table["grade"] = grades
    table["eligibility"] = _joined(ctx.eligibility, idx)
    table["remarks"] = _joined(remarks, idx)
    table["extra"] = inp.latest["extra"]
    return table


def _joined(texts: dict[str, list[str]], idx: pd.Index) -> pd.Series:
    return pd.Series({s: "；".join(dict.fromkeys(v)) for s, v in texts.items()}, dtype=object).reindex(idx).fillna("")


def _summed(scores: pd.DataFrame, column: str, idx: pd.Index) -> pd.Series:
    """Each subject's sum of a stored Decimal column over the periods (each distinct text converted once)."""
    if column not in scores.columns or scores.empty:
        return pd.Series(Decimal(0), index=idx, dtype=object)
    codes, uniques = pd.factorize(scores[column].fillna("0"))
    values = [Decimal(str(u) or "0") for u in uniques]
    per_row = pd.Series([values[c] for c in codes], index=scores.index, dtype=object)
    return per_row.groupby(scores["subject"]).sum().reindex(idx).fillna(Decimal(0))


def _grade(grading: Grading, cents, groups, state, tie_keys, quotas, preset):
    """Grades with committee decisions taking their quota places first (`state`: the rules' GradeInputs)."""
    forced, no_grade, ceiling, not_eligible = state.forced, state.no_grade, state.ceiling, state.not_eligible
    if not grading.independent:
        r = assign_grades(grading, cents, groups=groups, forced=forced, no_grade=no_grade, ceiling=ceiling,
                          not_eligible=not_eligible, tie_keys=tie_keys, quotas=quotas, preset=preset,
                          no_grade_text=state.no_grade_text)
        ties = [(u.grade, u.tied) for u in r.uses if u.tied]
        return r.grades.copy(), ties, r.uses, r.conflicts
    # Independent designations (优秀 and 先进工作者): each filled from everyone.
    parts: dict[str, list[str]] = {s: [] for s in cents.index}
    ties, uses, conflicts = [], [], []
    for g in grading.grades:
        one = Grading(grades=[g], quota_group=grading.quota_group, none="")
        mine = preset.map(lambda v, name=g.name: name if name in str(v).split("、") else "")
        r = assign_grades(one, cents, groups=groups, forced=forced.where(forced == "", "x"), no_grade=no_grade,
                          not_eligible=not_eligible, tie_keys=tie_keys, quotas=quotas, preset=mine)
        uses.extend(r.uses)
        conflicts.extend(r.conflicts)
        for s, v in r.grades.items():
            if v == g.name:
                parts[s].append(g.name)
            elif v == TIED:
                parts[s].append(f"{TIED}（{g.name}）")
        ties.extend((u.grade, u.tied) for u in r.uses if u.tied)
    out = pd.Series({s: "、".join(v) for s, v in parts.items()}, dtype=object)
    shown = no_grade_cells(cents.index, no_grade, state.no_grade_text)
    out[no_grade] = shown[no_grade]
    has_forced = (forced != "") & ~no_grade
    out[has_forced] = forced[has_forced]
    return out.reindex(cents.index), ties, uses, conflicts


def _allowance_of(extra: dict, a, year: int) -> tuple[Decimal | None, str]:
    """One person's allowance and where it came from: the roster column, else years of service
    completed by 12-31 of `year` looked up in the bands (under the first band: 0), else `amount`."""
    raw = extra.get(a.column) if a.column else None
    if raw not in (None, ""):
        return Decimal(str(raw)), f"人员表{a.column}"
    start = extra.get(a.by_years.column) if a.by_years else None
    if start:
        d = date.fromisoformat(str(start)[:10])
        end = date(year, 12, 31)
        years = end.year - d.year - ((end.month, end.day) < (d.month, d.day))
        amount = Decimal(0)
        for min_years, n in a.by_years.bands:
            if years >= min_years:
                amount = Decimal(n)
        return amount, f"{a.by_years.column}至年末满{years}年"
    if a.amount is not None:
        return Decimal(a.amount), "方案规定"
    return None, ""


def _awards(result: AnnualResult, annual) -> None:
    """Money by year grade (`awards`, per person; a unit's × its 人数), and with `leaders_money`
    each leader's (the mean per-person amount of the units they lead) and the top one's."""
    t, awards, is_unit = result.table, annual.awards, result.scheme.is_unit
    rows = []
    per_person: dict[str, Decimal] = {}
    for s in t.index:
        g = t.at[s, "grade"]
        amount = Decimal(awards[g]) if g in awards else Decimal(0)
        people = (t.at[s, "extra"] or {}).get("人数") if is_unit else None
        count = int(people) if people not in (None, "") else None
        money = amount * count if count is not None else (None if is_unit else amount)
        per_person[s] = amount
        rows.append({"subject": s, "grade": g, "per_person": amount, "people": count, "money": money})
        if g and g not in awards and annual.awards_other:
            t.at[s, "remarks"] = (t.at[s, "remarks"] + "；" if t.at[s, "remarks"] else "") + annual.awards_other
        if is_unit and count is None and amount:
            result.issues.append(warning(f"{t.at[s, 'name']}没有人数，无法计算部门奖金", "请在单位表填写人数"))
    result.awards = pd.DataFrame(rows).set_index("subject")
    if annual.leaders_money is not None and is_unit:
        result.leader_awards = _leader_money(t, per_person, annual.leaders_money)


def _leader_money(t: pd.DataFrame, per_person: dict[str, Decimal], how) -> list[tuple[str, Decimal]]:
    leaders: dict[str, list[Decimal]] = {}
    for s in t.index:
        lab = t.at[s, "leader"]
        if lab:
            leaders.setdefault(lab, []).append(per_person[s])
    means = [(lab, sum(v, Decimal(0)) / len(v)) for lab, v in leaders.items()]
    out = [(f"{how.title} {lab}", amt.quantize(CENT, rounding=ROUND_HALF_UP)) for lab, amt in means]
    if means and how.top:
        top = sum((a for _, a in means), Decimal(0)) / len(means)
        out.append((how.top, top.quantize(CENT, rounding=ROUND_HALF_UP)))
    return out
