"""Build the notice templates in `templates/` (GB/T 9704-2012 layout) with python-docx.

    python tools/build_templates.py [OUT_DIR]        # default: kaohe_cli/templates/ of this repository

Writes 公示.docx, 结果反馈.docx and 诫勉谈话通知.docx. The output is reproducible: fixed
document properties and fixed zip entry times, so building twice gives the same content.
The templates hold docxtpl/Jinja tags that use only the context keys documented in
`kaohe_cli/write/notices/__init__.py`.

Layout (GB/T 9704-2012, 党政机关公文格式):
- A4 210 × 297 mm; margins top 37, bottom 35, left 28, right 26 mm (text block 156 × 225 mm).
- Title 方正小标宋简体 二号 (22 pt), centred, followed by one blank line.
- Body 仿宋_GB2312 三号 (16 pt), exact line spacing 28.95 pt (22 lines in 225 mm), first-line
  indent two characters (32 pt). The East Asian font is set in the styles, in the document
  defaults and on every run (`w:rFonts w:eastAsia`), not only the Latin font.
- Tables 仿宋_GB2312 四号 (14 pt), single 0.5 pt borders, header row repeated on every page.
- Signature and date: the sealed layout (7.3.5.1) — two blank lines below the body, date right
  aligned four characters from the right margin, unit name right aligned above it. The
  closing line ("特此公示。"), the blank lines, unit name and date share one borderless table
  row that may not split, so the signature never stands alone on a page.
- Page number 四号 (14 pt) 宋体 as "— 1 —" (a PAGE field between em dashes). GB/T 9704 puts
  odd pages right and even pages left; these notices are short and often posted single-sided,
  so the number is centred on every page.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

ROOT = Path(__file__).resolve().parent.parent

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_PAGE_NUMBER = "宋体"

SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_TABLE = Pt(14)  # 四号
SIZE_PAGE_NUMBER = Pt(14)  # 四号

LINE = Twips(579)  # 28.95 pt exactly: 22 lines fill the 225 mm text block
TABLE_LINE = Twips(440)  # 22 pt exactly for 14 pt table text
INDENT = Pt(32)  # two characters of 三号
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm

BLANK = "'________'"  # Jinja literal for an unfilled value, rendered as an underline
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

STYLE_TITLE = "公文标题"
STYLE_TABLE = "表格文字"
STYLE_SIGN = "落款"

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


# --- fonts ------------------------------------------------------------------------------


def _set_rfonts(rpr, east_asia: str, latin: str | None = None) -> None:
    """Set every font slot of an `w:rPr`, dropping theme fonts (they would override)."""
    latin = latin or east_asia
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def _font_style(style, east_asia: str, size, bold: bool = False) -> None:
    style.font.size = size
    if bold:
        style.font.bold = True
    _set_rfonts(style.element.get_or_add_rPr(), east_asia)


def _run(paragraph, text: str, east_asia: str, size, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = size
    if bold:
        run.font.bold = True
    _set_rfonts(run._r.get_or_add_rPr(), east_asia)
    return run


def _doc_defaults(doc) -> None:
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(rpr, FONT_BODY)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(SIZE_BODY.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    for attr in list(spacing.attrib):
        del spacing.attrib[attr]
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE.twips))
    spacing.set(qn("w:lineRule"), "exact")


# --- styles -----------------------------------------------------------------------------


def _paragraph_style(doc, name: str, style_id: str, base):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = base
    style.quick_style = True
    return style


def _first_line_chars(pf_owner, chars: int) -> None:
    """Add `w:firstLineChars` (hundredths of a character) next to the absolute indent."""
    ind = pf_owner.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), str(chars * 100))


# Children of w:pPr that come after w:autoSpaceDN in the schema (ECMA-376 CT_PPrBase).
_PPR_AFTER_AUTOSPACE = (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


def _no_autospace(style_el) -> None:
    """No extra gap between Chinese and Arabic numerals: "2023年9月27日", not "2023 年"."""
    ppr = style_el.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "0")
        ppr.insert_element_before(el, *_PPR_AFTER_AUTOSPACE)


def _styles(doc) -> None:
    _doc_defaults(doc)

    normal = doc.styles["Normal"]
    _font_style(normal, FONT_BODY, SIZE_BODY)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.first_line_indent = INDENT
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = False
    _first_line_chars(normal.element, 2)
    _no_autospace(normal.element)

    title = _paragraph_style(doc, STYLE_TITLE, "KaoheTitle", normal)
    _font_style(title, FONT_TITLE, SIZE_TITLE)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    tf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    tf.line_spacing = LINE
    tf.keep_with_next = True
    _first_line_chars(title.element, 0)

    table = _paragraph_style(doc, STYLE_TABLE, "KaoheTableText", normal)
    _font_style(table, FONT_BODY, SIZE_TABLE)
    af = table.paragraph_format
    af.alignment = WD_ALIGN_PARAGRAPH.CENTER
    af.first_line_indent = Pt(0)
    af.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    af.line_spacing = TABLE_LINE
    _first_line_chars(table.element, 0)

    sign = _paragraph_style(doc, STYLE_SIGN, "KaoheSignature", normal)
    _font_style(sign, FONT_BODY, SIZE_BODY)
    sf = sign.paragraph_format
    sf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sf.first_line_indent = Pt(0)
    sf.right_indent = Pt(64)  # 右空四字
    _first_line_chars(sign.element, 0)

    footer = doc.styles["Footer"]
    _font_style(footer, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _first_line_chars(footer.element, 0)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


# --- page -------------------------------------------------------------------------------


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.header_distance = Mm(15)
    # The page-number line then sits about 7 mm below the text block, as GB/T 9704 asks.
    section.footer_distance = Mm(23)
    grid = section._sectPr.find(qn("w:docGrid"))
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    # No snapping grid: the exact 28.95 pt spacing already gives 22 lines, and LibreOffice
    # would snap even the tiny end mark to a full grid line.
    grid.set(qn("w:linePitch"), str(LINE.twips))

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = doc.styles["Footer"]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    _field(p, "PAGE", "1")
    _run(p, " —", FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (`w:fldChar` begin/separate/end) such as PAGE."""

    def fld(kind: str):
        run = _run(paragraph, "", FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    run = _run(paragraph, "", FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    _run(paragraph, shown, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    fld("end")


# --- blocks -----------------------------------------------------------------------------


def _title(doc, text: str) -> None:
    p = doc.add_paragraph(style=STYLE_TITLE)
    _run(p, text, FONT_TITLE, SIZE_TITLE)
    _blank(doc)


def _blank(doc) -> None:
    doc.add_paragraph(style="Normal")


def _body(doc, text: str, *, indent: bool = True) -> None:
    p = doc.add_paragraph(style="Normal")
    if not indent:  # 顶格, e.g. the salutation
        p.paragraph_format.first_line_indent = Pt(0)
        _first_line_chars(p._p, 0)
    _run(p, text, FONT_BODY, SIZE_BODY)


def _closing(doc, closing: str) -> None:
    """The closing line, two blank lines, the unit name and the date, kept on one page.

    GB/T 9704-2012 (7.3.5) does not let the signature stand alone on a page. A chain of
    "keep with next" paragraphs does that in Word but LibreOffice (the --pdf route) breaks
    it at some page boundaries, so the block sits in one borderless table row that may not
    split. Zero cell margins keep the text aligned with the body.
    """
    table = doc.add_table(rows=1, cols=1)
    table.autofit = False
    _borders(table, visible=False)
    _table_width(table, TEXT_WIDTH_MM)
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.tblLayout.addnext(mar)
    table._tbl.tblGrid.find(qn("w:gridCol")).set(
        qn("w:w"), str(int(round(Mm(TEXT_WIDTH_MM).twips)))
    )
    row = table.rows[0]
    _row_flags(row, header=False)
    cell = row.cells[0]
    cell.width = Mm(TEXT_WIDTH_MM)
    first = cell.paragraphs[0]
    first.style = doc.styles["Normal"]
    _run(first, closing, FONT_BODY, SIZE_BODY)
    cell.add_paragraph(style="Normal")
    cell.add_paragraph(style="Normal")
    for text in ("{{ unit_name }}", "{{ sign_date }}"):
        _run(cell.add_paragraph(style=STYLE_SIGN), text, FONT_BODY, SIZE_BODY)
    _end_mark(doc)


def _end_mark(doc) -> None:
    """A hidden, near-zero-height paragraph after the closing table.

    Word keeps a paragraph mark after a final table; if the file has none it adds a full
    line that spills onto an empty last page whenever the signature fills the last line
    (the body's 22 × 28.95 pt leave only 0.9 pt). This mark is hidden (Word gives hidden
    paragraphs no space) and 0.1 pt high (LibreOffice does not hide it, but it fits).
    """
    p = doc.add_paragraph(style="Normal")
    pf = p.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(2)
    ppr = p._p.get_or_add_pPr()
    _first_line_chars(p._p, 0)
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:vanish"))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "2")  # half-points: 1 pt
        rpr.append(el)
    ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")


def _borders(table, *, visible: bool = True) -> None:
    """Single 0.5 pt borders, or none; `w:tblBorders` goes before `w:tblLayout`."""
    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if visible:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "4")  # eighths of a point: 0.5 pt
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    tblPr.tblLayout.addprevious(borders)


def _table_width(table, width_mm: float) -> None:
    tblW = table._tbl.tblPr.find(qn("w:tblW"))
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(int(round(Mm(width_mm).twips))))


def _row_flags(row, *, header: bool) -> None:
    """Rows never split across pages; the header row repeats (`cantSplit` before `tblHeader`)."""
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))
    if header:
        trPr.append(OxmlElement("w:tblHeader"))


