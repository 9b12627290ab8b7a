"""Exact points as scaled integers for vectorised arithmetic.

Inside the engine every amount of points is an int64 count of micro-points (10⁻⁶). Inputs
have at most a few decimals, so conversion is exact; totals are rounded half away from
zero to 2 places once, as SCHEMES.md requires.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

SCALE = 1_000_000
CENT = SCALE // 100


def to_micro(value: Decimal | int | float | str) -> int:
    d = Decimal(str(value)) * SCALE
    return int(d.to_integral_value(rounding=ROUND_HALF_UP))


def from_micro(value: int) -> Decimal:
    return (Decimal(int(value)) / SCALE).normalize() if value else Decimal(0)


def fmt_micro(value: int) -> str:
    """Micro-points as plain text without trailing zeros: 2500000 → '2.5'."""
    d = from_micro(value)
    text = format(d, "f")
    return "0" if text in ("-0", "0E-6") else text


def fmt_micro_many(values) -> list[str]:
    """`fmt_micro` of every value, each distinct value formatted once (a ledger of 50,000 lines
    holds a few hundred distinct amounts)."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=np.int64))
    texts = np.array([fmt_micro(int(u)) for u in uniques] or [""], dtype=object)
    return texts[codes].tolist()


def fmt_cents_many(values) -> list[str]:
    """`fmt_cents` of every value, each distinct value formatted once."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=np.int64))
    texts = np.array([fmt_cents(int(u)) for u in uniques] or [""], dtype=object)
    return texts[codes].tolist()


def fmt_cents(value: int) -> str:
    """Cents (already rounded) as text with exactly two places: 9550 → '95.50'."""
    return format((Decimal(int(value)) / 100).quantize(Decimal("0.01")), "f")


def round_micro_to_cents(values: np.ndarray) -> np.ndarray:
    """Half away from zero, to hundredths; input micro-points, output cents (int64)."""
    v = np.asarray(values, dtype=np.int64)
    mag = (np.abs(v) + CENT // 2) // CENT
    return np.where(v < 0, -mag, mag).astype(np.int64)


def micro_array(values) -> np.ndarray:
    """Floats (with few decimals) → exact micro-points."""
    return np.rint(np.asarray(values, dtype="float64") * SCALE).astype(np.int64)


def decimal_places_ok(d: Decimal, places: int = 4) -> bool:
    return -d.as_tuple().exponent <= places if d.as_tuple().exponent < 0 else True


def half_up(d: Decimal, places: str = "0.01") -> Decimal:
    return d.quantize(Decimal(places), rounding=ROUND_HALF_UP)
