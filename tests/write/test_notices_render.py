"""Notices: the GB/T 9704 templates, rendering in the sandbox, merging, HTML and PDF."""

from __future__ import annotations

import importlib.util
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe_cli.errors import ConverterMissing, KaoheError, TemplateError
from kaohe_cli.write import notices
from kaohe_cli.write.notices import pdf as notice_pdf, template as notice_template
from kaohe_cli.write.notices import (
    CONTEXT_KEYS,
    TEMPLATE_FILES,
    docx_to_html,
    merge_documents,
    render_notice,
    to_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "kaohe_cli" / "templates"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"

PUBLICITY = {
    "unit_name": "某某县财政局",
    "title": "关于2023年第一季度考核等次的公示",
    "period_label": "2023年第一季度",
    "people": [
        {"no": 1, "name": "张&<三>", "dept": "办公室", "grade": "优秀"},
        {"no": 2, "name": "李四", "dept": "预算股", "grade": "称职"},
        {"no": 3, "name": "欧阳小明", "dept": "国库支付中心", "grade": "基本称职"},
    ],
    "start_date": "2023年9月27日",
    "end_date": "2023年10月9日",
    "days": 5,
    "contact_person": "赵六",
    "contact_phone": "0123-4567890",
    "contact_address": "局机关三楼人事股",
    "posted_at": "机关一楼公示栏",
    "sign_date": "2023年9月27日",
}

FEEDBACK = {
    "unit_name": "某某县财政局",
    "period_label": "2023年3月",
    "name": "张三",
    "dept": "办公室",
    "components": [
        {"name": "工作实绩", "max": 60, "score": "55.5"},
        {"name": "工作作风", "max": 20, "score": 18},
        {"name": "考勤", "max": 20, "score": 19},
    ],
    "bonus": "2",
    "deduction": "-1.5",
    "total": "93.00",
    "grade": "优秀",
    "rank": 3,
    "count": 58,
    "sign_date": "2023年4月3日",
    "items": [
        {"item": "迟到", "count": "3", "points": "-1.5", "reason": "", "evidence": ""},
        {"item": "通报表扬（市级）", "count": "1", "points": "+2", "reason": "全市财政工作先进个人",
         "evidence": "市财〔2023〕12号"},
    ],
    "deadline": "2023年4月10日",
    "contact_person": "王建华",
    "contact_phone": "0000-12345678",
    "contact_address": "局机关三楼人事科",
    "money": "",  # the scheme sets no yuan_per_point (tests/write/test_money_unit.py shows one that does)
    "money_name": "",
    "yuan_per_point": "",
}

TALK = {
    "unit_name": "某某县财政局",
    "period_label": "2023年度",
    "name": "钱七",
    "dept": "预算股",
    "total": "58.50",
    "grade": "不称职",
    "talk_time": "2024年1月15日上午9时",
    "talk_place": "局机关四楼会议室",
    "talker": "孙某",
    "contact_person": "赵六",
    "contact_phone": "0123-4567890",
    "sign_date": "2024年1月10日",
}

CONTEXTS = {"公示.docx": PUBLICITY, "结果反馈.docx": FEEDBACK, "诫勉谈话通知.docx": TALK}


def render(tmp_path: Path, name: str, context: dict | None = None, out: str = "") -> Document:
    out_path = tmp_path / (out or name)
    result = render_notice(TEMPLATES / name, context or CONTEXTS[name], out_path)
    assert result == out_path
    return Document(str(out_path))


def _bordered(table) -> bool:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    return borders is not None and all(b.get(qn("w:val")) == "single" for b in borders)


def data_tables(doc) -> list:
    return [t for t in doc.tables if _bordered(t)]


def signature_blocks(doc) -> list:
    """Paragraphs of each borderless closing block (closing line … unit name, date)."""
    return [t.cell(0, 0).paragraphs for t in doc.tables if not _bordered(t)]


def texts(doc) -> str:
    """Body paragraphs and the closing blocks, in document order."""
    lines = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            lines.append(Paragraph(el, doc).text)
        elif el.tag == qn("w:tbl"):
            table = Table(el, doc)
            if not _bordered(table):
                lines.extend(p.text for p in table.cell(0, 0).paragraphs)
    return "\n".join(lines)


def table_rows(doc, index: int = 0) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in data_tables(doc)[index].rows]