def _cell(cell, text: str, width_mm: float, *, bold: bool = False) -> None:
    cell.width = Mm(width_mm)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.style = STYLE_TABLE
    if text:
        _run(p, text, FONT_BODY, SIZE_TABLE, bold=bold)


def _table(doc, headers, widths, loop: str, cells, after=()) -> None:
    """A table: header row, a docxtpl `{%tr for %}` row loop, then fixed rows.

    docxtpl drops the rows that hold `{%tr ... %}` and repeats the row between them.
    """
    assert abs(sum(widths) - TEXT_WIDTH_MM) < 0.01
    rows = [("header", headers), ("tag", [f"{{%tr {loop} %}}"]), ("data", cells),
            ("tag", ["{%tr endfor %}"])] + [("data", r) for r in after]
    table = doc.add_table(rows=len(rows), cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    _table_width(table, TEXT_WIDTH_MM)
    for row, (kind, texts) in zip(table.rows, rows):
        _row_flags(row, header=(kind == "header"))
        for i, cell in enumerate(row.cells):
            text = texts[i] if i < len(texts) else ""
            _cell(cell, text, widths[i], bold=(kind == "header"))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(round(Mm(width).twips))))


def _default(name: str) -> str:
    return f"{{{{ {name}|default({BLANK}, true) }}}}"


