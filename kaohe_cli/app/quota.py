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
from kaohe_cli.errors import ArchiveError, NotFound, PeriodError, UsageError
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.store.archive import open_archive
from kaohe_cli.text import join_names
from kaohe_cli.write.annual_xlsx import write_annual
from kaohe_cli.write.fileout import atomic_output, check_target


def quota_target(year: int | None, quarter: str | None, period: str | None = None,
                 start_month: int = 9) -> Period:
    """The period to sum up: a year (`--year`), a quarter (`--quarter 2023Q1`) or any longer
    period (`--period 2023H1`, `--period 2023-2024学年`); exactly one is given. `start_month`:
    the month the scheme's 学年 begins."""
    if sum(x is not None for x in (year, quarter, period)) != 1:
        raise UsageError("请给出 --year、--quarter 或 --period 其中之一",
                         "例如 kaohe quota --year 2023，或 kaohe quota --period 2023H1")
    if year is not None:
        return Period(year, "year", 0)
    if quarter is not None:
        target = parse_period(quarter)
        if target.kind != "quarter":
            raise UsageError(f"--quarter 应为季度，如 2023Q1（实为「{quarter}」）", "半年、学期、学年请用 --period")
        return target
    target = parse_period(period, start_month)
    if target.kind == "month":
        raise UsageError(f"--period {period} 是月度，月度不需要汇总", "请给出更长的考核期，如 2023H1、2023、2023-2024学年")
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
              displace: bool, ratings: Path | None = None) -> AnnualResult:
    """`kaohe quota`: record the decisions given with it (checked as `kaohe decide` checks them),
    sum up the year, write its workbook atomically and keep the result for the 公示.
    `ratings`: the year-end 评分 workbook of `[[annual.parts]]` (民主测评, 年终 德能勤绩廉)."""
    check_target(out, force)
    given = read_year_ratings(ratings, scheme) if ratings is not None else None
    if decisions and given is not None:
        # The decisions are checked against the year as scored with these ratings: that standing
        # is kept first (as `quota --ratings` alone keeps it), then the decisions, then the result.
        record_summary(archive, compute(archive, scheme, target, quotas=quotas, ratings=given), quotas)
    if decisions:
        from kaohe_cli.app.decide import decide as run_decide

        run_decide(archive, cfg, target.code, decisions, scheme_ref=scheme_ref, note=note, displace=displace,
                   quotas=quotas)
    result = compute(archive, scheme, target, quotas=quotas, ratings=given)
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
    ratings: "YearRatings | None" = None,
) -> AnnualResult:
    """The year or quarter `target` from the archived periods of `scheme`.

    `decisions`: the committee decisions to apply to `target` ({subject: {grade, note,
    decided_at, displace}}); by default those recorded in the archive. Decisions recorded for
    the periods themselves (a month's 并列待定) are applied to those periods' grades first.
    Nothing is written.
    """
    from kaohe_cli.domain.workdays import count_workdays

    inp = load_year(db, scheme, target, decisions)
    if ratings is not None:
        inp.ratings = ratings.resolve(inp.latest)
    return compute_year(inp, quotas=quotas, count_workdays=count_workdays)


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
            kept = kept_stage_grades(arc, scheme, target, runs)
            past = past_grades(arc, scheme, target)
            kept_ratings = _kept_ratings(arc, scheme, target)
    scores = _with_period_decisions(scores, scheme, decided_runs, period_rows)
    period_of = {r.id: r.period for r in runs}
    scores["period"] = scores["run_id"].map(period_of)
    scores["grade"] = scores["grade"].fillna("")
    scores["cents"] = cents_of(scores["total"])
    latest["extra"] = latest["extra"].map(lambda e: json.loads(e) if e else {})
    return YearInput(scheme, target, codes, runs, missing, scores, latest, acted, lines, decisions,
                     ratings=kept_ratings, kept=kept, past=past)


def _kept_ratings(arc, scheme: Scheme, target: Period) -> pd.DataFrame | None:
    """The year-end ratings the last kept result of `target` was computed with (`quota --ratings`),
    so that `kaohe decide` and a later `quota` without --ratings use the same ones."""
    if not (scheme.annual and any(p.rating_columns for p in scheme.annual.parts)):
        return None
    summary = arc.latest_summary(target.code, scheme.id)
    kept = (summary.options or {}).get("ratings") if summary is not None else None
    if not kept:
        return None
    return pd.DataFrame({s: {c: Decimal(v) for c, v in cols.items()} for s, cols in kept.items()}).T.astype(object)


def kept_stage_grades(arc, scheme: Scheme, target: Period, runs: list) -> dict[str, pd.Series]:
    """The grades of the intermediate periods (`[[annual.stages]]`, the last one) that `quota
    --period` kept, where the kept result summed exactly the runs now in the archive."""
    annual = scheme.annual
    stages = [st for st in (annual.stages if annual else []) if st.period != target.kind]
    if not stages:
        return {}
    try:
        groups = target.parts(stages[-1].period)
    except PeriodError:
        return {}
    kept: dict[str, pd.Series] = {}
    for g in groups:
        inside = {m.code for m in g.months()} | {p.code for p in _parts(g)}
        ids = sorted(r.id for r in runs if r.period in inside)
        summary = arc.latest_summary(g.code, scheme.id)
        if summary is None or sorted(summary.run_ids) != ids:
            continue
        rows = arc.summary_rows(summary.id)
        kept[g.code] = pd.Series(list(rows["grade"]), index=[str(s) for s in rows["subject"]], dtype=object)
    return kept


