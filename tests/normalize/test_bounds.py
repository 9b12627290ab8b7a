"""Bounds everywhere (issue 15, part 5): numbers that cannot be right are errors, never wrapped.

- Input workbooks: counts above 10,000, days above the days of the period, 分值 above 1,000,
  ratings above 10,000, 年休假天数 above 366, NaN and infinity in any numeric cell: an error at
  the cell, in Chinese; exit 1; nothing written (no result workbook, no archive).
- Points inside the engine are int64 micro-points: converting or summing beyond ±10¹² points
  raises `PointsOverflow`, never wraps.
- Scheme files: every number has a sign and a range in the pydantic model, and every pydantic
  and tomllib error reaches the user in Chinese, naming the key path (or line and column).
- Scheme files and kaohe.toml over 1 MB or nested deeper than 32 levels are refused before
  parsing.

Every run asserts the exit code, the Chinese message at its cell or key, that the output holds
no English words (keys, scheme ids and file names aside), and that the folder is unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.events import ledger as L
from kaohe_cli.errors import PointsOverflow, SchemeError
from kaohe_cli.issues import Level
from kaohe_cli.domain.points import MAX_MICRO, MAX_POINTS, check_ledger, int_micro, micro_array, to_micro
from kaohe_cli.read import values as V
from kaohe_cli.attendance.exports import read_export
from kaohe_cli.scheme import builtin_ids, load_scheme
from kaohe_cli.scheme import legacy, model as M
from kaohe_cli.scheme.loader import MAX_TOML_BYTES, builtin_text, nesting_too_deep, parse_scheme
from tests.export_fixtures import dingtalk_company16
from tests.helpers import write_book

ENV = {"COLUMNS": "400"}

# ---- output checks ---------------------------------------------------------------------------

# Words the user types or reads as they are: the program, commands, formats, TOML literals.
_ALLOWED = {"kaohe", "toml", "xlsx", "schemes", "export", "check", "score", "init", "quota", "true",
            "false", "excel", "wps", "utf", "new", "guide"}  # kaohe schemes new, kaohe schemes guide
# Every key of a scheme or of kaohe.toml, and every value a Literal allows.
_MODELS = (M.Scheme, M.Item, M.Level, M.Component, M.Caps, M.Rule, M.Condition, M.Grade, M.Grading,
           M.Targets, M.Factor, M.BandRule, M.BottomRankPenalty, M.Annual, legacy.LeaveArithmetic, M.Allowance, M.ByYears)
for _cls in _MODELS:
    _ALLOWED.update(k.lower() for k in _cls.model_fields)
    for _f in _cls.model_fields.values():
        _ALLOWED.update(w.lower() for w in re.findall(r"'([A-Za-z_]+)'", str(_f.annotation)))
for _key in ("unit_name", "scheme", "archive", "output_dir", "contact", "quotas", "attendance", "calendar",
             "notice_days", "templates_dir", "hours_per_day", "mapping", "extra_holidays", "extra_workdays",
             "person", "phone", "address", "posted_at", "top_share", "bottom_share", "top_years", "bottom_years",
             "share", "flag"):
    _ALLOWED.add(_key)
_ALLOWED.update(builtin_ids())


def english_words(text: str, *own: str) -> list[str]:
    """Runs of 3+ ASCII letters that are not a key, a scheme id, a file name or an allowed word."""
    allowed = _ALLOWED | {w.lower() for w in own}
    words = []
    for token in re.findall(r"[A-Za-z][A-Za-z_]*", text):
        parts = [token, *token.split("_")]
        if len(token) >= 3 and not any(p.lower() in allowed for p in parts):
            words.append(token)
    return words


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(folder: Path, args: list[str], expect_exit: int = 1, *own: str) -> str:
    """Run kaohe in `folder`: the exit code, no traceback, no warning, no English, nothing written."""
    before = snapshot(folder)
    result = CliRunner().invoke(app, [str(a) for a in args], env=ENV)
    out = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    assert "Traceback" not in out and "Warning" not in out, out
    assert result.exit_code == expect_exit, out
    assert snapshot(folder) == before, "kaohe wrote or changed a file"
    assert not english_words(out, *own, *[Path(str(a)).stem for a in args]), (english_words(out, *own), out)
    return out


def row_at(output: str, location: str) -> str:
    rows = [line for line in output.splitlines() if location in line]
    assert rows, f"no issue at {location}:\n{output}"
    return "\n".join(rows)


def assert_issue(output: str, location: str, *texts: str) -> None:
    row = row_at(output, location)
    assert "错误" in row, row
    for text in texts:
        assert text in row, f"{text!r} not in {row!r}"


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---- workbooks -----------------------------------------------------------------------------

from tests.normalize.test_cli_check import ROSTER  # noqa: E402 - the same four people as the check tests
EV_HEAD = ["对象", "对象类型", "事项", "级别", "次数", "分值", "文号", "事由", "日期"]
#           A       B          C       D       E       F       G       H       I


def attendance(*first_row) -> list[list]:
    """A caizheng 考勤 summary; `first_row` gives 张三's 迟到, 早退, 事假 (row 2: C2, D2, E2)."""
    late, early, leave = (list(first_row) + [0, 0, 0])[:3]
    return [
        ["工号", "姓名", "迟到", "早退", "事假"],
        ["001", "张三", late, early, leave],
        ["002", "李四", 0, 0, 0],
        ["003", "王五", 0, 1, 0],
        ["004", "赵六", 0, 0, 0],
    ]


