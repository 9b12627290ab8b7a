"""Recognise DingTalk / WeCom punch-clock exports and read them into attendance counts.

Three layouts are known (see ``shared/ATTENDANCE-EXPORTS.md``)::

    EXPORT_KINDS = ("钉钉月度汇总", "钉钉每日统计", "企业微信日报")

API::

    detect_export(sheet) -> str | None
        The kind of export a `RawSheet` holds, or None. Decided by header and title text only
        (DingTalk / WeCom vocabulary such as 考勤组, UserId, 上班缺卡次数, 异常统计, 假勤统计),
        never by column position. A clerk's own 考勤 sheet (工号, 姓名, 迟到, 早退…) is not an
        export.

    read_export(sheet, *, hours_per_day=Decimal(8), mapping=None) -> AttendanceExport
        Reads the export. Raises `kaohe_cli.errors.UnreadableFile` only when the sheet is not an
        export at all; every data problem becomes an `Issue` in `AttendanceExport.issues`.

``sheet`` is a `kaohe_cli.read.workbook.RawSheet` or anything with the same fields
(``file``, ``name``, ``rows``, ``merged``). Blank cells may be ``None`` or ``''``.
``hours_per_day`` must be positive (else `kaohe_cli.errors.ConfigError`).

Layout: the header starts at the row holding 姓名, plus group rows just above it that are not
titles, and runs down over the rows merged with it (or, with no merge list, the next rows whose
姓名 cell is blank), up to 4 rows. A group label fills its merged range; with no merge list it
is carried rightwards over empty cells that have a sub-header below. Rows above the header are
titles: the first "A 至 B" date range in them is the period; 报表生成时间 is ignored. Day
columns under 考勤结果 are numbered from their label ("1", or "1" over "日"); a bare weekday
label ("六", "日") takes the day after its left neighbour. Data rows without 姓名 are skipped
with a warning; 合计 / 总计 rows and notes ("注：…") are skipped.

People: one per 工号; without one, per UserId / 账号; else per 姓名 + 部门. Person-day rows
are added up per person; a person on two rows of a monthly summary is added up with a warning.

Results::

    AttendanceExport
        kind, file, sheet
        period_start, period_end   from the title (统计日期：2026-03-01 至 2026-03-31), else, for
                                   the per-day kinds, the first and last 日期; else None
        columns    every column read other than identity/metadata columns, as `ExportColumn`
                   (header "请假/事假(天)", 0-based col, item or None, unit, conversion in Chinese,
                   and kind: how it is used, one of `results.COLUMN_KINDS`, for code to test)
        unmapped   [(header, total)] for columns that feed no scheme item and have a non-zero
                   total over all people, once per column, in the column's own unit; per-day
                   result cells add entries such as ("考勤结果/外勤(次)", 3) for kinds of
                   result that no column covers
        people     `ExportPerson` per person, in order of first appearance
        issues     `Issue` values: notes and warnings, and errors only for numbers that cannot
                   be right (below)

    ExportPerson
        row       0-based sheet row of the person's first data row
        gonghao   工号 as text ('' when the export has none); leading zeros kept, 1001.0 → "1001"
        name, dept, account (UserId / 账号, '' when absent)
        cells     "姓名" / "工号" / "部门" / "账号" → A1 cell of the person's first data row
        counts    scheme item → Decimal: 迟到, 早退 (times), 旷工 (days, steps of 0.5), 事假,
                  病假, 年休假 (days), plus any item named in ``mapping``. An item is present
                  (possibly 0) whenever the export has a column or per-day cells for it.
        sources   item → "工作表!J5", or a compact list/range of cells ("考勤结果!K5,N5:P5"),
                  for non-zero counts only

Default mapping (header, normalised with `kaohe_cli.text.norm`, unit suffix stripped):

    迟到次数 → 迟到; 早退次数 → 早退; 严重迟到次数, 旷工迟到天数/次数 → 迟到 (with a note);
    旷工天数 → 旷工; else 旷工时长(分钟) → 旷工; else 旷工次数 → 旷工 (1 次 = 1 天, with a note);
    事假 → 事假; 病假 → 病假; 年假/年休假 → 年休假; 缺卡, 外勤, 出差, 外出, 补卡, 地点/设备异常,
    other leave types, overtime → unmapped (listed, never counted).
    出勤天数, 休息天数, 工作时长, 打卡次数, 异常合计 are attendance statistics and the 时长 columns
    beside a 次数 column are companions: both are shown in `columns` but never counted or listed.

``mapping`` overrides it: keys are export headers, matched after `norm` against the full
header ("请假/事假(小时)"), the sub-header ("事假(小时)") or the sub-header without its unit
("事假"); per-day result kinds ("缺卡", "外勤", "婚假"…) can be keyed too. "缺卡次数" and "缺卡"
name every 缺卡 column (上班缺卡次数 and 下班缺卡次数) and the 缺卡 day results. A value is a scheme
item name, or None to leave the column unmapped. A key that names nothing in the export gets a
note (export-mapping-unused).

Units and conversions:

- The unit comes from the header suffix (天) (小时) (分钟) (次); "…次数" is times, "…天数" days,
  and 迟到时长 / 早退时长 / 严重迟到时长 / 旷工迟到时长 / 旷工时长 without a suffix are minutes.
  A unit written in a cell ("3天", "4小时", "2次") wins over the header's. "--", "-" and
  blank cells are 0.
- Day items (旷工, 事假, 病假, 年休假, any …假): hours ÷ hours_per_day, minutes ÷
  (hours_per_day × 60). Leave is kept exact (to 4 decimal places).
- 旷工 is summed exactly per person, then rounded once to the nearest 0.5 day, halves up
  (0.25 → 0.5, 0.75 → 1); a note is issued whenever the rounding changes the value.
- Count items keep the raw number (旷工迟到天数 counts as times).

Bounds (`kaohe_cli.read.values.LIMITS`): a NaN or infinite number in a numeric column is an
error at its cell (a formula error in the export, or a hand edit), and so is a person's count
of an item beyond 10,000 times, or days of an item beyond the days of the export's period
(from its title or dates; 366 when it has neither). The item is then counted as 0.

Per-day result cells (钉钉月度汇总 考勤结果 day columns; 每日统计 上班N打卡结果; 企业微信
考勤结果 / 打卡状态) are parsed for items that have no summary column: "正常", "休息\\n(-)",
"正常班:病假\\n(-)" (1 day), "病假3.5小时", "事假半天", "迟到10分钟,早退5分钟", "旷工" (1 day),
"缺卡", "外勤"… Unreadable results get one warning per distinct text and are not counted.
Only in the monthly summary, when both a summary column and day cells exist, the summary
column is used and every person/item that disagrees gets a warning at the summary cell
(counts exactly; days within 0.01; 旷工 after rounding). In the person-day kinds the result
text is a fallback only, and punch results of one day count 旷工 and leave at most once.

Modules: `kaohe_cli.domain.attendance_vocabulary` (headers, markers, day words), `layout` (title
and header rows, kind of export, period), `mapping` (column → item, conversion), `daytext`
(per-day result texts), `reader` (data rows → per-person totals), `people` (counts, rounding,
bounds, cross-check), `unmapped` (what feeds no item), `values` (cells and numbers), `results`.
"""

