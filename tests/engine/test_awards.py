"""Money by year grade (`[annual] awards`), gonghui as SCHEMES.md §5 says, by hand, on the
annual case's departments (tests/cases/annual_cases.py GONGHUI_AWARDS):

- 办公室 一等奖 2000 × 5 people = 10000; 组织部 二等奖 1000 × 4 = 4000; 宣教调研室 二等奖 1000 × 3 = 3000;
  民管法工部, 生活保障部 酌情奖励: no amount (0), 备注 奖金数额由党组酌定; 女职工部, 经审办: no grade, 0.
- 副主席 陈志强 leads 办公室 2000, 组织部 1000, 女职工部 0, 经审办 0 → 3000 / 4 = 750.00;
  副主席 林晓燕 leads 宣教调研室 1000, 民管法工部 0, 生活保障部 0 → 1000 / 3 = 333.33;
  主席 = (750 + 1000/3) / 2 = 541.666… → 541.67 (the mean of the unrounded amounts).

And a person scheme's awards are per person: no 人数, no warning, no leaders.
"""

from __future__ import annotations


from openpyxl import load_workbook
from kaohe_cli.scheme.loader import builtin_text, parse_scheme
from tests.cases.annual_cases import GONGHUI_AWARDS
from tests.helpers import score_then_year, sheet_rows


def test_unit_awards_and_the_leaders_money(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output, out = score_then_year(tmp_path, "gonghui", {"2023": GONGHUI_AWARDS["periods"][0]["sheets"]}, "2023")
    rows = list(load_workbook(out)["奖金"].iter_rows(values_only=True))
    head = list(rows[0])
    got = {r[0]: tuple(r[1:]) for r in rows[1:] if r[0]}
    assert head[:5] == ["部门/领导", "奖项", "人均奖金（元）", "人数", "部门奖金（元）"]
    assert got["办公室"] == ("一等奖", 2000, 5, 10000)
    assert got["组织部"] == ("二等奖", 1000, 4, 4000) and got["宣教调研室"] == ("二等奖", 1000, 3, 3000)
    assert got["民管法工部"][:2] == ("酌情奖励", 0) and got["经审办"][1] == 0
    assert got["副主席 陈志强"][1] == 750 and got["副主席 林晓燕"][1] == 333.33 and got["主席"][1] == 541.67
    assert "主席 考核奖（人均）：541.67 元" in output
    remarks = sheet_rows(out, "年度", "单位", "建议等次", "备注")
    assert "奖金数额由党组酌定" in remarks["民管法工部"][1] and "奖金数额" not in (remarks["办公室"][1] or "")


def test_an_older_unit_file_keeps_its_leaders_money():
    text = builtin_text("gonghui").replace('awards_other = "奖金数额由党组酌定"\n', "").replace(
        'leaders_money = { title = "副主席", top = "主席" }\n', "")
    annual = parse_scheme(text, "old.toml").annual
    assert (annual.leaders_money.title, annual.leaders_money.top, annual.awards_other) == ("副主席", "主席", "奖金数额由党组酌定")


SCHEME = """
id = "jiang"
name = "个人年度奖金示例"
period = "year"

[[components]]
name = "工作"
kind = "rated"
max = 100

[[items]]
name = "通报批评"
kind = "marker"

[grading]
grades = [{ name = "优秀", quota = "1" }, { name = "称职", min = 60 }, { name = "不称职" }]

[annual]
aggregate = "single"
awards = { "优秀" = 3000, "称职" = 1500 }
"""


def test_person_awards_are_per_person(tmp_path, monkeypatch):
    """001 95 → 优秀 3000; 002 80 → 称职 1500; 003 50 → 不称职: no amount → 0, and no 备注 about it
    (awards_other is not written)."""
    monkeypatch.chdir(tmp_path)
    scheme = tmp_path / "jiang.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    people = [["工号", "姓名", "科室"], ["001", "张三", "办公室"], ["002", "李四", "办公室"], ["003", "王五", "办公室"]]
    ratings = [["工号", "姓名", "工作"], ["001", "张三", 95], ["002", "李四", 80], ["003", "王五", 50]]
    output, out = score_then_year(tmp_path, str(scheme), {"2023": {"人员": people, "评分": ratings}}, "2023")
    rows = list(load_workbook(out)["奖金"].iter_rows(values_only=True))
    assert list(rows[0]) == ["工号", "姓名", "等次", "奖金（元）"]
    assert {r[0]: (r[2], r[3]) for r in rows[1:] if r[0]} == {"001": ("优秀", 3000), "002": ("称职", 1500),
                                                              "003": ("不称职", 0)}
    assert "没有人数" not in output and "主席" not in output
    assert not any(remark for (remark,) in sheet_rows(out, "年度", "工号", "备注").values())
