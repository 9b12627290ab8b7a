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

Committee decisions (`preset`, from `kaohe decide`) are exact:

- A decision for a grade fills a place of that grade's quota in the subject's group. Places
  go first to the decided, then to the others in rank order as above, so a decision for
  someone tied at the edge fills a contested place; the rest of the tie, once the places are
  filled, go on down the grade order, and lower grades' quotas are filled again after them.
- A decision that leaves fewer places than the subjects ranked strictly above the edge takes a
  place from a higher-ranked, untied subject. The grades are still computed (that subject drops
  to the next grade), and the loss is reported in `conflicts`, so the caller can refuse it or,
  when the committee insists (`--displace`), record it and note it for both people.
- A decision for more subjects than the quota has places is reported the same way.
- A decision cannot lift a subject over a threshold, an eligibility rule or a ceiling, and
  cannot change a grade set by a rule (forced, 不确定等次): those are reported as
  `conflicts` of kind "unqualified" or "fixed".
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
class DecisionConflict:
    """A committee decision that takes a place from someone, exceeds a quota or cannot apply."""

    kind: str  # displaces | over_quota | unqualified | fixed
    grade: str
    group: str
    decided: list[str]  # the subjects whose decision is in conflict
    losers: list[str] = field(default_factory=list)  # higher-ranked subjects who lose their place
    places: int = 0


@dataclass
class GradeResult:
    grades: pd.Series  # subject → grade text
    uses: list[QuotaUse]
    notes: dict[str, list[str]]  # subject → remarks
    missing_quota: list[str]  # grades whose required quota was not given
    conflicts: list[DecisionConflict] = field(default_factory=list)


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

    conflicts: list[DecisionConflict] = []

    result[no_grade.to_numpy()] = NO_GRADE
    has_forced = (forced != "") & ~no_grade
    result[has_forced.to_numpy()] = forced[has_forced]
    graded = ~no_grade  # counted in N
    open_ = ~no_grade & ~has_forced  # still to be placed
    preset = preset.reindex(idx).fillna("") if preset is not None else pd.Series("", index=idx)
    fixed = (preset != "") & ~open_ & (preset != result)
    for grade_name in dict.fromkeys(preset[fixed]):
        conflicts.append(DecisionConflict("fixed", grade_name, "", [str(x) for x in idx[fixed & (preset == grade_name)]]))
    decided = (preset != "") & open_
    result[decided.to_numpy()] = preset[decided]
    open_ &= ~decided

    keys = pd.DataFrame({"_score": score.astype("int64")}, index=idx)
    if tie_keys is not None and len(tie_keys.columns):
        keys = keys.join(tie_keys)
    key_matrix = keys.to_numpy(dtype="int64")  # score, then tie-breakers: larger is better
    # Per-subject state as arrays: the quota groups (one per 分管领导: ~100 of them on 10,000
    # staff) are then handled by positions, without a 10,000-long Series per group.
    grades_a = result.to_numpy(dtype=object, copy=True)
    open_a = open_.to_numpy(dtype=bool).copy()
    graded_a = graded.to_numpy(dtype=bool)
    score_a = score.to_numpy(dtype="int64")
    ceiling_a = ceiling.reindex(idx).to_numpy(dtype="int64")
    decided_a = decided.to_numpy(dtype=bool)
    preset_a = preset.to_numpy(dtype=object)

    last = grading.grades[-1]
    catch_all = last.min is None and last.quota is None and not last.quota_required

    def fill(cand, places):
        """(chosen, tied) positions: the best `places` of `cand`, a tie across the edge held back."""
        if len(cand) == 0 or places <= 0:
            return cand[:0], cand[:0]
        # best first; a stable sort keeps roster order among full ties
        cand = cand[np.lexsort(tuple(-key_matrix[cand, j] for j in reversed(range(key_matrix.shape[1]))))]
        if places >= len(cand):
            return cand, cand[:0]
        edge = key_matrix[cand[places - 1]]
        if (key_matrix[cand[places]] == edge).all():
            at_edge = (key_matrix[cand] == edge).all(axis=1)
            return cand[: int(np.argmax(at_edge))], cand[at_edge]  # strictly better than the edge; the tie
        return cand[:places], cand[:0]

    for pos, grade in enumerate(grading.grades):
        if catch_all and pos == len(grading.grades) - 1:
            break
        qualifies = np.ones(len(idx), dtype=bool)
        if grade.min is not None:
            qualifies &= score_a >= _cents(grade.min)
        if grade.name in not_eligible:
            qualifies &= ~not_eligible[grade.name].reindex(idx, fill_value=False).to_numpy(dtype=bool)
        qualifies &= (ceiling_a < 0) | (ceiling_a <= pos)
        pool = open_a & qualifies
        preset_here = decided_a & (preset_a == grade.name)
        unqualified = preset_here & ~qualifies
        if unqualified.any():
            conflicts.append(DecisionConflict("unqualified", grade.name, "", [str(x) for x in idx[unqualified]]))
        spec = quotas.get(grade.name, grade.quota)
        if spec is None and grade.quota_required:
            missing.append(grade.name)
            continue
        if spec is None:
            grades_a[pool] = grade.name
            open_a &= ~pool
            continue
        group_col = grade.quota_group or grading.quota_group
        for gname, members in _group_positions(idx, groups, group_col):
            n = int(graded_a[members].sum())
            places = quota_places(spec, n, grade.rounding)
            mine = members[preset_here[members]]
            use = QuotaUse(grade.name, gname, n, spec, places, len(mine))
            uses.append(use)
            left = places - len(mine)
            chosen, tied = fill(members[pool[members]], left)
            if len(mine):
                # Who would hold a place without the decisions: anyone of them who loses it is displaced.
                natural, _ = fill(members[(pool | (preset_here & qualifies))[members]], places)
                losers = np.setdiff1d(natural, np.concatenate([chosen, mine]))
                if left < 0:
                    conflicts.append(DecisionConflict("over_quota", grade.name, gname, [str(idx[m]) for m in mine],
                                                      [str(idx[x]) for x in losers], places))
                elif len(losers):
                    newcomers = np.setdiff1d(mine, natural)
                    conflicts.append(DecisionConflict("displaces", grade.name, gname, [str(idx[m]) for m in newcomers],
                                                      [str(idx[x]) for x in losers], places))
            grades_a[chosen] = grade.name
            use.granted = len(mine) + len(chosen)
            if len(tied):
                grades_a[tied] = TIED
                use.tied = [str(idx[t]) for t in tied]
                for t in use.tied:
                    notes.setdefault(t, []).append(
                        f"与{len(tied) - 1}人同分并列于「{grade.name}」名额边缘（{gname}：名额{places}人），待集体研究决定"
                    )
            open_a[chosen] = False
            open_a[tied] = False

    grades_a[open_a] = last.name if catch_all else grading.none
    return GradeResult(pd.Series(grades_a, index=idx, dtype=object), uses, notes, missing, conflicts)


