"""`kaohe notice`: 公示, 结果反馈 and 诫勉谈话通知 from a scored archive, read back with python-docx.

The workspace: kaohe.toml from `kaohe init`, and an archive with two scored periods —
2023-03 on zhujian (grades 优秀/称职/基本称职/不称职; a name with &<> in it) and 2023-05 on
caizheng (four components with maxima; lowest grade 差, so nobody gets a 诫勉谈话 notice).

zhujian 2023-03, 100 minus 1 per 迟到 and 2 per half day of 旷工:
    1001 张伟    办公室  nothing            100.00  优秀      rank 1
    1002 李娜    办公室  迟到 2              98.00  优秀      rank 2
    1003 张&<三> 规划股  旷工 7.5 days       70.00  基本称职  rank 4
    1004 刘洋    规划股  迟到 10             90.00  称职      rank 3
    1005 黄强    质监站  旷工 8 days         68.00  不称职    rank 5
    9001 周建国  局领导  参评 否 — not scored
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.app.config import load_config
from kaohe_cli.app.notice import NoticeOptions, make_notices, safe_filename
from kaohe_cli.write import notices
from kaohe_cli.write.notices import batch as notice_batch
from tests.helpers import write_book

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"

ZHUJIAN = {
    "人员": [
        ["工号", "姓名", "科室", "分管领导", "参评"],
        ["9001", "周建国", "局领导", None, "否"],
        ["1001", "张伟", "办公室", "周建国", "是"],
        ["1002", "李娜", "办公室", "周建国", "是"],
        ["1003", "张&<三>", "规划股", "周建国", "是"],
        ["1004", "刘洋", "规划股", "周建国", "是"],
        ["1005", "黄强", "质监站", "周建国", "是"],
    ],
    "考勤": [
        ["工号", "姓名", "迟到", "旷工"],
        ["1001", "张伟", 0, 0],
        ["1002", "李娜", 2, 0],
        ["1003", "张&<三>", 0, 7.5],
        ["1004", "刘洋", 10, 0],
        ["1005", "黄强", 0, 8],
    ],
}
RANKED = [("张伟", "办公室", "优秀"), ("李娜", "办公室", "优秀"), ("刘洋", "规划股", "称职"),
          ("张&<三>", "规划股", "基本称职"), ("黄强", "质监站", "不称职")]

CAIZHENG = {
    "人员": [["工号", "姓名", "科室"], ["2001", "甲", "预算科"], ["2002", "乙", "国库科"], ["2003", "丙", "国库科"]],
    "考勤": [["工号", "姓名", "迟到", "旷工"], ["2001", "甲", 0, 0], ["2002", "乙", 3, 0], ["2003", "丙", 0, 7.5]],
}

INIT = [
    "init", "--unit-name", "某某县住房和城乡建设局", "--contact-person", "赵六",
    "--contact-phone", "0123-4567890", "--posted-at", "机关一楼公示栏",
]

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    """Output without the line breaks rich inserts at the terminal width."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Path:
    """A workspace with kaohe.toml and kaohe.db holding 2023-03 (zhujian) and 2023-05 (caizheng)."""
    root = tmp_path_factory.mktemp("scored")
    assert invoke(*INIT, str(root)).exit_code == 0
    for name, book, scheme in (("2023-03.xlsx", ZHUJIAN, "zhujian"), ("2023-05.xlsx", CAIZHENG, "caizheng")):
        path = write_book(root / name, book)
        result = invoke("score", str(path), "--scheme", scheme, "--db", str(root / "kaohe.db"),
                        "-o", str(root / f"{name}-结果.xlsx"))
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def ws(scored, tmp_path, monkeypatch) -> Path:
    """A private copy of the scored workspace, as the current folder."""
    root = tmp_path / "ws"
    root.mkdir()
    for name in ("kaohe.toml", "kaohe.db"):
        shutil.copy(scored / name, root / name)
    monkeypatch.chdir(root)
    return root


def notice(*args: str):
    return invoke("notice", *args)


