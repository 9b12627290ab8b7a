"""The scheme file, as a validated pydantic model.

A scheme is data: components with their maxima, the item catalogue, caps, rules and grades.
Rule *kinds* live in the engine; this module only says what a scheme may contain. Every
field name here is a TOML key; Chinese descriptions are for `kaohe schemes show`.

Every number has a sign and a range (`SCHEME_LIMITS`): a value outside it is an error that
names its key, in Chinese, before anything is scored. Points have at most 4 decimal places,
so that micro-points are exact and weighted sums stay far inside int64.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Annotated, Literal

from pydantic import ValidationInfo, field_validator, model_validator

from kaohe_cli.domain.points import shown
from kaohe_cli.scheme import legacy
from kaohe_cli.scheme.bands import Ratio
from kaohe_cli.scheme.rules import Condition, Rule  # noqa: F401 - keys of the model
from kaohe_cli.scheme.counting import (  # noqa: F401 - CountsAs and Overflow are keys of the model
    UNIT_EACH,
    CountsAs,
    CountsAsOneOrMany,
    Overflow,
    check_counting as _check_counting,
    counting_text as _counting_text,
    overflow_text as _overflow_text,
)
from kaohe_cli.text import norm

from kaohe_cli.scheme.bounds import (  # noqa: F401 - SCHEME_LIMITS and parse_quota are part of the model's names
    SCHEME_LIMITS,
    BandMin,
    Cap,
    ColumnMax,
    DeptLimit,
    MaxPoints,
    Money,
    MonthNumber,
    People,
    Points,
    PositiveQuantity,
    Quantity,
    RecipientFactor,
    Share,
    SignedPoints,
    Threshold,
    Years,
    StrictModel,
    within,
    amount,
    check_points,
    parse_quota,
    scheme_share,
)


class Level(StrictModel):
    """One value of an item's 级别 (or 责任) with its points."""

    name: str
    aliases: list[str] = []
    points: Points | None = None  # fixed points per unit (positive magnitude)
    range: tuple[Points, Points] | None = None  # discretionary 分值 per unit, bounds included
    default: Points | None = None  # 分值 used when the cell is empty (range items)

    @model_validator(mode="after")
    def _points_or_range(self) -> "Level":
        check_points(self.points, self.range, self.default, f"级别 {self.name}")
        return self


class Factor(StrictModel):
    """A recipient factor: recipients whose roster column matches get `factor` × points."""

    column: str  # canonical roster column: 类别, 科室, 职务, 岗位
    equals: list[str]
    factor: RecipientFactor
    note: str = ""  # e.g. "领导班子成员减半"


class Targets(StrictModel):
    """Who an event reaches."""

    individual: list[Literal["self", "leader"]] = ["self"]
    collective: list[Literal["members", "leader"]] | None = None  # None: no 集体 rows
    everyone: bool = False  # 对象类型 全体: every scored subject
    multiple: bool = False  # 对象 may name several targets joined with 、 (each gets the points)
    shared_factor: Share | None = None  # ... or, when set, each gets this factor × the points


class Tier(StrictModel):
    """阶梯（`tiers` 的一档）：数量超过 `over` 的部分（或全部，见 `tier_mode`）每单位 `points` 分。"""

    over: Quantity  # the band starts above this quantity (the first band: over = 0)
    points: Points  # points per unit in this band


class PerPerson(StrictModel):
    """按人计的每单位分值：人员表 `column` 列的数 × `factor`（日工资 ÷ 10：factor = 0.1）。"""

    column: str  # a numeric column of the 人员 sheet (e.g. 日工资)
    factor: Annotated[Decimal, within(0, SCHEME_LIMITS["factor"], lo_open=True)] = Decimal(1)


