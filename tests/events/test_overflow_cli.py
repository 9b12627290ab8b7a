"""The part above N counted as another item (`overflow`), `counts_as` to several items, and a
`counts_as` row naming several people, end to end: `kaohe score` for a term.

Scheme (the guide's example, with 私自调课): 出勤 10 (deduction). 病假 (marker) above 3 天 → 事假;
事假 (marker, with what 病假 adds) above 3 天 → 误班, 1 节 a day; 误班 −0.5 per 节; 误课 −1 per 节;
私自调课 counts as 误课 and as 误班, a row may name several people (multiple). Rule: 病假 more than
4 天 → flag. By hand:

- 001 张三: 病假 5 → 2 天 事假; 事假 2 + 2 = 4 → 1 节 误班 −0.5; 私自调课 (奖惩, with 李四) →
  误课 −1, 误班 −0.5 → 10 − 2 = 8.00; 病假 5 > 4 → flagged
- 002 李四: 病假 2, nothing converted; 私自调课 on 奖惩 (−1.5) and 1 on 考勤 (−1.5) → 7.00
- 003 王五: 病假 3, 事假 3: neither above 3 → 10.00
- 004 赵六: 病假 10 → 7 天 事假 → 4 节 误班 → −2 → 8.00; flagged
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

SCHEME = """
id = "chaochu"
name = "超出部分按另一事项计"
period = "term"

[[components]]
name = "出勤"
kind = "deduction"
max = 10

[[items]]
name = "病假"
kind = "marker"
unit = "天"
attendance = true
overflow = { over = 3, item = "事假" }

[[items]]
name = "事假"
kind = "marker"
unit = "天"
attendance = true
overflow = { over = 3, item = "误班", per_unit = 1 }

[[items]]
name = "误班"
kind = "deduction"
component = "出勤"
unit = "节"
points = 0.5

[[items]]
name = "误课"
kind = "deduction"
component = "出勤"
unit = "节"
points = 1

[[items]]
name = "私自调课"
kind = "deduction"
unit = "节"
attendance = true
counts_as = [{ item = "误课" }, { item = "误班" }]
targets = { multiple = true }

[[rules]]
name = "病假超过4天"
when = { quantity_of = ["病假"], gt = 4 }
action = "flag"
"""


def _rows(path: Path, sheet: str) -> list[tuple]:
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


def test_overflow_and_counts_as_to_several_items_and_people(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = tmp_path / "chaochu.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    book = write_book(tmp_path / "in.xlsx", {
        "人员": [["工号", "姓名", "科室"], ["001", "张三", "教务"], ["002", "李四", "教务"], ["003", "王五", "教务"],
               ["004", "赵六", "教务"]],
        "考勤": [["工号", "姓名", "病假", "事假", "私自调课"], ["001", "张三", 5, 2, 0], ["002", "李四", 2, 0, 1],
               ["003", "王五", 3, 3, 0], ["004", "赵六", 10, 0, 0]],
        "奖惩": [["对象", "事项", "次数"], ["张三、李四", "私自调课", 1]],
    })
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2023-2024学年第一学期",
                                   "--db", str(tmp_path / "k.db"), "-o", str(out)])
    assert res.exit_code == 0, res.output

    rows = _rows(out, "汇总")
    head = list(rows[1])
    got = {r[head.index("工号")]: (r[head.index("出勤")], r[head.index("总分")], r[head.index("备注")] or "")
           for r in rows[2:] if r[head.index("工号")]}
    assert {k: v[:2] for k, v in got.items()} == {"001": (8, 8), "002": (7, 7), "003": (10, 10), "004": (8, 8)}
    assert [k for k, v in got.items() if "病假超过4天" in v[2]] == ["001", "004"]

    rows = _rows(out, "明细")
    col = {c: i for i, c in enumerate(rows[0])}
    ledger = [{c: ("" if r[i] is None else r[i]) for c, i in col.items()} for r in rows[1:]]
    # the converted parts, each traced to the cells it came from
    converted = [(r["工号"], r["事项"], r["数量"], r["分值"], r["规则"], r["来源"]) for r in ledger if "超过3天的" in r["规则"]]
    assert sorted(converted) == [
        ("001", "事假", 2, 0, "病假共5天，超过3天的2天按事假计（记录，不直接计分）", "考勤!C2"),
        ("001", "误班", 1, -0.5, "事假共4天，超过3天的1天按误班计，每天折合1节，计1节，每节扣0.5分，扣0.5分", "考勤!D2、考勤!C2"),
        ("004", "事假", 7, 0, "病假共10天，超过3天的7天按事假计（记录，不直接计分）", "考勤!C5"),
        ("004", "误班", 4, -2, "事假共7天，超过3天的4天按误班计，每天折合1节，计4节，每节扣0.5分，扣2分", "考勤!C5"),
    ]
    # 私自调课 on 奖惩 (张三、李四) and on 考勤 (李四): each recorded as 误课 and as 误班
    swapped = sorted((r["工号"], r["事项"], r["来源"]) for r in ledger if "登记为「私自调课」" in r["备注"])
    assert swapped == [("001", "误班", "奖惩!B2"), ("001", "误课", "奖惩!B2"), ("002", "误班", "奖惩!B2"),
                       ("002", "误班", "考勤!E3"), ("002", "误课", "奖惩!B2"), ("002", "误课", "考勤!E3")]

