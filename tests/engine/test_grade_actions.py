"""A rule's grade action means the same in a period and in the year: one dispatcher applies it.

Before, the annual step let a later ceiling overwrite a stricter one, ignored a ceiling whose
grade the grading lacks, and blocked every grade for a not_eligible rule without `grades`. Now
both go through `engine.actions.apply_rule` on a `RuleContext`: a period's context has
`lines_explain=True`, the year's `lines_explain=False`; a grade action must leave the same state
in both. The end-to-end tests at the bottom run one user-written rule as a period rule and as an
`[annual].rules` rule, through `kaohe score` and `kaohe quota --year`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.engine.actions import apply_rule
from kaohe_cli.engine.context import RuleContext
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.model import Rule
from tests.helpers import write_book, zhujian_with_rules

NAMES = ["优秀", "良好", "称职", "不称职"]
CONTEXTS = pytest.mark.parametrize("explain", [True, False], ids=["period", "annual"])


def _rule(**kw):
    base = {"name": kw.pop("name", "规则"), "action": kw.pop("action"), "when": {"items": ["旷工"]}}
    return Rule.model_validate({**base, **kw})


def _ctx(explain: bool, n: int = 3) -> RuleContext:
    idx = pd.Index([f"p{i}" for i in range(n)])
    return RuleContext(pd.DataFrame(index=idx), L.empty(), NAMES, lines_explain=explain)


@CONTEXTS
def test_the_stricter_ceiling_wins_in_either_order(explain):
    """p0 gets 称职 (2) then 良好 (1): it stays at 称职; an unknown grade means the lowest (3)."""
    ctx = _ctx(explain)
    mask = pd.Series([True, False, True], index=ctx.idx)
    apply_rule(_rule(action="ceiling", grade="称职"), mask, ctx)
    apply_rule(_rule(action="ceiling", grade="良好"), mask, ctx)
    assert list(ctx.grades.ceiling) == [2, -1, 2]
    apply_rule(_rule(action="ceiling", grade="基本称职"), mask, ctx)
    assert list(ctx.grades.ceiling) == [3, -1, 3]


@CONTEXTS
def test_not_eligible_blocks_the_top_grade_by_default_and_the_first_forced_grade_stays(explain):
    ctx = _ctx(explain)
    mask = pd.Series([True, True, False], index=ctx.idx)
    apply_rule(_rule(action="not_eligible"), mask, ctx)
    blocked = ctx.grades.not_eligible
    assert list(blocked) == ["优秀"] and list(blocked["优秀"]) == [True, True, False]
    apply_rule(_rule(action="force_grade", grade="不称职"), mask, ctx)
    apply_rule(_rule(action="force_grade", grade="称职"), mask, ctx)
    assert list(ctx.grades.forced) == ["不称职", "不称职", ""]
    apply_rule(_rule(action="no_grade"), ~mask, ctx)
    assert list(ctx.grades.no_grade) == [False, False, True]


def test_the_annual_context_gives_what_the_period_context_gives():
    """Two ceilings in the 'wrong' order and a not_eligible without grades: the same grade state
    in both contexts, and the blocked grade's reason written in 资格."""
    states = []
    for explain in (True, False):
        ctx = _ctx(explain)
        mask = pd.Series([True, False, False], index=ctx.idx)
        for rule in (_rule(action="ceiling", grade="称职"), _rule(action="ceiling", grade="良好"),
                     _rule(name="受处分", action="not_eligible")):
            apply_rule(rule, mask, ctx)
        assert list(ctx.grades.ceiling) == [2, -1, -1]
        assert list(ctx.grades.not_eligible) == ["优秀"]
        assert ctx.eligibility == {"p0": ["受处分"]}
        assert ctx.remarks == {"p0": ["规则", "规则", "受处分"]}
        states.append((list(ctx.grades.forced), list(ctx.grades.no_grade), list(ctx.grades.ceiling),
                       {g: list(m) for g, m in ctx.grades.not_eligible.items()}, ctx.eligibility, ctx.acted))
    assert states[0] == states[1]


