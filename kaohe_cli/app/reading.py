"""The first step of `kaohe score` and `kaohe check`: start reading the first input file.

Kept apart from the use cases (which import pandas): a command calls `start_reading` before it
imports them, so the file is checked and parsed meanwhile (see `kaohe_cli.read.background`).
"""

from __future__ import annotations

from pathlib import Path

from kaohe_cli.read.background import Prefetch


def start_reading(paths: list[Path]) -> Prefetch:
    """A `Prefetch` with the first of `paths` being read; the use case takes it and starts the next."""
    reads = Prefetch()
    if paths:
        # The hostile-file checks come first and hold the GIL: importing after them lets
        # calamine start on the big sheet sooner.
        reads.start(paths[0]).wait_checked()
    return reads