def caizheng_book(path: Path, **sheets) -> Path:
    book = {"人员": ROSTER, "考勤": attendance()}
    book.update(sheets)
    return write_book(path, {k: v for k, v in book.items() if v is not None})


def with_cell_values(path: Path, replace: dict[str, str]) -> Path:
    """Rewrite number cells in the sheet XML (`<v>12345</v>` → `<v>inf</v>`): what a workbook
    with a formula error or a hand-edited file holds, and what xlsxwriter refuses to write."""
    tmp = path.with_suffix(".tmp")
    path.rename(tmp)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                for old, new in replace.items():
                    data = data.replace(f"<v>{old}</v>".encode(), f"<v>{new}</v>".encode())
            dst.writestr(info, data)
    tmp.unlink()
    return path


def score(work: Path, book: str, scheme: str, *extra: str, own: tuple[str, ...] = ()) -> str:
    """`kaohe score` must fail and write nothing: no result workbook, no archive."""
    out = run(work, ["score", book, "--scheme", scheme, *extra], 1, *own)
    assert not list(work.glob("*考核结果*")) and not (work / "kaohe.db").exists()
    return out


# ---- counts and days in 考勤 -----------------------------------------------------------------


def test_a_count_of_1e308_is_an_error_at_its_cell_not_an_overflow(work):
    """The probe: 迟到 = 1e308 overflowed int64 (-9223372036854.775 points), warned, exited 0."""
    caizheng_book(work / "2023-03.xlsx", 考勤=attendance(1e308))
    out = score(work, "2023-03.xlsx", "caizheng")
    assert_issue(out, "2023-03.xlsx:考勤!C2", "「迟到」为 1×10^308", "超出合理范围", "一个考核期内最多 10000 次")
    assert "9223372036854" not in out and "overflow" not in out.lower()


def test_the_count_limit_is_inclusive(work):
    caizheng_book(work / "2023-03.xlsx", 考勤=attendance(10_000))
    run(work, ["check", "2023-03.xlsx", "--scheme", "caizheng"], 0)
    caizheng_book(work / "2023-03.xlsx", 考勤=attendance(10_001))
    out = run(work, ["check", "2023-03.xlsx", "--scheme", "caizheng"], 1)
    assert_issue(out, "2023-03.xlsx:考勤!C2", "「迟到」为 10001", "最多 10000 次")


def test_days_beyond_the_days_of_the_month(work):
    """February 2023 has 28 days: 28 days of 事假 are possible, 29 are not."""
    caizheng_book(work / "2023-02.xlsx", 考勤=attendance(0, 0, 28))
    run(work, ["check", "2023-02.xlsx", "--scheme", "caizheng"], 0)
    caizheng_book(work / "2023-02.xlsx", 考勤=attendance(0, 0, 29))
    out = score(work, "2023-02.xlsx", "caizheng")
    assert_issue(out, "2023-02.xlsx:考勤!E2", "「事假」为 29天", "2023年2月共 28 天")


@pytest.mark.parametrize(("raw", "said"), [
    ("inf", "「迟到」不是有效数字（无穷大）"),
    ("-inf", "「迟到」不是有效数字（负无穷大）"),
    ("NaN", "「迟到」不是有效数字（无效数值"),
    ("1e400", "「迟到」不是有效数字（无穷大）"),
])
def test_nan_and_infinity_in_a_cell_are_errors(work, raw, said):
    """calamine reads <v>inf</v>, <v>NaN</v> and <v>1e400</v> as float infinity and NaN."""
    book = caizheng_book(work / "2023-03.xlsx", 考勤=attendance(12345))
    with_cell_values(book, {"12345": raw})
    out = score(work, "2023-03.xlsx", "caizheng")
    assert_issue(out, "2023-03.xlsx:考勤!C2", said)


@pytest.mark.parametrize("raw", ["inf", "Infinity", "1e400", "nan"])
def test_infinity_typed_as_text_is_an_error(work, raw):
    caizheng_book(work / "2023-03.xlsx", 考勤=attendance(raw))
    out = score(work, "2023-03.xlsx", "caizheng", own=(raw,))
    assert_issue(out, "2023-03.xlsx:考勤!C2", "「迟到」应为数字", f"「{raw}」")


