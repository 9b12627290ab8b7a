"""“Scored but not graded” in the scheme's own words (issue 17, Outcomes): a no_grade rule's
`grade_text` (不参加年度考核, 不定等次) is what the 等次 cell says instead of 不确定等次.

Everything else about no_grade stays: the subject is scored, takes no quota place, is not
counted in N, gets no 诫勉 letter, is left off the 公示, and a committee decision cannot change it
(the run records the state in its grading inputs, so a regraded run still sees it as fixed).

The grading is table-driven on `assign_grades`; the rules through `apply_rule`; the scheme
checks through `parse_scheme`; then one end-to-end run: score two months, decide (refused for
that person, in the month and in the year), explain, history, 公示 and `quota --year`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.engine.actions import apply_rule, ungraded_texts
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.engine.grading import assign_grades
from kaohe_cli.errors import SchemeError
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.loader import parse_scheme
from kaohe_cli.scheme.model import Grading, Rule
from tests.helpers import write_book

OUT = "不参加年度考核"
TOP_40 = Grading.model_validate({"grades": [{"name": "优秀", "quota": "40%"}, {"name": "称职"}]})
NONE = Grading.model_validate({"grades": []})

# ---- grading -----------------------------------------------------------------------------------

# (grading, scores in cents, no_grade, its text ("" = none given), forced, expected grades)
GRADES = [
    pytest.param(TOP_40, [9900, 9500, 9400, 9300, 9200], [1, 0, 0, 0, 0], [OUT, "", "", "", ""], None,
                 [OUT, "优秀", "称职", "称职", "称职"],
                 id="the rule's words; N = 4 -> 40% = 1.6 -> 1 place"),
    pytest.param(TOP_40, [9900, 9500, 9400, 9300, 9200], [1, 1, 0, 0, 0], [OUT, "", "", "", ""], None,
                 [OUT, "不确定等次", "优秀", "称职", "称职"],
                 id="one with words, one without; N = 3 -> 1.2 -> 1 place"),
    pytest.param(TOP_40, [9900, 9500, 9400, 9300, 9200], [0, 0, 0, 0, 0], [OUT, "", "", "", ""], None,
                 ["优秀", "优秀", "称职", "称职", "称职"],
                 id="words without no_grade do nothing; N = 5 -> 2 places"),
    pytest.param(TOP_40, [9900, 9500, 9400, 9300, 9200], [0, 0, 0, 0, 1], ["", "", "", "", "不定等次"],
                 ["", "", "", "", "称职"], ["优秀", "称职", "称职", "称职", "不定等次"],
                 id="no_grade wins over a forced grade and is out of N; N = 4 -> 1 place"),
    pytest.param(NONE, [9900, 9500, 9400], [0, 1, 0], ["", OUT, ""], None, ["", OUT, ""],
                 id="a scheme without grades shows the words, the others blank"),
]


@pytest.mark.parametrize("grading, cents, no_grade, texts, forced, expected", GRADES)
def test_the_grade_cell_says_the_rules_words(grading, cents, no_grade, texts, forced, expected):
    idx = pd.Index([f"p{i}" for i in range(len(cents))])
    r = assign_grades(
        grading, pd.Series(cents, index=idx), no_grade=pd.Series([bool(x) for x in no_grade], index=idx),
        no_grade_text=pd.Series(texts, index=idx, dtype=object),
        forced=None if forced is None else pd.Series(forced, index=idx, dtype=object),
    )
    assert list(r.grades) == expected


def test_the_quota_counts_only_the_graded():
    idx = pd.Index(["a", "b", "c", "d", "e"])
    r = assign_grades(TOP_40, pd.Series([9900, 9500, 9400, 9300, 9200], index=idx),
                      no_grade=pd.Series([True, False, False, False, False], index=idx),
                      no_grade_text=pd.Series([OUT, "", "", "", ""], index=idx, dtype=object))
    assert [(u.grade, u.n, u.places, u.granted) for u in r.uses] == [("优秀", 4, 1, 1)]


@pytest.mark.parametrize("decided", ["优秀", "称职"])
def test_a_committee_decision_cannot_change_it(decided):
    idx = pd.Index(["a", "b", "c"])
    r = assign_grades(TOP_40, pd.Series([9900, 9500, 9400], index=idx),
                      no_grade=pd.Series([True, False, False], index=idx),
                      no_grade_text=pd.Series([OUT, "", ""], index=idx, dtype=object),
                      preset=pd.Series({"a": decided}, dtype=object))
    assert r.grades["a"] == OUT
    assert [(c.kind, c.grade, c.decided) for c in r.conflicts] == [("fixed", decided, ["a"])]


# ---- the action --------------------------------------------------------------------------------


def _rule(name: str, grade_text: str | None = None) -> Rule:
    data = {"name": name, "action": "no_grade", "when": {"items": ["病假"]}}
    if grade_text is not None:
        data["grade_text"] = grade_text
    return Rule.model_validate(data)


@pytest.mark.parametrize("explain", [True, False], ids=["period", "annual"])
def test_the_first_no_grade_rule_gives_the_words(explain):
    """p0: 不参加年度考核 then 不定等次 -> the first; p1: only the rule without words; p2: nothing."""
    idx = pd.Index(["p0", "p1", "p2"])
    ctx = RuleContext(pd.DataFrame(index=idx), L.empty(), ["优秀", "称职"], lines_explain=explain)
    apply_rule(_rule("病假满半年", OUT), pd.Series([True, False, False], index=idx), ctx)
    apply_rule(_rule("新入职"), pd.Series([True, True, False], index=idx), ctx)
    apply_rule(_rule("借调", "不定等次"), pd.Series([True, True, False], index=idx), ctx)
    assert list(ctx.grades.no_grade) == [True, True, False]
    assert list(ctx.grades.no_grade_text) == [OUT, "", ""]
    assert ctx.remarks == {"p0": ["病假满半年", "新入职", "借调"], "p1": ["新入职", "借调"]}


# ---- the scheme checks -------------------------------------------------------------------------

SMALL = '''id = "demo"
name = "演示"
period = "month"

[[components]]
name = "基础分"
kind = "deduction"
max = 100

[[items]]
name = "病假"
kind = "marker"
unit = "天"
attendance = true

[[rules]]
name = "病假满10天"
when = { quantity_of = ["病假"], gte = 10 }
action = "no_grade"
grade_text = "不定等次"

[grading]
grades = [{ name = "优秀", quota = "40%" }, { name = "称职" }]
'''


def test_a_scheme_with_grade_text_loads_and_lists_its_words():
    scheme = parse_scheme(SMALL, "x.toml")
    assert scheme.rules[0].grade_text == "不定等次"
    assert ungraded_texts(scheme) == {"不确定等次", "不定等次"}
    assert ungraded_texts(None) == {"不确定等次"}


@pytest.mark.parametrize("old, new, expected", [
    ('action = "no_grade"', 'action = "flag"', "grade_text（等次栏写作）只用于 no_grade（不确定等次）规则"),
    ('grade_text = "不定等次"', 'grade_text = "  "', "grade_text（等次栏写作）是空的"),
    ('grade_text = "不定等次"', 'grade_text = "称职"', "grade_text「称职」与等次同名"),
    ('grade_text = "不定等次"', 'grade_text = "基本称职"', "grade_text「基本称职」与等次同名"),
    ('grade_text = "不定等次"', 'grade_text = "并列待定"', "grade_text「并列待定」与等次同名"),
])
def test_grade_text_is_checked_at_its_line(old, new, expected):
    text = SMALL.replace(old, new)
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "x.toml")
    msg = info.value.text()
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("grade_text"))
    assert expected in msg and f"第{line}行" in msg, msg
    assert "[[rules]] 第1个「病假满10天」的 grade_text" in msg, msg


def test_a_chinese_key_suggests_grade_text():
    with pytest.raises(SchemeError) as info:
        parse_scheme(SMALL.replace('grade_text = "不定等次"', '等次写作 = "不定等次"'), "x.toml")
    assert "改为 grade_text" in info.value.text()


# ---- end to end --------------------------------------------------------------------------------

SCHEME = SMALL.replace('id = "demo"', 'id = "mine"').replace(
    '''[[items]]
name = "病假"''', '''[[items]]
name = "旷工"
kind = "deduction"
component = "基础分"
unit = "天"
points = 2
attendance = true

[[items]]
name = "病假"''') + '''
[[annual.rules]]
name = "全年病假满15天"
when = { quantity_of = ["病假"], gte = 15 }
action = "no_grade"
grade_text = "不参加年度考核"
'''

PEOPLE = [["工号", "姓名", "科室"], ["001", "甲", "一科"], ["002", "乙", "一科"], ["003", "丙", "二科"],
          ["004", "丁", "二科"], ["005", "戊", "二科"]]
HEAD = ["工号", "姓名", "旷工", "病假"]
MARCH = [HEAD, ["001", "甲", 0, 0], ["002", "乙", 1, 0], ["003", "丙", 2, 0], ["004", "丁", 0, 12],
         ["005", "戊", 3, 0]]
APRIL = [HEAD, ["001", "甲", 0, 0], ["002", "乙", 0.5, 0], ["003", "丙", 1, 0], ["004", "丁", 1.5, 5],
         ["005", "戊", 3, 0]]


def _rows(path: Path, sheet: str, *cols: str) -> dict[str, tuple]:
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    head = list(rows[1])
    return {str(r[head.index("工号")]): tuple(r[head.index(c)] for c in cols) for r in rows[2:] if r[head.index("工号")]}


def test_scored_not_graded_end_to_end(tmp_path, monkeypatch):
    """100 − 旷工 2 a day; 优秀 40% of the graded, the rest 称职.

    March: 甲 100, 乙 98, 丙 96, 丁 100 (病假 12 ≥ 10 -> 不定等次), 戊 94.
      N = 4 (丁 out) -> 40% × 4 = 1.6 -> 1 place: 甲 优秀; 乙 丙 戊 称职.
      (Were 丁 counted, N = 5 would give 2 places.)
    April: 甲 100, 乙 99, 丙 98, 丁 97 (病假 5 < 10: graded), 戊 94. N = 5 -> 2 places: 甲 乙.
    Year (mean of March and April): 甲 100, 乙 98.5, 丙 97, 丁 98.5, 戊 94; 丁's 病假 12 + 5 = 17 ≥ 15
      -> 不参加年度考核; N = 4 -> 1 place: 甲 优秀; 乙 丙 戊 称职.
    """
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str):
        res = runner.invoke(app, list(args), env={"COLUMNS": "400"})
        assert "Traceback" not in res.output
        return res

    assert run("init", "--unit-name", "某某学校", str(tmp_path)).exit_code == 0
    scheme = tmp_path / "mine.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    db = str(tmp_path / "kaohe.db")
    books = {}
    for code, sheet in (("2023-03", MARCH), ("2023-04", APRIL)):
        book = write_book(tmp_path / f"{code}.xlsx", {"人员": PEOPLE, "考勤": sheet})
        books[code] = tmp_path / f"{code}-结果.xlsx"
        res = run("score", str(book), "--scheme", str(scheme), "--period", code, "--db", db, "-o", str(books[code]))
        assert res.exit_code == 0, res.output
    assert _rows(books["2023-03"], "汇总", "总分", "等次", "备注") == {
        "001": (100, "优秀", None), "002": (98, "称职", None), "003": (96, "称职", None),
        "004": (100, "不定等次", "病假满10天"), "005": (94, "称职", None),
    }
    assert _rows(books["2023-04"], "汇总", "总分", "等次") == {
        "001": (100, "优秀"), "002": (99, "优秀"), "003": (98, "称职"), "004": (97, "称职"), "005": (94, "称职"),
    }
    dept = list(load_workbook(books["2023-03"])["科室"].iter_rows(values_only=True))
    assert list(dept[0][-3:]) == ["优秀", "称职", "不定等次"]
    assert [list(r[-3:]) for r in dept[1:3]] == [[1, 1, 0], [0, 2, 1]]  # 一科: 甲 乙; 二科: 丙 丁 戊

    # the stored grades and grading inputs
    res = run("explain", "004", "--period", "2023-03", "--db", db, "--json")
    assert res.exit_code == 0, res.output
    assert "不定等次" in res.output and "不确定等次" not in res.output
    res = run("history", "004", "--db", db, "--json")
    assert res.exit_code == 0 and "不定等次" in res.output, res.output

    # a committee decision cannot change it: the month, graded again from the stored inputs
    for grade in ("优秀", "称职"):
        res = run("decide", "--period", "2023-03", f"004={grade}", "--db", db)
        assert res.exit_code != 0, res.output
        assert "的等次由方案规则确定（不定等次），不能由集体研究决定改变" in res.output, res.output
    res = run("decide", "--period", "2023-03", "004=不定等次", "--db", db)
    assert res.exit_code != 0 and "等次「不定等次」不是方案 mine" in res.output, res.output
    # the others are graded as before: 甲 holds the one place (N = 4), so 乙 would displace him
    res = run("decide", "--period", "2023-03", "002=优秀", "--db", db)
    assert res.exit_code != 0 and "失去名额" in res.output, res.output
    # recorded anyway (--displace): the run is graded again from its stored inputs, 丁 keeps the words
    res = run("decide", "--period", "2023-03", "002=优秀", "--displace", "--note", "纪要1号", "--db", db)
    assert res.exit_code == 0, res.output
    res = run("explain", "004", "--period", "2023-03", "--db", db, "--json")
    assert "不定等次" in res.output and "不确定等次" not in res.output, res.output
    res = run("explain", "002", "--period", "2023-03", "--db", db, "--json")
    assert "优秀" in res.output, res.output

    # the 公示 leaves 丁 out
    res = run("notice", "--publicize", "--period", "2023-03", "--date", "2023-09-27", "--db", db)
    assert res.exit_code == 0, res.output
    text = "\n".join(p.text for p in Document(str(tmp_path / "notices" / "2023-03" / "公示-2023-03.docx")).paragraphs)
    cells = [c.text for t in Document(str(tmp_path / "notices" / "2023-03" / "公示-2023-03.docx")).tables
             for row in t.rows for c in row.cells]
    assert "丁" not in cells and "不定等次" not in cells and "不定等次" not in text
    assert "甲" in cells and "戊" in cells

    # the year
    year = tmp_path / "2023-年度.xlsx"
    res = run("quota", "--year", "2023", "--db", db, "-o", str(year))
    assert res.exit_code == 0, res.output
    assert _rows(year, "年度", "总分", "建议等次", "备注") == {
        "001": (100, "优秀", None), "002": (98.5, "称职", None), "003": (97, "称职", None),
        "004": (98.5, "不参加年度考核", "全年病假满15天"), "005": (94, "称职", None),
    }
    res = run("decide", "--period", "2023", "004=优秀", "--db", db)
    assert res.exit_code != 0, res.output
    assert "的等次由方案规则确定（不参加年度考核），不能由集体研究决定改变" in res.output, res.output


def test_the_run_records_the_state_not_only_the_text(tmp_path, monkeypatch):
    """The grading inputs of the run say no_grade with its words, so a regraded run sees it as fixed."""
    import sqlite3

    monkeypatch.chdir(tmp_path)
    scheme = tmp_path / "mine.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    book = write_book(tmp_path / "2023-03.xlsx", {"人员": PEOPLE, "考勤": MARCH})
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2023-03",
                                   "--db", str(tmp_path / "kaohe.db"), "-o", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 0, res.output
    with sqlite3.connect(tmp_path / "kaohe.db") as conn:
        rows = dict(conn.execute("SELECT subject, extra FROM scores").fetchall())
    assert json.loads(rows["004"])["grading"] == {"no_grade": True, "no_grade_text": "不定等次"}
    assert json.loads(rows["001"])["grading"] == {}
