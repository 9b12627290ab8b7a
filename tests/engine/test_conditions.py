"""Condition parts (`engine/conditions.py`), one table per part: a few subjects, a few ledger
lines, and the mask worked out by hand.

Subjects are always a, b, c (in that order); an expected mask lists them in that order.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kaohe_cli.domain.period import Period
from kaohe_cli.engine import conditions as C
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.model import Condition

NAMES = ["优秀", "称职", "基本称职", "不称职"]
IDX = ["a", "b", "c"]


def _ctx(lines=None, columns=None, **kw) -> RuleContext:
    subjects = pd.DataFrame(columns or {}, index=pd.Index(IDX))
    return RuleContext(subjects, lines if lines is not None else L.empty(), NAMES, **kw)


def _lines(rows) -> pd.DataFrame:
    """(subject, item, quantity[, annual]) rows → ledger lines."""
    if not rows:
        return L.empty()
    rows = [r if len(r) == 4 else (*r, False) for r in rows]
    return L.make(subject=[r[0] for r in rows], item=[r[1] for r in rows],
                  quantity=[r[2] for r in rows], annual=[r[3] for r in rows])


def _mask(series: pd.Series) -> list[bool]:
    assert list(series.index) == IDX
    return [bool(v) for v in series]


# ---- items ---------------------------------------------------------------------------------

ITEMS = [
    pytest.param(["处分"], [("a", "处分", float("nan")), ("c", "旷工", 1.0)], [True, False, False],
                 id="a marker line counts, another item does not"),
    pytest.param(["处分", "旷工"], [("a", "处分", float("nan")), ("c", "旷工", 0.5)], [True, False, True],
                 id="any of the listed items"),
    pytest.param(["处分"], [("b", "处分", 1.0, True)], [False, False, False],
                 id="a year-end (annual) line is not a period line"),
    pytest.param(["处分"], [], [False, False, False], id="no lines at all"),
]


@pytest.mark.parametrize("items, rows, expected", ITEMS)
def test_items(items, rows, expected):
    assert _mask(C.items(Condition(items=items), _ctx(_lines(rows)))) == expected


# ---- quantity ------------------------------------------------------------------------------

QUANTITY = [
    # "more than 1" (gt) vs "reached 1" (gte): exactly 1 only reaches it
    pytest.param({"gt": 1}, [("a", "旷工", 1.0), ("b", "旷工", 1.5)], [False, True, False], id="gt: 1 is not more than 1"),
    pytest.param({"gte": 1}, [("a", "旷工", 1.0), ("b", "旷工", 1.5)], [True, True, False], id="gte: 1 reaches 1"),
    # summed over lines: a 0.5 + 0.5 = 1.0
    pytest.param({"gte": 1}, [("a", "旷工", 0.5), ("a", "旷工", 0.5), ("b", "旷工", 0.5)], [True, False, False],
                 id="summed over lines"),
    # 0.1 + 0.2 is 0.30000000000000004 in floats: it is 0.3 days, as written
    pytest.param({"gte": 0.3}, [("a", "旷工", 0.1), ("a", "旷工", 0.2)], [True, False, False], id="0.1+0.2 reaches 0.3"),
    pytest.param({"gt": 0.3}, [("a", "旷工", 0.1), ("a", "旷工", 0.2)], [False, False, False],
                 id="0.1+0.2 is not more than 0.3"),
    # several items are added together: a 事假 5 + 病假 8 = 13 > 12; b 事假 12 only = 12
    pytest.param({"gt": 12, "of": ["事假", "病假"]},
                 [("a", "事假", 5.0), ("a", "病假", 8.0), ("b", "事假", 12.0), ("c", "旷工", 20.0)],
                 [True, False, False], id="several items summed; other items ignored"),
    # year-end lines do not count: b's 3 annual days leave it at 0
    pytest.param({"gt": 1}, [("b", "旷工", 3.0, True), ("c", "旷工", 2.0)], [False, False, True],
                 id="annual lines left out"),
    # gt 0 on no lines at all: nobody
    pytest.param({"gt": 0}, [], [False, False, False], id="no lines: quantity 0"),
    # gte 0: everybody has at least 0
    pytest.param({"gte": 0}, [], [True, True, True], id="gte 0 holds for everyone"),
]


@pytest.mark.parametrize("bound, rows, expected", QUANTITY)
def test_quantity(bound, rows, expected):
    bound = dict(bound)
    when = Condition(quantity_of=bound.pop("of", ["旷工"]), **bound)
    assert _mask(C.quantity(when, _ctx(_lines(rows)))) == expected


# ---- per: the group's sum -----------------------------------------------------------------

PER = [
    # a and b in 预算科: 2 + 1 = 3 reaches 3 for both; c alone in 办公室 has 2
    pytest.param({"quantity_of": ["限时办结不力"], "gte": 3}, {"科室": ["预算科", "预算科", "办公室"]},
                 [("a", "限时办结不力", 2.0), ("b", "限时办结不力", 1.0), ("c", "限时办结不力", 2.0)],
                 [True, True, False], id="quantity summed over the 科室"),
    # the same lines without per: nobody alone reaches 3
    pytest.param({"quantity_of": ["限时办结不力"], "gte": 3, "per": None}, {"科室": ["预算科", "预算科", "办公室"]},
                 [("a", "限时办结不力", 2.0), ("b", "限时办结不力", 1.0), ("c", "限时办结不力", 2.0)],
                 [False, False, False], id="without per: each alone"),
    # items: b has none, but a in the same 科室 has one; c's blank 科室 is a group of one
    pytest.param({"items": ["通报批评"]}, {"科室": ["预算科", "预算科", ""]},
                 [("a", "通报批评", 1.0)], [True, True, False], id="items: anyone in the group"),
    pytest.param({"items": ["通报批评"]}, {"科室": ["", "", "预算科"]},
                 [("a", "通报批评", 1.0)], [True, False, False], id="blank cells are not one group"),
    pytest.param({"items": ["通报批评"]}, {"类别": ["甲", "甲", "甲"]},
                 [("a", "通报批评", 1.0)], [True, False, False], id="a missing column: each alone"),
]


@pytest.mark.parametrize("when, roster, rows, expected", PER)
def test_per_sums_over_the_group(when, roster, rows, expected):
    when = Condition(**{"per": "科室", **when})
    ctx = _ctx(_lines(rows), columns=roster)
    part = C.quantity if when.quantity_of else C.items
    assert _mask(part(when, ctx)) == expected


def test_per_needs_items_or_quantity():
    with pytest.raises(ValueError, match="per 需要 items 或 quantity_of"):
        Condition(per="科室", column="职务", equals=["见习"])


# ---- column --------------------------------------------------------------------------------

COLUMN = [
    pytest.param("科室", ["办公室"], {"科室": ["办公室", "财务科", None]}, [True, False, False], id="equal value"),
    pytest.param("科室", ["办公室", "财务科"], {"科室": ["办公室", "财务科", "法规科"]}, [True, True, False],
                 id="any listed value"),
    # values are compared normalised: spaces dropped, full-width letters half-width
    pytest.param("职务", ["A岗"], {"职务": [" Ａ 岗 ", "B岗", ""]}, [True, False, False], id="normalised text"),
    pytest.param("岗位", ["见习"], {"科室": ["见习", "见习", "见习"]}, [False, False, False],
                 id="a missing roster column holds for nobody"),
]


@pytest.mark.parametrize("column, equals, roster, expected", COLUMN)
def test_column(column, equals, roster, expected):
    when = Condition(column=column, equals=equals)
    assert _mask(C.column(when, _ctx(columns=roster))) == expected


# ---- rank_last -----------------------------------------------------------------------------

RANK_LAST = [
    pytest.param([1, 2, 3], [False, False, True], id="the last one"),
    pytest.param([1, 2, 2], [False, True, True], id="a tie for last: both"),
    pytest.param([3, 1, 2], [True, False, False], id="last is where the largest rank is"),
    pytest.param(None, [False, False, False], id="no ranks yet: nobody"),
]


@pytest.mark.parametrize("ranks, expected", RANK_LAST)
def test_rank_last(ranks, expected):
    ctx = _ctx()
    ctx.ranks = None if ranks is None else pd.Series(ranks, index=IDX)
    assert _mask(C.rank_last(Condition(rank_last=True), ctx)) == expected


# ---- new_workdays --------------------------------------------------------------------------


def _calendar_days(start: dt.date, end: dt.date) -> int:
    """A stand-in counter: every day counts (so the expected values are plain date arithmetic)."""
    return (end - start).days + 1


MARCH = Period(2023, "month", 3)

NEW_WORKDAYS = [
    # joined 2023-03-20: 12 days to 03-31 < 15; joined 03-17: 15 days, not fewer than 15
    pytest.param(15, [dt.date(2023, 3, 20), dt.date(2023, 3, 17), None], [True, False, False],
                 id="12 days left holds, 15 does not"),
    # joined in February: not inside the period; joined 03-31: 1 day left
    pytest.param(15, [dt.date(2023, 2, 28), dt.date(2023, 3, 31), dt.date(2023, 4, 1)], [False, True, False],
                 id="only joined inside the period"),
    pytest.param(1, [dt.date(2023, 3, 31), None, None], [False, False, False], id="1 day left is not fewer than 1"),
]


@pytest.mark.parametrize("limit, joined, expected", NEW_WORKDAYS)
def test_new_workdays(limit, joined, expected):
    ctx = _ctx(columns={"入职日期": joined}, period=MARCH, count_workdays=_calendar_days)
    assert _mask(C.new_workdays(Condition(new_workdays_lt=limit), ctx)) == expected


@pytest.mark.parametrize("kw", [
    pytest.param({"period": MARCH, "count_workdays": _calendar_days, "columns": {"科室": ["x", "y", "z"]}},
                 id="no 入职日期 column"),
    pytest.param({"period": MARCH, "columns": {"入职日期": [dt.date(2023, 3, 30)] * 3}}, id="no workday counter"),
    pytest.param({"count_workdays": _calendar_days, "columns": {"入职日期": [dt.date(2023, 3, 30)] * 3}},
                 id="no period"),
])
def test_new_workdays_without_what_it_needs_holds_for_nobody(kw):
    kw = dict(kw)
    ctx = _ctx(columns=kw.pop("columns"), **kw)
    assert _mask(C.new_workdays(Condition(new_workdays_lt=20), ctx)) == [False, False, False]


# ---- holds: every given part ---------------------------------------------------------------

HOLDS = [
    # items: a and b have 处分; column: b and c are in 办公室 → only b
    pytest.param({"items": ["处分"], "column": "科室", "equals": ["办公室"]}, [False, True, False], id="items and column"),
    # quantity: a 2 > 1 and c 3 > 1; rank_last: c → only c
    pytest.param({"quantity_of": ["旷工"], "gt": 1, "rank_last": True}, [False, False, True],
                 id="quantity and rank_last"),
    pytest.param({"items": ["处分"]}, [True, True, False], id="one part alone"),
]


@pytest.mark.parametrize("when, expected", HOLDS)
def test_holds_needs_every_given_part(when, expected):
    lines = _lines([("a", "处分", float("nan")), ("b", "处分", float("nan")), ("a", "旷工", 2.0), ("c", "旷工", 3.0)])
    ctx = _ctx(lines, columns={"科室": ["财务科", "办公室", "办公室"]})
    ctx.ranks = pd.Series([1, 2, 3], index=IDX)
    assert _mask(C.holds(Condition.model_validate(when), ctx)) == expected


# ---- consecutive ---------------------------------------------------------------------------
# 2024: Jan 31 is a Wednesday, Feb 1 Thursday, Feb 2 Friday, Feb 3-4 the weekend, Feb 5 Monday.
# The stand-in counter below makes Monday to Friday the working days.


def _weekdays(start: dt.date, end: dt.date) -> int:
    return sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range((end - start).days + 1))


def _dated(rows) -> pd.DataFrame:
    """(subject, item, quantity, "YYYY-MM-DD" or ""[, annual]) rows → ledger lines with dates."""
    rows = [r if len(r) == 5 else (*r, False) for r in rows]
    return L.make(subject=[r[0] for r in rows], item=[r[1] for r in rows], quantity=[r[2] for r in rows],
                  date=[r[3] for r in rows], annual=[r[4] for r in rows])


CONSECUTIVE = [
    # a: Jan 30, 31, Feb 1 → 3 across the month end; b: Jan 30, 31, Feb 2 → Feb 1 (a working day)
    # missing breaks it: 2; c: Jan 31 alone: 1
    pytest.param({"days_gte": 3},
                 [("a", "旷工", 1.0, "2024-01-30"), ("a", "旷工", 1.0, "2024-01-31"), ("a", "旷工", 1.0, "2024-02-01"),
                  ("b", "旷工", 1.0, "2024-01-30"), ("b", "旷工", 1.0, "2024-01-31"), ("b", "旷工", 1.0, "2024-02-02"),
                  ("c", "旷工", 1.0, "2024-01-31")],
                 [True, False, False], id="a run across the month end; a gap of one working day breaks it"),
    # the same a (3 days) against "more than 3": not more; b (2) more than 1
    pytest.param({"days_gt": 3},
                 [("a", "旷工", 1.0, "2024-01-30"), ("a", "旷工", 1.0, "2024-01-31"), ("a", "旷工", 1.0, "2024-02-01")],
                 [False, False, False], id="gt: 3 days are not more than 3"),
    # a: Fri Feb 2, Mon Feb 5, Tue Feb 6 → 3 working days in a row (the weekend does not break it)
    pytest.param({"days_gte": 3},
                 [("a", "旷工", 1.0, "2024-02-02"), ("a", "旷工", 1.0, "2024-02-05"), ("a", "旷工", 1.0, "2024-02-06")],
                 [True, False, False], id="working days: a weekend between does not break the run"),
    # calendar days: Feb 2 | Feb 5, 6 → the longest run is 2
    pytest.param({"days_gte": 3, "calendar_days": True},
                 [("a", "旷工", 1.0, "2024-02-02"), ("a", "旷工", 1.0, "2024-02-05"), ("a", "旷工", 1.0, "2024-02-06")],
                 [False, False, False], id="calendar days: the weekend breaks the run"),
    # multi-day rows, working days: a 3 days from Thu Feb 1 = Feb 1, 2, 5 → 3;
    # b the same + Tue Feb 6 → 4; c 2.5 days from Mon Feb 5 = Feb 5, 6 and half of Feb 7 → 2.5
    pytest.param({"days_gt": 3},
                 [("a", "病假", 3.0, "2024-02-01"), ("b", "病假", 3.0, "2024-02-01"), ("b", "病假", 1.0, "2024-02-06"),
                  ("c", "病假", 2.5, "2024-02-05")],
                 [False, True, False], id="a multi-day row covers the working days from its date"),
    # the same rows in calendar days: a Feb 1-3 → 3; b Feb 1-3 | Feb 6 → 3; c → 2.5: none more than 3
    pytest.param({"days_gt": 3, "calendar_days": True},
                 [("a", "病假", 3.0, "2024-02-01"), ("b", "病假", 3.0, "2024-02-01"), ("b", "病假", 1.0, "2024-02-06"),
                  ("c", "病假", 2.5, "2024-02-05")],
                 [False, False, False], id="a multi-day row covers calendar days from its date"),
    # c's 2.5 reaches 2.5 but not 3
    pytest.param({"days_gte": 2.5}, [("c", "病假", 2.5, "2024-02-05"), ("b", "病假", 2.0, "2024-02-05")],
                 [False, False, True], id="half a day at the end of a multi-day row counts half"),
    # a: two lines on Jan 31 (a detail row and an event row) + Feb 1 → 2 days, not 3;
    # b: half a day Feb 1 + Feb 2 → 1.5
    pytest.param({"days_gte": 2},
                 [("a", "旷工", 1.0, "2024-01-31"), ("a", "旷工", 1.0, "2024-01-31"), ("a", "旷工", 1.0, "2024-02-01"),
                  ("b", "旷工", 0.5, "2024-02-01"), ("b", "旷工", 1.0, "2024-02-02")],
                 [True, False, False], id="a day counts once; a half day counts half"),
    # several items run together: 旷工 Feb 1 + 病假 Feb 2 → 2; 迟到 is not listed; annual lines are not
    # period lines
    pytest.param({"days_gte": 2, "of": ["旷工", "病假"]},
                 [("a", "旷工", 1.0, "2024-02-01"), ("a", "病假", 1.0, "2024-02-02"),
                  ("b", "旷工", 1.0, "2024-02-01"), ("b", "迟到", 1.0, "2024-02-02"),
                  ("c", "旷工", 1.0, "2024-02-01"), ("c", "旷工", 1.0, "2024-02-02", True)],
                 [True, False, False], id="the listed items together; other items and annual lines left out"),
    pytest.param({"days_gt": 0}, [], [False, False, False], id="no lines: nobody"),
]


@pytest.mark.parametrize("when, rows, expected", CONSECUTIVE)
def test_consecutive(when, rows, expected):
    when = dict(when)
    cond = Condition(consecutive=when.pop("of", ["旷工", "病假"] if rows and rows[0][1] == "病假" else ["旷工"]), **when)
    ctx = _ctx(_dated(rows), count_workdays=_weekdays)
    assert _mask(C.consecutive(cond, ctx)) == expected
    assert ctx.issues == []


def test_consecutive_on_the_holiday_calendar():
    """2024 National Day: Oct 1-7 off, Sun Sep 29 and Sat Oct 12 worked (调休), from the calendar
    kaohe uses. Mon Sep 30 and Tue Oct 8 are consecutive working days; a 3-day row from Sep 30
    covers Sep 30, Oct 8 and Oct 9."""
    from kaohe_cli.domain.workdays import count_workdays

    rows = [("a", "旷工", 1.0, "2024-09-30"), ("a", "旷工", 1.0, "2024-10-08"), ("b", "旷工", 3.0, "2024-09-30"),
            ("c", "旷工", 1.0, "2024-09-27"), ("c", "旷工", 1.0, "2024-09-30")]  # c: Fri 27, Sun 29 worked, Mon 30
    ctx = _ctx(_dated(rows), count_workdays=count_workdays)
    assert _mask(C.consecutive(Condition(consecutive=["旷工"], days_gte=2), ctx)) == [True, True, False]
    assert _mask(C.consecutive(Condition(consecutive=["旷工"], days_gte=3), ctx)) == [False, True, False]
    calendar = Condition(consecutive=["旷工"], days_gte=2, calendar_days=True)
    assert _mask(C.consecutive(calendar, ctx)) == [False, True, False]  # b: Sep 30, Oct 1, Oct 2


def test_lines_without_dates_are_reported_once():
    """A summary 考勤 sheet has no dates: a's 5 days cannot be placed, so they are left out and
    one warning says so, with the fix; b's dated days are still judged."""
    lines = _dated([("a", "旷工", 5.0, ""), ("b", "旷工", 1.0, "2024-02-01"), ("b", "旷工", 1.0, "2024-02-02"),
                    ("c", "旷工", 2.0, "")])
    lines["source"] = ["考勤!C3", "", "", "考勤!C5"]
    lines["file"] = "一月.xlsx"
    ctx = _ctx(lines, count_workdays=_weekdays)
    when = Condition(consecutive=["旷工"], days_gte=2)
    assert _mask(C.holds(when, ctx)) == [False, True, False]
    assert _mask(C.holds(when, ctx)) == [False, True, False]  # evaluated again: still one issue
    assert len(ctx.issues) == 1
    issue = ctx.issues[0]
    assert issue.level.value == "警告"
    assert issue.message == "「旷工」有2条记录没有日期，无法判断是否连续达到2天：这些记录不计入连续天数"
    assert "明细式考勤表" in issue.hint and "「日期」" in issue.hint
    assert issue.location == "一月.xlsx:考勤!C3"