# --- the three templates ----------------------------------------------------------------


def build_publicity(doc) -> None:
    _title(doc, "{{ title }}")
    _body(
        doc,
        "根据考核有关规定和考核结果，现将本单位{{ period_label }}考核等次予以公示。"
        "名单如下：",
    )
    _table(
        doc,
        ["序号", "姓名", "科室", "等次"],
        [16, 34, 72, 34],
        "for p in people",
        ["{{ p.no }}", "{{ p.name }}", "{{ p.dept }}", "{{ p.grade }}"],
    )
    _body(
        doc,
        "公示期为{{ start_date }}至{{ end_date }}（{{ days }}个工作日）"
        "{% if posted_at %}，公示地点：{{ posted_at }}{% endif %}。",
    )
    _body(
        doc,
        f"公示期间，如对公示结果有异议，请以书面形式或电话向{_default('contact_person')}"
        f"反映（联系电话：{_default('contact_phone')}"
        "{% if contact_address %}；书面材料请送{{ contact_address }}{% endif %}）。"
        "反映问题应实事求是，以个人名义反映的请署真实姓名，以单位名义反映的请加盖单位公章。",
    )
    _closing(doc, "特此公示。")


def build_feedback(doc) -> None:
    _title(doc, "{{ period_label }}考核结果反馈")
    _body(doc, "{{ dept }}{{ name }}同志：", indent=False)
    _body(doc, "根据考核有关规定，现将你{{ period_label }}的考核结果反馈如下：")
    _table(
        doc,
        ["考核项目", "满分", "得分"],
        [80, 38, 38],
        "for c in components",
        ["{{ c.name }}", "{{ c.max }}", "{{ c.score }}"],
        after=[
            ["加分", "—", "{{ bonus }}"],
            ["扣分", "—", "{{ deduction }}"],
            ["总分", "—", "{{ total }}"],
        ],
    )
    _body(
        doc,
        "你的考核总分为{{ total }}分，在参加考核的{{ count }}人中列第{{ rank }}名，"
        "考核等次为{{ grade }}。"
        "{% if money %}{% if yuan_per_point %}按每分{{ yuan_per_point }}元计，{% endif %}{{ money_name }}为{{ money }}元。{% endif %}"
        "{% if items %}加分、扣分的事项和依据如下：{% else %}本期没有加分、扣分事项。{% endif %}",
    )
    _table(
        doc,
        ["事项", "数量", "分值", "事由", "文号"],
        [34, 16, 18, 48, 40],
        "for i in items",
        ["{{ i.item }}", "{{ i.count }}", "{{ i.points }}", "{{ i.reason }}", "{{ i.evidence }}"],
    )
    _body(
        doc,
        "如对考核结果有异议，请于{{ deadline }}前以书面形式向"
        f"{_default('contact_person')}提出（联系电话：{_default('contact_phone')}"
        "{% if contact_address %}；书面材料请送{{ contact_address }}{% endif %}）。",
    )
    _closing(doc, "特此通知。")


