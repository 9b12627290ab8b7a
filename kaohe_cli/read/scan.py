"""What the pre-scans of a container learn about each sheet before calamine parses it.

A `Scan` bounds a sheet's used range (refused above `max_cells`, see `check_cells`), lists the
formula cells without a cached value and, for .ods, the merged ranges. `chunks` streams a zip
part in bounded pieces, so that a scan never holds a whole decompressed part.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from kaohe_cli.read.refusals import too_many_cells

CHUNK = 1 << 20


@dataclass
class Scan:
    """What the pre-scan learnt about one sheet."""

    max_row: int = -1
    max_col: int = -1
    formulas: list[tuple[int, int]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    size: int = 0  # uncompressed bytes of the sheet's part: a background read parses small sheets first


def chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cut_at: bytes):
    """Decompressed chunks of a part, each ending just after a `cut_at` (or a '>')."""
    with zf.open(info) as fh:
        carry = b""
        while True:
            block = fh.read(CHUNK)
            if not block:
                if carry:
                    yield carry
                return
            data = carry + block
            cut = data.rfind(cut_at)
            if cut >= 0:
                cut += len(cut_at)
            else:
                cut = data.rfind(b">") + 1
            if cut <= 0:
                carry = data
                continue
            yield data[:cut]
            carry = data[cut:]


def check_cells(scan: Scan, label: str, sheet: str, max_cells: int) -> None:
    rows, cols = scan.max_row + 1, scan.max_col + 1
    if rows * cols > max_cells:
        raise too_many_cells(label, sheet, rows, cols, max_cells)
