"""A scheme with a consecutive-days rule gets a 考勤 sheet filled one row per day, which scores.

The scheme is zhujian edited as a user would (tests.helpers.zhujian_with_rules) with
「连续旷工3天以上，定为不称职」. March 2024: 张三 is absent Wed 27, Thu 28 and Fri 29 (three
consecutive working days: 不称职); 李四 on Mon 11 and Wed 13 (broken by Tue 12: not caught).
"""

from __future__ import annotations

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import zhujian_with_rules

RULE = """
[[rules]]
name = "连续旷工3天以上，定为不称职"
when = { consecutive = ["旷工"], days_gte = 3 }
action = "force_grade"
grade = "不称职"
"""


def test_the_template_asks_for_one_row_per_day_and_that_workbook_scores(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = zhujian_with_rules(tmp_path, RULE)
    runner = CliRunner()
    res = runner.invoke(app, ["template", "--scheme", str(scheme), "--period", "2024-03", "-o", "2024-03.xlsx"])
    assert res.exit_code == 0, res.output
    wb = load_workbook(tmp_path / "2024-03.xlsx")
    ws = wb["考勤"]
    assert [c.value for c in ws[1]] == ["工号", "姓名", "日期", "状态", "天数"]
    guide = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "按日填写" in guide
    people = wb["人员"]
    heads = [c.value for c in people[1]]
    for r, (gid, name) in enumerate([("001", "张三"), ("002", "李四")], start=2):
        people.cell(r, heads.index("工号") + 1, gid)
        people.cell(r, heads.index("姓名") + 1, name)
        people.cell(r, heads.index("科室") + 1, "业务科")
    for r, (gid, name, day) in enumerate([("001", "张三", 27), ("001", "张三", 28), ("001", "张三", 29),
                                          ("002", "李四", 11), ("002", "李四", 13)], start=2):
        for c, v in enumerate([gid, name, f"2024-03-{day:02d}", "旷工", 1], start=1):
            ws.cell(r, c, v)
    wb.save(tmp_path / "2024-03.xlsx")
    res = runner.invoke(app, ["score", "2024-03.xlsx", "--scheme", str(scheme), "--db", "kaohe.db", "-o", "out.xlsx"])
    assert res.exit_code == 0, res.output
    rows = list(load_workbook(tmp_path / "out.xlsx")["汇总"].iter_rows(values_only=True))
    head = list(rows[1])
    got = {r[head.index("工号")]: (r[head.index("总分")], r[head.index("等次")]) for r in rows[2:] if r[0]}
    # zhujian: 100 points, 旷工 costs 4 a day (SCHEMES.md): 张三 100 − 3×4 = 88, 李四 100 − 2×4 = 92
    assert got["001"] == (88, "不称职")
    assert got["002"][0] == 92 and got["002"][1] != "不称职"


def test_a_scheme_without_such_a_rule_keeps_the_summary_sheet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["template", "--scheme", "zhujian", "-o", "t.xlsx"])
    assert res.exit_code == 0, res.output
    heads = [c.value for c in load_workbook(tmp_path / "t.xlsx")["考勤"][1]]
    assert heads[:2] == ["工号", "姓名"] and "状态" not in heads and "旷工" in heads
