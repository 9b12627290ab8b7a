"""Component kinds (`engine/components.py`): a deduction's maximum, its zero and floor, rank bands
and weights, each from a few ledger lines to the lines it adds, worked out by hand.

Points are micro-points (M = 1 point).
"""

from __future__ import annotations

import pandas as pd
import pytest

from kaohe_cli.domain.period import Period
from kaohe_cli.engine import components as K
from kaohe_cli.events import ledger as L
from kaohe_cli.events.prepared import Prepared
from kaohe_cli.scheme.model import Scheme

M = 1_000_000


def _scheme(components: list[dict], items: list[dict] | None = None) -> Scheme:
    return Scheme.model_validate({
        "id": "test", "name": "测试", "period": "month", "components": components,
        "items": items or [{"name": "迟到", "kind": "deduction", "component": components[0]["name"], "points": 1}],
        "grading": {"grades": [{"name": "好", "min": 90}, {"name": "差"}]},
    })


def _prep(scheme: Scheme, subjects: list[str], roster: dict | None = None, ratings: dict | None = None) -> Prepared:
    idx = pd.Index(subjects)
    rate = pd.DataFrame(ratings or {}, index=idx, dtype=float)
    cells = pd.DataFrame("", index=idx, columns=rate.columns)
    return Prepared(scheme, Period(2023, "month", 3), pd.DataFrame(roster or {}, index=idx), L.empty(), rate, cells,
                    file="in.xlsx")


def _rows(frame: pd.DataFrame, *cols: str) -> list[tuple]:
    cols = cols or ("subject", "component", "kind", "points", "rule")
    return sorted(zip(*(frame[c].tolist() for c in cols)))


# ---- deduction: the maximum ------------------------------------------------------------------

ATTENDANCE = {"name": "考勤工作", "kind": "deduction", "max": 30}


@pytest.mark.parametrize("comp, subjects, expected", [
    pytest.param(ATTENDANCE, ["a", "b"],
                 [("a", "考勤工作", "base", 30 * M, "考勤工作 满分30分"), ("b", "考勤工作", "base", 30 * M, "考勤工作 满分30分")],
                 id="one base line each"),
    pytest.param({"name": "常规", "kind": "deduction", "max": "12.5"}, ["a"],
                 [("a", "常规", "base", 12_500_000, "常规 满分12.5分")], id="a fractional maximum"),
])
def test_deduction_base(comp, subjects, expected):
    scheme = _scheme([comp])
    assert _rows(K.deduction_base(scheme.components[0], _prep(scheme, subjects))) == expected


# ---- deduction: settle (zero_at, floor) ------------------------------------------------------

ITEMS = [
    {"name": "迟到", "kind": "deduction", "component": "考勤工作", "points": 1},
    {"name": "旷工", "kind": "deduction", "component": "考勤工作", "unit": "天", "points": 4, "zero_at": 3},
]


def _lines(rows) -> pd.DataFrame:
    """(subject, item, quantity, points) lines on 考勤工作, plus each subject's base of 30."""
    subjects = sorted({r[0] for r in rows} | {"a", "b", "c"})
    base = L.make(subject=subjects, component="考勤工作", kind="base", points=30 * M)
    if not rows:
        return base
    ded = L.make(subject=[r[0] for r in rows], item=[r[1] for r in rows], component="考勤工作", kind="deduction",
                 quantity=[float(r[2]) for r in rows], points=[int(r[3] * M) for r in rows])
    return L.concat([base, ded])