class Item(StrictModel):
    """One entry of the catalogue (事项). 计数类键（free、tiers、increment、minimum、if_none_of）
    与阈值（zero_at 达到、zero_above 超过）的中文说明见 `scheme/counting.py`。"""

    name: str
    aliases: list[str] = []
    kind: Literal["bonus", "deduction", "marker"]
    component: str | None = None  # deduction component it draws from; None = outside
    category: str | None = None  # bonus cap category; defaults to the item name
    unit: Literal["次", "天", "节", "周", "小时"] = "次"  # 天 allows halves, 小时 2 decimals; 次, 节 (class period), 周 whole
    per_half_day: bool = False  # points apply per half day (days × 2)
    points: Points | None = None  # per unit, positive magnitude (sign comes from kind)
    range: tuple[Points, Points] | None = None  # discretionary 分值 (视情)
    default: Points | None = None
    money: Money | None = None  # 元 per unit (误课一节扣5元); deduction −, bonus +; a marker may carry it too
    levels: list[Level] = []
    level_field: Literal["级别", "责任"] = "级别"
    evidence: bool = False  # a 文号 is required; without one the row earns nothing
    attendance: bool = False  # may also be a column of 考勤
    annual: bool = False  # on the period's ledger, but only counted by `quota --year`
    zero_at: PositiveQuantity | None = None  # quantity in the period that zeroes the whole component
    zero_above: Quantity | None = None  # ... zeroes it only when exceeded (超过45天), not when reached
    counts_as: CountsAsOneOrMany | None = None  # each row counts as another item (口头请假 → 旷工; 1 周 → 5 天), or as each of several
    overflow: Overflow | None = None  # the period's total above `over` counts as another item (病假超过3天的部分按事假计)
    free: PositiveQuantity | None = None  # the first N units of the period score nothing (前N次不扣)
    tiers: list[Tier] = []  # points per unit by band of the period's quantity
    tier_mode: Literal["progressive", "whole"] = "progressive"  # 累进 (each band its part) or 全额
    increment: Points | None = None  # the n-th unit costs points + (n−1) × increment
    minimum: PositiveQuantity | None = None  # rows count what was done; each unit short costs points
    if_none_of: list[str] = []  # points once when the period has no line of these items (全勤奖)
    points_from: PerPerson | None = None  # points per unit = a roster column × factor, per person
    targets: Targets = Targets()
    factors: list[Factor] = []  # first match wins
    default_factor: RecipientFactor = Decimal(1)  # recipients matching no factor
    description: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "Item":
        where = f"事项 {self.name}"
        self._counts_as_alone(where)
        if self.kind == "marker":
            if self.points is not None or self.range is not None or self.levels:
                raise ValueError(f"{where}：marker 类事项不计分，不能设 points/range/levels")
            if self.by_total or self.points_from is not None:
                raise ValueError(f"{where}：marker 类事项不计分，不能设 free/tiers/increment/minimum/if_none_of/points_from")
            _check_counting(self, where)  # overflow: a marker's part up to `over` scores nothing
            return self
        if self.counts_as is not None:
            if self.money is not None:
                raise ValueError(f"{where}：已设 counts_as 时按「{self._targets}」计，money 请写在「{self._targets}」上")
            if self.points is not None or self.range is not None or self.levels or self.by_total or self.points_from:
                raise ValueError(f"{where}：已设 counts_as 时按「{self._targets}」的分值计，不能再设分值或计数规则")
            return self
        if self.levels:
            if self.points is not None or self.range is not None:
                raise ValueError(f"{where}：已设 levels 时，分值写在各级别里，不能再设 points/range")
        elif self.tiers or self.points_from is not None:
            if self.points is not None or self.range is not None:
                raise ValueError(f"{where}：已设 {'tiers' if self.tiers else 'points_from'} 时不能再设 points/range")
        else:
            check_points(self.points, self.range, self.default, where)
        if self.per_half_day and self.unit != "天":
            raise ValueError(f"{where}：per_half_day 只适用于 unit = \"天\" 的事项")
        if self.kind == "bonus" and self.component is not None:
            raise ValueError(f"{where}：加分事项不属于扣分项目（component），请删去 component")
        _check_counting(self, where)
        return self  # zero_above needs a component: scheme/checks.py says so at its line

    @property
    def _targets(self) -> str:
        return "」「".join(c.item for c in self.counts_as_list)

    def _counts_as_alone(self, where: str) -> None:
        """`counts_as` lists at least one item, and leaves the item no total of its own to overflow."""
        if self.counts_as is None:
            return
        if not self.counts_as_list:
            raise ValueError(f"{where}：counts_as 是空列表，请至少写一个 {{ item = \"事项\" }}，或删去 counts_as")
        if self.overflow is not None:
            raise ValueError(f"{where}：已设 counts_as 时每行都按「{self._targets}」登记，本事项没有自己的合计，"
                             f"不能再设 overflow（请把 overflow 写在「{self._targets}」上）")

    @property
    def by_total(self) -> bool:
        """Scored on the period's total quantity (free, tiers, increment, minimum, if_none_of,
        and a scored item with `overflow`: its own part is the total up to `over`), not row by
        row: its rows carry no points, one line per person carries the total."""
        return bool(self.free is not None or self.tiers or self.increment is not None
                    or self.minimum is not None or self.if_none_of
                    or (self.overflow is not None and self.kind != "marker"))

    @property
    def counts_as_list(self) -> list[CountsAs]:
        """The items each row counts as: `counts_as` as a list (empty without it)."""
        if self.counts_as is None:
            return []
        return list(self.counts_as) if isinstance(self.counts_as, list) else [self.counts_as]

    @property
    def level_names(self) -> list[str]:
        return [lv.name for lv in self.levels]

    def rule_text(self) -> str:
        """A Chinese one-liner of the rule, used on ledger lines and in `schemes show`."""
        sign = "加" if self.kind == "bonus" else "扣"
        per = "每半天" if self.per_half_day else UNIT_EACH[self.unit]
        if self.kind == "marker":
            return f"{self.name}（记录，不直接计分）" + self.money_text() + _overflow_text(self)
        if self.counts_as is not None or self.by_total or self.points_from is not None:
            return f"{self.name} {_counting_text(self, sign, per)}" + _overflow_text(self)
        if self.levels:
            parts = []
            for lv in self.levels:
                parts.append(f"{lv.name}{amount(lv.points, lv.range, lv.default)}")
            return f"{self.name} {per}按{self.level_field}{sign}分：" + "，".join(parts)
        return f"{self.name} {per}{sign}{amount(self.points, self.range, self.default)}分" + self.money_text()

    def money_text(self) -> str:
        """The item's money in words (，每节扣5元), or '' without `money`."""
        if self.money is None:
            return ""
        verb = "加" if self.kind == "bonus" else "扣"
        return f"，{UNIT_EACH[self.unit]}{verb}{_yuan(self.money)}元"