def test_consecutive_needs_its_bound_and_the_bound_needs_it():
    with pytest.raises(ValueError, match="consecutive 需要 days_gt 或 days_gte"):
        Condition(consecutive=["旷工"])
    with pytest.raises(ValueError, match="需要 consecutive"):
        Condition(items=["旷工"], days_gte=3)
    with pytest.raises(ValueError, match="需要 consecutive"):
        Condition(items=["旷工"], calendar_days=True)


def test_the_old_dept_limit_key_loads_as_the_rule_it_always_was():
    from kaohe_cli.scheme.loader import builtin_text, parse_scheme

    old = builtin_text("caizheng")
    start = old.index('[[annual.rules]]\nname = "所在科室全年限时办结不力达3人次"')
    rule = old[start:old.index("[[annual.rules]]", start + 1)]
    old = old.replace(rule, "").replace('tied_counts_as = "良好"\n', 'tied_counts_as = "良好"\ndept_limit = { "限时办结不力" = 3 }\n')
    converted = parse_scheme(old, "old.toml").annual.rules[0]
    today = parse_scheme(builtin_text("caizheng"), "caizheng.toml").annual.rules[0]
    assert converted == today
    assert (today.when.per, today.when.gte, today.grades) == ("科室", 3, ["优秀", "先进工作者"])



