"""`kaohe decide` for a quarter and a year, and what follows from a decision: the 公示 refuses
an undecided tie, lists the decided grades, `explain` shows the decision, `quota` keeps it.

Each workspace is an empty folder without kaohe.toml; the docstrings hold the hand computation.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.app.decide import similar_subjects
from tests.helpers import write_book


def run(*args):
    res = CliRunner().invoke(app, [str(a) for a in args])
    return res.exit_code, "".join(res.output.split())  # a narrow console may fold any text


def table_rows(path: Path) -> list[list[str]]:
    doc = Document(str(path))
    rows = [[c.text.strip() for c in row.cells] for t in doc.tables for row in t.rows][1:]
    return [r for r in rows if len(r) == 4 and any(r)]  # 序号, 姓名, 科室, 等次


def all_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "".join(p.text for p in doc.paragraphs) + "".join(cells)


# --- a quarter with ties (jinjiang) --------------------------------------------------------

QUARTER_NAMES = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"]
QUARTER_RATINGS = [(50, 40), (48, 38), (48, 38), (47, 38), (45, 35), (45, 35), (44, 35), (44, 34)]


@pytest.fixture
def quarter(tmp_path, monkeypatch):
    """8 people of one 类别, every 测评得分 90 (one rank band for all), no attendance events.

    Totals (常规 + 重点 + 考勤 10 + band): 赵一 96.00, 钱二 93.60, 孙三 93.60, 李四 93.00, 周五 90.00,
    吴六 90.00, 郑七 89.40, 王八 88.80. 优秀 (≥90) floor(8×25%) = 2 places: 赵一, then 钱二 and
    孙三 tie for the last → 并列待定. 良好 (≥75) floor(8×30%) = 2: 李四, then 周五 and 吴六 tie →
    并列待定. 称职: 郑七, 王八."""
    monkeypatch.chdir(tmp_path)
    ids = [f"J0{i + 1}" for i in range(8)]
    write_book(tmp_path / "2023Q2.xlsx", {
        "人员": [["工号", "姓名", "科室", "类别"]] + [[i, n, "党政办", "一般工作人员"] for i, n in zip(ids, QUARTER_NAMES)],
        "考勤": [["工号", "姓名", "迟到", "旷工", "事假", "病假"]] + [[i, n, 0, 0, 0, 0] for i, n in zip(ids, QUARTER_NAMES)],
        "评分": [["工号", "姓名", "常规工作", "重点项目", "奖惩附加分", "测评得分"]]
        + [[i, n, a, b, 0, 90] for i, n, (a, b) in zip(ids, QUARTER_NAMES, QUARTER_RATINGS)],
        "奖惩": [["对象", "对象类型", "事项", "文号", "事由", "日期"]],
    })
    code, out = run("score", "2023Q2.xlsx", "--scheme", "jinjiang")
    assert code == 0, out
    return tmp_path


def test_an_undecided_quarter_is_not_publicized_then_the_decision_is(quarter):
    """Decide 孙三 (J03) = 优秀: 孙三 fills the contested 优秀 place. 钱二 goes down to 良好,
    whose 2 places are filled again: 钱二 93.60 and 李四 93.00. 周五 and 吴六 (90.00) are no
    longer at a 良好 edge: they are 称职. Nobody is 并列待定 any more."""
    code, out = run("notice", "--publicize", "--period", "2023Q2", "--date", "2023-07-03")
    assert code == 1
    assert "钱二（J02）" in out and "孙三（J03）" in out and "并列待定" in out
    assert "kaohedecide--period2023Q2" in out
    assert not (quarter / "notices").exists()

    code, out = run("decide", "--period", "2023Q2", "J03=优秀", "--note", "街道党工委会议纪要〔2023〕7号")
    assert code == 0, out
    assert "孙三（J03）：并列待定→优秀" in out and "钱二（J02）：并列待定→良好" in out

    code, out = run("notice", "--publicize", "--period", "2023Q2", "--date", "2023-07-03")
    assert code == 0, out
    doc = quarter / "notices" / "2023Q2" / "公示-2023Q2.docx"
    assert [r[1:] for r in table_rows(doc)] == [
        ["赵一", "党政办", "优秀"], ["钱二", "党政办", "良好"], ["孙三", "党政办", "优秀"], ["李四", "党政办", "良好"],
        ["周五", "党政办", "称职"], ["吴六", "党政办", "称职"], ["郑七", "党政办", "称职"], ["王八", "党政办", "称职"],
    ]
    assert "并列待定" not in all_text(doc)

    code, out = run("explain", "孙三", "--period", "2023Q2")
    assert code == 0, out
    assert "等次优秀" in out and "集体研究决定：优秀" in out and "街道党工委会议纪要〔2023〕7号" in out


def test_a_draft_for_the_meeting_is_marked(quarter):
    code, out = run("notice", "--publicize", "--period", "2023Q2", "--date", "2023-07-03", "--draft")
    assert code == 0, out
    doc = quarter / "notices" / "2023Q2" / "公示-2023Q2-征求意见稿.docx"
    assert "征求意见稿" in all_text(doc) and "并列待定" in all_text(doc)


def test_decisions_are_listed_and_can_be_revoked(quarter):
    """Revoking 孙三's decision gives the original grades back (钱二, 孙三 并列待定 again)."""
    assert run("decide", "--period", "2023Q2", "J03=优秀", "--note", "纪要7号")[0] == 0
    code, out = run("decide", "--period", "2023Q2", "--revoke", "J03")
    assert code == 0, out
    assert "孙三（J03）：撤销原决定" in out and "孙三（J03）：优秀→并列待定" in out
    code, out = run("decide", "--period", "2023Q2", "--list")
    assert code == 0, out
    assert "J03：优秀，纪要7号" in out and "J03：撤销" in out
    code, out = run("explain", "J03", "--period", "2023Q2")
    assert "等次并列待定" in out and "集体研究决定：" not in out


