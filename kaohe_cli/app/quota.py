"""`kaohe quota`: a year or quarter from the archived periods, with quotas and ties; its result kept.

Reads the latest run of each period of the scheme from the archive (one snapshot), applies the
committee's decisions recorded for those periods, and hands the rows to the pure annual step
(`engine.annual.compute`). `record_summary` keeps a result for the annual 公示 and its letters.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from kaohe_cli.app.decide import apply_to_scores
from kaohe_cli.domain.period import Period, parse_period
from kaohe_cli.engine.annual import CENT, AnnualResult, YearInput, needed_items, periods_for
from kaohe_cli.engine.annual import compute as compute_year
from kaohe_cli.errors import ArchiveError, NotFound, UsageError
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.store.archive import open_archive
from kaohe_cli.text import join_names
from kaohe_cli.write.annual_xlsx import write_annual
from kaohe_cli.write.fileout import atomic_output, check_target


def quota_target(year: int | None, quarter: str | None) -> Period:
    """The year (`--year`) or quarter (`--quarter 2023Q1`) to sum up; exactly one is given."""
    if (year is None) == (quarter is None):
        raise UsageError("请给出 --year 或 --quarter 其中之一", "例如 kaohe quota --year 2023")
    target = Period(year, "year", 0) if year is not None else parse_period(quarter)
    if target.kind == "month":
        raise UsageError("--quarter 应为季度，如 2023Q1", "")
    return target


def parse_decisions(raw_items: list[str] | None) -> dict[str, str]:
    """`工号=等次` texts (`quota --decide`) → {工号: 等次}."""
    decisions = {}
    for raw in raw_items or []:
        who, sep, grade = raw.partition("=")
        if not sep or not who.strip() or not grade.strip():
            raise UsageError(f"集体研究决定「{raw}」格式不对", "应写成 工号=等次，例如 --decide 0012=优秀")
        decisions[who.strip()] = grade.strip()
    return decisions


def run_quota(archive: Path, cfg, scheme: Scheme, target: Period, quotas: dict[str, str], out: Path, *,
              force: bool, scheme_ref: str | None, decisions: dict[str, str], note: str,
              displace: bool) -> AnnualResult:
    """`kaohe quota`: record the decisions given with it (checked as `kaohe decide` checks them),
    sum up the year, write its workbook atomically and keep the result for the 公示."""
    check_target(out, force)
    if decisions:
        from kaohe_cli.app.decide import decide as run_decide

        run_decide(archive, cfg, target.code, decisions, scheme_ref=scheme_ref, note=note, displace=displace,
                   quotas=quotas)
    result = compute(archive, scheme, target, quotas=quotas)
    with atomic_output(out, force=force) as tmp:
        write_annual(result, tmp, {"名额": "，".join(f"{k} {v}" for k, v in quotas.items()) or "按方案规定"},
                     cfg.unit_name.strip())
    record_summary(archive, result, quotas)
    return result


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
    from kaohe_cli.domain.workdays import count_workdays

    return compute_year(load_year(db, scheme, target, decisions), quotas=quotas, count_workdays=count_workdays)


def load_year(db, scheme: Scheme, target: Period, decisions: dict[str, dict] | None = None) -> YearInput:
    """What the annual step reads, from one state of the archive."""
    codes = [p.code for p in periods_for(scheme, target)]
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
            lines = arc.ledger_lines(run_ids, sorted(needed_items(scheme)))
            if decisions is None:
                decisions = arc.decisions(scheme.id, target.code)
            decided_runs = [(r, d) for r in runs if r.period != target.code
                            for d in [arc.decisions(scheme.id, r.period)] if d]
            period_rows = {r.id: arc.scores(r.id) for r, _ in decided_runs}
    scores = _with_period_decisions(scores, scheme, decided_runs, period_rows)
    period_of = {r.id: r.period for r in runs}
    scores["period"] = scores["run_id"].map(period_of)
    scores["grade"] = scores["grade"].fillna("")
    scores["cents"] = cents_of(scores["total"])
    latest["extra"] = latest["extra"].map(lambda e: json.loads(e) if e else {})
    return YearInput(scheme, target, codes, runs, missing, scores, latest, acted, lines, decisions)


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


def cents_of(totals: pd.Series) -> pd.Series:
    """Stored totals ("95.50") → int cents, each distinct text converted once."""
    codes, uniques = pd.factorize(totals)
    if (codes < 0).any():
        raise ArchiveError("档案中有评分记录缺少总分，无法汇总", "档案可能已损坏；请重新评分这些考核期后再汇总")
    cents = np.array([int((Decimal(t) * 100).to_integral_value()) for t in uniques], dtype=np.int64)
    return pd.Series(cents[codes], index=totals.index)


def record_summary(db, result: AnnualResult, quotas: dict[str, str]) -> int:
    """Keep a `quota` result in the archive (for the annual 公示 and its letters); its id."""
    from kaohe_cli import __version__
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