# ---- period_below: the year's sub-periods scored below a bound ----------------------------

def _scores(rows) -> pd.DataFrame:
    """a, b, c × three months; None = the month was not scored."""
    from decimal import Decimal

    return pd.DataFrame([[None if v is None else Decimal(str(v)) for v in r] for r in rows],
                        index=IDX, columns=["2023-01", "2023-02", "2023-03"], dtype=object)


PERIOD_BELOW = [
    # a: 79.99 and 70 are below 80 (2); b: exactly 80 is not below (0); c: one below, one missing
    pytest.param({"period_below": 80, "at_least": 2}, [[79.99, 70, 95], [80, 80, 90], [60, None, 85]],
                 [True, False, False], id="at least two months below 80"),
    pytest.param({"period_below": 80}, [[79.99, 70, 95], [80, 80, 90], [60, None, 85]],
                 [True, False, True], id="at least one (the default)"),
    pytest.param({"period_below": 80, "fewer_than": 1}, [[79.99, 70, 95], [80, 80, 90], [60, None, 85]],
                 [False, True, False], id="none below"),
    pytest.param({"period_below": 90, "at_least": 1}, [[None, None, None], [95, 95, 95], [89, 91, 99]],
                 [False, False, True], id="missing months are not counted"),
]


@pytest.mark.parametrize("when, rows, expected", PERIOD_BELOW)
def test_period_below(when, rows, expected):
    ctx = _ctx()
    ctx.period_scores = _scores(rows)
    assert _mask(C.period_below(Condition(**when), ctx)) == expected


