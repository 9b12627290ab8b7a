"""When a rule acts: each part of a rule's `when` is one small function, and a rule holds where all
its given parts hold.

Every part has the same shape, `part(when, ctx) -> bool Series over ctx.idx`, and `PARTS` lists
them in one table; `holds` is the only caller. The period engine and the annual step both use it,
so a user's rule means the same in a month and in a year.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Callable

import pandas as pd

from kaohe_cli.domain.period import Period
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.issues import Issue, note, warning
from kaohe_cli.scheme.model import Condition, parse_quota
from kaohe_cli.scheme.rules import needs_totals
from kaohe_cli.text import norm, num

# Quantities are summed as floats (vectorised) and rounded to 9 places before they are compared,
# so 0.1 + 0.2 days is 0.3 days, as the clerk wrote them (a quantity is a count, days or hours).
_QTY_PLACES = 9


def _period_lines(ctx: RuleContext) -> pd.DataFrame:
    lines = ctx.lines
    return lines[~lines["annual"]] if len(lines) else lines


def _per_group(values: pd.Series, when: Condition, ctx: RuleContext) -> pd.Series:
    """`values` (one per subject) summed over everyone sharing the subject's `per` column
    (per = "科室": the 科室's total, given to each of its people). Without `per`, `values`. A
    subject with a blank `per` cell is a group of one; a column the roster lacks: everyone alone."""
    if not when.per:
        return values
    if when.per in ctx.subjects.columns:
        keys = ctx.subjects[when.per].fillna("").map(norm)
        keys = keys.where(keys != "", pd.Series(ctx.idx.map(lambda s: f"\0{s}"), index=ctx.idx))
    else:
        keys = pd.Series(ctx.idx.map(lambda s: f"\0{s}"), index=ctx.idx)
    return values.groupby(keys).transform("sum")


def items(when: Condition, ctx: RuleContext) -> pd.Series:
    """Any line of the listed items in the period(s) (of anyone in the subject's group, with `per`)."""
    lines = _period_lines(ctx)
    has = set(lines.loc[lines["item"].isin(set(when.items)), "subject"]) if len(lines) else set()
    own = pd.Series(ctx.idx.isin(list(has)).astype(int), index=ctx.idx)
    return _per_group(own, when, ctx) > 0


def quantity(when: Condition, ctx: RuleContext) -> pd.Series:
    """The summed quantity of the listed items (the group's sum, with `per`) is more than `gt`,
    at least `gte`, less than `lt`, at most `lte` (each given bound; none at all is 0)."""
    lines = _period_lines(ctx)
    sel = lines[lines["item"].isin(when.quantity_of)] if len(lines) else lines
    q = (sel.groupby("subject")["quantity"].sum() if len(sel) else pd.Series(dtype=float))
    q = q.reindex(ctx.idx, fill_value=0.0).astype(float)
    q = _per_group(q, when, ctx).round(_QTY_PLACES)
    mask = pd.Series(True, index=ctx.idx)
    if when.gt is not None:
        mask &= q > float(when.gt)
    if when.gte is not None:
        mask &= q >= float(when.gte)
    if when.lt is not None:
        mask &= q < float(when.lt)
    if when.lte is not None:
        mask &= q <= float(when.lte)
    return mask


def new_workdays(when: Condition, ctx: RuleContext) -> pd.Series:
    """Joined (入职日期) inside the period, with fewer working days left in it than the limit."""
    idx = ctx.idx
    out = pd.Series(False, index=idx)
    if "入职日期" not in ctx.subjects.columns or ctx.count_workdays is None or ctx.period is None:
        return out
    start, end = ctx.period.start, ctx.period.end
    joined = ctx.subjects["入职日期"]
    inside = joined.map(lambda d: d is not None and not pd.isna(d) and start <= d <= end)
    for s in inside[inside].index:  # only the few who joined inside the period, day by day
        out[s] = ctx.count_workdays(joined[s], end) < when.new_workdays_lt
    return out


def column(when: Condition, ctx: RuleContext) -> pd.Series:
    """A roster (unit) column has one of the listed values; a missing column holds for nobody."""
    if when.column not in ctx.subjects.columns:
        return pd.Series(False, index=ctx.idx)
    values = ctx.subjects[when.column].fillna("").map(norm)
    return values.isin([norm(e) for e in when.equals])


def rank_last(when: Condition, ctx: RuleContext) -> pd.Series:
    """Ranked last of all subjects (needs the ranks: evaluated after the totals)."""
    if ctx.ranks is None or ctx.ranks.empty:
        return pd.Series(False, index=ctx.idx)
    ranks = ctx.ranks.reindex(ctx.idx)
    return ranks == ranks.max()


def _count_bounds(count: pd.Series, when: Condition, ctx: RuleContext) -> pd.Series:
    """At least `at_least` (default 1) and fewer than `fewer_than` when given."""
    mask = pd.Series(True, index=ctx.idx)
    if when.fewer_than is not None:
        mask &= count < when.fewer_than
    if when.at_least is not None or when.fewer_than is None:
        mask &= count >= (when.at_least if when.at_least is not None else 1)
    return mask


def period_below(when: Condition, ctx: RuleContext) -> pd.Series:
    """The number of the year's sub-periods (the level below: months, or the last stage's) whose
    score is below `period_below` is at least `at_least` (default 1) and fewer than `fewer_than`
    when given: 全年有2个月得分低于80分 = period_below 80, at_least 2. A missing period is not
    counted. In a period there are none: it holds for nobody."""
    scores = ctx.period_scores
    if scores is None or scores.empty:
        return pd.Series(False, index=ctx.idx)
    bound = when.period_below
    below = scores.apply(lambda col: col.map(lambda v: v is not None and not pd.isna(v) and v < bound))
    return _count_bounds(below.sum(axis=1).reindex(ctx.idx, fill_value=0), when, ctx)


def period_grades(when: Condition, ctx: RuleContext) -> pd.Series:
    """The number of the year's sub-periods graded one of `period_grades` is at least `at_least`
    (default 1) and fewer than `fewer_than` when given: 至少一期优秀 = period_grades ["优秀"];
    没有一期优秀 = fewer_than 1; 有基本称职或不称职 = period_grades ["基本称职", "不称职"]."""
    grades = ctx.period_grades
    if grades is None or grades.empty:
        count = pd.Series(0, index=ctx.idx)
    else:
        count = grades.isin(set(when.period_grades)).sum(axis=1).reindex(ctx.idx, fill_value=0)
    return _count_bounds(count, when, ctx)


def earlier_year(period: Period, k: int) -> Period:
    """The (school) year `k` years before `period`'s."""
    if period.kind == "schoolyear":
        return Period(period.year - k, "schoolyear", 0, period.start_month)
    return Period(period.year - k, "year", 0)


def past_grades(when: Condition, ctx: RuleContext) -> pd.Series:
    """In each of the `past_years` (default 1) years just before the target year, the kept annual
    grade is one of `past_grades` (连续两年不称职: past_grades ["不称职"], past_years = 2, with
    this year's own condition in another part or rule). A year without a kept result holds for nobody."""
    past = ctx.past_grades
    n = when.past_years or 1
    if past is None or ctx.period is None:
        return pd.Series(False, index=ctx.idx)
    mask = pd.Series(True, index=ctx.idx)
    for k in range(1, n + 1):
        code = earlier_year(ctx.period, k).code
        if code not in past.columns:
            return pd.Series(False, index=ctx.idx)
        mask &= past[code].reindex(ctx.idx).fillna("").isin(set(when.past_grades))
    return mask


def consecutive(when: Condition, ctx: RuleContext) -> pd.Series:
    """The longest run of consecutive days of the listed items is more than `days_gt` / at least
    `days_gte` (连续旷工3天以上: consecutive ["旷工"], days_gte = 3).

    Days come from the lines' dates (a detail 考勤 sheet: one row per day; 日期 of an event row).
    A line of N days dated D covers D and the days after it, N in all (2.5 days: the third one
    half); a date counts at most one day however many lines fall on it. Working days (the
    default): a rest day between two days does not break the run (Friday and Monday are
    consecutive) and a multi-day line covers the working days after D; `calendar_days`: every
    calendar day counts and breaks. In a period only the period's lines are seen (a run across
    the month end counts in each month its days fall in); a year rule sees the year's lines.
    Lines without a date cannot be placed: they are left out, reported once (an Issue)."""
    lines = _period_lines(ctx)
    sel = lines[lines["item"].isin(set(when.consecutive))] if len(lines) else lines
    out = pd.Series(False, index=ctx.idx)
    if not len(sel):
        return out
    raw = sel["date"].fillna("").astype(str).str.strip() if "date" in sel.columns else pd.Series("", index=sel.index)
    parsed = raw.map({v: _iso(v) for v in raw.unique()})
    undated = sel[parsed.isna()]
    if len(undated):
        ctx.issue(_undated_issue(when, undated))
    days = _DayCalendar(ctx.count_workdays, when.calendar_days)
    runs: dict[object, float] = {}
    dated = sel[parsed.notna()]
    for subject, group in dated.groupby("subject", sort=False):
        runs[subject] = days.longest_run(zip(parsed[group.index], group["quantity"]))
    run = pd.Series(runs, dtype=float).reindex(ctx.idx, fill_value=0.0).round(_QTY_PLACES)
    mask = pd.Series(True, index=ctx.idx)
    if when.days_gt is not None:
        mask &= run > float(when.days_gt)
    if when.days_gte is not None:
        mask &= run >= float(when.days_gte)
    return mask


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


class _DayCalendar:
    """Which days follow each other: calendar days, or working days (`count_workdays`, else Monday
    to Friday) where rest days in between are skipped."""

    def __init__(self, count_workdays, calendar_days: bool):
        self.count, self.calendar = count_workdays, calendar_days
        self._work: dict[dt.date, bool] = {}

    def is_workday(self, d: dt.date) -> bool:
        if d not in self._work:
            self._work[d] = self.count(d, d) == 1 if self.count is not None else d.weekday() < 5
        return self._work[d]

    def covered(self, start: dt.date, quantity: float) -> list[tuple[dt.date, float]]:
        """The days a line of `quantity` days dated `start` covers, with the share of each."""
        q = 1.0 if pd.isna(quantity) or quantity <= 0 else float(quantity)
        out, d, left = [], start, q
        while left > 1e-9:
            out.append((d, min(left, 1.0)))
            left -= 1.0
            d += dt.timedelta(days=1)
            while not self.calendar and left > 1e-9 and not self.is_workday(d):
                d += dt.timedelta(days=1)
        return out

    def follows(self, before: dt.date, after: dt.date) -> bool:
        gap = (after - before).days
        if gap == 1:
            return True
        if self.calendar or gap > 31:  # no holiday lasts a month: a longer gap holds a working day
            return False
        return not any(self.is_workday(before + dt.timedelta(days=i)) for i in range(1, gap))

    def longest_run(self, dated_lines) -> float:
        share: dict[dt.date, float] = {}
        for start, quantity in dated_lines:
            for d, part in self.covered(start, quantity):
                share[d] = min(1.0, share.get(d, 0.0) + part)
        best = length = 0.0
        previous = None
        for d in sorted(share):
            length = length + share[d] if previous is not None and self.follows(previous, d) else share[d]
            best, previous = max(best, length), d
        return best


def _undated_issue(when: Condition, undated: pd.DataFrame) -> Issue:
    names = "、".join(f"「{n}」" for n in dict.fromkeys(undated["item"]))
    bound = f"超过{num(when.days_gt)}天" if when.days_gt is not None else f"达到{num(when.days_gte)}天"
    source = next((s for s in undated.get("source", pd.Series(dtype=object)).fillna("") if s), "")
    sheet, _, cell = source.partition("!") if "!" in source else ("", "", "")
    file = next((f for f in undated.get("file", pd.Series(dtype=object)).fillna("") if f), "")
    return warning(
        f"{names}有{len(undated)}条记录没有日期，无法判断是否连续{bound}：这些记录不计入连续天数",
        "请改用明细式考勤表（每人每天一行：工号、姓名、日期、状态、天数），或在奖惩表中填写「日期」"
        "（多天的一行从该日起连续计）",
        file=file, sheet=sheet, cell=cell,
    )


def total(when: Condition, ctx: RuleContext) -> pd.Series:
    """The rounded total is below `total_lt` / at least `total_gte` (needs the totals)."""
    scores = ctx.scores
    if scores is None or scores.empty:
        return pd.Series(False, index=ctx.idx)
    cents = scores.reindex(ctx.idx)
    mask = cents.notna()
    # whole cents: cents < t × 100 exactly when cents < ⌈t × 100⌉ (a bound may have 4 decimals)
    if when.total_lt is not None:
        mask &= cents < math.ceil(when.total_lt * 100)
    if when.total_gte is not None:
        mask &= cents >= math.ceil(when.total_gte * 100)
    return mask.astype(bool)


def bottom(when: Condition, ctx: RuleContext) -> pd.Series:
    """Among the bottom share (or count) of all subjects by rounded total: k = ⌊N × share⌋ people,
    and everyone tied with the k-th from the bottom (a note says so). Needs the totals."""
    scores = ctx.scores
    if scores is None or scores.empty:
        return pd.Series(False, index=ctx.idx)
    kind, value = parse_quota(when.bottom_share)
    k = min(math.floor(len(scores) * value) if kind == "share" else int(value), len(scores))
    if k <= 0:
        return pd.Series(False, index=ctx.idx)
    flagged = scores <= sorted(scores)[k - 1]
    if int(flagged.sum()) > k:
        ctx.issue(note(f"积分排名后{when.bottom_share}（{k}人）边缘有同分，同分者一并标注", ""))
    return flagged.reindex(ctx.idx, fill_value=False)


Part = Callable[[Condition, RuleContext], pd.Series]

# (is this part given in `when`?, the part)
PARTS: list[tuple[Callable[[Condition], bool], Part]] = [
    (lambda w: bool(w.items), items),
    (lambda w: bool(w.quantity_of), quantity),
    (lambda w: w.new_workdays_lt is not None, new_workdays),
    (lambda w: bool(w.column), column),
    (lambda w: w.rank_last, rank_last),
    (lambda w: w.bottom_share is not None, bottom),
    (lambda w: w.total_lt is not None or w.total_gte is not None, total),
    (lambda w: bool(w.period_grades), period_grades),
    (lambda w: w.period_below is not None, period_below),
    (lambda w: bool(w.past_grades), past_grades),
    (lambda w: bool(w.consecutive), consecutive),
]


def holds(when: Condition, ctx: RuleContext) -> pd.Series:
    """Where every given part of `when` holds, and at least one of its `any_of` tables (a bool
    Series over ctx.idx)."""
    mask = pd.Series(True, index=ctx.idx)
    for given, part in PARTS:
        if given(when):
            mask &= part(when, ctx).to_numpy(dtype=bool)
    if when.any_of:  # 满足其一即可: at least one of the tables holds
        either = pd.Series(False, index=ctx.idx)
        for sub in when.any_of:
            either |= holds(sub, ctx).to_numpy(dtype=bool)
        mask &= either.to_numpy(dtype=bool)
    return mask.astype(bool)


def needs_ranks(when: Condition) -> bool:
    """Judged once the totals and ranks are known (rank_last, bottom_share, total_lt, total_gte)."""
    return needs_totals(when)
