"""The part of a period total above N counted as another item (`overflow`), in the engine: the
converted lines, their chain order, the part kept by the item itself, what thresholds, counting
keys and `quantity_of` see. Every amount is worked out by hand in the table.

Scheme: 考勤 (deduction, 20). 病假 (marker, 天) above 3 → 事假; 事假 (−1 per 天) above 5 → 误班,
each 天 = 2 节; 误班 −0.5 per 节, 10 节 zero 考勤; 早退 (marker, 次) above 1 → 迟到; 迟到 −1 per
次 after the first 2 (free). Points are micro-points (M = 1 point).
"""

from __future__ import annotations

import pandas as pd
import pytest

from kaohe_cli.domain.period import Period
from kaohe_cli.engine import components as K
from kaohe_cli.engine.conditions import holds
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.engine.overflow import chain_order, overflow_lines
from kaohe_cli.events import ledger as L
from kaohe_cli.events.prepared import Prepared
from kaohe_cli.scheme.model import Condition, Scheme

M = 1_000_000

ITEMS = [
    {"name": "病假", "kind": "marker", "unit": "天", "overflow": {"over": 3, "item": "事假"}},
    {"name": "事假", "kind": "deduction", "component": "考勤", "unit": "天", "points": 1,
     "overflow": {"over": 5, "item": "误班", "per_unit": 2}},
    {"name": "误班", "kind": "deduction", "component": "考勤", "unit": "节", "points": 0.5, "zero_at": 10},
    {"name": "早退", "kind": "marker", "overflow": {"over": 1, "item": "迟到"}},
    {"name": "迟到", "kind": "deduction", "component": "考勤", "free": 2, "points": 1},
]


def _scheme(items: list[dict]) -> Scheme:
    return Scheme.model_validate({
        "id": "test", "name": "测试", "period": "term",
        "components": [{"name": "考勤", "kind": "deduction", "max": 20}], "items": items,
    })


def _prep(scheme: Scheme, events: pd.DataFrame, subjects=("a", "b", "c", "d", "e", "g")) -> Prepared:
    idx = pd.Index(list(subjects))
    return Prepared(scheme, Period(2023, "term", 1, 9), pd.DataFrame(index=idx), events,
                    pd.DataFrame(index=idx), pd.DataFrame(index=idx), file="in.xlsx")


def _events(scheme: Scheme, rows) -> pd.DataFrame:
    """(subject, item, quantity, source[, counted]) as the events stage makes them: 0 points on
    a marker or an item scored on its total."""
    items = [scheme.item(r[1]) for r in rows]
    return L.make(subject=[r[0] for r in rows], item=[r[1] for r in rows],
                  component=[it.component or "" for it in items], kind=[it.kind for it in items],
                  quantity=[float(r[2]) for r in rows], points=0, source=[r[3] for r in rows],
                  counted=[r[4] if len(r) > 4 else True for r in rows])


ROWS = [
    ("a", "病假", 2, "考勤!C2"), ("a", "病假", 3, "记实!E2"),
    ("b", "病假", 6, "考勤!C3"), ("b", "事假", 4, "考勤!D3"),
    ("c", "病假", 3, "考勤!C4"),
    ("d", "病假", 13, "考勤!C5"),
    ("e", "早退", 3, "记实!E3"), ("e", "迟到", 2, "考勤!E6"),
    ("g", "病假", 5, "考勤!C7"), ("g", "病假", 4, "奖惩!C2", False),
]

# subject → the 考勤 component after settling, by hand:
# a: 病假 2 + 3 = 5 → 2 天 事假 → 事假 2 ≤ 5 → −2 → 18
# b: 病假 6 → 3 天 事假; 事假 4 + 3 = 7 → own 5 × 1 = −5; above 5: 2 天 × 2 = 4 节 误班 × 0.5 = −2 → 13
# c: 病假 3, not above 3 → nothing → 20
# d: 病假 13 → 10 天 事假 → own 5 → −5; 5 天 × 2 = 10 节 误班 → −5 and zero_at 10 → 0
# e: 早退 3 → 2 次 迟到; 迟到 2 + 2 = 4, first 2 free → −2 → 18
# g: 病假 5 counted (the uncounted 4 left out) → 2 天 事假 → −2 → 18
EXPECTED = {"a": 18, "b": 13, "c": 20, "d": 0, "e": 18, "g": 18}


