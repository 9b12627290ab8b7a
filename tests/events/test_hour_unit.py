"""Items counted in 小时 (`unit = "小时"`, written 工时 too): quantities to 2 decimal places, at most
the period's calendar hours, checked at their cells on 考勤 and 记实 and scored end to end.

Scheme: 加班 +0.5 per 小时 (考勤 or 记实); 培训缺课 −1 per 小时 from 日常 (20). March 2024 has
31 days: at most 744 hours. By hand:

- 甲: 加班 1.25 h (考勤) + 2.5 h (记实) = 3.75 h × 0.5 = +1.875; 缺课 0.75 h → 20 − 0.75 = 19.25
  → 21.125 → 21.13
- 乙: 加班 744 h (the whole month) × 0.5 = +372; no 缺课 → 20 + 372 = 392.00
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.scheme.loader import check_scheme_text, parse_scheme
from tests.helpers import score_summary, write_book

SCHEME = '''id = "xiaoshi"
name = "按小时计示例"
period = "month"

[[components]]
name = "日常"
kind = "deduction"
max = 20

[[items]]
name = "加班"
kind = "bonus"
unit = "工时"
points = 0.5
attendance = true

[[items]]
name = "培训缺课"
kind = "deduction"
component = "日常"
unit = "小时"
points = 1
attendance = true
'''


def _book(tmp_path, attendance: list[list], records: list[list] | None = None):
    sheets = {"人员": [["工号", "姓名", "科室"], ["001", "甲", "办"], ["002", "乙", "办"]],
              "考勤": [["工号", "姓名", "加班", "培训缺课"], *attendance]}
    if records:
        sheets["记实"] = [["工号", "姓名", "事项", "次数"], *records]
    scheme = tmp_path / "s.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    return write_book(tmp_path / "2024-03.xlsx", sheets), scheme


def test_the_unit_and_its_word():
    scheme = parse_scheme(SCHEME, "s.toml")
    assert [it.unit for it in scheme.items] == ["小时", "小时"]
    assert scheme.items[1].rule_text() == "培训缺课 每小时扣1分"


def test_increment_counts_whole_units_only():
    text = SCHEME.replace("points = 0.5\n", "points = 0.5\nincrement = 1\n")
    assert any("increment" in p.message and "不适用于小时" in p.message for p in check_scheme_text(text, "s.toml")[1])


def test_hours_are_scored(tmp_path):
    book, scheme = _book(tmp_path, [["001", "甲", 1.25, 0.75], ["002", "乙", 744, None]], [["001", "甲", "加班", 2.5]])
    got = score_summary(book, scheme, "2024-03", tmp_path)
    assert {k: (v["日常"], v["加分"], v["总分"]) for k, v in got.items()} == {
        "甲": (19.25, 1.875, 21.13), "乙": (20, 372, 392)}


BAD = [
    # (考勤 加班, 记实 次数 of 加班) → the sheet and cell of the error, words of its message
    pytest.param(1.255, None, "考勤", "C2", "「加班」按小时计，最多两位小数，实际为 1.255", id="three decimals on 考勤"),
    pytest.param(745, None, "考勤", "C2", "为 745小时，超出合理范围（2024年3月共 31 天，即 744 小时）", id="beyond the month"),
    pytest.param(-0.5, None, "考勤", "C2", "「加班」不能为负数", id="negative"),
    pytest.param(None, 0.125, "记实", "D2", "「加班」按小时计，最多两位小数，实际为 0.125", id="three decimals on 记实"),
    pytest.param(None, 800, "记实", "D2", "超出合理范围（2024年3月共 31 天，即 744 小时）", id="a record beyond the month"),
]


@pytest.mark.parametrize("cell, record, sheet, at, words", BAD)
def test_a_bad_quantity_is_an_error_at_its_cell(tmp_path, cell, record, sheet, at, words):
    book, scheme = _book(tmp_path, [["001", "甲", cell, None]], [["001", "甲", "加班", record]] if record else None)
    res = CliRunner().invoke(app, ["check", str(book), "--scheme", str(scheme), "--period", "2024-03", "--json"])
    errors = [i for i in json.loads(res.stdout[res.stdout.index("{"):])["issues"] if i["level"] == "错误"]
    assert res.exit_code == 1
    assert [(e["sheet"], e["cell"]) for e in errors if words in e["message"]] == [(sheet, at)], errors


def test_a_day_by_day_attendance_sheet_holds_no_hours(tmp_path):
    """A dated 考勤 sheet (日期, 状态, 天数) has no place for hours: a 加班 row there is an error at
    its 状态 cell, pointing to 记实; the 旷工 rows beside it are read as usual."""
    scheme = tmp_path / "s.toml"
    scheme.write_text(SCHEME + '\n[[items]]\nname = "旷工"\nkind = "deduction"\nunit = "天"\npoints = 1\n'
                      'attendance = true\n', encoding="utf-8")
    book = write_book(tmp_path / "2024-03.xlsx", {
        "人员": [["工号", "姓名", "科室"], ["001", "甲", "办"]],
        "考勤": [["工号", "姓名", "日期", "状态", "天数"], ["001", "甲", "2024-03-04", "旷工", 1],
               ["001", "甲", "2024-03-05", "加班", 1], ["001", "甲", "2024-03-06", "加班", 1]],
    })
    res = CliRunner().invoke(app, ["check", str(book), "--scheme", str(scheme), "--period", "2024-03", "--json"])
    errors = [i for i in json.loads(res.stdout[res.stdout.index("{"):])["issues"] if i["level"] == "错误"]
    assert res.exit_code == 1
    assert [(e["cell"], e["message"]) for e in errors] == [
        ("D3", "「加班」按小时计，逐日考勤表每行只有天数，登记不了小时数（共2行）")]
    assert "记实" in errors[0]["hint"]
