"""Parse single cells into typed values: 工号, numbers, dates.

Every parser returns `(value, issue)`: the value (or None) and an `Issue` when the cell cannot
be read; it never raises. A blank cell gives `(None, None)`; whether a blank is allowed is the
caller's decision. The location keywords (`file`, `sheet`, `cell`) go into the Issue, and
`column` names the column in the message.

`LIMITS` (below) is the one table of the largest numbers an input workbook may hold: counts,
days, points and ratings. `beyond_limit` checks one value against it and `beyond` a whole
column at once (vectorised, for the big attendance sheets). NaN and infinity are never
numbers: `parse_number` refuses them, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

import numpy as np

from kaohe_cli.issues import Issue, error
from kaohe_cli.domain.points import shown as shown_number
from kaohe_cli.text import to_halfwidth

# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 is the fictitious 1900-02-29.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MIN_SERIAL = 3654  # 1910-01-01: smaller numbers are counts typed into a date column
_MAX_SERIAL = 2958465  # 9999-12-31
_ID_DIGITS_LIMIT = 15  # Excel keeps 15 significant digits in a number

_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\uff0d": "-"})
_SPACE = re.compile(r"\s+")
_UNIT = r"(?:天|日|次|个|项|票|人|条|篇|件|份|分|小时|时|h|H)"
_NUMBER_TEXT = re.compile(rf"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:{_UNIT}|\({_UNIT}\))?$")
_THOUSANDS = re.compile(r"^([+-]?\d{1,3}(?:,\d{3})+)(?![\d,])")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TIME_TAIL = re.compile(r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")


def _where(file: str, sheet: str, cell: str) -> dict:
    return {"file": file, "sheet": sheet, "cell": cell}


def _label(column: str) -> str:
    return f"「{column}」" if column else ""


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:27] + "..."


# --------------------------------------------------------------------------------------
# 工号


def parse_id(
    v: object, *, file: str = "", sheet: str = "", cell: str = "", column: str = "工号"
) -> tuple[str | None, Issue | None]:
    """A person's 工号 as text: '007' stays '007', 1001.0 becomes '1001'."""
    where = _where(file, sheet, cell)
    hint = "工号应为数字或文字编号；如需保留前导 0，请把该列设为“文本”格式后重新输入"
    if v is None:
        return None, None
    if isinstance(v, bool):
        return None, error(f"{_label(column)}不应是逻辑值（{v}）", hint, code="bad-id", **where)
    if isinstance(v, (dt.date, dt.time, dt.timedelta)):
        return None, error(
            f"{_label(column)}是日期或时间（{_shown(v)}），不是编号",
            "Excel 可能把编号自动识别成了日期；" + hint,
            code="bad-id",
            **where,
        )
    if isinstance(v, (int, float, Decimal)):
        return _id_from_number(v, column, hint, where)
    text = _SPACE.sub("", to_halfwidth(str(v)))
    if not text:
        return None, None
    if re.fullmatch(r"\d+\.0+", text):  # '1001.0' from a CSV written by a script
        text = text.split(".", 1)[0]
    return text, None


def _id_from_number(v, column: str, hint: str, where: dict) -> tuple[str | None, Issue | None]:
    if isinstance(v, float) and not math.isfinite(v):
        return None, error(f"{_label(column)}不是有效的编号（{_not_finite(v)}）", hint, code="bad-id", **where)
    number = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    if number != number.to_integral_value():
        return None, error(
            f"{_label(column)}应为整数编号，实为「{_shown(v)}」", hint, code="bad-id", **where
        )
    if abs(number) >= 10**_ID_DIGITS_LIMIT:
        return None, error(
            f"{_label(column)}是超过 15 位的数字（{_shown(v)}），Excel 已丢失末几位",
            "请把该列设为“文本”格式后重新输入完整编号",
            code="bad-id",
            **where,
        )
    if number < 0:
        return None, error(f"{_label(column)}不应为负数（{_shown(v)}）", hint, code="bad-id", **where)
    return str(int(number)), None


# --------------------------------------------------------------------------------------
# numbers


