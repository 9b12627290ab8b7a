"""parse_id / parse_number / parse_date: each accepted form, and an Issue for each bad one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_cli.issues import Level
from kaohe_cli.read.values import parse_date, parse_id, parse_number

WHERE = {"file": "月报.xlsx", "sheet": "考勤", "cell": "C7"}


def assert_error(result, *words):
    value, issue = result
    assert value is None
    assert issue is not None and issue.level is Level.ERROR
    assert (issue.file, issue.sheet, issue.cell) == ("月报.xlsx", "考勤", "C7")
    assert issue.hint
    for word in words:
        assert word in issue.text(), issue.text()
    return issue


# ---------------------------------------------------------------------------------------
# 工号


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("007", "007"),  # text keeps leading zeros
        (" 007 ", "007"),
        ("００７", "007"),  # full-width digits
        ("A-12", "A-12"),
        (1001, "1001"),
        (1001.0, "1001"),  # how calamine gives an integer
        ("1001.0", "1001"),  # a CSV written by a script
        (Decimal("42"), "42"),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw, **WHERE) == (expected, None)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_parse_id_blank(raw):
    assert parse_id(raw, **WHERE) == (None, None)


def test_parse_id_errors():
    assert_error(parse_id(1001.5, **WHERE), "整数")
    assert_error(parse_id(dt.date(2023, 3, 5), **WHERE), "日期")
    assert_error(parse_id(True, **WHERE), "逻辑值")
    assert_error(parse_id(110101199001011234.0, **WHERE), "15 位", "文本")
    assert_error(parse_id(-3, **WHERE), "负数")


# ---------------------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, "3"),
        (0.1, "0.1"),  # exact: not 0.1000000000000000055511151231257827
        (3.0, "3"),
        (2.675, "2.675"),
        ("3", "3"),
        (" 3.5 ", "3.5"),
        ("３．５", "3.5"),
        ("-2", "-2"),
        ("－2", "-2"),
        (".5", "0.5"),
        ("3天", "3"),
        ("2次", "2"),
        ("1.5 小时", "1.5"),
        ("3(天)", "3"),
        ("1,200", "1200"),
        (Decimal("7.25"), "7.25"),
    ],
)
def test_parse_number(raw, expected):
    value, issue = parse_number(raw, **WHERE)
    assert issue is None
    assert value == Decimal(expected) and str(value) == expected


@pytest.mark.parametrize("raw", ["三", "abc", "3个半", "1,2", "3..5", "--1"])
def test_parse_number_rejects_text(raw):
    issue = assert_error(parse_number(raw, column="天数", **WHERE), "应为数字", "「天数」", raw)
    assert issue.code == "bad-number"
    assert "如 3 或 0.5" in issue.hint


def test_parse_number_rejects_dates_bools_and_nan():
    assert_error(parse_number(dt.date(2023, 3, 5), **WHERE), "日期")
    assert_error(parse_number(False, **WHERE), "逻辑值")
    assert_error(parse_number(float("nan"), **WHERE))


def test_parse_number_blank():
    assert parse_number(None) == (None, None)
    assert parse_number("  ") == (None, None)


@settings(max_examples=200, database=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_parse_number_float_round_trips(x):
    value, issue = parse_number(x)
    assert issue is None and float(value) == x


# ---------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    "raw",
    [
        dt.date(2023, 3, 5),
        dt.datetime(2023, 3, 5, 8, 30),
        44990,  # Excel serial, 1900 system
        44990.75,
        "2023年3月5日",
        "2023年03月05",
        "２０２３年３月５日",
        "2023.3.5",
        "2023/3/5",
        "2023-03-05",
        "2023-03-05 08:30:00",
        "20230305",
        20230305,
    ],
)
def test_parse_date(raw):
    assert parse_date(raw, **WHERE) == (dt.date(2023, 3, 5), None)


def test_excel_serials_around_the_fictitious_leap_day():
    # Serials count from 1899-12-30 because Excel counts a 1900-02-29 that never was. Small
    # numbers are counts typed into a date column, not dates: serials start in 1910.
    assert parse_date(3654)[0] == dt.date(1910, 1, 1)
    assert parse_date(3653)[1].code == "bad-date"
    assert parse_date(45658)[0] == dt.date(2025, 1, 1)


@pytest.mark.parametrize("raw", ["2023-02-30", "2023年13月1日", "20230230"])
def test_parse_date_impossible(raw):
    assert_error(parse_date(raw, **WHERE), "不是有效日期")


@pytest.mark.parametrize("raw", ["三月五日", "x", "2023年3月", 3, -1, True, dt.time(8, 30)])
def test_parse_date_bad(raw):
    issue = assert_error(parse_date(raw, column="日期", **WHERE), "「日期」")
    assert issue.code == "bad-date"
    assert "2023-03-05" in issue.hint


def test_parse_date_blank():
    assert parse_date(None) == (None, None)
    assert parse_date(" ") == (None, None)


# ---------------------------------------------------------------------------------------
# bounds (issue 15)


@pytest.mark.parametrize(("raw", "said"), [
    (float("inf"), "无穷大"), (float("-inf"), "负无穷大"), (float("nan"), "无效数值"),
    (Decimal("Infinity"), "无穷大"), (Decimal("NaN"), "无效数值"),
])
def test_parse_number_says_what_nan_and_infinity_are_in_chinese(raw, said):
    issue = assert_error(parse_number(raw, column="迟到", **WHERE), "「迟到」不是有效数字", said)
    assert "inf" not in issue.text().lower() and "nan" not in issue.text().lower()


def test_beyond_limit_names_the_cell_the_value_and_the_bound():
    from kaohe_cli.read.values import LIMITS, beyond_limit, count_why

    assert beyond_limit(Decimal(LIMITS["count"]), LIMITS["count"], why=count_why(), **WHERE) is None
    issue = beyond_limit(1e308, LIMITS["count"], why=count_why(), column="迟到", **WHERE)
    assert issue.level is Level.ERROR and (issue.file, issue.sheet, issue.cell) == ("月报.xlsx", "考勤", "C7")
    assert "「迟到」为 1×10^308，超出合理范围（一个考核期内最多 10000 次）" in issue.message and issue.hint
    assert beyond_limit(-10_001, LIMITS["count"], column="迟到", **WHERE) is not None  # either sign
    assert "无穷大" in beyond_limit(float("inf"), 10, column="迟到", **WHERE).message


def test_days_limit_is_the_days_of_the_period():
    from kaohe_cli.domain.period import Period
    from kaohe_cli.read.values import LIMITS, days_limit, days_why

    assert days_limit(Period(2023, "month", 2)) == 28 and days_limit(Period(2024, "month", 2)) == 29
    assert days_limit(Period(2023, "month", 3)) == 31 == LIMITS["month"]
    assert days_limit(Period(2023, "quarter", 3)) == 92 == LIMITS["quarter"]
    assert days_limit(Period(2024, "year", 0)) == 366 == LIMITS["year"]
    assert days_limit(None) == 366
    assert days_why(Period(2023, "month", 2)) == "2023年2月共 28 天"


def test_beyond_is_vectorised_and_catches_nan_and_infinity():
    import numpy as np

    from kaohe_cli.read.values import beyond

    mask = beyond(np.array([0, 31, 31.5, -32, np.nan, np.inf, -np.inf]), 31)
    assert mask.tolist() == [False, False, True, True, True, True, True]


def test_nan_and_infinity_in_id_and_date_cells_are_said_in_chinese():
    issue = assert_error(parse_id(float("inf"), **WHERE), "不是有效的编号（无穷大）")
    assert "inf" not in issue.text()
    issue = assert_error(parse_date(float("nan"), column="日期", **WHERE), "「日期」应为日期，实为无效数值")
    assert "nan" not in issue.text()