def build_talk(doc) -> None:
    _title(doc, "诫勉谈话通知")
    _body(doc, "{{ dept }}{{ name }}同志：", indent=False)
    _body(
        doc,
        "你在{{ period_label }}考核中总分为{{ total }}分，考核等次为{{ grade }}。"
        "根据考核有关规定，经研究，决定对你进行诫勉谈话。现将有关事项通知如下：",
    )
    _body(doc, f"一、谈话时间：{_default('talk_time')}")
    _body(doc, f"二、谈话地点：{_default('talk_place')}")
    _body(doc, f"三、谈话人：{_default('talker')}")
    _body(
        doc,
        "请你按时参加谈话，认真查找问题原因，提出整改措施。如因特殊情况不能按时参加，"
        f"请提前与{_default('contact_person')}联系（联系电话：{_default('contact_phone')}）。",
    )
    _closing(doc, "特此通知。")


TEMPLATES = {
    "公示.docx": ("公示模板", build_publicity),
    "结果反馈.docx": ("考核结果反馈模板", build_feedback),
    "诫勉谈话通知.docx": ("诫勉谈话通知模板", build_talk),
}


# --- package ----------------------------------------------------------------------------


def _settings(doc) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    control = settings.find(qn("w:characterSpacingControl"))
    control.set(qn("w:val"), "compressPunctuation")
    rsids = settings.find(qn("w:rsids"))
    if rsids is not None:
        settings.remove(rsids)


# (name, alternative name, w:family, w:pitch) for word/fontTable.xml. The alternative names
# let Word substitute sensibly where the GB2312 fonts are missing (Windows 10 and later ship
# 仿宋 and 宋体 but not 仿宋_GB2312 or 方正小标宋简体).
_FONT_TABLE = (
    (FONT_BODY, "仿宋", "modern", "fixed"),
    (FONT_TITLE, "宋体", "auto", "variable"),
    (FONT_PAGE_NUMBER, "SimSun", "auto", "variable"),
    ("Times New Roman", "", "roman", "variable"),
)


def _font_table(doc) -> None:
    """Replace the blank document's (Japanese) font table with the fonts these notices use."""
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    fonts = [
        f'<w:font w:name="{name}">'
        + (f'<w:altName w:val="{alt}"/>' if alt else "")
        + f'<w:charset w:val="{"86" if alt else "00"}"/>'
        + f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        for name, alt, family, pitch in _FONT_TABLE
    ]
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:fonts xmlns:w="{W}">' + "".join(fonts) + "</w:fonts>"
    )
    part._blob = xml.encode("utf-8")


def _properties(doc, title: str) -> None:
    core = doc.core_properties
    core.title = title
    core.author = "kaohe"
    core.last_modified_by = "kaohe"
    core.comments = "由 tools/build_templates.py 生成，可在 Word 或 WPS 中修改"
    core.subject = ""
    core.keywords = ""
    core.category = ""
    core.revision = 1
    core.created = FIXED_TIME
    core.modified = FIXED_TIME
    core.last_printed = FIXED_TIME


def _drop_leftovers(doc) -> None:
    """python-docx's blank document carries an English preview picture and a stale copy of
    its styles for Word 2010 (stylesWithEffects); drop both."""
    for rels, reltype in (
        (doc.part.package.rels, RT.THUMBNAIL),
        (doc.part.rels, STYLES_WITH_EFFECTS),
    ):
        for rid, rel in list(rels.items()):
            if rel.reltype == reltype:
                del rels[rid]


# Styles the notices use; the blank document's ~160 others are dropped, which halves the
# time to load and save each rendered notice and keeps Word's style list short.
_KEEP_STYLES = ("Footer", "KaoheTitle", "KaoheTableText", "KaoheSignature")


def _prune_styles(doc) -> None:
    root = doc.styles.element
    by_id = {el.get(qn("w:styleId")): el for el in root.findall(qn("w:style"))}
    todo = [sid for sid, el in by_id.items() if el.get(qn("w:default")) in ("1", "true")]
    todo += list(_KEEP_STYLES)
    keep: set[str] = set()
    while todo:
        sid = todo.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = by_id[sid].find(qn(tag))
            if ref is not None:
                todo.append(ref.get(qn("w:val")))
    for sid, el in by_id.items():
        if sid not in keep:
            root.remove(el)


def build_document(builder, title: str) -> bytes:
    """One template as reproducible .docx bytes."""
    doc = Document()
    _styles(doc)
    _page(doc)
    _settings(doc)
    _properties(doc, title)
    _drop_leftovers(doc)
    _font_table(doc)
    builder(doc)
    _prune_styles(doc)
    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Same members, fixed entry times, so the bytes do not depend on the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def build_all(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (title, builder) in TEMPLATES.items():
        path = out_dir / name
        path.write_bytes(build_document(builder, title))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else ROOT / "kaohe_cli" / "templates"
    for path in build_all(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