def parse_number(
    v: object, *, file: str = "", sheet: str = "", cell: str = "", column: str = ""
) -> tuple[Decimal | None, Issue | None]:
    """An exact `Decimal` from a number or numeric text ('3', ' 3.5 ', '３', '2次', '1,200')."""
    where = _where(file, sheet, cell)
    hint = "请填写阿拉伯数字，如 3 或 0.5（可带单位“天”“次”）"
    if v is None:
        return None, None
    if isinstance(v, bool):
        return None, error(f"{_label(column)}应为数字，实为逻辑值（{v}）", hint, code="bad-number", **where)
    if isinstance(v, Decimal):
        if not v.is_finite():
            return None, error(f"{_label(column)}不是有效数字（{_not_finite(v)}）", hint, code="bad-number", **where)
        return v, None
    if isinstance(v, int):
        return Decimal(v), None
    if isinstance(v, float):
        if not math.isfinite(v):
            return None, error(f"{_label(column)}不是有效数字（{_not_finite(v)}）", hint, code="bad-number", **where)
        return _float_decimal(v), None
    if isinstance(v, (dt.date, dt.time, dt.timedelta)):
        return None, error(
            f"{_label(column)}应为数字，实为日期或时间（{_shown(v)}）",
            "请把该列设为“常规”或“数值”格式后重新输入数字",
            code="bad-number",
            **where,
        )
    text = _SPACE.sub("", to_halfwidth(str(v))).translate(_MINUS)
    if not text:
        return None, None
    thousands = _THOUSANDS.match(text)
    if thousands:
        text = thousands.group(1).replace(",", "") + text[thousands.end() :]
    m = _NUMBER_TEXT.match(text)
    if not m:
        return None, error(
            f"{_label(column)}应为数字，实为「{_shown(v)}」", hint, code="bad-number", **where
        )
    try:
        return Decimal(m.group(1)), None
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid numbers
        return None, error(f"{_label(column)}应为数字，实为「{_shown(v)}」", hint, code="bad-number", **where)


def _not_finite(v) -> str:
    """What a NaN or an infinity is, in Chinese (a cell holding #NUM! or a value past 1.8e308)."""
    if v != v:
        return "无效数值，可能是公式出错"
    return "负无穷大" if v < 0 else "无穷大"


def _float_decimal(v: float) -> Decimal:
    """The shortest decimal that round-trips the float: 0.1 → Decimal('0.1'), 3.0 → 3."""
    d = Decimal(repr(v))
    if abs(d) < 10**15 and d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d


# --------------------------------------------------------------------------------------
# dates


def parse_date(
    v: object, *, file: str = "", sheet: str = "", cell: str = "", column: str = ""
) -> tuple[dt.date | None, Issue | None]:
    """A `date` from a date cell, an Excel serial number, or text such as 2023年3月5日."""
    where = _where(file, sheet, cell)
    hint = "请填写日期，如 2023-03-05、2023/3/5、2023.3.5 或 2023年3月5日"
    if v is None:
        return None, None
    if isinstance(v, dt.datetime):
        return v.date(), None
    if isinstance(v, dt.date):
        return v, None
    if isinstance(v, bool) or isinstance(v, (dt.time, dt.timedelta)):
        return None, error(
            f"{_label(column)}应为日期，实为「{_shown(v)}」", hint, code="bad-date", **where
        )
    if isinstance(v, (int, float, Decimal)):
        return _date_from_number(v, column, hint, where)
    text = _SPACE.sub(" ", to_halfwidth(str(v))).strip()
    if not text:
        return None, None
    text = _TIME_TAIL.sub("", text).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            year, month, day = (int(g) for g in m.groups())
            try:
                return dt.date(year, month, day), None
            except ValueError:
                return None, error(
                    f"{_label(column)}不是有效日期（「{_shown(v)}」不存在）", hint, code="bad-date", **where
                )
    return None, error(f"{_label(column)}应为日期，实为「{_shown(v)}」", hint, code="bad-date", **where)


def _date_from_number(v, column: str, hint: str, where: dict) -> tuple[dt.date | None, Issue | None]:
    number = float(v)
    if not math.isfinite(number):
        return None, error(f"{_label(column)}应为日期，实为{_not_finite(number)}", hint, code="bad-date", **where)
    whole = int(number)
    if number == whole and 19000101 <= whole <= 99991231:  # 20230305 typed as a number
        text = str(whole)
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])), None
        except ValueError:
            return None, error(
                f"{_label(column)}不是有效日期（「{text}」不存在）", hint, code="bad-date", **where
            )
    if _MIN_SERIAL <= whole <= _MAX_SERIAL:
        # 1900 date system; serials from 61 on are days since 1899-12-30 (Excel counts a
        # fictitious 1900-02-29, so the epoch is one day earlier than 1899-12-31).
        return _EXCEL_EPOCH + dt.timedelta(days=whole), None
    return None, error(
        f"{_label(column)}应为日期，实为数字「{_shown(v)}」",
        "请把该列设为“日期”格式，或按 2023-03-05 的样式输入",
        code="bad-date",
        **where,
    )


