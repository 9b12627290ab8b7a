"""Committee decisions (集体研究决定) at a quota edge, for any period: month, quarter, half-year, year,
学期 or 学年.

A decision is stored in the archive with its time and note, and applied wherever that
period's grades are read: a scored period is graded again from what its run recorded (the
scores, the rule outcomes and the quota groups: `scoring.grading_inputs`), with the decisions
as presets (`engine.grading.assign_grades` says exactly what a decision does). A year or
quarter summed by `quota` is computed again by `annual.compute` with them.

`decide` checks a new decision before anything is stored: the subject must be in the period's
result, the grade must be one the scheme declares, and the decision must take no place from a
higher-ranked, untied subject and exceed no quota, unless the committee says so (`displace`),
in which case it is recorded and noted for both people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli.store.archive import RunInfo, open_archive
from kaohe_cli.engine.decided import decision_remark, displacement_remarks
from kaohe_cli.engine.decided import person_label as _label
from kaohe_cli.engine.actions import ungraded_texts
from kaohe_cli.engine.grading import TIED, DecisionConflict, GradeResult, assign_grades
from kaohe_cli.engine.nesting import grading_for
from kaohe_cli.errors import DecisionRefused, NotFound, PeriodError
from kaohe_cli.domain.period import CALENDAR_ORDER, KIND_NAMES, SCHOOL_ORDER, SCHOOL_START, Period, parse_period
from kaohe_cli.app.run_scheme import scheme_for, scheme_of_run
from kaohe_cli.scheme.model import Grading, Scheme
from kaohe_cli.text import norm, suggest

__all__ = [
    "Decided", "DecisionLog", "apply_to_result", "apply_to_scores", "decide", "decided_scores", "decision_log",
    "decision_remark", "is_summed", "regrade_run", "similar_subjects", "with_decided_grades",
]

TIE_MARK = "待集体研究决定"
"""Every remark about a tie at a quota edge ends with this; a decision replaces them."""


@dataclass
class Decided:
    """What `decide` did: the grades before and after, and what it recorded."""

    period: Period
    scheme: Scheme
    names: dict[str, str]
    before: dict[str, str]
    after: dict[str, str]
    recorded: dict[str, str]  # subject → grade ('' = revoked)
    note: str = ""
    displace: bool = False
    conflicts: list[DecisionConflict] = field(default_factory=list)  # allowed by displace
    log: list[dict] = field(default_factory=list)  # every decision of the period, oldest first
    input_files: list[str] = field(default_factory=list)  # the scored period's workbook(s), to score again

    @property
    def changed(self) -> list[str]:
        return [s for s in self.after if self.before.get(s, "") != self.after[s]]


def is_summed(scheme: Scheme, period: Period) -> bool:
    """Is `period` a sum of the scheme's periods (a year of months, a half-year of months or
    quarters, a 学年 of terms…), rather than one it scores? A period the scheme's periods do not
    make up (a month of a half-yearly scheme, a 学期 of a monthly calendar scheme's year) is refused."""
    if period.kind == scheme.period:
        return False
    try:
        period.parts(scheme.period)
    except PeriodError:
        kind = KIND_NAMES[scheme.period]
        longer = "、".join(KIND_NAMES[k] for k in _longer(scheme.period))
        raise PeriodError(
            f"方案 {scheme.id} 按{kind}考核，没有{period.label}这样的考核期（{period.label}不由{kind}考核期组成）",
            f"请给出{kind}考核期" + (f"，或由它汇总的{longer}" if longer else ""),
        ) from None
    return True


def _longer(kind: str) -> list[str]:
    """The kinds a period of `kind` sums up into (month → quarter, half, year, term, 学年)."""
    orders = [o for o in (CALENDAR_ORDER, SCHOOL_ORDER) if kind in o]
    return list(dict.fromkeys(k for o in orders for k in o[o.index(kind) + 1:]))


def _with_start_month(period: Period, period_text: str, scheme: Scheme) -> Period:
    """A 学期/学年 read again with the scheme's `start_month` (unless written with @, 2023-2024@3)."""
    start = scheme.annual.start_month if scheme.annual else SCHOOL_START
    if period.school and start != period.start_month and "@" not in period_text:
        return parse_period(period_text, start)
    return period


# --- grading a scored period again ---------------------------------------------------------


def regrade_run(scheme: Scheme, run: RunInfo, scores: pd.DataFrame, decisions: dict[str, dict]) -> GradeResult | None:
    """The grades of a recorded run with `decisions` as presets; None for runs recorded before
    kaohe kept the grading inputs (they cannot be graded again exactly)."""
    extras = list(scores["extra"])
    if any(not isinstance(e, dict) or "grading" not in e for e in extras):
        return None
    idx = pd.Index([str(s) for s in scores["subject"]])
    inputs = [e["grading"] for e in extras]
    cents = pd.Series([int((Decimal(str(t)) * 100).to_integral_value()) for t in scores["total"]], index=idx)
    forced = pd.Series([i.get("forced", "") for i in inputs], index=idx, dtype=object)
    no_grade = pd.Series([bool(i.get("no_grade")) for i in inputs], index=idx)
    no_grade_text = pd.Series([str(i.get("no_grade_text", "")) for i in inputs], index=idx, dtype=object)
    ceiling = pd.Series([int(i.get("ceiling", -1)) for i in inputs], index=idx)
    not_eligible: dict[str, pd.Series] = {}
    for g in scheme.grading.names:
        mask = pd.Series([g in i.get("not_eligible", ()) for i in inputs], index=idx)
        if mask.any():
            not_eligible[g] = mask
    columns = sorted({c for i in inputs for c in i.get("groups", {})})
    groups = pd.DataFrame({c: [i.get("groups", {}).get(c, "") for i in inputs] for c in columns}, index=idx)
    preset = pd.Series({s: d["grade"] for s, d in decisions.items() if s in idx}, dtype=object)
    return assign_grades(
        scheme.grading, cents, groups=groups, forced=forced, no_grade=no_grade, ceiling=ceiling,
        not_eligible=not_eligible, quotas=dict(run.options.get("quotas") or {}), preset=preset,
        no_grade_text=no_grade_text,
    )


def apply_to_scores(scheme: Scheme, run: RunInfo, scores: pd.DataFrame, decisions: dict[str, dict],
                    regraded: GradeResult | None = None) -> pd.DataFrame:
    """`scores` of a run as they stand after the committee's decisions: grades and 备注.

    Without decisions the scores are returned as they are. A run recorded before kaohe kept
    its grading inputs only has its 并列待定 replaced by the decided grades. `regraded`: the
    caller's `regrade_run` of the same run and decisions, if it has one.
    """
    if not decisions:
        return scores
    out = scores.copy()
    subjects = [str(s) for s in out["subject"]]
    if regraded is None:
        regraded = regrade_run(scheme, run, out, decisions)
    if regraded is None:
        grades = [decisions[s]["grade"] if s in decisions and g == TIED else g for s, g in zip(subjects, out["grade"])]
        notes: dict[str, list[str]] = {}
        conflicts: list[DecisionConflict] = []
    else:
        grades = [str(regraded.grades[s]) for s in subjects]
        notes = regraded.notes
        conflicts = regraded.conflicts
    names = dict(zip(subjects, (str(n) for n in out["name"])))
    extra = displacement_remarks(conflicts, names)
    remarks = []
    for s, text in zip(subjects, out["remarks"]):
        parts = [p for p in str(text or "").split("；") if p and TIE_MARK not in p]
        parts += [n for n in notes.get(s, []) if TIE_MARK in n]
        if s in decisions:
            parts.append(decision_remark(decisions[s]))
        parts += extra.get(s, [])
        remarks.append("；".join(dict.fromkeys(parts)))
    out["grade"] = grades
    out["remarks"] = remarks
    return out


# --- looking subjects up --------------------------------------------------------------------


def similar_subjects(who: str, subjects: list[str], names: dict[str, str]) -> list[str]:
    """Subjects a mistyped 工号 probably means: leading zeros restored first, then near names."""
    found = [s for s in subjects if s.lstrip("0") == who.lstrip("0") and s != who] if who.strip("0") else []
    if found:
        return found
    by_name = [s for s in subjects if names.get(s) == who]
    if by_name:
        return by_name
    near = suggest(who, subjects + list(names.values()))
    reverse = {v: k for k, v in names.items()}
    return list(dict.fromkeys(reverse.get(n, n) for n in near if n in reverse or n in subjects))


# --- deciding ---------------------------------------------------------------------------------


@dataclass
class _Standing:
    """A period's result as it stands before the new decisions: who is in it, and how graded.

    A scored period keeps its latest run and scores (graded again by `regrade_run`); a year or
    quarter summed by `quota` keeps its quotas and `annual.compute` result (`summed`)."""

    summed: bool
    decisions: dict[str, dict]  # the standing decisions of the period
    subjects: list[str]
    names: dict[str, str]
    totals: dict[str, str]  # subject → total, for the messages of a refusal
    grading: Grading
    quotas: dict[str, str] | None = None  # summed: the quotas of the year (quarter)
    summary: object | None = None  # summed: `annual.compute` with the standing decisions
    run: RunInfo | None = None  # scored: the period's latest run, and its scores
    scores: pd.DataFrame | None = None


def _standing(db: Path, cfg, scheme: Scheme, period: Period, quotas: dict[str, str] | None) -> _Standing:
    """Read the period's result and standing decisions (for a sum, `quotas` default to those of
    its latest result, else the workspace's)."""
    summed = is_summed(scheme, period)
    with open_archive(db, readonly=True) as arc:
        decisions = arc.decisions(scheme.id, period.code)
        if summed:
            summary = arc.latest_summary(period.code, scheme.id)
            if quotas is None:
                quotas = dict((summary.options.get("quotas") if summary else None) or cfg.quotas)
        else:
            run = arc.latest_run(period.code, scheme.id)
            if run is None:
                raise NotFound(f"档案中没有方案 {scheme.id} {period.label}的评分记录", "请先用 kaohe score 评分该期")
            scores = arc.scores(run.id)
    if summed:
        return _summed_standing(db, scheme, period, quotas, decisions)
    subjects = [str(s) for s in scores["subject"]]
    return _Standing(
        summed=False, decisions=decisions, subjects=subjects, names=dict(zip(subjects, (str(n) for n in scores["name"]))),
        totals={str(s): str(t) for s, t in zip(scores["subject"], scores["total"])}, grading=scheme.grading,
        run=run, scores=scores,
    )


def _summed_standing(db: Path, scheme: Scheme, period: Period, quotas: dict[str, str],
                     decisions: dict[str, dict]) -> _Standing:
    from kaohe_cli.app.quota import compute  # app.quota imports this module (apply_to_scores)

    summary = compute(db, scheme, period, quotas=quotas, decisions=decisions)
    table = summary.table
    return _Standing(
        summed=True, decisions=decisions, subjects=[str(s) for s in table.index],
        names={str(s): str(n) for s, n in zip(table.index, table["name"])},
        totals={str(s): f"{int(c) / 100:.2f}" for s, c in zip(table.index, table["cents"])},
        grading=grading_for(scheme, period), quotas=quotas, summary=summary,
    )


def _requested(st: _Standing, scheme: Scheme, period: Period, grades: dict[str, str],
               revoke: list[str]) -> tuple[dict[str, str], list[str]]:
    """The decisions asked for (subject → grade) and the subjects whose decision is revoked,
    each subject found in the result and each grade checked."""
    new = {_resolve(who, st.subjects, st.names, period): g.strip() for who, g in grades.items()}
    gone = [_resolve(who, st.subjects, st.names, period) for who in revoke]
    extra_grades = []
    if st.summed and not scheme.is_unit:  # a candidate may be decided out, to the default grade (称职)
        extra_grades = [scheme.annual.default_grade if scheme.annual else "称职"]
    _check_grades(new, st.grading, scheme, period, st.names, extra_grades)
    not_decided = [s for s in gone if s not in st.decisions]
    if not_decided:
        raise DecisionRefused(
            f"{'、'.join(_label(s, st.names) for s in not_decided)} 在{period.label}没有可撤销的集体研究决定",
            f"用 kaohe decide --period {period.code} --list 查看已记录的决定",
        )
    return new, gone


def _regraded(db: Path, scheme: Scheme, period: Period, st: _Standing,
              proposed: dict[str, dict]) -> tuple[dict[str, str], dict[str, str], list[DecisionConflict]]:
    """The grades before and after the proposed decisions, and the conflicts they cause."""
    if st.summed:
        from kaohe_cli.app.quota import compute  # app.quota imports this module (apply_to_scores)

        after_result = compute(db, scheme, period, quotas=st.quotas, decisions=proposed)
        before = {s: str(st.summary.table.at[s, "grade"]) for s in st.subjects}
        after = {s: str(after_result.table.at[s, "grade"]) for s in st.subjects}
        return before, after, after_result.conflicts
    before_g = regrade_run(scheme, st.run, st.scores, st.decisions)
    after_g = regrade_run(scheme, st.run, st.scores, proposed)
    if before_g is None or after_g is None:
        raise DecisionRefused(
            f"{period.label}的评分记录（第 {st.run.id} 次）由旧版本的 kaohe 写入，无法按名额重新确定等次",
            f"请用 kaohe score 重新评分{period.label}后再记录集体研究决定",
        )
    before = {s: str(before_g.grades[s]) for s in st.subjects}
    after = {s: str(after_g.grades[s]) for s in st.subjects}
    return before, after, after_g.conflicts


def _record(db: Path, scheme: Scheme, period: Period, st: _Standing, new: dict[str, str], gone: list[str],
            note: str, displace: bool) -> list[dict]:
    """Store the decisions and revocations; return the period's decision log. A year or quarter
    gets its result as it now stands recorded again, for its 公示 and letters."""
    with open_archive(db, create=False) as arc:
        if new:
            arc.record_decisions(scheme.id, period.code, new, note, displace=displace)
        if gone:
            arc.record_decisions(scheme.id, period.code, {s: "" for s in gone}, note)
        log = arc.decision_log(scheme.id, period.code)
    if st.summed and (new or gone):
        from kaohe_cli.app.quota import compute, record_summary  # see _summed_standing

        record_summary(db, compute(db, scheme, period, quotas=st.quotas), st.quotas or {})
    return log


def decide(
    db: Path,
    cfg,
    period_text: str,
    grades: dict[str, str],
    *,
    scheme_ref: str | None = None,
    note: str = "",
    displace: bool = False,
    revoke: list[str] | None = None,
    quotas: dict[str, str] | None = None,
) -> Decided:
    """Check and record committee decisions for a period (nothing is stored on any error).

    `grades`: subject (工号, or a unique name) → grade. `revoke`: subjects whose decision is
    taken back. For a year or quarter that `quota` sums, `quotas` are its quotas (default: those
    of its latest result, else the workspace's).
    """
    period = parse_period(period_text)
    scheme = scheme_for(db, period, scheme_ref, cfg)
    period = _with_start_month(period, period_text, scheme)
    st = _standing(db, cfg, scheme, period, quotas)
    new, gone = _requested(st, scheme, period, grades, list(revoke or []))
    proposed = {s: d for s, d in st.decisions.items() if s not in gone}
    for s, g in new.items():
        proposed[s] = {"grade": g, "note": note, "decided_at": "", "displace": displace}
    before, after, conflicts = _regraded(db, scheme, period, st, proposed)
    mine = [c for c in conflicts if set(c.decided) & set(new)]
    _refuse_conflicts(mine, displace, st.names, before, st.totals)
    log = _record(db, scheme, period, st, new, gone, note, displace)
    changes = {**new, **{s: "" for s in gone}}
    files = [] if st.summed else [str(f.get("name", "")) for f in (st.run.input_files or [])]
    return Decided(period, scheme, st.names, before, after, changes, note, displace,
                   [c for c in mine if c.kind in ("displaces", "over_quota")], log, files)


@dataclass
class DecisionLog:
    """Every committee decision and revocation of a period, oldest first (`decide --list`)."""

    period: Period
    scheme: Scheme
    entries: list[dict]  # subject, grade ('' = revoked), note, decided_at, id, displace


def decision_log(db: Path, cfg, period_text: str, scheme_ref: str | None = None) -> DecisionLog:
    """The decisions recorded for a period, read-only."""
    period = parse_period(period_text)
    scheme = scheme_for(db, period, scheme_ref, cfg)
    period = _with_start_month(period, period_text, scheme)
    with open_archive(db, readonly=True) as arc:
        entries = arc.decision_log(scheme.id, period.code)
    return DecisionLog(period, scheme, entries)


def _resolve(who: str, subjects: list[str], names: dict[str, str], period: Period) -> str:
    who = norm(str(who)).strip()
    if who in subjects:
        return who
    by_name = [s for s in subjects if names.get(s) == who]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise DecisionRefused(
            f"姓名「{who}」在{period.label}的结果中有{len(by_name)}人",
            "请改用工号：" + "、".join(_label(s, names) for s in by_name),
        )
    near = similar_subjects(who, subjects, names)
    hint = ("是否为 " + "、".join(_label(s, names) for s in near[:3]) + "？") if near else ""
    raise DecisionRefused(
        f"「{who}」不在{period.label}的考核结果中",
        hint + "请核对工号；用 kaohe explain 工号 --period " + period.code + " 查看某人的结果",
    )


def _check_grades(new: dict[str, str], grading: Grading, scheme: Scheme, period: Period, names,
                  extra: list[str] = ()) -> None:
    """Each grade must be declared (or be the year's default grade, `extra`); with independent
    designations (优秀、先进工作者) several may be joined with 、."""
    declared = [g for g in grading.names] + [g for g in extra if g not in grading.names]
    for s, g in new.items():
        parts = g.split("、") if grading.independent else [g]
        if any(p == TIED or p in ungraded_texts(scheme) or p not in declared for p in parts) or len(set(parts)) != len(parts):
            raise DecisionRefused(
                f"等次「{g}」不是方案 {scheme.id}（{scheme.name}）{period.label}的等次（{_label(s, names)}）",
                f"可选：{'、'.join(declared)}",
            )


def _refuse_conflicts(conflicts, displace: bool, names, before, totals) -> None:
    def who(s: str) -> str:
        name, total = names.get(s, ""), totals.get(s)
        inside = "，".join(x for x in (s if name and name != s else "", f"{total}分" if total else "") if x)
        return f"{name or s}（{inside}）" if inside else (name or s)

    for c in conflicts:
        decided = "、".join(who(s) for s in c.decided)
        if c.kind == "unqualified":
            raise DecisionRefused(
                f"{decided} 不具备「{c.grade}」的条件（未达分数线、被取消评优资格或受等次上限限制），不能决定为{c.grade}",
                "集体研究决定只能在名额边缘取舍，不能改变资格审查的结论；如资格有误，请更正输入后重新评分",
            )
        if c.kind == "fixed":
            raise DecisionRefused(
                f"{decided} 的等次由方案规则确定（{'、'.join(before.get(s, '') for s in c.decided)}），不能由集体研究决定改变",
                "请核对输入；如规则适用有误，请更正后重新评分",
            )
        if displace:
            continue
        lost = "、".join(who(s) for s in c.losers)
        group = f"（{c.group}，名额{c.places}人）" if c.group and c.group != "全体" else f"（名额{c.places}人）"
        if c.kind == "over_quota":
            raise DecisionRefused(
                f"决定 {decided} 为「{c.grade}」将超出名额{group}" + (f"，{lost} 将失去名额" if lost else ""),
                "名额边缘以外的人不能由集体研究决定增减；如确需如此，请加 --displace 记录（双方备注中会写明）",
            )
        raise DecisionRefused(
            f"决定 {decided} 为「{c.grade}」将使排名更前且未并列的 {lost} 失去名额{group}",
            "集体研究决定只用于名额边缘的并列待定；如确需如此，请加 --displace 记录（双方备注中会写明）",
        )


# --- reading a period as decided --------------------------------------------------------------


def decided_scores(arc, run: RunInfo, scores: pd.DataFrame) -> pd.DataFrame:
    """A run's scores with the standing decisions of its period applied (see `apply_to_scores`)."""
    decisions = arc.decisions(run.scheme_id, run.period)
    if not decisions:
        return scores
    scheme = scheme_of_run(run)
    if scheme is None:  # a scheme file no longer at hand: only the ties take the decided grades
        out = scores.copy()
        out["grade"] = [decisions[s]["grade"] if s in decisions and g == TIED else g
                        for s, g in zip(out["subject"], out["grade"])]
        return out
    return apply_to_scores(scheme, run, scores, decisions)


def with_decided_grades(arc, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (columns run_id, subject, grade) with each run's grades as the committee decided."""
    if frame.empty:
        return frame
    out = frame.copy()
    for run_id in dict.fromkeys(int(r) for r in out["run_id"]):
        run = arc.run(run_id)
        if not arc.decisions(run.scheme_id, run.period):
            continue
        fixed = decided_scores(arc, run, arc.scores(run_id))
        grade_of = dict(zip((str(s) for s in fixed["subject"]), fixed["grade"]))
        mine = out["run_id"] == run_id
        out.loc[mine, "grade"] = [grade_of.get(str(s), g) for s, g in zip(out.loc[mine, "subject"], out.loc[mine, "grade"])]
    return out


def apply_to_result(result, options: dict, decisions: dict[str, dict]) -> list:
    """A freshly scored period (`engine.core.Result`) as the committee decided it: its grades
    and 备注 are set as `apply_to_scores` would give them on reading the archive, so the graded
    workbook of a period scored again shows the standing decisions. Returns warnings for
    decisions that no longer fit (the input changed since they were taken)."""
    from kaohe_cli.issues import warning
    from kaohe_cli.app.score import scores_frame

    if not decisions or result.grade_inputs is None:
        return []
    scores = scores_frame(result)
    run = _Options(options)
    regraded = regrade_run(result.scheme, run, scores, decisions)
    fixed = apply_to_scores(result.scheme, run, scores, decisions, regraded)
    by_subject = dict(zip((str(s) for s in fixed["subject"]), zip(fixed["grade"], fixed["remarks"])))
    table = result.table
    table["grade"] = [by_subject.get(str(s), (g, ""))[0] for s, g in zip(table.index, table["grade"])]
    table["remarks"] = [by_subject.get(str(s), ("", r))[1] for s, r in zip(table.index, table["remarks"])]
    names = dict(zip((str(s) for s in scores["subject"]), (str(n) for n in scores["name"])))
    out = []
    for c in regraded.conflicts if regraded is not None else []:
        if all(decisions.get(d, {}).get("displace") for d in c.decided):
            continue
        who = "、".join(_label(s, names) for s in c.decided)
        out.append(warning(
            f"集体研究决定（{who}定为{c.grade}）与本次评分结果不再相符：输入改动后，该决定会使他人失去名额或超出名额",
            f"请集体研究后重新记录：kaohe decide --period {result.period.code} --revoke 工号，再按新结果决定",
        ))
    missing = [s for s in decisions if s not in names]
    if missing:
        out.append(warning(f"集体研究决定中的 {'、'.join(missing)} 不在本次评分结果中", "请核对工号，或撤销该决定"))
    return out


@dataclass
class _Options:
    """The part of a `RunInfo` that grading again needs: the run's options (its quotas)."""

    options: dict