# ---- one user-written rule, in a month and in the year --------------------------------------

CEILING = """
[[rules]]
name = "旷工超过1天，至多称职"
when = { quantity_of = ["旷工"], gt = 1 }
action = "ceiling"
grade = "称职"
"""

OFFICE = """
[[rules]]
name = "办公室不评优秀"
when = { column = "科室", equals = ["办公室"] }
action = "not_eligible"
"""

TRAINEE = """
[[rules]]
name = "见习人员不定等次"
when = { column = "职务", equals = ["见习"] }
action = "no_grade"
"""

POST = """
[[rules]]
name = "见习岗位不定等次"
when = { column = "岗位", equals = ["见习"] }
action = "no_grade"
"""

NEWCOMER = """
[[rules]]
name = "新入职不满10个工作日"
when = { new_workdays_lt = 10 }
action = "no_grade"
"""


def _scheme_file(folder: Path, rules: str) -> Path:
    return zhujian_with_rules(folder, rules)


PERSON = ["工号", "姓名", "科室", "职务", "岗位", "入职日期"]
KAOQIN = ["工号", "姓名", "旷工"]


def _rows(path: Path, sheet: str, *cols: str) -> dict[str, tuple]:
    """工号 → the named columns of a result sheet (row 0 is the title, row 1 the header)."""
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    head = list(rows[1])
    out = {}
    for r in rows[2:]:
        if r[head.index("工号")]:
            out[str(r[head.index("工号")])] = tuple("" if r[head.index(c)] is None else r[head.index(c)] for c in cols)
    return out


