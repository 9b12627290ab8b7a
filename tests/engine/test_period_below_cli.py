"""`period_below` (and `total_lt` / `total_gte`) end to end: "全年有2个月得分低于80分的，年度不称职", through `kaohe score` for
two months and `kaohe quota --year 2023`. 工作 is rated 0–100; grades 优秀 ≥ 90, 称职 ≥ 60.

- 001: 79, 75 → both below 80 → 不称职 (the mean 77 would be 称职)
- 002: 79, 80 → one below (80 is not below 80) → mean 79.5 → 称职
- 003: 95, 70 → one below → mean 82.5 → 称职
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import score_then_year, sheet_rows

SCHEME = """
id = "below"
name = "低分期数示例"
period = "month"

[[components]]
name = "工作"
kind = "rated"
max = 100

[[items]]
name = "通报批评"
kind = "marker"

[grading]
grades = [{ name = "优秀", min = 90 }, { name = "称职", min = 60 }, { name = "不称职" }]

[[rules]]
name = "当月得分低于80分，记不及格一次"
when = { total_lt = 80 }
action = "flag"
flag = "不及格"

[annual]
default_grade = "称职"

[[annual.rules]]
name = "年度得分80分及以上，表扬"
when = { total_gte = 80 }
action = "flag"

[[annual.rules]]
name = "全年有2个月得分低于80分，年度不称职"
when = { period_below = 80, at_least = 2 }
action = "force_grade"
grade = "不称职"
"""


def test_two_months_below_80_make_the_year_unsatisfactory(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = tmp_path / "below.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    people = [["工号", "姓名", "科室"], ["001", "张三", "办公室"], ["002", "李四", "办公室"], ["003", "王五", "办公室"]]
    months = {code: {"人员": people, "评分": [["工号", "姓名", "工作"], *[[p[0], p[1], m] for p, m in zip(people[1:], marks)]]}
              for code, marks in {"2023-01": (79, 79, 95), "2023-02": (75, 80, 70)}.items()}
    _, out = score_then_year(tmp_path, str(scheme), months, "2023")
    assert sheet_rows(out, "年度", "工号", "总分", "建议等次") == {
        "001": (77, "不称职"), "002": (79.5, "称职"), "003": (82.5, "称职")}
    # total_lt in a month: below 80 (79) is flagged, 80 is not; total_gte in the year: 82.5 only
    feb = sheet_rows(tmp_path / "2023-02-结果.xlsx", "汇总", "工号", "总分", "备注")
    assert [k for k, (_, remark) in feb.items() if "不及格" in (remark or "")] == ["001", "003"]
    year = sheet_rows(out, "年度", "工号", "备注")
    assert [k for k, (remark,) in year.items() if "表扬" in (remark or "")] == ["003"]
