"""Cell values of an export: amounts with units, dates, identity text; exact rounding, short
number text for messages, and compact lists of source cells."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kaohe_cli.domain.attendance_vocabulary import BLANK_TEXT, ONE_DATE, unit_name
from kaohe_cli.domain.points import shown
from kaohe_cli.text import a1, clean, norm, to_halfwidth

PLACES = Decimal("0.0001")  # leave is kept exact to 4 decimal places
HUGE = 20  # Decimal.adjusted() from which a number is shown and kept as it is, not rounded
_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(天|日|小时|h|分钟|分|min|次|个)?$", re.IGNORECASE)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def short(value: Decimal) -> str:
    """Decimal as short text: 2, 0.5, 0.4375."""
    if not value.is_finite() or value.adjusted() >= HUGE:
        return shown(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def tidy(value: Decimal) -> Decimal:
    """Rounded to 4 places, without trailing zeros: 1.50000 → 1.5, 2.0 → 2."""
    if not value.is_finite() or value.adjusted() >= HUGE:
        return value  # far beyond any count: refused by the bounds, never rounded (it cannot be)
    value = value.quantize(PLACES, rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def round_half_day(days: Decimal) -> Decimal:
    """To the nearest 0.5 day, halves up: 0.25 → 0.5, 0.75 → 1."""
    return tidy((days * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2)


def amount(value: object) -> tuple[Decimal, str] | None:
    """A cell as (number, unit written in the cell or ''); blanks are 0; None when unreadable."""
    if is_blank(value):
        return Decimal(0), ""
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        return None
    if isinstance(value, int):
        return Decimal(value), ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        try:
            return Decimal(repr(value)), ""
        except InvalidOperation:
            return None
    text = norm(value).replace(",", "")
    if text in BLANK_TEXT:
        return Decimal(0), ""
    m = _AMOUNT.match(text)
    if not m:
        return None
    return Decimal(m.group(1)), unit_name(m.group(2)) if m.group(2) else ""


def convert(value: Decimal, unit: str, target: str, hpd: Decimal) -> Decimal:
    """Convert between 天, 小时 and 分钟 (a day has `hpd` hours); anything else is returned as it is."""
    minutes_per = {"天": hpd * 60, "小时": Decimal(60), "分钟": Decimal(1)}
    if unit in minutes_per and target in minutes_per and unit != target:
        return value * minutes_per[unit] / minutes_per[target]
    return value


def cell_text(value: object) -> str:
    """A cell as it is shown in a message: 3.0 → "3", blank → ''."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def identity_text(value: object) -> str:
    """工号 / 账号 as text: leading zeros kept, 1001.0 → "1001", blank → ''."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value) if not is_blank(value) else ""


def date_of(value: object) -> date | None:
    """A 日期 cell as a date: a date value, or text such as "20-09-01 星期二"; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value) or not isinstance(value, str):
        return None
    m = ONE_DATE.search(to_halfwidth(value))
    return make_date(*m.groups()) if m else None


def make_date(y: str, mo: str, d: str) -> date | None:
    """A date from the digits of year (2 or 4), month and day; None when there is no such day."""
    year = int(y)
    if year < 100:
        year += 2000
    try:
        return date(year, int(mo), int(d))
    except ValueError:
        return None


def compact_cells(sheet: str, cells: list[tuple[int, int]]) -> str:
    """[(4, 10), (4, 13), (4, 14), (4, 15)] → '工作表!K5,N5:P5' (runs along a row or a column)."""
    runs: list[list[tuple[int, int]]] = []  # [first cell, last cell]
    for r, c in sorted(set(cells)):
        if runs and runs[-1][1] == (r, c - 1):
            runs[-1][1] = (r, c)
        else:
            runs.append([(r, c), (r, c)])
    stacked: list[list[tuple[int, int]]] = []
    for first, last in sorted(runs, key=lambda run: (run[0][1], run[0][0])):
        if first == last and stacked:
            top, bottom = stacked[-1]
            if top[1] == bottom[1] == first[1] and bottom[0] == first[0] - 1:
                stacked[-1][1] = first
                continue
        stacked.append([first, last])
    parts = [a1(*a) if a == b else f"{a1(*a)}:{a1(*b)}" for a, b in sorted(stacked)]
    return f"{sheet}!{','.join(parts)}"
