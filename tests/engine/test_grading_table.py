"""Grading (`engine/grading.py`): quota places, ranks, bands, and `assign_grades` on a few scores,
each with the grades worked out by hand. Scores are in cents (9000 = 90.00).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaohe_cli.engine.grading import (
    DecisionConflict,
    assign_grades,
    band_points,
    competition_rank,
    quota_places,
)
from kaohe_cli.scheme.model import BandRule, Grading

# ---- quota places ----------------------------------------------------------------------------

QUOTA = [
    ("40%", 10, "floor", 4),
    ("15%", 10, "floor", 1),  # 1.5
    ("15%", 10, "round", 2),  # 1.5 half up
    ("15%", 10, "ceil", 2),
    ("14%", 10, "round", 1),  # 1.4
    ("14%", 10, "ceil", 2),
    ("25%", 7, "floor", 1),  # 1.75
    ("25%", 7, "round", 2),
    ("10%", 9, "floor", 0),  # 0.9
    ("10%", 9, "ceil", 1),
    ("30%", 10, "ceil", 3),  # exactly 3: ceil does not add one
    ("100%", 3, "floor", 3),
    ("0%", 50, "ceil", 0),
    ("3", 100, "floor", 3),  # a count is a count, whatever N
    ("3", 2, "ceil", 3),
]


@pytest.mark.parametrize("spec, n, rounding, places", QUOTA)
def test_quota_places(spec, n, rounding, places):
    assert quota_places(spec, n, rounding) == places


@pytest.mark.parametrize("scores, ranks", [
    ([9000, 8000, 8000, 7000], [1, 2, 2, 4]),
    ([5000, 9000, 9000], [3, 1, 1]),
    ([100], [1]),
])
def test_competition_rank(scores, ranks):
    assert competition_rank(pd.Series(scores)).tolist() == ranks


@pytest.mark.parametrize("rank, n, points", [
    # bands: r ≤ 0.2·N → 10, r ≤ 0.5·N → 8, else 6; N = 10: ranks 2 → 10, 3 → 8, 5 → 8, 6 → 6
    ([1, 2, 3, 5, 6, 10], [10] * 6, [10, 10, 8, 8, 6, 6]),
    # N = 3: 0.2·3 = 0.6 (nobody), 0.5·3 = 1.5 → rank 1 only
    ([1, 2, 3], [3] * 3, [8, 6, 6]),
])
def test_band_points(rank, n, points):
    bands = [BandRule(upto="0.2", points=10), BandRule(upto="0.5", points=8)]
    got = band_points(np.array(rank), np.array(n), bands, 6)
    assert [int(p) for p in got] == points


# ---- assign_grades ---------------------------------------------------------------------------


def _grading(*grades: dict, **kw) -> Grading:
    return Grading.model_validate({"grades": list(grades), **kw})


THRESHOLDS = _grading({"name": "优秀", "min": 90}, {"name": "称职", "min": 60}, {"name": "不称职"})
TOP_40 = _grading({"name": "优秀", "min": 90, "quota": "40%"}, {"name": "称职", "min": 60}, {"name": "不称职"})
TOP_1 = _grading({"name": "优秀", "quota": "1"}, {"name": "称职"})

GRADES = [
    # thresholds are inclusive: 90.00 is 优秀, 89.99 is not
    pytest.param(THRESHOLDS, [9500, 9000, 8999, 5999], {}, ["优秀", "优秀", "称职", "不称职"], id="thresholds"),
    # 40% of 5 = 2 places, all above 90
    pytest.param(TOP_40, [9500, 9400, 9300, 9200, 9100], {}, ["优秀", "优秀", "称职", "称职", "称职"], id="a quota"),
    # 40% of 5 = 2 places, but only one reaches 90
    pytest.param(TOP_40, [9500, 8900, 8800, 7000, 5000], {}, ["优秀", "称职", "称职", "称职", "不称职"],
                 id="the quota does not lift anyone over the threshold"),
    # 2 places: a takes one; b and c tie across the edge → both 并列待定, neither drops to 称职
    pytest.param(TOP_40, [9500, 9300, 9300, 9200, 9100], {}, ["优秀", "并列待定", "并列待定", "称职", "称职"],
                 id="a tie at the edge"),
    # a tie inside the places is no tie at the edge: a, b both 优秀
    pytest.param(TOP_40, [9500, 9500, 9300, 9200, 9100], {}, ["优秀", "优秀", "称职", "称职", "称职"],
                 id="a tie inside the places"),
    # the roster order does not matter: the best scores take the places
    pytest.param(TOP_40, [9100, 9200, 9300, 9400, 9500], {}, ["称职", "称职", "称职", "优秀", "优秀"],
                 id="order of the subjects"),
    # a ceiling at 称职 (1) on a: its place goes to the next best
    pytest.param(TOP_1, [9500, 9400, 9300], {"ceiling": [1, -1, -1]}, ["称职", "优秀", "称职"], id="a ceiling"),
    # not eligible for 优秀: the same
    pytest.param(TOP_1, [9500, 9400, 9300], {"not_eligible": {"优秀": [True, False, False]}}, ["称职", "优秀", "称职"],
                 id="not eligible"),
    # a forced grade is final and takes no quota place: a 不称职, b and c share 40% of 5 = 2
    pytest.param(TOP_40, [9900, 9500, 9400, 9300, 9200], {"forced": ["不称职", "", "", "", ""]},
                 ["不称职", "优秀", "优秀", "称职", "称职"], id="forced counts in N, takes no place"),
    # no grade: out of N. 40% of 4 = 1.6 → 1 place
    pytest.param(TOP_40, [9900, 9500, 9400, 9300, 9200], {"no_grade": [True, False, False, False, False]},
                 ["不确定等次", "优秀", "称职", "称职", "称职"], id="no grade is not counted in N"),
    # quota per group: 科室 甲 (a, b, c) 40% of 3 = 1; 乙 (d, e) 40% of 2 = 0
    pytest.param(_grading({"name": "优秀", "min": 90, "quota": "40%"}, {"name": "称职"}, quota_group="科室"),
                 [9100, 9500, 9300, 9900, 9800], {"groups": ["甲", "甲", "甲", "乙", "乙"]},
                 ["称职", "优秀", "称职", "称职", "称职"], id="quota per group"),
    # rounding ceil: 15% of 5 = 0.75 → 1
    pytest.param(_grading({"name": "优秀", "quota": "15%", "rounding": "ceil"}, {"name": "称职"}),
                 [9100, 9500, 9300, 9900, 9800], {}, ["称职", "称职", "称职", "优秀", "称职"], id="rounding ceil"),
    # no catch-all grade: who reaches none gets `none`
    pytest.param(_grading({"name": "一等奖", "quota": "1"}, {"name": "二等奖", "quota": "1"}, none="无"),
                 [9000, 8000, 7000], {}, ["一等奖", "二等奖", "无"], id="none for the rest"),
]


@pytest.mark.parametrize("grading, scores, kw, expected", GRADES)
def test_assign_grades(grading, scores, kw, expected):
    idx = pd.Index([f"s{i}" for i in range(len(scores))])
    args = {}
    for key, value in kw.items():
        if key == "groups":
            args["groups"] = pd.DataFrame({"科室": value}, index=idx)
        elif key == "not_eligible":
            args[key] = {g: pd.Series(v, index=idx) for g, v in value.items()}
        else:
            args[key] = pd.Series(value, index=idx)
    got = assign_grades(grading, pd.Series(scores, index=idx), **args)
    assert got.grades.tolist() == expected


def test_a_tie_at_the_edge_is_noted_for_each_tied():
    idx = pd.Index(["a", "b", "c", "d", "e"])
    got = assign_grades(TOP_40, pd.Series([9500, 9300, 9300, 9200, 9100], index=idx))
    note = "与1人同分并列于「优秀」名额边缘（全体：名额2人），待集体研究决定"
    assert got.notes == {"b": [note], "c": [note]}
    [use] = [u for u in got.uses if u.grade == "优秀"]
    assert (use.n, use.places, use.granted, use.tied) == (5, 2, 1, ["b", "c"])


def test_tie_keys_break_a_tie():
    """b and c tie on score; c has more 好 months (a larger key is better) → c takes the place."""
    idx = pd.Index(["a", "b", "c"])
    keys = pd.DataFrame({"count:好": [0, 1, 3]}, index=idx)
    got = assign_grades(_grading({"name": "优秀", "quota": "2"}, {"name": "称职"}),
                        pd.Series([9500, 9300, 9300], index=idx), tie_keys=keys)
    assert got.grades.tolist() == ["优秀", "称职", "优秀"]


# ---- committee decisions (preset) ------------------------------------------------------------

PRESET = [
    # 1 place; c decided 优秀 takes it from a (ranked first, not tied): a displaced
    pytest.param(TOP_1, [9500, 9000, 8500], ["", "", "优秀"], ["称职", "称职", "优秀"],
                 [DecisionConflict("displaces", "优秀", "全体", ["s2"], ["s0"], 1)], id="a decision that displaces"),
    # 2 places; a first, b and c tie at the edge; c decided → c and a, b goes on: no conflict
    pytest.param(_grading({"name": "优秀", "quota": "2"}, {"name": "称职"}), [9500, 9000, 9000], ["", "", "优秀"],
                 ["优秀", "称职", "优秀"], [], id="a decision in a tie at the edge"),
    # 1 place, two decided: over the quota; nobody else loses (a is one of them)
    pytest.param(TOP_1, [9500, 9000, 8500], ["优秀", "优秀", ""], ["优秀", "优秀", "称职"],
                 [DecisionConflict("over_quota", "优秀", "全体", ["s0", "s1"], [], 1)], id="over the quota"),
    # a decision below the threshold: unqualified (the caller refuses it; the grades are not the point)
    pytest.param(THRESHOLDS, [9500, 8000, 5000], ["", "优秀", ""], None,
                 [DecisionConflict("unqualified", "优秀", "", ["s1"])], id="unqualified"),
]


@pytest.mark.parametrize("grading, scores, preset, expected, conflicts", PRESET)
def test_preset_decisions(grading, scores, preset, expected, conflicts):
    idx = pd.Index([f"s{i}" for i in range(len(scores))])
    got = assign_grades(grading, pd.Series(scores, index=idx), preset=pd.Series(preset, index=idx))
    if expected is not None:
        assert got.grades.tolist() == expected
    assert got.conflicts == conflicts


def test_a_decision_cannot_change_a_grade_set_by_a_rule():
    idx = pd.Index(["s0", "s1"])
    got = assign_grades(TOP_1, pd.Series([9500, 9000], index=idx),
                        forced=pd.Series(["称职", ""], index=idx), preset=pd.Series(["优秀", ""], index=idx))
    assert got.grades.tolist() == ["称职", "优秀"]
    assert got.conflicts == [DecisionConflict("fixed", "优秀", "", ["s0"])]
