"""Outside scheme 02 (镇机关干部 1000 分制, four blocks): its worked example, end to end.

`examples/schemes/02-town-cadre-1000.toml` scores a workbook a clerk fills with raw facts: the
year's counts of lates, 旷工 days, 事假 days and 口头请假 (a leave asked orally) in 考勤, and the
three blocks scored from outside in 评分. The worked example (../shared/outside-schemes/02, by hand):

| cadre | lates | 旷工 | 事假 | other | daily-work block | total |
| A 甲 | 10 | 2 | 5 | — | 300 − 20 − 10 = 270 | 270 + 655 = 925 |
| B 乙 | 44 | 0 | 0 | — | 300 − 88 = 212 | 867 |
| C 丙 | 45 | 0 | 0 | 45 lates reached | 0 | 655 |
| D 丁 | 3 | 1 | 0 | one 口头请假 → 旷工 | 300 − 6 − 2×5 = 284 | 939 |
| E 戊 | 0 | 0 | 46 | 事假 more than 45 | 0 | 655 |

Other blocks for all: 经济 280 + 包村 285 + 民主测评 90 = 655. Two more cadres, outside the
table, pin the rules' edges: F 己 has 事假 45 days exactly (not more than 45: the block stands,
300) and 2 days of 病假 (flagged for case-by-case handling, no points); G 庚 has 29 旷工 days
plus one 口头请假 (= 30 days reached: the block is 0, not 300 − 150 = 150).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.helpers import score_summary, write_book

SCHEME = Path(__file__).resolve().parents[2] / "examples" / "schemes" / "02-town-cadre-1000.toml"
PEOPLE = [("001", "甲"), ("002", "乙"), ("003", "丙"), ("004", "丁"), ("005", "戊"), ("006", "己"), ("007", "庚")]
ATTENDANCE = [  # 迟到 (times), 旷工 (days), 事假 (days), 口头请假 (days), 病假 (days)
    ["001", "甲", 10, 2, 5, 0, 0],
    ["002", "乙", 44, 0, 0, 0, 0],
    ["003", "丙", 45, 0, 0, 0, 0],
    ["004", "丁", 3, 1, 0, 1, 0],
    ["005", "戊", 0, 0, 46, 0, 0],
    ["006", "己", 0, 0, 45, 0, 2],
    ["007", "庚", 0, 29, 0, 1, 0],
]


def _score(tmp_path: Path) -> dict[str, dict]:
    book = write_book(tmp_path / "2023.xlsx", {
        "人员": [["工号", "姓名", "科室"], *[[gid, name, "机关"] for gid, name in PEOPLE]],
        "考勤": [["工号", "姓名", "迟到", "旷工", "事假", "口头请假", "病假"], *ATTENDANCE],
        "评分": [["工号", "姓名", "经济工作", "包村工作", "年终民主测评"], *[[g, n, 280, 285, 90] for g, n in PEOPLE]],
    })
    return score_summary(book, SCHEME, "2023", tmp_path)


def test_the_worked_example_of_scheme_02(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = _score(tmp_path)
    blocks = {n: (r["机关日常工作"], r["经济工作"], r["包村工作"], r["年终民主测评"], r["总分"]) for n, r in got.items()}
    assert blocks == {
        "甲": (270, 280, 285, 90, 925),
        "乙": (212, 280, 285, 90, 867),
        "丙": (0, 280, 285, 90, 655),
        "丁": (284, 280, 285, 90, 939),
        "戊": (0, 280, 285, 90, 655),
        "己": (300, 280, 285, 90, 955),
        "庚": (0, 280, 285, 90, 655),
    }
    assert {n: r["等次"] for n, r in got.items()} == {n: None for n in got}  # the scheme has no grades
    assert got["丙"]["备注"] == "迟到累计45次，达到45次，机关日常工作不得分"
    assert got["戊"]["备注"] == "事假累计46天，超过45天，机关日常工作不得分"
    assert got["庚"]["备注"] == "旷工累计30天，达到30天，机关日常工作不得分"
    assert got["己"]["备注"] == "有病假，视情况研究处理"  # flag only: the block stays 300
    assert got["甲"]["备注"] is None and got["丁"]["备注"] is None


def test_an_oral_leave_is_shown_as_absence_with_its_paperwork(tmp_path, monkeypatch):
    """丁's 口头请假 is a 旷工 line of −5 in 明细, its note saying how it was entered."""
    monkeypatch.chdir(tmp_path)
    _score(tmp_path)
    rows = list(load_workbook(tmp_path / "结果.xlsx")["明细"].iter_rows(values_only=True))
    head = list(rows[0])  # 明细 has no title row
    mine = [r for r in rows[1:] if r[head.index("姓名")] == "丁" and r[head.index("事项")] == "旷工"]
    assert sorted((r[head.index("数量")], r[head.index("分值")], r[head.index("备注")] or "") for r in mine) == [
        (1, -5, ""), (1, -5, "登记为「口头请假」，按「旷工」计")]


def test_a_scheme_without_grades_says_so_instead_of_counting_blank_grades(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    monkeypatch.chdir(tmp_path)
    _score(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["score", str(tmp_path / "2023.xlsx"), "--scheme", str(SCHEME), "--period", "2023",
                              "--db", "kaohe.db", "-o", "again.xlsx"])
    assert res.exit_code == 0, res.output
    assert "本方案不评等次（只计分）" in res.output and "（无）" not in res.output
    res = runner.invoke(app, ["quota", "--year", "2023", "--scheme", str(SCHEME), "--db", "kaohe.db", "-o", "year.xlsx"])
    assert res.exit_code == 0, res.output
    assert "本方案不评等次（只计分）" in res.output and "建议等次" not in res.output