def out_dir(ws: Path, period: str = "2023-03") -> Path:
    return ws / "notices" / period


def body_text(doc) -> str:
    """Paragraphs, data tables and the signature block, in document order."""
    lines = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            lines.append(Paragraph(el, doc).text)
        elif el.tag == qn("w:tbl"):
            for row in Table(el, doc).rows:
                lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def data_rows(doc) -> list[list[str]]:
    bordered = [t for t in doc.tables if t._tbl.tblPr.find(qn("w:tblBorders")) is not None
                and all(b.get(qn("w:val")) == "single" for b in t._tbl.tblPr.find(qn("w:tblBorders")))]
    return [[c.text for c in row.cells] for row in bordered[0].rows]


def east_asia(run) -> str | None:
    rpr = run._r.rPr
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


# --- 公示 ---------------------------------------------------------------------------------


def test_publicity_lists_graded_people_in_rank_order_and_nothing_else(ws):
    result = notice("--publicize", "--period", "2023-03", "--date", "2023-09-27")
    assert result.exit_code == 0, result.output
    path = out_dir(ws) / "公示-2023-03.docx"
    assert path.is_file()
    doc = Document(str(path))
    rows = data_rows(doc)
    assert rows[0] == ["序号", "姓名", "科室", "等次"]
    assert rows[1:] == [[str(i), n, d, g] for i, (n, d, g) in enumerate(RANKED, 1)]
    text = body_text(doc)
    assert "关于2023年3月考核等次的公示" in text
    assert "现将本单位2023年3月考核等次予以公示" in text
    # the design's example: 9月27日 + 5 working days over the National Day holiday
    assert "公示期为2023年9月27日至2023年10月9日（5个工作日），公示地点：机关一楼公示栏。" in text
    assert "向赵六反映（联系电话：0123-4567890）" in text
    assert "某某县住房和城乡建设局" in text and "2023年9月27日" in text
    # never scores, ranks, 工号 or the person who was not assessed
    for secret in ("100.00", "98.00", "68.00", "1001", "周建国", "总分"):
        assert secret not in text
    assert "2023年9月27日至2023年10月9日" in flat(result.output)


def test_publicity_fonts_are_the_gbt9704_ones(ws):
    assert notice("--publicize", "--period", "2023-03", "--date", "2023-09-27").exit_code == 0
    doc = Document(str(out_dir(ws) / "公示-2023-03.docx"))
    title = doc.paragraphs[0]
    assert title.text == "关于2023年3月考核等次的公示"
    assert {east_asia(r) for r in title.runs if r.text.strip()} == {TITLE_FONT}
    body = [r for p in doc.paragraphs[1:] for r in p.runs if r.text.strip()]
    assert body and {east_asia(r) for r in body} == {BODY_FONT}


def test_publicity_dated_on_a_holiday_starts_on_the_next_working_day(ws):
    # 2023-10-01 is National Day; 10月7日 (Saturday) is a 调休 make-up working day
    result = notice("--publicize", "--period", "2023-03", "--date", "2023-10-01")
    assert result.exit_code == 0, result.output
    text = body_text(Document(str(out_dir(ws) / "公示-2023-03.docx")))
    assert "公示期为2023年10月7日至2023年10月11日（5个工作日）" in text
    assert "2023年10月1日" in text  # the notice keeps its own date


def test_days_option_and_chinese_date_form(ws):
    result = notice("--publicize", "--period", "2023年3月", "--date", "2023年10月1日", "--days", "3")
    assert result.exit_code == 0, result.output
    text = body_text(Document(str(out_dir(ws) / "公示-2023-03.docx")))
    assert "公示期为2023年10月7日至2023年10月9日（3个工作日）" in text


def test_notice_days_comes_from_kaohe_toml(ws):
    toml = ws / "kaohe.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("notice_days = 5", "notice_days = 7"), encoding="utf-8")
    assert notice("--publicize", "--period", "2023-03", "--date", "2023-09-27").exit_code == 0
    text = body_text(Document(str(out_dir(ws) / "公示-2023-03.docx")))
    assert "至2023年10月11日（7个工作日）" in text