def _score_and_year(tmp_path: Path, rules: str, months: dict[str, dict]):
    """Score each month into one archive, then `quota --year 2023`.

    Returns ({month: {工号: (总分, 等次, 备注)}}, {工号: (总分, 建议等次, 资格, 备注)})."""
    scheme = _scheme_file(tmp_path, rules)
    runner = CliRunner()
    db = tmp_path / "kaohe.db"
    monthly = {}
    for code, sheets in months.items():
        book = write_book(tmp_path / f"{code}.xlsx", sheets)
        out = tmp_path / f"{code}-结果.xlsx"
        res = runner.invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", code, "--db", str(db),
                                  "-o", str(out)])
        assert res.exit_code == 0, res.output
        monthly[code] = _rows(out, "汇总", "总分", "等次", "备注")
    out = tmp_path / "2023-年度.xlsx"
    res = runner.invoke(app, ["quota", "--year", "2023", "--db", str(db), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return monthly, _rows(out, "年度", "总分", "建议等次", "资格", "备注")


def test_one_rule_means_the_same_in_a_month_and_in_the_year(tmp_path, monkeypatch):
    """zhujian as edited: 100 − 旷工 2 points per half day; 优秀 ≥ 90, 称职 ≥ 80. One month (March).

    001 张三: 旷工 1.5 days = 3 half days × 2 = −6 → 94.00: 优秀 by score, but 1.5 > 1 → ceiling 称职
    002 李四: 旷工 1 day = −4 → 96.00: 1 is not more than 1 → 优秀
    003 王五: 办公室 → 100.00, not eligible for the top grade (优秀 only) → 称职
    004 赵六: nothing → 100.00 优秀
    005 钱七: 职务 见习 → 100.00, 不确定等次
    The year is that one month (its mean): the same totals, and [annual].rules give the same
    grades; the year says the not_eligible reason in 资格 (and not again in 备注).
    """
    monkeypatch.chdir(tmp_path)
    march = {
        "人员": [PERSON, ["001", "张三", "业务科"], ["002", "李四", "业务科"], ["003", "王五", "办公室"],
               ["004", "赵六", "业务科"], ["005", "钱七", "业务科", "见习"]],
        "考勤": [KAOQIN, ["001", "张三", 1.5], ["002", "李四", 1], ["003", "王五", 0], ["004", "赵六", 0],
               ["005", "钱七", 0]],
    }
    monthly, year = _score_and_year(tmp_path, CEILING + OFFICE + TRAINEE, {"2023-03": march})
    assert monthly["2023-03"] == {
        "001": (94, "称职", "旷工超过1天，至多称职"),
        "002": (96, "优秀", ""),
        "003": (100, "称职", "办公室不评优秀"),
        "004": (100, "优秀", ""),
        "005": (100, "不确定等次", "见习人员不定等次"),
    }
    assert year == {
        "001": (94, "称职", "", "旷工超过1天，至多称职"),
        "002": (96, "优秀", "", ""),
        "003": (100, "称职", "办公室不评优秀", ""),
        "004": (100, "优秀", "", ""),
        "005": (100, "不确定等次", "", "见习人员不定等次"),
    }


def test_the_year_rule_reads_the_year_lines(tmp_path, monkeypatch):
    """The same quantity rule over the year adds the months up.

    November: 001 旷工 0.5 day (−2 → 98.00), December: 1 day (−4 → 96.00). Neither month is more
    than 1 day (优秀 both), but the year's 1.5 days is: the year (mean 97.00) is at most 称职.
    002: 旷工 1 day in November only (96.00, then 100.00): 1 day in the year, mean 98.00 → 优秀.
    """
    monkeypatch.chdir(tmp_path)
    people = [PERSON, ["001", "张三", "业务科"], ["002", "李四", "业务科"]]
    months = {
        "2023-11": {"人员": people, "考勤": [KAOQIN, ["001", "张三", 0.5], ["002", "李四", 1]]},
        "2023-12": {"人员": people, "考勤": [KAOQIN, ["001", "张三", 1], ["002", "李四", 0]]},
    }
    monthly, year = _score_and_year(tmp_path, CEILING, months)
    assert monthly == {
        "2023-11": {"001": (98, "优秀", ""), "002": (96, "优秀", "")},
        "2023-12": {"001": (96, "优秀", ""), "002": (100, "优秀", "")},
    }
    assert year == {"001": (97, "称职", "", "旷工超过1天，至多称职"), "002": (98, "优秀", "", "")}


def test_a_column_rule_on_any_roster_column_holds_in_the_year(tmp_path, monkeypatch):
    """001 钱七: 岗位 见习 → 100.00 不确定等次 in March, and so in the year."""
    monkeypatch.chdir(tmp_path)
    march = {
        "人员": [PERSON, ["001", "钱七", "业务科", "", "见习"], ["002", "赵六", "业务科"]],
        "考勤": [KAOQIN, ["001", "钱七", 0], ["002", "赵六", 0]],
    }
    monthly, year = _score_and_year(tmp_path, POST, {"2023-03": march})
    assert monthly["2023-03"] == {"001": (100, "不确定等次", "见习岗位不定等次"), "002": (100, "优秀", "")}
    assert year == {"001": (100, "不确定等次", "", "见习岗位不定等次"), "002": (100, "优秀", "", "")}


def test_a_new_workdays_rule_holds_in_the_year(tmp_path, monkeypatch):
    """001 王五 joined 2023-12-25: 5 working days (25–29 December) are left in December and in
    the year, fewer than 10 → 不确定等次 in December and in the year. 002: 优秀 in both."""
    monkeypatch.chdir(tmp_path)
    december = {
        "人员": [PERSON, ["001", "王五", "业务科", "", "", dt.date(2023, 12, 25)], ["002", "赵六", "业务科"]],
        "考勤": [KAOQIN, ["001", "王五", 0], ["002", "赵六", 0]],
    }
    monthly, year = _score_and_year(tmp_path, NEWCOMER, {"2023-12": december})
    assert monthly["2023-12"] == {"001": (100, "不确定等次", "新入职不满10个工作日"), "002": (100, "优秀", "")}
    assert year == {"001": (100, "不确定等次", "", "新入职不满10个工作日"), "002": (100, "优秀", "", "")}