def test_a_revocation_needs_a_decision(quarter):
    code, out = run("decide", "--period", "2023Q2", "--revoke", "J02")
    assert code == 1 and "没有可撤销" in out


# --- a year of candidates (zhujian) -----------------------------------------------------------


@pytest.fixture
def year(tmp_path, monkeypatch):
    """One month (2023-01) of 7 people, all 100 that month; the year adds their 通报表扬 bonuses:
    P001 赵一 +12 (省委省政府), P003 孙三 +8 (省级部门), P006 吴六 +5 (县委县政府), P002 钱二 and
    P004 李四 +3 (县级部门). Annual: 112, 103, 108, 103, 100, 105, 100. 优秀预备人选
    floor(7×30%) = 2 places: P001 (112) and P003 (108); P006 (105) is third, not tied."""
    monkeypatch.chdir(tmp_path)
    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七"]
    bonus = [("P001", "省委省政府"), ("P003", "省级部门"), ("P006", "县委县政府"), ("P002", "县级部门"), ("P004", "县级部门")]
    write_book(tmp_path / "2023-01.xlsx", {
        "人员": [["工号", "姓名", "科室", "年休假天数"]] + [[f"P00{i + 1}", n, "办公室", 0] for i, n in enumerate(names)],
        "奖惩": [["对象", "对象类型", "事项", "级别", "文号", "事由", "日期"]]
        + [[who, "个人", "通报表扬", level, f"文〔2023〕{k + 1}号", "先进个人", dt.date(2023, 1, 10 + k)]
           for k, (who, level) in enumerate(bonus)],
    })
    code, out = run("score", "2023-01.xlsx", "--scheme", "zhujian")
    assert code == 0, out
    code, out = run("quota", "--year", "2023")
    assert code == 0, out
    return tmp_path


def _log(folder: Path) -> list:
    with sqlite3.connect(folder / "kaohe.db") as conn:
        return conn.execute("SELECT subject, grade FROM decisions").fetchall()


def _candidates(folder: Path) -> list[str]:
    import json

    res = CliRunner().invoke(app, ["quota", "--year", "2023", "--json", "--force"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout[res.stdout.index("{"):])
    return sorted(s["subject"] for s in data["subjects"] if s["grade"] == "优秀预备人选")


def test_a_decision_that_takes_a_higher_untied_place_is_refused(year):
    code, out = run("decide", "--period", "2023", "P006=优秀预备人选")
    assert code == 1
    assert "吴六（P006，105.00分）" in out and "孙三（P003，108.00分）失去名额" in out and "--displace" in out
    assert _log(year) == []
    assert _candidates(year) == ["P001", "P003"]
    code, out = run("quota", "--year", "2023", "--decide", "P006=优秀预备人选", "--force")
    assert code == 1 and "孙三（P003，108.00分）" in out
    assert _log(year) == []


@pytest.mark.parametrize("choice, words", [("P999=优秀预备人选", "「P999」不在2023年度的考核结果中"),
                                           ("P006=特等奖", "等次「特等奖」不是方案zhujian"),
                                           ("P006=并列待定", "等次「并列待定」不是")])
def test_unknown_subjects_and_grades_are_errors_and_not_stored(year, choice, words):
    code, out = run("decide", "--period", "2023", choice)
    assert code == 1
    assert words in out
    assert _log(year) == []


def test_displace_records_the_decision_and_notes_both_people(year):
    """With --displace, P006 takes the place and P003 loses it; both 备注 say so."""
    code, out = run("decide", "--period", "2023", "P006=优秀预备人选", "--displace", "--note", "局党组会议纪要〔2024〕2号")
    assert code == 0, out
    assert _candidates(year) == ["P001", "P006"]
    from openpyxl import load_workbook

    sheet = load_workbook(year / "2023-zhujian-年度汇总.xlsx")["年度"]
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r and r[1] in ("P003", "P006")}
    assert "孙三（P003）因此未获该等次" in rows["P006"][-1] and "局党组会议纪要〔2024〕2号" in rows["P006"][-1]
    assert "因集体研究决定（吴六（P006）定为优秀预备人选）" in rows["P003"][-1]


