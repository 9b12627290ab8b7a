"""`kaohe history`: the runs in the archive, or one subject's record across periods and years.

A subject's record is the latest run of each (period, scheme), with the committee's decisions
applied. Where a scheme declares multi-year rules (caizheng), each year's position is the rank
of the subject's mean period total among every subject of that scheme in that year (latest run
of each period), and the rules that hold for the latest consecutive years are flagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli.app.decide import with_decided_grades
from kaohe_cli.errors import SchemeError
from kaohe_cli.scheme import load_scheme
from kaohe_cli.scheme.model import parse_quota
from kaohe_cli.store.archive import RunInfo, open_archive

__all__ = ["SubjectRecord", "YearRank", "recorded_runs", "streak_flags", "subject_record", "year_ranks"]


def recorded_runs(db: Path) -> list[RunInfo]:
    """Every run in the archive, oldest first."""
    with open_archive(db, readonly=True) as arc:
        return arc.runs()


@dataclass
class YearRank:
    """Where a subject stood in one year of one scheme: its mean period total and rank."""

    scheme_id: str
    year: str
    mean: Decimal
    rank: int
    n: int
    top: bool
    bottom: bool


@dataclass
class SubjectRecord:
    """One subject's results across periods, and across years where the scheme ranks them."""

    records: pd.DataFrame  # period, scheme_id, scheme_name, subject, name, dept, total, grade, rank, run_id
    years: list[YearRank]
    flags: list[str]  # the texts of the multi-year rules that hold


def subject_record(db: Path, who: str) -> SubjectRecord:
    """The record of one person or unit (工号, name or unit name); no match → `NotFound`."""
    with open_archive(db, readonly=True) as arc:
        frame = with_decided_grades(arc, arc.subject_history(who))
        ranks, flags = _multi_year(arc, frame)
    return SubjectRecord(frame, ranks, flags)


def _multi_year(arc, frame: pd.DataFrame) -> tuple[list[YearRank], list[str]]:
    """Yearly ranks of the subject, and the multi-year flags of schemes that declare them
    (only when the record is of one subject, not of several people sharing a name)."""
    subjects = list(dict.fromkeys(frame["subject"]))
    if len(subjects) != 1:
        return [], []
    schemes = list(dict.fromkeys(frame["scheme_id"]))
    multi = {}
    for sid in schemes:
        try:
            s = load_scheme(sid)
        except SchemeError:
            continue
        if s.annual and s.annual.multi_year:
            multi[sid] = dict(s.annual.multi_year)
    ranks = year_ranks(arc, subjects[0], schemes, multi)
    return ranks, streak_flags(ranks, multi)


def year_ranks(arc, subject: str, scheme_ids: list[str], multi: dict[str, dict]) -> list[YearRank]:
    """The subject's rank in each year of each scheme where it has a result."""
    out: list[YearRank] = []
    for sid in scheme_ids:
        latest = arc.latest_run_ids(sid)
        years = sorted({p[:4] for p in latest})
        rule = multi.get(sid, {})
        for y in years:
            ids = [rid for p, rid in latest.items() if p[:4] == y]
            frame = arc.period_scores(ids)
            if frame.empty or subject not in set(frame["subject"]):
                continue
            cents = frame["total"].map(lambda t: int(Decimal(t) * 100))
            means = cents.groupby(frame["subject"]).mean()
            ranks = means.rank(method="min", ascending=False).astype(int)
            n = len(means)
            rank = int(ranks[subject])
            top = _within(rule.get("top_share"), n, rank)
            bottom = _within(rule.get("bottom_share"), n, n - rank + 1) if rule.get("bottom_share") else False
            out.append(YearRank(sid, y, Decimal(str(means[subject])) / 100, rank, n, top, bottom))
    return out


def _within(share: str | None, n: int, position: int) -> bool:
    if not share:
        return False
    kind, value = parse_quota(share)
    k = math.floor(n * value) if kind == "share" else int(value)
    return position <= max(1, k)


def streak_flags(ranks: list[YearRank], multi: dict[str, dict]) -> list[str]:
    """Texts of the multi-year rules that hold for the latest consecutive years."""
    flags: list[str] = []
    by_scheme: dict[str, list[YearRank]] = {}
    for r in ranks:
        by_scheme.setdefault(r.scheme_id, []).append(r)
    for sid, items in by_scheme.items():
        rule = multi.get(sid) or {}
        items.sort(key=lambda r: r.year)
        for side in ("top", "bottom"):
            need = int(rule.get(f"{side}_years", 0) or 0)
            if not need:
                continue
            run = best = 0
            prev_year = None
            for r in items:
                hit = r.top if side == "top" else r.bottom
                consecutive = prev_year is not None and int(r.year) == prev_year + 1
                run = (run + 1 if consecutive else 1) if hit else 0
                prev_year = int(r.year)
                best = max(best, run)
            if best >= need:
                flags.append(rule.get(f"{side}_text") or f"连续{need}年排名{'靠前' if side == 'top' else '靠后'}")
    return flags