def east_asia(run) -> str | None:
    rpr = run._r.rPr
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def nonempty_runs(paragraphs):
    return [r for p in paragraphs for r in p.runs if r.text.strip()]


# --- the templates as built ---------------------------------------------------------------


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_templates", ROOT / "tools" / "build_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_build_is_reproducible_and_committed_templates_are_current(tmp_path):
    builder = _load_builder()
    first = builder.build_all(tmp_path / "a")
    second = builder.build_all(tmp_path / "b")
    assert sorted(p.name for p in first) == sorted(TEMPLATE_FILES.values())
    for a, b in zip(first, second):
        assert _members(a) == _members(b)
        committed = TEMPLATES / a.name
        assert _members(committed) == _members(a), (
            f"{a.name} is stale: run python tools/build_templates.py templates"
        )


@pytest.mark.parametrize("name", sorted(CONTEXT_KEYS))
def test_templates_use_only_the_documented_keys(name):
    used = DocxTemplate(TEMPLATES / name).get_undeclared_template_variables()
    assert used <= CONTEXT_KEYS[name]
    assert used == set(CONTEXTS[name]) == CONTEXT_KEYS[name]


# --- page, styles and fonts ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_page_setup_is_a4_with_gbt9704_margins(tmp_path, name):
    section = render(tmp_path, name).sections[0]
    expected = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for attr, mm in expected.items():
        assert getattr(section, attr).mm == pytest.approx(mm, abs=0.05), attr


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_title_body_and_table_fonts(tmp_path, name):
    doc = render(tmp_path, name)
    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER or (
        title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    )
    for run in nonempty_runs([title]):
        assert east_asia(run) == TITLE_FONT
        assert run.font.size == Pt(22)

    body = [p for p in doc.paragraphs[1:] if p.text.strip()]
    assert body
    for run in nonempty_runs(body):
        assert east_asia(run) == BODY_FONT
        assert run.font.size == Pt(16)

    tables = data_tables(doc)
    assert len(tables) == {"诫勉谈话通知.docx": 0, "公示.docx": 1, "结果反馈.docx": 2}[name]
    cells = [p for t in tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for run in nonempty_runs(cells):
        assert east_asia(run) == BODY_FONT
        assert run.font.size == Pt(14)

    (closing,) = signature_blocks(doc)
    assert len(nonempty_runs(closing)) == 3
    for run in nonempty_runs(closing):
        assert east_asia(run) == BODY_FONT
        assert run.font.size == Pt(16)


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_styles_carry_the_east_asian_fonts(tmp_path, name):
    doc = render(tmp_path, name)
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == BODY_FONT
    assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override it

    def style_east_asia(style):
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert style_east_asia(doc.styles["Normal"]) == BODY_FONT
    assert doc.styles["Normal"].font.size == Pt(16)
    assert style_east_asia(doc.styles["公文标题"]) == TITLE_FONT
    assert doc.styles["公文标题"].font.size == Pt(22)
    assert style_east_asia(doc.styles["表格文字"]) == BODY_FONT
    assert style_east_asia(doc.styles["Footer"]) == "宋体"


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_body_line_spacing_and_indent(tmp_path, name):
    doc = render(tmp_path, name)
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing.pt == pytest.approx(28.95)
    assert normal.first_line_indent == Pt(32)
    # body paragraphs use Normal without overriding spacing
    for p in doc.paragraphs[1:]:
        if p.style.name == "Normal" and p.text.strip():
            assert p.paragraph_format.line_spacing is None
            assert p.paragraph_format.first_line_indent in (None, Pt(0))


def test_document_defaults_and_grid_are_in_twips(tmp_path):
    doc = render(tmp_path, "公示.docx")
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    assert spacing.get(qn("w:line")) == "579"
    assert spacing.get(qn("w:lineRule")) == "exact"
    size = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:sz"))
    assert size.get(qn("w:val")) == "32"
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:type")) is None  # no snapping grid


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_footer_page_number(tmp_path, name):
    footer = render(tmp_path, name).sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
    text = "".join(t.text for t in footer._element.iter(qn("w:t")))
    assert text == "— 1 —"
    paragraph = footer.paragraphs[0]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for run in paragraph.runs:
        assert east_asia(run) == "宋体"
        assert run.font.size == Pt(14)


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_signature_and_date_at_the_right(tmp_path, name):
    doc = render(tmp_path, name)
    context = CONTEXTS[name]
    # the last block of the document: closing line, two blank lines, unit name, date;
    # then only a hidden, 0.1 pt paragraph mark (no blank last page)
    body = doc.element.body
    assert body[-3].tag == qn("w:tbl")
    end_mark = Paragraph(body[-2], doc)
    assert end_mark.text == ""
    assert end_mark.paragraph_format.line_spacing.pt == pytest.approx(0.1)
    assert body[-2].find(qn("w:pPr")).find(qn("w:rPr")).find(qn("w:vanish")) is not None
    (block,) = signature_blocks(doc)
    closing, blank1, blank2, sign, date = block
    assert closing.text == ("特此公示。" if name == "公示.docx" else "特此通知。")
    assert blank1.text == blank2.text == ""
    assert sign.text == context["unit_name"]
    assert date.text == context["sign_date"]
    for p in (sign, date):
        assert p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert p.style.paragraph_format.right_indent == Pt(64)  # 右空四字
    # one row that may not split: the signature never stands alone on a page
    table = doc.tables[-1]
    assert table._tbl.tr_lst[0].trPr.find(qn("w:cantSplit")) is not None
    assert table.rows[0].cells[0].width.mm == pytest.approx(156, abs=0.1)


# Schema order of the property elements the builder writes (ECMA-376); Word rejects a
# document whose children are out of order.
SCHEMA_ORDER = {
    "pPr": [
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
        "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
        "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
        "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
        "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
        "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    ],
    "rPr": [
        "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
        "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
        "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
        "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
        "eastAsianLayout", "specVanish", "oMath",
    ],
    "tblPr": [
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook",
    ],
    "trPr": [
        "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
        "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
    ],
    "sectPr": [
        "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
        "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
        "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
        "printerSettings",
    ],
}


def _assert_schema_order(root) -> None:
    for parent, order in SCHEMA_ORDER.items():
        for el in root.iter(qn(f"w:{parent}")):
            names = [child.tag.split("}")[1] for child in el]
            positions = [order.index(n) for n in names if n in order]
            assert positions == sorted(positions), f"{parent}: {names}"


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_every_style_used_is_defined(tmp_path, name):
    doc = render(tmp_path, name)
    defined = {el.get(qn("w:styleId")) for el in doc.styles.element.findall(qn("w:style"))}
    parts = [doc.element, doc.sections[0].footer._element, doc.styles.element]
    used = {
        el.get(qn("w:val"))
        for part in parts
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle", "w:basedOn", "w:link", "w:next")
        for el in part.iter(qn(tag))
    }
    assert used <= defined
    assert {"Normal", "KaoheTitle", "KaoheTableText", "KaoheSignature", "Footer"} <= defined


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_property_elements_are_in_schema_order(tmp_path, name):
    doc = render(tmp_path, name)
    _assert_schema_order(doc.element)
    _assert_schema_order(doc.styles.element)
    _assert_schema_order(doc.sections[0].footer._element)


# --- content ------------------------------------------------------------------------------


def test_publicity_text_and_table(tmp_path):
    doc = render(tmp_path, "公示.docx")
    text = texts(doc)
    assert doc.paragraphs[0].text == "关于2023年第一季度考核等次的公示"
    assert "现将本单位2023年第一季度考核等次予以公示" in text
    assert "公示期为2023年9月27日至2023年10月9日（5个工作日）" in text
    assert "公示地点：机关一楼公示栏" in text
    assert "请以书面形式或电话向赵六反映（联系电话：0123-4567890；书面材料请送局机关三楼人事股）" in text
    assert text.endswith("特此公示。\n\n\n某某县财政局\n2023年9月27日\n")
    assert table_rows(doc) == [
        ["序号", "姓名", "科室", "等次"],
        ["1", "张&<三>", "办公室", "优秀"],
        ["2", "李四", "预算股", "称职"],
        ["3", "欧阳小明", "国库支付中心", "基本称职"],
    ]
    header = doc.tables[0].rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    borders = doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}
    assert len(borders) == 6


def test_publicity_blank_contact_and_optional_clauses(tmp_path):
    context = dict(
        PUBLICITY, contact_person="", contact_phone=None, contact_address="", posted_at=""
    )
    text = texts(render(tmp_path, "公示.docx", context))
    assert "请以书面形式或电话向________反映（联系电话：________）。" in text
    assert "公示地点" not in text
    assert "书面材料请送" not in text


def test_publicity_with_nobody_keeps_the_header_row(tmp_path):
    doc = render(tmp_path, "公示.docx", dict(PUBLICITY, people=[]))
    assert table_rows(doc) == [["序号", "姓名", "科室", "等次"]]


def test_feedback_text_and_table(tmp_path):
    doc = render(tmp_path, "结果反馈.docx")
    text = texts(doc)
    assert doc.paragraphs[0].text == "2023年3月考核结果反馈"
    assert "办公室张三同志：" in text
    assert "你的考核总分为93.00分，在参加考核的58人中列第3名，考核等次为优秀。加分、扣分的事项和依据如下：" in text
    assert "如对考核结果有异议，请于2023年4月10日前以书面形式向王建华提出（联系电话：0000-12345678；书面材料请送局机关三楼人事科）。" in text
    assert "考核工作办公室" not in text
    rows = table_rows(doc) + table_rows(doc, 1)
    assert rows[:7] == [
        ["考核项目", "满分", "得分"],
        ["工作实绩", "60", "55.5"],
        ["工作作风", "20", "18"],
        ["考勤", "20", "19"],
        ["加分", "—", "2"],
        ["扣分", "—", "-1.5"],
        ["总分", "—", "93.00"],
    ]
    assert rows[7:] == [
        ["事项", "数量", "分值", "事由", "文号"],
        ["迟到", "3", "-1.5", "", ""],
        ["通报表扬（市级）", "1", "+2", "全市财政工作先进个人", "市财〔2023〕12号"],
    ]


def test_feedback_without_items_says_so(tmp_path):
    doc = render(tmp_path, "结果反馈.docx", dict(FEEDBACK, items=[], contact_person="", contact_address=""))
    text = texts(doc)
    assert "本期没有加分、扣分事项。" in text
    assert "向________提出（联系电话：0000-12345678）。" in text


def test_talk_text(tmp_path):
    text = texts(render(tmp_path, "诫勉谈话通知.docx"))
    assert "预算股钱七同志：" in text
    assert "你在2023年度考核中总分为58.50分，考核等次为不称职。" in text
    assert "一、谈话时间：2024年1月15日上午9时" in text
    assert "二、谈话地点：局机关四楼会议室" in text
    assert "三、谈话人：孙某" in text
    assert "请提前与赵六联系（联系电话：0123-4567890）" in text


def test_talk_blanks_render_as_underlines(tmp_path):
    blank = dict(
        TALK, talk_time="", talk_place=None, talker="", contact_person="", contact_phone=""
    )
    text = texts(render(tmp_path, "诫勉谈话通知.docx", blank))
    assert "一、谈话时间：________" in text
    assert "二、谈话地点：________" in text
    assert "三、谈话人：________" in text
    assert "请提前与________联系（联系电话：________）" in text
    assert "None" not in text


# --- escaping and the sandbox -------------------------------------------------------------


def test_special_characters_come_out_literally(tmp_path):
    context = dict(
        PUBLICITY,
        unit_name="A&B<局>",
        title='关于"<b>"&amp;的公示',
        contact_person="O'Neil & 张",
        people=[{"no": 1, "name": "张&<三>", "dept": "<w:t>科</w:t>", "grade": "优秀"}],
    )
    doc = render(tmp_path, "公示.docx", context)
    text = texts(doc)
    assert doc.paragraphs[0].text == '关于"<b>"&amp;的公示'
    assert "O'Neil & 张" in text
    assert signature_blocks(doc)[0][-2].text == "A&B<局>"
    assert table_rows(doc)[1] == ["1", "张&<三>", "<w:t>科</w:t>", "优秀"]


def test_markup_values_are_escaped_too(tmp_path):
    from markupsafe import Markup

    context = dict(PUBLICITY, contact_person=Markup('</w:t></w:r><w:r><w:t>注入'))
    text = texts(render(tmp_path, "公示.docx", context))
    assert "向</w:t></w:r><w:r><w:t>注入反映" in text


def test_docxtpl_escapes_in_values_come_out_as_typed(tmp_path):
    people = [{"no": 1, "name": name, "dept": "<{_%科%_}>", "grade": "称职"} for name in ("{_{", "a}_}b", "{_%&%_}")]
    doc = render(tmp_path, "公示.docx", dict(PUBLICITY, people=people, contact_person="{_{ name }_}"))
    assert [row[1:3] for row in table_rows(doc)[1:]] == [[p["name"], p["dept"]] for p in people]
    assert "向{_{ name }_}反映" in texts(doc)


def test_control_characters_are_dropped_and_newlines_kept(tmp_path):
    context = dict(PUBLICITY, contact_person="赵\x00六\x0c", contact_address="甲楼\n乙室")
    text = texts(render(tmp_path, "公示.docx", context))
    assert "向赵六反映" in text
    assert "书面材料请送甲楼\n乙室" in text


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")),
        min_size=1,
        max_size=20,
    )
)
def test_any_printable_name_round_trips(tmp_path, name):
    context = dict(PUBLICITY, people=[{"no": 1, "name": name, "dept": "办公室", "grade": "称职"}])
    doc = render(tmp_path, "公示.docx", context)
    assert table_rows(doc)[1][1] == name


