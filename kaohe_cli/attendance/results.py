"""What reading an export gives back (`AttendanceExport`, its columns and people), and the log
its issues are gathered in while it is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kaohe_cli.issues import Issue, Level
from kaohe_cli.text import a1

# What an `ExportColumn` is used for (its `kind`): a stable value for code to test, where
# `conversion` is the Chinese text shown to the clerk.
COUNTED = "counted"  # feeds a scheme item
UNMAPPED = "unmapped"  # numbers that feed no item: their total is listed
STATISTIC = "statistic"  # an attendance statistic (出勤天数…): shown, never counted
COMPANION = "companion"  # a duration beside a count column: only for checking
DAILY_TEXT = "daily_text"  # one day's result in a monthly summary (考勤结果/1…)
STATUS_TEXT = "status_text"  # result text of a person-day row, counted for items without a column
STATUS_TEXT_UNUSED = "status_text_unused"  # result text that is not read
COLUMN_KINDS = (COUNTED, UNMAPPED, STATISTIC, COMPANION, DAILY_TEXT, STATUS_TEXT, STATUS_TEXT_UNUSED)


@dataclass
class ExportColumn:
    """One column of an export that carries numbers or per-day results."""

    header: str  # display header, group and sub-header joined with "/": "请假/事假(天)"
    col: int  # 0-based column index in the sheet
    item: str | None  # scheme item it feeds, or None
    unit: str  # 天, 小时, 分钟, 次 or ''
    conversion: str  # how it is used, in Chinese: "小时÷8=天", "不对应考核事项，只列出合计"…
    kind: str  # how it is used, as one of COLUMN_KINDS


@dataclass
class ExportPerson:
    """What the export holds for one person."""

    row: int  # 0-based sheet row of the first data row of this person
    gonghao: str
    name: str
    dept: str
    counts: dict[str, Decimal] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    account: str = ""  # DingTalk UserId or WeCom 账号, '' when absent
    cells: dict[str, str] = field(default_factory=dict)  # "姓名"/"工号"/"部门" → A1 of the first row


@dataclass
class AttendanceExport:
    """A read export: its kind, period, columns, people and problems."""

    kind: str
    file: str
    sheet: str
    period_start: date | None
    period_end: date | None
    columns: list[ExportColumn]
    unmapped: list[tuple[str, Decimal]]
    people: list[ExportPerson]
    issues: list[Issue]


@dataclass
class IssueLog:
    """The issues of one export sheet, in the order they were found."""

    file: str
    sheet: str
    issues: list[Issue] = field(default_factory=list)

    def add(self, level: Level, message: str, hint: str, cell: tuple[int, int] | None, code: str, **extra) -> None:
        """Record an issue at a 0-based (row, col) cell of the sheet (or at the sheet when None)."""
        self.issues.append(
            Issue(level, message, hint, file=self.file, sheet=self.sheet,
                  cell=a1(*cell) if cell else "", code=code, extra=extra)
        )
