"""Periods (半年、学期、学年), nested aggregation and the history conditions, table-driven and
hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pandas as pd
import pytest

from kaohe_cli.domain.period import Period, parse_period, period_from_name
from kaohe_cli.engine.conditions import holds
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.engine.nesting import combine, compose
from kaohe_cli.errors import PeriodError, UsageError
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.model import Annual, Condition, Stage


@pytest.mark.parametrize("text, code, label, start, end, months", [
    ("2023H1", "2023H1", "2023年上半年", date(2023, 1, 1), date(2023, 6, 30), 6),
    ("2023年下半年", "2023H2", "2023年下半年", date(2023, 7, 1), date(2023, 12, 31), 6),
    ("2023-H2", "2023H2", "2023年下半年", date(2023, 7, 1), date(2023, 12, 31), 6),
    ("2023-2024学年", "2023-2024", "2023—2024学年", date(2023, 9, 1), date(2024, 8, 31), 12),
    ("2023—2024学年第一学期", "2023-2024T1", "2023—2024学年第一学期", date(2023, 9, 1), date(2024, 2, 29), 6),
    ("2023学年下学期", "2023-2024T2", "2023—2024学年第二学期", date(2024, 3, 1), date(2024, 8, 31), 6),
    ("2023-2024@3", "2023-2024@3", "2023—2024学年（3月起）", date(2023, 3, 1), date(2024, 2, 29), 12),
    ("2023", "2023", "2023年度", date(2023, 1, 1), date(2023, 12, 31), 12),
    ("2023年第二季度", "2023Q2", "2023年第二季度", date(2023, 4, 1), date(2023, 6, 30), 3),
])
def test_periods_parse_with_codes_labels_and_months(text, code, label, start, end, months):
    p = parse_period(text)
    assert (p.code, p.label, p.start, p.end, len(p.months())) == (code, label, start, end, months)
    assert parse_period(p.code) == p  # the code reads back


def test_a_school_year_with_another_start_month():
    p = parse_period("2023-2024学年", start_month=2)
    assert (p.code, p.start, p.end) == ("2023-2024@2", date(2023, 2, 1), date(2024, 1, 31))
    assert [t.code for t in p.parts("term")] == ["2023-2024@2T1", "2023-2024@2T2"]


@pytest.mark.parametrize("text", ["2023H3", "2023-2025学年", "2023年中半年", "2023-2024学年第三学期"])
def test_bad_periods_are_refused_in_chinese(text):
    with pytest.raises(PeriodError, match="无法识别的考核期"):
        parse_period(text)


@pytest.mark.parametrize("whole, kind, parts", [
    ("2023", "half", ["2023H1", "2023H2"]),
    ("2023", "quarter", ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]),
    ("2023H2", "quarter", ["2023Q3", "2023Q4"]),
    ("2023H1", "month", ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]),
    ("2023-2024学年", "term", ["2023-2024T1", "2023-2024T2"]),
])
def test_parts(whole, kind, parts):
    assert [p.code for p in parse_period(whole).parts(kind)] == parts


def test_file_names_carry_half_years_and_terms():
    assert period_from_name("2023年上半年考核.xlsx") == Period(2023, "half", 1)
    assert period_from_name("2023-2024学年第二学期.xlsx").code == "2023-2024T2"


# ---- combine: one level ------------------------------------------------------------------

Y = Period(2023, "year", 0)
NAMES = pd.Series({"a": "甲", "b": "乙"})


def _frame(a, b):
    return pd.DataFrame([a, b], index=["a", "b"], columns=["2023Q1", "2023Q2", "2023Q3", "2023Q4"], dtype=object)


@pytest.mark.parametrize("spec, a, b", [
    # mean of those present: b lacks Q1 → (64+70+66)/3
    ({}, D("88"), D("200") / 3),
    # missing counts 0: b → 200/4
    ({"missing": "zero"}, D("88"), D("50")),
    # weights 1,1,1,2 (normalised by their sum): a = (88+90+86+2×88)/5 = 88; b present: (64+70+2×66)/4
    ({"aggregate": "weights", "weights": [0.1, 0.1, 0.1, 0.2]}, D("88"), D("66.5")),
    ({"aggregate": "weights", "weights": [0.1, 0.1, 0.1, 0.2], "missing": "zero"}, D("88"), D("53.2")),
    # a cap on the level
    ({"max": 80}, D("80"), D("200") / 3),
])
def test_combine(spec, a, b):
    got = combine(_frame([D(88), D(90), D(86), D(88)], [None, D(64), D(70), D(66)]), Annual(**spec), Y, NAMES)
    assert (got["a"], got["b"]) == (a, b)


def test_combine_refuses_a_missing_sub_period_when_told():
    with pytest.raises(UsageError, match="乙（b）缺少2023Q1的得分"):
        combine(_frame([D(1)] * 4, [None, D(2), D(3), D(4)]), Annual(missing="refuse"), Y, NAMES)


def test_combine_needs_one_weight_per_sub_period():
    with pytest.raises(PeriodError, match="由4个考核期组成，而方案的 weights 有2个权重"):
        combine(_frame([D(1)] * 4, [D(1)] * 4), Stage(period="half", aggregate="weights", weights=[0.5, 0.5]), Y, NAMES)


def test_compose_weighs_the_parts_and_names_a_missing_rating():
    annual = Annual(parts=[{"name": "平时", "source": "periods", "weight": 0.6},
                           {"name": "年终", "weight": 0.4, "columns": {"德": 0.5, "绩": 0.5}}])
    periods = pd.Series({"a": D("88"), "b": D("70")}, dtype=object)
    ratings = pd.DataFrame({"德": [D(90), D(60)], "绩": [D(80), D(70)]}, index=["a", "b"], dtype=object)
    total, texts = compose(annual, periods, ratings, NAMES)
    assert (total["a"], total["b"]) == (D("86.8"), D("68.0"))  # 52.8 + 0.4×85; 42 + 0.4×65
    assert texts["a"] == ["年度得分＝平时88×60%＋年终85×40%"]
    ratings.loc["b", "绩"] = None
    with pytest.raises(UsageError, match="乙（b）的「绩」"):
        compose(annual, periods, ratings, NAMES)
    with pytest.raises(UsageError, match="--ratings"):
        compose(annual, periods, None, NAMES)


# ---- history conditions -----------------------------------------------------------------


def _ctx(period_grades=None, past=None):
    idx = pd.Index(["a", "b", "c", "d"])
    return RuleContext(pd.DataFrame(index=idx), L.empty(), ["优秀", "称职", "基本称职", "不称职"], Y,
                       period_grades=period_grades, past_grades=past)


HALVES = pd.DataFrame({"2023H1": ["优秀", "称职", "优秀", "称职"], "2023H2": ["优秀", "优秀", "基本称职", "称职"]},
                      index=["a", "b", "c", "d"])


@pytest.mark.parametrize("when, expected", [
    ({"period_grades": ["优秀"]}, [True, True, True, False]),  # at least one 优秀
    ({"period_grades": ["优秀"], "at_least": 2}, [True, False, False, False]),
    ({"period_grades": ["优秀"], "fewer_than": 1}, [False, False, False, True]),  # none
    ({"period_grades": ["基本称职", "不称职"], "at_least": 1}, [False, False, True, False]),
    ({"period_grades": ["称职", "优秀"], "at_least": 2}, [True, True, False, True]),
])
def test_period_grades(when, expected):
    assert list(holds(Condition(**when), _ctx(HALVES))) == expected


def test_period_grades_hold_for_nobody_in_a_period():
    assert list(holds(Condition(period_grades=["优秀"]), _ctx(None))) == [False] * 4
    assert list(holds(Condition(period_grades=["优秀"], fewer_than=1), _ctx(None))) == [True] * 4


PAST = pd.DataFrame({"2022": ["不称职", "不称职", "称职", None], "2021": ["不称职", "称职", "不称职", None]},
                    index=["a", "b", "c", "d"], dtype=object)


@pytest.mark.parametrize("when, expected", [
    ({"past_grades": ["不称职"]}, [True, True, False, False]),  # last year (2022)
    ({"past_grades": ["不称职"], "past_years": 2}, [True, False, False, False]),  # 2022 and 2021
    ({"past_grades": ["不称职"], "past_years": 3}, [False, False, False, False]),  # 2020 not kept
])
def test_past_grades(when, expected):
    assert list(holds(Condition(**when), _ctx(past=PAST))) == expected


def test_history_keys_need_their_partner():
    with pytest.raises(ValueError, match="at_least、fewer_than 需要 period_grades"):
        Condition(at_least=1, items=["x"])
    with pytest.raises(ValueError, match="past_years 需要 past_grades"):
        Condition(past_years=2, items=["x"])
