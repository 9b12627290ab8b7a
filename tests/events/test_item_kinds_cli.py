"""The general item kinds end to end, through `kaohe score` with a scheme file: points per unit
from a roster column (points_from), an item entered on 记实 that counts as another (counts_as),
a bonus for a period without events (if_none_of), and a shortfall against a minimum (minimum).

Scheme: 考勤 deduction, 20 points. 旷工 costs 日工资 × 0.01 per day; 捎假 counts as 旷工; 全勤奖
+2 when the month has no 旷工; 听课 minimum 10 节, −2 per 节 short. By hand:

- 001 日工资 300: 旷工 1 day (考勤) + 捎假 1 day (记实) = 2 days × 3 = −6; 听课 10 → 0;
  no 全勤奖 → 20 − 6 = 14.00
- 002 日工资 250: no 旷工 → 全勤奖 +2; 听课 4 + 2 = 6 → 4 short × 2 = −8 → 20 − 8 + 2 = 14.00
- 003 (日工资 blank, never needed): 全勤奖 +2; no 听课 → 10 short = −20 → 0 → total 2.00
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

SCHEME = """
id = "kinds"
name = "计分方式示例"
period = "month"

[[components]]
name = "考勤"
kind = "deduction"
max = 20

[[items]]
name = "旷工"
kind = "deduction"
component = "考勤"
unit = "天"
attendance = true
points_from = { column = "日工资", factor = 0.01 }

[[items]]
name = "捎假"
kind = "deduction"
unit = "天"
counts_as = { item = "旷工" }

[[items]]
name = "全勤奖"
kind = "bonus"
points = 2
if_none_of = ["旷工"]

[[items]]
name = "听课"
kind = "deduction"
component = "考勤"
unit = "节"
minimum = 10
points = 2
"""


def _run(tmp_path: Path, people: list[list]) -> tuple[int, str, Path]:
    scheme = tmp_path / "kinds.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    book = write_book(tmp_path / "in.xlsx", {
        "人员": [["工号", "姓名", "科室", "日工资"], *people],
        "考勤": [["工号", "姓名", "旷工"], ["001", "张三", 1], ["002", "李四", 0], ["003", "王五", 0]],
        "记实": [["工号", "姓名", "事项", "次数"], ["001", "张三", "捎假", 1], ["001", "张三", "听课", 10],
               ["002", "李四", "听课", 4], ["002", "李四", "听课", 2]],
    })
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2023-03",
                                   "--db", str(tmp_path / "k.db"), "-o", str(out)])
    return res.exit_code, res.output, out


def test_per_person_points_absence_bonus_and_shortfall(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, output, out = _run(tmp_path, [["001", "张三", "业务科", 300], ["002", "李四", "业务科", 250],
                                        ["003", "王五", "业务科"]])
    assert code == 0, output
    rows = list(load_workbook(out)["汇总"].iter_rows(values_only=True))
    head = list(rows[1])
    got = {r[head.index("工号")]: (r[head.index("考勤")], r[head.index("加分")], r[head.index("总分")])
           for r in rows[2:] if r[head.index("工号")]}
    assert got == {"001": (14, 0, 14), "002": (12, 2, 14), "003": (0, 2, 2)}


def test_a_missing_per_person_value_is_an_error_naming_the_column(tmp_path, monkeypatch):
    """001 has 旷工 but no 日工资: the run refuses, naming the column and the person."""
    monkeypatch.chdir(tmp_path)
    code, output, out = _run(tmp_path, [["001", "张三", "业务科"], ["002", "李四", "业务科", 250],
                                        ["003", "王五", "业务科"]])
    assert code != 0 and not out.exists()
    assert "日工资" in output and "001" in output
