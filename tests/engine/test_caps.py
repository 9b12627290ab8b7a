"""Caps (`engine/caps.py`): bonus caps per category then in total, and the deduction cap, from a
few ledger lines to the `cap` lines they add, worked out by hand. M = 1 point in micro-points.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kaohe_cli.engine import caps
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.model import Scheme

M = 1_000_000


def _scheme(bonus_caps: dict | None = None, deduction_cap=None) -> Scheme:
    data = {
        "id": "test", "name": "测试", "period": "month",
        "components": [{"name": "考勤工作", "kind": "deduction", "max": 30}],
        "items": [
            {"name": "个人受奖", "kind": "bonus", "points": 1},
            {"name": "对外宣传", "kind": "bonus", "points": 1},
            {"name": "通报", "kind": "deduction", "points": 1},
            {"name": "迟到", "kind": "deduction", "component": "考勤工作", "points": 1},
        ],
        "grading": {"grades": [{"name": "好", "min": 90}, {"name": "差"}]},
    }
    if bonus_caps is not None:
        data["bonus_caps"] = bonus_caps
    if deduction_cap is not None:
        data["deduction_cap"] = deduction_cap
    return Scheme.model_validate(data)


def _bonus(rows) -> pd.DataFrame:
    """(subject, category, points[, counted, annual]) bonus lines."""
    rows = [r if len(r) == 5 else (*r, True, False) for r in rows]
    return L.make(subject=[r[0] for r in rows], category=[r[1] for r in rows], kind="bonus",
                  points=[int(r[2] * M) for r in rows], counted=[r[3] for r in rows], annual=[r[4] for r in rows])


def _caps(frame: pd.DataFrame) -> list[tuple]:
    assert set(frame["kind"]) <= {"cap"}
    return sorted(zip(frame["subject"], frame["category"], frame["points"].tolist(), frame["rule"]))


BOTH = {"categories": {"个人受奖": 5, "对外宣传": 5}, "total": 8}

BONUS = [
    # a: 个人受奖 4 + 3 = 7 → −2 (5); 对外宣传 4; then 5 + 4 = 9 > 8 → −1 in total
    pytest.param(BOTH, [("a", "个人受奖", 4), ("a", "个人受奖", 3), ("a", "对外宣传", 4)],
                 [("a", "个人受奖", -2 * M, "个人受奖类加分封顶5分"), ("a", "合计", -1 * M, "加分合计封顶8分")],
                 id="per category, then the capped amounts in total"),
    # b: 3 + 3 = 6 ≤ 8: nothing; c: 对外宣传 6 → −1; capped 5 ≤ 8: no total line
    pytest.param(BOTH, [("b", "个人受奖", 3), ("b", "对外宣传", 3), ("c", "对外宣传", 6)],
                 [("c", "对外宣传", -1 * M, "对外宣传类加分封顶5分")], id="under the total; one category over"),
    # exactly at the cap: nothing
    pytest.param(BOTH, [("a", "个人受奖", 5), ("a", "对外宣传", 3)], [], id="exactly at the caps"),
    # a category without its own cap counts in the total as it is: 公益 9 + 个人受奖 5 (capped from 6) = 14 > 8 → −6
    pytest.param(BOTH, [("a", "公益", 9), ("a", "个人受奖", 6)],
                 [("a", "个人受奖", -1 * M, "个人受奖类加分封顶5分"), ("a", "合计", -6 * M, "加分合计封顶8分")],
                 id="an uncapped category in the total"),
    # only a total: 个人受奖 6.5 + 对外宣传 2.25 = 8.75 → −0.75
    pytest.param({"total": 8}, [("a", "个人受奖", 6.5), ("a", "对外宣传", 2.25)],
                 [("a", "合计", -750_000, "加分合计封顶8分")], id="total only"),
    # an uncounted line (10) and a year-end line (10) are not capped: 个人受奖 counted 4 only
    pytest.param(BOTH, [("a", "个人受奖", 4), ("a", "个人受奖", 10, False, False), ("a", "个人受奖", 10, True, True)], [],
                 id="uncounted and year-end lines left out"),
    # no caps at all
    pytest.param({}, [("a", "个人受奖", 100)], [], id="no caps"),
]


@pytest.mark.parametrize("bonus_caps, rows, expected", BONUS)
def test_bonus_caps(bonus_caps, rows, expected):
    assert _caps(caps.bonus_caps(_scheme(bonus_caps), _bonus(rows))) == expected


def _deductions(rows) -> pd.DataFrame:
    """(subject, component, points[, counted]) deduction lines."""
    rows = [r if len(r) == 4 else (*r, True) for r in rows]
    return L.make(subject=[r[0] for r in rows], component=[r[1] for r in rows], kind="deduction",
                  points=[int(r[2] * M) for r in rows], counted=[r[3] for r in rows])


DEDUCTION = [
    # a: 7 + 5 = 12 > 10 → +2; b: 10, not over
    pytest.param(10, [("a", "", -7), ("a", "", -5), ("b", "", -10)], [("a", "扣分", 2 * M, "扣分封顶10分")],
                 id="over the cap"),
    # deductions inside a component are not capped: a 4 outside + 20 on 考勤工作 → 4 ≤ 10
    pytest.param(10, [("a", "", -4), ("a", "考勤工作", -20)], [], id="component deductions left out"),
    # a: 8 counted (the uncounted 5 left out) > 7.5 → +0.5
    pytest.param("7.5", [("a", "", -8), ("a", "", -5, False)], [("a", "扣分", 500_000, "扣分封顶7.5分")],
                 id="uncounted left out; a fractional cap"),
    pytest.param(None, [("a", "", -100)], [], id="no cap"),
]


@pytest.mark.parametrize("cap, rows, expected", DEDUCTION)
def test_deduction_cap(cap, rows, expected):
    assert _caps(caps.deduction_cap(_scheme(deduction_cap=cap), _deductions(rows))) == expected


def test_capped_adds_both_and_keeps_the_lines():
    """a: bonus 个人受奖 7 (cap 5 → −2) and deductions 12 outside components (cap 10 → +2)."""
    scheme = _scheme({"categories": {"个人受奖": 5}}, deduction_cap=10)
    lines = L.concat([_bonus([("a", "个人受奖", 7)]), _deductions([("a", "", -12)])])
    got = caps.capped(scheme, lines)
    assert len(got) == 4
    assert _caps(got[got["kind"] == "cap"]) == [("a", "个人受奖", -2 * M, "个人受奖类加分封顶5分"),
                                                ("a", "扣分", 2 * M, "扣分封顶10分")]
    assert int(got["points"].sum()) == (7 - 12 - 2 + 2) * M
