"""Ratings that the bottom-N rule ranks by are checked, never dropped silently.

caizheng: 民主测评 deducts 2 points from the bottom 3 of each 分管领导 group by 测评得分, when
不称职票 ≥ 2. 测评得分 is out of 100 (the scheme's column_max); 不称职票 is a count.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

ROSTER = [["工号", "姓名", "科室", "类别", "分管领导", "参评"], ["9001", "钱局", "局领导", None, None, "否"]] + [
    [f"100{i}", n, "预算科", "科员", "钱局", "是"] for i, n in enumerate(["甲", "乙", "丙", "丁", "戊"], start=1)
]


def _check(tmp_path, ratings):
    book = write_book(tmp_path / "2023-03.xlsx", {
        "人员": ROSTER,
        "评分": [["工号", "姓名", "测评得分", "不称职票"]] + ratings,
    })
    res = CliRunner().invoke(app, ["check", str(book), "--scheme", "caizheng", "--json"])
    data = json.loads(res.stdout[res.stdout.index("{"):])
    return res.exit_code, data["issues"] if "issues" in data else data


def _find(issues, text):
    return [i for i in issues if text in i["message"]]


def test_a_blank_score_with_two_votes_is_an_error_naming_the_cell(tmp_path):
    """乙 (row 3 of 评分) has no 测评得分 but 不称职票 2: whether 乙 is in the bottom 3 cannot be decided."""
    code, issues = _check(tmp_path, [["1001", "甲", 90, 0], ["1002", "乙", None, 2], ["1003", "丙", 80, 0],
                                     ["1004", "丁", 85, 0], ["1005", "戊", 70, 3]])
    assert code == 1
    [hit] = _find(issues, "乙（1002）的「测评得分」为空，但「不称职票」为2")
    assert hit["level"] == "错误" and hit["sheet"] == "评分" and hit["cell"] == "C3"


def test_a_blank_score_without_votes_is_a_warning_that_says_what_happens(tmp_path):
    code, issues = _check(tmp_path, [["1001", "甲", 90, 0], ["1002", "乙", None, 0], ["1003", "丙", 80, 0],
                                     ["1004", "丁", 85, 0], ["1005", "戊", 70, 3]])
    assert code == 0
    [hit] = _find(issues, "乙（1002）的「测评得分」为空")
    assert hit["level"] == "警告"
    assert "不参加「分管领导」组内测评得分排名" in hit["message"] and "不适用" in hit["message"]


def test_a_score_over_100_and_a_fractional_vote_are_errors(tmp_path):
    code, issues = _check(tmp_path, [["1001", "甲", 120, 0], ["1002", "乙", 88, 1.5], ["1003", "丙", 80, 0],
                                     ["1004", "丁", 85, -1], ["1005", "戊", 70, 3]])
    assert code == 1
    [over] = _find(issues, "甲（1001）的「测评得分」为 120，超出 0–100")
    assert over["cell"] == "C2"
    assert _find(issues, "乙（1002）的「不称职票」为 1.5，应为不小于0的整数")
    assert _find(issues, "丁（1004）的「不称职票」为 -1")


# --- a workbook of another scheme ---------------------------------------------------------


def test_a_template_remembers_its_scheme(tmp_path):
    runner = CliRunner()
    book = tmp_path / "2023-03.xlsx"
    assert runner.invoke(app, ["template", "--scheme", "caizheng", "-o", str(book)]).exit_code == 0
    res = runner.invoke(app, ["score", str(book), "--scheme", "zhujian", "--no-archive", "-o", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 1
    text = "".join(res.output.split())
    assert "方案caizheng（财政局平时考核积分制）的模板生成的" in text and "--schemecaizheng" in text
    assert not (tmp_path / "r.xlsx").exists()


def test_a_workbook_filled_for_another_scheme_is_named_once(tmp_path):
    """The packaged caizheng March: 89 事项 in 记实 and 奖惩, none of them zhujian's."""
    from kaohe_cli.packaged import sample_dir

    res = CliRunner().invoke(app, ["check", str(sample_dir() / "caizheng" / "2023-03.xlsx"), "--scheme", "zhujian", "--json"])
    assert res.exit_code == 1
    data = json.loads(res.stdout[res.stdout.index("{"):])
    assert len(data["issues"]) == 1
    assert "看起来是按 caizheng 填写的" in data["issues"][0]["message"]
    assert "未知事项" not in res.stdout


def test_an_id_that_lost_its_leading_zeros_is_suggested(tmp_path):
    """奖惩 names 101; the roster has 0101 (甲): Excel dropped the zero, the hint says so."""
    book = write_book(tmp_path / "2023-03.xlsx", {
        "人员": [["工号", "姓名", "科室"], ["0101", "甲", "预算科"], ["0102", "乙", "预算科"]],
        "奖惩": [["对象", "对象类型", "事项", "级别", "文号", "事由", "日期"],
                 [101, "个人", "个人受奖", "市", "市财〔2023〕1号", "先进", "2023-03-05"]],
    })
    res = CliRunner().invoke(app, ["check", str(book), "--scheme", "caizheng", "--json"])
    data = json.loads(res.stdout[res.stdout.index("{"):])
    [hit] = [i for i in data["issues"] if "不在人员表中" in i["message"]]
    assert "是否为：0101（甲）？" in hit["hint"]
