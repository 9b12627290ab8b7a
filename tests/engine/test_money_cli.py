"""Money (元) kept apart from points, end to end: an item's `money` per unit (a marker's too),
a rule's `money` once, the period's money total in 汇总, a line's 金额 in 明细, the archive.

School scheme (by hand): 课堂教学 20 (deduction); 工作实绩 80 (rated). 误班: marker, 10 元 a 节
(考勤); 误课: deduction in 课堂教学, 1 point and 5 元 a 节 (记实). Rule: 误班 ≥ 8 节 → 扣 200 元 (no points).

- 001: 误班 8 → −80.00 元; 误课 2 → 20 − 2 = 18 points, −10.00 元; rule −200.00 元.
  总分 18 + 70 = 88; money −80 − 10 − 200 = −290.00
- 002: 误班 3 → −30.00 元 (rule not met: 3 < 8); 总分 20 + 75 = 95; money −30.00
- 003: nothing → 总分 20 + 60 = 80; money 0.00
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from openpyxl import load_workbook

from kaohe_cli.cli.main import app
from kaohe_cli.store.archive import open_archive
from tests.helpers import sheet_rows, write_book

SCHEME = """
id = "school"
name = "学校考核示例"
period = "month"

[[components]]
name = "课堂教学"
kind = "deduction"
max = 20

[[components]]
name = "工作实绩"
kind = "rated"
max = 80

[[items]]
name = "误班"
kind = "marker"
unit = "节"
money = 10
attendance = true

[[items]]
name = "误课"
kind = "deduction"
component = "课堂教学"
unit = "节"
points = 1
money = 5
"""

RULE = """
[[rules]]
name = "一学期误班达到8节，扣绩效200元"
when = { quantity_of = ["误班"], gte = 8 }
action = "deduct"
money = 200
"""


def _score(tmp_path: Path, scheme_text: str) -> tuple[Path, Path]:
    scheme = tmp_path / "school.toml"
    scheme.write_text(scheme_text, encoding="utf-8")
    names = {"001": "张三", "002": "李四", "003": "王五"}
    book = write_book(tmp_path / "in.xlsx", {
        "人员": [["工号", "姓名", "科室"], *[[k, v, "语文组"] for k, v in names.items()]],
        "考勤": [["工号", "姓名", "误班"], ["001", "张三", 8], ["002", "李四", 3], ["003", "王五", 0]],
        "评分": [["工号", "姓名", "工作实绩"], ["001", "张三", 70], ["002", "李四", 75], ["003", "王五", 60]],
        "记实": [["工号", "姓名", "事项", "次数"], ["001", "张三", "误课", 2]],
    })
    db, out = tmp_path / "k.db", tmp_path / "out.xlsx"
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2023-03",
                                   "--db", str(db), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return db, out


def test_each_line_carries_its_money_in_fen(tmp_path):
    """Archived lines: 001's 误班 8 × 10 = −8000 fen, 误课 2 × 5 = −1000 fen; 002's 误班 −3000."""
    db, _ = _score(tmp_path, SCHEME)
    with open_archive(db) as arch:
        led = arch.ledger(arch.runs()[0].id)
    money = {(s, i): int(m) for s, i, m in zip(led["subject"], led["item"], led["money"]) if m}
    assert money == {("001", "误班"): -8000, ("001", "误课"): -1000, ("002", "误班"): -3000}
    assert sheet_rows(tmp_path / "out.xlsx", "汇总", "工号", "总分")["001"] == (88,)


def test_a_rule_deducts_money_once(tmp_path):
    """With the rule: 001 (误班 8 ≥ 8) gets one more line of −20000 fen and no points (总分
    still 88); 002 (误班 3) none."""
    db, out = _score(tmp_path, SCHEME + RULE)
    with open_archive(db) as arch:
        led = arch.ledger(arch.runs()[0].id)
    rule = led[led["rule"].str.startswith("一学期误班达到8节")]
    assert list(zip(rule["subject"], rule["money"].astype(int), rule["points"])) == [("001", -20000, "0")]
    assert rule["rule"].tolist() == ["一学期误班达到8节，扣绩效200元：扣200元"]
    assert sheet_rows(out, "汇总", "工号", "总分") == {"001": (88,), "002": (95,), "003": (80,)}


def test_money_is_refused_where_it_cannot_be_kept(tmp_path):
    """An annual rule with money and an item with counts_as and money are refused at load, in Chinese."""
    from kaohe_cli.errors import SchemeError
    from kaohe_cli.scheme import load_scheme

    cases = [
        (RULE.replace("[[rules]]", "[[annual.rules]]"), "money（金额）只用于每期的 [[rules]]"),
        ('\n[[items]]\nname = "误课半节"\nkind = "deduction"\ncounts_as = { item = "误课" }\nmoney = 2\n',
         "money 请写在「误课」上"),
    ]
    for extra, message in cases:
        path = tmp_path / "bad.toml"
        path.write_text(SCHEME + extra, encoding="utf-8")
        with pytest.raises(SchemeError) as err:
            load_scheme(path)
        assert message in str(err.value) + str(getattr(err.value, "problems", ""))


def test_money_totals_in_summary_and_amounts_in_ledger_sheet(tmp_path):
    """汇总's 折合金额（元）: 001 −290.00, 002 −30.00, 003 0 (see the module's text). 明细's 金额（元）:
    001's 误课 line −10 (2 × 5), its rule line −200; the 满分 line has none."""
    _, out = _score(tmp_path, SCHEME + RULE)
    assert sheet_rows(out, "汇总", "工号", "总分", "折合金额（元）") == {
        "001": (88, -290), "002": (95, -30), "003": (80, 0)}
    ledger = list(load_workbook(out)["明细"].iter_rows(values_only=True))
    head = list(ledger[0])
    amounts = {(r[head.index("工号")], r[head.index("事项")] or r[head.index("规则")][:4]): r[head.index("金额（元）")]
               for r in ledger[1:]}
    assert amounts[("001", "误课")] == -10 and amounts[("001", "误班")] == -80
    assert amounts[("001", "一学期误")] == -200
    assert amounts[("003", "满分：课")] is None  # 满分 line (规则 满分：课堂教学20): no money


