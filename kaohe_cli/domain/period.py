"""Assessment periods: a month (2023-03), a quarter (2023Q2), a half-year (2023H1), a year (2023),
a school term (2023-2024T1) or a school year (2023-2024).

A school year (学年) begins in its start month (9 = September by default) and runs twelve
months; its two terms (学期) are its first and last six months. A school year that starts in
another month carries it in its code: 2023-2024@3 (from March 2023 to February 2024).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kaohe_cli.errors import PeriodError
from kaohe_cli.text import norm

KIND_NAMES = {"month": "月度", "quarter": "季度", "half": "半年", "year": "年度", "term": "学期",
              "schoolyear": "学年"}
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CN_HALF = {"上": 1, "下": 2, "1": 1, "2": 2, "一": 1, "二": 2}
SCHOOL_START = 9  # a 学年 begins in September unless the scheme says otherwise
# Kinds by length: a period may be summed up into a longer one of the same calendar.
CALENDAR_ORDER = ["month", "quarter", "half", "year"]
SCHOOL_ORDER = ["month", "term", "schoolyear"]


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


@dataclass(frozen=True, order=True)
class Period:
    """A period. `code` is the canonical text used in the archive.

    year: the calendar year (the first year of a 学年); kind: month | quarter | half | year |
    term | schoolyear; index: month 1–12, quarter 1–4, half 1–2, term 1–2, or 0 for a (school)
    year; start_month: the month a school year begins (term, schoolyear only).
    """

    year: int
    kind: str
    index: int
    start_month: int = SCHOOL_START

    @property
    def school(self) -> bool:
        return self.kind in ("term", "schoolyear")

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.index}"
        if self.kind == "half":
            return f"{self.year}H{self.index}"
        if self.school:
            base = f"{self.year}-{self.year + 1}" + (f"@{self.start_month}" if self.start_month != SCHOOL_START else "")
            return base + (f"T{self.index}" if self.kind == "term" else "")
        return f"{self.year}"

    @property
    def label(self) -> str:
        """Chinese label: 2023年3月, 2023年第二季度, 2023年上半年, 2023年度, 2023—2024学年第一学期."""
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        if self.kind == "half":
            return f"{self.year}年{'上下'[self.index - 1]}半年"
        if self.school:
            base = f"{self.year}—{self.year + 1}学年"
            if self.start_month != SCHOOL_START:
                base += f"（{self.start_month}月起）"
            return base + (f"第{'一二'[self.index - 1]}学期" if self.kind == "term" else "")
        return f"{self.year}年度"

    def _first(self) -> tuple[int, int]:
        """(year, month) of the first month."""
        if self.kind == "month":
            return self.year, self.index
        if self.kind == "quarter":
            return self.year, 3 * self.index - 2
        if self.kind == "half":
            return self.year, 6 * self.index - 5
        if self.kind == "term":
            return _add_months(self.year, self.start_month, 6 * (self.index - 1))
        if self.kind == "schoolyear":
            return self.year, self.start_month
        return self.year, 1

    @property
    def length(self) -> int:
        """Its length in months."""
        return {"month": 1, "quarter": 3, "half": 6, "term": 6}.get(self.kind, 12)

    @property
    def start(self) -> date:
        y, m = self._first()
        return date(y, m, 1)

    @property
    def end(self) -> date:
        y, m = _add_months(*self._first(), self.length - 1)
        return date(y, m, calendar.monthrange(y, m)[1])

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def months(self) -> list["Period"]:
        first = self._first()
        out = []
        for k in range(self.length):
            y, m = _add_months(*first, k)
            out.append(Period(y, "month", m))
        return out

    def parts(self, kind: str) -> list["Period"]:
        """The periods of `kind` that make up this one, in order (a year's half-years, a half-year's
        months, a 学年's terms). `kind` must be a shorter kind of the same calendar."""
        if kind == self.kind:
            return [self]
        order = SCHOOL_ORDER if self.school or kind in SCHOOL_ORDER[1:] else CALENDAR_ORDER
        if kind not in order or self.kind not in order or order.index(kind) >= order.index(self.kind):
            raise PeriodError(f"{self.label}不能分为{KIND_NAMES.get(kind, kind)}考核期",
                              "半年、季度、月份汇总为年度；月份、学期汇总为学年")
        out: list[Period] = []
        for m in self.months():
            p = containing(m, kind, self.start_month)
            if p not in out:
                out.append(p)
        return out

    def __str__(self) -> str:
        return self.code


def containing(month: Period, kind: str, start_month: int = SCHOOL_START) -> Period:
    """The period of `kind` that holds `month`."""
    y, m = month.year, month.index
    if kind == "month":
        return month
    if kind == "quarter":
        return Period(y, "quarter", (m - 1) // 3 + 1)
    if kind == "half":
        return Period(y, "half", 1 if m <= 6 else 2)
    if kind == "year":
        return Period(y, "year", 0)
    first = y if m >= start_month else y - 1  # the school year begins in its start month
    if kind == "schoolyear":
        return Period(first, "schoolyear", 0, start_month)
    offset = (y - first) * 12 + m - start_month
    return Period(first, "term", 1 if offset < 6 else 2, start_month)


_SCHOOL = r"(\d{4})\s*[-—－~～至到]\s*(\d{4})(?:@(\d{1,2}))?\s*学?年?度?"
_TERM_CN = r"(?:第([一二12])学期|([上下])学期|[Tt]([12]))"
_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})年(\d{1,2})月份?$"), "month"),
    (re.compile(r"^(\d{4})\.(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})年第?([一二三四1-4])季度?$"), "quarter"),
    (re.compile(r"^(\d{4})-?[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})年?([上下])半年度?$"), "half"),
    (re.compile(r"^(\d{4})年?第([一二12])半年度?$"), "half"),
    (re.compile(r"^(\d{4})年?度?$"), "year"),
]
_SCHOOL_FORMS = [
    (re.compile("^" + _SCHOOL + _TERM_CN + "$"), "term"),
    (re.compile("^" + _SCHOOL + "$"), "schoolyear"),
    (re.compile(r"^(\d{4})学年" + _TERM_CN + "$"), "term"),
    (re.compile(r"^(\d{4})学年$"), "schoolyear"),
]