def _template_with(tmp_path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    path = tmp_path / "自定义.docx"
    doc.save(str(path))
    return path


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ name.__init__.__globals__ }}",
        "{{ people.append(1) }}",
    ],
)
def test_sandbox_refuses_python_internals(tmp_path, tag):
    template = _template_with(tmp_path, f"你好{tag}")
    out = tmp_path / "out.docx"
    with pytest.raises(TemplateError) as info:
        render_notice(template, {"name": "张三", "people": []}, out)
    assert "不允许" in info.value.text()
    assert "自定义.docx" in info.value.text()
    assert not out.exists()


def test_missing_key_names_the_key(tmp_path):
    template = _template_with(tmp_path, "{{ nmae }}同志")
    with pytest.raises(TemplateError) as info:
        render_notice(template, {"name": "张三"}, tmp_path / "out.docx")
    assert "nmae" in info.value.message
    assert "name" in info.value.hint


def test_syntax_error_is_a_template_error(tmp_path):
    template = _template_with(tmp_path, "{% if name %}张三")
    with pytest.raises(TemplateError) as info:
        render_notice(template, {"name": "张三"}, tmp_path / "out.docx")
    assert "语法错误" in info.value.message


def test_missing_template_names_the_file(tmp_path):
    with pytest.raises(TemplateError) as info:
        render_notice(tmp_path / "没有.docx", PUBLICITY, tmp_path / "out.docx")
    assert "没有.docx" in info.value.message
    assert "找不到" in info.value.message


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken"])
def test_corrupt_template_names_the_file(tmp_path, content):
    bad = tmp_path / "坏模板.docx"
    bad.write_bytes(content)
    with pytest.raises(TemplateError) as info:
        render_notice(bad, PUBLICITY, tmp_path / "out.docx")
    assert "坏模板.docx" in info.value.message
    assert "损坏" in info.value.message


