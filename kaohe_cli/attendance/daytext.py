"""Per-day result texts of an export ("正常班:迟到10分钟,早退5分钟\\n(08:27,18:25)", "病假3.5小时",
"事假半天", "休息\\n(-)") → the kinds of result they hold, with counts and days.

Kinds are those of `DAY_KEYWORDS` ("late", "absent", "missing", "外勤"…, "leave:病假"); rest days
and normal days count nothing. 旷工 and leave count days: a length in days, hours (÷ hours per
day) or minutes, "半天", or 1 day; every other kind counts times ("2次", else 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from kaohe_cli.attendance.values import amount, convert, is_blank
from kaohe_cli.domain.attendance_vocabulary import BLANK_TEXT, DAY_KEYWORDS, HALF_DAY
from kaohe_cli.text import to_halfwidth

_LEAVE_WORD = re.compile(r"^([\u4e00-\u9fff]{0,3}?假)")
_DAY_AMOUNT = re.compile(r"^(半天|\d+(?:\.\d+)?(?:天|日|小时|h|分钟|分|min|次|个)?)", re.IGNORECASE)
_PUNCH_PREFIX = re.compile(r"^(上班|下班)\d?")
_PARENS = re.compile(r"\(([^()]*)\)")
_TIMES_INSIDE = re.compile(r"^[-—\s]*$|:")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_SEPARATORS = re.compile(r"[,;、\n]+")


@dataclass(frozen=True)
class DayEntry:
    """One kind of result in a day's text."""

    category: str
    count: Decimal = Decimal(0)  # occurrences
    days: Decimal = Decimal(0)  # for 旷工 and leave


def counts_days(category: str) -> bool:
    """True for kinds of result measured in days (旷工 and leave)."""
    return category == "absent" or category.startswith("leave:")


def parse_day_text(value: object, hpd: Decimal) -> tuple[tuple[DayEntry, ...], tuple[str, ...]]:
    """'正常班:迟到10分钟,早退5分钟\\n(08:27,18:25)' → entries; also the unreadable parts."""
    if is_blank(value):
        return (), ()
    # Brackets holding punch times "(08:17,18:30)" or "(-)" differ on every day: drop them
    # before the (cached) parse. Others, like "(半天)" or "(10分钟)", are read as written.
    text = str(value).replace("（", "(").replace("）", ")")
    text = _PARENS.sub(lambda m: "," if _TIMES_INSIDE.search(m.group(1)) else m.group(1), text)
    return _parse_day_words(text, hpd)


# Speed: a month of day cells holds few distinct texts once punch times are dropped. Reading a
# 2,000-person 钉钉月度汇总 (62,000 day cells, tests/export_fixtures.dingtalk_monthly) takes 0.25 s
# with this cache and 0.55 s without (`make bench` does not read exports; measured alone).
# Safe because the parse is a pure function of (text, hours per day) and returns tuples.
@lru_cache(maxsize=4096)
def _parse_day_words(text: str, hpd: Decimal) -> tuple[tuple[DayEntry, ...], tuple[str, ...]]:
    text = _CLOCK.sub("", to_halfwidth(text).replace("：", ":"))  # stray punch times
    entries: list[DayEntry] = []
    unknown: list[str] = []
    for token in _SEPARATORS.split(text):
        token = re.sub(r"\s+", "", token)
        if ":" in token:  # "正常班:迟到10分钟": drop the shift name
            token = token.rsplit(":", 1)[1]
        if token in BLANK_TEXT:
            continue
        readable = _parse_token(token, hpd, entries)
        if not readable:
            unknown.append(token)
    return tuple(entries), tuple(unknown)


def _parse_token(token: str, hpd: Decimal, entries: list[DayEntry]) -> bool:
    """Add the entries of one token ("迟到10分钟早退5分钟") to `entries`; False when part of
    it cannot be read (the entries before that part are kept)."""
    rest = token
    while rest:
        rest = _PUNCH_PREFIX.sub("", rest, count=1)
        if not rest:
            break
        category, rest = _category(rest)
        if category is None:
            return False
        times, length, rest = _amounts(rest)
        if category in ("rest", "normal"):
            continue
        if counts_days(category):
            if length is not None:
                days = convert(length[0], length[1], "天", hpd)
            else:
                days = times if times is not None else Decimal(1)
            entries.append(DayEntry(category, Decimal(1), days))
        else:
            entries.append(DayEntry(category, times if times is not None else Decimal(1)))
    return True


def _category(rest: str) -> tuple[str | None, str]:
    """The kind of result `rest` starts with, and what follows it."""
    for word, cat in DAY_KEYWORDS:
        if rest.startswith(word):
            return cat, rest[len(word):]
    m = _LEAVE_WORD.match(rest)
    if m:
        return f"leave:{m.group(1)}", rest[m.end():]
    return None, rest


def _amounts(rest: str) -> tuple[Decimal | None, tuple[Decimal, str] | None, str]:
    """The times ("2次") and the length ("10分钟", "3.5小时", "1天", "半天") that `rest` starts
    with, each None when absent, and what follows them."""
    times: Decimal | None = None
    length: tuple[Decimal, str] | None = None
    while m := _DAY_AMOUNT.match(rest):
        rest = rest[m.end():]
        parsed = (Decimal("0.5"), "天") if m.group(1) == HALF_DAY else amount(m.group(1))
        if parsed is None:
            continue
        if parsed[1] in ("", "次"):
            times = times if times is not None else parsed[0]
        else:
            length = length or parsed
    return times, length, rest