# --------------------------------------------------------------------------------------
# bounds

LIMITS: dict[str, int] = {
    "count": 10_000,
    "points": 1_000,
    "rating": 10_000,
    "allowance": 366,
    "month": 31,
    "quarter": 92,
    "year": 366,
}
"""The largest number an input workbook may hold, by kind; a larger one is an error at its cell.

=========  ===========  ===================================================================
kind       largest      what
=========  ===========  ===================================================================
count      10,000       次数 of one item for one subject in one period: a cell of 考勤 (迟到,
                        早退…), a 次数 of 记实/奖惩, the rows of one person and item in a
                        detail 考勤 sheet, a count column of a punch-clock export; also 人数 of
                        sheet 单位
days       the period   days of one item (旷工, 事假, 病假, 年休假…) for one subject in one
                        period, in the same places: at most the calendar days of the period
                        being scored (`days_limit`), so at most 31 / 92 / 366 for a month /
                        quarter / year (`month`, `quarter`, `year`); 366 where the period is
                        not known
hours      the period   hours of one item counted in 小时, in the same places: at most the
                        calendar hours of the period (its days × 24, `quantity_limit`)
points     1,000        分值 of one event row (per occurrence or day, either sign)
rating     10,000       a cell of sheet 评分 (a rated score, 测评得分, 不称职票), either sign
allowance  366          人员 年休假天数 (days of leave a year)
=========  ===========  ===================================================================

Every value is also finite: NaN and infinity are errors wherever a number is read. With these
bounds the largest amount of one ledger line is 10,000 × 1,000 × 2 (per half day) × 10 (a
scheme's largest recipient factor) = 2×10⁸ points, far inside the engine's exact range (±10¹² points, `kaohe_cli.domain.points.MAX_POINTS`).
"""


def days_limit(period=None) -> int:
    """The most days one item can take in `period` (a `kaohe_cli.domain.period.Period`): its calendar
    days; a year's 366 when no period is known."""
    if period is None:
        return LIMITS["year"]
    return (period.end - period.start).days + 1


def count_why() -> str:
    """Why a count is refused, for `beyond_limit`."""
    return f"一个考核期内最多 {LIMITS['count']} 次"


def days_why(period=None) -> str:
    """Why a number of days is refused, for `beyond_limit`."""
    if period is None:
        return f"一年最多 {LIMITS['year']} 天"
    return f"{period.label}共 {days_limit(period)} 天"


def quantity_limit(unit: str, period=None) -> tuple[int, str, str]:
    """(largest, why, unit shown) for the quantity of an item counted in `unit` (a scheme's
    `Item.unit`): days up to the period's calendar days, hours up to its hours (days × 24), any
    other unit a count."""
    if unit == "天":
        return days_limit(period), days_why(period), "天"
    if unit == "小时":
        days = days_limit(period)
        where = f"{period.label}共 {days} 天" if period is not None else f"一年最多 {days} 天"
        return days * 24, f"{where}，即 {days * 24} 小时", "小时"
    return LIMITS["count"], count_why(), ""


def beyond_limit(
    value, largest, *, why: str = "", unit: str = "", file: str = "", sheet: str = "", cell: str = "",
    column: str = "", hint: str = "", code: str = "beyond-limit",
) -> Issue | None:
    """An error when `value` is not finite or its magnitude exceeds `largest`; else None.

    `why` says what the bound is, in Chinese ("一个考核期内的次数最多 10000"); `unit` follows
    the number shown ("天").
    """
    where = _where(file, sheet, cell)
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        d = Decimal("NaN")
    if not d.is_finite():
        return error(
            f"{_label(column)}不是有效数字（{_not_finite(d)}）", "请填写阿拉伯数字，如 3 或 0.5",
            code="bad-number", **where,
        )
    if abs(d) <= largest:
        return None
    why = why or f"绝对值最大 {shown_number(largest)}{unit}"
    return error(
        f"{_label(column) or '数值'}为 {shown_number(d)}{unit}，超出合理范围（{why}）",
        hint or "请核对这个数，常见原因是多输了几位数字或填错了列", code=code, **where,
    )


def beyond(values, largest) -> np.ndarray:
    """Vectorised: a mask of the values that are not finite or whose magnitude exceeds `largest`."""
    x = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        return ~(np.abs(x) <= float(largest))


__all__ = ["LIMITS", "beyond", "beyond_limit", "count_why", "days_limit", "days_why", "parse_date", "parse_id", "parse_number", "shown_number"]