def apply_grade_action(rule, mask: pd.Series, names: list[str], forced: pd.Series, no_grade: pd.Series,
                       ceiling: pd.Series, not_eligible: dict[str, pd.Series]) -> list[str]:
    """What a rule that acts on grades does to the subjects in `mask`, in place: the one place
    both the period engine and the annual step apply `force_grade`, `no_grade`, `ceiling` and
    `not_eligible` (scheme/model.py documents them).

    - force_grade: the rule's grade, unless an earlier rule forced one;
    - no_grade: 不确定等次;
    - ceiling: no better than the rule's grade; with several ceilings the stricter wins; a grade
      the grading does not have means the lowest grade;
    - not_eligible: the rule's grades, by default the top grade.
    Returns the grades a not_eligible rule blocks ([] for other actions), for the 资格 column.
    """
    if rule.action == "force_grade":
        forced[mask & (forced == "")] = rule.grade
    elif rule.action == "no_grade":
        no_grade[mask] = True
    elif rule.action == "ceiling":
        pos = names.index(rule.grade) if rule.grade in names else len(names) - 1
        ceiling[mask] = np.maximum(ceiling[mask], pos)
    elif rule.action == "not_eligible":
        blocked = list(rule.grades) or names[:1]
        for g in blocked:
            prev = not_eligible.get(g, pd.Series(False, index=mask.index))
            not_eligible[g] = prev | mask
        return blocked
    return []


def group_labels(frame: pd.DataFrame | None, column: str | None, idx: pd.Index) -> pd.Series:
    """Each subject's group by a roster column; blank → 未指定; no column → one group 全体."""
    if not column or frame is None or column not in frame.columns:
        return pd.Series("全体", index=idx, dtype=object)
    return frame[column].reindex(idx).fillna("").astype(str).replace("", UNGROUPED)


def _group_positions(idx: pd.Index, groups: pd.DataFrame | None, column: str | None):
    """(group label, positions of its members in `idx`, ascending), groups in order of first appearance."""
    if not column or groups is None or column not in groups.columns:
        yield "全体", np.arange(len(idx))
        return
    codes, labels = pd.factorize(group_labels(groups, column, idx), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
    for k, label in enumerate(labels):
        yield str(label), order[bounds[k]: bounds[k + 1]]


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


