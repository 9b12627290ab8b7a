"""`kaohe template` → fill in → `kaohe check` is clean, for each built-in scheme (issue 2).

The template is read back with openpyxl, as a clerk's Excel would see it: sheets and headers,
drop-down lists for 事项 and 级别 (whose choices are exactly the scheme's), header comments,
frozen header rows. It is then filled in with a few people (or units), valid events and
ratings in range, and checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.scheme import load_scheme
from tests.helpers import write_book

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures"
ENV = {"COLUMNS": "400"}
SCHEMES = ["zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"]


def invoke(args: list[str]):
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def make_template(folder: Path, scheme: str, *extra: str) -> Path:
    out = folder / f"{scheme}-模板.xlsx"
    result = invoke(["template", "--scheme", scheme, "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    assert out.exists()
    return out


def check_json(path: Path, scheme: str, period: str) -> dict:
    result = invoke(["check", str(path), "--scheme", scheme, "--period", period, "--json"])
    data = json.loads(result.output)
    errors = [i for i in data["issues"] if i["level"] == "错误"]
    assert result.exit_code == (1 if errors else 0), result.output
    return data


def headers(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def expected_sheets(scheme) -> dict[str, list[str]]:
    """The sheets a scheme needs and, for each, headers that must be there (DESIGN.md contract)."""
    events = ["对象", "事项", "级别", "次数", "分值", "文号", "事由", "日期"]
    sheets: dict[str, list[str]] = {}
    if scheme.is_unit:
        sheets["单位"] = ["单位", "类型", "人数", "分管领导", "参评先进"]
    else:
        sheets["人员"] = ["工号", "姓名", "科室", "类别", "分管领导", "参评"]
        if scheme.attendance_items:
            sheets["考勤"] = ["工号", "姓名", *[it.name for it in scheme.attendance_items]]
        sheets["记实"] = ["工号", "姓名", "事项", "次数", "日期"]
        events.insert(1, "对象类型")
    if any(it.level_field == "责任" for it in scheme.items):
        events.append("责任")
    sheets["奖惩"] = events
    if scheme.rating_columns:
        sheets["评分"] = (["单位"] if scheme.is_unit else ["工号", "姓名"]) + scheme.rating_columns
    return sheets


def list_choices(wb, ws, column_letter: str) -> list[str] | None:
    """The choices of the list validation on `column_letter`2, read from the sheet it points to."""
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list" or f"{column_letter}2" not in dv.sqref:
            continue
        m = re.fullmatch(r"=?'?([^'!]+)'?!\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)", dv.formula1)
        assert m, dv.formula1
        sheet, c1, r1, c2, r2 = m.groups()
        cells = wb[sheet][f"{c1}{r1}:{c2}{r2}"]
        return [row[0].value for row in cells]
    return None


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_template_sheets_headers_dropdowns_comments(tmp_path, scheme_id):
    scheme = load_scheme(scheme_id)
    wb = openpyxl.load_workbook(make_template(tmp_path, scheme_id))
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    expected = expected_sheets(scheme)
    assert [s for s in visible if s in expected] == list(expected), visible
    item_names = [it.name for it in scheme.items]
    level_names = {lv.name for it in scheme.items if it.level_field == "级别" for lv in it.levels}
    for sheet, must in expected.items():
        ws = wb[sheet]
        hdr = headers(ws)
        assert set(must) <= set(hdr), (sheet, hdr)
        assert ws.freeze_panes == "A2", (sheet, ws.freeze_panes)
        missing_comment = [c.value for c in ws[1] if c.value is not None and not (c.comment and c.comment.text.strip())]
        assert not missing_comment, (sheet, missing_comment)
        letters = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(hdr)}
        if "事项" in hdr:
            assert list_choices(wb, ws, letters["事项"]) == item_names, sheet
        if "级别" in hdr:
            choices = list_choices(wb, ws, letters["级别"])
            assert choices is not None, sheet
            assert set(choices) == (level_names or {"（本方案无级别）"}), (sheet, choices)
    # Rated columns say their range in the comment.
    if "评分" in expected:
        ws = wb["评分"]
        for cell in ws[1]:
            comp = scheme.component(cell.value)
            if comp is not None and comp.kind == "rated":
                assert f"–{format(comp.max.normalize(), 'f')}" in cell.comment.text, cell.comment.text


# ---- fill in and check ---------------------------------------------------------------------

PEOPLE = [
    ("001", "张三", "办公室", "一般工作人员", "004"),
    ("002", "李四", "办公室", "一般工作人员", "004"),
    ("003", "王五", "财务科", "中层干部", "004"),
    ("004", "赵六", "领导班子", "科级干部", ""),
]
ROSTER = [dict(工号=a, 姓名=b, 科室=c, 类别=d, 分管领导=e) for a, b, c, d, e in PEOPLE]


def attendance(column: str) -> list[dict]:
    return [dict(工号=p[0], 姓名=p[1], **{column: 1 if p[0] == "001" else 0}) for p in PEOPLE]


FILLS = {
    "zhujian": ("2023-03", {
        "人员": ROSTER,
        "考勤": attendance("迟到"),
        "记实": [dict(工号="002", 事项="履职不力", 次数=1, 分值=2, 日期="2023-03-05")],
        "奖惩": [
            dict(对象="003", 对象类型="个人", 事项="通报表扬", 级别="县级部门", 文号="住建〔2023〕3号", 事由="创建", 日期="2023-03-08"),
            dict(对象="办公室", 对象类型="集体", 事项="通报批评", 级别="县委县政府", 文号="县〔2023〕1号", 日期="2023-03-09"),
        ],
    }),
    "caizheng": ("2023-03", {
        "人员": ROSTER,
        "考勤": attendance("迟到"),
        "记实": [dict(工号="002", 事项="月记逾期", 日期="2023-03-05")],
        "奖惩": [
            dict(对象="003", 对象类型="个人", 事项="个人受奖", 级别="市", 文号="市财〔2023〕3号", 事由="宣传", 日期="2023-03-08"),
            dict(对象="办公室", 对象类型="集体", 事项="科室受奖", 级别="局", 文号="局〔2023〕1号", 日期="2023-03-09"),
        ],
        "评分": [dict(工号=p[0], 姓名=p[1], 测评得分=90 - i, 不称职票=0) for i, p in enumerate(PEOPLE)],
    }),
    "jinjiang": ("2023Q1", {
        "人员": ROSTER,
        "考勤": attendance("迟到"),
        "奖惩": [dict(对象="003", 对象类型="个人", 事项="效能告诫", 日期="2023-03-08")],
        "评分": [
            dict(工号="001", 姓名="张三", 常规工作=45, 重点项目=35, 奖惩附加分=2, 测评得分=90),
            dict(工号="002", 姓名="李四", 常规工作=85, 奖惩附加分=0, 测评得分=85),  # no 重点项目: 0–90
            dict(工号="003", 姓名="王五", 常规工作=40, 重点项目=30, 奖惩附加分=-1, 测评得分=80),
            dict(工号="004", 姓名="赵六", 常规工作=48, 重点项目=38, 奖惩附加分=0, 测评得分=88),
        ],
    }),
    "mubiao": ("2023", {
        "单位": [
            dict(单位="办公室", 类型="处室", 人数=5, 参评先进="否"),
            dict(单位="财务处", 类型="处室", 人数=6),
            dict(单位="信息中心", 类型="直属单位", 人数=8),
        ],
        "奖惩": [
            dict(对象="财务处", 事项="集体表彰", 级别="省级部门", 文号="省〔2023〕1号"),
            dict(对象="信息中心", 事项="通报批评", 责任="次要", 文号="市〔2023〕2号"),
            dict(对象="办公室、财务处", 事项="中心专项评比表彰", 分值=1),
        ],
        "评分": [
            dict(单位=u, 责任清单=55, 一岗双责=9, 意识形态=4, 制度执行=3.5, 预算执行=2, 兜底条款=4, 考核办评价=5, 领导小组评价=9)
            for u in ("办公室", "财务处", "信息中心")
        ],
    }),
    "gonghui": ("2023", {
        "单位": [
            dict(单位="组织部", 人数=5, 分管领导="副主席甲"),
            dict(单位="宣教部", 人数=4, 分管领导="副主席甲"),
            dict(单位="权益部", 人数=3, 分管领导="副主席乙"),
        ],
        "人员": [
            dict(工号="101", 姓名="王主席", 职务="主席"),
            dict(工号="102", 姓名="副主席甲", 职务="副主席"),
            dict(工号="103", 姓名="副主席乙", 职务="副主席"),
        ],
        "奖惩": [
            dict(对象="组织部", 事项="信息未及时上报", 次数=2),
            dict(对象="组织部、宣教部", 事项="表彰", 级别="市总", 文号="市总〔2023〕1号"),
        ],
    }),
    "kexie": ("2023", {
        "人员": ROSTER,
        "考勤": attendance("迟到早退"),
        "记实": [dict(工号="002", 事项="工作失误", 分值=3, 日期="2023-05-05")],
        "奖惩": [dict(对象="003", 对象类型="个人", 事项="个人荣誉", 级别="省科协", 文号="科〔2023〕3号")],
        "评分": [dict(工号=p[0], 姓名=p[1], 个人部分=50 + i) for i, p in enumerate(PEOPLE)],
    }),
}


def fill(template: Path, data: dict[str, list[dict]], out: Path) -> Path:
    """Type rows into the template under its own headers, as a clerk would."""
    wb = openpyxl.load_workbook(template)
    for sheet, rows in data.items():
        ws = wb[sheet]
        hdr = [c.value for c in ws[1]]
        for r, rec in enumerate(rows, start=2):
            for key, value in rec.items():
                ws.cell(r, hdr.index(key) + 1, value)
    wb.save(out)
    return out


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_filled_template_checks_clean(tmp_path, scheme_id):
    period, data = FILLS[scheme_id]
    template = make_template(tmp_path, scheme_id)
    filled = fill(template, data, tmp_path / f"{period}.xlsx")
    report = check_json(filled, scheme_id, period)
    assert report["errors"] == 0, report
    assert report["issues"] == [], report


def test_template_refuses_to_overwrite(tmp_path):
    out = make_template(tmp_path, "caizheng")
    before = out.read_bytes()
    result = invoke(["template", "--scheme", "caizheng", "-o", str(out)])
    assert result.exit_code != 0 and "--force" in result.output
    assert out.read_bytes() == before


# ---- --roster -------------------------------------------------------------------------------


def roster_rows(wb, sheet: str, ncols: int) -> list[list]:
    ws = wb[sheet]
    return [[c.value for c in row[:ncols]] for row in ws.iter_rows(min_row=2) if any(c.value is not None for c in row)]


def test_roster_csv_is_copied_with_leading_zeros(tmp_path):
    src = tmp_path / "名单.csv"
    src.write_text(
        "工号,姓名,科室,类别,分管领导,参评\n0007,张三,办公室,一般,0009,是\n0012,李四,财务科,一般,0009,\n0009,王五,局领导,领导,,否\n",
        encoding="utf-8-sig",
    )
    wb = openpyxl.load_workbook(make_template(tmp_path, "caizheng", "--roster", str(src)))
    hdr = headers(wb["人员"])
    people = roster_rows(wb, "人员", len(hdr))
    by_id = {row[0]: dict(zip(hdr, row)) for row in people}
    assert list(by_id) == ["0007", "0012", "0009"]
    assert by_id["0007"]["姓名"] == "张三" and by_id["0007"]["分管领导"] == "0009"
    assert by_id["0009"]["参评"] == "否"
    assert by_id["0009"]["分管领导"] is None, "a blank roster cell stays blank, not empty text"
    # Only people who are scored are prefilled where one row per person is expected.
    for sheet in ("考勤", "评分"):
        assert roster_rows(wb, sheet, 2) == [["0007", "张三"], ["0012", "李四"]], sheet


def test_roster_csv_in_gbk(tmp_path):
    src = tmp_path / "名单.csv"
    src.write_bytes("工号,姓名,部门\n0007,张三,办公室\n0012,李四,财务科\n".encode("gbk"))
    wb = openpyxl.load_workbook(make_template(tmp_path, "caizheng", "--roster", str(src)))
    assert roster_rows(wb, "人员", 3) == [["0007", "张三", "办公室"], ["0012", "李四", "财务科"]]


def test_roster_from_a_messy_workbook(tmp_path):
    """Title row, synonym sheet and column names, a number 工号."""
    src = write_book(tmp_path / "花名册.xlsx", {"花名册": [
        ["2023年人员花名册"],
        ["编号", "姓名", "部门", "年休假天数"],
        ["0101", "张三", "办公室", 5],
        [102, "李四", "财务科", 10],
    ]})
    wb = openpyxl.load_workbook(make_template(tmp_path, "zhujian", "--roster", str(src)))
    hdr = headers(wb["人员"])
    rows = [dict(zip(hdr, r)) for r in roster_rows(wb, "人员", len(hdr))]
    assert [(r["工号"], r["姓名"], r["科室"]) for r in rows] == [("0101", "张三", "办公室"), ("102", "李四", "财务科")]
    assert [r["年休假天数"] for r in rows] == [5, 10], "numbers are copied as numbers"


def test_roster_xls_fixture(tmp_path):
    wb = openpyxl.load_workbook(make_template(tmp_path, "jinjiang", "--roster", str(FIXTURES / "roster.xls")))
    hdr = headers(wb["人员"])
    rows = [dict(zip(hdr, r)) for r in roster_rows(wb, "人员", len(hdr))]
    assert [(r["工号"], r["姓名"], r["科室"]) for r in rows] == [("007", "张三", "办公室"), ("1001", "李四", "财务股")]
    assert rows[0]["入职日期"] == "2020-03-05"


def test_roster_with_errors_writes_no_template(tmp_path):
    src = tmp_path / "名单.csv"
    src.write_text("工号,姓名,科室\n001,张三,办公室\n001,李四,财务科\n", encoding="utf-8")
    out = tmp_path / "t.xlsx"
    result = invoke(["template", "--scheme", "caizheng", "--roster", str(src), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "工号「001」重复" in result.output and "名单.csv:名单!A3" in result.output
    assert not out.exists()


def test_template_from_roster_fills_and_checks_clean(tmp_path):
    src = tmp_path / "名单.csv"
    src.write_text("工号,姓名,科室,分管领导\n0007,张三,办公室,0009\n0012,李四,财务科,0009\n0009,王五,局领导,\n", encoding="utf-8")
    template = make_template(tmp_path, "caizheng", "--roster", str(src))
    wb = openpyxl.load_workbook(template)
    ws = wb["考勤"]
    hdr = [c.value for c in ws[1]]
    ws.cell(2, hdr.index("迟到") + 1, 2)
    ws = wb["奖惩"]
    hdr = [c.value for c in ws[1]]
    for key, value in dict(对象="0012", 事项="克难有为", 文号="局〔2023〕9号", 日期="2023-03-20").items():
        ws.cell(2, hdr.index(key) + 1, value)
    wb.save(tmp_path / "2023-03.xlsx")
    report = check_json(tmp_path / "2023-03.xlsx", "caizheng", "2023-03")
    assert report["errors"] == 0 and report["issues"] == [], report


# ---- other inputs ---------------------------------------------------------------------------


def issue_set(data: dict) -> set[tuple[str, str, str]]:
    return {(i["level"], i["location"], i["message"]) for i in data["issues"]}


def test_messy_sample_checks_like_the_clean_one():
    messy = check_json(ROOT / "kaohe_cli/sample_data/caizheng/messy/2023-03.xlsx", "caizheng", "2023-03")
    clean = check_json(ROOT / "kaohe_cli/sample_data/caizheng/2023-03.xlsx", "caizheng", "2023-03")
    assert messy["errors"] == 0
    assert {(lvl, msg) for lvl, _, msg in issue_set(messy)} == {(lvl, msg) for lvl, _, msg in issue_set(clean)}


@pytest.mark.parametrize("name", ["roster.xls", "roster.ods"])
def test_check_legacy_and_opendocument_roster(tmp_path, name):
    (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    report = check_json(tmp_path / name, "caizheng", "2023-03")
    assert report["errors"] == 0, report


def test_check_roster_csv(tmp_path):
    """A CSV holds one sheet, named after the file: 人员.csv is a roster."""
    (tmp_path / "人员.csv").write_text("工号,姓名,科室\n0007,张三,办公室\n", encoding="utf-8")
    report = check_json(tmp_path / "人员.csv", "caizheng", "2023-03")
    assert report["errors"] == 0, report


def test_the_template_opens_on_its_guide_with_the_lists_hidden_and_last(tmp_path):
    import openpyxl
    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    out = tmp_path / "模板.xlsx"
    assert CliRunner().invoke(app, ["template", "--scheme", "caizheng", "-o", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "填写说明" and wb.sheetnames[-1] == "_选项"
    assert wb.active.title == "填写说明"
    assert wb["_选项"].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames[:-1])


def test_every_template_sheet_prints_what_it_is_with_page_numbers(tmp_path):
    import openpyxl
    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    out = tmp_path / "模板.xlsx"
    assert CliRunner().invoke(app, ["template", "--scheme", "zhujian", "-o", str(out), "--period", "2023-03"]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    for name in wb.sheetnames[1:-1]:  # the data sheets
        ws = wb[name]
        assert name in (ws.oddHeader.center.text or "") and "2023年3月" in ws.oddHeader.center.text, name
        assert "&P" in (ws.oddFooter.center.text or ""), name
        assert ws.print_title_rows, name