def test_zip_that_is_not_a_docx(tmp_path):
    bad = tmp_path / "表格.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(TemplateError) as info:
        render_notice(bad, PUBLICITY, tmp_path / "out.docx")
    assert "表格.docx" in info.value.message


# --- atomic writing -----------------------------------------------------------------------


def test_render_writes_only_the_output(tmp_path):
    out_dir = tmp_path / "通知" / "2023Q1"  # created on demand
    out = out_dir / "公示.docx"
    render_notice(TEMPLATES / "公示.docx", PUBLICITY, out)
    assert [p.name for p in out_dir.iterdir()] == ["公示.docx"]


def test_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "公示.docx"
    out.write_bytes(b"old")

    def broken_write(path, data):
        Path(path).write_bytes(data[:10])
        raise OSError("disk full")

    monkeypatch.setattr(notice_template, "_write_bytes", broken_write)
    with pytest.raises(KaoheError) as info:
        render_notice(TEMPLATES / "公示.docx", PUBLICITY, out)
    assert "无法写入 公示.docx" in info.value.message
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["公示.docx"]


def test_failed_render_leaves_the_old_file(tmp_path):
    out = tmp_path / "公示.docx"
    out.write_bytes(b"old")
    with pytest.raises(TemplateError):
        render_notice(TEMPLATES / "公示.docx", {"title": "缺字段"}, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["公示.docx"]


# --- merging ------------------------------------------------------------------------------


def _three_letters(tmp_path: Path) -> list[Path]:
    paths = []
    for name in ("张三", "李四", "王五"):
        out = tmp_path / f"{name}.docx"
        render_notice(TEMPLATES / "结果反馈.docx", dict(FEEDBACK, name=name), out)
        paths.append(out)
    return paths


def _page_breaks(doc) -> int:
    return sum(
        1 for br in doc.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"
    )


def test_merge_three_documents_has_two_page_breaks(tmp_path):
    out = merge_documents(_three_letters(tmp_path), tmp_path / "合并.docx")
    doc = Document(str(out))
    assert _page_breaks(doc) == 2
    text = texts(doc)
    assert [n for n in ("张三", "李四", "王五") if f"办公室{n}同志" in text] == ["张三", "李四", "王五"]
    assert len(data_tables(doc)) == 6  # 考核项目 and 加减分事项 for each of the three
    assert len(signature_blocks(doc)) == 3
    assert len(doc.sections) == 1
    section = doc.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.05)
    assert section.top_margin.mm == pytest.approx(37, abs=0.05)
    # the break opens the next letter's title paragraph: no empty line at the page top
    titles = [p for p in doc.paragraphs if p.text == "2023年3月考核结果反馈"]
    assert len(titles) == 3
    assert all(p._p.find(qn("w:r")).find(qn("w:br")) is not None for p in titles[1:])
    _assert_schema_order(doc.element)


