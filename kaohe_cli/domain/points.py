"""Exact points as scaled integers for vectorised arithmetic.

Inside the engine every amount of points is an int64 count of micro-points (10⁻⁶). Inputs
have at most a few decimals, so conversion is exact; totals are rounded half away from
zero to 2 places once, as SCHEMES.md requires.

Range: an int64 holds ±9.2×10¹⁸ micro-points. Every conversion into micro-points
(`to_micro`, `micro_array`, `int_micro`) refuses an amount beyond ±`MAX_POINTS` (10¹²
points) with `PointsOverflow`, and every ledger keeps the sum of its magnitudes within the
same bound (`check_ledger`), so no sum of its lines, nor the few adjustments the engine adds
(floors, caps, weights), can wrap. The input bounds (`kaohe_cli.read.values.LIMITS`) keep
valid input some 10⁴ times inside it.

numpy is imported where it is used: the scheme loader imports this module for its bounds,
and `kaohe schemes` should not pay for numpy.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kaohe_cli.errors import PointsOverflow

SCALE = 1_000_000
CENT = SCALE // 100
MAX_POINTS = 10**12  # the largest magnitude of one amount, and of a ledger's sum of magnitudes
MAX_MICRO = MAX_POINTS * SCALE  # 10¹⁸, an eighth of int64's range


def shown(value) -> str:
    """A number for a message: plain (2.5), or 1.5×10^20 when huge; never 1E+20, inf or nan."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if d.is_nan():
        return "无效数值"
    if d.is_infinite():
        return "负无穷大" if d < 0 else "无穷大"
    if d != 0 and abs(d) >= 10**15:
        exponent = d.adjusted()
        mantissa = d.scaleb(-exponent).quantize(Decimal("0.01")).normalize()
        return f"{format(mantissa, 'f')}×10^{exponent}"
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def overflow(value, what: str = "分值") -> PointsOverflow:
    return PointsOverflow(
        f"{what} {shown(value)} 超出可精确计算的范围（绝对值最大 {shown(MAX_POINTS)} 分）",
        "输入中有过大的次数、天数或分值，或方案中有过大的分值；请先用 kaohe check 检查输入",
    )


def to_micro(value: Decimal | int | float | str) -> int:
    """Points → exact micro-points, half away from zero; `PointsOverflow` beyond ±MAX_POINTS."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise overflow(value) from None
    if not d.is_finite() or abs(d) > MAX_POINTS:
        raise overflow(d)
    return int((d * SCALE).to_integral_value(rounding=ROUND_HALF_UP))


def from_micro(value: int) -> Decimal:
    return (Decimal(int(value)) / SCALE).normalize() if value else Decimal(0)


def fmt_micro(value: int) -> str:
    """Micro-points as plain text without trailing zeros: 2500000 → '2.5'."""
    d = from_micro(value)
    text = format(d, "f")
    return "0" if text in ("-0", "0", "0E-6") else text


def fmt_micro_many(values) -> list[str]:
    """`fmt_micro` of every value, each distinct value formatted once (a ledger of 50,000 lines
    holds a few hundred distinct amounts)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=np.int64))
    texts = np.array([fmt_micro(int(u)) for u in uniques] or [""], dtype=object)
    return texts[codes].tolist()


def fmt_cents_many(values) -> list[str]:
    """`fmt_cents` of every value, each distinct value formatted once."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=np.int64))
    texts = np.array([fmt_cents(int(u)) for u in uniques] or [""], dtype=object)
    return texts[codes].tolist()


def fmt_cents(value: int) -> str:
    """Cents (already rounded) as text with exactly two places: 9550 → '95.50'."""
    return format((Decimal(int(value)) / 100).quantize(Decimal("0.01")), "f")


def round_micro_to_cents(values):
    """Half away from zero, to hundredths; input micro-points, output cents (int64)."""
    import numpy as np

    v = np.asarray(values, dtype=np.int64)
    mag = (np.abs(v) + CENT // 2) // CENT
    return np.where(v < 0, -mag, mag).astype(np.int64)


def int_micro(values):
    """Micro-points held as floats (already scaled, e.g. quantity × micro-points per unit) →
    int64, rounded to the nearest integer; `PointsOverflow` for NaN, infinity or beyond
    ±MAX_MICRO, never a wrapped value."""
    import numpy as np

    x = np.rint(np.asarray(values, dtype="float64"))
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(x) <= MAX_MICRO)
    if bad.any():
        raise overflow(x[np.flatnonzero(bad)[0]] / SCALE)
    return x.astype(np.int64)


def micro_array(values):
    """Floats (with few decimals) in points → exact micro-points; `PointsOverflow` as `int_micro`."""
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.asarray(values, dtype="float64") * SCALE
    return int_micro(scaled)


def check_ledger(points) -> None:
    """`PointsOverflow` unless the magnitudes of `points` (int64 micro-points) sum to at most
    MAX_MICRO: then no sum of them, and no adjustment derived from such sums, can wrap."""
    import numpy as np

    p = np.asarray(points)
    if not len(p):
        return
    total = float(np.abs(p.astype("float64")).sum())
    if not total <= MAX_MICRO:
        raise overflow(total / SCALE, "分值合计")


def decimal_places_ok(d: Decimal, places: int = 4) -> bool:
    return -d.as_tuple().exponent <= places if d.as_tuple().exponent < 0 else True


def half_up(d: Decimal, places: str = "0.01") -> Decimal:
    return d.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def money(points: Decimal, yuan_per_point: Decimal) -> Decimal:
    """The money value of `points` at `yuan_per_point` 元 a point, to the fen, half-up."""
    return half_up(Decimal(points) * Decimal(yuan_per_point))
