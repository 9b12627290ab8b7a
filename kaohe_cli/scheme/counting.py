"""The counting keys of an item (`Item.free`, `tiers`, `increment`, `minimum`, `if_none_of`,
and the tables `counts_as` and `overflow`, whose models are here): how they may combine, and the
Chinese rule text they give. The arithmetic itself is the engine's (`engine/components.py`
`counted_points`, `count_lines`; `engine/overflow.py`).

计数类键（按一人一期的合计数量计分；各行本身不带分，期末每人一行合计分）：

- `free`：前 N 个单位不计分（前3次不扣），之后每单位 `points`（或按 `tiers`、`increment`）；
- `tiers` + `tier_mode`：按数量分档的每单位分值，每档写 `{ over = 数量, points = 分值 }`，第一档
  over = 0。`progressive`（累进，像个税）：数量落在 (over_k, over_k+1] 内的那部分按第 k 档计；
  `whole`（全额）：数量 q 落在 (over_k, over_k+1] 时，全部 q 都按第 k 档计；
- `increment`：按次递增，第 n 个计分单位扣 `points + (n−1) × increment` 分（第n次扣10n分：
  points = 10，increment = 10）。「第1次10分、第2次起20分」是累进阶梯：
  tiers = [{ over = 0, points = 10 }, { over = 1, points = 20 }]；与 free 同用时，免计之后重新从第1次数起；
- `minimum`：最低数量，各行登记完成数，每少一个单位扣 `points`（少听一节扣2分：minimum = 10，points = 2）；
- `if_none_of`：本期没有所列事项任何记录（含不计分的记录）的，得本事项 `points` 一次（全勤奖）；
- `overflow`：一期合计超过 `over` 的部分按另一事项计（`engine/overflow.py`），本事项只按不超过
  `over` 的部分计分（记录类事项本身不计分）；可与 free、tiers、increment 同用，不能与 minimum、
  if_none_of、counts_as、annual 同用。

阈值（事项须属于某个 deduction 考核项目）：`zero_at` 累计数量达到即该考核项目0分（45次迟到），
`zero_above` 超过才0分（事假超过45天）；多个事项的阈值之间是「或」。
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Discriminator, Tag

from kaohe_cli.domain.points import shown
from kaohe_cli.scheme.bounds import PositiveQuantity, Quantity, StrictModel
from kaohe_cli.text import num

UNIT_EACH = {"次": "每次", "天": "每天", "节": "每节", "周": "每周", "小时": "每小时"}

UNIT_STEP = {"天": Decimal("0.5"), "小时": Decimal("0.01")}
"""The quantity an item's unit is counted in steps of: halves of a day, hours to 2 decimal places
(1.25 小时); 次, 节 and 周 are whole (1)."""


class CountsAs(StrictModel):
    """按另一事项计：每行当作事项 `item` 记录，数量 × `per_unit`（口头请假 → 旷工；1周 → 5天）。
    按目标事项的分值计分，并计入它的累计数量（zero_at、quantity_of 都看得到）。"""

    item: str  # the item this one counts as (its points, its quantity, its thresholds)
    per_unit: PositiveQuantity = Decimal(1)  # units of `item` per unit entered (一周 = 5 天)


def _one_or_many(value) -> str:
    return "choice:list" if isinstance(value, list) else "choice:table"


# `counts_as = { item = "旷工" }` or a list of such tables (私自调课：算误课，也算误班). The tags
# are dropped from error locations (`scheme/lines.py` `clean`), so an error names the key itself.
CountsAsOneOrMany = Annotated[
    Annotated[CountsAs, Tag("choice:table")] | Annotated[list[CountsAs], Tag("choice:list")],
    Discriminator(_one_or_many),
]


class Overflow(StrictModel):
    """超出部分按另一事项计：一期内本事项合计数量超过 `over` 的部分，每单位折合事项 `item` 的
    `per_unit` 个单位（病假超过3天的部分按事假计）。折算的部分按 `item` 的分值计分，并计入它的
    累计数量；不超过 `over` 的部分仍按本事项计。`item` 也可以有自己的 overflow（一步一步接续），
    不能循环（`scheme/checks.py`）。引擎：`engine/overflow.py`。"""

    over: Quantity  # the part of the period's total above this many units is converted
    item: str  # the item the part above counts as (its points, its quantity, its thresholds)
    per_unit: PositiveQuantity = Decimal(1)  # units of `item` per unit above (每天折合误班1节)


def check_counting(item, where: str) -> None:
    """The counting keys combine only as documented on `Item`."""
    given = [k for k in ("tiers", "increment", "minimum", "if_none_of") if getattr(item, k) not in (None, [])]
    if len(given) > 1:
        raise ValueError(f"{where}：{'、'.join(given)} 只能选一种")
    if item.free is not None and given and given[0] in ("minimum", "if_none_of"):
        raise ValueError(f"{where}：free 不能与 {given[0]} 同用")
    check_overflow(item, where)
    if not item.by_total:
        return
    if item.levels or item.range is not None or item.points_from is not None or item.factors or item.default_factor != 1 \
            or item.per_half_day:
        raise ValueError(f"{where}：按本期合计计分的事项（free/tiers/increment/minimum/if_none_of/overflow）"
                         "只用固定分值 points 或 tiers，不能与 levels、range、points_from、factors、default_factor、per_half_day 同用")
    if item.annual:
        raise ValueError(f"{where}：按本期合计计分的事项不能设 annual")
    if item.increment is not None and item.unit in UNIT_STEP:
        raise ValueError(f"{where}：increment 按第几次递增，只适用于整数计的单位（次、节、周），不适用于{item.unit}")
    overs = [t.over for t in item.tiers]
    if overs and overs[0] != 0:
        raise ValueError(f"{where}：tiers 的第一档应从 over = 0 开始（现为 {shown(overs[0])}）")
    if any(b <= a for a, b in zip(overs, overs[1:])):
        raise ValueError(f"{where}：tiers 的 over 应从小到大递增（现为 {'、'.join(shown(o) for o in overs)}）")


def check_overflow(item, where: str) -> None:
    """`overflow` goes with a total of the item's own rows, counted in the period (markers too)."""
    if item.overflow is None:
        return
    for key in ("minimum", "if_none_of"):
        if getattr(item, key) not in (None, []):
            raise ValueError(f"{where}：overflow（超出部分按另一事项计）不能与 {key} 同用")
    if item.annual:
        raise ValueError(f"{where}：overflow 按一期合计折算，不能与 annual（年终计分）同用")


