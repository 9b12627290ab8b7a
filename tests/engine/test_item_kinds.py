"""General item kinds: counting on the period's total (free allowance, tiers progressive and whole,
escalation by occurrence, a minimum count, a bonus for the absence of events), "reached" versus
"more than", several thresholds OR'ed, and the flag-only action. Every amount is worked out by
hand in the case's comment.

Points are micro-points (M = 1 point).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from pydantic import ValidationError

from kaohe_cli.domain.period import Period
from kaohe_cli.engine import components as K
from kaohe_cli.engine.actions import apply_rule
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.events import ledger as L
from kaohe_cli.events.prepared import Prepared
from kaohe_cli.scheme.model import Item, Rule, Scheme

M = 1_000_000


def _item(**kw) -> Item:
    return Item.model_validate({"name": "迟到", "kind": "deduction", **kw})


# ---- counted_points: the amount for a period's total ----------------------------------------

COUNTED = [
    # 前3次不扣，之后每次1分: 2 → 0; 3 → 0; 5 → (5−3)×1 = 2
    ({"free": 3, "points": 1}, 2, "0"),
    ({"free": 3, "points": 1}, 3, "0"),
    ({"free": 3, "points": 1}, 5, "2"),
    # progressive tiers (0,2]×1, (2,5]×2, (5,∞)×3: 2 → 2; 4 → 2 + 2×2 = 6; 7 → 2 + 3×2 + 2×3 = 14
    ({"tiers": [{"over": 0, "points": 1}, {"over": 2, "points": 2}, {"over": 5, "points": 3}]}, 2, "2"),
    ({"tiers": [{"over": 0, "points": 1}, {"over": 2, "points": 2}, {"over": 5, "points": 3}]}, 4, "6"),
    ({"tiers": [{"over": 0, "points": 1}, {"over": 2, "points": 2}, {"over": 5, "points": 3}]}, 7, "14"),
    # whole tiers, same bands: 2 → 2×1 = 2; 4 → 4×2 = 8; 7 → 7×3 = 21; 0 → 0
    ({"tiers": [{"over": 0, "points": 1}, {"over": 2, "points": 2}, {"over": 5, "points": 3}],
      "tier_mode": "whole"}, 4, "8"),
    ({"tiers": [{"over": 0, "points": 1}, {"over": 2, "points": 2}, {"over": 5, "points": 3}],
      "tier_mode": "whole"}, 7, "21"),
    ({"tiers": [{"over": 0, "points": 1}, {"over": 2, "points": 2}], "tier_mode": "whole"}, 2, "2"),
    ({"tiers": [{"over": 0, "points": 1}, {"over": 2, "points": 2}], "tier_mode": "whole"}, 0, "0"),
    # first 10, from the second 20: tiers (0,1]×10, (1,∞)×20: 1 → 10; 3 → 10 + 2×20 = 50
    ({"tiers": [{"over": 0, "points": 10}, {"over": 1, "points": 20}]}, 1, "10"),
    ({"tiers": [{"over": 0, "points": 10}, {"over": 1, "points": 20}]}, 3, "50"),
    # the n-th costs 10n: 1 → 10; 3 → 10 + 20 + 30 = 60; 4 → 100
    ({"points": 10, "increment": 10}, 1, "10"),
    ({"points": 10, "increment": 10}, 3, "60"),
    ({"points": 10, "increment": 10}, 4, "100"),
    # free 1, then the n-th charged costs 2 + (n−1)×1: 4 → charged 3: 2 + 3 + 4 = 9
    ({"free": 1, "points": 2, "increment": 1}, 4, "9"),
    # minimum 10, 2 per unit short: 6 → 8; 10 → 0; 12 → 0; 0 → 20
    ({"minimum": 10, "points": 2, "unit": "节"}, 6, "8"),
    ({"minimum": 10, "points": 2, "unit": "节"}, 10, "0"),
    ({"minimum": 10, "points": 2, "unit": "节"}, 12, "0"),
    ({"minimum": 10, "points": 2, "unit": "节"}, 0, "20"),
    # half days: free 1 day, 0.5 per day: 2.5 → 1.5 × 0.5 = 0.75
    ({"free": 1, "points": "0.5", "unit": "天"}, "2.5", "0.75"),
]


@pytest.mark.parametrize("keys, quantity, expected", COUNTED)
def test_counted_points(keys, quantity, expected):
    assert K.counted_points(_item(**keys), Decimal(str(quantity))) == Decimal(expected)


@pytest.mark.parametrize("keys, words", [
    ({"points": 1, "minimum": 5, "increment": 1}, "只能选一种"),
    ({"free": 3, "points": 1, "minimum": 5}, "free 不能与 minimum 同用"),
    ({"tiers": [{"over": 1, "points": 1}]}, "over = 0"),
    ({"tiers": [{"over": 0, "points": 1}, {"over": 0, "points": 2}]}, "从小到大"),
    ({"points": 1, "increment": 1, "unit": "天"}, "不适用于天"),
    ({"tiers": [{"over": 0, "points": 1}], "points": 1}, "不能再设 points"),
    ({"free": 2, "range": [1, 3]}, "只用固定分值"),
    ({"counts_as": {"item": "旷工"}, "points": 1}, "counts_as"),
    ({"kind": "marker", "free": 2}, "marker"),
    # zero_above without a component is refused by the scheme's cross-checks, at its line
    # (tests/scheme/test_new_keys_checks.py), not by the item alone.
])
def test_counting_keys_combine_only_as_documented(keys, words):
    with pytest.raises(ValidationError, match=words):
        _item(**keys)


# ---- count_lines: one line per subject ------------------------------------------------------

def _scheme(items: list[dict]) -> Scheme:
    return Scheme.model_validate({
        "id": "test", "name": "测试", "period": "month",
        "components": [{"name": "考勤", "kind": "deduction", "max": 20}],
        "items": items, "grading": {"grades": [{"name": "好", "min": 90}, {"name": "差"}]},
    })


def _prep(scheme: Scheme, lines: pd.DataFrame, subjects=("a", "b", "c")) -> Prepared:
    idx = pd.Index(list(subjects))
    return Prepared(scheme, Period(2023, "month", 3), pd.DataFrame(index=idx), lines,
                    pd.DataFrame(index=idx), pd.DataFrame(index=idx), file="in.xlsx")


def _events(rows) -> pd.DataFrame:
    """(subject, item, quantity) lines with 0 points, as the events stage makes them for a
    by-total item (or for a marker)."""
    return L.make(subject=[r[0] for r in rows], item=[r[1] for r in rows], component="考勤",
                  kind="deduction", quantity=[float(r[2]) for r in rows], points=0)


LATE_FREE = {"name": "迟到", "kind": "deduction", "component": "考勤", "free": 3, "points": 1}
FULL = {"name": "全勤奖", "kind": "bonus", "points": 2, "if_none_of": ["迟到", "事假"]}
LEAVE = {"name": "事假", "kind": "marker", "unit": "天"}
LISTEN = {"name": "听课", "kind": "deduction", "component": "考勤", "unit": "节", "minimum": 10, "points": 2}


def test_count_lines_free_allowance_over_several_rows():
    """a: 2 + 3 = 5 lates → (5 − 3) × 1 = 2 → −2; b: 3 → 0, no line; c: none → no line."""
    scheme = _scheme([LATE_FREE])
    got = K.count_lines(_prep(scheme, L.empty()), _events([("a", "迟到", 2), ("a", "迟到", 3), ("b", "迟到", 3)]))
    assert list(zip(got["subject"], got["item"], got["component"], got["points"])) == [("a", "迟到", "考勤", -2 * M)]
    assert got["rule"].tolist() == ["迟到 前3次不扣，之后每次扣1分：本期5次，扣2分"]


def test_count_lines_absence_bonus_and_shortfall():
    """全勤奖 2 for nobody with a 迟到 or 事假 line: a has 迟到, b has a 事假 record (a marker, still an
    event) → only c gets +2. 听课 minimum 10 节, −2 per 节 short: a 6 → −8; b 10 → 0; c none → −20."""
    scheme = _scheme([LATE_FREE, FULL, LEAVE, LISTEN])
    events = _events([("a", "迟到", 1), ("b", "事假", 1), ("a", "听课", 6), ("b", "听课", 4), ("b", "听课", 6)])
    got = K.count_lines(_prep(scheme, L.empty()), events)
    rows = sorted(zip(got["subject"], got["item"], got["kind"], got["points"]))
    assert rows == [("a", "听课", "deduction", -8 * M), ("c", "全勤奖", "bonus", 2 * M),
                    ("c", "听课", "deduction", -20 * M)]
    assert got.loc[got["item"] == "全勤奖", "category"].tolist() == ["全勤奖"]


# ---- thresholds: reached versus more than, several OR'ed ------------------------------------

THRESHOLDS = [
    {"name": "迟到", "kind": "deduction", "component": "考勤", "points": 1, "zero_at": 5},
    {"name": "事假", "kind": "marker", "component": "考勤", "unit": "天", "zero_above": 4},
]


@pytest.mark.parametrize("rows, expected", [
    # 事假 4 days is not more than 4: 20 − 1 (one late) = 19 stays
    pytest.param([("a", "迟到", 1, -1), ("a", "事假", 4, 0)], [], id="more than: 4 is not more than 4"),
    # 4.5 days is more than 4: 19 → zero −19
    pytest.param([("a", "迟到", 1, -1), ("a", "事假", 4.5, 0)],
                 [("a", "zero", -19 * M, "事假累计4.5天，超过4天，考勤不得分")], id="more than: 4.5"),
    # 迟到 5 reached (5 = 5): 20 − 5 = 15 → −15
    pytest.param([("a", "迟到", 5, -5)], [("a", "zero", -15 * M, "迟到累计5次，达到5次，考勤不得分")], id="reached"),
    # both hold: one zero line, naming the first threshold in the catalogue (迟到)
    pytest.param([("a", "迟到", 5, -5), ("a", "事假", 10, 0)],
                 [("a", "zero", -15 * M, "迟到累计5次，达到5次，考勤不得分")], id="OR: one zero line"),
])
def test_reached_and_more_than(rows, expected):
    scheme = _scheme(THRESHOLDS)
    base = L.make(subject=["a"], component="考勤", kind="base", points=20 * M)
    ded = L.make(subject=[r[0] for r in rows], item=[r[1] for r in rows], component="考勤", kind="deduction",
                 quantity=[float(r[2]) for r in rows], points=[int(r[3] * M) for r in rows])
    got = K.deduction_settle(scheme.components[0], _prep(scheme, L.empty(), ["a"]), L.concat([base, ded]))
    assert sorted(zip(got["subject"], got["kind"], got["points"], got["rule"])) == expected


def test_two_zero_component_rules_on_one_subject_zero_it_once():
    """Two rules (an OR of counters written as rules) both hold for a: the component (20 − 3 = 17)
    gets one zero line of −17, not two."""
    lines = L.concat([
        L.make(subject=["a", "b"], component="考勤", kind="base", points=20 * M),
        L.make(subject=["a"], item=["迟到"], component="考勤", kind="deduction", quantity=[3.0], points=[-3 * M]),
    ])
    ctx = RuleContext(pd.DataFrame(index=pd.Index(["a", "b"])), lines, ["好"])
    mask = pd.Series([True, False], index=ctx.idx)
    for name in ("迟到达到3次", "旷工达到1天"):
        rule = Rule.model_validate({"name": name, "when": {"items": ["迟到"]}, "action": "zero_component",
                                    "component": "考勤"})
        apply_rule(rule, mask, ctx)
    new = L.concat(ctx.new_lines)
    assert list(zip(new["subject"], new["points"], new["rule"])) == [("a", -17 * M, "迟到达到3次：考勤不得分")]


def test_a_flag_changes_nothing_but_is_listed():
    """flag: no line, no grade state; the flag text goes to 备注 and the flags, the name to the rules."""
    ctx = RuleContext(pd.DataFrame(index=pd.Index(["a", "b"])), L.empty(), ["好", "差"])
    rule = Rule.model_validate({"name": "病假视情况处理", "when": {"items": ["病假"]}, "action": "flag",
                                "flag": "有病假，视情况研究处理"})
    apply_rule(rule, pd.Series([False, True], index=ctx.idx), ctx)
    assert ctx.new_lines == []
    assert list(ctx.grades.forced) == ["", ""] and list(ctx.grades.no_grade) == [False, False]
    assert list(ctx.grades.ceiling) == [-1, -1] and ctx.grades.not_eligible == {}
    assert ctx.remarks == {"b": ["有病假，视情况研究处理"]} and ctx.flags == {"b": ["有病假，视情况研究处理"]}
    assert ctx.acted == {"b": ["病假视情况处理"]}
