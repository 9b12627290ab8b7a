"""Acceptance tests of input checking (issue 2), through the command line.

One test per kind of bad input. Each runs `kaohe check` (or `kaohe score`) in an empty working
directory and asserts:

- the exit code (1 for errors; 0 when the scheme tolerates the problem as a warning);
- the Chinese message, on the same output row as its location `工作表!A1`;
- that nothing was written and the input file's bytes are unchanged.

The base workbook is a small, clean caizheng month (2023-03). Sheet 奖惩 has a title row, so
its first data row is row 3: locations must count the title row.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

FIXTURES = Path(__file__).parents[1] / "fixtures"
ENV = {"COLUMNS": "400"}  # not a terminal: each issue is one plain line (level, location, text, hint)

ROSTER = [
    ["工号", "姓名", "科室", "类别", "分管领导"],
    ["001", "张三", "办公室", "机关", "004"],
    ["002", "李四", "办公室", "机关", "004"],
    ["003", "王五", "预算科", "机关", "004"],
    ["004", "赵六", "局领导", "机关", ""],
]
ATTENDANCE = [
    ["工号", "姓名", "迟到", "早退"],
    ["001", "张三", 1, 0],
    ["002", "李四", 0, 0],
    ["003", "王五", 0, 1],
    ["004", "赵六", 0, 0],
]
WORKLOG = [
    ["工号", "姓名", "事项", "次数", "日期", "说明"],
    ["001", "张三", "月记逾期", 1, "2023-03-05", ""],
]
EV_HEAD = ["对象", "对象类型", "事项", "级别", "次数", "分值", "文号", "事由", "日期"]
#           A       B          C       D       E       F       G       H       I
EV_TITLE = ["2023年3月奖惩情况"]
GOOD_EVENT = ["002", "个人", "个人受奖", "市", 1, "", "市财〔2023〕3号", "信息宣传", "2023-03-10"]


def events(*rows: list) -> list[list]:
    """Sheet 奖惩: a title row, the header, then `rows` (the first one is row 3)."""
    return [EV_TITLE, EV_HEAD, *rows]


def caizheng_book(path: Path, **sheets) -> Path:
    """The clean base month, with some sheets replaced (a sheet given as None is left out)."""
    book = {"人员": ROSTER, "考勤": ATTENDANCE, "记实": WORKLOG, "奖惩": events(GOOD_EVENT)}
    book.update(sheets)
    return write_book(path, {k: v for k, v in book.items() if v is not None})


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(work: Path, args: list[str], expect_exit: int) -> str:
    """Run kaohe; assert the exit code, no traceback, and that the folder is byte-for-byte unchanged."""
    before = snapshot(work)
    result = CliRunner().invoke(app, args, env=ENV)
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert result.exit_code == expect_exit, output
    assert snapshot(work) == before, "kaohe wrote or changed a file"
    return output


def check(work: Path, name: str = "2023-03.xlsx", scheme: str = "caizheng", expect_exit: int = 1, extra=()) -> str:
    return run(work, ["check", name, "--scheme", scheme, *extra], expect_exit)


def row_at(output: str, location: str) -> str:
    """The output line that shows the issue at `location` (e.g. `2023-03.xlsx:奖惩!C3`)."""
    rows = [line for line in output.splitlines() if location in line]
    assert rows, f"no issue at {location}:\n{output}"
    return "\n".join(rows)


def assert_issue(output: str, location: str, level: str, *texts: str) -> None:
    row = row_at(output, location)
    assert level in row, row
    for text in texts:
        assert text in row, f"{text!r} not in {row!r}"


# ---- errors: exit 1 ----------------------------------------------------------------------


def test_unknown_item_suggests_nearest_names(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["002", "个人", "个人受将", "市", 1, "", "市财〔2023〕3号", "", "2023-03-10"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!C3", "错误", "未知事项「个人受将」", "是否为：个人受奖")


def test_unknown_level_lists_valid_ones(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["002", "个人", "个人受奖", "县", 1, "", "市财〔2023〕3号", "", "2023-03-10"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!D3", "错误", "没有级别「县」", "可选级别：国家、省、市、局")


def test_text_where_a_count_belongs(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["002", "个人", "个人受奖", "市", "三次", "", "市财〔2023〕3号", "", "2023-03-10"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!E3", "错误", "应为数字", "三次", "阿拉伯数字")


def test_text_where_an_attendance_count_belongs(work):
    att = [row[:] for row in ATTENDANCE]
    att[2][2] = "两次"
    caizheng_book(work / "2023-03.xlsx", 考勤=att)
    out = check(work)
    assert_issue(out, "2023-03.xlsx:考勤!C3", "错误", "应为数字", "两次")


def test_negative_attendance_count(work):
    att = [row[:] for row in ATTENDANCE]
    att[3][3] = -1  # 王五 早退
    caizheng_book(work / "2023-03.xlsx", 考勤=att)
    out = check(work)
    assert_issue(out, "2023-03.xlsx:考勤!D4", "错误", "「早退」不能为负数", "-1", "请填0或正数")


def test_negative_event_count(work):
    caizheng_book(work / "2023-03.xlsx", 记实=[WORKLOG[0], ["001", "张三", "月记逾期", -2, "2023-03-05", ""]])
    out = check(work)
    assert_issue(out, "2023-03.xlsx:记实!D2", "错误", "次数应为正数", "-2")


def test_duplicate_id_in_roster(work):
    caizheng_book(work / "2023-03.xlsx", 人员=[*ROSTER, ["002", "李思", "预算科", "机关", "004"]])
    out = check(work)
    assert_issue(out, "2023-03.xlsx:人员!A6", "错误", "工号「002」重复", "第3行已有")


@pytest.mark.parametrize(
    "target, shown, hint",
    [("009", "人员「009」不在人员表中", "在人员表中补充此人"), ("张小三", "人员「张小三」不在人员表中", "是否为：张三")],
    ids=["by-id", "by-name"],
)
def test_person_not_in_roster(work, target, shown, hint):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events([target, "个人", "个人受奖", "市", 1, "", "市财〔2023〕3号", "", "2023-03-10"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!A3", "错误", shown, hint)


def test_person_not_in_roster_in_attendance(work):
    caizheng_book(work / "2023-03.xlsx", 考勤=[*ATTENDANCE, ["010", "钱七", 2, 0]])
    out = check(work)
    assert_issue(out, "2023-03.xlsx:考勤!A6", "错误", "工号「010」不在人员表中")


def test_department_not_in_roster(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["财务科", "集体", "科室受奖", "市", 1, "", "市财〔2023〕4号", "", "2023-03-10"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!A3", "错误", "科室「财务科」不在人员表中", "是否为：预算科")


def test_bare_name_matching_two_people_lists_their_ids(work):
    roster = [*ROSTER, ["005", "张三", "预算科", "机关", "004"]]
    att = [*ATTENDANCE, ["005", "张三", 0, 0]]
    caizheng_book(work / "2023-03.xlsx", 人员=roster, 考勤=att,
                  奖惩=events(["张三", "个人", "个人受奖", "市", 1, "", "市财〔2023〕3号", "", "2023-03-10"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!A3", "错误", "姓名「张三」在人员表中有2人重名", "工号001", "工号005")


def test_bare_name_matching_two_people_in_attendance(work):
    roster = [*ROSTER, ["005", "张三", "预算科", "机关", "004"]]
    att = [["姓名", "迟到"], ["张三", 1], ["李四", 0], ["王五", 0], ["赵六", 0]]
    caizheng_book(work / "2023-03.xlsx", 人员=roster, 考勤=att)
    out = check(work)
    assert_issue(out, "2023-03.xlsx:考勤!A2", "错误", "重名", "工号001", "工号005")


def test_required_sheet_missing(work):
    # A missing sheet has no cell: the location is the file, and the message names the sheet.
    caizheng_book(work / "2023-03.xlsx", 人员=None)
    out = check(work)
    row = next((line for line in out.splitlines() if line.split()[:2] == ["错误", "2023-03.xlsx"]), "")
    assert "缺少「人员」工作表" in row and "花名册" in row, out


def test_required_column_missing(work):
    caizheng_book(work / "2023-03.xlsx", 记实=[["工号", "姓名", "次数"], ["001", "张三", 1]])
    out = check(work)
    assert_issue(out, "2023-03.xlsx:记实!A1", "错误", "缺少必填列「事项」", "事项、项目")


def test_required_column_missing_in_events(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=[EV_TITLE, ["对象", "级别", "文号"], ["002", "市", "x"]])
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!A2", "错误", "缺少必填列「事项」")


JINJIANG_ROSTER = [
    ["工号", "姓名", "科室", "类别"],
    ["001", "张三", "办公室", "一般工作人员"],
    ["002", "李四", "办公室", "一般工作人员"],
    ["003", "王五", "党建办", "一般工作人员"],
]
RATING_HEAD = ["工号", "姓名", "常规工作", "重点项目", "奖惩附加分", "测评得分"]


def test_rated_score_outside_its_maximum(work):
    """常规工作 is 0–50 with a 重点项目, 0–90 without one (SCHEMES.md, jinjiang)."""
    ratings = [
        RATING_HEAD,
        ["001", "张三", 95, 30, 0, 90],  # has 重点项目: max 50
        ["002", "李四", 85, "", 0, 85],  # no 重点项目: max 90, fine
        ["003", "王五", 91, "", 0, 80],  # no 重点项目: max 90
    ]
    write_book(work / "2023Q1.xlsx", {"人员": JINJIANG_ROSTER, "评分": ratings})
    out = check(work, "2023Q1.xlsx", "jinjiang")
    assert_issue(out, "2023Q1.xlsx:评分!C2", "错误", "张三（001）的「常规工作」为 95，超出 0–50", "请填写0–50之间的分数")
    assert_issue(out, "2023Q1.xlsx:评分!C4", "错误", "王五（003）的「常规工作」为 91，超出 0–90")
    assert "评分!C3" not in out


def test_rated_score_blank_is_an_error(work):
    ratings = [RATING_HEAD, ["001", "张三", "", 30, 0, 90], ["002", "李四", 80, "", 0, 85], ["003", "王五", 70, "", 0, 80]]
    write_book(work / "2023Q1.xlsx", {"人员": JINJIANG_ROSTER, "评分": ratings})
    out = check(work, "2023Q1.xlsx", "jinjiang")
    assert_issue(out, "2023Q1.xlsx:评分!C2", "错误", "张三（001）的「常规工作」为空")


ZHUJIAN_ROSTER = [["工号", "姓名", "科室"], ["001", "张三", "办公室"], ["002", "李四", "办公室"]]
ZHUJIAN_ATT = [["工号", "姓名", "迟到"], ["001", "张三", 0], ["002", "李四", 0]]


def test_discretionary_value_outside_range_and_missing(work):
    rows = [
        EV_TITLE,
        EV_HEAD,
        ["001", "个人", "履职不力", "", 1, 25, "", "", "2023-03-10"],
        ["002", "个人", "履职不力", "", 1, "", "", "", "2023-03-10"],
    ]
    write_book(work / "2023-03.xlsx", {"人员": ZHUJIAN_ROSTER, "考勤": ZHUJIAN_ATT, "奖惩": rows})
    out = check(work, scheme="zhujian")
    assert_issue(out, "2023-03.xlsx:奖惩!F3", "错误", "「履职不力」的分值 25 超出范围 0.5–20", "请填写 0.5–20 之间的分值")
    assert_issue(out, "2023-03.xlsx:奖惩!F4", "错误", "「履职不力」为视情计分", "0.5–20")


def test_discretionary_value_in_a_sheet_without_the_column_points_at_the_item(work):
    """No 分值 column in 记实: the error points at the 事项 cell, not at column A."""
    worklog = [["工号", "姓名", "事项", "次数"], ["001", "张三", "履职不力", 1]]
    write_book(work / "2023-03.xlsx", {"人员": ZHUJIAN_ROSTER, "考勤": ZHUJIAN_ATT, "记实": worklog})
    out = check(work, scheme="zhujian")
    assert_issue(out, "2023-03.xlsx:记实!C2", "错误", "为视情计分", "本表没有「分值」列")


def test_level_in_a_sheet_without_the_column_points_at_the_item(work):
    worklog = [["工号", "姓名", "事项", "次数"], ["002", "李四", "个人受奖", 1]]
    caizheng_book(work / "2023-03.xlsx", 记实=worklog)
    out = check(work)
    assert_issue(out, "2023-03.xlsx:记实!C2", "错误", "事项「个人受奖」需要填写级别", "可选级别：国家、省、市、局", "本表没有「级别」列")


def test_fixed_points_item_with_a_value(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["001", "个人", "月记缺交", "", 1, 3, "", "", "2023-03-10"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!F3", "错误", "「月记缺交」的分值固定为 2，不能填 3", "请清空分值单元格")


def test_invalid_date(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events([*GOOD_EVENT[:8], "2023-02-30"]))
    out = check(work)
    assert_issue(out, "2023-03.xlsx:奖惩!I3", "错误", "不是有效日期", "2023-02-30")


def test_invalid_date_in_detail_attendance(work):
    detail = [
        ["工号", "姓名", "日期", "状态", "天数"],
        ["001", "张三", "2023-03-01", "迟到", ""],
        ["002", "李四", "2023年3月32日", "旷工", 0.5],
    ]
    caizheng_book(work / "2023-03.xlsx", 考勤=detail)
    out = check(work)
    assert_issue(out, "2023-03.xlsx:考勤!C3", "错误", "不是有效日期", "2023年3月32日")


@pytest.mark.parametrize(
    "make, expect",
    [
        ("random", "不是 Excel 工作簿"),
        ("truncated", "文件已损坏"),
        ("encrypted", "文件已加密"),
        ("text", "文件内容是文本"),
    ],
)
def test_unreadable_file(work, make, expect):
    path = work / "2023-03.xlsx"
    if make == "random":
        path.write_bytes(bytes(range(256)) * 12)
    elif make == "truncated":
        caizheng_book(work / "whole.xlsx")
        path.write_bytes((work / "whole.xlsx").read_bytes()[:3000])
        (work / "whole.xlsx").unlink()
    elif make == "encrypted":
        path.write_bytes((FIXTURES / "encrypted.xlsx").read_bytes())
    else:
        path.write_text("工号,姓名,科室\n001,张三,办公室\n", encoding="utf-8")
    out = check(work)
    assert "2023-03.xlsx" in out and expect in out, out


def test_score_on_a_bad_file_writes_nothing(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["002", "个人", "个人受将", "市", 1, "", "市财〔2023〕3号", "", "2023-03-10"]))
    out = run(work, ["score", "2023-03.xlsx", "--scheme", "caizheng", "-o", "out.xlsx", "--db", "kaohe.db"], 1)
    assert_issue(out, "2023-03.xlsx:奖惩!C3", "错误", "未知事项「个人受将」")
    assert "未写出任何文件" in out
    assert not (work / "out.xlsx").exists() and not (work / "kaohe.db").exists()


def test_score_on_a_bad_file_writes_nothing_by_default(work):
    """Without -o and --db, the defaults (beside the input, kaohe.db) are not written either."""
    caizheng_book(work / "2023-03.xlsx", 人员=[*ROSTER, ["001", "重号", "预算科", "机关", "004"]])
    out = run(work, ["score", "2023-03.xlsx", "--scheme", "caizheng"], 1)
    assert_issue(out, "2023-03.xlsx:人员!A6", "错误", "工号「001」重复")


def test_json_output_for_an_error(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["002", "个人", "个人受奖", "县", 1, "", "市财〔2023〕3号", "", "2023-03-10"]))
    out = check(work, extra=["--json"])
    data = json.loads(out)
    assert data["file"] == "2023-03.xlsx" and data["errors"] == 1
    (issue,) = [i for i in data["issues"] if i["level"] == "错误"]
    assert issue["sheet"] == "奖惩" and issue["cell"] == "D3"
    assert issue["location"] == "2023-03.xlsx:奖惩!D3"
    assert "没有级别「县」" in issue["message"] and "可选级别" in issue["hint"]


def test_all_errors_are_reported_together(work):
    """Problems are gathered and listed at once, sorted by location, not one per run."""
    att = [row[:] for row in ATTENDANCE]
    att[1][2] = -3
    caizheng_book(
        work / "2023-03.xlsx",
        考勤=att,
        奖惩=events(
            ["002", "个人", "个人受将", "市", 1, "", "x", "", "2023-03-10"],
            ["009", "个人", "个人受奖", "市", 1, "", "x", "", "2023-03-10"],
        ),
    )
    data = json.loads(check(work, extra=["--json"]))
    locations = [i["location"] for i in data["issues"] if i["level"] == "错误"]
    assert locations == ["2023-03.xlsx:奖惩!C3", "2023-03.xlsx:奖惩!A4", "2023-03.xlsx:考勤!C2"]
    assert data["errors"] == 3


# ---- warnings: exit 0, listed ---------------------------------------------------------------


def test_clean_workbook_has_no_issues(work):
    caizheng_book(work / "2023-03.xlsx")
    data = json.loads(check(work, expect_exit=0, extra=["--json"]))
    assert data["errors"] == 0 and data["issues"] == []


def test_date_outside_the_period_is_a_warning(work):
    """An award dated before the period: its document came late (a common case). A deduction
    in 记实 dated outside the period gets the hint that fits it: it may belong to another period."""
    caizheng_book(work / "2023-03.xlsx", 奖惩=events([*GOOD_EVENT[:8], "2023-01-20"]),
                  记实=[["工号", "姓名", "事项", "次数", "日期", "说明"], ["001", "张三", "午间饮酒", 1, "2023-04-02", ""]])
    out = check(work, expect_exit=0)
    assert_issue(out, "2023-03.xlsx:奖惩!I3", "警告", "个人受奖的日期 2023-01-20 不在考核期 2023年3月 内，仍计入本期",
                 "表彰、通报文件常晚于事由下发")
    assert_issue(out, "2023-03.xlsx:记实!E2", "警告", "午间饮酒的日期 2023-04-02 不在考核期", "应计入其他考核期")
    assert "表彰" not in row_at(out, "2023-03.xlsx:记实!E2")


def test_date_outside_the_period_in_detail_attendance_is_a_warning(work):
    detail = [
        ["工号", "姓名", "日期", "状态", "天数"],
        ["001", "张三", "2023-03-01", "迟到", ""],
        ["002", "李四", "2023-04-03", "旷工", 0.5],
        ["003", "王五", "2023-04-04", "正常", ""],  # a normal day is not an event
        ["004", "赵六", "2023-03-06", "正常", ""],
    ]
    caizheng_book(work / "2023-03.xlsx", 考勤=detail)
    out = check(work, expect_exit=0)
    assert_issue(out, "2023-03.xlsx:考勤!C3", "警告", "日期 2023-04-03 不在考核期 2023年3月 内")
    assert "考勤!C4" not in out


def test_bonus_without_document_number_is_a_warning(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=events(["002", "个人", "个人受奖", "市", 1, "", "", "信息宣传", "2023-03-10"]))
    out = check(work, expect_exit=0)
    assert_issue(out, "2023-03.xlsx:奖惩!G3", "警告", "加分事项「个人受奖」没有文号，按方案不得加分", "请补填")


def test_roster_person_without_attendance_row_is_a_warning(work):
    caizheng_book(work / "2023-03.xlsx", 考勤=ATTENDANCE[:-1])  # 赵六 (004) has no row
    out = check(work, expect_exit=0)
    row = row_at(out, "赵六（004）")
    assert "警告" in row and "没有考勤记录" in row and "2023-03.xlsx:考勤" in row


def test_formula_without_cached_value_in_a_scored_cell_is_an_error(work):
    """考勤!C3 is 李四's 迟到: read as blank it would change the score, so it is an error."""
    import openpyxl

    caizheng_book(work / "plain.xlsx")
    wb = openpyxl.load_workbook(work / "plain.xlsx")
    wb["考勤"]["C3"] = "=1+1"  # openpyxl writes the formula with no cached value
    wb.save(work / "2023-03.xlsx")
    (work / "plain.xlsx").unlink()
    out = check(work, expect_exit=1)
    assert_issue(out, "2023-03.xlsx:考勤!C3", "错误", "公式单元格没有计算结果（C3）", "在 Excel 或 WPS 中打开、保存")