def _from_match(m: re.Match, kind: str) -> Period | None:
    """A matched (year, month|quarter|half) → Period, or None when out of range."""
    year = int(m.group(1))
    if not 1990 <= year <= 2100:
        return None
    if kind == "year":
        return Period(year, "year", 0)
    raw = m.group(2)
    if kind == "half":
        return Period(year, "half", _CN_HALF[raw])
    index = _CN_QUARTER[raw] if kind == "quarter" else int(raw)
    if kind == "month" and not 1 <= index <= 12:
        return None
    return Period(year, kind, index)


def _school(m: re.Match, kind: str, start_month: int) -> Period | None:
    """A matched 学年 (and 学期) → Period, or None when the years do not follow each other."""
    groups = m.groups()
    year = int(groups[0])
    if not 1990 <= year <= 2100:
        return None
    rest = list(groups[1:])
    if len(groups) in (3, 6):  # written with both years (and maybe @start month)
        second, start = rest[0], rest[1]
        rest = rest[2:]
        if int(second) != year + 1:
            return None
        if start is not None:
            start_month = int(start)
    if not 1 <= start_month <= 12:
        return None
    if kind == "schoolyear":
        return Period(year, "schoolyear", 0, start_month)
    which = next(g for g in rest if g is not None)
    return Period(year, "term", {"一": 1, "二": 2, "上": 1, "下": 2}.get(which) or int(which), start_month)


def parse_period(text: str, start_month: int = SCHOOL_START) -> Period:
    """A period written by the clerk. `start_month`: the month a 学年 begins (when the text does
    not say it with @, as in 2023-2024@3)."""
    t = norm(text).replace(" ", "")
    for pattern, kind in _SCHOOL_FORMS:
        m = pattern.match(t)
        if m:
            found = _school(m, kind, start_month)
            if found is not None:
                return found
            break
    for pattern, kind in _FORMS:
        m = pattern.match(t)
        if m:
            found = _from_match(m, kind)
            if found is None:
                break
            return found
    raise PeriodError(
        f"无法识别的考核期「{text}」",
        "月度写 2023-03，季度写 2023Q2，半年写 2023H1 或 2023年上半年，年度写 2023，"
        "学年写 2023-2024学年，学期写 2023-2024学年第一学期",
    )


_IN_NAME = [
    (re.compile(r"(\d{4})[Qq]([1-4])"), "quarter"),
    (re.compile(r"(\d{4})年第?([一二三四1-4])季度"), "quarter"),
    (re.compile(r"(\d{4})-?[Hh]([12])(?![0-9])"), "half"),
    (re.compile(r"(\d{4})年?([上下])半年"), "half"),
    (re.compile(r"(\d{4})[-_.年](\d{1,2})(?:月|(?!\d))"), "month"),
    (re.compile(r"(?<!\d)(\d{4})(0[1-9]|1[0-2])(?!\d)"), "month"),
    (re.compile(r"(?<!\d)(\d{4})年?度?(?!\d)"), "year"),
]
_SCHOOL_IN_NAME = [
    (re.compile(_SCHOOL + _TERM_CN), "term"),
    (re.compile(_SCHOOL + "学年"), "schoolyear"),
]


def period_from_name(path: Path | str, start_month: int = SCHOOL_START) -> Period | None:
    """The period written in a file name (2023-03.xlsx, 2023年3月考核.xlsx, 2023Q1, 2023年上半年,
    2023-2024学年第一学期…), if any."""
    stem = norm(Path(path).stem)
    for pattern, kind in _SCHOOL_IN_NAME:
        m = pattern.search(stem)
        found = _school(m, kind, start_month) if m else None
        if found is not None:
            return found
    for pattern, kind in _IN_NAME:
        m = pattern.search(stem)
        found = _from_match(m, kind) if m else None
        if found is not None:
            return found
    return None


def resolve_period(given: str | None, path: Path | None, scheme_period: str) -> Period:
    """The period of a run: --period, else the file name; it must match the scheme's length."""
    if given:
        period = parse_period(given)
    else:
        period = period_from_name(path) if path is not None else None
        if period is None:
            raise PeriodError(
                f"无法从文件名{f'「{Path(path).name}」' if path else ''}判断考核期",
                f"请用 --period 指定，例如 {_example(scheme_period)}",
            )
    if period.kind != scheme_period:
        raise PeriodError(
            f"考核期 {period.code} 是{KIND_NAMES[period.kind]}，而方案按{KIND_NAMES[scheme_period]}考核",
            f"请用 --period 指定{KIND_NAMES[scheme_period]}考核期，例如 {_example(scheme_period)}",
        )
    return period


def _example(kind: str) -> str:
    return {"month": "2023-03", "quarter": "2023Q2", "half": "2023H1", "year": "2023", "term": "2023-2024学年第一学期",
            "schoolyear": "2023-2024学年"}[kind]
