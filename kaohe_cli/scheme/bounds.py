"""The numbers a scheme may hold: each bounded type of the scheme language, and the small checks
the model shares (points or a range, quotas, duplicates).

Every number has a sign and a range (`SCHEME_LIMITS`): a value outside it is an error that names
its key, in Chinese, before anything is scored. Points have at most 4 decimal places, so that
micro-points are exact and weighted sums stay far inside int64.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

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
- rating (10,000): `column_max` (> 0), the top of a 评分 column; a value band's `min` (either
  sign; a ratio's within 0..1, `scheme/bands.py`).
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


def within(lo, hi, *, lo_open: bool = False, hi_open: bool = False, places: int | None = _PLACES,
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


Points = Annotated[Decimal, within(0, _POINTS)]  # a magnitude of points per unit
SignedPoints = Annotated[Decimal, within(-_POINTS, _POINTS)]
MaxPoints = Annotated[Decimal, within(0, _POINTS, lo_open=True)]  # a component's maximum
Cap = Annotated[Decimal, within(0, _TOTAL)]
Threshold = Annotated[Decimal, within(-_TOTAL, _TOTAL)]
Share = Annotated[Decimal, within(0, 1, lo_open=True)]  # weight, band upto, shared factor
RecipientFactor = Annotated[Decimal, within(0, SCHEME_LIMITS["factor"])]
PositiveQuantity = Annotated[Decimal, within(0, _COUNT, lo_open=True)]
Quantity = Annotated[Decimal, within(0, _COUNT)]
ColumnMax = Annotated[Decimal, within(0, SCHEME_LIMITS["rating"], lo_open=True)]
BandMin = Annotated[Decimal, within(-SCHEME_LIMITS["rating"], SCHEME_LIMITS["rating"])]  # a value band's min
Money = Annotated[Decimal, within(0, SCHEME_LIMITS["money"], places=2)]
People = Annotated[int, within(1, SCHEME_LIMITS["people"], places=None, whole=True)]
Workdays = Annotated[int, within(1, 366, places=None, whole=True)]
DeptLimit = Annotated[int, within(1, _COUNT, places=None, whole=True)]
Years = Annotated[int, within(0, 100, places=None, whole=True)]
LeaveDays = Annotated[int, within(0, 366, places=None, whole=True)]
PeriodCount, PastYears, MonthNumber = (Annotated[int, within(lo, hi, places=None, whole=True)]
                                       for lo, hi in ((0, 366), (1, 50), (1, 12)))  # sub-periods, years, month


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


def scheme_share(text: str, key: str = "quota") -> tuple[str, Decimal]:
    """A quota written in a scheme: as `parse_quota`, but a share must be above 0%."""
    kind, value = parse_quota(text)
    if kind == "share" and value <= 0:
        raise ValueError(f"{key} 的比例应大于 0%（实为「{text}」）；如不设名额请删去 {key}，名额为 0 人请写 \"0\"")
    return kind, value


def check_points(points, rng, default, where: str) -> None:
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


def amount(points, rng, default) -> str:
    if points is not None:
        return num(points)
    lo, hi = rng
    text = f"{num(lo)}–{num(hi)}（视情）"
    if default is not None:
        text += f"，空缺按{num(default)}"
    return text



def no_dupes(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ValueError(f"{what}「{n}」重复")
        seen.add(n)


def data_number(value) -> Decimal | None:
    """A number of a scheme's raw data as Decimal (None when it is not one: the model reports that)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        return None
    return d if d.is_finite() else None