def test_a_scheme_without_money_has_no_money_columns(tmp_path):
    """Without any `money` (and no yuan_per_point) 汇总 and 明细 keep today's columns."""
    plain = SCHEME.replace("money = 10\n", "").replace("money = 5\n", "")
    _, out = _score(tmp_path, plain)
    book = load_workbook(out)
    assert not any("元" in str(c) for c in list(book["汇总"].iter_rows(values_only=True))[1])
    assert "金额（元）" not in list(book["明细"].iter_rows(values_only=True))[0]


def test_the_letter_and_explain_say_the_money(tmp_path, monkeypatch):
    """With yuan_per_point = 2 and money_name 绩效工资: 001 88 × 2 − 290 = −114.00 元, 002
    95 × 2 − 30 = 160.00, 003 80 × 2 = 160.00 (汇总). 结果反馈 says 001's −114.00 without the rate
    (the sum is not total × rate); explain shows the total and the 误课 line's 金额 −10.00."""
    import re
    import zipfile

    monkeypatch.chdir(tmp_path)
    text = SCHEME.replace('period = "month"', 'period = "month"\nyuan_per_point = 2\nmoney_name = "绩效工资"') + RULE
    db, out = _score(tmp_path, text)
    assert sheet_rows(out, "汇总", "工号", "绩效工资（元）") == {"001": (-114,), "002": (160,), "003": (160,)}
    runner = CliRunner()
    res = runner.invoke(app, ["notice", "--feedback", "--period", "2023-03", "--scheme", str(tmp_path / "school.toml"),
                              "--db", str(db), "--date", "2023-04-03", "-o", "letters"])
    assert res.exit_code == 0, res.output
    letter = next(p for p in (tmp_path / "letters").rglob("*.docx") if "张三" in p.name)
    with zipfile.ZipFile(letter) as z:
        said = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
    assert "绩效工资为-114.00元。" in said and "按每分" not in said
    assert "一学期误班达到8节，扣绩效200元" in said  # the rule's own line is named in the letter's table
    res = runner.invoke(app, ["explain", "001", "--period", "2023-03", "--db", str(db)], env={"COLUMNS": "300"})
    assert res.exit_code == 0, res.output
    assert "金额 -114.00 元" in res.output and "金额 -10.00 元" in res.output and "金额 -200.00 元" in res.output
    # the money-only rule line sits outside the components, which take no points: 0, not -0
    head = next(line for line in res.output.splitlines() if "扣分（不属于考核项目）" in line)
    assert head.split()[-1] == "0"


