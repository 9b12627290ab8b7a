"""Punch-clock exports scored end to end through `kaohe score`.

Every test writes a roster workbook and a realistic DingTalk / WeCom export (title rows, merged
group headers, blanks and "--" for zero), runs the CLI, reads the graded workbook back with
python-calamine and compares it with numbers worked out by hand in the test.

The acceptance test for each export layout: the same month typed by hand into a clerk's 考勤
summary sheet gives every person the same 总分 as the export — given with `--attendance`, or
pasted into the workbook as its 考勤 sheet.

Scheme caizheng (考勤工作 30 of 100): 迟到 / 早退 / 脱岗 1 point each; 旷工 2 points per half
day (4 a day); 事假 / 病假 are recorded, never deducted; it has no 年休假 item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from typer.testing import CliRunner

from kaohe_cli.cli.main import app

from tests.export_fixtures import (
    DINGTALK_LEAVE_HOURS,
    ExportGrid,
    dingtalk_company16,
    dingtalk_daily,
    dingtalk_monthly,
    wecom_daily,
)
from tests.helpers import write_book

ROOT = Path(__file__).resolve().parents[2]
TYPED_HEADER = ["工号", "姓名", "迟到", "早退", "旷工", "事假", "病假"]


# ----------------------------------------------------------------------------- running kaohe


def kaohe(*args: object):
    """Run the CLI in-process; a wide terminal so that no message is cut short."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})


@dataclass
class Graded:
    """What a graded workbook says, read back with python-calamine."""

    totals: dict[str, D]  # 工号 → 总分
    attendance: dict[str, D]  # 工号 → 考勤工作 component
    problems: list[list[str]]  # 问题 rows: 级别, 位置, 问题, 建议
    ledger: list[dict]  # 明细 rows by header

    def problem_texts(self, containing: str) -> list[str]:
        return [row[2] for row in self.problems if containing in row[2]]

    def quantities(self, gonghao: str) -> dict[str, D]:
        out: dict[str, D] = {}
        for line in self.ledger:
            if line["工号"] == gonghao and line["数量"] != "":
                out[line["事项"]] = out.get(line["事项"], D(0)) + D(str(line["数量"]))
        return out


def read_graded(path: Path) -> Graded:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))

    def table(name: str) -> list[dict]:
        rows = wb.get_sheet_by_name(name).to_python()
        at = next(i for i, r in enumerate(rows) if "工号" in r or "级别" in r)
        header = rows[at]
        return [dict(zip(header, r)) for r in rows[at + 1:] if any(v != "" for v in r)]

    summary = [r for r in table("汇总") if r["工号"]]
    return Graded(
        totals={r["工号"]: D(str(r["总分"])) for r in summary},
        attendance={r["工号"]: D(str(r["考勤工作"])) for r in summary if "考勤工作" in r},
        problems=[[str(r["级别"]), str(r["位置"]), str(r["问题"]), str(r["建议"])] for r in table("问题")],
        ledger=table("明细"),
    )


def score(book: Path, *extra: object, scheme: str = "caizheng", name: str = "结果") -> Graded:
    out = book.with_name(f"{book.stem}-{name}.xlsx")
    result = kaohe("score", book, "--scheme", scheme, "-o", out, "--no-archive", "--force", *extra)
    assert result.exit_code == 0, result.output
    return read_graded(out)


# ----------------------------------------------------------------------------- workbooks


def roster_book(path: Path, roster: list[list], typed: list[list] | None = None) -> Path:
    """A clerk's workbook: 人员 (工号 姓名 科室), and a hand-typed 考勤 summary when given."""
    sheets = {"人员": [["工号", "姓名", "科室"]] + roster}
    if typed is not None:
        sheets["考勤"] = [TYPED_HEADER] + typed
    return write_book(path, sheets)


