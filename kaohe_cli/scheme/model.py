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

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator, model_validator

from kaohe_cli.domain.points import shown
from kaohe_cli.text import norm, num

Num = Decimal

SCHEME_LIMITS: dict[str, Decimal] = {
    "points": Decimal(1_000),
    "total": Decimal(100_000),
    "count": Decimal(10_000),
    "rating": Decimal(10_000),
    "factor": Decimal(10),
    "money": Decimal(10_000_000),
    "people": Decimal(1_000_000),
    "places": Decimal(4),
}
"""The ranges of a scheme's numbers (the same bounds as an input's, `readers.values.LIMITS`).

- points (1,000): an item's or level's points, range and default; a component's max (> 0) and
  min (≥ −1,000, ≤ max); band points and `otherwise`; a penalty's points; leave points per
  day. All ≥ 0 but min.
- total (100,000): bonus caps (categories and total, ≥ 0), `deduction_cap` (≥ 0) and grade
  thresholds (`min`, either sign).
- count (10,000): quantities: `zero_at` (> 0), `gt`/`gte` (≥ 0), `also_min` (≥ 0),
  `dept_limit` (≥ 1).
- rating (10,000): `column_max` (> 0), the top of a 评分 column.
- shares: `weight`, band `upto` and `shared_factor` lie in (0, 1]; quota shares in
  (0%, 100%]; quota counts are whole numbers from 0 to `people` (1,000,000).
- factor (10): recipient factors and `default_factor`, 0 to 10.
- money (10,000,000): `awards` per person, ≥ 0, in yuan with at most 2 decimal places.
- places (4): decimal places of points, shares and factors.
"""

_POINTS, _TOTAL, _COUNT = SCHEME_LIMITS["points"], SCHEME_LIMITS["total"], SCHEME_LIMITS["count"]
_PLACES = int(SCHEME_LIMITS["places"])


def _range_text(lo, hi, lo_open: bool, hi_open: bool) -> str:
    low = f"大于 {shown(lo)}" if lo_open else f"不小于 {shown(lo)}"
    high = f"小于 {shown(hi)}" if hi_open else f"不超过 {shown(hi)}"
    return f"{low}、{high}"


def _within(lo, hi, *, lo_open: bool = False, hi_open: bool = False, places: int | None = _PLACES,
            whole: bool = False) -> AfterValidator:
    """A pydantic check: lo ≤ value ≤ hi (or strict), with at most `places` decimals."""

    def check(value):
        if value is None:
            return value
        d = Decimal(value)
        if not d.is_finite():
            raise ValueError("应为有限的数，不能是无穷大或非数")
        low_ok = d > lo if lo_open else d >= lo
        high_ok = d < hi if hi_open else d <= hi
        if not (low_ok and high_ok):
            kind = "整数" if whole else "数"
            raise ValueError(f"应为{_range_text(lo, hi, lo_open, hi_open)} 的{kind}（实为 {shown(d)}）")
        if places is not None and d.as_tuple().exponent < -places and d != d.quantize(Decimal(1).scaleb(-places)):
            raise ValueError(f"最多 {places} 位小数（实为 {shown(d)}）")
        return value

    return AfterValidator(check)


