"""Stage 3: typed frames and a scheme → the event ledger (one line per deduction, bonus, marker, rating).
Takes `normalize` frames and a `Scheme`; gives ledger lines, gathered into `prepared.Prepared`.

- `ledger`: the ledger frame's columns, `make`, `concat` (points never wrap);
- `event_sheets.event_lines` (记实, 奖惩 rows; `row_values`, `recipients`), `dedupe_same_reason`;
- `attendance_lines.attendance_lines` (考勤 counts); `rating_lines.rating_lines` (评分 numbers);
- `item_forms`: an item counted as another, or as several (`counts_as`), per-person points (`points_from`);
- `context.Context`: what these share; `prepared.Prepared`: the engine's input.
"""

from kaohe_cli.events.attendance_lines import attendance_lines
from kaohe_cli.events.context import Context
from kaohe_cli.events.event_sheets import dedupe_same_reason, event_lines
from kaohe_cli.events.prepared import Prepared
from kaohe_cli.events.rating_lines import rating_lines

__all__ = [
    "Context",
    "Prepared",
    "attendance_lines",
    "dedupe_same_reason",
    "event_lines",
    "rating_lines",
]
