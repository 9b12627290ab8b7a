"""Outside scheme 04 (quarterly 平时 60% + 年终 40%), its worked example end to end.

The clerk enters the six item scores of each quarter (评分, 0–100) and, once a year, the five
年终 items. The worked example gives Q1's item scores; for Q2–Q4 it gives only the quarter
totals, so each of those quarters is entered with all six items equal to the total (the weights
add up to 1, so the quarter's score is that number; nothing is pre-computed). Every asserted
number is the worked example's (outside-schemes/04), written as a literal.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

SCHEME = Path(__file__).resolve().parents[2] / "examples" / "schemes" / "04-quarterly-yearend.toml"
ITEMS = ["工作效率", "工作质量", "考勤", "工作技能", "遵章与配合", "总体印象"]
PEOPLE = [("001", "王"), ("002", "李"), ("003", "张"), ("004", "刘")]
Q1 = {"001": [90, 85, 100, 80, 90, 85], "002": [80, 80, 70, 85, 80, 75],
      "003": [95, 92, 100, 90, 95, 95], "004": [60, 65, 50, 70, 60, 60]}
LATER = {"001": [90, 86, 88], "002": [82, 84, 83], "003": [93, 95, 92], "004": [64, 70, 66]}
YEAR_END = {"001": [90, 85, 95, 88, 100], "002": [85, 80, 75, 82, 90],
            "003": [95, 90, 90, 94, 100], "004": [70, 65, 60, 64, 80]}


def _rows(path: Path, cols: tuple[str, ...]) -> dict[str, tuple]:
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    head = list(rows[1])
    return {str(r[head.index("工号")]): tuple("" if r[head.index(c)] is None else r[head.index(c)] for c in cols)
            for r in rows[2:] if r[head.index("工号")]}


def _run(*args):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res


def _year(tmp: Path, scheme: Path, *, without_q1: set[str] = frozenset(), grade_args=()) -> dict:
    """Score Q1–Q4 and sum up 2023; {工号: (平均分 = 平时, 总分, 建议等次, 备注)} and the quarters' totals."""
    db = tmp / "kaohe.db"
    people = [["工号", "姓名", "科室"]] + [[s, n, "业务科"] for s, n in PEOPLE]
    quarters = {}
    for q in range(4):
        code = f"2023Q{q + 1}"
        who = [(s, n) for s, n in PEOPLE if not (q == 0 and s in without_q1)]
        items = {s: (Q1[s] if q == 0 else [LATER[s][q - 1]] * 6) for s, _ in who}
        book = write_book(tmp / f"{code}.xlsx", {
            "人员": [["工号", "姓名", "科室"]] + [[s, n, "业务科"] for s, n in who],
            "评分": [["工号", "姓名", *ITEMS]] + [[s, n, *items[s]] for s, n in who],
        })
        out = tmp / f"{code}-结果.xlsx"
        _run("score", book, "--scheme", scheme, "--period", code, "--db", db, "-o", out)
        quarters[code] = {s: v[0] for s, v in _rows(out, ("总分",)).items()}
    ratings = write_book(tmp / "年终.xlsx", {"评分": [["工号", "姓名", "德", "能", "勤", "绩", "廉"]]
                                                   + [[s, n, *YEAR_END[s]] for s, n in PEOPLE]})
    out = tmp / "2023.xlsx"
    _run("quota", "--year", "2023", "--scheme", scheme, "--db", db, "--ratings", ratings, "-o", out, *grade_args)
    del people
    return {"quarters": quarters, "year": _rows(out, ("平均分", "总分", "建议等次", "备注")), "db": db}


def test_quarters_year_and_grades(tmp_path):
    r = _year(tmp_path, SCHEME)
    assert r["quarters"]["2023Q1"] == {"001": 88, "002": 79, "003": 94.1, "004": 61.5}
    assert r["quarters"]["2023Q4"] == {"001": 88, "002": 83, "003": 92, "004": 66}
    year = {s: v[:3] for s, v in r["year"].items()}
    assert year == {
        "001": (88, 88.7, "称职"),
        "002": (82, 82.1, "称职"),
        "003": (93.53, 93.62, "优秀"),  # 93.525 and 93.615, rounded half-up once
        "004": (65.38, 65.73, "基本称职"),  # 65.375 and 65.725
    }
    assert "平时考核88×60%＋年终考核89.75×40%" in r["year"]["001"][3]
    assert "年终考核82.25×40%" in r["year"]["002"][3]
    assert "年终考核93.75×40%" in r["year"]["003"][3] and "年终考核66.25×40%" in r["year"]["004"][3]


def _variant(tmp: Path, old: str, new: str) -> Path:
    text = SCHEME.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp / "variant.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_missing_quarter_under_the_mean_reading(tmp_path):
    """刘 joined in Q2: 平时 = (64+70+66)/3 = 66.67; annual = 0.6 × 66.666… + 0.4 × 66.25 = 40 + 26.5."""
    r = _year(tmp_path, SCHEME, without_q1={"004"})
    assert r["year"]["004"][:2] == (66.67, 66.5)
    assert r["year"]["001"][:2] == (88, 88.7)


def test_a_missing_quarter_under_the_fixed_15_percent_reading(tmp_path):
    """Each quarter fixed at 15% (¼ of 60%), a missing quarter counting 0: 平时 = ¼(0+64+70+66) = 50,
    contributing 0.6 × 50 = 30.00; annual = 30 + 26.5 = 56.50. With four quarters nothing changes."""
    scheme = _variant(tmp_path, 'aggregate = "mean"        #',
                      'aggregate = "weights"\nweights = [0.25, 0.25, 0.25, 0.25]\nmissing = "zero"\n#')
    scheme = _variant(tmp_path, "", "") if False else scheme
    text = scheme.read_text(encoding="utf-8").replace('missing = "present"       #', "#", 1)
    scheme.write_text(text, encoding="utf-8")
    r = _year(tmp_path, scheme, without_q1={"004"})
    assert r["year"]["004"][:2] == (50, 56.5)
    assert "平时考核50×60%" in r["year"]["004"][3]
    assert r["year"]["003"][:2] == (93.53, 93.62)


def test_grades_left_to_the_committee(tmp_path):
    """Grades declared without cut-offs: the year is scored, no grade is given by score, and the
    committee's grades (`quota --decide`) are the year's grades."""
    scheme = _variant(tmp_path, '''  { name = "优秀", min = 90 },
  { name = "称职", min = 70 },
  { name = "基本称职", min = 60 },''', '''  { name = "优秀" },
  { name = "称职" },
  { name = "基本称职" },''')
    r = _year(tmp_path, scheme, grade_args=("--decide", "003=优秀", "--decide", "004=基本称职",
                                            "--decide", "001=称职", "--decide", "002=称职"))
    assert {s: v[1:3] for s, v in r["year"].items()} == {
        "001": (88.7, "称职"), "002": (82.1, "称职"), "003": (93.62, "优秀"), "004": (65.73, "基本称职")}
