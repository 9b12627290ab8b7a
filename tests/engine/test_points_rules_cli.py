"""Points once when a condition holds (`action = "deduct"` / `"bonus"`), "below" bounds (`lt`,
`lte`) and an item's `default_factor` standing alone, end to end: `kaohe score` for March 2023
and `kaohe quota --year 2023` on its archive.

Scheme (by hand): 作息考勤 30 (deduction): 事假 −0.5 per day (考勤); 迟到 −1 each, × 2 (default_factor,
no factors; entered on 记实: factors act on event rows). 工作实绩 70 (rated). Rules: 事假 more than 15 days → −20 in 作息考勤 (扣完为止);
no 迟到 in the month (lt 1) → +1. Year: 志愿服务 under 2 days (lt 2) → −5; at most 1 迟到 in
the year (lte 1) → +2.

- 001: 事假 16 → 30 − 8 = 22, rule −20 → 2; no 迟到 → +1; 实绩 60 → 63.00. 志愿服务 2; 迟到 0
  → year 63 + 2 = 65.00
- 002: 事假 2 → 29; 迟到 3 × 2 = −6 → 23; 实绩 65 → 88.00. 志愿服务 1 → −5; 迟到 3 → year 83.00
- 003: 事假 20 → 20, rule −20 → 0; +1; 实绩 50 → 51.00. no 志愿服务 (0 < 2) → −5; +2 → 48.00
- 004: 事假 30 → 15, rule takes only the 15 left (扣完为止) → 0; +1; 实绩 70 → 71.00.
  志愿服务 3; +2 → 73.00
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

SCHEME = """
id = "pts"
name = "一次性加扣分示例"
period = "month"

[[components]]
name = "作息考勤"
kind = "deduction"
max = 30

[[components]]
name = "工作实绩"
kind = "rated"
max = 70

[[items]]
name = "事假"
kind = "deduction"
component = "作息考勤"
unit = "天"
points = 0.5
attendance = true

[[items]]
name = "迟到"
kind = "deduction"
component = "作息考勤"
points = 1
default_factor = 2
attendance = true

[[items]]
name = "志愿服务"
kind = "marker"
unit = "天"

[[rules]]
name = "事假超过15天，作息考勤扣20分"
when = { quantity_of = ["事假"], gt = 15 }
action = "deduct"
points = 20
component = "作息考勤"

[[rules]]
name = "当月无迟到，加1分"
when = { quantity_of = ["迟到"], lt = 1 }
action = "bonus"
points = 1

[[annual.rules]]
name = "全年志愿服务不足2天，扣5分"
when = { quantity_of = ["志愿服务"], lt = 2 }
action = "deduct"
points = 5

[[annual.rules]]
name = "全年迟到不超过1次，加2分"
when = { quantity_of = ["迟到"], lte = 1 }
action = "bonus"
points = 2
"""


def _table(path: Path, sheet: str, *cols: str) -> dict[str, tuple]:
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    head = list(rows[1])
    return {str(r[head.index("工号")]): tuple(r[head.index(c)] for c in cols) for r in rows[2:] if r[head.index("工号")]}


def test_points_rules_in_a_month_and_in_the_year(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = tmp_path / "pts.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    names = {"001": "张三", "002": "李四", "003": "王五", "004": "赵六"}
    book = write_book(tmp_path / "in.xlsx", {
        "人员": [["工号", "姓名", "科室"], *[[k, v, "业务科"] for k, v in names.items()]],
        "考勤": [["工号", "姓名", "事假"], ["001", "张三", 16], ["002", "李四", 2], ["003", "王五", 20],
               ["004", "赵六", 30]],
        "评分": [["工号", "姓名", "工作实绩"], ["001", "张三", 60], ["002", "李四", 65], ["003", "王五", 50],
               ["004", "赵六", 70]],
        "记实": [["工号", "姓名", "事项", "次数"], ["001", "张三", "志愿服务", 2], ["002", "李四", "志愿服务", 1],
               ["004", "赵六", "志愿服务", 3], ["002", "李四", "迟到", 3]],
    })
    runner, db = CliRunner(), tmp_path / "k.db"
    out = tmp_path / "out.xlsx"
    res = runner.invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2023-03", "--db", str(db),
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    month = _table(out, "汇总", "作息考勤", "加分", "总分", "备注")
    assert {k: v[:3] for k, v in month.items()} == {
        "001": (2, 1, 63), "002": (23, 0, 88), "003": (0, 1, 51), "004": (0, 1, 71)}
    assert "事假超过15天，作息考勤扣20分" in month["001"][3] and "当月无迟到，加1分" in month["001"][3]
    assert "事假超过15天" not in (month["002"][3] or "")
    ledger = [r for r in load_workbook(out)["明细"].iter_rows(values_only=True) if any(
        isinstance(c, str) and "扣完为止" in c for c in r)]
    assert len(ledger) == 1 and "004" in ledger[0]  # only 赵六's deduction was cut to what was left

    year_out = tmp_path / "year.xlsx"
    res = runner.invoke(app, ["quota", "--year", "2023", "--scheme", str(scheme), "--db", str(db), "-o", str(year_out)])
    assert res.exit_code == 0, res.output
    year = _table(year_out, "年度", "总分", "备注")
    assert {k: v[0] for k, v in year.items()} == {"001": 65, "002": 83, "003": 48, "004": 73}
    assert "全年志愿服务不足2天，扣5分" in year["003"][1] and "全年迟到不超过1次，加2分" in year["003"][1]


def test_show_says_how_many_points_a_rule_gives(tmp_path):
    scheme = tmp_path / "pts.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    res = CliRunner().invoke(app, ["schemes", "show", str(scheme)], env={"COLUMNS": "300"})
    assert res.exit_code == 0, res.output
    assert "deduct（扣分） 作息考勤 20分" in res.output and "bonus（加分） 1分" in res.output