def test_a_year_the_calendar_lacks_warns_and_counts_weekends(ws):
    # 2027-03-01 is a Monday; with weekends only, 5 working days end on Friday 3月5日
    result = notice("--publicize", "--period", "2023-03", "--date", "2027-03-01")
    assert result.exit_code == 0, result.output
    said = flat(result.output)
    assert "节假日日历未收录2027年" in said and "只按周末计算" in said
    text = body_text(Document(str(out_dir(ws) / "公示-2023-03.docx")))
    assert "公示期为2027年3月1日至2027年3月5日（5个工作日）" in text


def test_a_year_the_calendar_lacks_uses_extra_holidays_from_kaohe_toml(ws):
    toml = ws / "kaohe.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "extra_holidays = []", "extra_holidays = [2027-03-01, 2027-03-02]"
    ).replace("extra_workdays = []", "extra_workdays = [2027-03-06]")
    toml.write_text(text, encoding="utf-8")
    result = notice("--publicize", "--period", "2023-03", "--date", "2027-03-01")
    assert result.exit_code == 0, result.output
    assert "kaohe.toml中为2027年设置的3个" in flat(result.output)
    doc_text = body_text(Document(str(out_dir(ws) / "公示-2023-03.docx")))
    # 3日 4日 5日 (Fri) 6日 (make-up Saturday) 8日 (Mon)
    assert "公示期为2027年3月3日至2027年3月8日（5个工作日）" in doc_text


def test_missing_unit_name_warns_and_leaves_an_underline(ws):
    toml = ws / "kaohe.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('unit_name = "某某县住房和城乡建设局"', 'unit_name = ""'),
        encoding="utf-8",
    )
    result = notice("--publicize", "--period", "2023-03", "--date", "2023-09-27")
    assert result.exit_code == 0, result.output
    assert "未设置单位名称" in flat(result.output)
    text = body_text(Document(str(out_dir(ws) / "公示-2023-03.docx")))
    assert "________" in text.splitlines()  # the signature line, above the date
    assert "某某县" not in text


def test_no_kaohe_toml_still_works_with_blanks(tmp_path, monkeypatch, scored):
    monkeypatch.chdir(tmp_path)
    shutil.copy(scored / "kaohe.db", tmp_path / "kaohe.db")
    result = notice("--publicize", "--period", "2023-03", "--date", "2023-09-27")
    assert result.exit_code == 0, result.output
    text = body_text(Document(str(tmp_path / "notices" / "2023-03" / "公示-2023-03.docx")))
    assert "向________反映（联系电话：________）" in text
    assert "公示地点" not in text


def test_html_preview_escapes_names(ws):
    result = notice("--publicize", "--period", "2023-03", "--date", "2023-09-27", "--html")
    assert result.exit_code == 0, result.output
    page = (out_dir(ws) / "公示-2023-03.html").read_text(encoding="utf-8")
    assert "张&amp;&lt;三&gt;" in page and "<三>" not in page
    assert "2023年10月9日" in page


# --- 结果反馈 ------------------------------------------------------------------------------


def test_feedback_one_document_per_person(ws):
    result = notice("--feedback", "--period", "2023-03", "--date", "2023-04-03")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out_dir(ws).glob("*.docx"))
    assert files == sorted([
        "结果反馈-1001-张伟.docx", "结果反馈-1002-李娜.docx", "结果反馈-1003-张&_三_.docx",
        "结果反馈-1004-刘洋.docx", "结果反馈-1005-黄强.docx",
    ])
    doc = Document(str(out_dir(ws) / "结果反馈-1003-张&_三_.docx"))
    text = body_text(doc)
    assert "规划股张&<三>同志：" in text
    assert "2023年3月考核结果反馈" in text
    assert "你的考核总分为70.00分，在参加考核的5人中列第4名，考核等次为基本称职。" in text
    assert data_rows(doc) == [
        ["考核项目", "满分", "得分"], ["基础分", "100", "70"], ["加分", "—", "0"],
        ["扣分", "—", "0"], ["总分", "—", "70.00"],
    ]
    assert "2023年4月3日" in text and "某某县住房和城乡建设局" in text


