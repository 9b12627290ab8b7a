"""What a rule sees and what it changes: the one context the period engine and the annual step share.

A `RuleContext` holds the subjects, the ledger lines a condition reads, the ranks once they are
known, and the grade inputs that rule actions change (`GradeInputs`). Both engines build one,
evaluate each rule's condition with `engine.conditions.holds` and hand the hits to
`engine.actions.apply_rule`; neither applies an action itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

import pandas as pd

from kaohe_cli.domain.period import Period
from kaohe_cli.issues import Issue

WorkdayCounter = Callable[[object, object], int]


@dataclass
class GradeInputs:
    """Per subject: what rules decided about grades, before grading.

    - forced: a grade set by a rule ("" = none);
    - no_grade: outside the grading and not counted in N;
    - no_grade_text: the 等次 cell of a no_grade subject, in the words of the rule that took it
      out (its `grade_text`, 不参加年度考核); "" = 不确定等次;
    - ceiling: the position (0 = best) of the best grade still allowed, -1 = no ceiling;
    - not_eligible: grade → subjects who may not get it.
    """

    forced: pd.Series
    no_grade: pd.Series
    ceiling: pd.Series
    not_eligible: dict[str, pd.Series] = field(default_factory=dict)
    no_grade_text: pd.Series | None = None

    def __post_init__(self) -> None:
        if self.no_grade_text is None:
            self.no_grade_text = pd.Series("", index=self.no_grade.index, dtype=object)

    @classmethod
    def empty(cls, idx: pd.Index) -> "GradeInputs":
        return cls(
            forced=pd.Series("", index=idx, dtype=object),
            no_grade=pd.Series(False, index=idx),
            ceiling=pd.Series(-1, index=idx),
        )

    def as_dict(self) -> dict:
        """The shape a run records (to grade it again with committee decisions)."""
        return {"forced": self.forced, "no_grade": self.no_grade, "ceiling": self.ceiling,
                "not_eligible": self.not_eligible, "no_grade_text": self.no_grade_text}


@dataclass
class RuleContext:
    """The subjects, the lines and the grade state one set of rules acts on.

    `lines` is a ledger frame with at least subject, item, quantity (float), annual, counted,
    component, kind and points. `period_lines_only` conditions read the lines of the periods
    (not the year-end items). `ranks` is None until totals are ranked: a `rank_last` condition
    is evaluated only after that.
    """

    subjects: pd.DataFrame  # index: subject id; roster or unit columns (Chinese names)
    lines: pd.DataFrame
    grade_names: list[str]
    period: Period | None = None
    count_workdays: WorkdayCounter | None = None
    ranks: pd.Series | None = None
    scores: pd.Series | None = None  # the rounded totals in cents, once ranked
    grades: GradeInputs | None = None
    remarks: dict[str, list[str]] = field(default_factory=dict)  # subject → 备注 texts
    eligibility: dict[str, list[str]] = field(default_factory=dict)  # subject → why not eligible (资格)
    flags: dict[str, list[str]] = field(default_factory=dict)  # subject → rule flags, for HR lists
    acted: dict[str, list[str]] = field(default_factory=dict)  # subject → names of the rules that acted
    zeroed: pd.Series | None = None  # zero_total: subjects whose total is 0
    points: dict[str, Decimal] = field(default_factory=dict)  # deduct/bonus in the year: subject → signed points
    new_lines: list[pd.DataFrame] = field(default_factory=list)  # ledger lines actions added (period)
    lines_explain: bool = True  # an action's own ledger line says what it did (period), else a remark does
    eligibility_shown: bool = False  # the result has a 资格 column (the year): it says why, not 备注
    # History, for the annual step only (None in a period: the history conditions hold for nobody):
    period_grades: pd.DataFrame | None = None  # subject × sub-period code (the level below) → grade
    period_scores: pd.DataFrame | None = None  # subject × sub-period code (the level below) → Decimal score
    past_grades: pd.DataFrame | None = None  # subject × earlier year code ("2022") → kept annual grade
    issues: list[Issue] = field(default_factory=list)  # a condition that cannot be judged (each once)

    def __post_init__(self) -> None:
        if self.grades is None:
            self.grades = GradeInputs.empty(self.idx)
        if self.zeroed is None:
            self.zeroed = pd.Series(False, index=self.idx)

    @property
    def idx(self) -> pd.Index:
        return self.subjects.index

    def issue(self, issue: Issue) -> None:
        """Report `issue` once, however often a condition is evaluated."""
        if issue not in self.issues:
            self.issues.append(issue)

    def remark(self, mask: pd.Series, text: str) -> None:
        for s in mask[mask].index:
            self.remarks.setdefault(s, []).append(text)

    def not_eligible_because(self, mask: pd.Series, why: str, grades: list[str]) -> None:
        """Block `grades` for the subjects in `mask`, and say why in 资格."""
        ne = self.grades.not_eligible
        for g in grades:
            ne[g] = ne.get(g, pd.Series(False, index=self.idx)) | mask
        for s in mask[mask].index:
            self.eligibility.setdefault(s, []).append(why)