def test_the_annual_notice_lists_the_proposed_top_grade(year):
    """公示 dated 2024-01-10 (Wednesday): 5 working days, 1月10、11、12、15、16日."""
    code, out = run("notice", "--publicize", "--period", "2023", "--date", "2024-01-10")
    assert code == 0, out
    assert "2024年1月10日至2024年1月16日（5个工作日），共2人" in out
    doc = year / "notices" / "2023" / "公示-2023.docx"
    assert [r[1:] for r in table_rows(doc)] == [["赵一", "办公室", "优秀预备人选"], ["孙三", "办公室", "优秀预备人选"]]
    assert "关于2023年度考核优秀预备人选的公示" in all_text(doc)


def test_a_mistyped_id_is_suggested_with_its_leading_zeros():
    assert similar_subjects("101", ["0101", "0102", "1010"], {}) == ["0101"]
    assert similar_subjects("张三", ["0101", "0102"], {"0101": "张三", "0102": "李四"}) == ["0101"]


def test_independent_designations_are_decided_together(tmp_path, monkeypatch):
    """caizheng's first quarter (packaged sample): 优秀 and 先进工作者 are independent designations.
    梁学新 (1004) is tied at both edges; one decision can give both, joined with 、; a part
    that is not declared is refused whole."""
    from kaohe_cli.packaged import sample_dir

    monkeypatch.chdir(tmp_path)
    for m in ("2023-01", "2023-02", "2023-03"):
        assert run("score", sample_dir() / "caizheng" / f"{m}.xlsx", "--scheme", "caizheng", "-o", f"{m}.xlsx")[0] == 0
    code, out = run("decide", "--period", "2023Q1", "1004=优秀、特等奖")
    assert code == 1 and "特等奖" in out
    code, out = run("decide", "--period", "2023Q1", "1004=优秀、先进工作者", "--note", "纪要5号")
    assert code == 0, out
    assert "梁学新（1004）：并列待定（优秀）、并列待定（先进工作者）→优秀、先进工作者" in out


def test_the_draft_of_a_year_lists_the_tied_with_the_proposed(tmp_path, monkeypatch):
    """caizheng's first quarter: the draft 公示 lists the 优秀/先进工作者 people and the three tied
    at the 优秀 edge (梁学新, 周丽韵, 蔡祥俊), marked 并列待定, for the committee's meeting."""
    from kaohe_cli.packaged import sample_dir

    monkeypatch.chdir(tmp_path)
    for m in ("2023-01", "2023-02", "2023-03"):
        assert run("score", sample_dir() / "caizheng" / f"{m}.xlsx", "--scheme", "caizheng", "-o", f"{m}.xlsx")[0] == 0
    assert run("quota", "--quarter", "2023Q1")[0] == 0
    code, out = run("notice", "--publicize", "--period", "2023Q1", "--date", "2023-04-03")
    assert code == 1 and "梁学新（1004）" in out and "蔡祥俊（1112）" in out
    code, out = run("notice", "--publicize", "--period", "2023Q1", "--date", "2023-04-03", "--draft")
    assert code == 0, out
    rows = table_rows(tmp_path / "notices" / "2023Q1" / "公示-2023Q1-征求意见稿.docx")
    tied = {r[1]: r[3] for r in rows if "并列待定" in r[3]}
    assert set(tied) == {"梁学新", "周丽韵", "蔡祥俊"}
    assert all(r[3].split("、")[0] in ("优秀", "先进工作者", "并列待定（优秀）") for r in rows)


def test_scoring_the_period_again_writes_the_decision_into_the_workbook(quarter):
    """After deciding 孙三 = 优秀, scoring 2023Q2 again (the clerk's "updated workbook") shows
    孙三 优秀 with the decision in 备注, 钱二 良好, and no 并列待定 in 汇总."""
    from openpyxl import load_workbook

    code, out = run("decide", "--period", "2023Q2", "J03=优秀", "--note", "纪要7号")
    assert code == 0 and "kaohescore2023Q2.xlsx--period2023Q2--force" in out
    code, out = run("score", "2023Q2.xlsx", "--scheme", "jinjiang", "--force")
    assert code == 0, out
    rows = list(load_workbook(quarter / "2023Q2-考核结果.xlsx")["汇总"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and "工号" in r)
    cols = rows[head]
    by_id = {r[cols.index("工号")]: r for r in rows[head + 1:] if r and r[cols.index("工号")]}
    assert by_id["J03"][cols.index("等次")] == "优秀" and "纪要7号" in by_id["J03"][cols.index("备注")]
    assert by_id["J02"][cols.index("等次")] == "良好"
    assert "并列待定" not in [r[cols.index("等次")] for r in by_id.values()]
    code, out = run("notice", "--publicize", "--period", "2023Q2", "--date", "2023-07-03")
    assert code == 0, out


def test_a_candidate_can_be_decided_out_to_the_default_grade(year):
    """P003 (孙三, 108.00) is a candidate; the committee decides 称职 (the default annual grade):
    the place goes to the next in rank, P006 (吴六, 105.00), and nobody is displaced."""
    code, out = run("decide", "--period", "2023", "P003=称职", "--note", "纪要3号")
    assert code == 0, out
    assert _candidates(year) == ["P001", "P006"]