SETTLE = [
    # a: 迟到 ×32 → 30 − 32 = −2 → floor +2; b: 迟到 ×5 → 25, nothing
    pytest.param([("a", "迟到", 32, -32), ("b", "迟到", 5, -5)],
                 [("a", "考勤工作", "floor", 2 * M, "考勤工作扣完为止（最低0分）")], id="floored at 0"),
    # exactly 0 is not below 0
    pytest.param([("a", "迟到", 30, -30)], [], id="exactly 0: no floor"),
    # zero_at 3 days: a reached it (3 = 3) → 30 − 12 = 18 → −18; b 2.5 days (−10) not reached
    pytest.param([("a", "旷工", 3, -12), ("b", "旷工", 2.5, -10)],
                 [("a", "考勤工作", "zero", -18 * M, "旷工累计3天，达到3天，考勤工作不得分")], id="zero_at reached vs not"),
    # reached over two lines: 1.5 + 1.5 = 3
    pytest.param([("c", "旷工", 1.5, -6), ("c", "旷工", 1.5, -6)],
                 [("c", "考勤工作", "zero", -18 * M, "旷工累计3天，达到3天，考勤工作不得分")], id="zero_at over lines"),
    # zero_at reached and below 0: one zero line of +2 (not a floor as well)
    pytest.param([("a", "旷工", 8, -32)],
                 [("a", "考勤工作", "zero", 2 * M, "旷工累计8天，达到3天，考勤工作不得分")], id="zero_at beyond 0: one zero line"),
]


@pytest.mark.parametrize("rows, expected", SETTLE)
def test_deduction_settle(rows, expected):
    scheme = _scheme([ATTENDANCE], ITEMS)
    got = K.deduction_settle(scheme.components[0], _prep(scheme, ["a", "b", "c"]), _lines(rows))
    assert _rows(got) == expected


def test_deduction_settle_leaves_out_year_end_and_uncounted_lines():
    """a: 30 − 20 counted; the uncounted −15 and the year-end −12 (and its 3 days) do not count."""
    scheme = _scheme([ATTENDANCE], ITEMS)
    lines = L.concat([
        _lines([("a", "迟到", 20, -20)]),
        L.make(subject=["a", "a"], item=["迟到", "旷工"], component="考勤工作", kind="deduction",
               quantity=[15.0, 3.0], points=[-15 * M, -12 * M], counted=[False, True], annual=[False, True]),
    ])
    assert _rows(K.deduction_settle(scheme.components[0], _prep(scheme, ["a", "b", "c"]), lines)) == []


# ---- rank_band -------------------------------------------------------------------------------

BAND = {"name": "测评", "kind": "rank_band", "max": 10, "column": "测评得分", "group_by": "类别",
        "bands": [{"upto": 0.25, "points": 10}, {"upto": 0.5, "points": 8}], "otherwise": 5}

RANK_BAND = [
    # one group of 4: ranks 1, 2, 2, 4 (competition). 1 ≤ 0.25·4 → 10; 2 ≤ 0.5·4 → 8; 4 → otherwise 5
    pytest.param({"类别": ["甲"] * 4}, {"测评得分": [95, 90, 90, 80]},
                 [("a", 10 * M, 1), ("b", 8 * M, 2), ("c", 8 * M, 2), ("d", 5 * M, 4)], id="one group, a tie"),
    # two groups of 2: in each, rank 1 ≤ 0.5·2 → 8 (1 > 0.25·2 = 0.5), rank 2 → 5
    pytest.param({"类别": ["甲", "乙", "甲", "乙"]}, {"测评得分": [70, 60, 80, 90]},
                 [("a", 5 * M, 2), ("b", 5 * M, 2), ("c", 8 * M, 1), ("d", 8 * M, 1)], id="ranked within groups"),
    # a blank rating takes no part and gets no line: N = 3, ranks 1, 2, 3 → 8 (1 > 0.75), 5, 5
    pytest.param({"类别": ["甲"] * 4}, {"测评得分": [None, 90, 80, 70]},
                 [("b", 8 * M, 1), ("c", 5 * M, 2), ("d", 5 * M, 3)], id="a blank rating"),
]


@pytest.mark.parametrize("roster, ratings, expected", RANK_BAND)
def test_rank_band(roster, ratings, expected):
    scheme = _scheme([BAND, ATTENDANCE], ITEMS)
    got = K.rank_band(scheme.components[0], _prep(scheme, ["a", "b", "c", "d"], roster, ratings))
    assert set(got["kind"]) == {"band"} and set(got["component"]) == {"测评"}
    assert _ranked(got) == expected