def test_formula_without_cached_value_outside_the_tables_is_a_warning(work):
    import openpyxl

    caizheng_book(work / "plain.xlsx")
    wb = openpyxl.load_workbook(work / "plain.xlsx")
    wb["考勤"]["Z1"] = "=1+1"  # a note beside the table, under no header the score reads
    wb.save(work / "2023-03.xlsx")
    (work / "plain.xlsx").unlink()
    out = check(work, expect_exit=0)
    assert_issue(out, "2023-03.xlsx:考勤!Z1", "警告", "公式单元格没有缓存值")


def test_unscored_attendance_column_is_a_note(work):
    att = [[*row, x] for row, x in zip(ATTENDANCE, ["婚假", 0, 3, 0, 0])]
    caizheng_book(work / "2023-03.xlsx", 考勤=att)
    out = check(work, expect_exit=0)
    assert_issue(out, "2023-03.xlsx:考勤!E1", "提示", "考勤列「婚假」不在本方案的考勤计分事项中", "合计 3")


# ---- periods -----------------------------------------------------------------------------


def test_period_not_in_file_name(work):
    caizheng_book(work / "月报.xlsx")
    out = check(work, "月报.xlsx")
    assert "无法从文件名「月报.xlsx」判断考核期" in out and "--period" in out