def test_feedback_shows_each_component_with_its_maximum(ws):
    result = notice("--feedback", "--period", "2023-05")
    assert result.exit_code == 0, result.output
    doc = Document(str(out_dir(ws, "2023-05") / "结果反馈-2002-乙.docx"))
    rows = data_rows(doc)
    assert [r[:2] for r in rows[1:5]] == [["考勤工作", "30"], ["常规工作", "25"], ["重点工作", "30"], ["民主测评", "15"]]
    assert rows[1][2] == "27"  # 迟到 3 × 1
    assert ["迟到", "3", "-3"] in [r[:3] for r in _items_rows(doc)]  # the reason for the 3 points


def _items_rows(doc) -> list[list[str]]:
    """The second bordered table of a 结果反馈: 事项, 次数, 分值, 事由, 文号."""
    bordered = [t for t in doc.tables if t._tbl.tblPr.find(qn("w:tblBorders")) is not None]
    return [[c.text for c in row.cells] for row in bordered[1].rows]
    assert "在参加考核的3人中列第2名，考核等次为良好" in body_text(doc)


def test_feedback_merged_has_a_section_per_person_numbered_from_one(ws):
    result = notice("--feedback", "--period", "2023-03", "--merge", "--html")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out_dir(ws).iterdir()) == ["结果反馈-合并-2023-03.docx", "结果反馈-合并-2023-03.html"]
    doc = Document(str(out_dir(ws) / "结果反馈-合并-2023-03.docx"))
    assert len(doc.sections) == 5
    for section in doc.sections:
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert section.start_type.name == "NEW_PAGE"
    text = body_text(doc)
    assert [n for n, _, _ in RANKED if f"{n}同志" in text] == [n for n, _, _ in RANKED]
    assert text.count("2023年3月考核结果反馈\n") == 5  # one title per person
    assert (out_dir(ws) / "结果反馈-合并-2023-03.html").read_text(encoding="utf-8").count('<hr class="page">') >= 4


# --- 诫勉谈话通知 --------------------------------------------------------------------------


def test_talk_one_notice_per_person_graded_bu_chenzhi(ws):
    result = notice("--talk", "--period", "2023-03", "--date", "2023-04-10")
    assert result.exit_code == 0, result.output
    files = [p.name for p in out_dir(ws).glob("*.docx")]
    assert files == ["诫勉谈话通知-1005-黄强.docx"]
    text = body_text(Document(str(out_dir(ws) / files[0])))
    assert "质监站黄强同志：" in text
    assert "你在2023年3月考核中总分为68.00分，考核等次为不称职。" in text
    assert "一、谈话时间：________" in text
    assert "请提前与赵六联系（联系电话：0123-4567890）" in text


def test_talk_for_a_scheme_without_bu_chenzhi_writes_nothing_and_says_why(ws):
    result = notice("--talk", "--period", "2023-05")
    assert result.exit_code == 0, result.output
    said = flat(result.output)
    assert "没有“不称职”" in said and "最低等次为“差”" in said
    assert not out_dir(ws, "2023-05").exists()


# --- files --------------------------------------------------------------------------------


def test_existing_output_is_refused_without_force(ws):
    assert notice("--publicize", "--period", "2023-03", "--date", "2023-09-27").exit_code == 0
    path = out_dir(ws) / "公示-2023-03.docx"
    before = path.read_bytes()
    again = notice("--publicize", "--period", "2023-03", "--date", "2023-10-01")
    assert again.exit_code == 1
    assert "已存在" in flat(again.output) and "--force" in again.output
    assert path.read_bytes() == before
    forced = notice("--publicize", "--period", "2023-03", "--date", "2023-10-01", "--force")
    assert forced.exit_code == 0, forced.output
    assert "2023年10月7日" in body_text(Document(str(path)))


