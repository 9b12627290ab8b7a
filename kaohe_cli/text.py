"""Text normalisation and name suggestions shared by every stage."""

from __future__ import annotations

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
    import difflib

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


# ---- terminal output --------------------------------------------------------------------------

# Characters a terminal acts on instead of showing, or that reorder what it shows: C0 controls
# (ESC starts cursor moves, screen clears, window titles; BEL ends a title), DEL, C1 controls
# (U+009B is a one-character CSI on some terminals, U+0085 a line break), the bidirectional
# controls (U+202E makes "gpj.exe" look like "exe.jpg") and the Unicode line and paragraph
# separators (a line break to many viewers). Newline and tab are not in the set: they are layout.
_UNSAFE_CHARS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
)
_LINE_BREAKS = {"\r\n": " ", "\n": " ", "\r": " ", "\t": " "}


_PATTERNS: list = []  # compiled on first use: nothing at import (every command loads this module)


def _unsafe(one_line: bool):
    if not _PATTERNS:
        _PATTERNS.extend([re.compile(f"[{_UNSAFE_CHARS}]"), re.compile(f"\r\n|[\n\t{_UNSAFE_CHARS}]")])
    return _PATTERNS[one_line]


def escape_char(ch: str) -> str:
    """One character as visible text: `\\x1b` (up to U+00FF), `\\u202e` (beyond)."""
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    """`text` with every character a terminal would act on shown as visible text instead.

    Control characters (C0, DEL, C1), the bidirectional controls and the Unicode line and
    paragraph separators become `\\x1b`, `\\x07`, `\\x9b`, `\\x7f`, `\\u202e`, `\\u2028`…; other
    text (including any backslash already in it) is unchanged. Used only for what is printed:
    workbooks, notices and the archive keep the original text.

    Newline and tab are layout and stay (a carriage return is escaped: it would let the rest of
    a line overwrite its start). With `one_line`, for a value printed inside a line (a name, a
    事由, a file name, a message quoting a cell), a line break (CR LF, LF or a lone CR) and a tab
    each become one space instead, as a multi-line cell has always been shown, so a value can
    never start a line of its own (or fake one). Every other character is escaped either way.
    """
    pattern = _unsafe(one_line)
    if not pattern.search(text):
        return text
    if one_line:
        return pattern.sub(lambda m: _LINE_BREAKS.get(m[0]) or escape_char(m[0]), text)
    return pattern.sub(lambda m: escape_char(m[0]), text)


def terminal_replacements(text: str, *, one_line: bool = False):
    """(start, end, replacement) for each piece of `text` that `terminal_safe` changes, in order.

    For rich `Text`, whose styles are spans over the original positions (`_ui.safe_rich_text`).
    """
    for m in _unsafe(one_line).finditer(text):
        yield m.start(), m.end(), (one_line and _LINE_BREAKS.get(m[0])) or escape_char(m[0])
