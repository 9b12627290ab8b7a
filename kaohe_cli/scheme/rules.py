"""A scheme's rules (`[[rules]]`, `[[annual.rules]]`): when a rule acts (`Condition`, the `when`
table) and what it does (`Rule`). Conditions are evaluated in `engine/conditions.py`, actions
in `engine/actions.py`; this module only says what a rule may contain (see `scheme/model.py`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from kaohe_cli.scheme.bounds import (
    Money,
    PastYears,
    PeriodCount,
    Points,
    PositiveQuantity,
    Quantity,
    StrictModel,
    Threshold,
    Workdays,
    scheme_share,
)


class Condition(StrictModel):
    """When a rule acts. All given parts must hold."""

    items: list[str] = []  # any event of these items in the period
    quantity_of: list[str] = []  # sum of these items' quantities ...
    gt: Quantity | None = None  # ... is greater than
    gte: Quantity | None = None  # ... or at least
    lt: Quantity | None = None  # ... or less than (不足10小时: lt = 10; no line at all is 0)
    lte: Quantity | None = None  # ... or at most
    new_workdays_lt: Workdays | None = None  # 入职日期 in the period and fewer working days than this
    column: str | None = None  # roster / unit column ...
    equals: list[str] = []  # ... has one of these values
    rank_last: bool = False  # ranked last of all subjects
    per: str | None = None  # items、quantity_of 按人员表这一列的同组人合计（per = "科室"：科室全年累计）
    total_lt: Threshold | None = None  # 总分（四舍五入到分）低于这个数（得分低于60分的）……
    total_gte: Threshold | None = None  # ……或不低于这个数；本期的总分，[[annual.rules]] 中为年度总分
    bottom_share: str | None = None  # 总分排名在后这个比例（"20%"）或人数（"3"）之内；边缘同分者一并在内
    # History (only in [annual].rules): the grades of the year's sub-periods (半年、季度、月) ...
    period_grades: list[str] = []  # 本年各期（最近一级）等次为其中之一的期数 ...
    at_least: PeriodCount | None = None  # ... 至少这么多期（缺省 1）
    fewer_than: PeriodCount | None = None  # ... 或少于这么多期（如 fewer_than = 1：一期也没有）
    period_below: Threshold | None = None  # 或：本年各期（最近一级）得分低于这个数的期数（同上 at_least、fewer_than）
    # ... and the kept annual grades of earlier years (kaohe quota 保存的往年结果)
    past_grades: list[str] = []  # 往年等次为其中之一 ...
    past_years: PastYears | None = None  # ... 连续这么多年（紧接本年之前的各年，缺省 1）
    # Consecutive days, from the dates of the ledger lines (a detail 考勤 sheet, 日期 of event rows):
    consecutive: list[str] = []  # 这些事项（以「天」计）最长连续的天数 ...
    days_gt: Quantity | None = None  # ... 超过
    days_gte: PositiveQuantity | None = None  # ... 或达到
    calendar_days: bool = False  # 按自然日连续（缺省按工作日：中间的休息日不打断连续）
    # Either of several conditions (满足其一即可): each table is a condition of its own; with the
    # other parts of this `when`, at least one of them must hold
    any_of: list["Condition"] = []

    def tables(self) -> list["Condition"]:
        """This `when` and every `any_of` table in it (for the names it reads)."""
        return [self, *(t for sub in self.any_of for t in sub.tables())]

    @model_validator(mode="after")
    def _something(self) -> "Condition":
        if self.quantity_of and all(b is None for b in (self.gt, self.gte, self.lt, self.lte)):
            raise ValueError("quantity_of 需要 gt、gte、lt 或 lte")
        if not self.quantity_of and any(b is not None for b in (self.gt, self.gte, self.lt, self.lte)):
            raise ValueError("gt、gte、lt、lte 需要 quantity_of（哪些事项的数量）")
        if self.column and not self.equals:
            raise ValueError("column 需要 equals")
        if self.per and not (self.items or self.quantity_of):
            raise ValueError("per 需要 items 或 quantity_of（同组合计哪些事项）")
        if (self.at_least is not None or self.fewer_than is not None) and not (self.period_grades or self.period_below is not None):
            raise ValueError("at_least、fewer_than 需要 period_grades（哪些等次的期数）或 period_below（得分低于多少的期数）")
        if self.period_grades and self.period_below is not None:
            raise ValueError("period_grades 和 period_below 请分写两条规则（at_least、fewer_than 只能数一种期）")
        if self.past_years is not None and not self.past_grades:
            raise ValueError("past_years 需要 past_grades（往年的哪些等次）")
        if self.consecutive and self.days_gt is None and self.days_gte is None:
            raise ValueError("consecutive 需要 days_gt 或 days_gte（连续超过或达到几天）")
        if (self.days_gt is not None or self.days_gte is not None or self.calendar_days) and not self.consecutive:
            raise ValueError("days_gt、days_gte、calendar_days 需要 consecutive（哪些事项连续）")
        if not (self.items or self.quantity_of or self.new_workdays_lt or self.column or self.rank_last
                or self.bottom_share or self.total_lt is not None or self.total_gte is not None or self.period_grades
                or self.period_below is not None or self.past_grades or self.consecutive or self.any_of):
            raise ValueError("条件为空：请至少给出 items、quantity_of、new_workdays_lt、column、rank_last、bottom_share、"
                             "total_lt、total_gte、period_grades、period_below、past_grades、consecutive 或 any_of")
        return self

    @field_validator("bottom_share")
    @classmethod
    def _bottom_share(cls, v: str | None) -> str | None:
        if v is not None:
            scheme_share(v, "bottom_share")
        return v


def needs_totals(when: Condition) -> bool:
    """The condition (or one of its `any_of`) reads the totals or ranks: it is judged once they are known."""
    return (when.rank_last or when.bottom_share is not None or when.total_lt is not None or when.total_gte is not None
            or any(needs_totals(sub) for sub in when.any_of))


class Rule(StrictModel):
    """An eligibility rule or veto (一票否决)."""

    name: str  # shown in 备注, e.g. "旷工超过2个工作日"
    when: Condition
    # flag: changes nothing; the rule's flag (or name) goes to 备注 and the run's flags, for HR
    # deduct / bonus: `points` once when the condition holds (超过15天的，一次性扣20分)
    action: Literal["force_grade", "not_eligible", "no_grade", "zero_component", "ceiling", "zero_total", "flag",
                    "deduct", "bonus"]
    grade: str | None = None  # force_grade, ceiling
    grades: list[str] = []  # not_eligible: the grades (default: the top grade)
    component: str | None = None  # zero_component, deduct (default: outside); "@事由": the event's 事由
    points: Points | None = None  # deduct, bonus: points, once per period (per year in [[annual.rules]])
    money: Money | None = None  # deduct, bonus: 元 once per period (扣绩效200元), with or without points
    category: str | None = None  # bonus: its bonus-cap category (default: the rule's name)
    scope: Literal["period", "annual"] = "period"
    flag: str = ""  # short text for 备注/资格, defaults to name
    # no_grade: the text of the 等次 cell instead of 不确定等次 (不参加年度考核, 不定等次); checks.py
    grade_text: str | None = None

    @model_validator(mode="after")
    def _needs(self) -> "Rule":
        if self.action in ("force_grade", "ceiling") and not self.grade:
            raise ValueError(f"规则 {self.name}：{self.action} 需要 grade")
        if self.action == "zero_component" and not self.component:
            raise ValueError(f"规则 {self.name}：zero_component 需要 component")
        gives = self.points is not None or self.money is not None
        if (self.action in ("deduct", "bonus")) != gives:
            raise ValueError(f"规则 {self.name}：" + (
                "deduct（扣分）、bonus（加分）需要 points（扣或加几分）或 money（扣或加多少元），或两者都写"
                if not gives else f"{'points' if self.points is not None else 'money'} 只用于 action = \"deduct\"（扣分）或 \"bonus\"（加分）"))
        if self.action == "bonus" and self.component:
            raise ValueError(f"规则 {self.name}：加分不属于扣分项目（component），请删去 component")
        if self.category is not None and self.action != "bonus":
            raise ValueError(f"规则 {self.name}：category（加分类别）只用于 action = \"bonus\"")
        if self.action in ("deduct", "bonus") and needs_totals(self.when):
            raise ValueError(f"规则 {self.name}：加扣分规则不能以名次或总分为条件（rank_last、bottom_share、total_lt、"
                             "total_gte），名次和总分由得分而来")
        if self.action in ("deduct", "bonus") and self.component == "@事由":
            raise ValueError(f"规则 {self.name}：deduct 的 component 请写考核项目名称（不能用 \"@事由\"）")
        return self


Condition.model_rebuild()
