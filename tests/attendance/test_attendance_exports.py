"""DingTalk / WeCom attendance exports → counts per person.

Each test builds a realistic export with `tests/export_fixtures.py`, writes it as a real .xlsx
(openpyxl, merged cells and title rows), reads it back with python-calamine, and compares the
counts with numbers worked out by hand in the test. Hours are converted at 8 hours a day;
旷工 is rounded once per person to the nearest 0.5 day, halves up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_cli.errors import ConfigError, UnreadableFile
from kaohe_cli.issues import Level
from kaohe_cli.attendance.daytext import parse_day_text as _parse_day_text
from kaohe_cli.attendance.exports import (
    EXPORT_KINDS,
    AttendanceExport,
    detect_export,
    read_export,
)
from kaohe_cli.attendance.values import compact_cells as _compact
from kaohe_cli.attendance.values import round_half_day as _round_half_day

from tests.export_fixtures import (
    DINGTALK_LEAVE_HOURS,
    DINGTALK_LEAVE_MIXED,
    WECOM_SHEET,
    ExportGrid,
    clerk_detail,
    clerk_summary,
    dingtalk_company16,
    dingtalk_daily,
    dingtalk_monthly,
    read_sheet,
    wecom_daily,
)

ITEMS = ("迟到", "早退", "旷工", "事假", "病假", "年休假")


def counts(export: AttendanceExport) -> dict[str, dict[str, D]]:
    return {p.name: dict(p.counts) for p in export.people}


def row(迟到=0, 早退=0, 旷工=0, 事假=0, 病假=0, 年休假=0) -> dict[str, D]:
    return {"迟到": D(迟到), "早退": D(早退), "旷工": D(旷工), "事假": D(事假), "病假": D(病假), "年休假": D(年休假)}


def by_code(export: AttendanceExport, code: str):
    return [i for i in export.issues if i.code == code]


def from_xlsx(grid: ExportGrid, tmp_path, name: str = "考勤导出.xlsx"):
    return read_sheet(grid.save(tmp_path / name))


# ----------------------------------------------------------------------------- 钉钉月度汇总

# Summary columns and day cells agree, except 王五: 迟到次数 says 1, the days show 2 (4日, 17日).
MONTHLY_PEOPLE = [
    {"姓名": "张三", "工号": "0012", "部门": "办公室",
     "迟到次数": 2, "迟到时长": 35, "早退次数": 1, "早退时长": 5, "事假(天)": 1, "病假(天)": 0.5,
     "days": {3: "迟到10分钟", 10: "正常班:迟到25分钟\n(08:55,18:30)", 12: "早退5分钟",
              16: "事假1天", 18: "病假4小时"}},
    {"姓名": "李四", "工号": 1003, "部门": "财务科",
     "严重迟到次数": 1, "严重迟到时长": 40, "旷工迟到天数": 1, "旷工天数": 1, "上班缺卡次数": 1,
     "年假(天)": 2, "婚假(天)": 3,
     "days": {5: "严重迟到40分钟", 6: "旷工迟到120分钟", 9: "旷工", 11: "上班缺卡",
              19: "年假1天", 20: "年假1天", 23: "婚假1天", 24: "婚假1天", 25: "婚假1天"}},
    {"姓名": "王五", "工号": "1004", "部门": "财务科",
     "迟到次数": 1, "迟到时长": 8, "下班缺卡次数": 2, "出差时长": "1天", "调休(天)": 1,
     "days": {4: "迟到8分钟", 17: "迟到12分钟", 24: "下班缺卡", 25: "下班缺卡", 26: "外勤",
              27: "调休1天"}},
]


def test_monthly_summary_leave_in_days(tmp_path):
    """Columns: 姓名 A … 迟到次数 J, 严重迟到次数 L, 旷工迟到天数 N, 早退次数 O, 旷工天数 S,
    请假 V–AC (事假 V, 病假 W, 年假 X, 调休 Y, 婚假 Z), 考勤结果 AD–BH (1日 = AD)."""
    export = read_export(from_xlsx(dingtalk_monthly(MONTHLY_PEOPLE), tmp_path))

    assert export.kind == "钉钉月度汇总"
    assert (export.file, export.sheet) == ("考勤导出.xlsx", "月度汇总")
    assert (export.period_start, export.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert counts(export) == {
        "张三": row(迟到=2, 早退=1, 事假=1, 病假="0.5"),
        # 迟到 = 严重迟到次数 1 + 旷工迟到天数 1 (迟到次数 blank)
        "李四": row(迟到=2, 旷工=1, 年休假=2),
        # the summary column wins over the 2 late days
        "王五": row(迟到=1),
    }
    assert [(p.gonghao, p.dept, p.row) for p in export.people] == [
        ("0012", "办公室", 4), ("1003", "财务科", 5), ("1004", "财务科", 6)]
    assert export.unmapped == [
        ("上班缺卡次数", D(1)),
        ("下班缺卡次数", D(2)),
        ("出差时长", D(1)),
        ("请假/调休(天)", D(1)),
        ("请假/婚假(天)", D(3)),
        ("考勤结果/外勤(次)", D(1)),  # no column covers 外勤; 缺卡 and 婚假 days are covered
    ]
    zhang, li, _wang = export.people
    assert zhang.sources == {"迟到": "月度汇总!J5", "早退": "月度汇总!O5", "事假": "月度汇总!V5",
                             "病假": "月度汇总!W5"}
    assert li.sources["迟到"] == "月度汇总!L6,N6"

    [check] = by_code(export, "export-crosscheck")
    assert check.level is Level.WARNING
    assert check.cell == "J7"  # 王五's 迟到次数
    assert "王五" in check.message and "1 次" in check.message and "2 次" in check.message
    assert "AG7,AT7" in check.message  # the 4日 and 17日 cells
    assert check.location == "考勤导出.xlsx:月度汇总!J7"

    notes = {i.cell: i for i in by_code(export, "export-mapped-note")}
    assert set(notes) == {"L3", "N3"}
    assert "严重迟到次数" in notes["L3"].message and "迟到" in notes["L3"].message
    assert all(i.level is not Level.ERROR for i in export.issues)

    unmapped_issues = {i.extra["header"]: i for i in by_code(export, "export-unmapped")}
    assert unmapped_issues["上班缺卡次数"].level is Level.WARNING  # the clerk has to decide
    assert unmapped_issues["请假/婚假(天)"].level is Level.NOTE

    columns = {c.header: c for c in export.columns}
    assert columns["请假/事假(天)"].item == "事假" and columns["请假/事假(天)"].unit == "天"
    assert columns["迟到时长"].item is None and columns["迟到时长"].unit == "分钟"
    assert columns["旷工天数"].conversion == "天数，四舍五入到0.5天"
    assert columns["考勤结果/日(1日)"].col == 29  # weekend days are labelled 六 / 日
    assert "姓名" not in columns and "UserId" not in columns and "考勤组" not in columns


def test_monthly_leave_in_hours(tmp_path):
    """事假 12 h = 1.5 d; 病假 3.5 h = 0.4375 d; 年假 16 h = 2 d; 婚假 8 h is only listed.
    The day cells say the same (事假1天 + 事假4小时 …), so no warning."""
    people = [{"姓名": "郑十", "工号": "0301", "部门": "人事科",
               "事假(小时)": 12, "病假(小时)": 3.5, "年假(小时)": 16, "婚假(小时)": 8,
               "days": {2: "事假1天", 3: "事假4小时", 5: "病假3.5小时", 9: "年假1天", 10: "年假1天",
                        11: "婚假1天"}}]
    export = read_export(from_xlsx(dingtalk_monthly(people, leave=DINGTALK_LEAVE_HOURS), tmp_path))

    assert counts(export) == {"郑十": row(事假="1.5", 病假="0.4375", 年休假=2)}
    assert (export.period_start, export.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert export.unmapped == [("请假/婚假(小时)", D(8))]
    assert not by_code(export, "export-crosscheck")
    columns = {c.header: c for c in export.columns}
    assert columns["请假/事假(小时)"].conversion == "小时÷8=天"
    assert columns["请假/事假(小时)"].unit == "小时"
    assert {i.cell for i in by_code(export, "export-unit")} == {"V4", "W4", "X4"}


def test_hours_per_day_is_configurable():
    """At 7.5 h a day: 事假 12 h = 1.6 d; 病假 3.5 h = 0.4667 d (4 places); 年假 15 h = 2 d."""
    people = [{"姓名": "郑十", "工号": "0301", "部门": "人事科",
               "事假(小时)": 12, "病假(小时)": 3.5, "年假(小时)": 15}]
    grid = dingtalk_monthly(people, leave=DINGTALK_LEAVE_HOURS, day_cells=False)
    export = read_export(grid.sheet(), hours_per_day=D("7.5"))
    assert counts(export) == {"郑十": row(事假="1.6", 病假="0.4667", 年休假=2)}
    assert {c.header: c.conversion for c in export.columns}["请假/病假(小时)"] == "小时÷7.5=天"


def test_monthly_mixing_days_and_hours(tmp_path):
    """事假(小时) "4" = 0.5 d; 病假(天) 1.5; 年假(天) "3天" = 3; 旷工天数 "0.5";
    调休(小时) 8 is listed in hours."""
    people = [{"姓名": "郑十", "工号": "0301", "部门": "人事科", "事假(小时)": "4", "病假(天)": 1.5,
               "年假(天)": "3天", "调休(小时)": 8, "旷工天数": "0.5"}]
    grid = dingtalk_monthly(people, leave=DINGTALK_LEAVE_MIXED, day_cells=False)
    export = read_export(from_xlsx(grid, tmp_path))
    assert counts(export) == {"郑十": row(旷工="0.5", 事假="0.5", 病假="1.5", 年休假=3)}
    assert export.unmapped == [("请假/调休(小时)", D(8))]
    units = {c.header: c.unit for c in export.columns}
    assert units["请假/事假(小时)"] == "小时" and units["请假/病假(天)"] == "天"


def test_company_export_with_16_columns(tmp_path):
    """One header row: 姓名 工号 部门 事假(天) 病假(天) 出勤天数 工作时长 迟到次数 迟到时长 早退次数
    早退时长 上班缺卡次数 下班缺卡次数 旷工天数 休息日加班 节假日加班; no 年假 column, no days."""
    people = [
        {"姓名": "赵六", "工号": "0101", "部门": "办公室", "事假(天)": 2, "病假(天)": "1", "迟到次数": 3,
         "迟到时长": 42, "早退次数": 1, "早退时长": 10, "上班缺卡次数": 1, "旷工天数": 0.5,
         "休息日加班": 8, "节假日加班": "--"},
        {"姓名": "钱七", "工号": "0102", "部门": "法规科", "病假(天)": 0.5, "休息日加班": 4.5,
         "节假日加班": 8},
    ]
    export = read_export(from_xlsx(dingtalk_company16(people), tmp_path))

    assert export.kind == "钉钉月度汇总"
    assert (export.period_start, export.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    no_annual = {k: v for k, v in row().items() if k != "年休假"}
    assert counts(export) == {
        "赵六": {**no_annual, "迟到": D(3), "早退": D(1), "旷工": D("0.5"), "事假": D(2), "病假": D(1)},
        "钱七": {**no_annual, "病假": D("0.5")},
    }
    assert export.unmapped == [("上班缺卡次数", D(1)), ("休息日加班", D("12.5")), ("节假日加班", D(8))]
    assert export.people[0].sources["事假"] == "月度汇总!D3"
    assert not by_code(export, "export-crosscheck")


def test_monthly_with_only_day_results(tmp_path):
    """Header: 姓名 考勤组 部门 工号 职位 UserId | 考勤结果 (1日 = column G).

    周八: 迟到 2日, 3日 → 2; 早退 2日 → 1; 旷工 4日 (1 d) + 13日 4 h (0.5 d) → 1.5;
          病假 5日 (a whole day) + 6日 3.5 h (0.4375) → 1.4375; 事假 9日 → 1;
          外勤 10日, 缺卡 11日, 婚假 12日 are only listed.
    吴九: 旷工 2 h = 0.25 d → rounds to 0.5; 年假 16日 → 1; 17日 "打卡异常" is unreadable.
    """
    people = [
        {"姓名": "周八", "工号": "0201", "部门": "办公室",
         "days": {2: "迟到10分钟,早退5分钟", 3: "迟到3分钟", 4: "旷工", 5: "正常班:病假\n(-)",
                  6: "病假3.5小时", 9: "事假1天", 10: "外勤", 11: "缺卡", 12: "婚假1天",
                  13: "旷工4小时"}},
        {"姓名": "吴九", "工号": "0202", "部门": "办公室",
         "days": {3: "旷工2小时", 16: "年假1天", 17: "打卡异常"}},
    ]
    export = read_export(from_xlsx(dingtalk_monthly(people, stats=None, leave=[]), tmp_path))

    assert export.kind == "钉钉月度汇总"
    assert (export.period_start, export.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert counts(export) == {
        "周八": row(迟到=2, 早退=1, 旷工="1.5", 事假=1, 病假="1.4375"),
        "吴九": row(旷工="0.5", 年休假=1),
    }
    assert export.unmapped == [("考勤结果/外勤(次)", D(1)), ("考勤结果/缺卡(次)", D(1)),
                               ("考勤结果/婚假(天)", D(1))]
    zhou = export.people[0]
    assert zhou.sources["迟到"] == "月度汇总!H5:I5"
    assert zhou.sources["旷工"] == "月度汇总!J5,S5"
    [rounded] = by_code(export, "export-rounded")
    assert rounded.cell == "I6" and "0.25" in rounded.message and "0.5" in rounded.message
    [unknown] = by_code(export, "export-unknown-text")
    assert unknown.cell == "W6" and "打卡异常" in unknown.message
    assert by_code(export, "export-no-summary")
    assert not by_code(export, "export-crosscheck")


# ----------------------------------------------------------------------------- 钉钉每日统计


def _daily_rows() -> list[dict]:
    plan = {
        ("陈一", "2001"): {1: {"迟到次数": 1, "迟到时长": 12, "上班1打卡结果": "迟到"},
                           3: {"事假(天)": 1, "上班1打卡结果": "请假", "下班1打卡结果": "请假"},
                           4: {"早退次数": 1, "早退时长": 15, "下班1打卡结果": "早退"}},
        ("林二", "2002"): {1: {"旷工天数": 1, "上班1打卡结果": "旷工", "下班1打卡结果": "旷工"},
                           2: {"上班缺卡次数": 1, "上班1打卡结果": "缺卡"},
                           3: {"病假(天)": 0.5},
                           4: {"工作日加班": 2}},
        ("黄三", "2003"): {1: {"严重迟到次数": 1, "严重迟到时长": 45, "上班1打卡结果": "严重迟到"},
                           2: {"迟到次数": 1, "迟到时长": 5, "上班1打卡结果": "迟到"},
                           3: {"年假(天)": 1}},
    }
    return [
        {"姓名": name, "工号": gonghao, "部门": "综合科", "date": date(2020, 9, day), **days.get(day, {})}
        for (name, gonghao), days in plan.items()
        for day in range(1, 5)
    ]


def test_dingtalk_daily_statistics(tmp_path):
    """One row per person-day, 4 days each (rows 5–8, 9–12, 13–16); 日期 "20-09-01 星期二".
    迟到次数 R, 严重迟到次数 T, 事假 AD, 病假 AE, 年假 AF."""
    export = read_export(from_xlsx(dingtalk_daily(_daily_rows()), tmp_path))

    assert export.kind == "钉钉每日统计"
    assert (export.period_start, export.period_end) == (date(2020, 9, 1), date(2020, 9, 30))
    assert counts(export) == {
        "陈一": row(迟到=1, 早退=1, 事假=1),
        "林二": row(旷工=1, 病假="0.5"),
        "黄三": row(迟到=2, 年休假=1),  # 严重迟到 1 + 迟到 1
    }
    assert [(p.gonghao, p.row) for p in export.people] == [("2001", 4), ("2002", 8), ("2003", 12)]
    assert export.unmapped == [("上班缺卡次数", D(1)), ("加班/工作日加班", D(2))]
    assert export.people[2].sources["迟到"] == "每日统计!T13,R14"
    assert not by_code(export, "export-crosscheck")


def test_dingtalk_daily_period_from_dates_without_title():
    """Without the title rows, the period is the first and last 日期."""
    grid = dingtalk_daily(_daily_rows())
    cut = ExportGrid(grid.name, grid.rows[2:], [(r1 - 2, c1, r2 - 2, c2) for r1, c1, r2, c2 in grid.merged if r1 >= 2])
    export = read_export(cut.sheet())
    assert export.kind == "钉钉每日统计"
    assert (export.period_start, export.period_end) == (date(2020, 9, 1), date(2020, 9, 4))
    assert counts(export)["黄三"] == row(迟到=2, 年休假=1)


# ----------------------------------------------------------------------------- 企业微信日报


def _wecom_rows() -> list[dict]:
    liu = {"姓名": "刘一", "账号": "liuyi", "部门": "办公室"}
    he = {"姓名": "何二", "账号": "heer", "部门": "财务科"}
    return [
        {**liu, "date": date(2026, 3, 2), "异常合计(次)": 1, "迟到次数(次)": 1, "迟到时长(分钟)": 15,
         "考勤结果": "迟到1次", "上班1/打卡状态": "迟到"},
        {**liu, "date": date(2026, 3, 3), "异常合计(次)": 2, "旷工次数(次)": 2, "旷工时长(分钟)": 480,
         "考勤结果": "旷工"},
        {**liu, "date": date(2026, 3, 4), "事假(天)": 0.5, "考勤结果": "事假半天"},
        {**liu, "date": date(2026, 3, 5), "外出(小时)": 2, "考勤结果": "外出2小时"},
        {**liu, "date": date(2026, 3, 6)},
        {**he, "date": date(2026, 3, 2), "缺卡次数(次)": 1, "考勤结果": "缺卡1次"},
        {**he, "date": date(2026, 3, 3), "早退次数(次)": 1, "早退时长(分钟)": 20, "考勤结果": "早退1次"},
        {**he, "date": date(2026, 3, 4), "旷工次数(次)": 1, "旷工时长(分钟)": 120, "考勤结果": "旷工2小时"},
        {**he, "date": date(2026, 3, 5), "旷工次数(次)": 1, "旷工时长(分钟)": 60, "考勤结果": "旷工1小时"},
        {**he, "date": date(2026, 3, 6), "病假(天)": 1, "考勤结果": "病假1天"},
    ]


def test_wecom_daily_report(tmp_path):
    """刘一: 迟到 1; 旷工 480 min = 1 d; 事假 0.5; 外出 2 h only listed.
    何二: 早退 1; 旷工 120 + 60 = 180 min = 0.375 d → 0.5; 病假 1; 缺卡 1 only listed.
    Empty cells hold "--"; there is no 工号, so people are told apart by 账号."""
    export = read_export(from_xlsx(wecom_daily(_wecom_rows()), tmp_path))

    assert export.kind == "企业微信日报"
    assert export.sheet == WECOM_SHEET
    assert (export.period_start, export.period_end) == (date(2026, 3, 2), date(2026, 3, 6))
    assert counts(export) == {
        "刘一": row(迟到=1, 旷工=1, 事假="0.5"),
        "何二": row(早退=1, 旷工="0.5", 病假=1),
    }
    assert [(p.gonghao, p.account, p.dept) for p in export.people] == [
        ("", "liuyi", "办公室"), ("", "heer", "财务科")]
    assert export.unmapped == [("异常统计/缺卡次数(次)", D(1)), ("假勤统计/外出(小时)", D(2))]
    he = export.people[1]
    assert he.row == 9  # rows 5–9 are 刘一's five days
    assert he.sources["旷工"] == "概况统计与打卡明细!U12:U13"
    [rounded] = by_code(export, "export-rounded")
    assert "0.375" in rounded.message and rounded.cell == "U12"
    columns = {c.header: c for c in export.columns}
    assert columns["异常统计/旷工时长(分钟)"].item == "旷工"
    assert columns["异常统计/旷工时长(分钟)"].conversion == "分钟÷480=天，四舍五入到0.5天"
    assert columns["异常统计/旷工次数(次)"].item is None  # the minutes are used instead
    assert columns["假勤统计/年假(天)"].item == "年休假"
    assert columns["异常统计/异常合计(次)"].conversion == "出勤统计，不计入考核"
    assert "上班1/打卡时间" not in columns


def test_wecom_falls_back_to_the_result_text(tmp_path):
    """Only 基础信息 and 考勤概况 exported: counts come from 考勤结果 ("迟到1次", "旷工2小时"…)."""
    grid = wecom_daily(_wecom_rows(), groups=("基础信息", "考勤概况"))
    export = read_export(from_xlsx(grid, tmp_path))
    assert export.kind == "企业微信日报"
    assert counts(export) == {
        "刘一": row(迟到=1, 旷工=1, 事假="0.5"),
        "何二": row(早退=1, 旷工="0.5", 病假=1),
    }
    assert export.unmapped == [("考勤结果/外出(次)", D(1)), ("考勤结果/缺卡(次)", D(1))]
    assert by_code(export, "export-no-summary")


# ----------------------------------------------------------------------------- detection


ALL_EXPORTS = {
    "monthly": (lambda: dingtalk_monthly(MONTHLY_PEOPLE), "钉钉月度汇总"),
    "monthly-hours": (lambda: dingtalk_monthly(MONTHLY_PEOPLE[:1], leave=DINGTALK_LEAVE_HOURS), "钉钉月度汇总"),
    "monthly-old-minutes": (lambda: dingtalk_monthly(MONTHLY_PEOPLE, minute_suffix=True), "钉钉月度汇总"),
    "company16": (lambda: dingtalk_company16([{"姓名": "赵六", "迟到次数": 1}]), "钉钉月度汇总"),
    "days-only": (lambda: dingtalk_monthly([{"姓名": "周八"}], stats=None, leave=[]), "钉钉月度汇总"),
    "daily": (lambda: dingtalk_daily(_daily_rows()), "钉钉每日统计"),
    "wecom": (lambda: wecom_daily(_wecom_rows()), "企业微信日报"),
    "wecom-text": (lambda: wecom_daily(_wecom_rows(), groups=("基础信息", "考勤概况")), "企业微信日报"),
}


@pytest.mark.parametrize("name", ALL_EXPORTS)
def test_detect_every_layout_from_a_real_file(name, tmp_path):
    build, kind = ALL_EXPORTS[name]
    assert kind in EXPORT_KINDS
    assert detect_export(from_xlsx(build(), tmp_path)) == kind


@pytest.mark.parametrize("name", ALL_EXPORTS)
def test_same_result_without_merged_ranges(name, tmp_path):
    """A grid with no merge list (CSV, or a reader that drops merges) carries group labels
    rightwards and gives the same result as the real file."""
    grid = ALL_EXPORTS[name][0]()
    real = read_export(from_xlsx(grid, tmp_path))
    flat = read_export(grid.sheet(merged=False))
    assert flat.kind == real.kind
    assert counts(flat) == counts(real)
    assert flat.unmapped == real.unmapped
    assert [c.header for c in flat.columns] == [c.header for c in real.columns]


def test_detection_ignores_column_positions():
    """Shuffling the columns of the 16-column export changes nothing."""
    grid = dingtalk_company16([{"姓名": "赵六", "工号": "0101", "迟到次数": 2, "事假(天)": 1}])
    order = list(reversed(range(len(grid.rows[1]))))
    shuffled = ExportGrid(grid.name, [grid.rows[0]] + [[r[c] for c in order] for r in grid.rows[1:]], grid.merged)
    assert detect_export(shuffled.sheet()) == "钉钉月度汇总"
    assert counts(read_export(shuffled.sheet()))["赵六"]["迟到"] == D(2)


@pytest.mark.parametrize("name", ["monthly", "daily", "wecom"])
def test_through_the_project_workbook_reader(name, tmp_path):
    """The same files read by readers/workbook.read_workbook give the same result."""
    workbook = pytest.importorskip("kaohe_cli.read.workbook")
    grid = ALL_EXPORTS[name][0]()
    path = grid.save(tmp_path / "导出.xlsx")
    [sheet] = workbook.read_workbook(path).sheets
    ours = read_export(read_sheet(path))
    theirs = read_export(sheet)
    assert theirs.kind == ours.kind
    assert counts(theirs) == counts(ours)
    assert theirs.unmapped == ours.unmapped
    assert [(p.gonghao, p.account) for p in theirs.people] == [(p.gonghao, p.account) for p in ours.people]


@pytest.mark.parametrize("build", [clerk_summary, clerk_detail])
def test_a_clerk_attendance_sheet_is_not_an_export(build, tmp_path):
    sheet = from_xlsx(build(), tmp_path)
    assert detect_export(sheet) is None
    with pytest.raises(UnreadableFile) as info:
        read_export(sheet)
    assert "不是钉钉或企业微信" in info.value.message
    assert info.value.where == f"考勤导出.xlsx:{sheet.name}"


def test_other_sheets_are_not_exports():
    """Count-like headers (迟到次数, 旷工天数) under a home-made title are not enough."""
    empty = ExportGrid("空", [], [])
    numbers = ExportGrid("数", [[1, 2, 3], [4, 5, 6]], [])
    clerk_with_count_headers = ExportGrid("考勤", [
        ["3月考勤月度汇总"],
        ["工号", "姓名", "迟到次数", "早退次数", "旷工天数"],
        ["0012", "张三", 1, None, None],
    ], [])
    for grid in (empty, numbers, clerk_with_count_headers):
        assert detect_export(grid.sheet()) is None


# ----------------------------------------------------------------------------- options and problems


def test_mapping_overrides(tmp_path):
    """严重迟到次数 → nothing (李四 keeps only 旷工迟到: 1, no false cross-check warning);
    调休 → its own item; 上班缺卡次数 and 下班缺卡次数 → 旷工 (1 次 = 1 d)."""
    sheet = from_xlsx(dingtalk_monthly(MONTHLY_PEOPLE), tmp_path)
    export = read_export(sheet, mapping={
        "严重迟到次数": None, "请假/调休(天)": "调休", "上班缺卡次数": "旷工", "下班缺卡次数": "旷工"})
    got = counts(export)
    assert got["李四"]["迟到"] == D(1)
    assert got["李四"]["旷工"] == D(2)  # 旷工天数 1 + 上班缺卡 1
    assert got["王五"]["旷工"] == D(2)  # 下班缺卡 2
    assert got["王五"]["调休"] == D(1) and got["张三"]["调休"] == D(0)
    assert ("严重迟到次数", D(1)) in export.unmapped
    assert not any(h.endswith("缺卡次数") or h == "请假/调休(天)" for h, _ in export.unmapped)
    assert [i.extra["name"] for i in by_code(export, "export-crosscheck")] == ["王五"]


def test_bad_values_and_odd_rows():
    """A text in a count column, a row without a name, a 合计 row, a duplicate person and a
    工号 stored as a number."""
    grid = dingtalk_company16([
        {"姓名": "赵六", "工号": 101.0, "部门": "办公室", "迟到次数": "两次", "早退次数": "2次"},
        {"姓名": None, "工号": "0102", "迟到次数": 1},
        {"姓名": "赵六", "工号": 101.0, "部门": "办公室", "早退次数": 1, "旷工天数": 0.75},
        {"姓名": "合计", "迟到次数": 1, "早退次数": 3},
    ])
    export = read_export(grid.sheet())
    assert [p.gonghao for p in export.people] == ["101"]
    assert counts(export)["赵六"]["早退"] == D(3)  # "2次" + 1, two rows added
    assert counts(export)["赵六"]["迟到"] == D(0)
    assert counts(export)["赵六"]["旷工"] == D(1)  # 0.75 rounds up to 1
    [bad] = by_code(export, "export-bad-value")
    assert bad.cell == "H3" and "两次" in bad.message
    [no_name] = by_code(export, "export-no-name")
    assert no_name.cell == "A4"
    [dup] = by_code(export, "export-duplicate-person")
    assert dup.cell == "A5" and "赵六" in dup.message
    assert not any(i.is_error for i in export.issues)


def test_three_header_rows_with_weekday_names():
    """Day numbers on one row and weekday names on a third header row, no merge list."""
    grid = ExportGrid("月度汇总", [
        ["月度汇总 统计日期：2026-03-01 至 2026-03-03"],
        ["姓名", "工号", "考勤组", "迟到次数", "早退次数", "请假", None, "考勤结果", None, None],
        [None, None, None, None, None, "事假(天)", "病假(小时)", 1, 2, 3],
        [None, None, None, None, None, None, None, "日", "一", "二"],
        ["张三", "0012", "机关", 1, None, None, 4, "休息", "迟到5分钟", "病假4小时"],
    ])
    export = read_export(grid.sheet())
    assert counts(export) == {"张三": row(迟到=1, 病假="0.5")}
    assert [c.header for c in export.columns][-3:] == ["考勤结果/1/日", "考勤结果/2/一", "考勤结果/3/二"]
    assert not by_code(export, "export-crosscheck")


def test_hours_per_day_must_be_positive():
    with pytest.raises(ConfigError):
        read_export(dingtalk_company16([{"姓名": "赵六"}]).sheet(), hours_per_day=D(0))


def test_no_title_means_no_period():
    grid = dingtalk_company16([{"姓名": "赵六", "工号": "0101", "迟到次数": 1}])
    bare = ExportGrid(grid.name, grid.rows[1:], [])
    export = read_export(bare.sheet())
    assert export.kind == "钉钉月度汇总"
    assert (export.period_start, export.period_end) == (None, None)
    assert counts(export)["赵六"]["迟到"] == D(1)


# ----------------------------------------------------------------------------- small parts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("正常", []),
        ("正常班:正常\n(08:17,18:30)", []),
        ("休息\n(-)", []),
        ("迟到10分钟", [("late", 1, 0)]),
        ("迟到 10 分钟", [("late", 1, 0)]),
        ("迟到2次", [("late", 2, 0)]),
        ("早退5分钟", [("early", 1, 0)]),
        ("迟到10分钟,早退5分钟", [("late", 1, 0), ("early", 1, 0)]),
        ("正常班:迟到10分钟，早退5分钟\n(08:40,17:55)", [("late", 1, 0), ("early", 1, 0)]),
        ("旷工", [("absent", 1, 1)]),
        ("旷工4小时", [("absent", 1, "0.5")]),
        ("旷工半天", [("absent", 1, "0.5")]),
        ("缺卡", [("missing", 1, 0)]),
        ("上班缺卡,下班缺卡", [("missing", 1, 0), ("missing", 1, 0)]),
        ("外勤", [("外勤", 1, 0)]),
        ("正常班:病假\n(-)", [("leave:病假", 1, 1)]),
        ("病假3.5小时", [("leave:病假", 1, "0.4375")]),
        ("事假1天", [("leave:事假", 1, 1)]),
        ("陪产假1天", [("leave:陪产假", 1, 1)]),
        ("年假（半天）", [("leave:年假", 1, "0.5")]),
        ("迟到1次(10分钟)", [("late", 1, 0)]),
        ("病假\n(-)", [("leave:病假", 1, 1)]),
        ("严重迟到40分钟", [("severe_late", 1, 0)]),
        ("迟到10分钟 08:40", [("late", 1, 0)]),
        ("A班 09:00-18:00:早退5分钟", [("early", 1, 0)]),
        ("节假日加班8小时", [("加班", 1, 0)]),
    ],
)
def test_day_cell_texts(text, expected):
    entries, unknown = _parse_day_text(text, D(8))
    assert unknown == ()
    assert [(e.category, e.count, e.days) for e in entries] == [(c, D(n), D(d)) for c, n, d in expected]


def test_unreadable_day_text_is_reported_not_guessed():
    entries, unknown = _parse_day_text("迟到10分钟,打卡异常", D(8))
    assert [e.category for e in entries] == ["late"] and unknown == ("打卡异常",)


@pytest.mark.parametrize(
    ("days", "rounded"),
    [("0", "0"), ("0.2", "0"), ("0.25", "0.5"), ("0.375", "0.5"), ("0.74", "0.5"), ("0.75", "1"),
     ("1", "1"), ("1.25", "1.5"), ("2.6", "2.5")],
)
def test_absence_rounds_to_half_days_half_up(days, rounded):
    assert _round_half_day(D(days)) == D(rounded)


def test_compact_cell_lists():
    assert _compact("表", [(4, 9)]) == "表!J5"
    assert _compact("表", [(4, 7), (4, 8), (4, 9), (4, 12)]) == "表!H5:J5,M5"
    assert _compact("表", [(10, 20), (11, 20), (13, 17)]) == "表!U11:U12,R14"


@settings(max_examples=40, deadline=None)
@given(
    late=st.integers(0, 40),
    personal_hours=st.integers(0, 200),
    sick_half_hours=st.integers(0, 200),
    absent_half_days=st.integers(0, 20),
)
def test_monthly_counts_follow_the_cells(late, personal_hours, sick_half_hours, absent_half_days):
    people = [{"姓名": "张三", "工号": "0012", "迟到次数": late, "事假(小时)": personal_hours,
               "病假(小时)": sick_half_hours / 2, "旷工天数": absent_half_days / 2}]
    grid = dingtalk_monthly(people, leave=DINGTALK_LEAVE_HOURS, day_cells=False)
    got = counts(read_export(grid.sheet()))["张三"]
    assert got["迟到"] == late
    assert got["事假"] == D(personal_hours) / 8
    assert got["病假"] == D(sick_half_hours) / 16
    assert got["旷工"] == D(absent_half_days) / 2
    assert set(got) == set(ITEMS)
