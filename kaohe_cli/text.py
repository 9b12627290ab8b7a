"""Text normalisation and name suggestions shared by every stage."""

from __future__ import annotations

import difflib
import re
import unicodedata

_SPACES = re.compile(r"\s+")


_HALFWIDTH = {0x3000: " ", **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII and the ideographic space become their half-width forms."""
    if text.isascii():
        return text
    return text.translate(_HALFWIDTH)


def norm(value: object) -> str:
    """Trimmed, half-width text with inner whitespace removed; '' for blanks.

    Used to match sheet names, headers, item names and levels. CJK headers never carry
    meaningful spaces, so all whitespace (including line breaks in merged headers) goes.
    """
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():
        text = to_halfwidth(unicodedata.normalize("NFC", text))
    return _SPACES.sub("", text).strip()


def clean(value: object) -> str:
    """Trimmed, half-width display text with runs of whitespace collapsed to one space."""
    if value is None:
        return ""
    text = to_halfwidth(unicodedata.normalize("NFC", str(value)))
    return _SPACES.sub(" ", text).strip()


def suggest(word: str, choices: list[str], n: int = 3) -> list[str]:
    """The nearest names to `word`, best first (for "did you mean" hints)."""
    word = norm(word)
    uniq = list(dict.fromkeys(choices))
    close = difflib.get_close_matches(word, uniq, n=n, cutoff=0.34)
    if close:
        return close
    # Fall back to shared characters, which suits short CJK names better than ratios.
    scored = sorted(
        ((len(set(word) & set(c)), c) for c in uniq if set(word) & set(c)),
        key=lambda t: (-t[0], len(t[1])),
    )
    return [c for _, c in scored[:n]]


def join_names(names: list[str], limit: int = 12) -> str:
    """Names joined with the Chinese enumeration comma, shortened with 等 past `limit`."""
    names = list(dict.fromkeys(names))
    if len(names) > limit:
        return "、".join(names[:limit]) + f"等{len(names)}项"
    return "、".join(names)


def col_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    index += 1
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based row and column → A1 reference."""
    return f"{col_letter(col)}{row + 1}"


def num(value) -> str:
    """A number as plain text without trailing zeros or exponent: Decimal('2.50') → '2.5'."""
    from decimal import Decimal

    if value is None:
        return ""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text
