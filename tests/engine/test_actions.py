"""Rule actions (`engine/actions.py`) through their one dispatcher, `apply_rule`: a few subjects,
the rules applied in order, and the grade state, ledger lines and 备注/资格 worked out by hand.

Subjects are a, b, c; grades 优秀 (0), 称职 (1), 基本称职 (2), 不称职 (3).
"""

from __future__ import annotations

import pandas as pd
import pytest

from kaohe_cli.engine.actions import ACTIONS, apply_rule
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.model import Rule

NAMES = ["优秀", "称职", "基本称职", "不称职"]
IDX = ["a", "b", "c"]
M = 1_000_000  # micro-points per point


def _rule(action: str, name: str = "规则", when=None, **kw) -> Rule:
    return Rule.model_validate({"name": name, "action": action, "when": when or {"items": ["旷工"]}, **kw})


def _ctx(lines=None, *, explain: bool = True) -> RuleContext:
    subjects = pd.DataFrame(index=pd.Index(IDX))
    return RuleContext(subjects, lines if lines is not None else L.empty(), NAMES, lines_explain=explain)


def _mask(*values: bool) -> pd.Series:
    return pd.Series(list(values), index=IDX)


def test_every_action_of_the_scheme_language_has_one_function():
    assert sorted(ACTIONS) == ["bonus", "ceiling", "deduct", "flag", "force_grade", "no_grade", "not_eligible",
                              "zero_component", "zero_total"]


# ---- grade actions: the state they leave -----------------------------------------------------

GRADE_CASES = [
    # ceiling: the position of the best grade allowed; the stricter wins in either order
    pytest.param([({"action": "ceiling", "grade": "称职"}, (True, False, True)),
                  ({"action": "ceiling", "grade": "基本称职"}, (True, True, False))],
                 {"ceiling": [2, 2, 1]}, id="ceiling: stricter later"),
    pytest.param([({"action": "ceiling", "grade": "基本称职"}, (True, True, False)),
                  ({"action": "ceiling", "grade": "称职"}, (True, False, True))],
                 {"ceiling": [2, 2, 1]}, id="ceiling: stricter first stays"),
    # a grade the grading does not declare: the lowest grade (不称职, 3)
    pytest.param([({"action": "ceiling", "grade": "差"}, (False, True, False))],
                 {"ceiling": [-1, 3, -1]}, id="ceiling: undeclared grade means the lowest"),
    pytest.param([({"action": "ceiling", "grade": "优秀"}, (True, False, False))],
                 {"ceiling": [0, -1, -1]}, id="ceiling at the top grade is still a ceiling (0)"),
    # force_grade: the first rule's grade stays
    pytest.param([({"action": "force_grade", "grade": "不称职"}, (True, False, False)),
                  ({"action": "force_grade", "grade": "称职"}, (True, True, False))],
                 {"forced": ["不称职", "称职", ""]}, id="force_grade: first wins"),
    # no_grade
    pytest.param([({"action": "no_grade"}, (False, True, True))],
                 {"no_grade": [False, True, True]}, id="no_grade"),
    # not_eligible: without grades, the top grade only
    pytest.param([({"action": "not_eligible", "name": "受处分"}, (True, True, False))],
                 {"not_eligible": {"优秀": [True, True, False]}, "eligibility": {"a": ["受处分"], "b": ["受处分"]}},
                 id="not_eligible: default is the top grade"),
    pytest.param([({"action": "not_eligible", "name": "受处分", "grades": ["优秀", "称职"], "flag": "处分期"},
                   (False, False, True))],
                 {"not_eligible": {"优秀": [False, False, True], "称职": [False, False, True]},
                  "eligibility": {"c": ["处分期"]}},
                 id="not_eligible: listed grades, said with the flag"),
    # two not_eligible rules on the same grade: either blocks it; both reasons are said
    pytest.param([({"action": "not_eligible", "name": "甲"}, (True, False, False)),
                  ({"action": "not_eligible", "name": "乙"}, (True, True, False))],
                 {"not_eligible": {"优秀": [True, True, False]}, "eligibility": {"a": ["甲", "乙"], "b": ["乙"]}},
                 id="not_eligible: blocks add up"),
]

UNTOUCHED = {"forced": ["", "", ""], "no_grade": [False, False, False], "ceiling": [-1, -1, -1],
             "not_eligible": {}, "eligibility": {}}


