"""Assessment periods: a month (2023-03), a quarter (2023Q2) or a year (2023)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kaohe_cli.errors import PeriodError
from kaohe_cli.text import norm

KIND_NAMES = {"month": "月度", "quarter": "季度", "year": "年度"}
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period. `code` is the canonical text used in the archive."""

    year: int
    kind: str  # month | quarter | year
    index: int  # month 1–12, quarter 1–4, or 0 for a year

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.index}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        """Chinese label: 2023年3月, 2023年第二季度, 2023年度."""
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        return f"{self.year}年度"

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.index, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * self.index - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        if self.kind == "month":
            return date(self.year, self.index, calendar.monthrange(self.year, self.index)[1])
        if self.kind == "quarter":
            m = 3 * self.index
            return date(self.year, m, calendar.monthrange(self.year, m)[1])
        return date(self.year, 12, 31)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def months(self) -> list["Period"]:
        first = self.start.month
        last = self.end.month
        return [Period(self.year, "month", m) for m in range(first, last + 1)]

    def __str__(self) -> str:
        return self.code


_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})年(\d{1,2})月份?$"), "month"),
    (re.compile(r"^(\d{4})\.(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})年第?([一二三四1-4])季度?$"), "quarter"),
    (re.compile(r"^(\d{4})年?度?$"), "year"),
]


def _from_match(m: re.Match, kind: str) -> Period | None:
    """A matched (year, month|quarter) → Period, or None when out of range."""
    year = int(m.group(1))
    if not 1990 <= year <= 2100:
        return None
    if kind == "year":
        return Period(year, "year", 0)
    raw = m.group(2)
    index = _CN_QUARTER[raw] if kind == "quarter" else int(raw)
    if kind == "month" and not 1 <= index <= 12:
        return None
    return Period(year, kind, index)


def parse_period(text: str) -> Period:
    t = norm(text)
    for pattern, kind in _FORMS:
        m = pattern.match(t)
        if m:
            found = _from_match(m, kind)
            if found is None:
                break
            return found
    raise PeriodError(
        f"无法识别的考核期「{text}」",
        "月度写 2023-03，季度写 2023Q2，年度写 2023",
    )


_IN_NAME = [
    (re.compile(r"(\d{4})[Qq]([1-4])"), "quarter"),
    (re.compile(r"(\d{4})年第?([一二三四1-4])季度"), "quarter"),
    (re.compile(r"(\d{4})[-_.年](\d{1,2})(?:月|(?!\d))"), "month"),
    (re.compile(r"(?<!\d)(\d{4})(0[1-9]|1[0-2])(?!\d)"), "month"),
    (re.compile(r"(?<!\d)(\d{4})年?度?(?!\d)"), "year"),
]


def period_from_name(path: Path | str) -> Period | None:
    """The period written in a file name (2023-03.xlsx, 2023年3月考核.xlsx, 2023Q1…), if any."""
    stem = norm(Path(path).stem)
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
    return {"month": "2023-03", "quarter": "2023Q2", "year": "2023"}[kind]
