"""The grading rule kind on its own: thresholds, quotas, ties at the edge, ceilings."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_cli.engine.grading import TIED, assign_grades, competition_rank, quota_places
from kaohe_cli.scheme.model import Grade, Grading

JINJIANG = Grading(quota_group="类别", grades=[
    Grade(name="优秀", min=90, quota="25%"), Grade(name="良好", min=75, quota="30%"),
    Grade(name="称职", min=60), Grade(name="不称职"),
])


def _scores(values):
    return pd.Series([int(v * 100) for v in values], index=[f"p{i}" for i in range(len(values))])


def test_competition_rank_shares_best_rank():
    assert list(competition_rank(pd.Series([90, 95, 95, 80]))) == [3, 1, 1, 4]


def test_quota_floor_round_ceil():
    assert quota_places("40%", 7) == 2  # floor(2.8)
    assert quota_places("40%", 7, "round") == 3
    assert quota_places("15%", 13, "ceil") == 2
    assert quota_places("3", 100) == 3


def test_fill_best_grade_then_fall_through():
    # 8 people: 优秀 floor(8×25%)=2, 良好 floor(8×30%)=2
    s = _scores([95, 94, 93, 80, 79, 70, 61, 50])
    r = assign_grades(JINJIANG, s)
    assert list(r.grades) == ["优秀", "优秀", "良好", "良好", "称职", "称职", "称职", "不称职"]


def test_tie_at_edge_is_tied_and_keeps_place():
    # 优秀 places 2; p1 and p2 tie at the edge → both 并列待定, p3 (91) is NOT promoted.
    s = _scores([96, 92, 92, 91, 80, 60, 60, 60])
    r = assign_grades(JINJIANG, s)
    assert list(r.grades[:4]) == ["优秀", TIED, TIED, "良好"]
    assert r.uses[0].tied == ["p1", "p2"]
    assert "并列" in r.notes["p1"][0]


def test_ceiling_not_eligible_forced_and_no_grade():
    s = _scores([99, 98, 97, 96, 50])
    ceiling = pd.Series([2, -1, -1, -1, -1], index=s.index)  # p0 at most 称职
    forced = pd.Series(["", "", "", "", "不称职"], index=s.index)
    forced.iloc[3] = "不称职"
    no_grade = pd.Series([False, False, True, False, False], index=s.index)
    not_eligible = {"优秀": pd.Series([False, True, False, False, False], index=s.index)}
    r = assign_grades(JINJIANG, s, ceiling=ceiling, forced=forced, no_grade=no_grade, not_eligible=not_eligible)
    # N = 4 graded (p2 has no grade): 优秀 floor(1)=1 → nobody eligible but p1? p1 not eligible → 0 优秀
    assert r.grades["p0"] == "称职"
    assert r.grades["p1"] == "良好"
    assert r.grades["p2"] == "不确定等次"
    assert r.grades["p3"] == "不称职"
    assert r.uses[0].n == 4


def test_groups_are_separate():
    s = _scores([95, 94, 93, 92, 91, 90, 95, 94])
    groups = pd.DataFrame({"类别": ["A"] * 4 + ["B"] * 4}, index=s.index)
    r = assign_grades(JINJIANG, s, groups=groups)
    assert (r.grades == "优秀").sum() == 2  # one per group of 4


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=40))
def test_no_quota_is_ever_exceeded(points):
    s = _scores([70 + p for p in points])
    r = assign_grades(JINJIANG, s)
    n = len(s)
    assert (r.grades == "优秀").sum() <= quota_places("25%", n)
    assert (r.grades == "良好").sum() <= quota_places("30%", n)
    # a tied block never straddles: every 并列待定 shares the score of another 并列待定
    tied = s[r.grades == TIED]
    assert all((tied == v).sum() >= 2 for v in tied)


def _reference(grading: Grading, score: pd.Series, group: pd.Series, tie: pd.Series) -> list[str]:
    """Quotas per group, by hand: best (score, tie-breaker) first, roster order among equals;
    a block of equals straddling the last place is 并列待定 and takes no place."""
    result = {s: "" for s in score.index}
    open_ = set(score.index)
    order = list(dict.fromkeys(group))  # groups in order of first appearance
    for grade in grading.grades[:-1]:
        pool = [s for s in score.index if s in open_ and (grade.min is None or score[s] >= int(grade.min * 100))]
        if grade.quota is None:  # a threshold only
            for s in pool:
                result[s] = grade.name
                open_.discard(s)
            continue
        for g in order:
            members = [s for s in score.index if group[s] == g]
            places = quota_places(grade.quota, len(members))
            cand = sorted((s for s in pool if group[s] == g), key=lambda s: (-score[s], -tie[s]))
            if places <= 0 or not cand:
                continue
            key = lambda s: (score[s], tie[s])  # noqa: E731
            if places < len(cand) and key(cand[places - 1]) == key(cand[places]):
                edge = key(cand[places - 1])
                chosen = [s for s in cand if key(s) > edge]
                for s in cand:
                    if key(s) == edge:
                        result[s] = TIED
                        open_.discard(s)
            else:
                chosen = cand[:places]
            for s in chosen:
                result[s] = grade.name
                open_.discard(s)
    for s in open_:
        result[s] = grading.grades[-1].name
    return [result[s] for s in score.index]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 2), st.sampled_from("ABC")), min_size=1, max_size=60))
def test_quota_groups_and_tie_breakers_match_a_plain_reference(people):
    """Few distinct scores (many ties), a tie-breaker, groups interleaved in roster order."""
    s = _scores([80 + p for p, _, _ in people])
    tie = pd.Series([t for _, t, _ in people], index=s.index, dtype="int64")
    group = pd.Series([g for _, _, g in people], index=s.index)
    r = assign_grades(JINJIANG, s, groups=pd.DataFrame({"类别": group}), tie_keys=pd.DataFrame({"t": tie}))
    assert list(r.grades) == _reference(JINJIANG, s, group, tie)
    for use in r.uses:  # tied subjects are listed in roster order
        assert use.tied == sorted(use.tied, key=lambda x: int(x[1:]))


def test_ledger_refuses_nan_points():
    """An engine bug that makes NaN points must fail loudly, not store a huge integer."""
    import numpy as np
    import pytest

    from kaohe_cli.events import ledger as L

    with pytest.raises(ValueError, match="points"):
        L.make(subject=["1001"], points=np.array([float("nan")]))
    assert L.make(subject=["1001", "1002"], points=np.array([1.0, 2.0]))["points"].tolist() == [1, 2]
