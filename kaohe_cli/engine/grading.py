"""Grades: thresholds, quotas per group, ceilings, forced grades and ties at a quota edge.

The algorithm (SCHEMES.md, "Rules shared by every scheme"):

- Subjects with no grade (不确定等次) take no part and are not counted in N. Their 等次 cell
  says 不确定等次, or the words of the rule that took them out (`no_grade_text`: a no_grade
  rule's `grade_text`, 不参加年度考核); `actions.ungraded_texts(scheme)` lists them all.
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
  cannot change a grade set by a rule (forced, no grade): those are reported as
  `conflicts` of kind "unqualified" or "fixed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kaohe_cli.domain.groups import group_labels
from kaohe_cli.scheme.model import Grading, parse_quota

TIED = "并列待定"
NO_GRADE = "不确定等次"
"""The 等次 cell of a subject a no_grade rule took out of the grading, unless the rule says it
in its own words (`grade_text`)."""


def no_grade_cells(idx: pd.Index, no_grade: pd.Series, no_grade_text: pd.Series | None) -> pd.Series:
    """subject → its 等次 cell if a rule took it out of the grading (else ""): the rule's words
    (`no_grade_text`, "" = none) or 不确定等次."""
    ng = no_grade.reindex(idx, fill_value=False).astype(bool)
    text = (no_grade_text.reindex(idx).fillna("").astype(str) if no_grade_text is not None
            else pd.Series("", index=idx, dtype=object))
    shown = text.where(text != "", NO_GRADE)
    return shown.where(ng, "").astype(object)


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
    no_grade_text: pd.Series | None = None,  # subject → its 等次 text when no_grade ("" = 不确定等次)
    ceiling: pd.Series | None = None,  # subject → lowest-allowed grade index (0 = best) or -1
    not_eligible: dict[str, pd.Series] | None = None,  # grade → bool series
    tie_keys: pd.DataFrame | None = None,  # extra sort keys, larger is better
    quotas: dict[str, str] | None = None,  # run-time overrides: grade → "15%" / "4"
    preset: pd.Series | None = None,  # subject → grade decided beforehand (committee); takes a quota place
) -> GradeResult:
    idx = score.index
    forced = forced if forced is not None else pd.Series("", index=idx)
    no_grade = no_grade if no_grade is not None else pd.Series(False, index=idx)
    ceiling = ceiling if ceiling is not None else pd.Series(-1, index=idx)
    preset = preset.reindex(idx).fillna("") if preset is not None else pd.Series("", index=idx)
    quotas = quotas or {}
    shown = no_grade_cells(idx, no_grade, no_grade_text)
    if not grading.grades:  # a scheme that scores without grades: every 等次 is blank
        blank = pd.Series(grading.none, index=idx, dtype=object).where(shown == "", shown)
        return GradeResult(blank, [], {}, [])
    placing = _Placing(score, forced, shown, ceiling, preset, tie_keys)
    last = grading.grades[-1]
    catch_all = last.min is None and last.quota is None and not last.quota_required
    missing: list[str] = []
    for pos, grade in enumerate(grading.grades):
        if catch_all and pos == len(grading.grades) - 1:
            break
        qualifies, preset_here = placing.candidates(grade, pos, (not_eligible or {}).get(grade.name))
        spec = quotas.get(grade.name, grade.quota)
        if spec is None and grade.quota_required:
            missing.append(grade.name)
        elif spec is None:
            placing.give_all(grade.name, qualifies)
        else:
            for gname, members in _group_positions(idx, groups, grade.quota_group or grading.quota_group):
                placing.give_quota(grade, spec, gname, members, qualifies, preset_here)
    placing.grades[placing.open] = last.name if catch_all else grading.none
    return GradeResult(pd.Series(placing.grades, index=idx, dtype=object), placing.uses, placing.notes, missing,
                       placing.conflicts)


class _Placing:
    """Who has which grade so far, as arrays over the subjects.

    The quota groups (one per 分管领导: ~100 of them on 10,000 staff) are handled by positions,
    without a 10,000-long Series per group.
    """

    def __init__(self, score, forced, shown, ceiling, preset, tie_keys) -> None:
        idx = score.index
        no_grade = shown != ""  # shown: the 等次 cell of whom a rule took out of the grading
        self.idx = idx
        self.notes: dict[str, list[str]] = {}
        self.uses: list[QuotaUse] = []
        self.conflicts: list[DecisionConflict] = []
        result = pd.Series("", index=idx, dtype=object)
        result[no_grade.to_numpy()] = shown[no_grade]
        has_forced = (forced != "") & ~no_grade
        result[has_forced.to_numpy()] = forced[has_forced]
        open_ = ~no_grade & ~has_forced  # still to be placed
        fixed = (preset != "") & ~open_ & (preset != result)
        for grade_name in dict.fromkeys(preset[fixed]):
            self.conflicts.append(DecisionConflict(
                "fixed", grade_name, "", [str(x) for x in idx[fixed & (preset == grade_name)]]))
        decided = (preset != "") & open_
        result[decided.to_numpy()] = preset[decided]
        open_ &= ~decided
        keys = pd.DataFrame({"_score": score.astype("int64")}, index=idx)
        if tie_keys is not None and len(tie_keys.columns):
            keys = keys.join(tie_keys)
        self.keys = keys.to_numpy(dtype="int64")  # score, then tie-breakers: larger is better
        self.grades = result.to_numpy(dtype=object, copy=True)
        self.open = open_.to_numpy(dtype=bool).copy()
        self.counted = (~no_grade).to_numpy(dtype=bool)  # counted in N
        self.score = score.to_numpy(dtype="int64")
        self.ceiling = ceiling.reindex(idx).to_numpy(dtype="int64")
        self.decided = decided.to_numpy(dtype=bool)
        self.preset = preset.to_numpy(dtype=object)

    def candidates(self, grade, pos: int, blocked: pd.Series | None):
        """(who qualifies for `grade`, who the committee decided it for); an unqualified decision is a conflict."""
        qualifies = np.ones(len(self.idx), dtype=bool)
        if grade.min is not None:
            qualifies &= self.score >= _cents(grade.min)
        if blocked is not None:
            qualifies &= ~blocked.reindex(self.idx, fill_value=False).to_numpy(dtype=bool)
        qualifies &= (self.ceiling < 0) | (self.ceiling <= pos)
        preset_here = self.decided & (self.preset == grade.name)
        unqualified = preset_here & ~qualifies
        if unqualified.any():
            self.conflicts.append(DecisionConflict("unqualified", grade.name, "", [str(x) for x in self.idx[unqualified]]))
        return qualifies, preset_here

    def give_all(self, name: str, qualifies) -> None:
        pool = self.open & qualifies
        self.grades[pool] = name
        self.open &= ~pool

    def fill(self, cand, places):
        """(chosen, tied) positions: the best `places` of `cand`, a tie across the edge held back."""
        if len(cand) == 0 or places <= 0:
            return cand[:0], cand[:0]
        keys = self.keys
        # best first; a stable sort keeps roster order among full ties
        cand = cand[np.lexsort(tuple(-keys[cand, j] for j in reversed(range(keys.shape[1]))))]
        if places >= len(cand):
            return cand, cand[:0]
        edge = keys[cand[places - 1]]
        if (keys[cand[places]] == edge).all():
            at_edge = (keys[cand] == edge).all(axis=1)
            return cand[: int(np.argmax(at_edge))], cand[at_edge]  # strictly better than the edge; the tie
        return cand[:places], cand[:0]

    def give_quota(self, grade, spec: str, gname: str, members, qualifies, preset_here) -> None:
        """Fill `grade`'s places in one group: the decided first, then by rank; a tie at the edge waits."""
        pool = self.open & qualifies
        n = int(self.counted[members].sum())
        places = quota_places(spec, n, grade.rounding)
        mine = members[preset_here[members]]
        use = QuotaUse(grade.name, gname, n, spec, places, len(mine))
        self.uses.append(use)
        left = places - len(mine)
        chosen, tied = self.fill(members[pool[members]], left)
        if len(mine):
            self._decided_conflicts(grade.name, gname, members, pool | (preset_here & qualifies), mine, chosen,
                                    places, left)
        self.grades[chosen] = grade.name
        use.granted = len(mine) + len(chosen)
        if len(tied):
            self.grades[tied] = TIED
            use.tied = [str(self.idx[t]) for t in tied]
            for t in use.tied:
                self.notes.setdefault(t, []).append(
                    f"与{len(tied) - 1}人同分并列于「{grade.name}」名额边缘（{gname}：名额{places}人），待集体研究决定"
                )
        self.open[chosen] = False
        self.open[tied] = False

    def _decided_conflicts(self, grade: str, gname: str, members, eligible, mine, chosen, places: int, left: int):
        """Who would hold a place without the decisions: anyone of them who loses it is displaced."""
        natural, _ = self.fill(members[eligible[members]], places)
        losers = np.setdiff1d(natural, np.concatenate([chosen, mine]))
        idx = self.idx
        if left < 0:
            self.conflicts.append(DecisionConflict("over_quota", grade, gname, [str(idx[m]) for m in mine],
                                                   [str(idx[x]) for x in losers], places))
        elif len(losers):
            newcomers = np.setdiff1d(mine, natural)
            self.conflicts.append(DecisionConflict("displaces", grade, gname, [str(idx[m]) for m in newcomers],
                                                   [str(idx[x]) for x in losers], places))


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


