"""kaohe diff and kaohe history: an objection handled, and nothing lost."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

ROSTER = [["工号", "姓名", "科室", "分管领导"], ["001", "张三", "办公室", "王局"], ["002", "李四", "办公室", "王局"]]


def _book(path, late_zhang: int):
    return write_book(path, {
        "人员": ROSTER,
        "考勤": [["工号", "姓名", "迟到", "旷工"], ["001", "张三", late_zhang, 0], ["002", "李四", 0, 0.5]],
        "记实": [["工号", "姓名", "事项", "分值", "日期"], ["002", "李四", "履职不力", 3, "2023-03-10"]],
    })


def _score(runner, path, db, out):
    return runner.invoke(app, ["score", str(path), "--scheme", "zhujian", "--db", str(db), "-o", str(out), "--force"])


def test_diff_after_a_corrected_input_and_history_keeps_both(tmp_path):
    runner = CliRunner()
    db = tmp_path / "kaohe.db"
    first = _book(tmp_path / "2023-03.xlsx", late_zhang=3)
    assert _score(runner, first, db, tmp_path / "a.xlsx").exit_code == 0
    fixed = _book(tmp_path / "2023-03.xlsx", late_zhang=1)  # the objection: two lates were wrong
    assert _score(runner, fixed, db, tmp_path / "b.xlsx").exit_code == 0

    res = runner.invoke(app, ["diff", "--period", "2023-03", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    changed = {c["subject"]: c for c in data["changed"]}
    assert set(changed) == {"001"}
    assert (changed["001"]["old_total"], changed["001"]["new_total"]) == ("97.00", "99.00")
    assert [(r["item"], r["quantity"], r["points"]) for r in data["added"]] == [("迟到", "1", "-1")]
    assert [(r["item"], r["quantity"], r["points"]) for r in data["removed"]] == [("迟到", "3", "-3")]

    res = runner.invoke(app, ["diff", "--period", "2023-03", "--db", str(db)])
    assert res.exit_code == 0 and "97.00" in res.output and "99.00" in res.output

    res = runner.invoke(app, ["history", "--db", str(db), "--json"])
    runs = json.loads(res.output)
    assert [r["period"] for r in runs] == ["2023-03", "2023-03"]  # the old run is kept

    res = runner.invoke(app, ["history", "张三", "--db", str(db)])
    assert res.exit_code == 0 and "99.00" in res.output and "2023-03" in res.output


def test_diff_needs_two_runs(tmp_path):
    runner = CliRunner()
    db = tmp_path / "kaohe.db"
    assert _score(runner, _book(tmp_path / "2023-03.xlsx", 0), db, tmp_path / "a.xlsx").exit_code == 0
    res = runner.invoke(app, ["diff", "--period", "2023-03", "--db", str(db)])
    assert res.exit_code == 1
    assert "少于两次" in res.output


def test_history_of_unknown_person_is_a_clear_error(tmp_path):
    runner = CliRunner()
    db = tmp_path / "kaohe.db"
    assert _score(runner, _book(tmp_path / "2023-03.xlsx", 0), db, tmp_path / "a.xlsx").exit_code == 0
    res = runner.invoke(app, ["history", "赵六", "--db", str(db)])
    assert res.exit_code == 1
    assert "赵六" in res.output and "Traceback" not in res.output


def test_history_flags_caizheng_multi_year_rules(tmp_path):
    """Three years near the top → priority; two years near the bottom → 诫勉 (caizheng, 20%)."""
    runner = CliRunner()
    db = tmp_path / "kaohe.db"
    people = [["工号", "姓名", "科室", "分管领导"]] + [[f"{i:03d}", f"员工{i}", "办公室", "王局"] for i in range(1, 11)]
    for year, lates in ((2021, {}), (2022, {"010": 5}), (2023, {"010": 6})):  # 010 last every year
        # distinct scores: person i is late i−1 times (plus a few more for 010 in later years)
        late_rows = [["工号", "迟到"]] + [[f"{i:03d}", i - 1 + lates.get(f"{i:03d}", 0)] for i in range(1, 11)]
        bonus = [["对象", "事项", "级别", "文号", "事由"], ["001", "个人受奖", "市", f"市财〔{year}〕1号", "先进"]]
        path = write_book(tmp_path / f"{year}-03.xlsx", {"人员": people, "考勤": late_rows, "奖惩": bonus})
        res = runner.invoke(app, ["score", str(path), "--scheme", "caizheng", "--db", str(db), "-o", str(tmp_path / f"{year}.xlsx")])
        assert res.exit_code == 0, res.output
    top = runner.invoke(app, ["history", "001", "--db", str(db), "--json"])
    data = json.loads(top.output)
    assert [y["rank"] for y in data["years"]] == [1, 1, 1]
    assert any("连续三年" in f for f in data["flags"])
    low = json.loads(runner.invoke(app, ["history", "010", "--db", str(db), "--json"]).output)
    assert [y["rank"] for y in low["years"]][1:] == [10, 10]
    assert any("连续两年" in f for f in low["flags"]) and not any("连续三年" in f for f in low["flags"])
    mid = json.loads(runner.invoke(app, ["history", "005", "--db", str(db), "--json"]).output)
    assert mid["flags"] == []


def test_stored_totals_become_cents_and_a_missing_total_is_a_clear_error():
    import pytest

    import pandas as pd

    from kaohe_cli.app.quota import cents_of as _cents_of
    from kaohe_cli.errors import ArchiveError

    assert _cents_of(pd.Series(["95.50", "88.00", "95.50", "-0.25"])).tolist() == [9550, 8800, 9550, -25]
    with pytest.raises(ArchiveError, match="缺少总分"):
        _cents_of(pd.Series(["95.50", None]))