def _yuan(value: Decimal) -> str:
    """元 as plain text: 5 → '5', 2.5 → '2.5'."""
    text = format(value.normalize(), "f")
    return text


class BandRule(StrictModel):
    """One band: of a rank_band, `upto` (rank r ≤ upto × N); of a value_band, `min` (value ≥ min).
    Which one a kind needs is checked at its key (`scheme/bands.py`)."""

    upto: Share | None = None  # rank_band: rank r ≤ upto × N
    min: BandMin | None = None  # value_band: the value reaches min (≥); a ratio's min is a share 0..1
    points: Points


class BottomRankPenalty(StrictModel):
    """Deduct `points` from subjects in the bottom `bottom` of their group by `column`.

    "Bottom n" means fewer than n people in the group have a strictly lower value.
    Only when `also_column` ≥ `also_min` (if given). Rows with a blank `column` take no part.
    """

    column: str
    group_by: str  # roster column, e.g. 分管领导
    bottom: People
    also_column: str | None = None
    also_min: Quantity | None = None
    points: Points
    text: str = ""
    column_max: ColumnMax | None = None  # `column` must lie in 0..column_max (e.g. a 测评得分 out of 100)


class Component(StrictModel):
    """A 考核项目 with its maximum."""

    name: str
    kind: Literal["deduction", "rated", "input", "rank_band", "value_band"]
    max: MaxPoints
    min: SignedPoints = Decimal(0)  # input kind: lowest value (clipped)
    weight: Share = Decimal(1)
    group: str = ""  # display grouping, e.g. 公共部分/学习
    description: str = ""
    # rated
    blank: Literal["error", "absent"] = "error"  # absent: a blank cell means "none this period" (0)
    blank_to: str | None = None  # blank = "absent": when blank, this max moves to that rated component (分值转入)
    # 旧写法 other → this component's max when that one is blank; becomes the other's blank_to
    # (`scheme/legacy.py`) when the max is the sum of both; otherwise refused with the fix
    max_if_blank: dict[str, MaxPoints] = {}
    # input
    clip: bool = False  # input values outside [min, max] are clipped with a note
    # rated, scaled: 学生评分（百分制）× 0.15 → a 15-point component. The 评分 column `column`
    # (default: the component's name) lies in 0..column_max; points = value × scale (≤ max).
    scale: Annotated[Decimal, within(0, SCHEME_LIMITS["factor"], lo_open=True)] | None = None
    # rank_band, value_band
    column: str | None = None  # rating column ranked (e.g. 测评得分); value_band: banded (default: the name)
    column_max: ColumnMax | None = None  # the ranked (banded) column must lie in 0..column_max
    group_by: str | None = None  # roster column ranked within (e.g. 类别)
    bands: list[BandRule] = []  # rank_band: upto increasing; value_band: min decreasing (scheme/bands.py)
    otherwise: Points | None = None  # value_band: default 0
    ratio: Ratio | None = None  # value_band: (优秀票 + 称职票) ÷ 总票数 instead of a column
    # deduction
    penalties: list[BottomRankPenalty] = []

    @model_validator(mode="after")
    def _consistent(self) -> "Component":
        where = f"考核项目 {self.name}"
        for other, hi in self.max_if_blank.items():
            raise ValueError(f"{where}：max_if_blank 只能写“{other}空着时，{other}的满分转入本项目”，即本项目满分加上"
                             f"{other}的满分（而不是 {shown(hi)}）；请改用 {other} 的 blank_to = \"{self.name}\"，"
                             "或写出两个评分项目的满分之和")
        if self.blank_to is not None and (self.kind != "rated" or self.blank != "absent"):
            raise ValueError(f"{where}：blank_to（空着时满分转入）只用于评分类（kind = \"rated\"）、"
                             "blank = \"absent\" 的项目")
        if self.blank_to == self.name:
            raise ValueError(f"{where}：blank_to 不能是本项目自己")
        if self.kind == "rank_band":
            if not self.column or not self.bands or self.otherwise is None:
                raise ValueError(f"{where}：rank_band 需要 column、bands 和 otherwise")
        if self.kind == "value_band" and not self.bands:
            raise ValueError(f"{where}：value_band 需要 bands（各档 {{ min = 达到多少, points = 得几分 }}，从高到低）")
        # scale: rated only, with column_max, column_max × scale ≤ max (scheme/checks.py, at its line)
        if self.kind == "input" and self.min >= self.max:
            raise ValueError(f"{where}：min 必须小于 max（min 为 {shown(self.min)}，max 为 {shown(self.max)}）")
        if self.min > self.max:
            raise ValueError(f"{where}：min 不能大于 max（min 为 {shown(self.min)}，max 为 {shown(self.max)}）")
        uptos = [b.upto for b in self.bands if b.upto is not None]
        if self.kind == "rank_band" and any(b <= a for a, b in zip(uptos, uptos[1:])):
            raise ValueError(f"{where}：bands 的 upto 应从小到大递增（现为 {'、'.join(shown(u) for u in uptos)}）")
        return self

    @property
    def rating_columns(self) -> list[str]:
        """Columns of sheet 评分 this component reads."""
        if self.kind == "rated" and self.column:
            return [self.column]
        if self.kind in ("rated", "input"):
            return [self.name]
        if self.kind == "rank_band":
            return [self.column]  # type: ignore[list-item]
        if self.kind == "value_band":
            return [*self.ratio.numerator, self.ratio.denominator] if self.ratio else [self.column or self.name]
        cols: list[str] = []
        for p in self.penalties:
            cols.append(p.column)
            if p.also_column:
                cols.append(p.also_column)
        return cols