def test_detail_attendance_rows_add_up_beyond_the_days_of_the_month(work):
    """29 detail rows of 事假 for one person in February: their sum is refused, at the first row."""
    rows = [["工号", "姓名", "日期", "状态", "天数"]]
    rows += [["001", "张三", dt.date(2023, 2, 1 + k % 28), "事假", 1] for k in range(29)]
    rows += [["002", "李四", dt.date(2023, 2, 1 + k), "事假", 1] for k in range(28)]
    caizheng_book(work / "2023-02.xlsx", 考勤=rows)
    out = score(work, "2023-02.xlsx", "caizheng")
    assert_issue(out, "2023-02.xlsx:考勤!D2", "张三（001）的「事假」在考勤明细中合计 29天", "2023年2月共 28 天")
    assert "李四" not in row_at(out, "错误")


# ---- 次数 and 分值 of events ------------------------------------------------------------------


def test_an_event_count_beyond_the_limit(work):
    caizheng_book(work / "2023-03.xlsx", 奖惩=[EV_HEAD, ["002", "个人", "个人受奖", "市", 1e9, "", "市财〔2023〕3号", "宣传", "2023-03-10"]])
    out = score(work, "2023-03.xlsx", "caizheng")
    assert_issue(out, "2023-03.xlsx:奖惩!E2", "「次数」为 1000000000", "一个考核期内最多 10000 次")


def test_event_days_beyond_the_month(work):
    """旷工 is counted in days: 32 days in March cannot be."""
    caizheng_book(work / "2023-03.xlsx", 奖惩=[EV_HEAD, ["002", "个人", "旷工", "", 32, "", "", "", "2023-03-10"]])
    out = score(work, "2023-03.xlsx", "caizheng")
    assert_issue(out, "2023-03.xlsx:奖惩!E2", "「次数」为 32天", "2023年3月共 31 天")


def test_points_beyond_the_limit(work):
    worklog = [["工号", "姓名", "事项", "分值", "日期"], ["001", "张三", "履职不力", 1e15, "2023-01-05"]]
    write_book(work / "2023-01.xlsx", {"人员": [["工号", "姓名", "科室"], ["001", "张三", "办公室"]], "记实": worklog})
    out = score(work, "2023-01.xlsx", "zhujian")
    assert_issue(out, "2023-01.xlsx:记实!D2", "「分值」为 1×10^15", "每次最多 1000 分")


# ---- the roster, units and ratings -------------------------------------------------------------


def test_annual_leave_allowance_beyond_a_year(work):
    roster = [["工号", "姓名", "科室", "年休假天数"], ["001", "张三", "办公室", 400], ["002", "李四", "办公室", 15]]
    write_book(work / "2023-01.xlsx", {"人员": roster})
    out = score(work, "2023-01.xlsx", "zhujian")
    assert_issue(out, "2023-01.xlsx:人员!D2", "「年休假天数」为 400天", "一年最多 366 天")
    assert "人员!D3" not in out


def test_a_headcount_beyond_the_limit(work):
    units = [["单位", "人数"], ["办公室", 5], ["组织部", 1e6]]
    write_book(work / "2023.xlsx", {"单位": units})
    out = score(work, "2023.xlsx", "gonghui")
    assert_issue(out, "2023.xlsx:单位!B3", "「人数」为 1000000", "最多 10000 人")


@pytest.mark.parametrize(("column", "cell", "value", "said"), [
    ("奖惩附加分", "E2", 1e308, "「奖惩附加分」为 1×10^308"),
    ("测评得分", "F2", -20000, "「测评得分」为 -20000"),
])
def test_ratings_beyond_the_limit_are_errors_not_clipped(work, column, cell, value, said):
    """jinjiang clips 奖惩附加分 to ±10 with a note; 1e308 used to wrap before the clip."""
    roster = [["工号", "姓名", "科室", "类别"], ["J1", "甲", "党政办", "一般工作人员"], ["J2", "乙", "党政办", "一般工作人员"]]
    ratings = [["工号", "姓名", "常规工作", "重点项目", "奖惩附加分", "测评得分"],
               ["J1", "甲", 45, 35, 0, 90], ["J2", "乙", 40, 30, 0, 80]]
    ratings[1][ratings[0].index(column)] = value
    write_book(work / "2023Q2.xlsx", {"人员": roster, "评分": ratings})
    out = score(work, "2023Q2.xlsx", "jinjiang")
    assert_issue(out, f"2023Q2.xlsx:评分!{cell}", said, "评分表的分数和票数绝对值最大 10000")


# ---- punch-clock exports -----------------------------------------------------------------------