def paste_export(book: Path, grid: ExportGrid, sheet: str = "考勤") -> Path:
    """The export grid copied into the clerk's workbook with openpyxl, merged headers and all."""
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet(sheet)
    for r, row in enumerate(grid.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for r1, c1, r2, c2 in grid.merged:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    wb.save(book)
    return book


# ----------------------------------------------------------------------------- the five layouts

@dataclass
class Case:
    """One export layout, the month it covers, and what a clerk would have typed by hand."""

    grid: ExportGrid
    month: str  # the roster workbook is named after it, so the period comes from the file name
    roster: list[list]
    typed: list[list]  # the same month as a 考勤 summary: 工号 姓名 迟到 早退 旷工 事假 病假
    totals: dict[str, str]  # 总分 worked out by hand
    unmapped: list[tuple[str, str]]  # (header, total with unit) listed once each in 问题
    quantities: dict[str, dict[str, str]]  # selected ledger quantities by hand


def monthly_days() -> Case:
    """钉钉月度汇总, leave in days, per-day 考勤结果 that agree with the summary columns.

    张三 迟到 2 早退 1 → 27 (97). 李四 严重迟到 1 + 旷工迟到 1 → 迟到 2; 旷工 1.5 d = 3 half days
    × 2 = 6 → 22 (92); 年假 2 d is not a caizheng item. 王五 迟到 1 → 29 (99). 赵六 has no row.
    """
    people = [
        {"姓名": "张三", "工号": "0012", "部门": "办公室", "迟到次数": 2, "迟到时长": 35, "早退次数": 1,
         "早退时长": 5, "事假(天)": 1, "病假(天)": 0.5,
         "days": {3: "迟到10分钟", 10: "正常班:迟到25分钟\n(08:55,18:30)", 12: "早退5分钟",
                  16: "事假1天", 18: "病假4小时"}},
        {"姓名": "李四", "工号": "1003", "部门": "财务科", "严重迟到次数": 1, "严重迟到时长": 40,
         "旷工迟到天数": 1, "旷工天数": 1.5, "上班缺卡次数": 1, "年假(天)": 2, "婚假(天)": 3,
         "days": {5: "严重迟到40分钟", 6: "旷工迟到120分钟", 9: "旷工", 10: "旷工4小时", 11: "上班缺卡",
                  19: "年假1天", 20: "年假1天", 23: "婚假1天", 24: "婚假1天", 25: "婚假1天"}},
        {"姓名": "王五", "工号": "1004", "部门": "财务科", "迟到次数": 1, "迟到时长": 8, "下班缺卡次数": 2,
         "出差时长": "1天", "调休(天)": 1,
         "days": {4: "迟到8分钟", 24: "下班缺卡", 25: "下班缺卡", 26: "外勤", 27: "调休1天"}},
    ]
    return Case(
        grid=dingtalk_monthly(people),
        month="2026-03",
        roster=[["0012", "张三", "办公室"], ["1003", "李四", "财务科"], ["1004", "王五", "财务科"],
                ["0108", "赵六", "法规科"]],
        typed=[["0012", "张三", 2, 1, None, 1, 0.5], ["1003", "李四", 2, None, 1.5, None, None],
               ["1004", "王五", 1, None, None, None, None], ["0108", "赵六", None, None, None, None, None]],
        totals={"0012": "97", "1003": "92", "1004": "99", "0108": "100"},
        unmapped=[("上班缺卡次数", "1 次"), ("下班缺卡次数", "2 次"), ("出差时长", "1 天"),
                  ("请假/调休(天)", "1 天"), ("请假/婚假(天)", "3 天"), ("考勤结果/外勤(次)", "1 次")],
        quantities={"0012": {"迟到": "2", "早退": "1", "事假": "1", "病假": "0.5"},
                    "1003": {"迟到": "2", "旷工": "1.5"}},
    )


def monthly_hours() -> Case:
    """钉钉月度汇总 with leave in hours (8 h a day): 事假 12 h = 1.5 d, 病假 3.5 h = 0.4375 d,
    年假 16 h (not a caizheng item), 婚假 8 h only listed. 郑十 迟到 1 → 99; 冯十一 早退 2,
    旷工 0.5 d (2 points) → 26 (96), 事假 4 h = 0.5 d."""
    people = [
        {"姓名": "郑十", "工号": "0301", "部门": "人事科", "迟到次数": 1, "迟到时长": 6,
         "事假(小时)": 12, "病假(小时)": 3.5, "年假(小时)": 16, "婚假(小时)": 8,
         "days": {2: "事假1天", 3: "事假4小时,迟到6分钟", 5: "病假3.5小时", 9: "年假1天", 10: "年假1天",
                  11: "婚假1天"}},
        {"姓名": "冯十一", "工号": "0302", "部门": "人事科", "早退次数": 2, "早退时长": 25, "旷工天数": 0.5,
         "事假(小时)": 4,
         "days": {12: "早退10分钟", 13: "早退15分钟", 17: "旷工4小时", 18: "事假4小时"}},
    ]
    return Case(
        grid=dingtalk_monthly(people, leave=DINGTALK_LEAVE_HOURS),
        month="2026-03",
        roster=[["0301", "郑十", "人事科"], ["0302", "冯十一", "人事科"]],
        # a clerk's sheet takes leave in half days (0.4375 is refused there); leave is never deducted
        typed=[["0301", "郑十", 1, None, None, 1.5, 0.5], ["0302", "冯十一", None, 2, 0.5, 0.5, None]],
        totals={"0301": "99", "0302": "96"},
        unmapped=[("请假/婚假(小时)", "8 小时")],
        quantities={"0301": {"迟到": "1", "事假": "1.5", "病假": "0.4375"},
                    "0302": {"早退": "2", "旷工": "0.5", "事假": "0.5"}},
    )


def company16() -> Case:
    """A company's 16-column 月度汇总 (one header row, no day cells, no 年假 column).

    赵六 迟到 3 早退 1 旷工 0.5 d → 30 − 3 − 1 − 2 = 24 (94); 钱七 only 病假 → 100."""
    people = [
        {"姓名": "赵六", "工号": "0101", "部门": "办公室", "事假(天)": 2, "病假(天)": "1", "迟到次数": 3,
         "迟到时长": 42, "早退次数": 1, "早退时长": 10, "上班缺卡次数": 1, "旷工天数": 0.5,
         "休息日加班": 8, "节假日加班": "--"},
        {"姓名": "钱七", "工号": "0102", "部门": "法规科", "病假(天)": 0.5, "休息日加班": 4.5, "节假日加班": 8},
    ]
    return Case(
        grid=dingtalk_company16(people),
        month="2026-03",
        roster=[["0101", "赵六", "办公室"], ["0102", "钱七", "法规科"]],
        typed=[["0101", "赵六", 3, 1, 0.5, 2, 1], ["0102", "钱七", None, None, None, None, 0.5]],
        totals={"0101": "94", "0102": "100"},
        unmapped=[("上班缺卡次数", "1 次"), ("休息日加班", "12.5"), ("节假日加班", "8")],
        quantities={"0101": {"迟到": "3", "早退": "1", "旷工": "0.5", "事假": "2", "病假": "1"}},
    )


def daily() -> Case:
    """钉钉每日统计, one row per person-day (2020-09-01 … 04).

    陈一 迟到 1 早退 1 事假 1 d → 28 (98); 林二 旷工 1 d = 4 points, 病假 0.5 → 26 (96);
    黄三 严重迟到 1 + 迟到 1 → 28 (98), 年假 1 d not a caizheng item."""
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
    rows = [{"姓名": name, "工号": gonghao, "部门": "综合科", "date": date(2020, 9, day), **days.get(day, {})}
            for (name, gonghao), days in plan.items() for day in range(1, 5)]
    return Case(
        grid=dingtalk_daily(rows),
        month="2020-09",
        roster=[["2001", "陈一", "综合科"], ["2002", "林二", "综合科"], ["2003", "黄三", "综合科"]],
        typed=[["2001", "陈一", 1, 1, None, 1, None], ["2002", "林二", None, None, 1, None, 0.5],
               ["2003", "黄三", 2, None, None, None, None]],
        totals={"2001": "98", "2002": "96", "2003": "98"},
        unmapped=[("上班缺卡次数", "1 次"), ("加班/工作日加班", "2")],
        quantities={"2002": {"旷工": "1", "病假": "0.5"}, "2003": {"迟到": "2"}},
    )


def wecom() -> Case:
    """企业微信日报 (概况统计与打卡明细), empty cells "--", no 工号: people are matched by 姓名,
    and the two 何二 of the roster are told apart by 部门.

    刘一 迟到 1, 旷工 480 min = 1 d (4 points), 事假 0.5 → 25 (95).
    何二 (财务科) 早退 1, 旷工 120 + 60 min = 0.375 d → 0.5 d (2 points), 病假 1 → 27 (97).
    何二 (办公室) has no rows → 100."""
    liu = {"姓名": "刘一", "账号": "liuyi", "部门": "办公室"}
    he = {"姓名": "何二", "账号": "heer", "部门": "财务科"}
    rows = [
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
    return Case(
        grid=wecom_daily(rows),
        month="2026-03",
        roster=[["0105", "刘一", "办公室"], ["1102", "何二", "财务科"], ["1103", "何二", "办公室"]],
        typed=[["0105", "刘一", 1, None, 1, 0.5, None], ["1102", "何二", None, 1, 0.5, None, 1],
               ["1103", "何二", None, None, None, None, None]],
        totals={"0105": "95", "1102": "97", "1103": "100"},
        unmapped=[("异常统计/缺卡次数(次)", "1 次"), ("假勤统计/外出(小时)", "2 小时")],
        quantities={"0105": {"迟到": "1", "旷工": "1", "事假": "0.5"}, "1102": {"早退": "1", "旷工": "0.5"}},
    )


CASES = {"月度汇总-天": monthly_days, "月度汇总-小时": monthly_hours, "16列": company16,
         "每日统计": daily, "企业微信": wecom}


def setup(case: Case, tmp_path: Path, how: str) -> tuple[Path, tuple]:
    """The workbook to score and the extra arguments: the export as --attendance, or pasted."""
    book = roster_book(tmp_path / f"{case.month}.xlsx", case.roster)
    if how == "attendance":
        return book, ("--attendance", case.grid.save(tmp_path / "考勤导出.xlsx"))
    return paste_export(book, case.grid), ()


@pytest.mark.parametrize("how", ["attendance", "sheet"])
@pytest.mark.parametrize("name", list(CASES))
def test_export_scores_like_a_hand_typed_sheet(name, how, tmp_path):
    case = CASES[name]()
    book, extra = setup(case, tmp_path, how)
    got = score(book, *extra)

    typed_dir = tmp_path / "typed"
    typed_dir.mkdir()
    typed = score(roster_book(typed_dir / f"{case.month}.xlsx", case.roster, case.typed))

    assert got.totals == {k: D(v) for k, v in case.totals.items()}
    assert got.totals == typed.totals  # the acceptance test: every person, same 总分
    assert got.attendance == typed.attendance
    for gonghao, expected in case.quantities.items():
        quantities = got.quantities(gonghao)
        assert {k: quantities.get(k) for k in expected} == {k: D(v) for k, v in expected.items()}

    # every unmapped column is in 问题 once, with its total
    for header, total in case.unmapped:
        rows = got.problem_texts(f"「{header}」")
        assert len(rows) == 1, (header, rows)
        assert f"合计 {total}" in rows[0]
    assert not [p for p in got.problems if p[0] == "错误"]


def test_export_sources_point_at_the_export_cells(tmp_path):
    case = monthly_days()
    book, extra = setup(case, tmp_path, "attendance")
    got = score(book, *extra)
    sources = {(line["工号"], line["事项"]): line["来源"] for line in got.ledger}
    assert sources[("0012", "迟到")] == "月度汇总!J5"  # 迟到次数 of 张三's row
    assert sources[("1003", "迟到")] == "月度汇总!L6,N6"  # 严重迟到次数 + 旷工迟到天数
    assert sources[("1003", "旷工")] == "月度汇总!S6"
    # 年假 is no caizheng item: said once, with its total in days
    [annual] = got.problem_texts("「年休假」")
    assert "合计 2 天" in annual and "未计分" in annual


# ----------------------------------------------------------------------------- people


def test_someone_in_the_export_but_not_in_the_roster_stops_the_score(tmp_path):
    case = monthly_days()
    grid = dingtalk_monthly([{"姓名": "张三", "工号": "0012", "部门": "办公室", "迟到次数": 1},
                             {"姓名": "孙八", "工号": "2001", "部门": "办公室", "迟到次数": 1}])
    book = roster_book(tmp_path / "2026-03.xlsx", case.roster)
    export = grid.save(tmp_path / "考勤导出.xlsx")
    out = tmp_path / "结果.xlsx"

    result = kaohe("score", book, "--scheme", "caizheng", "--attendance", export, "-o", out, "--no-archive")
    assert result.exit_code == 1
    assert not out.exists()
    assert "孙八" in result.output and "考勤导出.xlsx:月度汇总!D6" in result.output  # 孙八's 工号 cell

    result = kaohe("score", book, "--scheme", "caizheng", "--attendance", export, "-o", out, "--no-archive",
                   "--json")
    assert result.exit_code == 1
    [err] = json.loads(result.output)["errors"]
    assert err["location"] == "考勤导出.xlsx:月度汇总!D6"
    assert "孙八" in err["message"] and "2001" in err["message"]
    assert "孙八" in err["hint"] and "月度汇总!D6" in err["hint"]


def test_without_a_roster_there_is_one_error_not_one_per_person(tmp_path):
    book = write_book(tmp_path / "2026-03.xlsx", {"记实": [["工号", "姓名", "事项", "次数"]]})
    export = monthly_days().grid.save(tmp_path / "考勤导出.xlsx")
    result = kaohe("score", book, "--scheme", "caizheng", "--attendance", export, "--no-archive", "--json")
    assert result.exit_code == 1
    [err] = json.loads(result.output)["errors"]
    assert "缺少「人员」工作表" in err["message"]


def test_someone_unknown_by_name_is_named_with_the_cell(tmp_path):
    """WeCom has no 工号: an unknown name is reported at its 姓名 cell (column B)."""
    case = wecom()
    book = roster_book(tmp_path / "2026-03.xlsx", [r for r in case.roster if r[1] != "刘一"])
    result = kaohe("score", book, "--scheme", "caizheng", "--attendance", case.grid.save(tmp_path / "企微.xlsx"),
                   "--no-archive", "--json")
    assert result.exit_code == 1
    [err] = json.loads(result.output)["errors"]
    assert err["location"] == "企微.xlsx:概况统计与打卡明细!B5"
    assert "刘一" in err["message"] and "刘一" in err["hint"] and "概况统计与打卡明细!B5" in err["hint"]


def test_someone_in_the_roster_but_not_in_the_export_gets_a_warning(tmp_path):
    case = monthly_days()
    book, extra = setup(case, tmp_path, "attendance")
    got = score(book, *extra)
    [row] = [p for p in got.problems if "赵六" in p[2]]
    assert row[0] == "警告" and "没有考勤记录" in row[2]
    assert row[1] == "考勤导出.xlsx:月度汇总"  # where the attendance came from, not a missing 考勤 sheet
    assert got.totals["0108"] == D(100)


def test_namesakes_in_one_department_cannot_be_told_apart(tmp_path):
    case = wecom()
    roster = [["0105", "刘一", "办公室"], ["1102", "何二", "财务科"], ["1103", "何二", "财务科"]]
    book = roster_book(tmp_path / "2026-03.xlsx", roster)
    result = kaohe("score", book, "--scheme", "caizheng", "--attendance", case.grid.save(tmp_path / "企微.xlsx"),
                   "--no-archive", "--json")
    assert result.exit_code == 1
    [err] = json.loads(result.output)["errors"]
    assert "何二" in err["message"] and "1102" in err["message"] and "1103" in err["message"]
    assert err["location"] == "企微.xlsx:概况统计与打卡明细!B10"


def test_department_path_matches_the_roster_department(tmp_path):
    """WeCom writes the department path (财政局/财务科); the roster has only 财务科."""
    case = wecom()
    for row in case.grid.rows[4:]:
        if row[3] == "财务科":
            row[3] = "市财政局/财务科"
    book, extra = setup(case, tmp_path, "attendance")
    assert score(book, *extra).totals == {"0105": D(95), "1102": D(97), "1103": D(100)}


def test_gonghao_keeps_its_leading_zeros(tmp_path):
    """0012 as text matches 0012; 0305 typed as the number 305 (Excel dropped the zeros) still
    matches 0305 because the name agrees, with a note; 305 is not 0012."""
    grid = dingtalk_monthly([
        {"姓名": "张三", "工号": "0012", "部门": "办公室", "迟到次数": 1},
        {"姓名": "周九", "工号": 305, "部门": "办公室", "迟到次数": 2},
    ], day_cells=False)
    roster = [["0012", "张三", "办公室"], ["0305", "周九", "办公室"], ["12", "吴十", "办公室"]]
    book = roster_book(tmp_path / "2026-03.xlsx", roster)
    got = score(book, "--attendance", grid.save(tmp_path / "考勤导出.xlsx"))
    assert got.totals == {"0012": D(99), "0305": D(98), "12": D(100)}
    [zeros] = got.problem_texts("前导零")
    assert "305" in zeros and "0305" in zeros


def test_a_gonghao_with_another_name_is_counted_by_gonghao_with_a_warning(tmp_path):
    grid = dingtalk_monthly([{"姓名": "张叁", "工号": "0012", "部门": "办公室", "迟到次数": 1}], day_cells=False)
    book = roster_book(tmp_path / "2026-03.xlsx", [["0012", "张三", "办公室"]])
    got = score(book, "--attendance", grid.save(tmp_path / "考勤导出.xlsx"))
    assert got.totals == {"0012": D(99)}
    [row] = [p for p in got.problems if "张叁" in p[2]]
    assert row[0] == "警告" and "张三" in row[2] and row[1] == "考勤导出.xlsx:月度汇总!A5"


# ----------------------------------------------------------------------------- kaohe.toml


def test_mapping_in_kaohe_toml_changes_the_score(tmp_path, monkeypatch):
    """缺卡次数 = 迟到 names both 上班缺卡次数 and 下班缺卡次数: 李四 迟到 2 + 1 → 21 (91),
    王五 迟到 1 + 2 → 27 (97); the 缺卡 columns are no longer listed as unmapped."""
    case = monthly_days()
    book, extra = setup(case, tmp_path, "attendance")
    monkeypatch.chdir(tmp_path)
    before = score(book, *extra, name="默认")
    (tmp_path / "kaohe.toml").write_text('[attendance.mapping]\n"缺卡次数" = "迟到"\n', encoding="utf-8")
    after = score(book, *extra, name="映射")

    assert before.totals == {"0012": D(97), "1003": D(92), "1004": D(99), "0108": D(100)}
    assert after.totals == {"0012": D(97), "1003": D(91), "1004": D(97), "0108": D(100)}
    assert after.quantities("1004")["迟到"] == D(3)
    assert not after.problem_texts("缺卡次数」合计")
    assert not after.problem_texts("汇总列为")  # the day cells agree: 缺卡 days count as 迟到 too


def test_a_mapping_key_that_names_nothing_is_reported(tmp_path, monkeypatch):
    case = company16()
    book, extra = setup(case, tmp_path, "attendance")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kaohe.toml").write_text('[attendance.mapping]\n"迟到次数x" = "迟到"\n', encoding="utf-8")
    got = score(book, *extra)
    assert got.totals == {"0101": D(94), "0102": D(100)}
    [unused] = got.problem_texts("迟到次数x")
    assert "没有对应的列" in unused


def test_hours_per_day_in_kaohe_toml(tmp_path, monkeypatch):
    """At 6 hours a day, 郑十's 事假 12 h is 2 days and 病假 3.5 h is 0.5833 d."""
    case = monthly_hours()
    book, extra = setup(case, tmp_path, "attendance")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kaohe.toml").write_text("[attendance]\nhours_per_day = 6\n", encoding="utf-8")
    got = score(book, *extra)
    q = got.quantities("0301")
    assert (q["事假"], q["病假"]) == (D(2), D("0.5833"))


# ----------------------------------------------------------------------------- one source of attendance


def test_attendance_replaces_the_items_of_the_workbook_attendance_sheet(tmp_path):
    """The workbook has its own typed 考勤 sheet and --attendance is given. Items the export
    gives (迟到, 早退, 旷工, 事假, 病假) are taken from the export only — not added up — and
    脱岗, which no punch clock records, is still taken from the sheet; 问题 says so."""
    case = monthly_days()
    typed = [TYPED_HEADER + ["脱岗"]] + [row + [None] for row in case.typed]
    typed[1][2] = 9  # 张三: 迟到 9 in the sheet, 2 in the export
    typed[1][-1] = 2  # 张三: 脱岗 2, only in the sheet
    book = write_book(tmp_path / "2026-03.xlsx", {"人员": [["工号", "姓名", "科室"]] + case.roster, "考勤": typed})

    sheet_only = score(book, name="考勤表")
    assert sheet_only.totals["0012"] == D(100 - 9 - 1 - 2)

    got = score(book, "--attendance", case.grid.save(tmp_path / "考勤导出.xlsx"), name="导出")
    assert got.totals == {"0012": D(97 - 2), "1003": D(92), "1004": D(99), "0108": D(100)}
    assert got.quantities("0012")["迟到"] == D(2)
    sources = {line["事项"]: line["来源"] for line in got.ledger if line["工号"] == "0012"}
    assert sources["迟到"] == "月度汇总!J5" and sources["脱岗"].startswith("考勤!")
    [row] = [p for p in got.problems if "改按导出计" in p[2]]
    assert row[0] == "警告" and row[1] == "2026-03.xlsx:考勤"
    assert "考勤导出.xlsx:月度汇总" in row[2]
    assert "迟到、早退、旷工、事假、病假改按导出计" in row[2] and "「脱岗」合计 2 仍按「考勤」表计" in row[2]
    assert not got.problem_texts("两份考勤")  # people in both is expected here, not an overlap


def test_attendance_replaces_an_export_pasted_in_the_workbook(tmp_path):
    """The 考勤 sheet is itself an export (say, last month's): --attendance replaces it whole."""
    case = monthly_days()
    stale = dingtalk_monthly([{"姓名": "张三", "工号": "0012", "部门": "办公室", "迟到次数": 7}], day_cells=False)
    book = paste_export(roster_book(tmp_path / "2026-03.xlsx", case.roster), stale)
    got = score(book, "--attendance", case.grid.save(tmp_path / "考勤导出.xlsx"))
    assert got.totals == {k: D(v) for k, v in case.totals.items()}
    [row] = [p for p in got.problems if "代替" in p[2]]
    assert row[0] == "警告" and row[1] == "2026-03.xlsx:考勤" and "考勤导出.xlsx:月度汇总" in row[2]


def test_an_export_pasted_under_its_own_sheet_name_is_used(tmp_path):
    """The clerk copied DingTalk's sheet 月度汇总 into the workbook without renaming it."""
    case = monthly_days()
    book = paste_export(roster_book(tmp_path / "2026-03.xlsx", case.roster), case.grid, sheet="月度汇总")
    got = score(book)
    assert got.totals == {k: D(v) for k, v in case.totals.items()}


def test_two_exports_are_added_up_and_overlaps_are_warned(tmp_path):
    case = monthly_days()
    book = roster_book(tmp_path / "2026-03.xlsx", case.roster)
    first = dingtalk_monthly([{"姓名": "张三", "工号": "0012", "部门": "办公室", "迟到次数": 1}], day_cells=False)
    second = dingtalk_monthly([{"姓名": "张三", "工号": "0012", "部门": "办公室", "早退次数": 1},
                               {"姓名": "王五", "工号": "1004", "部门": "财务科", "迟到次数": 1}], day_cells=False)
    got = score(book, "--attendance", first.save(tmp_path / "一组.xlsx"),
                "--attendance", second.save(tmp_path / "二组.xlsx"))
    assert got.totals["0012"] == D(98) and got.totals["1004"] == D(99)
    [overlap] = got.problem_texts("两份考勤中都有记录")
    assert "张三（0012）" in overlap and "一组.xlsx" in overlap and "二组.xlsx" in overlap


def test_an_export_of_another_month_is_an_error(tmp_path):
    case = monthly_days()
    book = roster_book(tmp_path / "2026-04.xlsx", case.roster)
    result = kaohe("score", book, "--scheme", "caizheng", "--attendance", case.grid.save(tmp_path / "三月.xlsx"),
                   "--no-archive", "--json")
    assert result.exit_code == 1
    [err] = json.loads(result.output)["errors"]
    assert "2026-03-01 至 2026-03-31" in err["message"] and "2026年4月" in err["message"]


def test_a_file_that_is_not_an_export_is_an_error(tmp_path):
    case = monthly_days()
    book = roster_book(tmp_path / "2026-03.xlsx", case.roster)
    other = write_book(tmp_path / "随便.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})
    result = kaohe("score", book, "--scheme", "caizheng", "--attendance", other, "--no-archive", "--json")
    assert result.exit_code == 1
    [err] = json.loads(result.output)["errors"]
    assert err["file"] == "随便.xlsx" and "不是钉钉或企业微信的考勤导出表" in err["message"]


# ----------------------------------------------------------------------------- kaohe check EXPORT


def test_check_an_export_alone(tmp_path):
    """No --scheme: it says what it recognised, the mapping and the unmapped columns."""
    export = monthly_days().grid.save(tmp_path / "钉钉.xlsx")
    result = kaohe("check", export)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "钉钉.xlsx:月度汇总 识别为 钉钉月度汇总" in out
    assert "统计期 2026-03-01 至 2026-03-31" in out and "3 人" in out
    assert "迟到 ← 迟到次数、严重迟到次数、旷工迟到天数" in out
    assert "旷工 ← 旷工天数" in out and "年休假 ← 请假/年假(天)" in out
    assert "上班缺卡次数 合计 1 次" in out and "请假/婚假(天) 合计 3 天" in out
    assert "考勤结果/外勤(次) 合计 1 次" in out
    assert "考勤结果/1日–31日" in out and "考勤结果/17" not in out  # day columns shown as one row
    assert "[attendance.mapping]" in out


def test_check_an_export_as_json(tmp_path):
    export = wecom().grid.save(tmp_path / "企微.xlsx")
    result = kaohe("check", export, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["file"] == "企微.xlsx"
    [info] = data["exports"]
    assert info["kind"] == "企业微信日报" and info["sheet"] == "概况统计与打卡明细"
    assert (info["period_start"], info["period_end"]) == ("2026-03-02", "2026-03-06")
    assert info["people"] == 2
    assert info["mapping"]["旷工"] == ["异常统计/旷工时长(分钟)"]
    assert info["mapping"]["事假"] == ["假勤统计/事假(天)"]
    assert info["unmapped"] == [{"header": "异常统计/缺卡次数(次)", "total": "1", "unit": "次"},
                                {"header": "假勤统计/外出(小时)", "total": "2", "unit": "小时"}]


def test_check_an_export_follows_kaohe_toml(tmp_path, monkeypatch):
    export = monthly_days().grid.save(tmp_path / "钉钉.xlsx")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kaohe.toml").write_text('[attendance.mapping]\n"缺卡次数" = "迟到"\n', encoding="utf-8")
    data = json.loads(kaohe("check", export, "--json").output)
    [info] = data["exports"]
    assert info["mapping"]["迟到"] == ["迟到次数", "严重迟到次数", "旷工迟到天数", "上班缺卡次数", "下班缺卡次数"]
    assert all("缺卡" not in u["header"] for u in info["unmapped"])


def test_check_a_workbook_with_an_export(tmp_path):
    case = monthly_days()
    book, extra = setup(case, tmp_path, "attendance")
    result = kaohe("check", book, "--scheme", "caizheng", *extra, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["errors"] == 0
    assert any("上班缺卡次数" in i["message"] for i in data["issues"])


# ----------------------------------------------------------------------------- the demo sample

SAMPLE = ROOT / "kaohe_cli" / "sample_data" / "exports" / "钉钉月度汇总-2023-03.xlsx"


def test_demo_sample_is_what_the_script_makes(tmp_path):
    """The committed sample is the script's output, byte for byte (the script is deterministic)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_export_sample", ROOT / "tools" / "make_export_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.make(ROOT / "kaohe_cli" / "sample_data" / "caizheng" / "2023-03.xlsx", tmp_path / "sample.xlsx")

    def cells(path: Path):
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = wb.get_sheet_by_name(wb.sheet_names[0])
        return wb.sheet_names, sheet.to_python(skip_empty_area=False), sorted(sheet.merged_cell_ranges or [])

    assert cells(fresh) == cells(SAMPLE)
    assert fresh.read_bytes() == SAMPLE.read_bytes()


def test_demo_sample_is_recognised(tmp_path):
    result = kaohe("check", SAMPLE, "--json")
    assert result.exit_code == 0, result.output
    [info] = json.loads(result.output)["exports"]
    assert info["kind"] == "钉钉月度汇总"
    assert (info["period_start"], info["period_end"]) == ("2023-03-01", "2023-03-31")
    roster = python_calamine.CalamineWorkbook.from_path(str(ROOT / "kaohe_cli" / "sample_data" / "caizheng" / "2023-03.xlsx"))
    assert info["people"] == len(roster.get_sheet_by_name("人员").to_python()) - 1
    units = {c["header"]: c["unit"] for c in info["columns"]}
    assert units["请假/事假(小时)"] == "小时" and units["请假/病假(天)"] == "天"
    headers = {u["header"] for u in info["unmapped"]}
    assert {"上班缺卡次数", "下班缺卡次数"} <= headers
    assert any("外勤" in h for h in headers)


def test_demo_sample_scores_the_march_roster(tmp_path):
    """The March workbook has its own 考勤 sheet. The sample export describes the same month, so
    with --attendance (迟到/早退/旷工 from the export, 脱岗 still from the sheet) everyone's 总分
    is what the typed sheet alone gives."""
    book = tmp_path / "2023-03.xlsx"
    book.write_bytes((ROOT / "kaohe_cli" / "sample_data" / "caizheng" / "2023-03.xlsx").read_bytes())
    typed = score(book, name="考勤表")
    got = score(book, "--attendance", SAMPLE, name="导出")
    assert len(got.totals) == 116
    assert got.totals == typed.totals
    assert not [p for p in got.problems if p[0] == "错误"]
    assert [p for p in got.problems if "改按导出计" in p[2] and "「脱岗」合计 2" in p[2]]
    late = [line for line in got.ledger if line["事项"] == "迟到"]
    assert late and all(line["来源"].startswith("月度汇总!") for line in late)
    assert not got.problem_texts("汇总列为")  # the day cells agree with the summary columns
