"""`kaohe decide` for a scheme summed month → half-year → year (examples/schemes/01-fuzhou-halfyear.toml):
the half-year is a period `decide` knows (graded by its own stage grading), and a tie at the
year's 优秀 quota, after the half-years were kept, is decided by the committee.

Inputs (hand-made, as tests/acceptance/test_outside_01.py writes them): 甲 and 乙 score 92 every
month, 丙 80; year-end 民主测评 and 领导班子评价 90/90 for 甲 and 乙, 80/80 for 丙.
Hand-computed: each half-year = mean of six equal months: 甲 92, 乙 92 (优秀 ≥ 90), 丙 80 (称职 ≥ 75).
Year = 0.5 × 平时 + 0.25 × 民主测评 + 0.25 × 领导班子评价:
甲 = 乙 = 0.5 × 92 + 0.25 × 90 + 0.25 × 90 = 91.00; 丙 = 0.5 × 80 + 0.25 × 80 + 0.25 × 80 = 80.00.
With 优秀=1, 甲 and 乙 tie at the edge (并列待定); 丙 has no half-year 优秀 and may not be 优秀.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.domain.period import parse_period
from kaohe_cli.errors import PeriodError
from kaohe_cli.app.decide import is_summed
from kaohe_cli.scheme.loader import parse_scheme
from tests.helpers import write_book

SCHEME = Path(__file__).resolve().parents[2] / "examples" / "schemes" / "01-fuzhou-halfyear.toml"
PEOPLE = [("001", "甲", 92, (90, 90)), ("002", "乙", 92, (90, 90)), ("003", "丙", 80, (80, 80))]


def _run(runner, *args, code: int = 0):
    res = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    return res


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzhou-decide")
    runner, db = CliRunner(), tmp / "kaohe.db"
    people = [["工号", "姓名", "科室"]] + [[s, n, "综合科"] for s, n, _, _ in PEOPLE]
    for m in range(1, 13):
        code = f"2023-{m:02d}"
        book = write_book(tmp / f"{code}.xlsx", {
            "人员": people, "评分": [["工号", "姓名", "月考核得分"]] + [[s, n, v] for s, n, v, _ in PEOPLE]})
        _run(runner, "score", book, "--scheme", SCHEME, "--period", code, "--db", db, "-o", tmp / f"{code}-结果.xlsx")
    for half in ("2023H1", "2023H2"):
        _run(runner, "quota", "--period", half, "--scheme", SCHEME, "--db", db, "-o", tmp / f"{half}.xlsx")
    ratings = write_book(tmp / "年终测评.xlsx", {
        "评分": [["工号", "姓名", "民主测评", "领导班子评价"]] + [[s, n, *r] for s, n, _, r in PEOPLE]})
    res = _run(runner, "quota", "--year", "2023", "--scheme", SCHEME, "--db", db, "--ratings", ratings,
               "--quota", "优秀=1", "-o", tmp / "2023.xlsx")
    return runner, db, tmp, res.output


def test_the_year_ties_at_the_quota_edge(archive):
    _, _, _, out = archive
    assert "甲（001）  91.00  并列待定" in out and "乙（002）  91.00  并列待定" in out
    assert "丙（003）  80.00  称职" in out and "两个半年均非优秀，不得评为年度优秀" in out


def test_a_half_year_is_a_period_decide_knows(archive):
    """2023H1 is summed from months and graded by the half-year's own grading: 丙 (80.00, 称职 ≥ 75)
    cannot be decided 优秀 (the half-year has no quota edge to choose at); a grade the half-year
    does not declare is refused with the half-year's grades."""
    runner, db, _, _ = archive
    res = _run(runner, "decide", "--period", "2023H1", "003=优秀", "--db", db, "--scheme", SCHEME, code=1)
    assert "丙（003，80.00分） 不具备「优秀」的条件" in res.output
    res = _run(runner, "decide", "--period", "2023H1", "003=良好", "--db", db, "--scheme", SCHEME, code=1)
    assert "等次「良好」不是方案 fuzhou-01" in res.output and "2023年上半年" in res.output


def test_the_committee_decides_the_year_tie(archive):
    runner, db, tmp, _ = archive
    res = _run(runner, "decide", "--period", "2023", "002=优秀", "--db", db, "--scheme", SCHEME, "--note", "党组会研究")
    assert "乙（002）：并列待定 → 优秀" in res.output and "甲（001）：并列待定 → 称职" in res.output
    res = _run(runner, "quota", "--year", "2023", "--scheme", SCHEME, "--db", db, "--quota", "优秀=1",
               "-o", tmp / "2023-决定后.xlsx")
    assert "乙（002）  91.00  优秀" in res.output and "甲（001）  91.00  称职" in res.output


def _scheme(period: str):
    """The example scheme scored by `period`: for a period other than month, without the half-year
    stage (a stage must be longer than the scheme's period) and so without its period_grades rules."""
    text = SCHEME.read_text(encoding="utf-8")
    if period == "month":
        return parse_scheme(text, "x.toml")
    text = text.replace('period = "month"', f'period = "{period}"')
    text = text[:text.index("[[annual.stages]]")] + text[text.index("[[annual.parts]]"):]
    text = text[:text.index("[[annual.rules]]")]
    return parse_scheme(text, "x.toml")


@pytest.mark.parametrize("scheme_period, period, summed", [
    ("month", "2023H1", True), ("month", "2023", True), ("month", "2023-03", False),
    ("quarter", "2023H2", True), ("half", "2023H1", False), ("half", "2023", True),
    ("month", "2023-2024学年第一学期", True), ("term", "2023-2024学年", True),
])
def test_is_summed_knows_half_years_and_school_periods(scheme_period, period, summed):
    assert is_summed(_scheme(scheme_period), parse_period(period)) is summed


@pytest.mark.parametrize("scheme_period, period, word", [
    ("half", "2023-03", "按半年考核"), ("quarter", "2023-2024学年第一学期", "按季度考核"), ("year", "2023H1", "按年度考核"),
])
def test_is_summed_refuses_a_period_the_schemes_periods_do_not_make_up(scheme_period, period, word):
    with pytest.raises(PeriodError) as info:
        is_summed(_scheme(scheme_period), parse_period(period))
    assert word in info.value.text()
