"""What reading a file gives: `RawSheet` grids, gathered in a `Workbook`.

A sheet's cells are either known when it is made, or still being parsed by a background read
(`kaohe_cli.read.background`): such a sheet is made with `RawSheet.pending`, and its cells
come from a `PendingCells` that the read fills with `deliver` (or `fail`). Using `rows`,
`merged` or `formula_without_value` of a pending sheet waits for its cells, and raises the
read's error if parsing it failed; after that the sheet holds its cells like any other.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from kaohe_cli.issues import Issue

Cell = tuple[int, int]
Merge = tuple[int, int, int, int]


def wait_for(event: threading.Event) -> None:
    """Wait for `event` in bounded steps: Ctrl-C still interrupts the main thread on Windows."""
    while not event.wait(0.05):
        pass


class PendingCells:
    """The cells of one sheet that a background read is still parsing.

    The reading thread calls `deliver` (or `fail`) once; `wait` blocks until it has.
    """

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._sheet: RawSheet | None = None
        self._error: BaseException | None = None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def deliver(self, sheet: RawSheet) -> None:
        self._sheet = sheet
        self._ready.set()

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._ready.set()

    def wait(self) -> RawSheet:
        """The parsed sheet; raises the read's error if parsing failed."""
        wait_for(self._ready)
        if self._error is not None:
            raise self._error
        assert self._sheet is not None
        return self._sheet


class RawSheet:
    """One sheet as a grid anchored at A1: `rows[r][c]` is the cell at 0-based (r, c).

    Cells are None, str, int, float, bool, date, datetime or time (timedelta). `merged` holds
    the merged ranges (r0, c0, r1, c1); `formula_without_value` the formula cells that carry
    no cached value (read as blank).
    """

    __slots__ = ("file", "name", "_rows", "_merged", "_formulas", "_pending")

    def __init__(
        self,
        file: str,
        name: str,
        rows: list[list[object]],
        merged: list[Merge] | None = None,
        formula_without_value: list[Cell] | None = None,
    ) -> None:
        self.file = file  # display name of the file (Path.name)
        self.name = name  # sheet name as written in the file
        self._rows = rows
        self._merged = merged if merged is not None else []
        self._formulas = formula_without_value if formula_without_value is not None else []
        self._pending: PendingCells | None = None

    @classmethod
    def pending(cls, file: str, name: str, cells: PendingCells) -> RawSheet:
        """A sheet whose cells a background read delivers later, through `cells`."""
        sheet = cls(file, name, [])
        sheet._pending = cells
        return sheet

    def _settle(self) -> None:
        """Take the cells of a pending sheet (waiting for them) and forget the pending read."""
        if self._pending is None:
            return
        parsed = self._pending.wait()
        self._rows, self._merged, self._formulas = parsed.rows, parsed.merged, parsed.formula_without_value
        self._pending = None

    @property
    def rows(self) -> list[list[object]]:
        self._settle()
        return self._rows

    @property
    def merged(self) -> list[Merge]:
        self._settle()
        return self._merged

    @property
    def formula_without_value(self) -> list[Cell]:
        self._settle()
        return self._formulas

    def __eq__(self, other: object) -> bool:
        # Sheets of one workbook differ by name: compare that before waiting for any cells.
        if self is other:
            return True
        if not isinstance(other, RawSheet):
            return NotImplemented
        if (self.file, self.name) != (other.file, other.name):
            return False
        return (self.rows, self.merged, self.formula_without_value) == (
            other.rows, other.merged, other.formula_without_value
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._pending is not None:  # not waited for, nor raised from, here
            return f"RawSheet({self.file!r}, {self.name!r}, {'parsed' if self._pending.ready else 'pending'})"
        return f"RawSheet({self.file!r}, {self.name!r}, {len(self._rows)} rows)"


@dataclass
class Workbook:
    """Every worksheet of one file, in workbook order, and the warnings met reading it."""

    path: Path
    file: str  # display name
    sheets: list[RawSheet]
    issues: list[Issue] = field(default_factory=list)

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]
