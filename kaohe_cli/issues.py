"""Input problems as values.

Every pipeline stage returns the problems it finds as `Issue` values instead of raising or
printing. Commands gather them, sort them by location and render them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path


class Level(str, Enum):
    """How bad a problem is. Errors stop the score; warnings are listed in 问题."""

    ERROR = "错误"
    WARNING = "警告"
    NOTE = "提示"


@dataclass(frozen=True)
class Issue:
    """One problem found in the input, with its location and a concrete fix."""

    level: Level
    message: str
    hint: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    code: str = ""  # stable machine-readable kind, e.g. "unknown-item"
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    @property
    def location(self) -> str:
        """`月报.xlsx:奖惩!C12`, or as much of it as is known."""
        place = ""
        if self.sheet and self.cell:
            place = f"{self.sheet}!{self.cell}"
        elif self.sheet:
            place = self.sheet
        elif self.cell:
            place = self.cell
        if self.file and place:
            return f"{self.file}:{place}"
        return self.file or place

    def text(self) -> str:
        """The whole problem on one line, as printed and as written to 问题."""
        parts = [f"{self.location}：" if self.location else "", self.message]
        if self.hint:
            parts.append(f"（{self.hint}）")
        return "".join(parts)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["level"] = self.level.value
        data["location"] = self.location
        data.pop("extra", None)
        return data


def error(message: str, hint: str = "", **where) -> Issue:
    return Issue(Level.ERROR, message, hint, **where)


def warning(message: str, hint: str = "", **where) -> Issue:
    return Issue(Level.WARNING, message, hint, **where)


def note(message: str, hint: str = "", **where) -> Issue:
    return Issue(Level.NOTE, message, hint, **where)


_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _cell_key(cell: str) -> tuple[int, int]:
    m = _CELL.match(cell or "")
    if not m:
        return (0, 0)
    letters, digits = m.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return (int(digits), col)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """Sort by file, sheet, row, column; errors before warnings at the same place."""
    order = {Level.ERROR: 0, Level.WARNING: 1, Level.NOTE: 2}
    return sorted(
        issues,
        key=lambda i: (i.file, i.sheet, _cell_key(i.cell), order[i.level], i.message),
    )


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)


def file_label(path: Path | str) -> str:
    """The name shown for a file in messages: its name, not its whole path."""
    return Path(path).name