GRADES = """
[grading]
grades = [
  { name = "一档", min = 90, money = 800 },
  { name = "二档", min = 85, money = 500 },
  { name = "三档" },
]
"""


def test_a_grade_gives_money_per_person(tmp_path, monkeypatch):
    """一档 (≥ 90) 800 元, 二档 (≥ 85) 500 元, 三档 none: 001 88 → 二档, −290 + 500 = 210.00;
    002 95 → 一档, −30 + 800 = 770.00; 003 80 → 三档, 0. A committee decision making 002 二档
    changes its letter to −30 + 500 = 470.00 (the stored money before grades is −30.00)."""
    import re
    import zipfile

    monkeypatch.chdir(tmp_path)
    db, out = _score(tmp_path, SCHEME + RULE + GRADES)
    assert sheet_rows(out, "汇总", "工号", "等次", "折合金额（元）") == {
        "001": ("二档", 210), "002": ("一档", 770), "003": ("三档", 0)}
    runner = CliRunner()
    scheme = str(tmp_path / "school.toml")
    res = runner.invoke(app, ["explain", "001", "--period", "2023-03", "--db", str(db)], env={"COLUMNS": "300"})
    assert res.exit_code == 0 and "金额 210.00 元" in res.output, res.output
    res = runner.invoke(app, ["decide", "002=二档", "--period", "2023-03", "--scheme", scheme, "--db", str(db),
                              "--note", "党组会议纪要"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["notice", "--feedback", "--period", "2023-03", "--scheme", scheme,
                              "--db", str(db), "--date", "2023-04-03", "-o", "letters"])
    assert res.exit_code == 0, res.output
    letter = next(p for p in (tmp_path / "letters").rglob("*.docx") if "李四" in p.name)
    with zipfile.ZipFile(letter) as z:
        said = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
    assert "折合金额为470.00元。" in said


def test_annual_grades_refuse_money(tmp_path):
    """money on a grade of [annual.grading] is refused: the year's money is `awards`."""
    from kaohe_cli.errors import SchemeError
    from kaohe_cli.scheme import load_scheme

    path = tmp_path / "bad.toml"
    path.write_text(SCHEME + '\n[annual.grading]\ngrades = [{ name = "优秀", money = 100 }]\n', encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    assert "年度等次的奖金请写在 [annual] 的 awards 中" in str(err.value) + str(getattr(err.value, "problems", ""))


def test_units_an_overflow_converts_carry_the_targets_money(tmp_path):
    """事假 (a marker in days) overflows above 3 days into 误班, 1 节 a day. 001 takes 5 days:
    2 days above → 2 节 of 误班 × 10 元 = −20.00, besides its own 8 节 (−80) and 误课 (−10) →
    −110.00; 002: 3 days, nothing above → its own −30.00. (The converted units used to carry
    no money while their points counted.)"""
    leave = ('\n[[items]]\nname = "事假"\nkind = "marker"\nunit = "天"\n'
             'overflow = { over = 3, item = "误班", per_unit = 1 }\n')
    scheme = tmp_path / "school.toml"
    scheme.write_text(SCHEME + leave, encoding="utf-8")
    book = write_book(tmp_path / "in.xlsx", {
        "人员": [["工号", "姓名", "科室"], ["001", "张三", "语文组"], ["002", "李四", "语文组"]],
        "考勤": [["工号", "姓名", "误班"], ["001", "张三", 8], ["002", "李四", 3]],
        "评分": [["工号", "姓名", "工作实绩"], ["001", "张三", 70], ["002", "李四", 75]],
        "记实": [["工号", "姓名", "事项", "次数"], ["001", "张三", "误课", 2], ["001", "张三", "事假", 5],
               ["002", "李四", "事假", 3]],
    })
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", "2023-03",
                                   "--db", str(tmp_path / "k.db"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert sheet_rows(out, "汇总", "工号", "折合金额（元）") == {"001": (-110,), "002": (-30,)}
