"""A rule's grade action means the same in a period and in the year: one function applies it.

Before, the annual step let a later ceiling overwrite a stricter one, ignored a ceiling whose
grade the grading lacks, and blocked every grade for a not_eligible rule without `grades`.
"""

from __future__ import annotations

import pandas as pd

from kaohe_cli.engine import annual
from kaohe_cli.engine.grading import apply_grade_action
from kaohe_cli.scheme.model import Grade, Grading, Rule

NAMES = ["优秀", "良好", "称职", "不称职"]
GRADING = Grading(grades=[Grade(name=n) for n in NAMES])


def _rule(**kw):
    base = {"name": kw.pop("name", "规则"), "action": kw.pop("action"), "when": {"items": ["旷工"]}}
    return Rule.model_validate({**base, **kw})


def _state(n=3):
    idx = pd.Index([f"p{i}" for i in range(n)])
    return idx, pd.Series("", index=idx, dtype=object), pd.Series(False, index=idx), pd.Series(-1, index=idx), {}


def test_the_stricter_ceiling_wins_in_either_order():
    """p0 gets 称职 (2) then 良好 (1): it stays at 称职; an unknown grade means the lowest (3)."""
    idx, forced, no_grade, ceiling, blocked = _state()
    mask = pd.Series([True, False, True], index=idx)
    apply_grade_action(_rule(action="ceiling", grade="称职"), mask, NAMES, forced, no_grade, ceiling, blocked)
    apply_grade_action(_rule(action="ceiling", grade="良好"), mask, NAMES, forced, no_grade, ceiling, blocked)
    assert list(ceiling) == [2, -1, 2]
    apply_grade_action(_rule(action="ceiling", grade="基本称职"), mask, NAMES, forced, no_grade, ceiling, blocked)
    assert list(ceiling) == [3, -1, 3]


def test_not_eligible_blocks_the_top_grade_by_default_and_the_first_forced_grade_stays():
    idx, forced, no_grade, ceiling, blocked = _state()
    mask = pd.Series([True, True, False], index=idx)
    assert apply_grade_action(_rule(action="not_eligible"), mask, NAMES, forced, no_grade, ceiling, blocked) == ["优秀"]
    assert list(blocked) == ["优秀"] and list(blocked["优秀"]) == [True, True, False]
    apply_grade_action(_rule(action="force_grade", grade="不称职"), mask, NAMES, forced, no_grade, ceiling, blocked)
    apply_grade_action(_rule(action="force_grade", grade="称职"), mask, NAMES, forced, no_grade, ceiling, blocked)
    assert list(forced) == ["不称职", "不称职", ""]
    apply_grade_action(_rule(action="no_grade"), ~mask, NAMES, forced, no_grade, ceiling, blocked)
    assert list(no_grade) == [False, False, True]


def test_the_annual_step_applies_the_same_actions():
    """annual._apply: two ceilings in the 'wrong' order and a not_eligible without grades give
    what the period engine gives, and the blocked grade is written in 资格."""
    idx, forced, no_grade, ceiling, _ = _state()
    reasons: dict[str, list[str]] = {}
    blocked: dict[str, pd.Series] = {}

    def block(mask, why, grades=None):
        for g in grades or NAMES:
            blocked[g] = blocked.get(g, pd.Series(False, index=idx)) | mask
        for s in mask[mask].index:
            reasons.setdefault(s, []).append(why)

    mask = pd.Series([True, False, False], index=idx)
    remarks: dict[str, list[str]] = {}
    for rule in (_rule(action="ceiling", grade="称职"), _rule(action="ceiling", grade="良好"),
                 _rule(name="受处分", action="not_eligible")):
        annual._apply(rule, mask, GRADING, forced, no_grade, ceiling, block, remarks)
    assert list(ceiling) == [2, -1, -1]
    assert list(blocked) == ["优秀"]
    assert reasons == {"p0": ["受处分"]}
