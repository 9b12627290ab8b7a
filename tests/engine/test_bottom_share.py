"""`bottom_share`: among the bottom share (or count) by rounded total, ties at the edge included.

It is the general form of caizheng's old `bottom_flag` key (which still loads, as this rule).
Totals are in cents; each expected mask is worked out by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kaohe_cli.engine import conditions as C
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.model import Annual, Condition

IDX = list("abcdefghij")


def _ctx(scores: list[int] | None) -> RuleContext:
    ctx = RuleContext(pd.DataFrame(index=pd.Index(IDX)), L.empty(), ["优秀", "称职"])
    if scores is not None:
        ctx.scores = pd.Series(scores, index=IDX)
        ctx.ranks = ctx.scores.rank(method="min", ascending=False).astype("int64")
    return ctx


TEN = [9500, 9400, 9300, 9200, 9100, 9000, 8900, 8800, 8700, 8600]


@pytest.mark.parametrize("share, scores, flagged, noted", [
    # 10 people × 20% = 2: the two lowest, i and j
    ("20%", TEN, "ij", False),
    # h ties i at 8700: k = 2 but three at or below the 2nd lowest → all three, with a note
    ("20%", [9500, 9400, 9300, 9200, 9100, 9000, 8900, 8700, 8700, 8600], "hij", True),
    # 10 × 15% = 1.5 → 1 person
    ("15%", TEN, "j", False),
    # 10 × 5% = 0.5 → 0 people: nobody
    ("5%", TEN, "", False),
    # a count: the bottom 3
    ("3", TEN, "hij", False),
    # a count above N: everyone
    ("12", TEN, "abcdefghij", False),
])
def test_bottom_share(share, scores, flagged, noted):
    ctx = _ctx(scores)
    mask = C.holds(Condition(bottom_share=share), ctx)
    assert "".join(s for s in IDX if mask[s]) == flagged
    assert bool(ctx.issues) == noted
    if noted:
        assert ctx.issues[0].message == f"积分排名后{share}（2人）边缘有同分，同分者一并标注"


def test_before_the_totals_nobody_is_at_the_bottom_and_the_part_waits_for_them():
    assert C.needs_ranks(Condition(bottom_share="20%"))
    assert not C.holds(Condition(bottom_share="20%"), _ctx(None)).any()


def test_a_bad_share_is_refused():
    with pytest.raises(ValueError, match="bottom_share"):
        Condition(bottom_share="0%")


def test_the_old_bottom_flag_key_loads_as_the_rule_it_always_was():
    annual = Annual.model_validate({"bottom_flag": {"share": "20%", "flag": "不得推荐评优"},
                                    "rules": [{"name": "先有的规则", "when": {"items": ["旷工"]}, "action": "no_grade"}]})
    assert [r.name for r in annual.rules] == ["先有的规则", "积分排名后20%，不得推荐评优"]
    rule = annual.rules[1]
    assert (rule.action, rule.flag, rule.when.bottom_share) == ("flag", "不得推荐评优", "20%")
    assert Annual.model_validate({"bottom_flag": {}}).rules == []
