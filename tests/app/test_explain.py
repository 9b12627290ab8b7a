"""`kaohe explain WHO --period P --db DB`: every point of a score, from the archive.

The input is the hand-computed caizheng case of tests/acceptance/test_result_workbook.py (totals worked out
in its docstring), plus 1007 张三 so that the name 张三 is shared by two people.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.store.archive import open_archive
from kaohe_cli.cli.main import app
from tests.helpers import write_book
from tests.acceptance.test_result_workbook import CAIZHENG_SHEETS

PERIOD = "2023-05"


def sheets_with_namesake() -> dict:
    sheets = copy.deepcopy(CAIZHENG_SHEETS)
    sheets["人员"].append(["1007", "张三", "国库科", "科员", "钱局", "是"])
    return sheets


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def score(src: Path, out: Path, db: Path):
    res = run("score", src, "--scheme", "caizheng", "--period", PERIOD, "-o", out, "--db", db, "--force")
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("explain")
    src = write_book(base / "2023-05.xlsx", sheets_with_namesake())
    db = base / "kaohe.db"
    score(src, base / "out.xlsx", db)
    return db


def flat(text: str) -> str:
    """Terminal output without whitespace and tree drawing, so wrapped lines read as one."""
    return re.sub(r"[\s│├└─]", "", text)


def archived_lines(db: Path, subject: str) -> list[dict]:
    with open_archive(db, create=False) as arc:
        run_ = arc.latest_run(PERIOD)
        return arc.ledger(run_.id, subject).to_dict("records")


def explain_json(db: Path, who: str) -> dict:
    res = run("explain", who, "--period", PERIOD, "--db", db, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


# ---- the explanation ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["1001", "1002", "1004", "1005"])
def test_every_ledger_line_is_shown_with_rule_and_source(archive, who):
    res = run("explain", who, "--period", PERIOD, "--db", archive)
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    lines = archived_lines(archive, who)
    assert lines
    for ln in lines:
        assert flat(ln["rule"]) in text, f"rule {ln['rule']!r} missing"
        if ln["source"]:
            assert f"来源{ln['source']}" in text, f"source {ln['source']!r} missing"
        if ln["evidence"]:
            assert flat(ln["evidence"]) in text


def test_explain_shows_total_rank_grade_and_the_name_verbatim(archive):
    res = run("explain", "1001", "--period", PERIOD, "--db", archive)
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert '=HYPERLINK("x")（1001）' in text
    assert "总分108.00" in text and "名次1" in text and "等次好" in text
    assert "个人受奖类加分封顶5分" in text
    assert "-2分" in text, "the cap line takes 2 points back"


def test_uncounted_line_is_shown_apart_with_its_reason(archive):
    res = run("explain", "1005", "--period", PERIOD, "--db", archive)
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "总分95.00" in text
    tail = text[text.index("未计分"):]
    assert "公益活动" in tail and "来源奖惩!C7" in tail and "无文号" in tail


@pytest.mark.parametrize("who, total", [("1001", "108.00"), ("1002", "103.00"), ("1004", "97.00"), ("1005", "95.00")])
def test_json_points_add_up_to_the_total(archive, who, total):
    ex = explain_json(archive, who)
    assert ex["subject"] == who and ex["total"] == total
    counted = [ln for g in ex["groups"] for ln in g["lines"] if ln["counted"] and not ln["annual"]]
    exact = sum((Decimal(ln["points"]) for ln in counted), Decimal(0))
    assert exact == Decimal(ex["exact"])
    assert exact.quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal(total)
    for g in ex["groups"]:
        if g["total"]:
            assert sum((Decimal(ln["points"]) for ln in g["lines"]), Decimal(0)) == Decimal(g["total"]), g["title"]


def test_json_groups_hold_each_ledger_line_once(archive):
    ex = explain_json(archive, "1005")
    shown = [(ln["rule"], ln["source"], ln["points"]) for g in ex["groups"] for ln in g["lines"]]
    stored = [(ln["rule"], ln["source"], ln["points"]) for ln in archived_lines(archive, "1005")]
    assert sorted(shown) == sorted(stored)


def test_by_name(archive):
    res = run("explain", "李四", "--period", PERIOD, "--db", archive)
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "李四（1006）" in text and "总分103.00" in text and "并列待定" in text
    assert explain_json(archive, "李四")["subject"] == "1006"


def test_period_in_another_spelling(archive):
    res = run("explain", "1006", "--period", "2023年5月", "--db", archive)
    assert res.exit_code == 0, res.output
    assert "103.00" in res.output


# ---- failures ----------------------------------------------------------------------------


def test_unknown_person_is_exit_1_in_chinese(archive):
    res = run("explain", "无此人", "--period", PERIOD, "--db", archive)
    assert res.exit_code == 1
    assert "没有「无此人」" in flat(res.output)
    assert "Traceback" not in res.output


def test_ambiguous_name_lists_the_ids(archive):
    res = run("explain", "张三", "--period", PERIOD, "--db", archive)
    assert res.exit_code == 1
    text = flat(res.output)
    assert "重名" in text and "1005" in text and "1007" in text
    assert "工号" in text, "the hint says to use the 工号"
    ok = run("explain", "1007", "--period", PERIOD, "--db", archive)
    assert ok.exit_code == 0 and "100.00" in ok.output


def test_no_archive_is_a_clear_message(tmp_path):
    db = tmp_path / "none.db"
    res = run("explain", "1001", "--period", PERIOD, "--db", db)
    assert res.exit_code == 1
    text = flat(res.output)
    assert "档案" in text and "不存在" in text and "kaohescore" in text, "says what to do: run kaohe score"
    assert not db.exists(), "explain must not create an archive"


def test_period_without_a_run_is_a_clear_message(archive):
    res = run("explain", "1001", "--period", "2023-06", "--db", archive)
    assert res.exit_code == 1
    assert "2023-06" in res.output and "评分记录" in flat(res.output)


# ---- two runs of one period ------------------------------------------------------------------


def test_scoring_twice_keeps_both_runs_and_explain_uses_the_latest(tmp_path):
    db = tmp_path / "kaohe.db"
    first = sheets_with_namesake()
    src = write_book(tmp_path / "2023-05.xlsx", first)
    score(src, tmp_path / "out.xlsx", db)
    assert explain_json(db, "1005")["total"] == "95.00"

    corrected = copy.deepcopy(first)
    corrected["记实"] = [corrected["记实"][0]]  # the 午间饮酒 row was a mistake
    write_book(src, corrected)
    score(src, tmp_path / "out.xlsx", db)

    with open_archive(db, create=False) as arc:
        runs = arc.runs(PERIOD)
        assert len(runs) == 2
        old, new = sorted(runs, key=lambda r: r.id)
        old_scores = arc.scores(old.id).set_index("subject")
        assert old_scores.at["1005", "total"] == "95.00", "the first run is kept as it was"
        assert old.input_files[0]["sha256"] != new.input_files[0]["sha256"]
    ex = explain_json(db, "1005")
    assert ex["run_id"] == new.id and ex["total"] == "100.00"
    res = run("explain", "1005", "--period", PERIOD, "--db", db)
    assert res.exit_code == 0
    text = flat(res.output)
    assert "总分100.00" in text and "午间饮酒" not in text
    assert f"第{new.id}次评分记录" in text


# ---- every hand case: the explanation partitions the ledger ----------------------------------


def _all_cases():
    out = []
    for m in ["zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"]:
        mod = importlib.import_module(f"tests.cases.{m}_cases")
        out += [pytest.param(c, id=c["id"]) for c in mod.CASES]
    return out


@pytest.mark.parametrize("case", _all_cases())
def test_explanation_accounts_for_every_ledger_line_once(case, tmp_path):
    """For every subject of every hand case: each archived line is in exactly one group, and the
    counted, non-annual lines add up to the exact total."""
    from kaohe_cli.app.explain import explain
    from kaohe_cli.scheme import load_scheme
    from kaohe_cli.app.score import archive_result, score_file

    src = write_book(tmp_path / f"{case['id']}.xlsx", case["sheets"])
    scored = score_file(src, load_scheme(case["scheme"]), case["period"])
    db = tmp_path / "kaohe.db"
    archive_result(scored, db)
    code = scored.result.period.code
    with open_archive(db, create=False) as arc:
        run_ = arc.latest_run(code)
        ledger = arc.ledger(run_.id)
    for subject in scored.result.table.index:
        ex = explain(db, subject, code)
        shown = sorted((ln["rule"], ln["source"], ln["points"], ln["kind"]) for g in ex.groups for ln in g.lines)
        mine = ledger[ledger["subject"] == subject]
        stored = sorted(zip(mine["rule"], mine["source"], mine["points"], mine["kind"]))
        assert shown == stored, subject
        counted = [ln for g in ex.groups for ln in g.lines if ln["counted"] and not ln["annual"]]
        assert sum((Decimal(ln["points"]) for ln in counted), Decimal(0)) == Decimal(ex.exact), subject


# ---- several schemes, units ------------------------------------------------------------------


def test_several_schemes_in_a_period_need_scheme(tmp_path):
    db = tmp_path / "kaohe.db"
    src = write_book(tmp_path / "2023-05.xlsx", {
        "人员": [["工号", "姓名", "科室"], ["1", "甲", "A科"], ["2", "乙", "B科"]],
        "考勤": [["工号", "迟到"], ["1", 1], ["2", 0]],
    })
    for sid in ("caizheng", "zhujian"):
        res = run("score", src, "--scheme", sid, "--period", PERIOD, "-o", tmp_path / f"{sid}.xlsx", "--db", db)
        assert res.exit_code == 0, res.output
    res = run("explain", "甲", "--period", PERIOD, "--db", db)
    assert res.exit_code == 2  # a usage error: --scheme chooses
    text = flat(res.output)
    assert "caizheng（财政局平时考核积分制）" in text and "zhujian（住建局干部职工量化考核）" in text and "--scheme" in text
    res = run("explain", "甲", "--period", PERIOD, "--db", db, "--scheme", "zhujian")
    assert res.exit_code == 0, res.output
    assert "住建局" in res.output and "99.00" in res.output and "基础分" in res.output
    # a scheme file names its scheme as well as its id does (it used to find no record)
    export = run("schemes", "export", "zhujian")
    (tmp_path / "mine.toml").write_text(export.stdout, encoding="utf-8")
    res = run("explain", "甲", "--period", PERIOD, "--db", db, "--scheme", tmp_path / "mine.toml")
    assert res.exit_code == 0, res.output
    assert "住建局" in res.output and "99.00" in res.output


def test_a_unit_by_its_name(tmp_path):
    from tests.acceptance.test_result_workbook import score_with_cli

    _, _, db = score_with_cli("mubiao", tmp_path)
    res = run("explain", "市机关后勤保障中心", "--period", "2023", "--db", db)
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "总分81.50" in text and "末位" in text
    assert "通报批评（次要）每次扣2.5分" in text and "来源奖惩!B4" in text
    ex = json.loads(run("explain", "市机关后勤保障中心", "--period", "2023", "--db", db, "--json").stdout)
    pts = sum((Decimal(ln["points"]) for g in ex["groups"] for ln in g["lines"] if ln["counted"] and not ln["annual"]),
              Decimal(0))
    assert pts == Decimal("81.5")


def test_quantities_read_as_a_clerk_says_them(tmp_path, monkeypatch):
    """zhujian November (packaged sample): 许鸣涛 (0007) was absent 1.5 days at 2 points per half
    day: the line says 1.5 天，扣 6 分 after its rule, not "×1.5" that reads like one point."""
    from kaohe_cli.packaged import sample_dir

    monkeypatch.chdir(tmp_path)
    assert run("score", sample_dir() / "zhujian" / "2023-11.xlsx", "--scheme", "zhujian", "-o", "r.xlsx").exit_code == 0
    res = run("explain", "0007", "--period", "2023-11")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "旷工每半天扣2分：1.5天，扣6分" in text
    assert "迟到每次扣1分：4次，扣4分" in text
    assert "×1.5" not in text