def test_one_existing_feedback_letter_blocks_all_of_them(ws):
    out_dir(ws).mkdir(parents=True)
    (out_dir(ws) / "结果反馈-1004-刘洋.docx").write_bytes(b"mine")
    result = notice("--feedback", "--period", "2023-03")
    assert result.exit_code == 1
    assert sorted(p.name for p in out_dir(ws).iterdir()) == ["结果反馈-1004-刘洋.docx"]


def test_output_folder_option(ws, tmp_path):
    target = tmp_path / "给领导看"
    result = notice("--talk", "--period", "2023-03", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert [p.name for p in target.iterdir()] == ["诫勉谈话通知-1005-黄强.docx"]


def test_pdf_without_libreoffice_is_a_clear_error_and_writes_nothing(ws, monkeypatch):
    monkeypatch.setattr(notice_batch, "find_soffice", lambda: None)
    result = notice("--feedback", "--period", "2023-03", "--pdf")
    assert result.exit_code == 1
    said = flat(result.output)
    assert "未找到LibreOffice" in said and "去掉--pdf" in said
    assert "Traceback" not in result.output
    assert not out_dir(ws).exists()


@pytest.mark.skipif(notices.find_soffice() is None, reason="LibreOffice is not installed")
def test_pdf_with_libreoffice(ws):
    result = notice("--talk", "--period", "2023-03", "--pdf")
    assert result.exit_code == 0, result.output
    pdf = out_dir(ws) / "诫勉谈话通知-1005-黄强.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_a_broken_user_template_fails_cleanly_and_writes_nothing(ws):
    (ws / "我的模板").mkdir()
    (ws / "我的模板" / "结果反馈.docx").write_text("not a docx", encoding="utf-8")
    toml = ws / "kaohe.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('templates_dir = ""', 'templates_dir = "我的模板"'),
        encoding="utf-8",
    )
    result = notice("--feedback", "--period", "2023-03")
    assert result.exit_code == 1
    assert "已损坏" in flat(result.output)
    assert not (ws / "notices").exists()


def test_user_templates_dir_is_used_and_confined_to_the_workspace(ws):
    (ws / "tpl").mkdir()
    shutil.copy(notices_dir() / "公示.docx", ws / "tpl" / "公示.docx")
    toml = ws / "kaohe.toml"
    original = toml.read_text(encoding="utf-8")
    toml.write_text(original.replace('templates_dir = ""', 'templates_dir = "tpl"'), encoding="utf-8")
    cfg = load_config()
    out = make_notices(cfg, ws / "kaohe.db", NoticeOptions("publicize", "2023-03", _date(2023, 9, 27)))
    assert out.template.resolve() == (ws / "tpl" / "公示.docx").resolve()
    out = make_notices(cfg, ws / "kaohe.db", NoticeOptions("talk", "2023-03", _date(2023, 9, 27)))
    assert out.template.parent == notices_dir()  # no 诫勉谈话通知.docx in tpl: the built-in one

    toml.write_text(original.replace('templates_dir = ""', 'templates_dir = "../elsewhere"'), encoding="utf-8")
    result = notice("--publicize", "--period", "2023-03", "--force")
    assert result.exit_code == 1
    assert "工作区" in flat(result.output)


def notices_dir() -> Path:
    from kaohe_cli.app.notice import builtin_templates_dir

    return builtin_templates_dir()


def _date(y: int, m: int, d: int):
    from datetime import date

    return date(y, m, d)


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("张&<三>", "张&_三_"),
        ('a/b\\c:d*e?f"g|h', "a_b_c_d_e_f_g_h"),
        ("名字. ", "名字"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("", "_"),
        ("\x00\x1f", "_"),  # control characters are removed, not replaced
        ("张\x1b[31m三\x07", "张[31m三"),
        ("李\u202e四\u2066\u200f", "李四"),
        ("欧阳" * 50, "欧阳" * 30),
    ],
)
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