def test_merge_with_restarted_page_numbers(tmp_path):
    out = merge_documents(
        _three_letters(tmp_path), tmp_path / "合并.docx", restart_page_numbers=True
    )
    doc = Document(str(out))
    assert _page_breaks(doc) == 0
    assert len(doc.sections) == 3
    for section in doc.sections:
        assert section.page_height.mm == pytest.approx(297, abs=0.05)
        assert section.left_margin.mm == pytest.approx(28, abs=0.05)
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert "PAGE" in section.footer._element.xml
    for el in doc.element.body.iter(qn("w:p")):
        ppr = el.find(qn("w:pPr"))
        if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
            mark = ppr.find(qn("w:rPr"))
            assert mark is None or mark.find(qn("w:vanish")) is None
    _assert_schema_order(doc.element)


def test_merge_of_one_is_a_copy_and_of_none_an_error(tmp_path):
    (only,) = _three_letters(tmp_path)[:1]
    out = merge_documents([only], tmp_path / "合并.docx")
    assert texts(Document(str(out))) == texts(Document(str(only)))
    with pytest.raises(KaoheError):
        merge_documents([], tmp_path / "空.docx")


# --- HTML preview -------------------------------------------------------------------------


def test_html_preview(tmp_path):
    render(tmp_path, "公示.docx")
    page = docx_to_html(tmp_path / "公示.docx")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>关于2023年第一季度考核等次的公示</title>" in page
    assert "<h1>关于2023年第一季度考核等次的公示</h1>" in page
    assert "<th>序号</th><th>姓名</th><th>科室</th><th>等次</th>" in page
    assert "<td>张&amp;&lt;三&gt;</td>" in page
    assert "张&<三>" not in page
    assert page.count("<table>") == 1  # the borderless closing block is shown as text
    assert '<p class="indent">特此公示。</p>' in page
    assert '<p class="right">某某县财政局</p>' in page
    assert "公示期为2023年9月27日至2023年10月9日" in page


