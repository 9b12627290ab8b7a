"""The annual workbook reads like the monthly one: the year's 加分 and 扣分, a grade for everyone,
Chinese sentences and local times in 说明."""

from __future__ import annotations

import re
from decimal import Decimal

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.packaged import sample_dir


def test_year_amounts_default_grade_and_plain_notes(tmp_path, monkeypatch):
    """caizheng January–March: each person's annual 加分 (扣分) is the sum of the three monthly
    汇总 sheets' 加分 (扣分), since caizheng has no year-end items; 总分 stays the mean."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    monthly = {}
    for m in ("2023-01", "2023-02", "2023-03"):
        out = tmp_path / f"{m}-r.xlsx"
        res = runner.invoke(app, ["score", str(sample_dir() / "caizheng" / f"{m}.xlsx"), "--scheme", "caizheng", "-o", str(out)])
        assert res.exit_code == 0, res.output
        rows = list(load_workbook(out)["汇总"].iter_rows(values_only=True))
        head = next(i for i, r in enumerate(rows) if r and "工号" in r)
        cols = rows[head]
        for r in rows[head + 1:]:
            if r[cols.index("工号")]:
                acc = monthly.setdefault(str(r[cols.index("工号")]), [Decimal(0), Decimal(0)])
                acc[0] += Decimal(str(r[cols.index("加分")] or 0))
                acc[1] += Decimal(str(r[cols.index("扣分")] or 0))
    res = runner.invoke(app, ["quota", "--year", "2023", "--quota", "优秀=15%"])
    assert res.exit_code == 0, res.output
    book = load_workbook(tmp_path / "2023-caizheng-年度汇总.xlsx")
    rows = list(book["年度"].iter_rows(values_only=True))
    cols = rows[1]
    data = [r for r in rows[2:] if r[cols.index("工号")]]
    with_bonus = 0
    for r in data:
        subject = str(r[cols.index("工号")])
        bonus, deduction = monthly[subject]
        assert Decimal(str(r[cols.index("加分")])) == bonus, subject
        assert Decimal(str(r[cols.index("扣分")])) == deduction, subject
        with_bonus += bonus > 0
        assert r[cols.index("建议等次")], f"{subject} has no 建议等次"
    assert with_bonus > 0
    assert {r[cols.index("建议等次")] for r in data} >= {"称职"}
    notes = " ".join(str(c) for r in book["说明"].iter_rows(values_only=True) for c in r if c)
    assert "{" not in notes and "'" not in notes
    assert "名额 优秀 15%" in notes.replace("  ", " ") or "优秀 15%" in notes
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", notes)
    assert "+00:00" not in notes and "T0" not in notes
