"""Points by bands of a value (`kind = "value_band"`) and an item counted in 小时, end to end: the
template's 评分 columns, `kaohe score` for March 2024, the result's 汇总, 明细 and 说明, `kaohe explain`
and `kaohe schemes show`.

Scheme (by hand): 民主测评 15: (优秀票 + 称职票) ÷ 总票数 ≥ 90% → 15, ≥ 80% → 12, ≥ 70% → 10, else
0. 满意度 10: the 评分 column 满意度 (0..100) ≥ 95 → 10, ≥ 90 → 8, else 5. 加班: +0.5 per 小时
(考勤, hours to 2 decimals).

- 001: 20 + 3 = 23 of 25 = 92% → 15; 满意度 96 → 10; 加班 1.25 h → 0.625 → 25.625 → 25.63
- 002: 18 + 0 = 18 of 20 = 90% (以上 includes it) → 15; 95 → 10; 加班 3 h → 1.5 → 26.50
- 003: 10 + 5 = 15 of 25 = 60% → 0; 89.5 → 5; no 加班 → 5.00
- 004: 1 + 1 = 2 of 3 = 66.67% → 0; 90 → 8; 加班 0.5 h → 0.25 → 8.25
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import VALUE_BAND_SCHEME, write_book

SCHEME = VALUE_BAND_SCHEME

PEOPLE = {"001": "甲", "002": "乙", "003": "丙", "004": "丁"}


def _rows(path: Path, sheet: str) -> tuple[list, list[tuple]]:
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    at = 1 if sheet == "汇总" else 0
    return list(rows[at]), rows[at + 1:]


def test_value_bands_and_hours_end_to_end(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = tmp_path / "fendang.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    runner, db = CliRunner(), tmp_path / "k.db"

    template = tmp_path / "模板.xlsx"
    assert runner.invoke(app, ["template", "--scheme", str(scheme), "-o", str(template)]).exit_code == 0
    book = load_workbook(template)
    assert [c.value for c in book["评分"][1]] == ["工号", "姓名", "优秀票", "称职票", "总票数", "满意度"]
    assert "达到90%得15分" in book["评分"]["C1"].comment.text and "须大于0" in book["评分"]["E1"].comment.text
    assert "小时数" in book["考勤"]["C1"].comment.text

    inp = write_book(tmp_path / "2024-03.xlsx", {
        "人员": [["工号", "姓名", "科室"], *[[k, v, "办公室"] for k, v in PEOPLE.items()]],
        "考勤": [["工号", "姓名", "加班"], ["001", "甲", 1.25], ["002", "乙", 3], ["003", "丙", None], ["004", "丁", 0.5]],
        "评分": [["工号", "姓名", "优秀票", "称职票", "总票数", "满意度"], ["001", "甲", 20, 3, 25, 96],
               ["002", "乙", 18, 0, 20, 95], ["003", "丙", 10, 5, 25, 89.5], ["004", "丁", 1, 1, 3, 90]],
    })
    out = tmp_path / "结果.xlsx"
    res = runner.invoke(app, ["score", str(inp), "--scheme", str(scheme), "--period", "2024-03", "--db", str(db),
                              "-o", str(out)])
    assert res.exit_code == 0, res.output

    head, rows = _rows(out, "汇总")
    got = {r[head.index("工号")]: tuple(r[head.index(c)] for c in ("民主测评", "满意度", "加分", "总分")) for r in rows
           if r[head.index("工号")]}
    assert got == {"001": (15, 10, 0.625, 25.63), "002": (15, 10, 1.5, 26.5), "003": (0, 5, 0, 5), "004": (0, 8, 0.25, 8.25)}

    head, rows = _rows(out, "明细")
    lines = {(r[head.index("工号")], r[head.index("考核项目")] or r[head.index("事项")]):
             (r[head.index("类型")], r[head.index("分值")], r[head.index("规则")], r[head.index("来源")]) for r in rows}
    assert lines[("002", "民主测评")] == (
        "数值分档", 15, "民主测评：(优秀票+称职票)÷总票数 = 18÷20 = 90% ≥ 90%：15分", "评分!C3、评分!D3、评分!E3")
    assert lines[("004", "民主测评")][1:3] == (0, "民主测评：(优秀票+称职票)÷总票数 = 2÷3 = 约66.67% < 70%：0分")
    assert lines[("003", "满意度")] == ("数值分档", 5, "满意度：89.5 < 90：5分", "评分!F4")
    assert lines[("001", "加班")][1:] == (0.625, "加班 每小时加0.5分", "考勤!C2")

    notes = {r[0]: r[1] for r in load_workbook(out)["说明"].iter_rows(values_only=True) if r[0]}
    assert notes["考核项目 满意度"] == "按数值分档（满意度 达到95得10分，达到90得8分，不足90得5分），满分10"

    res = runner.invoke(app, ["explain", "甲", "--period", "2024-03", "--db", str(db)])
    assert res.exit_code == 0, res.output
    text = "".join(res.output.split())
    assert "民主测评：(优秀票+称职票)÷总票数=23÷25=92%≥90%：15分" in text
    assert "加班每小时加0.5分：1.25小时，加0.625分" in text

    res = runner.invoke(app, ["schemes", "show", str(scheme)])
    assert res.exit_code == 0, res.output
    text = "".join(res.output.split())
    assert "按数值分档" in text
    assert "(优秀票+称职票)÷总票数达到90%得15分，达到80%得12分，达到70%得10分，不足70%得0分" in text
    assert "满意度达到95得10分，达到90得8分，不足90得5分" in text
