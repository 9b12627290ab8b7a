"""Outside scheme 01 (福州市直机关, month → half-year → year), its worked example end to end.

The clerk enters only what the example gives: each month's 月考核得分 (12 workbooks), then the
year-end 民主测评 and 领导班子评价 (one workbook). `kaohe score` scores each month; `kaohe
quota --period 2023H1/H2` sums and grades the half-years (kept in the archive); `kaohe quota
--year 2023 --ratings` composes the year and applies the 优秀 gate. Every number below is the
worked example's (outside-schemes/01), written as a literal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

SCHEME = Path(__file__).resolve().parents[2] / "examples" / "schemes" / "01-fuzhou-halfyear.toml"

PEOPLE = [("001", "甲"), ("002", "乙"), ("003", "丙"), ("004", "丁"), ("005", "戊")]
MONTHLY = {  # Jan–Dec, as in the worked example
    "001": [92, 94, 90, 93, 95, 94, 91, 90, 89, 92, 93, 91],
    "002": [88, 86, 87, 89, 85, 87, 90, 92, 91, 89, 90, 92],
    "003": [95, 96, 94, 95, 97, 93, 70, 65, 72, 74, 69, 70],
    "004": [86, 88, 85, 87, 86, 88, 88, 87, 89, 86, 88, 90],
    "005": [78, 80, 79, 81, 77, 80, 76, 78, 80, 77, 79, 78],
}
YEAR_END = {"001": (88, 90), "002": (92, 91), "003": (90, 92), "004": (95, 94), "005": (80, 78)}


def _rows(path: Path, cols: tuple[str, ...]) -> dict[str, tuple]:
    ws = load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[1])
    return {str(r[head.index("工号")]): tuple("" if r[head.index(c)] is None else r[head.index(c)] for c in cols) for r in rows[2:] if r[head.index("工号")]}


def _run(runner, *args):
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzhou")
    runner, db = CliRunner(), tmp / "kaohe.db"
    people = [["工号", "姓名", "科室"]] + [[s, n, "综合科"] for s, n in PEOPLE]
    for m in range(12):
        code = f"2023-{m + 1:02d}"
        book = write_book(tmp / f"{code}.xlsx", {
            "人员": people,
            "评分": [["工号", "姓名", "月考核得分"]] + [[s, n, MONTHLY[s][m]] for s, n in PEOPLE],
        })
        _run(runner, "score", book, "--scheme", SCHEME, "--period", code, "--db", db, "-o", tmp / f"{code}-结果.xlsx")
    halves = {}
    for h in ("2023H1", "2023H2"):
        out = tmp / f"{h}.xlsx"
        _run(runner, "quota", "--period", h, "--scheme", SCHEME, "--db", db, "-o", out)
        halves[h] = _rows(out, ("总分", "建议等次"))
    ratings = write_book(tmp / "年终测评.xlsx", {
        "评分": [["工号", "姓名", "民主测评", "领导班子评价"]] + [[s, n, *YEAR_END[s]] for s, n in PEOPLE],
    })
    out = {}
    for quota in ("2", "1"):
        path = tmp / f"2023-{quota}.xlsx"
        _run(runner, "quota", "--year", "2023", "--scheme", SCHEME, "--db", db, "--ratings", ratings,
             "--quota", f"优秀={quota}", "-o", path)
        out[quota] = _rows(path, ("平均分", "总分", "建议等次", "资格", "备注"))
    return halves, out, (runner, db, ratings, tmp)


def test_half_year_means_and_grades(year):
    """H1/H2 = mean of the six monthly scores, graded 优秀 ≥ 90, 称职 ≥ 75, 基本称职 ≥ 60."""
    halves, _, _ = year
    assert halves["2023H1"] == {"001": (93, "优秀"), "002": (87, "称职"), "003": (95, "优秀"),
                                "004": (86.67, "称职"), "005": (79.17, "称职")}
    assert halves["2023H2"] == {"001": (91, "优秀"), "002": (90.67, "优秀"), "003": (70, "基本称职"),
                                "004": (88, "称职"), "005": (78, "称职")}


def test_annual_scores_and_the_excellent_gate(year):
    """平时 = (H1+H2)/2, annual = 0.5 平时 + 0.25 民主 + 0.25 领导; 丁 has the highest score but
    no half-year 优秀; 丙 has a 基本称职 half-year: only 甲 and 乙 may be 优秀."""
    _, out, _ = year
    two = out["2"]
    assert {s: v[:3] for s, v in two.items()} == {
        "001": (92, 90.5, "优秀"),
        "002": (88.83, 90.17, "优秀"),
        "003": (82.5, 86.75, "称职"),
        "004": (87.33, 90.92, "称职"),
        "005": (78.58, 78.79, "称职"),
    }
    assert two["001"][3] == "" and two["002"][3] == ""
    assert two["003"][3] == "半年考核有基本称职或不称职，不得评为年度优秀"
    assert two["004"][3] == "两个半年均非优秀，不得评为年度优秀"
    assert two["005"][3] == "两个半年均非优秀，不得评为年度优秀"
    assert "平时考核88.83×50%＋民主测评92×25%＋领导班子评价91×25%" in two["002"][4]
    # one place: 甲 (90.50) before 乙 (90.17); 丁 (90.92) still cannot take it
    assert {s: v[2] for s, v in out["1"].items()} == {"001": "优秀", "002": "称职", "003": "称职",
                                                     "004": "称职", "005": "称职"}


def test_a_later_run_reuses_the_kept_year_end_ratings(year):
    """`quota --year` again without --ratings: the ratings kept with the last result are used."""
    _, _, (runner, db, _, tmp) = year
    out = tmp / "again.xlsx"
    res = runner.invoke(app, ["quota", "--year", "2023", "--scheme", str(SCHEME), "--db", str(db),
                              "--quota", "优秀=2", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert {s: v[0] for s, v in _rows(out, ("总分",)).items()} == {
        "001": 90.5, "002": 90.17, "003": 86.75, "004": 90.92, "005": 78.79}


def test_a_missing_year_end_rating_is_named(year):
    _, _, (runner, db, _, tmp) = year
    book = write_book(tmp / "缺.xlsx", {"评分": [["工号", "姓名", "民主测评", "领导班子评价"],
                                               *[[s, n, *YEAR_END[s]] for s, n in PEOPLE[:4]], ["005", "戊", 80]]})
    res = runner.invoke(app, ["quota", "--year", "2023", "--scheme", str(SCHEME), "--db", str(db),
                              "--ratings", str(book), "-o", str(tmp / "y.xlsx")])
    assert res.exit_code != 0
    assert "戊（005）的「领导班子评价」" in res.output



def test_each_summed_workbook_is_titled_by_its_own_kind_of_period(year):
    """A half-year's workbook says 半年汇总 (it said 季度汇总), the year's 年度汇总."""
    from openpyxl import load_workbook

    *_, (_, _, _, tmp) = year
    assert load_workbook(tmp / "2023H1.xlsx")["年度"]["A1"].value == "2023年上半年 福州市直机关公务员考核 半年汇总"
    assert load_workbook(tmp / "2023-1.xlsx")["年度"]["A1"].value == "2023年度 福州市直机关公务员考核 年度汇总"
