"""A year's allowance (`[[annual.allowances]]`), the general form of zhujian's leave arithmetic:
the allowance per person from a roster column, else years of service, else a fixed amount.

`_allowance_of` table: (roster facts, allowance) → (amount, where it came from), by hand. Then
end to end: a scheme whose 请假额度 is 5 days for everyone (病假 + 事假), over it −0.5 per day, no
bonus under it; two months scored, then `kaohe quota --year 2023`:

- 001: 事假 2 (Jan) + 病假 4 (Feb) = 6 > 5 → −0.5; months 100, 100 → 99.50
- 002: 事假 5 (Jan) = 5, not over → 100.00 (no under_points: nothing for the unused)
- 003: nothing → 100.00
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from kaohe_cli.engine.annual import _allowance_of
from kaohe_cli.scheme.model import Allowance
from tests.helpers import score_then_year, sheet_rows

LEAVE = Allowance.model_validate({"name": "年休假", "items": ["年休假"], "column": "年休假天数",
                                  "by_years": {"bands": [[1, 5], [10, 10], [20, 15]]}, "under_points": 1})
FIXED = Allowance.model_validate({"name": "请假额度", "items": ["事假"], "amount": 5, "over_points": 0.5})


@pytest.mark.parametrize("allowance, extra, expected", [
    (LEAVE, {"年休假天数": 7}, (Decimal(7), "人员表年休假天数")),
    # 2003-01-01 → 2023-12-31: 20 full years → 15 days; 2013-12-31 → 10 years on 12-31 → 10
    (LEAVE, {"参加工作时间": "2003-01-01"}, (Decimal(15), "参加工作时间至年末满20年")),
    (LEAVE, {"参加工作时间": "2013-12-31"}, (Decimal(10), "参加工作时间至年末满10年")),
    # joined 2023-03-01: 0 full years, below the first band → 0
    (LEAVE, {"参加工作时间": "2023-03-01"}, (Decimal(0), "参加工作时间至年末满0年")),
    (LEAVE, {}, (None, "")),
    (FIXED, {}, (Decimal(5), "方案规定")),
])
def test_where_the_allowance_comes_from(allowance, extra, expected):
    assert _allowance_of(extra, allowance, 2023) == expected


SCHEME = """
id = "edu"
name = "请假额度示例"
period = "month"

[[components]]
name = "考勤"
kind = "deduction"
max = 100

[[items]]
name = "事假"
kind = "marker"
unit = "天"
attendance = true

[[items]]
name = "病假"
kind = "marker"
unit = "天"
attendance = true

[[annual.allowances]]
name = "请假额度"
items = ["事假", "病假"]
amount = 5
over_points = 0.5
"""


def test_a_fixed_allowance_costs_the_days_over_it(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = tmp_path / "edu.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    people = [["工号", "姓名", "科室"], ["001", "张三", "教务处"], ["002", "李四", "教务处"], ["003", "王五", "教务处"]]
    head = ["工号", "姓名", "事假", "病假"]
    months = {"2023-01": [["001", "张三", 2, 0], ["002", "李四", 5, 0], ["003", "王五", 0, 0]],
              "2023-02": [["001", "张三", 0, 4], ["002", "李四", 0, 0], ["003", "王五", 0, 0]]}
    _, out = score_then_year(tmp_path, str(scheme), {c: {"人员": people, "考勤": [head, *rows]} for c, rows in months.items()},
                             "2023")
    got = sheet_rows(out, "年度", "工号", "总分", "备注")
    assert {k: v[0] for k, v in got.items()} == {"001": 99.5, "002": 100, "003": 100}
    assert "请假额度5天（方案规定），事假、病假共6天，超出1天扣分" in got["001"][1]
    assert not got["002"][1]
