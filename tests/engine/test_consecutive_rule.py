"""A `consecutive` rule end to end: detail 考勤 sheets (one row per day) through `kaohe score`
for two months and `kaohe quota --year`, and a summary sheet (no dates) that cannot be judged.

The scheme is `kaohe schemes export zhujian` edited as a user would: 100 − 旷工 2 points per half
day (4 per day); 优秀 from 90 (not 95), 称职 ≥ 80; no leave arithmetic, no annual grading of its
own; the rule 连续旷工3天以上，定为不称职 both as a month rule and as an `[[annual.rules]]` rule.
Working days come from the holiday calendar kaohe uses (2024: 清明 4–6 April off, Sunday 7 April
worked).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.scheme.loader import check_scheme_text
from tests.helpers import write_book, zhujian_with_rules

RULE = """
[[rules]]
name = "连续旷工3天以上，定为不称职"
when = { consecutive = ["旷工"], days_gte = 3 }
action = "force_grade"
grade = "不称职"
"""

PERSON = ["工号", "姓名", "科室"]
PEOPLE = [PERSON, ["001", "张三", "业务科"], ["002", "李四", "业务科"], ["003", "王五", "业务科"]]
DETAIL = ["工号", "姓名", "日期", "状态", "天数"]


def _scheme_file(folder: Path) -> Path:
    return zhujian_with_rules(folder, RULE)


def _rows(path: Path, sheet: str, *cols: str) -> dict[str, tuple]:
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    head = list(rows[1])
    return {str(r[head.index("工号")]): tuple("" if r[head.index(c)] is None else r[head.index(c)] for c in cols)
            for r in rows[2:] if r[head.index("工号")]}


def _absent(who: str, name: str, *days: tuple[int, int]) -> list[list]:
    return [[who, name, dt.date(2024, m, d), "旷工", 1] for m, d in days]


def test_consecutive_absence_in_the_months_and_across_the_month_end_in_the_year(tmp_path, monkeypatch):
    """March and April 2024, 旷工 rows of a detail 考勤 sheet:

    001 张三: Thu 28, Fri 29 March (2 days: −8 → 92.00 优秀); Mon 1 April (−4 → 96.00 优秀). Neither
        month holds 3 days in a row, but the year does: 28, 29 March, the weekend, 1 April → 3
        working days → 不称职 for the year (mean 94.00).
    002 李四: none in March (100.00 优秀); Tue 2, Wed 3 April, 4–6 April off (清明), Sun 7 April a
        working day → 3 working days in a row: −12 → 88.00 (称职 by score) → 不称职 in April and
        in the year (mean 94.00).
    003 王五: Mon 11 and Wed 13 March (Tue 12 breaks the run: 2 days −8 → 92.00 优秀), none in
        April (100.00): year mean 96.00 → 优秀.
    """
    monkeypatch.chdir(tmp_path)
    scheme = _scheme_file(tmp_path)
    months = {
        "2024-03": [DETAIL, *_absent("001", "张三", (3, 28), (3, 29)), *_absent("003", "王五", (3, 11), (3, 13))],
        "2024-04": [DETAIL, *_absent("001", "张三", (4, 1)), *_absent("002", "李四", (4, 2), (4, 3), (4, 7))],
    }
    runner, db = CliRunner(), tmp_path / "kaohe.db"
    monthly = {}
    for code, kaoqin in months.items():
        book = write_book(tmp_path / f"{code}.xlsx", {"人员": PEOPLE, "考勤": kaoqin})
        out = tmp_path / f"{code}-结果.xlsx"
        res = runner.invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", code, "--db", str(db),
                                  "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert "没有日期" not in res.output
        monthly[code] = _rows(out, "汇总", "总分", "等次", "备注")
    assert monthly == {
        "2024-03": {"001": (92, "优秀", ""), "002": (100, "优秀", ""), "003": (92, "优秀", "")},
        "2024-04": {"001": (96, "优秀", ""), "002": (88, "不称职", "连续旷工3天以上，定为不称职"),
                    "003": (100, "优秀", "")},
    }
    out = tmp_path / "2024-年度.xlsx"
    res = runner.invoke(app, ["quota", "--year", "2024", "--db", str(db), "-o", str(out)])
    assert res.exit_code == 0, res.output
    year = _rows(out, "年度", "总分", "建议等次", "备注")
    assert year == {
        "001": (94, "不称职", "连续旷工3天以上，定为不称职"),
        "002": (94, "不称职", "连续旷工3天以上，定为不称职"),
        "003": (96, "优秀", ""),
    }


def test_a_summary_sheet_cannot_be_judged_and_says_so(tmp_path, monkeypatch):
    """A summary 考勤 sheet has one total per person and no dates: 001's 3 days of 旷工 (−12 →
    88.00 称职) cannot be placed, the rule holds for nobody, and the run says why, with the fix."""
    monkeypatch.chdir(tmp_path)
    scheme = _scheme_file(tmp_path)
    book = write_book(tmp_path / "三月.xlsx", {"人员": PEOPLE, "考勤": [["工号", "姓名", "旷工"], ["001", "张三", 3]]})
    out = tmp_path / "结果.xlsx"
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2024-03",
                                   "--db", str(tmp_path / "kaohe.db"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert _rows(out, "汇总", "总分", "等次")["001"] == (88, "称职")
    problems = [r for r in load_workbook(out)["问题"].iter_rows(values_only=True) if r and any(
        "没有日期" in str(c) for c in r if c)]
    assert len(problems) == 1, problems
    text = " ".join(str(c) for c in problems[0] if c)
    assert "「旷工」有1条记录没有日期，无法判断是否连续达到3天" in text
    assert "明细式考勤表" in text and "考勤!C2" in text


def test_the_scheme_check_names_an_undeclared_or_uncountable_item():
    """`consecutive` names declared items counted in days, at the rule's line."""
    res = CliRunner().invoke(app, ["schemes", "export", "zhujian"])
    text = res.stdout.replace("\n[grading]", RULE.replace('["旷工"]', '["旷功", "迟到"]') + "\n[grading]")
    problems = check_scheme_text(text, "mine.toml")[1]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "consecutive" in t)
    texts = [p.message + "｜" + p.fix for p in problems if p.line == line]
    assert any("事项「旷功」不存在" in t and "旷工" in t for t in texts), texts
    assert any("「迟到」以「次」计" in t and 'unit = "天"' in t for t in texts), texts
