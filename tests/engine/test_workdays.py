"""Working days on the Chinese calendar: holidays, 调休 make-up days, uncovered years."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_cli.errors import ConfigError, UsageError
from kaohe_cli.domain.workdays import (
    count_workdays,
    format_cn_date,
    is_workday,
    next_workday,
    publicity_period,
    uncovered_years,
)

D = date


# --- is_workday -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected, why",
    [
        (D(2023, 9, 28), True, "ordinary Thursday"),
        (D(2023, 9, 29), False, "中秋节, a Friday"),
        (D(2023, 10, 2), False, "国庆节 Monday"),
        (D(2023, 10, 6), False, "国庆节 Friday"),
        (D(2023, 10, 7), True, "调休: Saturday worked"),
        (D(2023, 10, 8), True, "调休: Sunday worked"),
        (D(2023, 10, 14), False, "ordinary Saturday"),
        (D(2024, 2, 4), True, "春节调休: Sunday worked"),
        (D(2024, 2, 12), False, "春节 Monday"),
        (D(2024, 2, 18), True, "春节调休: Sunday worked"),
    ],
)
def test_is_workday_on_the_official_calendar(day, expected, why):
    assert is_workday(day) is expected, why


def test_datetime_is_treated_as_its_date():
    assert is_workday(datetime(2023, 10, 7, 9, 30)) is True
    assert is_workday(D(2023, 10, 9), extra_holidays={datetime(2023, 10, 9, 0, 0)}) is False


def test_extra_days_override_a_covered_year_too():
    # a local day off (e.g. a regional festival) and a locally worked Saturday
    assert is_workday(D(2023, 9, 28), extra_holidays={D(2023, 9, 28)}) is False
    assert is_workday(D(2023, 10, 14), extra_workdays={D(2023, 10, 14)}) is True


def test_a_date_both_holiday_and_workday_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        is_workday(D(2027, 1, 1), extra_holidays={D(2027, 1, 1)}, extra_workdays={D(2027, 1, 1)})
    assert "2027年1月1日" in info.value.text()


# --- years the package does not cover ---------------------------------------------------


def test_uncovered_years():
    assert uncovered_years(D(2023, 1, 1), D(2026, 12, 31)) == []
    assert uncovered_years(D(2026, 12, 1), D(2027, 1, 31)) == [2027]
    assert uncovered_years(D(2028, 3, 1), D(2026, 3, 1)) == [2027, 2028]
    assert uncovered_years(D(2003, 12, 1), D(2004, 1, 31)) == [2003]


def test_uncovered_year_counts_only_weekends():
    # 2027-01-01 is a Friday; the package does not know it is New Year's Day.
    assert is_workday(D(2027, 1, 1)) is True
    assert is_workday(D(2027, 1, 2)) is False  # Saturday
    assert publicity_period(D(2027, 1, 1)) == (D(2027, 1, 1), D(2027, 1, 7))


def test_uncovered_year_uses_extra_holidays_and_workdays():
    extra = {
        "extra_holidays": {D(2027, 1, 1)},
        "extra_workdays": {D(2027, 1, 9)},  # a make-up Saturday
    }
    assert is_workday(D(2027, 1, 1), **extra) is False
    # Friday 1 Jan off → starts Monday 4 Jan; 4,5,6,7,8 = five days
    assert publicity_period(D(2027, 1, 1), **extra) == (D(2027, 1, 4), D(2027, 1, 8))
    # Notice on the 6th: 6,7,8, Saturday 9 (worked), Monday 11
    assert publicity_period(D(2027, 1, 6), **extra) == (D(2027, 1, 6), D(2027, 1, 11))


# --- publicity_period -------------------------------------------------------------------


def test_design_example_national_day_2023():
    # 27, 28 | 29 Sep – 6 Oct off | 7 (Sat, 调休), 8 (Sun, 调休), 9
    assert publicity_period(D(2023, 9, 27)) == (D(2023, 9, 27), D(2023, 10, 9))


def test_notice_on_a_holiday_starts_on_the_make_up_sunday():
    # 2024-02-12 is inside 春节 (10–17 Feb); the next working day is Sunday 18 Feb (调休).
    assert publicity_period(D(2024, 2, 12)) == (D(2024, 2, 18), D(2024, 2, 22))


def test_notice_just_before_spring_festival():
    # 8, 9 | 10–17 off | 18 (Sun, 调休), 19, 20
    assert publicity_period(D(2024, 2, 8)) == (D(2024, 2, 8), D(2024, 2, 20))


def test_notice_on_a_weekend_starts_monday():
    assert publicity_period(D(2023, 10, 14), days=1) == (D(2023, 10, 16), D(2023, 10, 16))


def test_other_lengths():
    assert publicity_period(D(2023, 9, 27), days=7) == (D(2023, 9, 27), D(2023, 10, 11))
    assert publicity_period(D(2023, 9, 27), days=1) == (D(2023, 9, 27), D(2023, 9, 27))


def test_period_across_the_end_of_covered_years():
    # 2026-12-31 is a Thursday; 2027 counts weekends only.
    assert publicity_period(D(2026, 12, 31)) == (D(2026, 12, 31), D(2027, 1, 6))


@pytest.mark.parametrize("days", [0, -1, 2.5, True, "5"])
def test_days_must_be_a_positive_integer(days):
    with pytest.raises(UsageError):
        publicity_period(D(2023, 9, 27), days=days)


def test_holidays_leaving_no_working_day_is_a_config_error():
    year = {D(2027, 1, 1) + timedelta(days=i) for i in range(400)}
    with pytest.raises(ConfigError):
        next_workday(D(2027, 1, 1), extra_holidays=year)


@settings(max_examples=200, deadline=None)
@given(
    notice=st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 12, 1)),
    days=st.integers(min_value=1, max_value=30),
)
def test_period_properties(notice, days):
    start, end = publicity_period(notice, days)
    assert notice <= start <= end
    assert is_workday(start) and is_workday(end)
    assert count_workdays(start, end) == days
    assert count_workdays(notice, start) == 1  # nothing skipped before the start
    assert start == next_workday(notice)


# --- count_workdays ---------------------------------------------------------------------


def test_count_workdays_over_quarters():
    # Q3 2023: July 21 + August 23 + September 20 (29 Sep is 中秋节)
    assert count_workdays(D(2023, 7, 1), D(2023, 9, 30)) == 64
    # Q4 2023: October 22 − 5 (2–6 Oct) + 2 (调休 7, 8 Oct) = 19; November 22; December 21
    assert count_workdays(D(2023, 10, 1), D(2023, 12, 31)) == 62
    # Q1 2024: January 22 (1 Jan off); February 21 − 5 (12–16 Feb) + 2 (4, 18 Feb) = 18; March 21
    assert count_workdays(D(2024, 1, 1), D(2024, 3, 31)) == 61


def test_count_workdays_edges():
    assert count_workdays(D(2023, 10, 7), D(2023, 10, 7)) == 1
    assert count_workdays(D(2023, 10, 1), D(2023, 10, 6)) == 0
    assert count_workdays(D(2023, 10, 9), D(2023, 10, 1)) == 0
    # uncovered year: January 2027 has 21 weekdays; one extra holiday removes one
    assert count_workdays(D(2027, 1, 1), D(2027, 1, 31)) == 21
    assert count_workdays(D(2027, 1, 1), D(2027, 1, 31), extra_holidays=[D(2027, 1, 1)]) == 20


# --- format_cn_date ---------------------------------------------------------------------


def test_format_cn_date():
    assert format_cn_date(D(2023, 9, 27)) == "2023年9月27日"
    assert format_cn_date(D(2024, 1, 5)) == "2024年1月5日"
    assert format_cn_date(datetime(2023, 4, 3, 15, 0)) == "2023年4月3日"