@pytest.mark.parametrize("order", [ITEMS, ITEMS[::-1]], ids=["declared-in-chain-order", "declared-backwards"])
def test_component_after_overflow_chains(order):
    scheme = _scheme(order)
    prep = _prep(scheme, _events(scheme, ROWS))
    lines = K.score_components(prep, prep.ledger)
    got = lines[lines["counted"] & (lines["component"] == "考勤")].groupby("subject")["points"].sum()
    assert {s: int(v) // M for s, v in got.items()} == EXPECTED
    assert [it.name for it in chain_order(scheme)].index("病假") < [it.name for it in chain_order(scheme)].index("事假")


def test_converted_lines_say_where_they_came_from():
    """b: 病假 6 → 事假 3 (0 points on the line: 事假 is scored on its total); 事假 7 → 误班 4 节 at
    0.5 → −2; their sources are the cells of the rows they came from."""
    scheme = _scheme(ITEMS)
    prep = _prep(scheme, _events(scheme, ROWS))
    made = overflow_lines(prep, prep.ledger)
    b = made[made["subject"] == "b"]
    assert list(zip(b["item"], b["quantity"], b["points"], b["component"])) == [
        ("事假", 3.0, 0, "考勤"), ("误班", 4.0, -2 * M, "考勤")]
    assert b["rule"].tolist() == [
        "病假共6天，超过3天的3天按事假计（计入事假本期合计）",
        "事假共7天，超过5天的2天按误班计，每天折合2节，计4节，每节扣0.5分，扣2分",
    ]
    assert b["source"].tolist() == ["考勤!C3", "考勤!D3、考勤!C3"]
    a = made[made["subject"] == "a"]
    assert a["rule"].tolist() == ["病假共5天，超过3天的2天按事假计（计入事假本期合计）"]
    assert a["source"].tolist() == ["考勤!C2、记实!E2"]
    assert set(made["subject"]) == {"a", "b", "d", "e", "g"}  # c is exactly at 3: nothing converted


def test_the_item_keeps_the_part_up_to_over():
    """事假 own line for b: 7 天 in the period, 5 kept by 事假 → −5, its rule says so."""
    scheme = _scheme(ITEMS)
    prep = _prep(scheme, _events(scheme, ROWS))
    lines = K.score_components(prep, prep.ledger)
    own = lines[(lines["subject"] == "b") & (lines["item"] == "事假") & (lines["points"] != 0)]
    assert own["points"].tolist() == [-5 * M]
    assert own["rule"].tolist() == [
        "事假 每天扣1分；本期超过5天的部分按「误班」计（每天折合2）：本期7天，超过5天的部分按「误班」计，本事项计5天，扣5分"]


@pytest.mark.parametrize("when, holding", [
    # 病假 sees its whole total (a 5, b 6, c 3, d 13; g 9: quantity_of reads the uncounted row
    # too, as it always has, while only counted rows are converted): more than 5 → b, d, g
    ({"quantity_of": ["病假"], "gt": 5}, {"b", "d", "g"}),
    # 事假 sees its own and the converted part (a 2, b 7, d 10, g 2): at least 7 → b, d
    ({"quantity_of": ["事假"], "gte": 7}, {"b", "d"}),
    # 误班 is only converted (b 4, d 10): any line → b, d
    ({"items": ["误班"]}, {"b", "d"}),
    # both listed: the converted part counts twice (b 6 + 7 = 13, d 13 + 10 = 23): more than 12
    ({"quantity_of": ["病假", "事假"], "gt": 12}, {"b", "d"}),
    ({"quantity_of": ["病假", "事假"], "gt": 13}, {"d"}),
])
def test_rule_conditions_see_the_totals(when, holding):
    scheme = _scheme(ITEMS)
    prep = _prep(scheme, _events(scheme, ROWS))
    lines = K.score_components(prep, prep.ledger)
    ctx = RuleContext(prep.subjects, lines, [], prep.period, None)
    mask = holds(Condition.model_validate(when), ctx)
    assert set(mask[mask].index) == holding


def test_a_bonus_target_and_a_half_day_target():
    """加班 (marker) above 2 次 → 奖励 +1 each (bonus, its category); 脱岗 (marker, 天) above 1 →
    旷工 −2 per half day: 脱岗 2.5 → 1.5 天 × 2 × 2 = −6."""
    items = [
        {"name": "加班", "kind": "marker", "overflow": {"over": 2, "item": "奖励"}},
        {"name": "奖励", "kind": "bonus", "points": 1, "category": "表彰"},
        {"name": "脱岗", "kind": "marker", "unit": "天", "overflow": {"over": 1, "item": "旷工"}},
        {"name": "旷工", "kind": "deduction", "component": "考勤", "unit": "天", "points": 2, "per_half_day": True},
    ]
    scheme = _scheme(items)
    prep = _prep(scheme, _events(scheme, [("a", "加班", 5, "记实!E2"), ("a", "脱岗", 2.5, "记实!E3")]), subjects=("a",))
    made = overflow_lines(prep, prep.ledger)
    assert list(zip(made["item"], made["kind"], made["category"], made["points"])) == [
        ("奖励", "bonus", "表彰", 3 * M), ("旷工", "deduction", "", -6 * M)]
    assert made["rule"].tolist()[1] == "脱岗共2.5天，超过1天的1.5天按旷工计，每半天扣2分，扣6分"


def test_no_overflow_items_adds_nothing():
    scheme = _scheme([ITEMS[2]])
    prep = _prep(scheme, _events(scheme, [("a", "误班", 3, "考勤!C2")]), subjects=("a",))
    assert len(overflow_lines(prep, prep.ledger)) == 0
