"""Grades: thresholds, quotas per group, ceilings, forced grades and ties at a quota edge.

The algorithm (SCHEMES.md, "Rules shared by every scheme"):

- Subjects with no grade (不确定等次) take no part and are not counted in N.
- A forced grade is final: the subject counts in N but takes no quota place.
- Grades are filled best first. A grade's pool is every subject still without a grade who
  reaches its threshold, is eligible for it and is not held below it by a ceiling.
- With a quota, the pool is sorted by score (then the tie-breakers) and the first k take the
  grade. Subjects tied across the edge are all marked 并列待定 and keep that mark: they do
  not drop into a lower grade. The quota is never exceeded.
- Whoever is left gets the catch-all grade (the last grade when it has no threshold and no
  quota), or `grading.none`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kaohe_cli.scheme.model import Grading, parse_quota

TIED = "并列待定"
NO_GRADE = "不确定等次"
UNGROUPED = "未指定"


@dataclass
class QuotaUse:
    """What one quota did in one group: for the 说明 sheet and the summary."""

    grade: str
    group: str
    n: int
    quota: str
    places: int
    granted: int
    tied: list[str] = field(default_factory=list)


@dataclass
class GradeResult:
    grades: pd.Series  # subject → grade text
    uses: list[QuotaUse]
    notes: dict[str, list[str]]  # subject → remarks
    missing_quota: list[str]  # grades whose required quota was not given


def quota_places(spec: str, n: int, rounding: str = "floor") -> int:
    kind, value = parse_quota(spec)
    if kind == "count":
        return int(value)
    exact = Decimal(n) * value
    mode = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "round": ROUND_HALF_UP}[rounding]
    return int(exact.to_integral_value(rounding=mode))


def assign_grades(
    grading: Grading,
    score: pd.Series,  # subject → rounded score in cents (int)
    *,
    groups: pd.DataFrame | None = None,  # subject × roster columns used as quota groups
    forced: pd.Series | None = None,  # subject → grade name or ""
    no_grade: pd.Series | None = None,  # subject → bool
    ceiling: pd.Series | None = None,  # subject → lowest-allowed grade index (0 = best) or -1
    not_eligible: dict[str, pd.Series] | None = None,  # grade → bool series
    tie_keys: pd.DataFrame | None = None,  # extra sort keys, larger is better
    quotas: dict[str, str] | None = None,  # run-time overrides: grade → "15%" / "4"
    preset: pd.Series | None = None,  # subject → grade decided beforehand (committee); takes a quota place
) -> GradeResult:
    idx = score.index
    names = grading.names
    forced = forced if forced is not None else pd.Series("", index=idx)
    no_grade = no_grade if no_grade is not None else pd.Series(False, index=idx)
    ceiling = ceiling if ceiling is not None else pd.Series(-1, index=idx)
    not_eligible = not_eligible or {}
    quotas = quotas or {}

    result = pd.Series("", index=idx, dtype=object)
    notes: dict[str, list[str]] = {}
    uses: list[QuotaUse] = []
    missing: list[str] = []

    result[no_grade.to_numpy()] = NO_GRADE
    has_forced = (forced != "") & ~no_grade
    result[has_forced.to_numpy()] = forced[has_forced]
    graded = ~no_grade  # counted in N
    open_ = ~no_grade & ~has_forced  # still to be placed
    preset = preset.reindex(idx).fillna("") if preset is not None else pd.Series("", index=idx)
    decided = (preset != "") & open_
    result[decided.to_numpy()] = preset[decided]
    open_ &= ~decided

    keys = pd.DataFrame({"_score": score.astype("int64")}, index=idx)
    if tie_keys is not None and len(tie_keys.columns):
        keys = keys.join(tie_keys)
    key_cols = list(keys.columns)

    last = grading.grades[-1]
    catch_all = last.min is None and last.quota is None and not last.quota_required

    for pos, grade in enumerate(grading.grades):
        if catch_all and pos == len(grading.grades) - 1:
            break
        pool = open_.copy()
        if grade.min is not None:
            pool &= score >= _cents(grade.min)
        if grade.name in not_eligible:
            pool &= ~not_eligible[grade.name].reindex(idx, fill_value=False)
        pool &= (ceiling < 0) | (ceiling <= pos)
        spec = quotas.get(grade.name, grade.quota)
        if spec is None and grade.quota_required:
            missing.append(grade.name)
            continue
        if spec is None:
            result[pool.to_numpy()] = grade.name
            open_ &= ~pool
            continue
        group_col = grade.quota_group or grading.quota_group
        for gname, members in _groups(idx, groups, group_col):
            in_group = pd.Series(False, index=idx)
            in_group[members] = True
            n = int((graded & in_group).sum())
            places = quota_places(spec, n, grade.rounding)
            taken = int((decided & in_group & (preset == grade.name)).sum())
            cand = keys[(pool & in_group).to_numpy()]
            use = QuotaUse(grade.name, gname, n, spec, places, taken)
            uses.append(use)
            places -= taken
            if cand.empty or places <= 0:
                continue
            cand = cand.sort_values(key_cols, ascending=False, kind="mergesort")
            if places >= len(cand):
                chosen = list(cand.index)
                tied: list = []
            else:
                edge = tuple(cand.iloc[places - 1])
                after = tuple(cand.iloc[places])
                if edge == after:
                    at_edge = (cand[key_cols] == pd.Series(edge, index=key_cols)).all(axis=1)
                    above = _strictly_better(cand, key_cols, edge)
                    chosen = list(cand.index[above.to_numpy()])
                    tied = list(cand.index[at_edge.to_numpy()])
                else:
                    chosen = list(cand.index[:places])
                    tied = []
            result[chosen] = grade.name
            use.granted = taken + len(chosen)
            if tied:
                result[tied] = TIED
                use.tied = [str(t) for t in tied]
                for t in tied:
                    notes.setdefault(t, []).append(
                        f"与{len(tied) - 1}人同分并列于「{grade.name}」名额边缘（{gname}：名额{places}人），待集体研究决定"
                    )
            open_[chosen] = False
            open_[tied] = False

    rest = open_
    if catch_all:
        result[rest.to_numpy()] = last.name
    else:
        result[rest.to_numpy()] = grading.none
    return GradeResult(result, uses, notes, missing)


def _strictly_better(cand: pd.DataFrame, cols: list[str], edge: tuple) -> pd.Series:
    """Lexicographic (score, tie-breakers…) > edge."""
    better = pd.Series(False, index=cand.index)
    equal = pd.Series(True, index=cand.index)
    for col, val in zip(cols, edge):
        better |= equal & (cand[col] > val)
        equal &= cand[col] == val
    return better


def group_labels(frame: pd.DataFrame | None, column: str | None, idx: pd.Index) -> pd.Series:
    """Each subject's group by a roster column; blank → 未指定; no column → one group 全体."""
    if not column or frame is None or column not in frame.columns:
        return pd.Series("全体", index=idx, dtype=object)
    return frame[column].reindex(idx).fillna("").astype(str).replace("", UNGROUPED)


def _groups(idx: pd.Index, groups: pd.DataFrame | None, column: str | None):
    if not column or groups is None or column not in groups.columns:
        yield "全体", list(idx)
        return
    labels = group_labels(groups, column, idx)
    for name, members in labels.groupby(labels, sort=False):
        yield str(name), list(members.index)


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def competition_rank(score: pd.Series) -> pd.Series:
    """1, 2, 2, 4 — equal scores share the best rank (Excel RANK.EQ)."""
    if score.empty:
        return pd.Series([], dtype="int64", index=score.index)
    return score.rank(method="min", ascending=False).astype("int64")


def band_points(rank: np.ndarray, n: np.ndarray, bands, otherwise) -> np.ndarray:
    """Rank bands: r ≤ upto·N gives the band's points, tested exactly with integers."""
    out = np.full(len(rank), -1, dtype=object)
    for band in bands:
        frac = Decimal(band.upto)
        num, den = frac.as_integer_ratio()
        hit = (rank * den <= n * num) & (out == -1)
        out[hit] = band.points
    out[out == -1] = otherwise
    return out