class Caps(StrictModel):
    """Bonus caps: per category and for the total."""

    categories: dict[str, Cap] = {}
    total: Cap | None = None


class Grade(StrictModel):
    name: str
    min: Threshold | None = None  # lower bound (inclusive)
    quota: str | None = None  # "40%" or "3"
    quota_group: str | None = None  # roster column; overrides Grading.quota_group
    quota_required: bool = False  # the quota must be given per run (--quota)
    rounding: Literal["floor", "round", "ceil"] = "floor"
    money: Money | None = None  # 元 per person per period with this grade (月度考核一档发800元); period grading only

    @field_validator("quota")
    @classmethod
    def _quota_form(cls, v: str | None) -> str | None:
        if v is not None:
            scheme_share(v)
        return v


class Grading(StrictModel):
    grades: list[Grade]  # best first
    quota_group: str | None = None
    none: str = ""  # text for subjects that reach no grade (award schemes)
    independent: bool = False  # each grade is a separate designation filled from everyone (优秀 and 先进工作者)

    @property
    def names(self) -> list[str]:
        return [g.name for g in self.grades]


class ByYears(StrictModel):
    """额度按年限：人员表这一日期列到当年 12 月 31 日满几年，查 `bands`（[满几年, 额度]，从小到大）。"""

    column: str = "参加工作时间"
    bands: list[tuple[Years, Quantity]]

    @model_validator(mode="after")
    def _increasing(self) -> "ByYears":
        years = [y for y, _ in self.bands]
        if not years or any(b <= a for a, b in zip(years, years[1:])):
            raise ValueError(f"by_years 的 bands 应至少一档，年数从小到大递增（现为 {'、'.join(str(y) for y in years) or '空'}）")
        return self