def test_html_preview_marks_page_breaks(tmp_path):
    out = merge_documents(_three_letters(tmp_path), tmp_path / "合并.docx")
    page = docx_to_html(out)
    assert page.count('<hr class="page">') == 2
    assert page.count("<h1>") == 3
    restarted = merge_documents(
        _three_letters(tmp_path), tmp_path / "分节.docx", restart_page_numbers=True
    )
    assert docx_to_html(restarted).count('<hr class="page">') == 2


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(notice_pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(notice_pdf, "_install_candidates", lambda: [tmp_path / "soffice.exe"])
    with pytest.raises(ConverterMissing) as info:
        to_pdf(tmp_path / "公示.docx", tmp_path)
    assert "LibreOffice" in info.value.text()
    assert "安装" in info.value.text()


def test_pdf_runs_soffice_headless_with_a_private_profile(tmp_path, monkeypatch):
    seen = {}

    def fake_run(cmd, **kwargs):
        seen["cmd"] = cmd
        out_dir = Path(cmd[cmd.index("--outdir") + 1])
        (out_dir / "公示.pdf").write_bytes(b"%PDF-1.7")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(notice_pdf.shutil, "which", lambda name: "/opt/lo/soffice")
    monkeypatch.setattr(notice_pdf.subprocess, "run", fake_run)
    pdf = to_pdf(tmp_path / "公示.docx", tmp_path / "pdf")
    assert pdf == tmp_path / "pdf" / "公示.pdf"
    cmd = seen["cmd"]
    assert cmd[0] == "/opt/lo/soffice"
    assert "--headless" in cmd
    assert cmd[cmd.index("--convert-to") + 1] == "pdf"
    assert any(arg.startswith("-env:UserInstallation=file:") for arg in cmd)
    assert cmd[-1] == str(tmp_path / "公示.docx")


def test_pdf_failure_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(notice_pdf.shutil, "which", lambda name: "/opt/lo/soffice")
    monkeypatch.setattr(
        notice_pdf.subprocess,
        "run",
        lambda cmd, **kw: subprocess.CompletedProcess(
            cmd, 1, "", "Error: source file could not be loaded"
        ),
    )
    with pytest.raises(KaoheError) as info:
        to_pdf(tmp_path / "公示.docx", tmp_path)
    assert "公示.pdf" in info.value.message
    assert "could not be loaded" in info.value.hint


def test_windows_install_path_is_found(tmp_path, monkeypatch):
    exe = tmp_path / "LibreOffice" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    monkeypatch.setattr(notice_pdf.shutil, "which", lambda name: None)
    monkeypatch.setenv("ProgramFiles", str(tmp_path))
    assert notices.find_soffice() == exe


@pytest.mark.skipif(notices.find_soffice() is None, reason="LibreOffice is not installed")
def test_real_pdf_conversion(tmp_path):
    render(tmp_path, "公示.docx")
    pdf = to_pdf(tmp_path / "公示.docx", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
