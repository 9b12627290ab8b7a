"""Points by the band a value reaches (`engine/components.py` `value_band`), worked out by hand.

Two components (M = 1 point in micro-points):

- 民主测评 (15): (优秀票 + 称职票) ÷ 总票数, bands ≥ 90% → 15, ≥ 80% → 12, ≥ 70% → 10, else 0
  (`otherwise` not written: 0). The share is compared exactly: 优秀 + 称职 ≥ min × 总票数.
- 满意度 (10): the 评分 column 满意度 (0..100), bands ≥ 95 → 10, ≥ 90 → 8, else `otherwise` 5.

"以上" includes the number: a value exactly at a band's min is in that band.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from kaohe_cli.domain.period import Period
from kaohe_cli.engine import components as K
from kaohe_cli.events import ledger as L
from kaohe_cli.events.prepared import Prepared
from kaohe_cli.scheme.model import Scheme

M = 1_000_000

VOTES = {"name": "民主测评", "kind": "value_band", "max": 15,
         "ratio": {"numerator": ["优秀票", "称职票"], "denominator": "总票数"},
         "bands": [{"min": 0.9, "points": 15}, {"min": 0.8, "points": 12}, {"min": 0.7, "points": 10}]}
SATISFACTION = {"name": "满意度", "kind": "value_band", "max": 10, "column_max": 100,
                "bands": [{"min": 95, "points": 10}, {"min": 90, "points": 8}], "otherwise": 5}


def _scheme() -> Scheme:
    return Scheme.model_validate({"id": "test", "name": "测试", "period": "month", "components": [VOTES, SATISFACTION],
                                  "items": [{"name": "表扬", "kind": "bonus", "points": 1}]})


def _prep(ratings: dict[str, list]) -> Prepared:
    scheme = _scheme()
    idx = pd.Index([f"s{i}" for i in range(len(next(iter(ratings.values()))))])
    rate = pd.DataFrame(ratings, index=idx, dtype=float)
    cells = pd.DataFrame({c: [f"评分!{chr(67 + k)}{i + 2}" for i in range(len(idx))] for k, c in enumerate(rate.columns)},
                         index=idx)
    return Prepared(scheme, Period(2024, "month", 3), pd.DataFrame(index=idx), L.empty(), rate, cells, file="in.xlsx")


VOTE_CASES = [
    # (优秀票, 称职票, 总票数) → points, the line's text
    pytest.param((20, 3, 25), 15, "民主测评：(优秀票+称职票)÷总票数 = 23÷25 = 92% ≥ 90%：15分", id="92% reaches 90%"),
    pytest.param((18, 0, 20), 15, "民主测评：(优秀票+称职票)÷总票数 = 18÷20 = 90% ≥ 90%：15分", id="exactly 90% is 以上"),
    pytest.param((10, 12, 25), 12, "民主测评：(优秀票+称职票)÷总票数 = 22÷25 = 88% ≥ 80%：12分", id="88% in the 80% band"),
    pytest.param((2, 5, 10), 10, "民主测评：(优秀票+称职票)÷总票数 = 7÷10 = 70% ≥ 70%：10分", id="exactly the lowest band"),
    # 2 ÷ 3 = 66.666…% < 70%: 0 (no otherwise written); shown half-up to 2 places, not exact → 约
    pytest.param((1, 1, 3), 0, "民主测评：(优秀票+称职票)÷总票数 = 2÷3 = 约66.67% < 70%：0分", id="below every band"),
    # 8999 ÷ 9999 = 89.99899…%: half-up would show 90.00%, a bound it does not reach → rounded down
    pytest.param((8999, 0, 9999), 12, "民主测评：(优秀票+称职票)÷总票数 = 8999÷9999 = 约89.99% ≥ 80%：12分",
                 id="never shown as reaching 90%"),
    pytest.param((0, 0, 5), 0, "民主测评：(优秀票+称职票)÷总票数 = 0÷5 = 0% < 70%：0分", id="no votes"),
]


@pytest.mark.parametrize("votes, points, text", VOTE_CASES)
def test_ratio_bands(votes, points, text):
    prep = _prep({"优秀票": [votes[0]], "称职票": [votes[1]], "总票数": [votes[2]]})
    got = K.value_band(prep.scheme.components[0], prep)
    assert got["kind"].tolist() == ["value_band"] and got["component"].tolist() == ["民主测评"]
    assert got["points"].tolist() == [points * M]
    assert got["rule"].tolist() == [text]
    assert got["source"].tolist() == ["评分!C2、评分!D2、评分!E2"]


SATISFACTION_CASES = [
    pytest.param(96, 10 * M, "满意度：96 ≥ 95：10分", id="above the top band"),
    pytest.param(95, 10 * M, "满意度：95 ≥ 95：10分", id="exactly 95 is 以上"),
    pytest.param(94.99, 8 * M, "满意度：94.99 ≥ 90：8分", id="just below 95"),
    pytest.param(89.5, 5 * M, "满意度：89.5 < 90：5分", id="otherwise 5"),
    pytest.param(0, 5 * M, "满意度：0 < 90：5分", id="zero"),
]


@pytest.mark.parametrize("value, points, text", SATISFACTION_CASES)
def test_column_bands(value, points, text):
    prep = _prep({"满意度": [value]})
    got = K.value_band(prep.scheme.components[1], prep)
    assert (got["points"].tolist(), got["rule"].tolist(), got["source"].tolist()) == ([points], [text], ["评分!C2"])


def test_a_column_named_otherwise_is_written_in_the_line():
    """column = "群众满意度" on a component 满意度分: the line names the column it read."""
    comp = {**SATISFACTION, "name": "满意度分", "column": "群众满意度"}
    scheme = Scheme.model_validate({"id": "test", "name": "测试", "period": "month", "components": [comp],
                                    "items": [{"name": "表扬", "kind": "bonus", "points": 1}]})
    prep = _prep({"群众满意度": [91]})
    prep.scheme = scheme
    assert K.value_band(scheme.components[0], prep)["rule"].tolist() == ["满意度分：群众满意度 91 ≥ 90：8分"]


def test_unusable_values_get_no_line():
    """s0 blank 称职票, s1 总票数 0, s2 votes beyond the total, s3 a negative vote (each an error of the
    events stage): no line; s4 (4 ÷ 5 = 80%) gets 12."""
    prep = _prep({"优秀票": [20, 1, 20, -1, 4], "称职票": [None, 1, 10, 3, 0], "总票数": [25, 0, 25, 5, 5]})
    got = K.value_band(prep.scheme.components[0], prep)
    assert (got["subject"].tolist(), got["points"].tolist()) == (["s4"], [12 * M])


def test_a_value_beyond_column_max_gets_no_line():
    prep = _prep({"满意度": [101, 100]})
    got = K.value_band(prep.scheme.components[1], prep)
    assert (got["subject"].tolist(), got["points"].tolist()) == (["s1"], [10 * M])


def test_without_its_columns_nothing():
    prep = _prep({"优秀票": [20], "总票数": [25]})
    assert K.value_band(prep.scheme.components[0], prep).empty


def test_value_band_is_a_component_kind():
    """score_components adds the band lines: s0 (92%, 96) → 15 + 10."""
    prep = _prep({"优秀票": [20], "称职票": [3], "总票数": [25], "满意度": [96]})
    lines = K.score_components(prep, L.empty())
    assert sorted(zip(lines["component"], lines["points"].tolist())) == [("民主测评", 15 * M), ("满意度", 10 * M)]


@pytest.mark.parametrize("share, bounds, shown", [
    (Decimal(23) / 25, [Decimal("0.9")], "92%"),
    (Decimal(1) / 8, [], "12.5%"),
    (Decimal(2) / 3, [], "约66.67%"),
    (Decimal(8999) / 9999, [Decimal("0.9")], "约89.99%"),
    (Decimal(8999) / 9999, [Decimal("0.95")], "约90%"),  # no bound between: half-up
    (Decimal(1), [Decimal("0.9")], "100%"),
])
def test_percent(share, bounds, shown):
    assert K._percent(share, bounds) == shown
