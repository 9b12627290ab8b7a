"""What a committee decision does to the grades (engine.grading.assign_grades, `preset`).

Each test's docstring is its hand computation. Scores are in points; places are floor(N × p).
"""

from __future__ import annotations

import pandas as pd

from kaohe_cli.engine.grading import TIED, assign_grades
from kaohe_cli.scheme.model import Grade, Grading

JINJIANG = Grading(grades=[
    Grade(name="优秀", min=90, quota="25%"), Grade(name="良好", min=75, quota="30%"),
    Grade(name="称职", min=60), Grade(name="不称职"),
])
CANDIDATES = Grading(grades=[Grade(name="优秀预备人选", quota="30%")], none="")


def _scores(values):
    return pd.Series([int(v * 100) for v in values], index=[f"p{i}" for i in range(len(values))])


def _preset(**grades):
    return pd.Series(grades, dtype=object)


def test_a_decision_fills_the_contested_place_and_the_rest_of_the_tie_goes_down():
    """8 people 96, 92, 92, 91, 80, 60, 60, 60. 优秀: floor(8×25%) = 2 places; p0 takes one,
    p1 and p2 tie for the other (both 并列待定 without a decision; 良好 then goes to p3, p4).

    Decide p2 = 优秀: p2 takes the contested place. p1 goes on down: 良好 has floor(8×30%) = 2
    places among p1 92, p3 91, p4 80 → p1, p3. p4 (80) is filled again into 称职 (≥ 60), and
    p5–p7 (60) are 称职."""
    s = _scores([96, 92, 92, 91, 80, 60, 60, 60])
    plain = assign_grades(JINJIANG, s)
    assert list(plain.grades) == ["优秀", TIED, TIED, "良好", "良好", "称职", "称职", "称职"]
    r = assign_grades(JINJIANG, s, preset=_preset(p2="优秀"))
    assert list(r.grades) == ["优秀", "良好", "优秀", "良好", "称职", "称职", "称职", "称职"]
    assert r.conflicts == []
    assert not any("并列" in n for notes in r.notes.values() for n in notes)


def test_deciding_someone_out_of_a_tie_gives_the_place_to_the_other():
    """Same 8 people. Decide p1 = 良好: p1 leaves the 优秀 pool, so p0 and p2 fill its two
    places. 良好's 2 places: p1 (decided) and the best other, p3 91; p4 80 → 称职."""
    s = _scores([96, 92, 92, 91, 80, 60, 60, 60])
    r = assign_grades(JINJIANG, s, preset=_preset(p1="良好"))
    assert list(r.grades) == ["优秀", "良好", "优秀", "良好", "称职", "称职", "称职", "称职"]
    assert r.conflicts == []


def test_a_decision_for_an_untied_lower_ranked_subject_reports_who_loses():
    """7 people 129, 113, 112, 100, 100, 90, 90; 优秀预备人选 floor(7×30%) = 2 places: p0, p1.
    Decide p2 (112, third, not tied): places go to the decided first (p2), then in rank order
    (p0), so p1 (113), ranked above p2 and not tied, loses — reported as `displaces`."""
    s = _scores([129, 113, 112, 100, 100, 90, 90])
    r = assign_grades(CANDIDATES, s, preset=_preset(p2="优秀预备人选"))
    assert list(r.grades) == ["优秀预备人选", "", "优秀预备人选", "", "", "", ""]
    assert [(c.kind, c.decided, c.losers, c.places) for c in r.conflicts] == [("displaces", ["p2"], ["p1"], 2)]


def test_a_decision_for_someone_already_placed_changes_nothing():
    """Decide p0 (first) = 优秀预备人选: p0 holds a place anyway; p1 keeps the other."""
    s = _scores([129, 113, 112, 100, 100, 90, 90])
    r = assign_grades(CANDIDATES, s, preset=_preset(p0="优秀预备人选"))
    assert list(r.grades) == list(assign_grades(CANDIDATES, s).grades)
    assert r.conflicts == []


def test_more_decisions_than_places_exceed_the_quota():
    """2 places; decide p2, p3, p4: three decided for two places → `over_quota`, and p0, p1
    (who held the places) are the ones who would lose them."""
    s = _scores([129, 113, 112, 100, 99, 90, 90])
    r = assign_grades(CANDIDATES, s, preset=_preset(p2="优秀预备人选", p3="优秀预备人选", p4="优秀预备人选"))
    assert [(c.kind, sorted(c.decided), sorted(c.losers)) for c in r.conflicts] == [
        ("over_quota", ["p2", "p3", "p4"], ["p0", "p1"])]


def test_a_decision_cannot_lift_over_a_threshold_or_change_a_rule_grade():
    """p4 has 80, under 优秀's 90: a decision for 优秀 is `unqualified`. p7 is forced to 不称职 by
    a rule: a decision for 称职 is `fixed`."""
    s = _scores([96, 92, 92, 91, 80, 60, 60, 60])
    forced = pd.Series([""] * 7 + ["不称职"], index=s.index)
    r = assign_grades(JINJIANG, s, forced=forced, preset=_preset(p4="优秀", p7="称职"))
    kinds = {(c.kind, tuple(c.decided)) for c in r.conflicts}
    assert kinds == {("unqualified", ("p4",)), ("fixed", ("p7",))}
    assert r.grades["p7"] == "不称职"


def test_a_tie_larger_than_the_contested_places_stays_tied_until_every_place_is_decided():
    """9 people 96, 92, 92, 92, 80…: 优秀 floor(9×25%) = 2; p0 takes one, p1–p3 tie for one.
    Deciding p3 = 良好 leaves p1, p2 still tied for the one place: both stay 并列待定."""
    s = _scores([96, 92, 92, 92, 80, 70, 60, 60, 60])
    r = assign_grades(JINJIANG, s, preset=_preset(p3="良好"))
    assert list(r.grades[:4]) == ["优秀", TIED, TIED, "良好"]
    assert r.conflicts == []