def _parts(g: Period) -> list[Period]:
    out = []
    for kind in ("quarter", "half", "term"):
        try:
            out.extend(p for p in g.parts(kind) if p != g)
        except PeriodError:
            pass
    return out


def past_grades(arc, scheme: Scheme, target: Period) -> pd.DataFrame | None:
    """subject × earlier year code → the grade `quota` kept for it, as far back as the scheme's
    `past_years` conditions look (None when no rule looks back)."""
    from kaohe_cli.engine.conditions import earlier_year

    rules = scheme.annual.rules if scheme.annual else []
    back = max([r.when.past_years or 1 for r in rules if r.when.past_grades], default=0)
    if not back or target.kind not in ("year", "schoolyear"):
        return None
    columns = {}
    for k in range(1, back + 1):
        code = earlier_year(target, k).code
        summary = arc.latest_summary(code, scheme.id)
        if summary is not None:
            rows = arc.summary_rows(summary.id)
            columns[code] = pd.Series(list(rows["grade"]), index=[str(s) for s in rows["subject"]], dtype=object)
    return pd.DataFrame(columns, dtype=object)


class YearRatings:
    """The year-end 评分 sheet (`quota --ratings`): rows by 工号 or 姓名, resolved against the
    year's subjects once they are known."""

    def __init__(self, table, columns: dict[str, Decimal], file: str) -> None:
        self.table, self.columns, self.file = table, columns, file

    def resolve(self, latest: pd.DataFrame) -> pd.DataFrame:
        from kaohe_cli.errors import InputErrors
        from kaohe_cli.issues import error
        from kaohe_cli.normalize.ratings import read_ratings

        ids = [str(s) for s in latest.index]
        by_name: dict[str, list[str]] = {}
        for s, n in zip(ids, latest["name"]):
            by_name.setdefault(str(n), []).append(s)

        def resolve(ref: str, loc: dict):
            ref = str(ref).strip()
            if ref in ids:
                return ref, None
            if len(by_name.get(ref, [])) == 1:
                return by_name[ref][0], None
            return None, error(f"「{ref}」不是本期汇总的考核对象（或同名多人）",
                               "请核对工号或姓名：应为各期评分中出现的人员", **loc)

        ratings, issues = read_ratings(self.table, list(self.columns), resolve, "工号")
        errors = [i for i in issues if i.is_error]
        values = ratings.values
        for c, top in self.columns.items():
            if c not in values.columns:
                continue
            for s, v in values[c].dropna().items():
                if not 0 <= Decimal(str(v)) <= top:
                    cell = str(ratings.cells.at[s, c]) if c in ratings.cells.columns else ""
                    errors.append(error(f"{cell or c}：「{c}」应在 0 到 {top} 之间（实为 {v:g}）",
                                        "请改正这项评分", file=self.file))
        for c in self.columns:
            col = values[c] if c in values.columns else pd.Series(dtype=float)
            if not len(col.dropna()) and c not in self.table.columns and norm_key(c) not in self.table.extra_columns:
                errors.append(error(f"年终评分表缺少「{c}」列", f"请在「评分」工作表加上「{c}」列", file=self.file))
        if errors:
            raise InputErrors(errors, "年终评分表有错误，未汇总")
        return values.map(lambda v: None if pd.isna(v) else Decimal(str(v))).astype(object)


def norm_key(text: str) -> str:
    from kaohe_cli.text import norm

    return norm(text)


def read_year_ratings(path: Path, scheme: Scheme) -> YearRatings:
    """Read the 评分 sheet of the year-end workbook with the scheme's `[[annual.parts]]` columns."""
    from kaohe_cli.errors import InputErrors
    from kaohe_cli.issues import error
    from kaohe_cli.read.tables import find_sheet, read_table
    from kaohe_cli.read.workbook import read_workbook

    columns = {c: Decimal(p.column_max) for p in (scheme.annual.parts if scheme.annual else []) for c in p.rating_columns}
    if not columns:
        raise UsageError(f"方案 {scheme.id} 的年度得分不读年终评分，不需要 --ratings",
                         "年终评分在方案 [[annual.parts]] 中以 source = \"ratings\" 声明")
    wb = read_workbook(path)
    issues: list = []
    sheet = find_sheet(wb, "评分", issues)
    if sheet is None:
        raise InputErrors(issues or [error("缺少「评分」工作表", f"请在年终评分表中加上「评分」工作表，列：工号、姓名、{'、'.join(columns)}",
                                           file=wb.file)], "年终评分表有错误，未汇总")
    table, probs = read_table(sheet, "评分")
    errors = [i for i in probs if i.is_error]
    if table is None or errors:
        raise InputErrors(errors or probs, "年终评分表有错误，未汇总")
    return YearRatings(table, columns, wb.file)


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
    if result.ratings is not None:  # the year-end ratings used, kept for decide and later runs
        meta["options"]["ratings"] = {str(s): {str(c): str(v) for c, v in row.items() if v is not None and not pd.isna(v)}
                                      for s, row in result.ratings.iterrows()}
    with open_archive(db, create=False) as arc:
        return arc.record_summary(meta, rows)