def overflow_text(item) -> str:
    """`；本期超过3天的部分按「事假」计（每天折合1节）` (empty without `overflow`)."""
    of = item.overflow
    if of is None:
        return ""
    times = "" if of.per_unit == 1 else f"（每{item.unit}折合{num(of.per_unit)}）"
    return f"；本期超过{num(of.over)}{item.unit}的部分按「{of.item}」计{times}"


def counting_text(item, sign: str, per: str) -> str:
    """The Chinese rule of an item counted as another, scored on the period's total or per person."""
    u = item.unit
    if item.counts_as is not None:
        return "，也".join(f"按「{c.item}」计" + ("" if c.per_unit == 1 else f"，每{u}折合{num(c.per_unit)}")
                        for c in item.counts_as_list)
    if item.points_from is not None:
        pf = item.points_from
        factor = "" if pf.factor == 1 else f"×{num(pf.factor)}"
        return f"{per}{sign}（人员表「{pf.column}」{factor}）分"
    head = f"前{num(item.free)}{u}不{sign}，之后" if item.free is not None else ""
    if item.minimum is not None:
        return f"最低{num(item.minimum)}{u}，每少1{u}{sign}{num(item.points)}分"
    if item.if_none_of:
        return f"本期无{'、'.join(item.if_none_of)}记录的，{sign}{num(item.points)}分"
    if item.increment is not None:
        return f"{head}第n{u}{sign}{num(item.points)}+(n−1)×{num(item.increment)}分"
    if item.tiers:
        mode = "超过部分分档累进计" if item.tier_mode == "progressive" else "全部按所达档次计"
        bands = "，".join(f"超过{num(t.over)}{u}每{u}{num(t.points)}分" if t.over else f"每{u}{num(t.points)}分"
                         for t in item.tiers)
        return f"{head}{sign}分{mode}：{bands}"
    return f"{head}每{u}{sign}{num(item.points)}分"