Points = Annotated[Decimal, _within(0, _POINTS)]  # a magnitude of points per unit
SignedPoints = Annotated[Decimal, _within(-_POINTS, _POINTS)]
MaxPoints = Annotated[Decimal, _within(0, _POINTS, lo_open=True)]  # a component's maximum
Cap = Annotated[Decimal, _within(0, _TOTAL)]
Threshold = Annotated[Decimal, _within(-_TOTAL, _TOTAL)]
Share = Annotated[Decimal, _within(0, 1, lo_open=True)]  # weight, band upto, shared factor
RecipientFactor = Annotated[Decimal, _within(0, SCHEME_LIMITS["factor"])]
PositiveQuantity = Annotated[Decimal, _within(0, _COUNT, lo_open=True)]
Quantity = Annotated[Decimal, _within(0, _COUNT)]
ColumnMax = Annotated[Decimal, _within(0, SCHEME_LIMITS["rating"], lo_open=True)]
Money = Annotated[Decimal, _within(0, SCHEME_LIMITS["money"], places=2)]
People = Annotated[int, _within(1, SCHEME_LIMITS["people"], places=None, whole=True)]
Workdays = Annotated[int, _within(1, 366, places=None, whole=True)]
DeptLimit = Annotated[int, _within(1, _COUNT, places=None, whole=True)]
Years = Annotated[int, _within(0, 100, places=None, whole=True)]
LeaveDays = Annotated[int, _within(0, 366, places=None, whole=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Strict):
    """One value of an item's 级别 (or 责任) with its points."""

    name: str
    aliases: list[str] = []
    points: Points | None = None  # fixed points per unit (positive magnitude)
    range: tuple[Points, Points] | None = None  # discretionary 分值 per unit, bounds included
    default: Points | None = None  # 分值 used when the cell is empty (range items)

    @model_validator(mode="after")
    def _points_or_range(self) -> "Level":
        _check_points(self.points, self.range, self.default, f"级别 {self.name}")
        return self


class Factor(_Strict):
    """A recipient factor: recipients whose roster column matches get `factor` × points."""

    column: str  # canonical roster column: 类别, 科室, 职务, 岗位
    equals: list[str]
    factor: RecipientFactor
    note: str = ""  # e.g. "领导班子成员减半"


class Targets(_Strict):
    """Who an event reaches."""

    individual: list[Literal["self", "leader"]] = ["self"]
    collective: list[Literal["members", "leader"]] | None = None  # None: no 集体 rows
    everyone: bool = False  # 对象类型 全体: every scored subject
    multiple: bool = False  # 对象 may name several targets joined with 、 (each gets the points)
    shared_factor: Share | None = None  # ... or, when set, each gets this factor × the points


class Item(_Strict):
    """One entry of the catalogue (事项)."""

    name: str
    aliases: list[str] = []
    kind: Literal["bonus", "deduction", "marker"]
    component: str | None = None  # deduction component it draws from; None = outside
    category: str | None = None  # bonus cap category; defaults to the item name
    unit: Literal["次", "天"] = "次"
    per_half_day: bool = False  # points apply per half day (days × 2)
    points: Points | None = None  # per unit, positive magnitude (sign comes from kind)
    range: tuple[Points, Points] | None = None  # discretionary 分值 (视情)
    default: Points | None = None
    levels: list[Level] = []
    level_field: Literal["级别", "责任"] = "级别"
    evidence: bool = False  # a 文号 is required; without one the row earns nothing
    attendance: bool = False  # may also be a column of 考勤
    annual: bool = False  # on the period's ledger, but only counted by `quota --year`
    zero_at: PositiveQuantity | None = None  # quantity in the period that zeroes the whole component
    targets: Targets = Targets()
    factors: list[Factor] = []  # first match wins
    default_factor: RecipientFactor = Decimal(1)  # recipients matching no factor
    description: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "Item":
        where = f"事项 {self.name}"
        if self.kind == "marker":
            if self.points is not None or self.range is not None or self.levels:
                raise ValueError(f"{where}：marker 类事项不计分，不能设 points/range/levels")
            return self
        if self.levels:
            if self.points is not None or self.range is not None:
                raise ValueError(f"{where}：已设 levels 时，分值写在各级别里，不能再设 points/range")
        else:
            _check_points(self.points, self.range, self.default, where)
        if self.per_half_day and self.unit != "天":
            raise ValueError(f"{where}：per_half_day 只适用于 unit = \"天\" 的事项")
        if self.kind == "bonus" and self.component is not None:
            raise ValueError(f"{where}：加分事项不属于扣分项目（component），请删去 component")
        return self

    @property
    def level_names(self) -> list[str]:
        return [lv.name for lv in self.levels]

    def rule_text(self) -> str:
        """A Chinese one-liner of the rule, used on ledger lines and in `schemes show`."""
        sign = "加" if self.kind == "bonus" else "扣"
        per = "每半天" if self.per_half_day else ("每天" if self.unit == "天" else "每次")
        if self.kind == "marker":
            return f"{self.name}（记录，不直接计分）"
        if self.levels:
            parts = []
            for lv in self.levels:
                parts.append(f"{lv.name}{_amount(lv.points, lv.range, lv.default)}")
            return f"{self.name} {per}按{self.level_field}{sign}分：" + "，".join(parts)
        return f"{self.name} {per}{sign}{_amount(self.points, self.range, self.default)}分"


class BandRule(_Strict):
    upto: Share  # rank r ≤ upto × N
    points: Points


class BottomRankPenalty(_Strict):
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


class Component(_Strict):
    """A 考核项目 with its maximum."""

    name: str
    kind: Literal["deduction", "rated", "input", "rank_band"]
    max: MaxPoints
    min: SignedPoints = Decimal(0)  # input kind: lowest value (clipped)
    weight: Share = Decimal(1)
    group: str = ""  # display grouping, e.g. 公共部分/学习
    description: str = ""
    # rated
    blank: Literal["error", "absent"] = "error"  # absent: a blank cell means "none this period" (0)
    max_if_blank: dict[str, MaxPoints] = {}  # other component name → this component's max when that one is blank
    # input
    clip: bool = False  # input values outside [min, max] are clipped with a note
    # rank_band
    column: str | None = None  # rating column ranked (e.g. 测评得分)
    column_max: ColumnMax | None = None  # the ranked column must lie in 0..column_max
    group_by: str | None = None  # roster column ranked within (e.g. 类别)
    bands: list[BandRule] = []
    otherwise: Points | None = None
    # deduction
    penalties: list[BottomRankPenalty] = []

    @model_validator(mode="after")
    def _consistent(self) -> "Component":
        where = f"考核项目 {self.name}"
        if self.kind == "rank_band":
            if not self.column or not self.bands or self.otherwise is None:
                raise ValueError(f"{where}：rank_band 需要 column、bands 和 otherwise")
        if self.kind == "input" and self.min >= self.max:
            raise ValueError(f"{where}：min 必须小于 max（min 为 {shown(self.min)}，max 为 {shown(self.max)}）")
        if self.min > self.max:
            raise ValueError(f"{where}：min 不能大于 max（min 为 {shown(self.min)}，max 为 {shown(self.max)}）")
        uptos = [b.upto for b in self.bands]
        if any(b <= a for a, b in zip(uptos, uptos[1:])):
            raise ValueError(f"{where}：bands 的 upto 应从小到大递增（现为 {'、'.join(shown(u) for u in uptos)}）")
        return self

    @property
    def rating_columns(self) -> list[str]:
        """Columns of sheet 评分 this component reads."""
        if self.kind in ("rated", "input"):
            return [self.name]
        if self.kind == "rank_band":
            return [self.column]  # type: ignore[list-item]
        cols: list[str] = []
        for p in self.penalties:
            cols.append(p.column)
            if p.also_column:
                cols.append(p.also_column)
        return cols


class Caps(_Strict):
    """Bonus caps: per category and for the total."""

    categories: dict[str, Cap] = {}
    total: Cap | None = None


class Condition(_Strict):
    """When a rule acts. All given parts must hold."""

    items: list[str] = []  # any event of these items in the period
    quantity_of: list[str] = []  # sum of these items' quantities ...
    gt: Quantity | None = None  # ... is greater than
    gte: Quantity | None = None  # ... or at least
    new_workdays_lt: Workdays | None = None  # 入职日期 in the period and fewer working days than this
    column: str | None = None  # roster / unit column ...
    equals: list[str] = []  # ... has one of these values
    rank_last: bool = False  # ranked last of all subjects

    @model_validator(mode="after")
    def _something(self) -> "Condition":
        if self.quantity_of and self.gt is None and self.gte is None:
            raise ValueError("quantity_of 需要 gt 或 gte")
        if self.column and not self.equals:
            raise ValueError("column 需要 equals")
        if not (self.items or self.quantity_of or self.new_workdays_lt or self.column or self.rank_last):
            raise ValueError("条件为空：请至少给出 items、quantity_of、new_workdays_lt、column 或 rank_last")
        return self


class Rule(_Strict):
    """An eligibility rule or veto (一票否决)."""

    name: str  # shown in 备注, e.g. "旷工超过2个工作日"
    when: Condition
    action: Literal["force_grade", "not_eligible", "no_grade", "zero_component", "ceiling", "zero_total"]
    grade: str | None = None  # force_grade, ceiling
    grades: list[str] = []  # not_eligible: the grades (default: the top grade)
    component: str | None = None  # zero_component; "@事由" takes it from the event's 事由
    scope: Literal["period", "annual"] = "period"
    flag: str = ""  # short text for 备注/资格, defaults to name

    @model_validator(mode="after")
    def _needs(self) -> "Rule":
        if self.action in ("force_grade", "ceiling") and not self.grade:
            raise ValueError(f"规则 {self.name}：{self.action} 需要 grade")
        if self.action == "zero_component" and not self.component:
            raise ValueError(f"规则 {self.name}：zero_component 需要 component")
        return self


class Grade(_Strict):
    name: str
    min: Threshold | None = None  # lower bound (inclusive)
    quota: str | None = None  # "40%" or "3"
    quota_group: str | None = None  # roster column; overrides Grading.quota_group
    quota_required: bool = False  # the quota must be given per run (--quota)
    rounding: Literal["floor", "round", "ceil"] = "floor"

    @field_validator("quota")
    @classmethod
    def _quota_form(cls, v: str | None) -> str | None:
        if v is not None:
            _scheme_share(v)
        return v


class Grading(_Strict):
    grades: list[Grade]  # best first
    quota_group: str | None = None
    none: str = ""  # text for subjects that reach no grade (award schemes)
    independent: bool = False  # each grade is a separate designation filled from everyone (优秀 and 先进工作者)

    @property
    def names(self) -> list[str]:
        return [g.name for g in self.grades]


class LeaveArithmetic(_Strict):
    """Annual leave arithmetic (zhujian): unused allowance earns, excess costs."""

    allowance_column: str = "年休假天数"
    start_column: str = "参加工作时间"
    taken: list[str] = ["年休假", "事假"]
    bands: list[tuple[Years, LeaveDays]] = [(1, 5), (10, 10), (20, 15)]  # (years ≥, days)
    bonus_per_day: Points = Decimal(1)
    deduction_per_day: Points = Decimal(1)
    bonus_category: str = "年休假"

    @model_validator(mode="after")
    def _increasing(self) -> "LeaveArithmetic":
        years = [y for y, _ in self.bands]
        if any(b <= a for a, b in zip(years, years[1:])):
            raise ValueError(f"年休假 bands 的工龄应从小到大递增（现为 {'、'.join(str(y) for y in years)}）")
        return self


class Annual(_Strict):
    """How `kaohe quota` aggregates periods into a year (or quarter)."""

    aggregate: Literal["mean", "single"] = "mean"
    bonus_caps: Caps = Caps()
    leave: LeaveArithmetic | None = None
    grading: Grading | None = None
    rules: list[Rule] = []
    tie_breakers: list[str] = []  # e.g. "count:好" = more periods graded 好
    tied_counts_as: str | None = None  # a period still 并列待定 counts as this grade
    exclude_grades: list[str] = []  # candidates must have no period with these grades
    dept_limit: dict[str, DeptLimit] = {}  # item → a 科室 with ≥ n of it in the year loses eligibility
    bottom_flag: dict[str, str] = {}  # e.g. {"share": "20%", "flag": "不得推荐评优"}
    awards: dict[str, Money] = {}  # grade → money per person (gonghui)
    multi_year: dict[str, str] = {}  # top_share, top_years, top_text, bottom_share, bottom_years, bottom_text
    default_grade: str = "称职"  # 建议等次 of a person who gets none of the annual grades (默认)
    note: str = ""

    @field_validator("bottom_flag")
    @classmethod
    def _bottom_flag(cls, v: dict[str, str]) -> dict[str, str]:
        if "share" in v:
            _scheme_share(v["share"], "share")
        return v

    @field_validator("multi_year")
    @classmethod
    def _multi_year(cls, v: dict[str, str]) -> dict[str, str]:
        for side in ("top", "bottom"):
            if f"{side}_share" in v:
                _scheme_share(v[f"{side}_share"], f"{side}_share")
            years = v.get(f"{side}_years")
            if years is not None and not (str(years).strip().isdigit() and 1 <= int(str(years).strip()) <= 100):
                raise ValueError(f"{side}_years 应为 1 到 100 之间的整数年数（实为「{years}」）")
        return v


class Scheme(_Strict):
    """A whole scheme file."""

    id: str
    name: str
    version: str = "1"
    source: str = ""
    subject: Literal["person", "unit"] = "person"
    period: Literal["month", "quarter", "year"]
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
    grading: Grading
    annual: Annual | None = None

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"[a-z][a-z0-9_-]{1,31}", v):
            raise ValueError("id 只能用小写字母、数字、- 和 _，且以字母开头")
        return v

    @model_validator(mode="after")
    def _cross_check(self) -> "Scheme":
        comp_names = [c.name for c in self.components]
        _no_dupes(comp_names, "考核项目")
        names: list[str] = []
        for it in self.items:
            names.append(norm(it.name))
            names.extend(norm(a) for a in it.aliases)
            if it.component is not None and it.component not in comp_names:
                raise ValueError(f"事项 {it.name} 的 component「{it.component}」不在 components 中（可选：{'、'.join(comp_names)}）")
            comp = self.component(it.component) if it.component else None
            if comp is not None and comp.kind != "deduction":
                raise ValueError(f"事项 {it.name} 只能归入 deduction 类考核项目，「{comp.name}」是 {comp.kind}")
            if it.zero_at is not None and it.component is None:
                raise ValueError(f"事项 {it.name}：zero_at 需要 component")
        _no_dupes(names, "事项名称或别名")
        for comp in self.components:
            for other in comp.max_if_blank:
                if other not in comp_names:
                    raise ValueError(f"考核项目 {comp.name} 的 max_if_blank 引用了不存在的「{other}」")
        grade_names = self.grading.names
        _no_dupes(grade_names, "等次")
        for rule in self.rules + (self.annual.rules if self.annual else []):
            for nm in rule.when.items + rule.when.quantity_of:
                if self.item(nm) is None:
                    raise ValueError(f"规则 {rule.name} 引用了不存在的事项「{nm}」")
            if rule.component and rule.component != "@事由" and rule.component not in comp_names:
                raise ValueError(f"规则 {rule.name} 引用了不存在的考核项目「{rule.component}」")
        for cat in self.bonus_caps.categories:
            if not any((it.category or it.name) == cat for it in self.items if it.kind == "bonus"):
                raise ValueError(f"bonus_caps 的类别「{cat}」没有任何加分事项")
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