class Allowance(StrictModel):
    """A year's allowance (额度) of some items, per person: each unit not used earns `under_points`,
    each unit over it costs `over_points` (年休假: 未休每天加1分，超出每天扣1分). The allowance is
    the roster's `column` where filled, else from `by_years`, else `amount`."""

    name: str  # 写进备注，如 "年休假"
    items: list[str]  # the year's quantity of these items is what was used (年休假、事假)
    amount: Quantity | None = None  # the same allowance for everyone
    column: str | None = None  # a number column of the roster (年休假天数), per person
    by_years: ByYears | None = None  # from years of service (参加工作时间) when the column is blank
    under_points: Points | None = None  # each unit not used earns (加分)
    over_points: Points | None = None  # each unit over costs (扣分)
    category: str | None = None  # the bonus's category (default: the name)

    @model_validator(mode="after")
    def _complete(self) -> "Allowance":
        where = f"额度 {self.name}"
        if not self.items:
            raise ValueError(f"{where}：items 不能为空（哪些事项计入已用）")
        if self.amount is None and self.column is None and self.by_years is None:
            raise ValueError(f"{where}：请给出额度：amount（人人相同）、column（人员表的列）或 by_years（按年限）")
        if self.under_points is None and self.over_points is None:
            raise ValueError(f"{where}：请给出 under_points（未用每单位加分）或 over_points（超出每单位扣分）")
        return self


Aggregate = Literal["mean", "single", "weights"]
Missing = Literal["present", "zero", "refuse"]


def _check_weights(aggregate: str, weights: list, where: str, single: bool = True) -> None:
    if aggregate == "single" and not single:
        raise ValueError(f"{where}：aggregate 只能是 mean 或 weights")
    if aggregate == "weights" and not weights:
        raise ValueError(f"{where}：aggregate = \"weights\" 需要 weights（各期权重，按时间顺序）")
    if weights and aggregate != "weights":
        raise ValueError(f"{where}：给出了 weights，请同时写 aggregate = \"weights\"")


class Stage(StrictModel):
    """An intermediate aggregation (中间层级, `[[annual.stages]]`, shortest first): months → half-years;
    graded by its own `grading`, kept by `quota --period 2023H1` for the year's `period_grades`."""

    period: Literal["quarter", "half", "term"]  # 季度 / 半年 / 学期
    aggregate: Aggregate = "mean"  # mean 平均；weights 按 weights 加权（权重之和不必为 1，除以已计权重之和）
    weights: list[Share] = []  # 每个下级考核期的权重，按时间顺序
    missing: Missing = "present"  # 缺期：present 按已有各期；zero 缺期按 0 分；refuse 拒绝汇总并报错
    max: Cap | None = None  # 本层级得分封顶
    grading: Grading | None = None  # 本层级的等次（分数线）；缺省不评等次

    @model_validator(mode="after")
    def _weights(self) -> "Stage":
        _check_weights(self.aggregate, self.weights, f"annual.stages（{self.period}）", single=False)
        return self


class Part(StrictModel):
    """A weighted part of the annual score: "periods" = the periods' aggregate (平时); "ratings" = 评分
    columns entered at year end (`quota --ratings`), each × its weight (default: the part's name, × 1)."""

    name: str  # e.g. 平时考核、民主测评、年终考核
    weight: Share  # share of the annual score, e.g. 0.5
    source: Literal["periods", "ratings"] = "ratings"
    columns: dict[str, Share] = {}  # 评分列 → 权重，如 { 德 = 0.15, 能 = 0.15 }
    column_max: ColumnMax = Decimal(100)  # 每个评分的上限（0 到此数）

    @property
    def rating_columns(self) -> dict[str, Decimal]:
        return {} if self.source != "ratings" else (dict(self.columns) or {self.name: Decimal(1)})