@pytest.mark.parametrize("explain", [True, False], ids=["period", "annual"])
@pytest.mark.parametrize("steps, expected", GRADE_CASES)
def test_grade_actions(steps, expected, explain):
    """A grade action leaves the same state in a period context and in an annual one."""
    ctx = _ctx(explain=explain)
    for kw, mask in steps:
        apply_rule(_rule(**kw), _mask(*mask), ctx)
    want = {**UNTOUCHED, **expected}
    g = ctx.grades
    assert list(g.forced) == want["forced"]
    assert [bool(v) for v in g.no_grade] == want["no_grade"]
    assert [int(v) for v in g.ceiling] == want["ceiling"]
    assert {k: [bool(x) for x in v] for k, v in g.not_eligible.items()} == want["not_eligible"]
    assert ctx.eligibility == want["eligibility"]
    assert ctx.new_lines == [] and [bool(v) for v in ctx.zeroed] == [False, False, False]


def test_a_grade_action_is_recorded_and_remarked_with_its_flag():
    """Each hit is recorded: acted (rule names), flags (flag, else name) and 备注 (a grade action
    has no ledger line of its own to say it)."""
    ctx = _ctx()
    apply_rule(_rule("ceiling", name="旷工超过2天", grade="称职", flag="旷工"), _mask(True, False, False), ctx)
    apply_rule(_rule("no_grade", name="新入职"), _mask(True, True, False), ctx)
    assert ctx.acted == {"a": ["旷工超过2天", "新入职"], "b": ["新入职"]}
    assert ctx.flags == {"a": ["旷工", "新入职"], "b": ["新入职"]}
    assert ctx.remarks == {"a": ["旷工", "新入职"], "b": ["新入职"]}


def test_an_empty_mask_records_nothing():
    ctx = _ctx()
    apply_rule(_rule("force_grade", grade="不称职"), _mask(False, False, False), ctx)
    assert list(ctx.grades.forced) == ["", "", ""]
    assert ctx.acted == {} and ctx.flags == {} and ctx.remarks == {}


def test_a_mask_is_taken_on_the_context_subjects():
    """A mask over other subjects: unknown ones are dropped, missing ones do not act."""
    ctx = _ctx()
    apply_rule(_rule("no_grade"), pd.Series([True, True], index=["c", "z"]), ctx)
    assert [bool(v) for v in ctx.grades.no_grade] == [False, False, True]
    assert ctx.acted == {"c": ["规则"]}


# ---- zero_component --------------------------------------------------------------------------


def _component_lines() -> pd.DataFrame:
    """a: 考勤工作 30 − 4 (旷工), 常规工作 25 − 2 (泄密 on 常规工作); b: 考勤工作 30, 常规工作 25, and a
    泄密 line outside any component; c: 考勤工作 30 − 30 (already 0), 常规工作 25.
    Lines that must not count: a's uncounted −1, a's year-end −3, a's weight line −5."""
    rows = [
        ("a", "", "考勤工作", "base", 30, True, False), ("a", "旷工", "考勤工作", "deduction", -4, True, False),
        ("a", "", "常规工作", "base", 25, True, False), ("a", "泄密", "常规工作", "deduction", -2, True, False),
        ("a", "迟到", "考勤工作", "deduction", -1, False, False), ("a", "通报", "考勤工作", "deduction", -3, True, True),
        ("a", "", "考勤工作", "weight", -5, True, False),
        ("b", "", "考勤工作", "base", 30, True, False), ("b", "", "常规工作", "base", 25, True, False),
        ("b", "泄密", "", "marker", 0, True, False),
        ("c", "", "考勤工作", "base", 30, True, False), ("c", "旷工", "考勤工作", "deduction", -30, True, False),
        ("c", "", "常规工作", "base", 25, True, False),
    ]
    return L.make(subject=[r[0] for r in rows], item=[r[1] for r in rows], component=[r[2] for r in rows],
                  kind=[r[3] for r in rows], points=[r[4] * M for r in rows], counted=[r[5] for r in rows],
                  annual=[r[6] for r in rows])


def _new(ctx: RuleContext) -> list[tuple]:
    new = L.concat(ctx.new_lines)
    return sorted(zip(new["subject"], new["component"], new["kind"], new["points"].tolist(), new["rule"]))


