"""Read a graded workbook back, and add ledger lines up, without the engine's own arithmetic.

The promise "every point of a total is on a ledger line" is checked against what is written: each
subject's 总分 on 汇总 must be the sum of its counted lines on 明细 (and of its counted lines in
`Result.ledger`), rounded half away from zero to hundredths. The sums and the rounding here are
done in plain Python `int`/`Decimal`, so a mistake in the engine's totalling, rounding or in the
workbook writer shows up as a difference instead of being repeated.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

MICRO = Decimal(1_000_000)  # ledger points are held in millionths of a point
CENT = Decimal("0.01")


def half_up(points: Decimal) -> Decimal:
    """To hundredths, halves away from zero (Decimal's ROUND_HALF_UP), as 总分 is printed."""
    return points.quantize(CENT, rounding=ROUND_HALF_UP)


def counted_line_sums(result) -> dict[str, Decimal]:
    """Subject → exact sum in points of its counted, non-annual `Result.ledger` lines (every
    scored subject is listed, 0 if it has no line), added one line at a time."""
    sums = {str(s): 0 for s in result.table.index}
    led = result.ledger
    for subject, points, counted, annual in zip(led["subject"], led["points"], led["counted"], led["annual"]):
        if bool(counted) and not bool(annual):
            sums[str(subject)] = sums.get(str(subject), 0) + int(points)
    return {s: Decimal(v) / MICRO for s, v in sums.items()}


def _number(value) -> Decimal:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"not a number: {value!r}"
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def written_totals(path: Path) -> dict[str, Decimal]:
    """汇总: subject (工号, or the 单位 name of a unit scheme) → 总分 as written."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb["汇总"].iter_rows(values_only=True))
    finally:
        wb.close()
    heads = list(rows[1])  # row 0 is the merged title
    key = heads.index("工号") if "工号" in heads else heads.index("单位")
    total = heads.index("总分")
    out: dict[str, Decimal] = {}
    for row in rows[2:]:
        assert str(row[key]) not in out, f"汇总 lists {row[key]} twice"
        out[str(row[key])] = _number(row[total])
    return out


def written_line_sums(path: Path, *, by_name: bool = False) -> dict[str, Decimal]:
    """明细: subject → exact sum of the 分值 of its lines marked 计入 = 是 (not 否, not 年终).
    `by_name` keys unit schemes by their name (the 名称 column), as 汇总 shows them."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb["明细"].iter_rows(values_only=True))
    finally:
        wb.close()
    heads = list(rows[0])
    key = 2 if by_name else 1  # 对象 is headed 工号 or 单位, the name column 姓名 or 名称
    points, counted = heads.index("分值"), heads.index("计入")
    out: dict[str, Decimal] = {}
    for row in rows[1:]:
        assert row[counted] in ("是", "否", "年终"), f"明细 计入 is {row[counted]!r}"
        if row[counted] == "是":
            out[str(row[key])] = out.get(str(row[key]), Decimal(0)) + _number(row[points])
    return out