# --- usage --------------------------------------------------------------------------------


@pytest.mark.parametrize("kinds", [[], ["--publicize", "--talk"], ["--feedback", "--talk", "--publicize"]])
def test_exactly_one_kind(ws, kinds):
    result = notice(*kinds, "--period", "2023-03")
    assert result.exit_code == 2
    assert "只选择一项" in flat(result.output)


def test_period_is_required(ws):
    assert notice("--publicize").exit_code == 2


def test_merge_is_for_per_person_notices(ws):
    result = notice("--publicize", "--period", "2023-03", "--merge")
    assert result.exit_code == 2
    assert "--merge" in result.output


def test_bad_date_and_bad_days(ws):
    bad_date = notice("--publicize", "--period", "2023-03", "--date", "2023-02-30")
    assert bad_date.exit_code == 2 and "无法识别的日期" in flat(bad_date.output)
    bad_days = notice("--publicize", "--period", "2023-03", "--days", "0")
    assert bad_days.exit_code == 2 and "正整数" in flat(bad_days.output)


def test_a_period_not_in_the_archive(ws):
    result = notice("--publicize", "--period", "2023-04")
    assert result.exit_code == 1
    assert "没有2023-04" in flat(result.output) and "kaohescore" in flat(result.output)


def test_no_archive(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = notice("--publicize", "--period", "2023-03", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_ties_take_the_committee_decision_and_ungraded_people_are_left_out(ws):
    """Grades edited in the archive, as an older kaohe recorded them (no grading inputs, so
    decisions replace 并列待定 only): 1001 并列待定 with a recorded decision, 1002 并列待定 without
    one, 1004 不确定等次 (not on the 公示, still gets feedback).

    The 公示 is refused while 1002 (李娜) is undecided, naming her and the decide command;
    `--draft` writes the committee's copy, marked 征求意见稿, with 李娜 still 并列待定."""
    import json
    import sqlite3

    from kaohe_cli.store.archive import open_archive

    with sqlite3.connect(ws / "kaohe.db") as conn:
        conn.execute("UPDATE scores SET grade = '并列待定' WHERE subject IN ('1001', '1002')")
        conn.execute("UPDATE scores SET grade = '不确定等次' WHERE subject = '1004'")
        for subject, extra in conn.execute("SELECT subject, extra FROM scores").fetchall():
            data = json.loads(extra)
            data.pop("grading", None)
            conn.execute("UPDATE scores SET extra = ? WHERE subject = ?", (json.dumps(data), subject))
    conn.close()
    with open_archive(ws / "kaohe.db") as arc:
        arc.record_decision("zhujian", "2023-03", "1001", "优秀", "局党组会议研究")
    refused = notice("--publicize", "--period", "2023-03", "--date", "2023-09-27")
    assert refused.exit_code == 1
    assert "仍有1人并列待定：李娜（1002）" in flat(refused.output)
    assert "kaohedecide--period2023-03" in flat(refused.output) and "--draft" in refused.output
    assert not out_dir(ws).exists() or not list(out_dir(ws).iterdir())
    result = notice("--publicize", "--period", "2023-03", "--date", "2023-09-27", "--draft")
    assert result.exit_code == 0, result.output
    draft = Document(str(out_dir(ws) / "公示-2023-03-征求意见稿.docx"))
    rows = data_rows(draft)
    assert rows[1:] == [["1", "张伟", "办公室", "优秀"], ["2", "李娜", "办公室", "并列待定"],
                        ["3", "张&<三>", "规划股", "基本称职"], ["4", "黄强", "质监站", "不称职"]]
    assert "征求意见稿" in body_text(draft)
    assert "共4人" in flat(result.output)
    feedback = notice("--feedback", "--period", "2023-03")
    assert feedback.exit_code == 0, feedback.output
    assert len(list(out_dir(ws).glob("结果反馈-*.docx"))) == 5
    text = body_text(Document(str(out_dir(ws) / "结果反馈-1004-刘洋.docx")))
    assert "考核等次为不确定等次" in text
