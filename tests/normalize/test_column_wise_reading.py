"""The 人员 and 评分 sheets are read column by column, each distinct value once; that must give
exactly what a plain row-by-row reading gives: the same values and types, and the same issues in
the same order. The row-by-row readings are kept below as the references."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_cli.issues import Issue, Level, error
from kaohe_cli.normalize.cells import get, gid, text, where, yes_no
from kaohe_cli.normalize.ratings import read_ratings
from kaohe_cli.normalize.roster import Roster, read_roster
from kaohe_cli.app.prepare import _person_resolver
from kaohe_cli.text import a1, norm
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table

COLUMNS = ["工号", "姓名", "科室", "类别", "分管领导", "职务", "岗位", "参评", "参加工作时间", "入职日期", "年休假天数"]


def reference_roster(table: Table, *, need_dept: bool = True) -> tuple[list[dict], list[Issue]]:
    """The row-by-row reading that read_roster replaced (kept here as the reference)."""
    issues: list[Issue] = []
    rows = []
    seen: dict[str, int] = {}
    for r, vals in table.records:
        raw_id = get(table, vals, "工号")
        gid, id_issue = V.parse_id(raw_id, **where(table, r, "工号"))
        gid = gid or ""
        name = text(get(table, vals, "姓名"))
        if not gid and not name:
            continue
        if id_issue is not None:
            issues.append(id_issue)
            continue
        if not gid:
            issues.append(error("工号为空", "每个人都要有工号；请补填", **where(table, r, "工号")))
            continue
        if gid in seen:
            issues.append(error(
                f"工号「{gid}」重复（第{seen[gid] + 1}行已有）", "工号必须唯一；请核对后修改其中一行", **where(table, r, "工号")
            ))
            continue
        seen[gid] = r
        if not name:
            issues.append(error("姓名为空", "请补填姓名", **where(table, r, "姓名")))
        dept = text(get(table, vals, "科室"))
        if need_dept and not dept:
            issues.append(error("科室为空", "请补填此人所在科室", **where(table, r, "科室")))
        rec = {
            "工号": gid,
            "姓名": name,
            "科室": dept,
            "类别": text(get(table, vals, "类别")),
            "分管领导": text(get(table, vals, "分管领导")),
            "职务": text(get(table, vals, "职务")),
            "岗位": text(get(table, vals, "岗位")),
            "参评": yes_no(table, r, vals, "参评", True, issues),
            "_row": r,
        }
        for col in ("参加工作时间", "入职日期"):
            raw = get(table, vals, col)
            d, issue = V.parse_date(raw, **where(table, r, col)) if raw not in (None, "") else (None, None)
            if issue:
                issues.append(issue)
            rec[col] = d
        raw = get(table, vals, "年休假天数")
        if raw not in (None, ""):
            n, issue = V.parse_number(raw, **where(table, r, "年休假天数"))
            if issue:
                issues.append(issue)
            elif n < 0:
                issues.append(error("年休假天数不能为负数", "请填0或正数", **where(table, r, "年休假天数")))
            rec["年休假天数"] = n
        else:
            rec["年休假天数"] = None
        rows.append(rec)
    return rows, issues


CELLS = {
    "工号": [None, "", "  ", "007", "1001", "1002", 1001, 1001.0, 1002, 1001.5, True, False, 1, 0, 1.0,
             dt.date(2020, 1, 1), "A-12", -3, 1e16, "1001.0", "１００３"],
    "姓名": [None, "", "张三", "李四", " 王五 ", "张三", 1, True, "赵  六"],
    "科室": [None, "", "办公室", "财务股", 3, "办公室 "],
    "类别": [None, "科员", "领导班子", 2.0],
    "分管领导": [None, "", "张三", "李四", "王局"],
    "职务": [None, "科长"],
    "岗位": [None, "会计", 7],
    "参评": [None, "", "是", "否", "Y", "n", "maybe", True, 1, 0, False, 1.0, "√"],
    "参加工作时间": [None, "", dt.date(2001, 7, 1), dt.datetime(2003, 9, 1, 8, 30), "2005-03-04", "2020-13-40", 40000,
                     5, True, "abc", 40000.0],
    "入职日期": [None, dt.date(2010, 1, 1), "2010年1月1日", "x"],
    "年休假天数": [None, "", 5, "5天", -2, "x", 2.5, True, 0, "-1", 5.0],
}


@st.composite
def roster_tables(draw):
    cols = [c for c in COLUMNS if draw(st.booleans()) or c in ("工号", "姓名")]
    order = draw(st.permutations(cols))
    columns = {c: i for i, c in enumerate(order)}
    n = draw(st.integers(0, 25))
    records = []
    for r in range(n):
        width = len(order) if draw(st.integers(0, 5)) else draw(st.integers(0, len(order)))  # ragged rows too
        row = [draw(st.sampled_from(CELLS[c])) for c in order[:width]]
        records.append((r + 3, row))
    return Table("人员.xlsx", "人员", columns, {}, 2, records)


@settings(max_examples=300, deadline=None)
@given(roster_tables(), st.booleans())
def test_column_wise_roster_equals_the_row_by_row_reading(table, need_dept):
    roster, issues = read_roster(table, need_dept=need_dept)
    rows, want_issues = reference_roster(table, need_dept=need_dept)
    got = roster.people.drop(columns=["leader_id"]).reset_index(drop=True)
    assert issues[: len(want_issues)] == want_issues
    # + "人员表中没有参评的人", checked on the frame: exactly when people are read and none is 参评
    nobody_rated = bool(rows) and not any(rec["参评"] for rec in rows)
    assert len(issues) - len(want_issues) == (1 if nobody_rated else 0)
    if nobody_rated:
        last = issues[-1]
        assert (last.level, last.message, last.hint, last.file, last.sheet, last.cell) == (
            Level.ERROR, "人员表中没有参评的人", "请把参评列改为 是，或删去该列", table.file, table.sheet, "")
    assert len(got) == len(rows)
    for col in ["工号", "姓名", "科室", "类别", "分管领导", "职务", "岗位", "参评", "_row", "参加工作时间", "入职日期", "年休假天数"]:
        values = got[col].tolist()
        expected = [rec[col] for rec in rows]
        assert values == expected, col
        assert [type(v) for v in values] == [type(v) for v in expected], col
    if rows:
        assert got["参评"].dtype == bool and got["_row"].dtype == "int64"


def test_nobody_rated_is_reported_once_after_the_row_issues():
    """The one issue the row-by-row reference does not give: people are read, none is 参评."""
    cols = {"工号": 0, "姓名": 1, "参评": 2}
    table = Table("人员.xlsx", "人员", cols, {}, 0, [(1, ["1001", "甲", "否"]), (2, ["1002", "", "n"]), (3, ["1003", "丙", 0])])
    roster, issues = read_roster(table, need_dept=False)
    assert roster.people["参评"].tolist() == [False, False, False]
    assert [(i.cell, i.message) for i in issues] == [("B3", "姓名为空"), ("", "人员表中没有参评的人")]
    # an unreadable 参评 is reported and counts as 是; a blank one is 是; no people, no issue
    maybe = Table("人员.xlsx", "人员", cols, {}, 0, [(1, ["1001", "甲", "否"]), (2, ["1002", "乙", "maybe"])])
    assert [i.cell for i in read_roster(maybe, need_dept=False)[1]] == ["C3"]
    blank = Table("人员.xlsx", "人员", cols, {}, 0, [(1, ["1001", "甲", "否"]), (2, ["1002", "乙", None])])
    assert read_roster(blank, need_dept=False)[1] == []
    assert read_roster(Table("人员.xlsx", "人员", cols, {}, 0, []), need_dept=False)[1] == []


def test_true_and_one_are_different_ids():
    table = Table("人员.xlsx", "人员", {"工号": 0, "姓名": 1}, {}, 0, [(1, [1, "甲"]), (2, [True, "乙"]), (3, [1.0, "丙"])])
    roster, issues = read_roster(table, need_dept=False)
    assert roster.people["工号"].tolist() == ["1"]
    assert [i.cell for i in issues] == ["A3", "A4"]  # TRUE is not a 工号; 1.0 repeats 1
    assert "逻辑值" in issues[0].message and "重复" in issues[1].message


# ---- 评分 -------------------------------------------------------------------------------


def reference_ratings(table: Table, columns: list[str], resolve, subject_col: str):
    """The row-by-row reading that read_ratings replaced (kept here as the reference)."""
    issues: list[Issue] = []
    colmap: dict[str, int | None] = {}
    for c in columns:
        idx = table.columns.get(c)
        if idx is None:
            idx = table.extra_columns.get(norm(c))
        colmap[c] = idx
    data: dict[str, dict[str, float]] = {c: {} for c in columns}
    cells: dict[str, dict[str, str]] = {c: {} for c in columns}
    rows: dict[str, int] = {}
    for r, vals in table.records:
        ref = _subject_ref(table, vals, subject_col)
        if not ref:
            continue
        loc = where(table, r, subject_col if subject_col in table.columns else "姓名")
        sid, issue = resolve(ref, loc)
        if issue:
            issues.append(issue)
            continue
        if sid in rows:
            issues.append(error(f"「{ref}」在评分表中出现两次（第{rows[sid] + 1}行已有）", "每人（每单位）只写一行", **loc))
            continue
        rows[sid] = r
        for c in columns:
            col = colmap[c]
            if col is None:
                continue
            raw = vals[col] if col < len(vals) else None
            cells[c][sid] = f"{table.sheet}!{a1(r, col)}"
            if raw is None or (isinstance(raw, str) and raw.strip() == ""):
                continue
            n, issue = V.parse_number(raw, file=table.file, sheet=table.sheet, cell=a1(r, col))
            if issue:
                issues.append(issue)
                continue
            data[c][sid] = float(n)
    values = pd.DataFrame({c: pd.Series(v, dtype="float64") for c, v in data.items()})
    cell_frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in cells.items()})
    return values, cell_frame, rows, issues


def _subject_ref(table, vals, subject_col):
    if subject_col == "单位":
        return text(get(table, vals, "单位"))
    g = gid(get(table, vals, "工号"))
    if g:
        return g
    return text(get(table, vals, "姓名"))


RATING_CELLS = {
    "工号": [None, "", "001", "002", "003", 1, 2, 2.0, True, "999", "1"],
    "姓名": [None, "", "张三", "李四", "王五", "无名", "张三"],
    "测评得分": [None, "", "  ", 90, 85.5, "88", "88分", "x", True, -3, dt.date(2023, 1, 1), "９０"],
    "不称职票": [None, 0, 1, "2", "two", 1.0],
}


def _roster() -> Roster:
    table = Table("月报.xlsx", "人员", {"工号": 0, "姓名": 1, "科室": 2}, {}, 0, [
        (1, ["001", "张三", "办公室"]), (2, ["002", "李四", "办公室"]), (3, ["003", "张三", "财务股"]),
        (4, ["1", "王五", "财务股"]), (5, ["2", "赵六", "财务股"]),
    ])
    return read_roster(table)[0]


@st.composite
def rating_tables(draw):
    order = draw(st.permutations([c for c in ("工号", "姓名", "测评得分", "不称职票") if draw(st.booleans()) or c == "测评得分"]))
    columns = {c: i for i, c in enumerate(order)}
    records = []
    for r in range(draw(st.integers(0, 20))):
        width = len(order) if draw(st.integers(0, 4)) else draw(st.integers(0, len(order)))
        records.append((r + 1, [draw(st.sampled_from(RATING_CELLS[c])) for c in order[:width]]))
    return Table("月报.xlsx", "评分", columns, {}, 0, records)


@settings(max_examples=300, deadline=None)
@given(rating_tables())
def test_column_wise_ratings_equal_the_row_by_row_reading(table):
    roster = _roster()
    cols = ["测评得分", "不称职票"]
    got, issues = read_ratings(table, cols, _person_resolver(roster), "工号")
    values, cells, rows, want_issues = reference_ratings(table, cols, _person_resolver(roster), "工号")
    assert issues == want_issues
    assert got.rows == rows and list(got.rows) == list(rows)
    pd.testing.assert_frame_equal(got.values, values)
    pd.testing.assert_frame_equal(got.cells, cells)
