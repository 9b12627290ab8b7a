"""Stage 2: located tables → typed frames (roster, units, attendance, events, ratings) and Issues.
Takes `read` tables (and `attendance` counts); gives pandas frames keyed by 工号 or unit.

- `roster.read_roster` (人员) → `Roster`; `units.read_units` (单位) → a units frame, `resolve_unit`;
- `ratings.read_ratings` (评分) → `Ratings`;
- `attendance_sheet.read_attendance` (考勤, summary or detail) → `AttendanceLines`;
- `cells`: where a cell is and what it holds, shared with `events` (which reads 记实 and 奖惩 rows).
"""

from kaohe_cli.normalize.attendance_sheet import AttendanceLines, read_attendance
from kaohe_cli.normalize.ratings import Ratings, read_ratings
from kaohe_cli.normalize.roster import Roster, leader_id, read_roster
from kaohe_cli.normalize.units import read_units, resolve_unit

__all__ = [
    "AttendanceLines",
    "Ratings",
    "Roster",
    "leader_id",
    "read_attendance",
    "read_ratings",
    "read_roster",
    "read_units",
    "resolve_unit",
]