ZERO_COMPONENT = [
    # a: 30 − 4 = 26 → −26; b: 30 → −30; c: already 0 → no line
    pytest.param({"component": "考勤工作"}, (True, True, True),
                 [("a", "考勤工作", "zero", -26 * M, "泄密：考勤工作不得分"),
                  ("b", "考勤工作", "zero", -30 * M, "泄密：考勤工作不得分")], id="a named component"),
    # "@事由": the component of the triggering 泄密 line: a's is 常规工作 (25 − 2 = 23); b's line has none
    pytest.param({"component": "@事由", "when": {"items": ["泄密"]}}, (True, True, False),
                 [("a", "常规工作", "zero", -23 * M, "泄密：常规工作不得分")], id="@事由"),
    pytest.param({"component": "常规工作"}, (False, False, True),
                 [("c", "常规工作", "zero", -25 * M, "泄密：常规工作不得分")], id="only the masked subjects"),
]


@pytest.mark.parametrize("kw, mask, expected", ZERO_COMPONENT)
def test_zero_component_in_a_period_adds_a_line(kw, mask, expected):
    ctx = _ctx(_component_lines())
    apply_rule(_rule("zero_component", name="泄密", **kw), _mask(*mask), ctx)
    assert _new(ctx) == expected
    assert ctx.remarks == {}  # the line says it
    assert sorted(ctx.acted) == [s for s, m in zip(IDX, mask) if m]


def test_zero_component_in_the_year_is_only_noted():
    """The periods already carry the line: in the year it adds none, and says it in 备注."""
    ctx = _ctx(_component_lines(), explain=False)
    apply_rule(_rule("zero_component", name="泄密", component="考勤工作"), _mask(True, False, False), ctx)
    assert ctx.new_lines == []
    assert ctx.remarks == {"a": ["泄密"]}
    assert [bool(v) for v in ctx.zeroed] == [False, False, False]


# ---- zero_total ------------------------------------------------------------------------------


def _total_lines() -> pd.DataFrame:
    """a: 100 − 6 + 2.5 (bonus) = 96.5; b: 100 − 100 = 0; c: 100.
    Not counted: a's uncounted −10 and year-end +8."""
    rows = [
        ("a", "base", 100, True, False), ("a", "deduction", -6, True, False), ("a", "bonus", 2.5, True, False),
        ("a", "deduction", -10, False, False), ("a", "bonus", 8, True, True),
        ("b", "base", 100, True, False), ("b", "deduction", -100, True, False),
        ("c", "base", 100, True, False),
    ]
    return L.make(subject=[r[0] for r in rows], kind=[r[1] for r in rows], points=[int(r[2] * M) for r in rows],
                  counted=[r[3] for r in rows], annual=[r[4] for r in rows])


def test_zero_total_in_a_period_adds_a_line_of_minus_the_total():
    ctx = _ctx(_total_lines())
    apply_rule(_rule("zero_total", name="一票否决"), _mask(True, True, False), ctx)
    # a: −96.5; b's total is already 0: no line
    assert _new(ctx) == [("a", "", "zero", -96_500_000, "一票否决：总分计0分")]
    assert [bool(v) for v in ctx.zeroed] == [True, True, False]
    assert ctx.remarks == {}
    assert ctx.acted == {"a": ["一票否决"], "b": ["一票否决"]}


def test_zero_total_in_the_year_only_marks_the_zeroed():
    ctx = _ctx(_total_lines(), explain=False)
    apply_rule(_rule("zero_total", name="一票否决"), _mask(False, True, True), ctx)
    assert ctx.new_lines == []
    assert [bool(v) for v in ctx.zeroed] == [False, True, True]
    assert ctx.remarks == {"b": ["一票否决"], "c": ["一票否决"]}


def test_zero_total_twice_keeps_both_zeroed():
    ctx = _ctx(_total_lines(), explain=False)
    apply_rule(_rule("zero_total", name="甲"), _mask(True, False, False), ctx)
    apply_rule(_rule("zero_total", name="乙"), _mask(False, False, True), ctx)
    assert [bool(v) for v in ctx.zeroed] == [True, False, True]


# ---- deduct / bonus: points once -------------------------------------------------------------

