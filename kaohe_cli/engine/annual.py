"""`kaohe quota`: archived periods → the annual (or quarterly) result with quotas and ties.

Uses the latest run of each period. Everything is derived from the archive: period totals
(already rounded, as SCHEMES.md requires for means), period grades, the rules that acted,
and the ledger lines of annual items and of the items annual rules count.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kaohe_cli.store.archive import open_archive
from kaohe_cli.app.decide import apply_to_scores, decision_remark, displacement_remarks
from kaohe_cli.engine.grading import NO_GRADE, TIED, apply_grade_action, assign_grades, competition_rank
from kaohe_cli.errors import ArchiveError, NotFound, PeriodError
from kaohe_cli.issues import Issue, note, warning
from kaohe_cli.domain.period import KIND_NAMES, Period
from kaohe_cli.scheme.model import Grade, Grading, Scheme, parse_quota
from kaohe_cli.text import join_names, norm, num

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


def periods_for(scheme: Scheme, target: Period) -> list[Period]:
    kind = scheme.period
    if kind == target.kind:
        return [target]
    order = ["month", "quarter", "year"]
    if order.index(kind) > order.index(target.kind):
        raise PeriodError(
            f"方案按{KIND_NAMES[kind]}考核，不能汇总{KIND_NAMES[target.kind]}",
            "请用 --year 年份",
        )
    if kind == "month":
        return target.months()
    return [Period(target.year, "quarter", q) for q in range(1, 5)]


def compute(
    db,
    scheme: Scheme,
    target: Period,
    *,
    quotas: dict[str, str] | None = None,
    decisions: dict[str, dict] | None = None,
) -> AnnualResult:
    """The year or quarter `target` from the archived periods of `scheme`.

    `decisions`: the committee decisions to apply to `target` ({subject: {grade, note,
    decided_at, displace}}); by default those recorded in the archive. Decisions recorded for
    the periods themselves (a month's 并列待定) are applied to those periods' grades first.
    Nothing is written.
    """
    quotas = quotas or {}
    issues: list[Issue] = []
    wanted = periods_for(scheme, target)
    codes = [p.code for p in wanted]
    with open_archive(db, readonly=True) as arc:
        with arc.snapshot():  # the runs found and all that is read of them: one state of the archive
            runs, missing = [], []
            for code in codes:
                run = arc.latest_run(code, scheme.id)
                (runs.append(run) if run else missing.append(code))
            if not runs:
                raise NotFound(
                    f"档案中没有方案 {scheme.id} 在{target.label}的任何评分记录",
                    f"请先用 kaohe score 评分（应有考核期：{join_names(codes)}）",
                )
            run_ids = [r.id for r in runs]
            scores = arc.period_scores(run_ids)
            latest = arc.latest_details(run_ids)
            acted = arc.acted_rules(run_ids)
            lines = arc.ledger_lines(run_ids, sorted(_needed_items(scheme.annual)))
            if decisions is None:
                decisions = arc.decisions(scheme.id, target.code)
            decided_runs = [(r, d) for r in runs if r.period != target.code
                            for d in [arc.decisions(scheme.id, r.period)] if d]
            period_rows = {r.id: arc.scores(r.id) for r, _ in decided_runs}
        annual = scheme.annual
    scores = _with_period_decisions(scores, scheme, decided_runs, period_rows)
    if missing:
        issues.append(warning(
            f"缺少{len(missing)}个考核期的评分记录：{join_names(missing)}",
            "年度得分按已有考核期计算；如需补齐请先用 kaohe score 评分这些考核期",
        ))
    period_of = {r.id: r.period for r in runs}
    scores["period"] = scores["run_id"].map(period_of)
    scores["grade"] = scores["grade"].fillna("")
    scores["cents"] = _cents_of(scores["total"])
    latest["extra"] = latest["extra"].map(lambda e: json.loads(e) if e else {})
    idx = latest.index
    info = pd.DataFrame({
        "name": latest["name"], "dept": latest["dept"], "category": latest["category"].fillna(""),
        "leader": latest["leader"].fillna(""),
    }, index=idx)
    extras = latest["extra"]
    matrix = scores.pivot_table(index="subject", columns="period", values="grade", aggfunc="last").reindex(idx)
    matrix = matrix.reindex(columns=[c for c in codes if c in matrix.columns])

    n = scores.groupby("subject")["cents"].size().reindex(idx)
    sums = scores.groupby("subject")["cents"].sum().reindex(idx)
    single = len(wanted) == 1
    mean = pd.Series([Decimal(int(s)) / 100 / int(k) for s, k in zip(sums, n)], index=idx, dtype=object)

    bonus = pd.Series(Decimal(0), index=idx, dtype=object)
    deduction = pd.Series(Decimal(0), index=idx, dtype=object)
    remarks: dict[str, list[str]] = {}
    reasons: dict[str, list[str]] = {}  # 资格: why not eligible
    forced = pd.Series("", index=idx, dtype=object)
    no_grade = pd.Series(False, index=idx)
    ceiling = pd.Series(-1, index=idx)
    not_eligible: dict[str, pd.Series] = {}
    grading = (annual.grading if annual and annual.grading else None) or scheme.grading

    def block(mask: pd.Series, why: str, grades: list[str] | None = None) -> None:
        for g in grades or grading.names:
            not_eligible[g] = not_eligible.get(g, pd.Series(False, index=idx)) | mask
        for s in mask[mask].index:
            reasons.setdefault(s, []).append(why)

    # ---- annual items and leave (zhujian) -----------------------------------------------
    pts = lines["points"].map(Decimal) if len(lines) else pd.Series(dtype=object)
    if len(lines):
        yearly = lines[lines["annual"] & lines["counted"]]
        b = pts[yearly.index][yearly["kind"] == "bonus"].groupby(yearly["subject"]).sum()
        d = pts[yearly.index][yearly["kind"] == "deduction"].groupby(yearly["subject"]).sum()
        bonus = bonus.add(b.reindex(idx).fillna(Decimal(0)), fill_value=Decimal(0)) if len(b) else bonus
        deduction = deduction.add((-d).reindex(idx).fillna(Decimal(0)), fill_value=Decimal(0)) if len(d) else deduction
    if annual and annual.leave and not single:
        lv = annual.leave
        taken = lines[lines["item"].isin(lv.taken) & ~lines["annual"]] if len(lines) else lines
        used = taken["quantity"].map(lambda q: Decimal(q or "0")).groupby(taken["subject"]).sum() if len(taken) else pd.Series(dtype=object)
        for s in idx:
            allowance, how = _allowance(extras[s] or {}, lv, target.year)
            u = Decimal(used.get(s, Decimal(0)))
            if allowance is None:
                remarks.setdefault(s, []).append("缺少年休假天数和参加工作时间，未计算年休假加扣分")
                continue
            if allowance > u:
                bonus[s] = bonus[s] + (allowance - u) * lv.bonus_per_day
                remarks.setdefault(s, []).append(f"年休假{num(allowance)}天（{how}），休假及事假{num(u)}天，未休{num(allowance - u)}天加分")
            elif u > allowance:
                deduction[s] = deduction[s] + (u - allowance) * lv.deduction_per_day
                remarks.setdefault(s, []).append(f"年休假{num(allowance)}天（{how}），休假及事假{num(u)}天，超出{num(u - allowance)}天扣分")
    if annual and annual.bonus_caps.total is not None:
        cap = Decimal(annual.bonus_caps.total)
        over = bonus.map(lambda v: v > cap)
        for s in over[over].index:
            remarks.setdefault(s, []).append(f"年度加分{num(bonus[s])}分，封顶{num(cap)}分")
        bonus = bonus.map(lambda v: min(v, cap))

    exact = pd.Series([mean[s] + bonus[s] - deduction[s] for s in idx], index=idx, dtype=object)

    # ---- rules --------------------------------------------------------------------------
    rule_sets = scheme.rules if single else [r for r in scheme.rules if r.scope == "annual"]
    for rule in rule_sets:
        mask = pd.Series([rule.name in acted.get(s, set()) for s in idx], index=idx)
        if not mask.any():
            continue
        _apply(rule, mask, grading, forced, no_grade, ceiling, block, remarks)
        if rule.action == "zero_total":
            for s in mask[mask].index:
                exact[s] = Decimal(0)
    for rule in (annual.rules if annual else []):
        mask = _annual_condition(rule, lines, idx)
        if mask.any():
            _apply(rule, mask, grading, forced, no_grade, ceiling, block, remarks)
    cents = exact.map(lambda v: int((v * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    rank = competition_rank(cents)
    if single:
        for rule in scheme.rules:
            if rule.when.rank_last and rule.action == "not_eligible":
                mask = rank == rank.max()
                block(mask, rule.flag or rule.name, rule.grades or None)

    if annual and not single:
        counted_as = annual.tied_counts_as
        per = matrix.replace(TIED, counted_as) if counted_as else matrix
        if annual.exclude_grades:
            bad = per.isin(annual.exclude_grades).any(axis=1)
            block(bad, f"有{'、'.join(annual.exclude_grades)}等次", grading.names[:1])
        for item, limit in annual.dept_limit.items():
            hits = lines[(lines["item"] == item) & lines["counted"]] if len(lines) else lines
            per_dept = hits["subject"].map(info["dept"]).value_counts() if len(hits) else pd.Series(dtype=int)
            bad_depts = set(per_dept[per_dept >= limit].index)
            if bad_depts:
                mask = info["dept"].isin(bad_depts)
                block(mask, f"所在科室全年{item}达{limit}人次")
        if annual.bottom_flag:
            kind, share = parse_quota(annual.bottom_flag.get("share", "0%"))
            k = math.floor(len(idx) * share) if kind == "share" else int(share)
            if k > 0:
                edge = sorted(cents)[k - 1]
                flagged = cents <= edge
                for s in flagged[flagged].index:
                    remarks.setdefault(s, []).append(annual.bottom_flag.get("flag", "排名靠后"))
                if int(flagged.sum()) > k:
                    issues.append(note(f"积分排名后{annual.bottom_flag.get('share')}（{k}人）边缘有同分，同分者一并标注", ""))

    tie_keys = None
    if annual and annual.tie_breakers:
        tie_keys = pd.DataFrame(index=idx)
        for tb in annual.tie_breakers:
            if tb.startswith("count:"):
                g = tb.split(":", 1)[1]
                tie_keys[tb] = (matrix == g).sum(axis=1).astype("int64")

    groups = pd.DataFrame({"类别": info["category"], "分管领导": info["leader"], "科室": info["dept"]}, index=idx)
    preset = pd.Series({s: d["grade"] for s, d in decisions.items() if s in idx}, dtype=object).reindex(idx).fillna("")
    grades, ties, uses, conflicts = _grade(grading, cents, groups, forced, no_grade, ceiling, not_eligible, tie_keys,
                                           quotas, preset)
    missing_quota = [g.name for g in grading.grades if g.quota_required and g.name not in quotas]
    for g in missing_quota:
        issues.append(note(f"未给出「{g}」名额，本次不评定{g}", f"请用 --quota {g}=N 给出名额"))
    for g, members in ties:
        names = "、".join(f"{info.at[s, 'name']}（{s}）" for s in members)
        issues.append(warning(f"「{g}」名额边缘有并列：{names} 同分，均标为并列待定",
                              f"请集体研究决定后用 kaohe decide --period {target.code} 工号=等次 记录（可多个）"))
    for s, dec in decisions.items():
        if s not in idx:
            issues.append(warning(f"集体研究决定中的「{s}」不在本次结果中", "请核对工号"))
            continue
        remarks.setdefault(s, []).append(decision_remark(dec) if dec.get("decided_at") else f"集体研究决定：{dec['grade']}")
    names = {str(s): str(v) for s, v in info["name"].items()}
    for s, texts in displacement_remarks([c for c in conflicts if all(decisions.get(d, {}).get("displace") for d in c.decided)],
                                         names).items():
        remarks.setdefault(s, []).extend(texts)

    table = info.copy()
    table["n"] = n.astype(int)
    table["mean"] = mean.map(lambda v: v.quantize(CENT, rounding=ROUND_HALF_UP))
    # 加分 and 扣分 as the monthly sheets show them, for the whole year: every period's amounts
    # plus the year-end items (the total itself is the mean plus the year-end items only).
    table["bonus"] = bonus + _summed(scores, "bonus", idx)
    table["deduction"] = deduction + _summed(scores, "deduction", idx)
    if not scheme.is_unit:  # a person with none of the annual grades: the scheme's default grade
        default = annual.default_grade if annual else "称职"
        grades = grades.where(grades.fillna("") != "", default)
    table["exact"] = exact
    table["cents"] = cents.astype("int64")
    table["rank"] = rank
    table["grade"] = grades
    table["eligibility"] = pd.Series({s: "；".join(dict.fromkeys(v)) for s, v in reasons.items()}, dtype=object).reindex(idx).fillna("")
    table["remarks"] = pd.Series({s: "；".join(dict.fromkeys(v)) for s, v in remarks.items()}, dtype=object).reindex(idx).fillna("")
    table["extra"] = extras

    result = AnnualResult(scheme, target, codes, runs, missing, table, matrix, issues, ties, conflicts=conflicts)
    result.quota_text = [f"{u.grade}（{u.group}）：N={u.n}，{u.quota} → {u.places}人，实评{u.granted}人" + (f"，并列待定{len(u.tied)}人" if u.tied else "") for u in uses]
    if annual and annual.awards:
        _awards(result, annual.awards)
    return result


def _summed(scores: pd.DataFrame, column: str, idx: pd.Index) -> pd.Series:
    """Each subject's sum of a stored Decimal column over the periods (each distinct text converted once)."""
    if column not in scores.columns or scores.empty:
        return pd.Series(Decimal(0), index=idx, dtype=object)
    codes, uniques = pd.factorize(scores[column].fillna("0"))
    values = [Decimal(str(u) or "0") for u in uniques]
    per_row = pd.Series([values[c] for c in codes], index=scores.index, dtype=object)
    return per_row.groupby(scores["subject"]).sum().reindex(idx).fillna(Decimal(0))


def _needed_items(annual) -> set[str]:
    """The items whose period lines the annual step reads (leave taken, rule conditions, limits)."""
    needed: set[str] = set()
    if annual and annual.leave:
        needed.update(annual.leave.taken)
    for rule in (annual.rules if annual else []):
        needed.update(rule.when.items + rule.when.quantity_of)
    if annual:
        needed.update(annual.dept_limit)
    return needed


def _cents_of(totals: pd.Series) -> pd.Series:
    """Stored totals ("95.50") → int cents, each distinct text converted once."""
    codes, uniques = pd.factorize(totals)
    if (codes < 0).any():
        raise ArchiveError("档案中有评分记录缺少总分，无法汇总", "档案可能已损坏；请重新评分这些考核期后再汇总")
    cents = np.array([int((Decimal(t) * 100).to_integral_value()) for t in uniques], dtype=np.int64)
    return pd.Series(cents[codes], index=totals.index)


def _apply(rule, mask, grading, forced, no_grade, ceiling, block, remarks) -> None:
    """A rule's grade action, as the period engine applies it (`apply_grade_action`); a
    not_eligible rule is also written in the 资格 column."""
    for s in mask[mask].index:
        remarks.setdefault(s, []).append(rule.flag or rule.name)
    scratch: dict[str, pd.Series] = {}
    blocked = apply_grade_action(rule, mask, grading.names, forced, no_grade, ceiling, scratch)
    if blocked:
        block(mask, rule.flag or rule.name, blocked)


def _annual_condition(rule, lines: pd.DataFrame, idx: pd.Index) -> pd.Series:
    mask = pd.Series(True, index=idx)
    w = rule.when
    sel = lines[~lines["annual"]] if len(lines) else lines
    if w.items:
        has = set(sel.loc[sel["item"].isin(w.items), "subject"]) if len(sel) else set()
        mask &= idx.isin(list(has))
    if w.quantity_of:
        part = sel[sel["item"].isin(w.quantity_of)] if len(sel) else sel
        q = part["quantity"].map(lambda v: Decimal(v or "0")).groupby(part["subject"]).sum() if len(part) else pd.Series(dtype=object)
        q = q.reindex(idx).fillna(Decimal(0))
        if w.gt is not None:
            mask &= q.map(lambda v: v > w.gt)
        if w.gte is not None:
            mask &= q.map(lambda v: v >= w.gte)
    return mask.astype(bool)


def _grade(grading: Grading, cents, groups, forced, no_grade, ceiling, not_eligible, tie_keys, quotas, preset):
    """Grades with committee decisions taking their quota places first."""
    if not grading.independent:
        r = assign_grades(grading, cents, groups=groups, forced=forced, no_grade=no_grade, ceiling=ceiling,
                          not_eligible=not_eligible, tie_keys=tie_keys, quotas=quotas, preset=preset)
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
    out[no_grade] = NO_GRADE
    has_forced = (forced != "") & ~no_grade
    out[has_forced] = forced[has_forced]
    return out.reindex(cents.index), ties, uses, conflicts


def _with_period_decisions(scores: pd.DataFrame, scheme: Scheme, decided_runs, period_rows) -> pd.DataFrame:
    """The periods' grades as the committee decided them (a month's 并列待定 resolved)."""
    if not decided_runs:
        return scores
    scores = scores.copy()
    for run, decisions in decided_runs:
        fixed = apply_to_scores(scheme, run, period_rows[run.id], decisions)
        grade_of = dict(zip((str(s) for s in fixed["subject"]), fixed["grade"]))
        mine = scores["run_id"] == run.id
        scores.loc[mine, "grade"] = [grade_of.get(str(s), g) for s, g in zip(scores.loc[mine, "subject"], scores.loc[mine, "grade"])]
    return scores


def _allowance(extra: dict, lv, year: int) -> tuple[Decimal | None, str]:
    raw = extra.get(lv.allowance_column)
    if raw not in (None, ""):
        return Decimal(str(raw)), "人员表年休假天数"
    start = extra.get(lv.start_column)
    if not start:
        return None, ""
    d = date.fromisoformat(str(start)[:10])
    end = date(year, 12, 31)
    years = end.year - d.year - ((end.month, end.day) < (d.month, d.day))
    days = 0
    for min_years, n in lv.bands:
        if years >= min_years:
            days = n
    return Decimal(days), f"工龄{years}年"


def _awards(result: AnnualResult, awards: dict) -> None:
    t = result.table
    rows = []
    per_person: dict[str, Decimal] = {}
    for s in t.index:
        g = t.at[s, "grade"]
        amount = Decimal(awards.get(g, 0)) if g in awards else Decimal(0)
        people = (t.at[s, "extra"] or {}).get("人数")
        count = int(people) if people not in (None, "") else None
        money = amount * count if count is not None else None
        per_person[s] = amount
        rows.append({"subject": s, "grade": g, "per_person": amount, "people": count, "money": money})
        if g and g not in awards:
            t.at[s, "remarks"] = (t.at[s, "remarks"] + "；" if t.at[s, "remarks"] else "") + "奖金数额由党组酌定"
        if count is None and amount:
            result.issues.append(warning(f"{t.at[s, 'name']}没有人数，无法计算部门奖金", "请在单位表填写人数"))
    result.awards = pd.DataFrame(rows).set_index("subject")
    leaders: dict[str, list[Decimal]] = {}
    for s in t.index:
        lab = t.at[s, "leader"]
        if lab:
            leaders.setdefault(lab, []).append(per_person[s])
    vice = [(lab, sum(v, Decimal(0)) / len(v)) for lab, v in leaders.items()]
    result.leader_awards = [(f"副主席 {lab}", amt.quantize(CENT, rounding=ROUND_HALF_UP)) for lab, amt in vice]
    if vice:
        chair = sum((a for _, a in vice), Decimal(0)) / len(vice)
        result.leader_awards.append(("主席", chair.quantize(CENT, rounding=ROUND_HALF_UP)))



def norm_key(s: str) -> str:
    return norm(s)


def record_summary(db, result: AnnualResult, quotas: dict[str, str]) -> int:
    """Keep a `quota` result in the archive (for the annual 公示 and its letters); its id."""
    from kaohe_cli import __version__
    from kaohe_cli.store.archive import open_archive
    from kaohe_cli.scheme.loader import scheme_hash

    t = result.table.sort_values("rank", kind="mergesort")
    rows = pd.DataFrame({
        "subject": [str(s) for s in t.index],
        "name": t["name"].astype(str).to_numpy(),
        "dept": t["dept"].astype(str).to_numpy(),
        "category": t["category"].astype(str).to_numpy(),
        "rank": t["rank"].astype("int64").to_numpy(),
        "total": [str((Decimal(int(c)) / 100).quantize(CENT)) for c in t["cents"]],
        "mean": [str(m) for m in t["mean"]],
        "bonus": [str(Decimal(b).quantize(CENT, rounding=ROUND_HALF_UP)) for b in t["bonus"]],
        "deduction": [str(Decimal(d).quantize(CENT, rounding=ROUND_HALF_UP)) for d in t["deduction"]],
        "grade": t["grade"].astype(str).to_numpy(),
        "eligibility": t["eligibility"].astype(str).to_numpy(),
        "remarks": t["remarks"].astype(str).to_numpy(),
    })
    meta = {
        "period": result.target.code, "scheme_id": result.scheme.id, "scheme_name": result.scheme.name,
        "scheme_hash": scheme_hash(result.scheme), "subject_kind": result.scheme.subject,
        "run_ids": [r.id for r in result.runs], "tool_version": __version__, "options": {"quotas": dict(quotas)},
    }
    with open_archive(db, create=False) as arc:
        return arc.record_summary(meta, rows)
