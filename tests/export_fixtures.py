"""Builders of realistic DingTalk / WeCom attendance export workbooks, for tests.

Each builder lays out one export sheet as in ``shared/ATTENDANCE-EXPORTS.md`` (title rows,
merged group headers over sub-headers, zero values left blank or written ``--``) and returns an
`ExportGrid`. Use it two ways:

    grid = dingtalk_monthly(people)
    path = grid.save(tmp_path / "钉钉.xlsx")     # a real .xlsx written with openpyxl
    sheet = read_sheet(path)                      # read back with python-calamine
    sheet = grid.sheet()                          # or the grid itself, without a file

People and person-days are dicts keyed by the export's own header text ("迟到次数",
"事假(天)", "异常统计" sub-headers such as "迟到次数(次)"); keys a builder does not know are
ignored, missing ones are blank. Monthly people take ``days={3: "迟到10分钟"}`` for the
考勤结果 day cells; days not given read 正常 on weekdays and 休息 on weekends.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import python_calamine

try:  # the real shape, once readers/workbook.py exists
    from kaohe_cli.read.workbook import RawSheet
except ImportError:  # pragma: no cover - until then, the same fields

    @dataclass
    class RawSheet:  # type: ignore[no-redef]
        file: str
        name: str
        rows: list[list[object]]
        merged: list[tuple[int, int, int, int]] = field(default_factory=list)
        formula_without_value: list[tuple[int, int]] = field(default_factory=list)


WEEKDAY_NAMES = "一二三四五六日"
NORMAL_DAY = "正常班:正常\n(08:17,18:30)"
REST_DAY = "休息\n(-)"

DINGTALK_MONTHLY_STATS = [
    "出勤天数", "休息天数", "工作时长", "迟到次数", "迟到时长", "严重迟到次数", "严重迟到时长",
    "旷工迟到天数", "早退次数", "早退时长", "上班缺卡次数", "下班缺卡次数", "旷工天数", "出差时长",
    "外出时长",
]
DINGTALK_LEAVE_DAYS = ["事假(天)", "病假(天)", "年假(天)", "调休(天)", "婚假(天)", "产假(天)", "陪产假(天)", "丧假(天)"]
DINGTALK_LEAVE_HOURS = [h.replace("(天)", "(小时)") for h in DINGTALK_LEAVE_DAYS]
DINGTALK_LEAVE_MIXED = ["事假(小时)", "病假(天)", "年假(天)", "调休(小时)", "婚假(天)"]
DINGTALK_COMPANY_16 = [
    "姓名", "工号", "部门", "事假(天)", "病假(天)", "出勤天数", "工作时长", "迟到次数", "迟到时长",
    "早退次数", "早退时长", "上班缺卡次数", "下班缺卡次数", "旷工天数", "休息日加班", "节假日加班",
]
DINGTALK_DAILY_IDENTITY = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "workDate", "班次"]
DINGTALK_DAILY_PUNCH = ["上班1打卡时间", "上班1打卡结果", "下班1打卡时间", "下班1打卡结果", "关联的审批单"]
DINGTALK_DAILY_STATS = [
    "出勤天数", "休息天数", "工作时长", "迟到次数", "迟到时长", "严重迟到次数", "严重迟到时长",
    "旷工迟到次数", "早退次数", "早退时长", "上班缺卡次数", "下班缺卡次数", "旷工天数", "出差时长",
    "外出时长",
]
DINGTALK_DAILY_LEAVE = ["事假(天)", "病假(天)", "年假(天)", "调休(天)"]
DINGTALK_DAILY_OVERTIME = ["工作日加班", "休息日加班", "节假日加班"]

WECOM_SHEET = "概况统计与打卡明细"
WECOM_GROUPS: dict[str, list[str]] = {
    "基础信息": ["部门", "职务"],
    "考勤概况": ["所属规则", "班次", "最早", "最晚", "打卡次数(次)", "标准工作时长(小时)",
             "实际工作时长(小时)", "假勤申请", "考勤结果"],
    "异常统计": ["异常合计(次)", "迟到次数(次)", "迟到时长(分钟)", "早退次数(次)", "早退时长(分钟)",
             "旷工次数(次)", "旷工时长(分钟)", "缺卡次数(次)", "地点异常(次)", "设备异常(次)"],
    "假勤统计": ["补卡次数(次)", "外出(小时)", "出差(天)", "年假(天)", "事假(天)", "病假(天)", "调休假(天)",
             "婚假(天)", "产假(天)", "陪产假(天)", "丧假(天)", "哺乳假(小时)", "产检假(天)", "护理假(天)",
             "育儿假(天)"],
    "上班1": ["打卡时间", "打卡状态"],
    "下班1": ["打卡时间", "打卡状态"],
}


@dataclass
class ExportGrid:
    """One export sheet: its cell values (0-based grid) and merged ranges."""

    name: str
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def sheet(self, file: str = "导出.xlsx", *, merged: bool = True) -> RawSheet:
        """The grid as a RawSheet; ``merged=False`` drops the merge list (as from a CSV)."""
        return RawSheet(file=file, name=self.name, rows=[list(r) for r in self.rows],
                        merged=list(self.merged) if merged else [], formula_without_value=[])

    def save(self, path: Path) -> Path:
        """Write the grid as a real .xlsx with openpyxl (merged cells and all)."""
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = self.name
        for r, row in enumerate(self.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for r1, c1, r2, c2 in self.merged:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        wb.save(path)
        return Path(path)


def read_sheet(path: Path, name: str | None = None) -> RawSheet:
    """Read one sheet of a real workbook with python-calamine into a RawSheet.

    Blank cells become None (calamine gives ''); merged ranges become 0-based 4-tuples.
    """
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = wb.get_sheet_by_name(name or wb.sheet_names[0])
    rows = [[None if v == "" else v for v in row] for row in sheet.to_python(skip_empty_area=False)]
    merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    return RawSheet(file=Path(path).name, name=sheet.name, rows=rows, merged=merged,
                    formula_without_value=[])


# ----------------------------------------------------------------------------- helpers


def _blank_zero(value: object) -> object:
    """DingTalk leaves zero values blank."""
    if value in (0, 0.0, "0", None):
        return None
    return value


def _dash(value: object) -> object:
    """WeCom writes -- for empty and zero values."""
    if value in (0, 0.0, "0", None, ""):
        return "--"
    return value


def _date_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _two_row_header(columns: list[tuple[str | None, str]], top: int) -> tuple[list, list, list]:
    """(group, sub-header) pairs → two header rows and their merges.

    A column with no group has its header in the top row, merged down over both rows; a
    group is written once and merged across its sub-headers.
    """
    upper: list[object] = []
    lower: list[object] = []
    merged = []
    c = 0
    while c < len(columns):
        group, sub = columns[c]
        if group is None:
            upper.append(sub)
            lower.append(None)
            merged.append((top, c, top + 1, c))
            c += 1
            continue
        end = c
        while end + 1 < len(columns) and columns[end + 1][0] == group:
            end += 1
        for k in range(c, end + 1):
            upper.append(group if k == c else None)
            lower.append(columns[k][1])
        if end > c:
            merged.append((top, c, top, end))
        c = end + 1
    return upper, lower, merged


def _title_rows(width: int, *texts: str) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    rows = []
    merged = []
    for r, text in enumerate(texts):
        rows.append([text] + [None] * (width - 1))
        merged.append((r, 0, r, width - 1))
    return rows, merged


# ----------------------------------------------------------------------------- DingTalk


def dingtalk_monthly(
    people: list[dict],
    *,
    start: date = date(2026, 3, 1),
    end: date = date(2026, 3, 31),
    leave: list[str] = DINGTALK_LEAVE_DAYS,
    stats: list[str] | None = DINGTALK_MONTHLY_STATS,
    day_cells: bool = True,
    minute_suffix: bool = False,
    weekday_labels: bool = True,
    generated: str = "2026-04-04 11:04",
    sheet: str = "月度汇总",
) -> ExportGrid:
    """A DingTalk 月度汇总: two title rows, a two-row header (请假, 考勤结果 grouped), data at row 5.

    ``stats=None`` and ``leave=[]`` give the export with only per-day 考勤结果 columns;
    ``day_cells=False`` drops them. ``minute_suffix`` writes the older 迟到时长(分钟);
    ``weekday_labels`` labels weekend day columns 六 / 日 instead of their number.
    """
    days = _date_range(start, end)
    columns: list[tuple[str | None, str]] = [(None, h) for h in ("姓名", "考勤组", "部门", "工号", "职位", "UserId")]
    for h in stats or []:
        if minute_suffix and h.endswith("时长") and h != "工作时长" and h not in ("出差时长", "外出时长"):
            h = f"{h}(分钟)"
        columns.append((None, h))
    columns += [("请假", h) for h in leave]
    if day_cells:
        for d in days:
            label: object = d.day
            if weekday_labels and d.weekday() >= 5:
                label = WEEKDAY_NAMES[d.weekday()]
            columns.append(("考勤结果", label))
    width = len(columns)
    rows, merged = _title_rows(
        width,
        f"月度汇总 统计日期：{start.isoformat()} 至 {end.isoformat()}",
        f"报表生成时间：{generated}",
    )
    upper, lower, header_merges = _two_row_header(columns, top=2)
    rows += [upper, lower]
    merged += header_merges
    workdays = sum(1 for d in days if d.weekday() < 5)
    for person in people:
        defaults = {
            "考勤组": "机关考勤组", "职位": "科员", "UserId": f"u{zlib.crc32(person['姓名'].encode()):010d}",
            "出勤天数": workdays, "休息天数": len(days) - workdays, "工作时长": workdays * 480,
        }
        row: list[object] = []
        for group, header in columns:
            if group == "考勤结果":
                continue
            key = header.replace("(分钟)", "") if minute_suffix else header
            value = person.get(key, defaults.get(key))
            row.append(value if header in ("姓名", "工号", "部门") else _blank_zero(value))
        if day_cells:
            given = person.get("days", {})
            for d in days:
                row.append(given.get(d.day, REST_DAY if d.weekday() >= 5 else NORMAL_DAY))
        rows.append(row)
    return ExportGrid(sheet, rows, merged)


def dingtalk_company16(
    people: list[dict],
    *,
    start: date = date(2026, 3, 1),
    end: date = date(2026, 3, 31),
    sheet: str = "月度汇总",
) -> ExportGrid:
    """A company's 16-column 月度汇总: one title row, a one-row header, data at row 3.

    事假(天) / 病假(天) come early and 休息日加班 / 节假日加班 at the end.
    """
    width = len(DINGTALK_COMPANY_16)
    rows, merged = _title_rows(width, f"月度汇总 统计日期：{start.isoformat()} 至 {end.isoformat()}")
    rows.append(list(DINGTALK_COMPANY_16))
    for person in people:
        rows.append([person.get(h) if h in ("姓名", "工号", "部门") else _blank_zero(person.get(h))
                     for h in DINGTALK_COMPANY_16])
    return ExportGrid(sheet, rows, merged)


def dingtalk_daily(
    person_days: list[dict],
    *,
    start: date = date(2020, 9, 1),
    end: date = date(2020, 9, 30),
    generated: str = "2020-10-02 09:30",
    sheet: str = "每日统计",
) -> ExportGrid:
    """A DingTalk 每日统计: one row per person-day under a two-row header (请假, 加班 grouped).

    Each person-day dict needs 姓名 and ``date`` (a `date`); 日期 is written "20-09-01 星期二".
    Punch results default to 正常.
    """
    columns: list[tuple[str | None, str]] = [(None, h) for h in DINGTALK_DAILY_IDENTITY + DINGTALK_DAILY_PUNCH]
    columns += [(None, h) for h in DINGTALK_DAILY_STATS]
    columns += [("请假", h) for h in DINGTALK_DAILY_LEAVE]
    columns += [("加班", h) for h in DINGTALK_DAILY_OVERTIME]
    width = len(columns)
    rows, merged = _title_rows(
        width,
        f"每日统计表 统计日期：{start.isoformat()} 至 {end.isoformat()}",
        f"报表生成时间：{generated}",
    )
    upper, lower, header_merges = _two_row_header(columns, top=2)
    rows += [upper, lower]
    merged += header_merges
    for pd in person_days:
        d: date = pd["date"]
        defaults = {
            "考勤组": "机关考勤组", "职位": "科员", "UserId": f"u{zlib.crc32(pd['姓名'].encode()):010d}",
            "日期": f"{d:%y-%m-%d} 星期{WEEKDAY_NAMES[d.weekday()]}", "workDate": d.isoformat(),
            "班次": "正常班 08:30-17:30", "上班1打卡时间": "08:21", "上班1打卡结果": "正常",
            "下班1打卡时间": "17:42", "下班1打卡结果": "正常", "出勤天数": 1, "工作时长": 480,
        }
        row = []
        for _group, header in columns:
            value = pd.get(header, defaults.get(header))
            row.append(value if header in ("姓名", "工号", "部门", "日期") else _blank_zero(value))
        rows.append(row)
    return ExportGrid(sheet, rows, merged)


# ----------------------------------------------------------------------------- WeCom


def wecom_daily(
    person_days: list[dict],
    *,
    start: date = date(2026, 3, 2),
    end: date = date(2026, 3, 6),
    groups: tuple[str, ...] = tuple(WECOM_GROUPS),
    sheet: str = WECOM_SHEET,
) -> ExportGrid:
    """A WeCom 日报 (概况统计与打卡明细): four header rows, data at row 5, empty cells "--".

    Rows 1–2 are the title and the 统计时间; rows 3–4 hold 时间/姓名/账号 (merged down) and the
    groups 基础信息, 考勤概况, 异常统计, 假勤统计, 上班1, 下班1 over their sub-headers. Person-day
    keys are the sub-headers ("迟到次数(次)", "事假(天)", "考勤结果"…); ``date`` is a `date`.
    ``groups`` chooses which groups the admin exported.
    """
    columns: list[tuple[str | None, str]] = [(None, "时间"), (None, "姓名"), (None, "账号")]
    for group in groups:
        columns += [(group, h) for h in WECOM_GROUPS[group]]
    width = len(columns)
    rows, merged = _title_rows(width, "概况统计与打卡明细", f"统计时间：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")
    upper, lower, header_merges = _two_row_header(columns, top=2)
    rows += [upper, lower]
    merged += header_merges
    for pd in person_days:
        d: date = pd["date"]
        defaults = {
            "时间": f"{d:%Y/%m/%d} 星期{WEEKDAY_NAMES[d.weekday()]}", "所属规则": "机关打卡规则",
            "班次": "班次A 09:00-18:00", "最早": "08:51", "最晚": "18:07", "打卡次数(次)": 2,
            "标准工作时长(小时)": 8, "实际工作时长(小时)": 8, "考勤结果": "正常",
        }
        row = []
        for group, header in columns:
            key = f"{group}/{header}" if group in ("上班1", "下班1") else header
            value = pd.get(key, defaults.get(key))
            row.append(value if header in ("姓名", "账号", "部门") else _dash(value))
        rows.append(row)
    return ExportGrid(sheet, rows, merged)


# ----------------------------------------------------------------------------- not exports


def clerk_summary() -> ExportGrid:
    """A clerk's own monthly 考勤 summary (the input-workbook contract), which is NOT an export."""
    rows = [
        ["2026年3月考勤表", None, None, None, None, None, None, None, None],
        ["工号", "姓名", "科室", "迟到", "早退", "旷工", "事假", "病假", "年休假"],
        ["0012", "张三", "办公室", 2, None, None, 1, None, None],
        ["1003", "李四", "财务科", None, 1, 0.5, None, 2, 3],
    ]
    return ExportGrid("考勤", rows, [(0, 0, 0, 8)])


def clerk_detail() -> ExportGrid:
    """A clerk's person-day 考勤 detail sheet, also NOT an export."""
    rows = [
        ["工号", "姓名", "日期", "状态", "天数"],
        ["0012", "张三", date(2026, 3, 3), "迟到", None],
        ["0012", "张三", date(2026, 3, 16), "事假", 1],
    ]
    return ExportGrid("考勤明细", rows, [])

