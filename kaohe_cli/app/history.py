"""A subject's record across years, with the multi-year rules a scheme declares (caizheng).

Each year's position is the rank of the subject's mean period total among every subject of
that scheme in that year (latest run of each period).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from kaohe_cli.scheme.model import parse_quota


@dataclass
class YearRank:
    scheme_id: str
    year: str
    mean: Decimal
    rank: int
    n: int
    top: bool
    bottom: bool


def year_ranks(arc, subject: str, scheme_ids: list[str], multi: dict[str, dict]) -> list[YearRank]:
    out: list[YearRank] = []
    for sid in scheme_ids:
        runs = arc.runs(scheme_id=sid)
        latest: dict[str, int] = {}
        for r in runs:  # oldest first: the last one of each period wins
            latest[r.period] = r.id
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