class LeadersMoney(StrictModel):
    """Unit schemes: each 分管领导's money = the mean per-person amount (`awards`) of the units they
    lead, shown as "`title` 姓名"; `top` (主席): the mean of those leaders' amounts."""

    title: str = "分管领导"  # 副主席
    top: str | None = None  # 主席


class Annual(StrictModel):
    """How `kaohe quota` aggregates periods into a year (or quarter, half-year, 学年)."""

    aggregate: Aggregate = "mean"
    weights: list[Share] = []  # aggregate = "weights": 年度各下级期（或各 stage 期）的权重，按时间顺序
    missing: Missing = "present"  # 缺期：present 按已有各期；zero 按 0 分；refuse 拒绝汇总
    max: Cap | None = None  # 各期汇总得分（平时）封顶
    stages: list[Stage] = []  # 中间层级，如 月 → 半年 → 年
    parts: list[Part] = []  # 年度得分 = Σ 权重 × 部分；缺省为各期汇总得分
    start_month: MonthNumber = 9  # 学年起始月份（学期、学年）
    bonus_caps: Caps = Caps()
    allowances: list[Allowance] = []  # 额度：未用的每单位加分，超出的每单位扣分
    leave: legacy.LeaveArithmetic | None = None  # 旧写法: one allowance named 年休假
    grading: Grading | None = None
    rules: list[Rule] = []
    tie_breakers: list[str] = []  # e.g. "count:好" = more periods graded 好
    tied_counts_as: str | None = None  # a period still 并列待定 counts as this grade
    exclude_grades: list[str] = []  # candidates must have no period with these grades
    # 旧写法 item → n: a 科室 with ≥ n of it in the year loses eligibility. A valid one becomes a
    # rule (`Scheme._dept_limit`); the field stays so that a wrong n is reported at its key.
    dept_limit: dict[str, DeptLimit] = {}
    awards: dict[str, Money] = {}  # year grade → money per person (a unit's: × its 人数)
    awards_other: str = ""  # 备注 of a graded subject whose grade has no amount (奖金数额由党组酌定)
    leaders_money: LeadersMoney | None = None  # unit schemes: the leaders' money from their units'
    multi_year: dict[str, str] = {}  # top_share, top_years, top_text, bottom_share, bottom_years, bottom_text
    default_grade: str = "称职"  # 建议等次 of a person who gets none of the annual grades (默认)
    note: str = ""

    @model_validator(mode="after")
    def _nesting(self) -> "Annual":
        _check_weights(self.aggregate, self.weights, "annual")
        order = ["quarter", "half", "term"]
        kinds = [st.period for st in self.stages]
        if len(set(kinds)) != len(kinds) or any(order.index(b) <= order.index(a) for a, b in zip(kinds, kinds[1:])):
            raise ValueError("annual.stages 应从短到长排列、不重复（季度 quarter → 半年 half），学期 term 单独使用")
        if sum(1 for p in self.parts if p.source == "periods") > 1:
            raise ValueError("annual.parts 中 source = \"periods\" 的部分至多一个")
        for g in (g for g in (self.grading.grades if self.grading else []) if g.money is not None):
            raise ValueError(f"年度等次 {g.name}：money 只用于每期的 [grading]，年度等次的奖金请写在 [annual] 的 awards 中")
        for r in (r for r in self.rules if r.money is not None):
            raise ValueError(f"年度规则 {r.name}：money（金额）只用于每期的 [[rules]]，年度规则请只写 points")
        for p in (p for p in self.parts if p.source == "periods" and p.columns):
            raise ValueError(f"年度组成部分 {p.name}：source = \"periods\" 取各期汇总得分，不读评分列，请删去 columns")
        return self

    @model_validator(mode="before")
    @classmethod
    def _older_keys(cls, data):
        """`[annual.leave]` and `bottom_flag`, read as today's language (`scheme/legacy.py`)."""
        return legacy.bottom_flag_as_rule(legacy.leave_as_allowance(data))

    @field_validator("multi_year")
    @classmethod
    def _multi_year(cls, v: dict[str, str]) -> dict[str, str]:
        for side in ("top", "bottom"):
            if f"{side}_share" in v:
                scheme_share(v[f"{side}_share"], f"{side}_share")
            years = v.get(f"{side}_years")
            if years is not None and not (str(years).strip().isdigit() and 1 <= int(str(years).strip()) <= 100):
                raise ValueError(f"{side}_years 应为 1 到 100 之间的整数年数（实为「{years}」）")
        return v