POINTS = [
    # in 考勤工作: a has 30 − 4 = 26 left → −20; c has 0 left → nothing to take (扣完为止)
    pytest.param("deduct", {"points": 20, "component": "考勤工作"}, (True, False, True),
                 [("a", "考勤工作", "deduction", -20 * M, "事假超15天：扣20分"),
                  ("c", "考勤工作", "deduction", 0, "事假超15天：扣20分（扣完为止）")], id="deduct in a component"),
    # a has 25 − 2 = 23 in 常规工作: 30 is more than is left → −23
    pytest.param("deduct", {"points": 30, "component": "常规工作"}, (True, False, False),
                 [("a", "常规工作", "deduction", -23 * M, "事假超15天：扣30分（扣完为止）")], id="no lower than 0"),
    # outside any component: no floor (the scheme's deduction_cap may cap it later)
    pytest.param("deduct", {"points": 2.5}, (False, True, True),
                 [("b", "", "deduction", -2_500_000, "事假超15天：扣2.5分"),
                  ("c", "", "deduction", -2_500_000, "事假超15天：扣2.5分")], id="deduct outside"),
    pytest.param("bonus", {"points": 5}, (True, False, False),
                 [("a", "", "bonus", 5 * M, "事假超15天：加5分")], id="bonus"),
]


@pytest.mark.parametrize("action, kw, mask, expected", POINTS)
def test_points_in_a_period_add_one_line_each(action, kw, mask, expected):
    ctx = _ctx(_component_lines())
    apply_rule(_rule(action, name="事假超15天", **kw), _mask(*mask), ctx)
    assert _new(ctx) == expected
    hits = [s for s, m in zip(IDX, mask) if m]
    assert sorted(ctx.remarks) == hits and ctx.points == {}


def test_a_bonus_rule_counts_in_its_category():
    ctx = _ctx(_component_lines())
    apply_rule(_rule("bonus", name="全年无请假", points=3, category="奖励"), _mask(True, False, False), ctx)
    apply_rule(_rule("bonus", name="获表彰", points=1), _mask(True, False, False), ctx)
    assert list(L.concat(ctx.new_lines)["category"]) == ["奖励", "获表彰"]


def test_points_in_the_year_are_signed_per_subject():
    ctx = _ctx(explain=False)
    apply_rule(_rule("deduct", name="甲", points=20, component="考勤工作"), _mask(True, True, False), ctx)
    apply_rule(_rule("bonus", name="乙", points=5), _mask(True, False, True), ctx)
    from decimal import Decimal
    assert ctx.points == {"a": Decimal(-15), "b": Decimal(-20), "c": Decimal(5)}
    assert ctx.new_lines == [] and ctx.remarks == {"a": ["甲", "乙"], "b": ["甲"], "c": ["乙"]}


@pytest.mark.parametrize("kw, message", [
    ({"action": "deduct"}, "需要 points（扣或加几分）或 money（扣或加多少元）"),
    ({"action": "flag", "money": 200}, "money 只用于"),
    ({"action": "flag", "points": 2}, "points 只用于"),
    ({"action": "bonus", "points": 2, "component": "考勤工作"}, "加分不属于扣分项目"),
    ({"action": "deduct", "points": 2, "category": "甲"}, "category（加分类别）只用于"),
    ({"action": "deduct", "points": 2, "when": {"rank_last": True}}, "不能以名次或总分为条件"),
    ({"action": "deduct", "points": 2, "component": "@事由"}, "不能用"),
])
def test_points_rules_are_refused_when_incomplete(kw, message):
    with pytest.raises(ValueError, match=message):
        _rule(**kw)


def test_a_rule_with_money_puts_it_on_its_line():
    """deduct 20 points from 考勤工作 and 200 元 from a, b: the points are cut to what is left
    (扣完为止), the money never: both lines carry −20000 fen. A money-only bonus of 50.5 元 for c:
    0 points, +5050 fen."""
    ctx = _ctx()
    apply_rule(_rule("deduct", name="甲", points=20, money=200, component="考勤工作"), _mask(True, True, False), ctx)
    apply_rule(_rule("bonus", name="乙", money="50.5"), _mask(False, False, True), ctx)
    lines = L.concat(ctx.new_lines)
    assert lines["money"].tolist() == [-20000, -20000, 5050]
    assert lines["points"].iloc[2] == 0
    assert lines["rule"].iloc[2] == "乙：加50.5元"
    assert lines["rule"].iloc[0].startswith("甲：扣20分") and lines["rule"].iloc[0].endswith("，扣200元")
