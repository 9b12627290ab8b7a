"""The 评分 cells a value band reads are checked at their cells by `kaohe check`
(`events/rating_lines.py`), never scored silently.

Scheme: 民主测评 (优秀票 + 称职票) ÷ 总票数 in bands; 满意度 (0..100) in bands.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

SCHEME = '''id = "fendang"
name = "分档示例"
period = "month"

[[components]]
name = "民主测评"
kind = "value_band"
max = 15
ratio = { numerator = ["优秀票", "称职票"], denominator = "总票数" }
bands = [{ min = 0.9, points = 15 }, { min = 0.8, points = 12 }]

[[components]]
name = "满意度"
kind = "value_band"
max = 10
column_max = 100
bands = [{ min = 95, points = 10 }]

[[items]]
name = "表扬"
kind = "bonus"
points = 1
'''

PEOPLE = [["工号", "姓名", "科室"], ["001", "甲", "办"], ["002", "乙", "办"]]
GOOD = ["001", "甲", 20, 3, 25, 96]


def _check(tmp_path, ratings: list[list], header=("优秀票", "称职票", "总票数", "满意度")):
    sheets = {"人员": PEOPLE, "评分": [["工号", "姓名", *header], *ratings]}
    book = write_book(tmp_path / "2024-03.xlsx", sheets)
    scheme = tmp_path / "s.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    res = CliRunner().invoke(app, ["check", str(book), "--scheme", str(scheme), "--period", "2024-03", "--json"])
    data = json.loads(res.stdout[res.stdout.index("{"):])
    return res.exit_code, [i for i in data["issues"] if i["level"] == "错误"]


def test_clean_cells_pass(tmp_path):
    code, errors = _check(tmp_path, [GOOD, ["002", "乙", 0, 0, 3, 0]])
    assert (code, errors) == (0, [])


CELLS = [
    # 乙's row (row 3 of 评分: C 优秀票, D 称职票, E 总票数, F 满意度) → the error's cell and words
    pytest.param(["002", "乙", 20, 3, 0, 96], "E3", ["乙（002）的「总票数」为 0，无法计算(优秀票+称职票)÷总票数"], id="zero denominator"),
    pytest.param(["002", "乙", 20, 3, None, 96], "E3", ["乙（002）的「总票数」为空（民主测评按它分档）"], id="blank denominator"),
    pytest.param(["002", "乙", 20, None, 25, 96], "D3", ["「称职票」为空", "没有请填0"], id="blank numerator"),
    pytest.param(["002", "乙", -1, 3, 25, 96], "C3", ["「优秀票」为 -1，不能为负数"], id="a negative vote"),
    pytest.param(["002", "乙", 20, 10, 25, 96], "E3", ["优秀票、称职票合计 30，超过「总票数」25", "不能大于 100%"],
                 id="more votes than the total"),
    pytest.param(["002", "乙", 20, 3, 25, 101], "F3", ["「满意度」为 101，超出 0–100"], id="beyond column_max"),
    pytest.param(["002", "乙", 20, 3, 25, None], "F3", ["乙（002）的「满意度」为空"], id="blank value"),
]


@pytest.mark.parametrize("row, cell, words", CELLS)
def test_a_bad_cell_is_an_error_at_that_cell(tmp_path, row, cell, words):
    code, errors = _check(tmp_path, [GOOD, row])
    assert code == 1
    hits = [e for e in errors if all(w in e["message"] + e["hint"] for w in words)]
    assert len(hits) == 1, errors
    assert (hits[0]["sheet"], hits[0]["cell"]) == ("评分", cell)
    assert len(errors) == 1  # 甲's row is fine and nothing else is said


def test_a_missing_column_is_named(tmp_path):
    code, errors = _check(tmp_path, [["001", "甲", 20, 25, 96], ["002", "乙", 1, 1, 50]],
                          header=("优秀票", "总票数", "满意度"))
    assert code == 1
    assert [e["message"] for e in errors] == ["评分表缺少「称职票」列（民主测评按它分档）"]


def test_a_missing_row_is_named(tmp_path):
    code, errors = _check(tmp_path, [GOOD])
    assert code == 1 and any("评分表缺少1个考核对象：乙（002）" in e["message"] for e in errors)
