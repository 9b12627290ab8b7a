"""find_sheet / read_table: synonyms, title rows, merged and two-row headers, blank rows, 合计.

Most cases build a RawSheet directly (the grid read_workbook would give); a few go through a
real .xlsx so that merged ranges come from the file.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from kaohe_cli.domain.vocabulary import SHEETS, header_keys, sheet_spec
from kaohe_cli.issues import Level
from kaohe_cli.read.tables import find_sheet, read_table, sheet_candidates
from kaohe_cli.read.workbook import RawSheet, Workbook, read_workbook

N = None


def raw(rows, merged=(), name="人员") -> RawSheet:
    width = max(len(r) for r in rows)
    grid = [list(r) + [None] * (width - len(r)) for r in rows]
    return RawSheet("月报.xlsx", name, grid, list(merged), [])


def book(*names: str) -> Workbook:
    return Workbook(Path("月报.xlsx"), "月报.xlsx", [raw([["x"]], name=n) for n in names], [])


# ---------------------------------------------------------------------------------------
# contract


def test_every_sheet_of_the_design_is_in_the_contract():
    assert set(SHEETS) == {"人员", "单位", "考勤", "记实", "奖惩", "评分"}
    assert sheet_spec("花名册").name == "人员"
    assert sheet_spec("加减分").name == "奖惩"
    assert sheet_spec("领导评分").name == "评分"
    assert set(SHEETS["人员"].required) == {"工号", "姓名", "科室"}
    assert SHEETS["记实"].one_of == (("工号", "姓名"),)


def test_header_keys_normalise_width_space_units_and_stars():
    assert header_keys("工　号") == ("工号",)
    assert header_keys(" ＊工号 ") == ("*工号", "工号")
    assert header_keys("迟到（次）") == ("迟到(次)", "迟到")
    assert header_keys("事假(天)") == ("事假(天)", "事假")


def test_synonyms_do_not_collide_within_a_sheet():
    from kaohe_cli.text import norm

    for spec in SHEETS.values():
        seen: dict[str, str] = {}
        for col in spec.columns:
            for name in col.names:
                key = norm(name)
                assert seen.get(key, col.name) == col.name, (spec.name, name)
                seen[key] = col.name


# ---------------------------------------------------------------------------------------
# sheets


def test_find_sheet_by_exact_synonym():
    wb = book("说明", "花名册", "考勤表")
    assert find_sheet(wb, "人员").name == "花名册"
    assert find_sheet(wb, "考勤").name == "考勤表"
    assert find_sheet(wb, "奖惩") is None


def test_find_sheet_full_width_and_spaces():
    assert find_sheet(book(" 人　员 "), "人员") is not None


def test_find_sheet_by_containment_when_no_exact_match():
    wb = book("2023年3月考勤", "人员")
    assert find_sheet(wb, "考勤").name == "2023年3月考勤"


def test_exact_match_beats_containment():
    wb = book("考勤", "2023年2月考勤")
    assert find_sheet(wb, "考勤").name == "考勤"


def test_two_candidates_are_an_error_not_a_guess():
    wb = book("人员", "花名册")
    issues = []
    assert find_sheet(wb, "人员", issues) is None
    [issue] = issues
    assert issue.level is Level.ERROR and issue.code == "ambiguous-sheet"
    assert "“人员”" in issue.message and "“花名册”" in issue.message


def test_name_of_two_sheets_matches_neither():
    wb = book("人员考勤")
    assert sheet_candidates(wb, "人员") == []
    assert sheet_candidates(wb, "考勤") == []


# ---------------------------------------------------------------------------------------
# headers


def test_title_row_synonyms_blank_rows_and_total_row():
    sheet = raw(
        [
            ["2023年3月人员花名册"],
            [N, N, N],
            ["编　号", "姓名", "部门", "备注"],
            ["007", "张三", "办公室"],
            [N, N, N],
            [1001.0, "李四", "财务股"],
            ["  ", N, N],
            ["合  计", "2人", N],
        ],
        merged=[(0, 0, 0, 3)],
    )
    table, issues = read_table(sheet, "人员")
    assert issues == []
    assert table.columns == {"工号": 0, "姓名": 1, "科室": 2}
    assert table.extra_columns == {"备注": 3}
    assert table.header_row == 2
    assert [r for r, _ in table.records] == [3, 5]
    assert table.records[0][1][0] == "007"
    assert table.get(table.records[1][1], "姓名") == "李四"
    assert table.cell(5, "科室") == "C6"


def test_full_width_headers_and_required_stars():
    sheet = raw([["工　号", "＊姓名", "所在部门（科室）", "科　室"], ["007", "张三", "x", "办公室"]])
    table, issues = read_table(sheet, "人员")
    assert issues == []
    assert table.columns == {"工号": 0, "姓名": 1, "科室": 3}
    assert table.extra_columns == {"所在部门(科室)": 2}


def test_total_row_only_dropped_at_the_end():
    sheet = raw([["工号", "姓名", "科室"], ["小计", N, N], ["001", "张三", "办公室"], ["总计", N, N]])
    table, _ = read_table(sheet, "人员")
    assert [r for r, _ in table.records] == [1, 2]


def test_two_row_header_from_merged_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "考勤"
    ws["A1"] = "2023年3月考勤表"
    ws.merge_cells("A1:F1")
    for col, text in zip("ABCF", ["工号", "姓名", "请假", "迟到"]):
        ws[f"{col}2"] = text
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:E2")
    ws.merge_cells("F2:F3")
    ws["C3"], ws["D3"], ws["E3"] = "事假(天)", "病假", "天数"
    ws.append(["001", "张三", 1, 0, 1, 2])
    path = tmp_path / "考勤.xlsx"
    wb.save(path)
    sheet = read_workbook(path).sheets[0]
    table, issues = read_table(sheet, "考勤")
    assert issues == []
    assert table.header_row == 2
    # A sub-header that is a known name stands alone; an unknown one is joined to its group.
    assert table.columns == {"工号": 0, "姓名": 1, "事假": 2, "病假": 3, "天数": 4, "迟到": 5}
    assert [r for r, _ in table.records] == [3]


def test_two_row_header_joins_unknown_sub_headers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "加班", None])
    ws.append([None, None, "次数", "小时数"])
    ws.merge_cells("C1:D1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.append(["001", "张三", 1, 3])
    path = tmp_path / "k.xlsx"
    wb.save(path)
    table, issues = read_table(read_workbook(path).sheets[0], "考勤")
    assert issues == []
    assert table.columns == {"工号": 0, "姓名": 1, "时长": 3}
    assert table.extra_columns == {"加班次数": 2}


def test_sub_header_row_without_merge_information():
    # CSV has no merges: the group label sits above its first sub-header only.
    sheet = raw(
        [
            ["工号", "姓名", "请假", N, "迟到"],
            [N, N, "事假", "病假", N],
            ["001", "张三", 1, 0, 2],
        ]
    )
    table, issues = read_table(sheet, "考勤")
    assert issues == []
    assert table.header_row == 1
    assert table.columns == {"工号": 0, "姓名": 1, "事假": 2, "病假": 3, "迟到": 4}
    assert [r for r, _ in table.records] == [2]


def test_data_row_is_not_mistaken_for_sub_headers():
    sheet = raw([["工号", "日期", "情况"], ["001", "2023-03-05", "事假"]])
    table, _ = read_table(sheet, "考勤")
    assert table.header_row == 0
    assert table.extra_columns == {"情况": 2}
    assert [r for r, _ in table.records] == [1]


def test_header_merged_across_columns_is_one_header():
    sheet = raw([["工号", "姓名", N, "科室"], ["001", "张", "三", "办公室"]], merged=[(0, 1, 0, 2)])
    table, issues = read_table(sheet, "人员")
    assert issues == []
    assert table.columns == {"工号": 0, "姓名": 1, "科室": 3}


def test_missing_required_column_names_the_header_and_synonyms():
    sheet = raw([["标题"], ["工号", "姓名", "类别"], ["001", "张三", "公务员"]])
    table, issues = read_table(sheet, "人员")
    assert table is None
    [issue] = issues
    assert issue.level is Level.ERROR and issue.code == "missing-column"
    assert (issue.file, issue.sheet, issue.cell) == ("月报.xlsx", "人员", "A2")
    assert "「科室」" in issue.message and "第 2 行" in issue.message and "A2:C2" in issue.message
    assert "部门" in issue.hint and "股室" in issue.hint and "处室" in issue.hint


def test_one_of_group_is_required():
    sheet = raw([["事项", "次数"], ["表扬", 1]])
    table, issues = read_table(sheet, "记实")
    assert table is None
    assert "「工号」或「姓名」" in issues[0].message


def test_required_can_be_overridden():
    sheet = raw([["单位", "测评得分"], ["财政局", 90]])
    table, issues = read_table(sheet, "评分", required=["单位", "测评得分"])
    assert issues == [] and table.columns == {"单位": 0, "测评得分": 1}
    table, issues = read_table(sheet, "评分", required=[("工号", "姓名")])
    assert table is None and issues[0].code == "missing-column"


def test_duplicate_headers_are_errors():
    table, issues = read_table(raw([["工号", "姓名", "科室", "科室"], ["1", "张", "a", "b"]]), "人员")
    assert table is None
    assert issues[0].code == "duplicate-column" and issues[0].cell == "D1"
    table, issues = read_table(raw([["工号", "姓名", "部门", "处室"]]), "人员")
    assert table is None and "部门" in issues[0].message and "处室" in issues[0].message
    table, issues = read_table(raw([["工号", "姓名", "科室", "备注", "备注"]]), "人员")
    assert table is None and "「备注」重复" in issues[0].message


def test_canonical_name_beats_a_synonym_with_a_warning():
    table, issues = read_table(raw([["编号", "工号", "姓名", "科室"], [1, "007", "张", "a"]]), "人员")
    assert table.columns["工号"] == 1
    assert table.extra_columns == {"编号": 0}
    [issue] = issues
    assert issue.level is Level.WARNING and issue.cell == "A1"


def test_no_header_at_all():
    table, issues = read_table(raw([["a", "b"], [1, 2]]), "人员")
    assert table is None
    assert issues[0].code == "no-header" and "工号" in issues[0].message


def test_header_must_be_within_the_scan_window():
    rows = [[N]] * 20 + [["工号", "姓名", "科室"], ["1", "张", "a"]]
    table, issues = read_table(raw(rows), "人员")
    assert table is None and issues[0].code == "no-header"
    table, issues = read_table(raw(rows), "人员", scan_rows=25)
    assert table.header_row == 20


def test_empty_sheet():
    table, issues = read_table(RawSheet("月报.xlsx", "人员", [], [], []), "人员")
    assert table is None and issues[0].code == "empty-sheet" and "空" in issues[0].message