def _ranked(lines: pd.DataFrame) -> list[tuple]:
    """(subject, points, rank read back from the line's text 排名第r/n)."""
    return sorted((s, p, int(r.split("排名第")[1].split("/")[0])) for s, p, r in
                  zip(lines["subject"], lines["points"].tolist(), lines["rule"]))


def test_rank_band_without_its_column_adds_nothing():
    scheme = _scheme([BAND, ATTENDANCE], ITEMS)
    assert K.rank_band(scheme.components[0], _prep(scheme, ["a"], {"类别": ["甲"]}, {"其他": [1]})).empty


# ---- weights ---------------------------------------------------------------------------------


def _weighted(weight: str, values: list[int]) -> list[int]:
    """The weight lines' points for subjects with these 考勤工作 sums (micro-points)."""
    scheme = _scheme([{**ATTENDANCE, "weight": weight}])
    idx = pd.Index([f"s{i}" for i in range(len(values))])
    lines = L.make(subject=list(idx), component="考勤工作", kind="deduction", points=values)
    got = K.weights(scheme, lines, idx)
    assert set(got["kind"]) == {"weight"} and set(got["rule"]) == {f"考勤工作 × {_pct(weight)}%"}
    return got.set_index("subject")["points"].reindex(idx).tolist()


def _pct(weight: str) -> str:
    return {"0.5": "50", "0.6": "60", "0.75": "75"}[weight]


WEIGHTS = [
    # × 50%: the line is weighted − value. 1 → 0.5 → 1 (half up): 0; −1 → −0.5 → −1 (away from 0): 0;
    # 3 → 1.5 → 2: −1; −3 → −1.5 → −2: +1; 4 → 2: −2
    pytest.param("0.5", [1, -1, 3, -3, 4], [0, 0, -1, 1, -2], id="50%: halves away from zero"),
    # × 60%: 1 → 0.6 → 1: 0; 2 → 1.2 → 1: −1; −2 → −1.2 → −1: +1; 25.5 points → 15.3: −10.2
    pytest.param("0.6", [1, 2, -2, 25_500_000], [0, -1, 1, -10_200_000], id="60%"),
    # × 75%: 2 → 1.5 → 2: 0; −2 → −1.5 → −2: 0; 30 points → 22.5: −7.5
    pytest.param("0.75", [2, -2, 30 * M], [0, 0, -7_500_000], id="75%"),
]


@pytest.mark.parametrize("weight, values, expected", WEIGHTS)
def test_weights_round_half_up_in_micro_points(weight, values, expected):
    assert _weighted(weight, values) == expected


def test_weights_leave_out_full_weight_and_lines_that_do_not_count():
    """weight 1 → no line. For 0.5: s0 has 10 counted, plus an uncounted 7, a year-end 5 and a
    line outside any component 3, none of which is weighted → 5 − 10 = −5."""
    scheme = _scheme([ATTENDANCE, {"name": "常规", "kind": "deduction", "max": 20, "weight": "0.5"}])
    idx = pd.Index(["s0"])
    lines = L.make(subject=["s0"] * 5, component=["常规", "常规", "常规", "", "考勤工作"], kind="deduction",
                   points=[10 * M, 7 * M, 5 * M, 3 * M, 9 * M], counted=[True, False, True, True, True],
                   annual=[False, False, True, False, False])
    got = K.weights(scheme, lines, idx)
    assert _rows(got, "subject", "component", "points") == [("s0", "常规", -5 * M)]


# ---- all kinds together ----------------------------------------------------------------------


def test_score_components_adds_the_starts_then_settles_on_them():
    """a: 迟到 ×31 on 考勤工作 (30): base 30, the event line, floor +1; b: only the base."""
    scheme = _scheme([ATTENDANCE], ITEMS)
    prep = _prep(scheme, ["a", "b"])
    prep.ledger = L.make(subject=["a"], item=["迟到"], component="考勤工作", kind="deduction", quantity=[31.0],
                         points=[-31 * M])
    got = K.score_components(prep, prep.ledger)
    assert _rows(got, "subject", "kind", "points") == [
        ("a", "base", 30 * M), ("a", "deduction", -31 * M), ("a", "floor", 1 * M), ("b", "base", 30 * M)]