def test_period_below_holds_for_nobody_in_a_period_and_is_checked():
    assert _mask(C.period_below(Condition(period_below=80), _ctx())) == [False, False, False]
    with pytest.raises(ValueError, match="分写两条规则"):
        Condition(period_below=80, period_grades=["优秀"])
    with pytest.raises(ValueError, match="period_below"):
        Condition(at_least=2)


# ---- total_lt / total_gte: the rounded total ------------------------------------------------

TOTAL = [
    # totals in cents: a 59.99, b 60.00, c 85.50
    pytest.param({"total_lt": 60}, [True, False, False], id="below 60: 59.99 only"),
    pytest.param({"total_gte": 60}, [False, True, True], id="at least 60: 60.00 counts"),
    pytest.param({"total_gte": 60, "total_lt": 85.5}, [False, True, False], id="a band: 85.50 is not below 85.5"),
    pytest.param({"total_lt": 59.995}, [True, False, False], id="a bound between cents"),
]


@pytest.mark.parametrize("when, expected", TOTAL)
def test_total(when, expected):
    ctx = _ctx()
    ctx.scores = pd.Series([5999, 6000, 8550], index=IDX)
    assert _mask(C.total(Condition(**when), ctx)) == expected


def test_total_needs_the_totals_and_is_no_condition_for_points():
    assert _mask(C.total(Condition(total_lt=60), _ctx())) == [False, False, False]
    assert C.needs_ranks(Condition(total_lt=60))
    from kaohe_cli.scheme.model import Rule

    with pytest.raises(ValueError, match="不能以名次或总分为条件"):
        Rule.model_validate({"name": "低分扣分", "when": {"total_lt": 60}, "action": "deduct", "points": 5})


