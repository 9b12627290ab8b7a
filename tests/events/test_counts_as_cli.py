"""`counts_as` to several items, and a `counts_as` row naming several people, end to end:
`kaohe score` for March 2023.

Scheme: 出勤 10 (deduction). 误课 −1 per 节, 误班 −0.5 per 节; 私自调课 counts as 误课 and as 误班,
a row may name several people (its own `targets`, multiple); 旷课 −1 per 节, several people a row;
逃课 counts as 旷课 and sets no targets (旷课's apply); 代课 counts as 误课, one person a row (neither
allows several). By hand:

- 001 张三: 私自调课 (奖惩, with 李四) → 误课 −1, 误班 −0.5 → 8.50
- 002 李四: the same row, and 私自调课 1 on 考勤 → −1.5 twice → 7.00
- 003 王五, 004 赵六: 逃课 2 for both on one row → 旷课 2 → −2 → 8.00 each
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

SCHEME = """
id = "tiaoke"
name = "私自调课"
period = "month"

[[components]]
name = "出勤"
kind = "deduction"
max = 10

[[items]]
name = "误课"
kind = "deduction"
component = "出勤"
unit = "节"
points = 1

[[items]]
name = "误班"
kind = "deduction"
component = "出勤"
unit = "节"
points = 0.5

[[items]]
name = "私自调课"
kind = "deduction"
unit = "节"
attendance = true
counts_as = [{ item = "误课" }, { item = "误班" }]
targets = { multiple = true }

[[items]]
name = "旷课"
kind = "deduction"
component = "出勤"
unit = "节"
points = 1
targets = { multiple = true }

[[items]]
name = "逃课"
kind = "deduction"
unit = "节"
counts_as = { item = "旷课" }

[[items]]
name = "代课"
kind = "deduction"
unit = "节"
counts_as = { item = "误课" }
"""

PEOPLE = [["工号", "姓名", "科室"], ["001", "张三", "教务"], ["002", "李四", "教务"], ["003", "王五", "教务"],
          ["004", "赵六", "教务"]]


def _score(tmp_path: Path, sheets: dict) -> tuple[object, Path]:
    scheme = tmp_path / "tiaoke.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    book = write_book(tmp_path / "in.xlsx", {"人员": PEOPLE, **sheets})
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2023-03",
                                   "--db", str(tmp_path / "k.db"), "-o", str(out)])
    return res, out


def test_a_row_counts_as_each_listed_item_for_each_person_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res, out = _score(tmp_path, {
        "考勤": [["工号", "姓名", "私自调课"], ["001", "张三", 0], ["002", "李四", 1]],
        "奖惩": [["对象", "事项", "次数"], ["张三、李四", "私自调课", 1], ["王五、赵六", "逃课", 2]],
    })
    assert res.exit_code == 0, res.output
    rows = list(load_workbook(out)["汇总"].iter_rows(values_only=True))
    head = list(rows[1])
    got = {r[head.index("工号")]: r[head.index("总分")] for r in rows[2:] if r[head.index("工号")]}
    assert got == {"001": 8.5, "002": 7, "003": 8, "004": 8}
    rows = list(load_workbook(out)["明细"].iter_rows(values_only=True))
    col = {c: i for i, c in enumerate(rows[0])}
    swapped = sorted((r[col["工号"]], r[col["事项"]], r[col["来源"]]) for r in rows[1:]
                     if "登记为「私自调课」" in (r[col["备注"]] or ""))
    assert swapped == [("001", "误班", "奖惩!B2"), ("001", "误课", "奖惩!B2"), ("002", "误班", "奖惩!B2"),
                       ("002", "误班", "考勤!C3"), ("002", "误课", "奖惩!B2"), ("002", "误课", "考勤!C3")]


def test_a_row_names_several_people_only_when_the_entered_item_allows_it(tmp_path, monkeypatch):
    """逃课 (旷课's targets) for 王五、赵六 is accepted; 代课 for 张三、李四 is refused at its cell,
    naming 代课 (the item the clerk wrote), and nothing is written."""
    monkeypatch.chdir(tmp_path)
    res, out = _score(tmp_path, {"奖惩": [["对象", "事项", "次数"], ["王五、赵六", "逃课", 1], ["张三、李四", "代课", 1]]})
    assert res.exit_code != 0 and not out.exists()
    assert "奖惩!A3" in res.output and "事项「代课」不能同时指定多个对象" in res.output
    assert "逃课" not in res.output and "旷课" not in res.output