from __future__ import annotations

from decimal import Decimal

from kaohe_cli.attendance.layout import export_kind, export_period, find_layout
from kaohe_cli.attendance.mapping import export_columns, plan_columns
from kaohe_cli.attendance.people import DAY_TOLERANCE, finish_people
from kaohe_cli.attendance.reader import read_rows
from kaohe_cli.attendance.results import AttendanceExport, ExportColumn, ExportPerson, IssueLog
from kaohe_cli.attendance.unmapped import unknown_text_issues, unmapped_totals, unused_mapping_issues
from kaohe_cli.domain.attendance_vocabulary import (
    ABSENT,
    ANNUAL_LEAVE,
    DAILY,
    DAY_ITEMS,
    DEFAULT_ITEMS,
    EARLY,
    EXPORT_KINDS,
    LATE,
    MONTHLY,
    PERSONAL_LEAVE,
    SICK_LEAVE,
    WECOM,
)
from kaohe_cli.errors import ConfigError, UnreadableFile
from kaohe_cli.issues import Level
from kaohe_cli.text import norm

__all__ = [
    "ABSENT", "ANNUAL_LEAVE", "DAILY", "DAY_ITEMS", "DAY_TOLERANCE", "DEFAULT_ITEMS", "EARLY", "EXPORT_KINDS",
    "LATE", "MONTHLY", "PERSONAL_LEAVE", "SICK_LEAVE", "WECOM",
    "AttendanceExport", "ExportColumn", "ExportPerson", "detect_export", "read_export",
]


def detect_export(sheet) -> str | None:
    """The kind of punch-clock export this sheet holds (one of EXPORT_KINDS), or None."""
    layout = find_layout(sheet)
    return export_kind(layout) if layout else None


def read_export(
    sheet,
    *,
    hours_per_day: Decimal = Decimal(8),
    mapping: dict[str, str | None] | None = None,
) -> AttendanceExport:
    """Read a DingTalk / WeCom export into per-person counts (see the module docstring)."""
    hpd = Decimal(str(hours_per_day))
    if hpd <= 0:
        raise ConfigError(f"每天工作小时数必须大于0，现为 {hours_per_day}", "请在 kaohe.toml 中改为如 8")
    file, name = getattr(sheet, "file", ""), getattr(sheet, "name", "")
    layout = find_layout(sheet)
    kind = export_kind(layout) if layout else None
    if kind is None:
        raise UnreadableFile(
            "这张工作表不是钉钉或企业微信的考勤导出表",
            "请选择钉钉“月度汇总”“每日统计”或企业微信“概况统计与打卡明细”导出的工作表",
            where=f"{file}:{name}" if file else name,
        )
    log = IssueLog(file, name)
    plan = plan_columns(layout, kind, {norm(k): v for k, v in (mapping or {}).items()}, hpd, log)
    rows = read_rows(layout, plan, hpd, kind in (DAILY, WECOM), log)
    period = export_period(layout.titles, rows.dates)
    people = finish_people(rows, plan, kind, period, hpd, log)
    columns = export_columns(plan, rows.col_numeric, rows.col_units)
    unmapped = unmapped_totals(plan, rows, log)
    unknown_text_issues(rows, log)
    unused_mapping_issues(plan, layout, log)
    if not people:
        log.add(Level.WARNING, "考勤导出表中没有人员数据", "请确认导出时选择了人员和日期范围",
                (layout.last, 0), "export-no-data")
    return AttendanceExport(
        kind=kind, file=file, sheet=name, period_start=period[0], period_end=period[1],
        columns=columns, unmapped=unmapped, people=people, issues=log.issues,
    )
