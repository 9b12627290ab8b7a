"""An event row's own values, checked against its item: the level, the 分值 and the 次数 (天数).

A fixed 分值 may not be overridden; a discretionary one must lie in its range (or take the
default); 次数 is positive, whole (halves for days) and within `read.values.LIMITS`. `rule_text`
is the rule a ledger line carries (`通报批评（市级） 每次扣1分`).
"""

from __future__ import annotations

from decimal import Decimal

from kaohe_cli.domain.period import Period
from kaohe_cli.domain.points import half_up
from kaohe_cli.issues import Issue, error
from kaohe_cli.normalize.cells import get, text, where
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.scheme.counting import UNIT_STEP
from kaohe_cli.scheme.model import UNIT_EACH, Item
from kaohe_cli.text import join_names, norm, num


def has_column(table: Table, column: str) -> bool:
    return column in table.columns or norm(column) in table.extra_columns


def where_or_item(table: Table, r: int, column: str) -> dict:
    """The location of `column` in row r; the 事项 cell when the sheet has no such column."""
    return where(table, r, column if has_column(table, column) else "事项")


def level_and_value(item: Item, table: Table, r: int, vals: list) -> tuple[str, Decimal | None, Issue | None]:
    level_name = ""
    points, rng, default = item.points, item.range, item.default
    if item.kind == "marker":
        return "", None, None
    if item.levels:
        col = item.level_field
        raw = text(get(table, vals, col)) or (text(get(table, vals, "级别")) if col != "级别" else "")
        valid = join_names([lv.name for lv in item.levels])
        level_loc = where_or_item(table, r, col if has_column(table, col) else "级别")
        if not raw:
            missing = "" if (has_column(table, col) or has_column(table, "级别")) else f"；本表没有「{col}」列，请加上该列，或把此事项填在奖惩表"
            return "", None, error(
                f"事项「{item.name}」需要填写{col}", f"可选{col}：{valid}{missing}", **level_loc,
            )
        key = norm(raw)
        level = next((lv for lv in item.levels if key == norm(lv.name) or key in {norm(a) for a in lv.aliases}), None)
        if level is None:
            return "", None, error(
                f"事项「{item.name}」没有{col}「{raw}」", f"可选{col}：{valid}", **level_loc,
            )
        level_name = level.name
        points, rng, default = level.points, level.range, level.default
    raw_value = get(table, vals, "分值")
    loc = where_or_item(table, r, "分值")
    given: Decimal | None = None
    if raw_value not in (None, "") and not (isinstance(raw_value, str) and not raw_value.strip()):
        given, problem = V.parse_number(raw_value, **loc)
        if problem:
            return level_name, None, problem
        too_big = V.beyond_limit(given, V.LIMITS["points"], why=f"每次最多 {V.LIMITS['points']} 分", column="分值", **loc)
        if too_big:
            return level_name, None, too_big
        if given < 0:
            return level_name, None, error(
                "分值应填正数（加分或扣分由事项决定）", f"请填写 {num(abs(given))}", **loc
            )
    what = f"「{item.name}{'（' + level_name + '）' if level_name else ''}」"
    if points is None and rng is None:  # tiers or points_from: the scheme works the points out
        if given is not None:
            return level_name, None, error(f"{what}的分值由方案按规则计算，不能填写", "请清空分值单元格", **loc)
        return level_name, None, None
    if points is not None:
        if given is not None and given != points:
            return level_name, None, error(
                f"{what}的分值固定为 {num(points)}，不能填 {num(given)}", "请清空分值单元格", **loc
            )
        return level_name, points, None
    lo, hi = rng
    if given is None:
        if default is not None:
            return level_name, default, None
        hint = "请填写分值" if has_column(table, "分值") else "本表没有「分值」列，请加上该列后填写分值"
        return level_name, None, error(
            f"{what}为视情计分，需要在「分值」中填写 {num(lo)}–{num(hi)} 之间的分数", hint, **loc
        )
    if not (lo <= given <= hi):
        return level_name, None, error(
            f"{what}的分值 {num(given)} 超出范围 {num(lo)}–{num(hi)}", f"请填写 {num(lo)}–{num(hi)} 之间的分值", **loc
        )
    return level_name, given, None


def row_quantity(item: Item, table: Table, r: int, vals: list, period: Period | None = None) -> tuple[Decimal, Issue | None]:
    """The row's 次数 (天数 for a day item): 1 when blank; positive, a multiple of its unit's step
    (`UNIT_STEP`: whole, halves for days, 0.01 for hours) and within `readers.values.LIMITS` (a
    count, or the days or hours of the period)."""
    raw = get(table, vals, "次数")
    if raw is None and item.unit == "天":
        raw = get(table, vals, "天数")
    if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
        return Decimal(1), None
    column = "次数" if "次数" in table.columns else "天数"
    loc = where(table, r, column)
    n, problem = V.parse_number(raw, column=column, **loc)
    if problem:
        return Decimal(0), problem
    largest, why, shown = V.quantity_limit(item.unit, period)
    problem = V.beyond_limit(n, largest, why=why, unit=shown, column=column, **loc)
    if problem:
        return Decimal(0), problem
    if n <= 0:
        return n, error(f"次数应为正数，实际为 {num(n)}", "请填写1或更大的次数；不发生的事项请删去此行", **loc)
    steps = n / UNIT_STEP.get(item.unit, Decimal(1))
    if steps != steps.to_integral_value():
        what, hint = _STEP_TEXT.get(item.unit, ("应为整数", f"请填写整数{item.unit}数"))
        return n, error(f"「{item.name}」按{item.unit}计，{what}，实际为 {num(n)}", hint, **loc)
    return n, None


_STEP_TEXT = {"天": ("应为0.5的整数倍", "半天写0.5"), "小时": ("最多两位小数", "请填写小时数，如 1.5 或 0.25")}


def rule_text(item: Item, level: str, value: Decimal | None) -> str:
    if item.kind == "marker":
        return f"{item.name}（不直接计分）" + item.money_text()
    if item.by_total or item.points_from is not None:
        return item.rule_text()
    sign = "加" if item.kind == "bonus" else "扣"
    per = "每半天" if item.per_half_day else UNIT_EACH[item.unit]
    lv = f"（{level}）" if level else ""
    return f"{item.name}{lv} {per}{sign}{num(value)}分" + item.money_text()


def money_fen(item: Item, units: Decimal) -> int:
    """The money of `units` of `item` (quantity × recipient factor) in signed fen, half-up to
    the fen: − for a deduction or a marker, + for a bonus; 0 when the item has no `money`."""
    if item.money is None:
        return 0
    fen = int(half_up(Decimal(units) * item.money) * 100)
    return fen if item.kind == "bonus" else -fen
