"""Outside scheme 03 (初中教师年度考核量化评分, visible items): its worked example, end to end.

`examples/schemes/03-junior-middle-teacher.toml` scores a workbook a clerk fills with raw facts:
the students' rating (百分制) in 评分, and in 考勤 the year's sick-leave days, sick leave entered
by whole weeks, personal-leave whole days, personal leave by class periods (节), and whole weeks
of personal leave. A whole week of personal leave is what the clerk records when the teacher was
on leave on every day of a week that had classes (the timetable fact is the clerk's input): 吴
was on leave on both class days of a 2-class-day week, so 事假（整周） = 1.

The worked example (../shared/outside-schemes/03, by hand):

| teacher | rating | ethics | sick | personal | attendance (8) | total | graded |
| 林 | 92 | 13.80 | 0 | 0 | 8.00 | 21.80 | yes |
| 陈 | 85 | 12.75 | 3 days: 0.30 | 2 days: 0.40 | 7.30 | 20.05 | yes |
| 黄 | 78 | 11.70 | 2 weeks = 10 days: 1.00 | 3 节: 0.30 | 6.70 | 18.40 | yes |
| 吴 | 90 | 13.50 | 0 | whole week 5 × 0.2 = 1.00 + 1 day 0.20 | 6.80 | 20.30 | yes |
| 郑 | 88 | 13.20 | 27 weeks = 135 days: 13.50 | 0 | 8 − 13.50 < 0 → 0.00 | 13.20 | no |

郑's sick leave, 135 days, reaches half a year (the scheme's parameter: 26 weeks × 5 = 130 days):
scored, but not graded: its 等次 cell says the scheme's own words, 不参加年度考核 (the rule's
`grade_text`), not 不确定等次. The scheme has no cut-offs (not visible), so the graded teachers' 等次
is left blank for the committee.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.helpers import score_summary, write_book

SCHEME = Path(__file__).resolve().parents[2] / "examples" / "schemes" / "03-junior-middle-teacher.toml"
HEAD = ["工号", "姓名", "病假", "病假（整周）", "事假", "事假（节）", "事假（整周）"]
ATTENDANCE = [
    ["001", "林", 0, 0, 0, 0, 0],
    ["002", "陈", 3, 0, 2, 0, 0],
    ["003", "黄", 0, 2, 0, 3, 0],
    ["004", "吴", 0, 0, 1, 0, 1],
    ["005", "郑", 0, 27, 0, 0, 0],
]
RATINGS = [["001", "林", 92], ["002", "陈", 85], ["003", "黄", 78], ["004", "吴", 90], ["005", "郑", 88]]


def _score(tmp_path: Path) -> dict[str, dict]:
    book = write_book(tmp_path / "2023.xlsx", {
        "人员": [["工号", "姓名", "科室"], *[[g, n, "初二年段"] for g, n, _ in RATINGS]],
        "考勤": [HEAD, *ATTENDANCE],
        "评分": [["工号", "姓名", "学生评分"], *RATINGS],
    })
    return score_summary(book, SCHEME, "2023", tmp_path)


def test_the_worked_example_of_scheme_03(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = _score(tmp_path)
    scores = {n: (r["师德考核"], r["出勤"], r["总分"]) for n, r in got.items()}
    assert scores == {
        "林": (13.8, 8, 21.8),
        "陈": (12.75, 7.3, 20.05),
        "黄": (11.7, 6.7, 18.4),
        "吴": (13.5, 6.8, 20.3),
        "郑": (13.2, 0, 13.2),
    }
    grades = {n: r["等次"] for n, r in got.items()}
    assert grades == {"林": None, "陈": None, "黄": None, "吴": None, "郑": "不参加年度考核"}
    assert got["郑"]["备注"] == "病假累计满半年，不参加年度考核等次评定，按实际工作量化计分；出勤扣完为止（最低0分）"
    assert got["吴"]["备注"] is None


def test_the_whole_week_and_the_week_units_in_the_detail(tmp_path, monkeypatch):
    """The lines say what was entered: 黄's 2 weeks are 10 sick days (−1), 吴's whole week is 5 days
    of personal leave (−1, not 2 × 0.2 = −0.4), 黄's 3 节 cost 0.1 each (−0.3)."""
    monkeypatch.chdir(tmp_path)
    _score(tmp_path)
    rows = list(load_workbook(tmp_path / "结果.xlsx")["明细"].iter_rows(values_only=True))
    head = list(rows[0])
    col = {c: head.index(c) for c in ("姓名", "事项", "数量", "分值", "备注")}
    lines = sorted((r[col["姓名"]], r[col["事项"]], r[col["数量"]], r[col["分值"]], r[col["备注"]] or "")
                   for r in rows[1:] if r[col["姓名"]] in ("黄", "吴") and r[col["事项"]])
    assert lines == [
        ("吴", "事假", 1, -0.2, ""),
        ("吴", "事假", 5, -1, "登记为「事假（整周）」，按「事假」计，每周折合5天"),
        ("黄", "事假（节）", 3, -0.3, ""),
        ("黄", "病假", 10, -1, "登记为「病假（整周）」，按「病假」计，每周折合5天"),
    ]