def test_export_counts_and_days_beyond_the_limits(work):
    grid = dingtalk_company16([
        {"姓名": "张三", "工号": "001", "部门": "办公室", "迟到次数": 1e9},
        {"姓名": "李四", "工号": "002", "部门": "办公室", "事假(天)": 40},
        {"姓名": "王五", "工号": "003", "部门": "办公室", "事假(天)": 31},
    ])
    grid.save(work / "考勤导出.xlsx")
    write_book(work / "2026-03.xlsx", {"人员": [["工号", "姓名", "科室"], ["001", "张三", "办公室"],
                                               ["002", "李四", "办公室"], ["003", "王五", "办公室"]]})
    out = score(work, "2026-03.xlsx", "caizheng", "--attendance", "考勤导出.xlsx")
    assert_issue(out, "考勤导出.xlsx:月度汇总!H3", "张三 的迟到合计 1000000000 次", "一个考核期内最多 10000 次")
    assert_issue(out, "考勤导出.xlsx:月度汇总!D4", "李四 的事假合计 40 天", "2026-03-01 至 2026-03-31 共 31 天")
    assert "王五" not in out


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_export_nan_and_infinity_are_errors(value):
    grid = dingtalk_company16([{"姓名": "张三", "工号": "001", "部门": "办公室", "迟到次数": 2},
                               {"姓名": "李四", "工号": "002", "部门": "办公室"}])
    sheet = grid.sheet()
    sheet.rows[3][7] = value  # 李四's 迟到次数 (H4)
    exp = read_export(sheet)
    [bad] = [i for i in exp.issues if i.level is Level.ERROR]
    assert bad.cell == "H4" and "「迟到次数」的值不是有效数字" in bad.message
    assert not english_words(bad.text())
    assert exp.people[0].counts["迟到"] == 2 and exp.people[1].counts["迟到"] == 0


# ---- points never wrap -------------------------------------------------------------------------


def test_to_micro_is_exact_up_to_the_bound_and_refuses_beyond():
    assert to_micro("0.000001") == 1 and to_micro(Decimal("-2.5")) == -2_500_000
    assert to_micro(MAX_POINTS) == MAX_MICRO and to_micro(-MAX_POINTS) == -MAX_MICRO
    for bad in (MAX_POINTS + 1, Decimal("1e308"), float("inf"), float("nan"), Decimal("NaN"), "abc"):
        with pytest.raises(PointsOverflow) as info:
            to_micro(bad)
        assert "超出可精确计算的范围" in info.value.text() and not english_words(info.value.text(), "abc")


def test_float_arrays_are_refused_not_wrapped():
    assert micro_array([1.5, -2.25]).tolist() == [1_500_000, -2_250_000]
    for bad in ([1e308], [float("nan")], [float("-inf")], [MAX_POINTS * 2.0]):
        with pytest.raises(PointsOverflow):
            micro_array(bad)
    with pytest.raises(PointsOverflow):
        int_micro(np.array([9.3e18]))  # just beyond int64: astype would wrap to a negative


def test_a_ledger_refuses_points_it_cannot_hold():
    assert L.make(subject=["a"], points=[5]).at[0, "points"] == 5
    for bad in ([1e30], [2**70], np.array([2**63 - 1], dtype=np.int64), np.array([2**63], dtype=np.uint64)):
        with pytest.raises(PointsOverflow):
            L.make(subject=["a"], points=bad)
    with pytest.raises(PointsOverflow):
        L.make(subject=["a", "b"], points=10**19)