def parse_quota(text: str) -> tuple[str, Decimal]:
    """'40%' → ('share', Decimal('0.40')); '3' → ('count', Decimal(3)).

    A share lies in 0%–100%; a count is a whole number from 0 to 1,000,000 people."""
    t = norm(str(text))
    try:
        if t.endswith("%"):
            value = Decimal(t[:-1]) / 100
            if not (value.is_finite() and 0 <= value <= 1):
                raise ValueError
            return "share", value
        value = Decimal(t)
        if not value.is_finite() or value < 0 or value > SCHEME_LIMITS["people"] or value != value.to_integral_value():
            raise ValueError
        return "count", value
    except Exception:  # noqa: BLE001 - any parse failure is the same user error
        raise ValueError(f"名额「{text}」格式不对，应为 0%–100% 的百分比如 15%，或 0 到 1000000 的人数如 4") from None


def _scheme_share(text: str, key: str = "quota") -> tuple[str, Decimal]:
    """A quota written in a scheme: as `parse_quota`, but a share must be above 0%."""
    kind, value = parse_quota(text)
    if kind == "share" and value <= 0:
        raise ValueError(f"{key} 的比例应大于 0%（实为「{text}」）；如不设名额请删去 {key}，名额为 0 人请写 \"0\"")
    return kind, value


def _check_points(points, rng, default, where: str) -> None:
    if points is None and rng is None:
        raise ValueError(f"{where}：需要 points（固定分值）或 range（视情分值范围）")
    if points is not None and rng is not None:
        raise ValueError(f"{where}：points 与 range 只能二选一")
    if points is not None and points < 0:
        raise ValueError(f"{where}：points 是每单位的分值大小，应为正数（加或扣由事项类型决定）")
    if rng is not None:
        lo, hi = rng
        if lo < 0 or hi < lo:
            raise ValueError(f"{where}：range 应为 [下限, 上限]，且 0 ≤ 下限 ≤ 上限")
        if default is not None and not (lo <= default <= hi):
            raise ValueError(f"{where}：default 应在 range 之内")


def _amount(points, rng, default) -> str:
    if points is not None:
        return num(points)
    lo, hi = rng
    text = f"{num(lo)}–{num(hi)}（视情）"
    if default is not None:
        text += f"，空缺按{num(default)}"
    return text



def _no_dupes(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ValueError(f"{what}「{n}」重复")
        seen.add(n)