# ---- any_of: either of several conditions ---------------------------------------------------

ANY_OF = [
    # a: 事假 16 (> 15); b: 病假 41 (> 40); c: both 16 and 41; one rule, each once
    pytest.param({"any_of": [{"quantity_of": ["事假"], "gt": 15}, {"quantity_of": ["病假"], "gt": 40}]},
                 [("a", "事假", 16.0), ("b", "病假", 41.0), ("c", "事假", 16.0), ("c", "病假", 41.0)],
                 [True, True, True], id="either bound"),
    pytest.param({"any_of": [{"quantity_of": ["事假"], "gt": 15}, {"quantity_of": ["病假"], "gt": 40}]},
                 [("a", "事假", 15.0), ("b", "病假", 40.0)], [False, False, False], id="neither"),
    # with another part: 旷工 AND (事假 > 15 OR 病假 > 40)
    pytest.param({"items": ["旷工"], "any_of": [{"quantity_of": ["事假"], "gt": 15}, {"quantity_of": ["病假"], "gt": 40}]},
                 [("a", "事假", 16.0), ("a", "旷工", 1.0), ("b", "病假", 41.0), ("c", "旷工", 1.0)],
                 [True, False, False], id="and the other parts"),
]


@pytest.mark.parametrize("when, rows, expected", ANY_OF)
def test_any_of(when, rows, expected):
    assert _mask(C.holds(Condition(**when), _ctx(_lines(rows)))) == expected


def test_any_of_tables_are_conditions_of_their_own():
    when = Condition(any_of=[{"quantity_of": ["事假"], "gt": 15}, {"any_of": [{"items": ["处分"]}]}])
    assert [w.items or w.quantity_of for w in when.tables()] == [[], ["事假"], [], ["处分"]]
    with pytest.raises(ValueError, match="quantity_of 需要"):
        Condition(any_of=[{"quantity_of": ["事假"]}])