def test_a_ledger_whose_sum_could_wrap_is_refused():
    """Each line fits, but their sum would not: concat refuses, where a groupby sum would wrap."""
    big = L.make(subject=["a"] * 6, points=[MAX_MICRO // 4] * 6)
    with pytest.raises(PointsOverflow) as info:
        L.concat([big, big])
    assert "分值合计" in info.value.text()
    check_ledger(np.array([MAX_MICRO // 2, -MAX_MICRO // 2]))  # exactly at the bound: fine


# ---- scheme files: sign and range of every value ---------------------------------------------

CAIZHENG = builtin_text("caizheng")
JINJIANG = builtin_text("jinjiang")
ZHUJIAN = builtin_text("zhujian")
KEXIE = builtin_text("kexie")
GONGHUI = builtin_text("gonghui")


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# case → (scheme text, key path shown, Chinese phrases)
SCHEME_CASES = {
    "negative-cap-total": (_edit(CAIZHENG, "total = 25", "total = -5"), "[bonus_caps] total",
                           ["应为不小于 0、不超过 100000 的数（实为 -5）"]),
    "negative-cap-category": (_edit(CAIZHENG, '"科室受奖" = 5,', '"科室受奖" = -5,'), '[bonus_caps] categories."科室受奖"',
                              ["不小于 0", "实为 -5"]),
    "inf": (_edit(CAIZHENG, "total = 25", "total = inf"), "[bonus_caps] total", ["应为有限的数，不能是无穷大或非数"]),
    "nan": (_edit(CAIZHENG, "total = 25", "total = nan"), "[bonus_caps] total", ["应为有限的数"]),
    "minus-inf-points": (_edit(CAIZHENG, 'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 2',
                               'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = -inf'),
                         "[[items]] 第", ["「月记缺交」的 points", "应为有限的数"]),
    "huge-points": (_edit(CAIZHENG, 'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 2',
                          'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 1e300'),
                    "「月记缺交」的 points", ["不超过 1000", "实为 1×10^300"]),
    "too-many-places": (_edit(CAIZHENG, "total = 25", "total = 25.123456"), "[bonus_caps] total", ["最多 4 位小数"]),
    "weight-above-1": (_edit(JINJIANG, "weight = 0.4", "weight = 1.5"), "「领导测评分」的 weight", ["大于 0、不超过 1", "实为 1.5"]),
    "weight-0": (_edit(JINJIANG, "weight = 0.4", "weight = 0"), "「领导测评分」的 weight", ["大于 0"]),
    "bands-decreasing": (_edit(JINJIANG, "{ upto = 0.25, points = 90 }, { upto = 0.55, points = 80 }",
                               "{ upto = 0.55, points = 90 }, { upto = 0.25, points = 80 }"),
                         "[[components]] 第5个「领导测评分」", ["bands 的 upto 应从小到大递增"]),
    "band-upto-0": (_edit(JINJIANG, "{ upto = 0.25, points = 90 }", "{ upto = 0, points = 90 }"),
                    "bands 第1个的 upto", ["大于 0、不超过 1"]),
    "band-upto-above-1": (_edit(JINJIANG, "{ upto = 0.55, points = 80 }", "{ upto = 1.5, points = 80 }"),
                          "bands 第2个的 upto", ["实为 1.5"]),
    "component-max-0": (_edit(JINJIANG, "max = 40", "max = 0"), "「重点项目」的 max", ["大于 0、不超过 1000"]),
    "component-min-above-max": (_edit(JINJIANG, "min = -10\nmax = 10", "min = 20\nmax = 10"),
                                "「奖惩附加分」", ["min 必须小于 max"]),
    "zero-at-0": (_edit(JINJIANG, "zero_at = 10", "zero_at = 0"), "的 zero_at", ["大于 0"]),
    "also-min-negative": (_edit(CAIZHENG, "also_min = 2", "also_min = -1"), "penalties 第1个的 also_min", ["不小于 0"]),
    "column-max-0": (_edit(JINJIANG, "column_max = 100", "column_max = 0"), "的 column_max", ["大于 0"]),
    "bottom-0": (_edit(CAIZHENG, "bottom = 3", "bottom = 0"), "penalties 第1个的 bottom", ["不小于 1", "整数"]),
    "quota-0%": (_edit(CAIZHENG, 'quota = "40%"', 'quota = "0%"'), "grades 第1个「好」的 quota", ["比例应大于 0%"]),
    "quota-150%": (_edit(CAIZHENG, 'quota = "40%"', 'quota = "150%"'), "「好」的 quota", ["名额「150%」格式不对"]),
    "quota-negative": (_edit(GONGHUI, 'quota = "1"', 'quota = "-1"'), "「一等奖」的 quota", ["名额「-1」格式不对"]),
    "quota-inf": (_edit(GONGHUI, 'quota = "1"', 'quota = "inf"'), "「一等奖」的 quota", ["格式不对"]),
    "factor-negative": (_edit(KEXIE, "default_factor = 0.5", "default_factor = -0.5"), "的 default_factor", ["不小于 0"]),
    "shared-factor-2": (GONGHUI.replace("targets = { shared_factor = 0.5 }", "targets = { shared_factor = 2 }", 1),
                        "targets.shared_factor", ["大于 0、不超过 1"]),
    "dept-limit-0": (_edit(CAIZHENG, 'tied_counts_as = "良好"\n', 'tied_counts_as = "良好"\ndept_limit = { "限时办结不力" = 0 }\n'),
                     '[annual] dept_limit."限时办结不力"', ["不小于 1"]),
    "awards-negative": (_edit(GONGHUI, 'awards = { "一等奖" = 2000', 'awards = { "一等奖" = -2000'),
                        '[annual] awards."一等奖"', ["不小于 0"]),
    "bottom-share": (_edit(CAIZHENG, 'when = { bottom_share = "20%" }', 'when = { bottom_share = "0%" }'),
                     "when.bottom_share", ["bottom_share 的比例应大于 0%"]),
    "multi-year-years": (_edit(CAIZHENG, 'top_years = "3"', 'top_years = "三"'), "[annual] multi_year",
                         ["top_years 应为 1 到 100 之间的整数年数"]),
    "gt-negative": (_edit(JINJIANG, 'gt = 40 }', 'gt = -40 }'), "when.gt", ["不小于 0"]),
    "grade-min-huge": (_edit(JINJIANG, '{ name = "优秀", min = 90', '{ name = "优秀", min = 1e9'), "「优秀」的 min",
                       ["不超过 100000"]),
    "deduction-cap-negative": ("deduction_cap = -1\n" + CAIZHENG, "deduction_cap", ["不小于 0"]),
    "allowance-bands": (_edit(ZHUJIAN, "bands = [[1, 5], [10, 10], [20, 15]]", "bands = [[10, 5], [1, 10], [20, 15]]"),
                        "「年休假」的 by_years", ["年数从小到大递增"]),
    "allowance-amount": (_edit(ZHUJIAN, "bands = [[1, 5], [10, 10], [20, 15]]", "bands = [[1, 5], [10, 20000], [20, 15]]"),
                         "by_years.bands 第2个的 第2个", ["不超过 10000"]),
    "allowance-years": (_edit(ZHUJIAN, "bands = [[1, 5], [10, 10], [20, 15]]", "bands = [[1, 5], [10.5, 10], [20, 15]]"),
                        "by_years.bands 第2个的 第1个", ["整数"]),
    # every kind of pydantic error a TOML value can trigger
    "missing": (_edit(CAIZHENG, 'period = "month"\n', ""), "period", ["缺少必填项"]),
    "extra-forbidden": (_edit(CAIZHENG, "total = 25", "total = 25\ntotl = 3"), "[bonus_caps] totl", ["未知的键「totl」"]),
    "decimal-parsing": (_edit(CAIZHENG, "total = 25", 'total = "二十五"'), "[bonus_caps] total", ["应为数字"]),
    "decimal-type": (_edit(CAIZHENG, "total = 25", "total = true"), "[bonus_caps] total", ["应为数字"]),
    "decimal-from-date": (_edit(CAIZHENG, "total = 25", "total = 2024-01-01"), "[bonus_caps] total", ["应为数字"]),
    "string-type": (_edit(CAIZHENG, 'group_by = "分管领导"', "group_by = 5"), "group_by", ["应为文本"]),
    "bool-parsing": (_edit(CAIZHENG, "same_reason_highest = true", "same_reason_highest = 3"), "same_reason_highest",
                     ["应为 true 或 false"]),
    "int-from-float": (_edit(CAIZHENG, "bottom = 3", "bottom = 1.5"), "penalties 第1个的 bottom", ["应为整数，不能有小数"]),
    "int-parsing": (_edit(CAIZHENG, "bottom = 3", 'bottom = "三"'), "penalties 第1个的 bottom", ["应为整数"]),
    "int-type": (_edit(CAIZHENG, "bottom = 3", "bottom = [3]"), "penalties 第1个的 bottom", ["应为整数"]),
    "int-infinite": (_edit(CAIZHENG, "bottom = 3", "bottom = inf"), "penalties 第1个的 bottom", ["应为有限的数"]),
    "list-type": (_edit(CAIZHENG, 'when = { items = ["限时办结不力"] }', 'when = { items = "限时办结不力" }'),
                  "when.items", ["应为列表"]),
    "tuple-type": (_edit(ZHUJIAN, "range = [0.5, 20]", "range = 5"), "的 range", ["应为两个数的列表"]),
    "tuple-too-long": (_edit(ZHUJIAN, "range = [0.5, 20]", "range = [0.5, 20, 30]"), "的 range", ["应有 2 个值，实有 3 个"]),
    "tuple-too-short": (_edit(ZHUJIAN, "range = [0.5, 20]", "range = [0.5]"), "的 range", ["缺少第 2 个值"]),
    "literal": (_edit(CAIZHENG, 'period = "month"', 'period = "week"'), "period",
                ["取值「week」不在允许范围内", "month（月度）、quarter（季度）"]),
    "dict-type": (_edit(GONGHUI, 'awards = { "一等奖" = 2000, "二等奖" = 1000 }', "awards = 5"), "[annual] awards",
                  ["应为表"]),
    "model-type": (_edit(CAIZHENG, 'when = { items = ["限时办结不力"] }', "when = 5"), "的 when", ["应为表"]),
    "value-error": (_edit(CAIZHENG, 'id = "caizheng"', 'id = "Cai Zheng"'), "id", ["id 只能用小写字母"]),
}


@pytest.mark.parametrize("case", list(SCHEME_CASES), ids=list(SCHEME_CASES))
def test_a_scheme_value_out_of_range_is_refused_in_chinese(work, case):
    text, path, phrases = SCHEME_CASES[case]
    (work / "bad.toml").write_text(text, encoding="utf-8")
    caizheng_book(work / "2023-03.xlsx")
    out = run(work, ["check", "2023-03.xlsx", "--scheme", "bad.toml"], 1, "week", "Cai", "Zheng", "totl", "inf", "nan")
    assert "方案文件 bad.toml" in out and path in out, out
    if case != "missing":  # a missing key has no line
        assert re.search(r"第\d+行", out), out
    for phrase in phrases:
        assert phrase in out, (phrase, out)


def test_the_negative_cap_probe_no_longer_changes_scores(work):
    """The probe: [bonus_caps] total = -5 was accepted and changed 92 of 116 scores."""
    text = _edit(CAIZHENG, "total = 25", "total = -5")
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "bad.toml")
    assert "[bonus_caps] total" in info.value.text()


def test_the_six_built_in_schemes_are_inside_their_bounds():
    for sid in builtin_ids():
        scheme = load_scheme(sid)
        assert scheme.id == sid


def test_scheme_limits_agree_with_the_input_limits():
    assert M.SCHEME_LIMITS["points"] == V.LIMITS["points"]
    assert M.SCHEME_LIMITS["count"] == V.LIMITS["count"]
    assert M.SCHEME_LIMITS["rating"] == V.LIMITS["rating"]


# ---- scheme files: TOML syntax, nesting and size -----------------------------------------------

SYNTAX_CASES = {
    "invalid-value": ("total = = 25", "值无效"),
    "unterminated-string": ('note = "abc', "引号没有成对"),
    "unterminated-at-the-end": ('note = """abc', "字符串缺少结束引号"),
    "overwrite": ("total = 25\ntotal = 26", "同一个键写了两次"),
    "invalid-statement": ("优秀 = 3", "中文的键要用英文双引号括起来"),
    "unclosed-array": ("x = [1, 2", "缺少右方括号"),
    "unclosed-inline-table": ("x = { a = 1", "缺少右花括号"),
    "duplicate-inline-key": ("x = { a = 1, a = 2 }", "内联表中同一个键写了两次"),
    "invalid-date": ("x = 2024-02-30", "日期或时间无效"),
    "unescaped-backslash": ('x = "a\\q"', "反斜杠"),
    "invalid-hex": ('x = "\\uZZZZ"', "十六进制"),
    "not-a-scalar": ('x = "\\uD800"', "不是有效字符"),
    "table-bracket": ("[x\n", "表头 [...] 缺少右方括号"),
    "array-table-bracket": ("[[x]\n", "表头 [[...]] 缺少右方括号"),
    "two-statements": ("x = 1 y = 2", "一行只能写一个"),
    "key-start": ("x.= 1", "键的写法不对"),
    "illegal-character": ('x = "a\x01b"', "非法字符"),
    "no-equals": ("x 1", "键后面缺少 ="),
    "declare-twice": ("[bonus_caps]", "同一个表声明了两次"),
    "immutable": ("x = [1]\n[[x]]", "不能再往已写完的表或内联表中添加键"),
    "inline-immutable": ("x = { a = { b = 1 }, a.c = 2 }", "不能再往已写完的表或内联表中添加键"),
    "dotted-then-table": ("a.b = 1\n[a]", "同一个表声明了两次"),
    "table-then-array": ("[y]\nz = 1\n[[y]]", "同一个键写了两次"),
    "multiline-unterminated": ("x = '''abc", "缺少结束的引号或括号"),
}


@pytest.mark.parametrize("case", list(SYNTAX_CASES), ids=list(SYNTAX_CASES))
def test_toml_syntax_errors_are_chinese(work, case):
    snippet, said = SYNTAX_CASES[case]
    text = snippet + "\n" + CAIZHENG  # before the first table
    (work / "bad.toml").write_text(text, encoding="utf-8")
    caizheng_book(work / "2023-03.xlsx")
    out = run(work, ["check", "2023-03.xlsx", "--scheme", "bad.toml"], 1, *re.findall(r"[A-Za-z]+", snippet))
    assert re.search(r"方案文件 bad.toml (第\d+行第\d+列)?不是合法的 TOML", out), out
    assert said in out, (said, out)


def test_deep_nesting_is_refused_before_parsing(work):
    """The probe: a 50,000-deep array gave a RecursionError traceback from tomllib."""
    text = CAIZHENG + "\nx = " + "[" * 50_000 + "]" * 50_000 + "\n"
    (work / "bad.toml").write_text(text, encoding="utf-8")
    caizheng_book(work / "2023-03.xlsx")
    out = run(work, ["check", "2023-03.xlsx", "--scheme", "bad.toml"], 1)
    line = text.count("\n", 0, text.index("x = [")) + 1
    assert f"方案文件 bad.toml 第{line}行的方括号 [ ] 或花括号 {{ }} 嵌套超过 32 层" in out, out


def test_nesting_is_counted_outside_strings_and_comments():
    assert nesting_too_deep("x = " + "[" * 32 + "]" * 32) is None
    assert nesting_too_deep("x = " + "[" * 33 + "]" * 33) == 4 + 32
    assert nesting_too_deep("x = { a = " * 33 + "1" + " }" * 33) is not None
    assert nesting_too_deep('x = "' + "[" * 100 + '"') is None
    assert nesting_too_deep("x = '" + "{" * 100 + "'") is None
    assert nesting_too_deep('x = """\n' + "[" * 100 + '\n"""') is None
    assert nesting_too_deep("x = '''\n" + "[" * 100 + "\n'''") is None
    assert nesting_too_deep("# " + "[" * 100 + "\nx = 1") is None
    assert nesting_too_deep('x = "\\"' + "[" * 100 + '"') is None  # an escaped quote does not end it
    assert nesting_too_deep('x = ["]", ' + "[" * 40) is not None  # a bracket in a string is no bracket


def test_a_huge_scheme_file_is_refused_unread(work):
    (work / "big.toml").write_text(CAIZHENG + "\n# " + "x" * MAX_TOML_BYTES + "\n", encoding="utf-8")
    caizheng_book(work / "2023-03.xlsx")
    out = run(work, ["check", "2023-03.xlsx", "--scheme", "big.toml"], 1)
    assert "方案文件 big.toml 太大" in out and "上限 1 MB" in out, out


def test_a_number_of_thousands_of_digits_is_refused(work):
    text = _edit(CAIZHENG, "total = 25", "total = " + "9" * 5000)
    (work / "bad.toml").write_text(text, encoding="utf-8")
    caizheng_book(work / "2023-03.xlsx")
    out = run(work, ["check", "2023-03.xlsx", "--scheme", "bad.toml"], 1)
    assert f"第{_line(text, 'total = 999')}行有位数过多的数字" in out, out


def _line(text: str, fragment: str) -> int:
    return text.count("\n", 0, text.index(fragment)) + 1


# ---- kaohe.toml ----------------------------------------------------------------------------------

CONFIG = """unit_name = "某局"
scheme = "caizheng"
notice_days = 5

[quotas]

[attendance]
hours_per_day = 8

[calendar]
extra_holidays = []
"""

CONFIG_CASES = {
    "deep": (CONFIG + "x = " + "{ a = " * 40 + "1" + " }" * 40 + "\n", ["kaohe.toml 第12行", "嵌套超过 32 层"]),
    "syntax": (CONFIG.replace("notice_days = 5", "notice_days = = 5"), ["kaohe.toml 第3行第15列不是合法的 TOML", "值无效"]),
    "notice-days": (CONFIG.replace("notice_days = 5", "notice_days = 500"), ["notice_days：公示期工作日数应在 1–60 之间"]),
    "notice-days-float": (CONFIG.replace("notice_days = 5", "notice_days = 5.5"), ["notice_days：应为整数，不能有小数"]),
    "hours-nan": (CONFIG.replace("hours_per_day = 8", "hours_per_day = nan"), ["attendance.hours_per_day：应为有限的数"]),
    "hours-negative": (CONFIG.replace("hours_per_day = 8", "hours_per_day = -1"), ["每天工作小时数应大于 0、不超过 24"]),
    "quota": (CONFIG.replace("[quotas]", '[quotas]\n"优秀" = "150%"'), ["quotas.优秀：名额「150%」格式不对"]),
    "quota-type": (CONFIG.replace("[quotas]", '[quotas]\n"优秀" = 5'), ["quotas.优秀：应为文本"]),
    "date": (CONFIG.replace("extra_holidays = []", 'extra_holidays = ["2024-13-01", 1.5]'),
             ["calendar.extra_holidays[1]：应为日期", "calendar.extra_holidays[2]：应为日期"]),
    "unknown": (CONFIG.replace("notice_days = 5", "notice_dayz = 5"), ["未知的键「notice_dayz」", "notice_days"]),
    "huge": (CONFIG + "# " + "x" * MAX_TOML_BYTES + "\n", ["kaohe.toml 太大", "上限 1 MB"]),
}


@pytest.mark.parametrize("case", list(CONFIG_CASES), ids=list(CONFIG_CASES))
def test_a_bad_kaohe_toml_is_refused_in_chinese(work, case):
    text, phrases = CONFIG_CASES[case]
    (work / "kaohe.toml").write_text(text, encoding="utf-8")
    caizheng_book(work / "2023-03.xlsx")
    out = run(work, ["check", "2023-03.xlsx"], 1, "dayz", "nan")
    for phrase in phrases:
        assert phrase in out, (phrase, out)


@pytest.mark.parametrize("quota", ["优秀=inf", "优秀=nan%", "优秀=150%", "优秀=1e99"])
def test_a_quota_on_the_command_line_out_of_range_is_a_usage_error(work, quota):
    caizheng_book(work / "2023-03.xlsx")
    out = run(work, ["score", "2023-03.xlsx", "--scheme", "caizheng", "--quota", quota], 2, "inf", "nan")
    assert f"名额「{quota.split('=')[1]}」格式不对" in out, out
