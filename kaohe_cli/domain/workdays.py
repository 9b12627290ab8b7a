"""Working-day arithmetic on the Chinese holiday calendar.

Used for the 公示 publicity period ("N working days from the notice date") and for counts such
as "fewer than 20 working days in the quarter". Official holidays and 调休 make-up working days
come from the `chinese_calendar` package (法定节假日 and 调休 published each year by the State
Council). For a year the package does not cover, only weekends are days off, unless the caller
passes the year's holidays and make-up days (from `kaohe.toml`) as `extra_holidays` and
`extra_workdays`; callers use `uncovered_years` to warn the user.

Extra days apply in every year, covered or not, so a unit can also declare a local day off.
A date may not be both an extra holiday and an extra working day.

Every function is pure: no printing, no clock (callers pass "today").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

from kaohe_cli.errors import ConfigError, UsageError

__all__ = [
    "count_workdays",
    "format_cn_date",
    "is_workday",
    "next_workday",
    "publicity_period",
    "uncovered_years",
]

# How far `next_workday` looks before deciding the configured holidays leave no working day.
_SEARCH_LIMIT_DAYS = 366


def _as_date(d: date) -> date:
    """A `datetime` compares unequal to its own date; reduce it to the date."""
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"expected a date, got {type(d).__name__}")


def _as_dates(days: Iterable[date]) -> frozenset[date]:
    return frozenset(_as_date(d) for d in days)


def _extras(
    extra_holidays: Iterable[date], extra_workdays: Iterable[date]
) -> tuple[frozenset[date], frozenset[date]]:
    holidays = _as_dates(extra_holidays)
    workdays = _as_dates(extra_workdays)
    both = sorted(holidays & workdays)
    if both:
        listed = "、".join(format_cn_date(d) for d in both)
        raise ConfigError(
            f"日期 {listed} 同时被设为节假日和调休工作日",
            "请在 kaohe.toml 的额外节假日与额外工作日中只保留其中一处",
        )
    return holidays, workdays


@lru_cache(maxsize=None)
def _year_covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _is_workday(d: date, holidays: frozenset[date], workdays: frozenset[date]) -> bool:
    if d in workdays:
        return True
    if d in holidays:
        return False
    if _year_covered(d.year):
        return bool(chinese_calendar.is_workday(d))
    return d.weekday() < 5


def is_workday(
    d: date,
    *,
    extra_holidays: Iterable[date] = frozenset(),
    extra_workdays: Iterable[date] = frozenset(),
) -> bool:
    """Whether `d` is a working day: 调休 make-up days count; holidays and weekends do not."""
    holidays, workdays = _extras(extra_holidays, extra_workdays)
    return _is_workday(_as_date(d), holidays, workdays)


def uncovered_years(start: date, end: date) -> list[int]:
    """The years from `start` to `end` (inclusive, either order) the calendar package lacks."""
    first, last = sorted((_as_date(start).year, _as_date(end).year))
    return [y for y in range(first, last + 1) if not _year_covered(y)]


def _next_workday(d: date, holidays: frozenset[date], workdays: frozenset[date]) -> date:
    for offset in range(_SEARCH_LIMIT_DAYS + 1):
        day = d + timedelta(days=offset)
        if _is_workday(day, holidays, workdays):
            return day
    raise ConfigError(
        f"自{format_cn_date(d)}起一年内没有任何工作日",
        "请检查 kaohe.toml 中设置的额外节假日",
    )


def next_workday(
    d: date,
    *,
    extra_holidays: Iterable[date] = frozenset(),
    extra_workdays: Iterable[date] = frozenset(),
) -> date:
    """`d` itself when it is a working day, otherwise the first working day after it."""
    holidays, workdays = _extras(extra_holidays, extra_workdays)
    return _next_workday(_as_date(d), holidays, workdays)


def publicity_period(
    notice_date: date,
    days: int = 5,
    *,
    extra_holidays: Iterable[date] = frozenset(),
    extra_workdays: Iterable[date] = frozenset(),
) -> tuple[date, date]:
    """First and last day of a publicity period of `days` working days.

    It starts on `notice_date` when that is a working day, otherwise on the next working day,
    and ends on its `days`-th working day. 2023-09-27 with 5 days → (2023-09-27, 2023-10-09).
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise UsageError(f"公示天数必须是正整数，收到：{days}", "例如 --days 5")
    holidays, workdays = _extras(extra_holidays, extra_workdays)
    start = _next_workday(_as_date(notice_date), holidays, workdays)
    end = start
    for _ in range(days - 1):
        end = _next_workday(end + timedelta(days=1), holidays, workdays)
    return start, end


def count_workdays(
    start: date,
    end: date,
    *,
    extra_holidays: Iterable[date] = frozenset(),
    extra_workdays: Iterable[date] = frozenset(),
) -> int:
    """Working days from `start` to `end`, both included; 0 when `end` is before `start`."""
    holidays, workdays = _extras(extra_holidays, extra_workdays)
    first, last = _as_date(start), _as_date(end)
    return sum(
        _is_workday(first + timedelta(days=i), holidays, workdays)
        for i in range((last - first).days + 1)
    )


def format_cn_date(d: date) -> str:
    """`2023年9月27日`: Arabic numerals, no zero padding (GB/T 9704 成文日期)."""
    d = _as_date(d)
    return f"{d.year}年{d.month}月{d.day}日"


def format_cn_time(stamp: str) -> str:
    """An archive time (ISO-8601 with offset) as local Chinese text: `2024年1月10日 15:02`."""
    import datetime as _dt

    try:
        moment = _dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp or "")
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02d}:{moment.minute:02d}"