class Scheme(StrictModel):
    """A whole scheme file."""

    id: str
    name: str
    version: str = "1"
    source: str = ""
    subject: Literal["person", "unit"] = "person"
    period: Literal["month", "quarter", "half", "year", "term", "schoolyear"]  # 评分周期：月/季/半年/年/学期/学年
    description: str = ""
    leaders_from: Literal["roster", "units"] = "roster"
    same_reason_highest: bool = False  # bonuses: same person+item+事由 at several levels → highest row only
    components: list[Component] = []
    items: list[Item]
    bonus_caps: Caps = Caps()
    deduction_cap: Cap | None = None
    yuan_per_point: Money | None = None  # 元 per point: the total's money value in 汇总 and in 结果反馈
    money_name: str = "折合金额"  # what that money is called (绩效奖金, 考核奖 …)
    rules: list[Rule] = []
    grading: Grading = Grading(grades=[])  # optional: without grades every 等次 is blank
    annual: Annual | None = None

    @model_validator(mode="before")
    @classmethod
    def _older_keys(cls, data):
        """`max_if_blank`, a unit scheme's `awards` and `dept_limit`, read as today's language
        (`scheme/legacy.py`)."""
        return legacy.dept_limit_as_rule(legacy.awards_as_written(legacy.max_if_blank_as_blank_to(data)))

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"[a-z][a-z0-9_-]{1,31}", v):
            raise ValueError("id 只能用小写字母、数字、- 和 _，且以字母开头")
        return v

    @model_validator(mode="after")
    def _cross_check(self, info: ValidationInfo) -> "Scheme":
        """Every name the scheme uses is declared (`scheme/checks.py`, all problems at once). The
        loader runs the same checks itself beside the field errors (context `cross_checked`)."""
        if (info.context or {}).get("cross_checked"):
            return self
        from kaohe_cli.scheme.checks import cross_problems

        errors = [p for p in cross_problems(self.model_dump(exclude_unset=True)) if p.level == "error"]
        if errors:
            raise ValueError("；".join(f"{p.message}（{p.fix}）" if p.fix else p.message for p in errors[:5]))
        return self

    # ---- look-ups -------------------------------------------------------------------------

    def component(self, name: str | None) -> Component | None:
        for c in self.components:
            if c.name == name:
                return c
        return None

    @cached_property
    def _item_index(self) -> dict[str, Item]:
        index: dict[str, Item] = {}
        for it in self.items:
            index[norm(it.name)] = it
            for a in it.aliases:
                index[norm(a)] = it
        return index

    def item(self, name: str) -> Item | None:
        return self._item_index.get(norm(name))

    @property
    def item_names(self) -> list[str]:
        return [it.name for it in self.items]

    @property
    def attendance_items(self) -> list[Item]:
        return [it for it in self.items if it.attendance]

    @property
    def rating_columns(self) -> list[str]:
        cols: list[str] = []
        for c in self.components:
            cols.extend(c.rating_columns)
        return list(dict.fromkeys(cols))

    @property
    def is_unit(self) -> bool:
        return self.subject == "unit"

    @property
    def has_line_money(self) -> bool:
        """Some item or period rule gives money (元) on its ledger lines."""
        return any(it.money is not None for it in self.items) or any(r.money is not None for r in self.rules)

    @property
    def grade_money(self) -> dict[str, Decimal]:
        """元 per person of each period grade that gives money (`[grading]` grades' `money`)."""
        return {g.name: g.money for g in self.grading.grades if g.money is not None}

    @property
    def has_money(self) -> bool:
        """The period's results show a money total: line money, grade money, or `yuan_per_point`."""
        return self.yuan_per_point is not None or self.has_line_money or bool(self.grade_money)