def test_period_of_the_wrong_length(work):
    caizheng_book(work / "2023-03.xlsx")
    out = check(work, extra=["--period", "2023Q1"])
    assert "是季度" in out and "月度" in out


def test_csv_without_roster_explains_one_sheet(work):
    (work / "2023-03.csv").write_text("工号,姓名,迟到\n001,张三,1\n", encoding="utf-8")
    out = check(work, "2023-03.csv")
    row = row_at(out, "缺少「人员」工作表")
    assert "CSV 文件只有一张表" in row


def test_score_on_an_unreadable_file_writes_nothing(work):
    (work / "2023-03.xlsx").write_bytes(b"PK\x03\x04" + bytes(500))
    out = run(work, ["score", "2023-03.xlsx", "--scheme", "caizheng", "-o", "out.xlsx", "--db", "kaohe.db"], 1)
    assert "2023-03.xlsx" in out and "错误" in out


def test_unit_scheme_ignores_a_broken_attendance_sheet(tmp_path, monkeypatch):
    """A unit scheme does not use 考勤: an empty or headerless 考勤 sheet left in the workbook is
    noted and ignored, and does not block scoring with errors about a sheet nobody reads."""
    import openpyxl

    monkeypatch.chdir(tmp_path)
    book = openpyxl.load_workbook(Path(__file__).resolve().parents[2] / "kaohe_cli" / "sample_data" / "mubiao" / "2023.xlsx")
    book.create_sheet("考勤")  # empty
    book.save(tmp_path / "2023.xlsx")
    res = CliRunner().invoke(app, ["check", "2023.xlsx", "--scheme", "mubiao", "--json"])
    assert res.exit_code == 0, res.output
    issues = json.loads(res.output)["issues"]
    assert not [i for i in issues if i["level"] == "错误"]
    assert any("单位考核方案不使用考勤表" in i["message"] and i["sheet"] == "考勤" for i in issues)
