"""HTML previews of notices: title, paragraphs and tables, text escaped.

`docx_to_html` previews a saved document; `html_page` a letter's body as it is rendered;
`HtmlSink` a merged document, written letter by letter.
"""

from __future__ import annotations

import html
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from kaohe_cli.errors import KaoheError


_CSS = (
    "body{font-family:'仿宋_GB2312','FangSong','STFangsong',serif;font-size:16pt;"
    "line-height:1.8;max-width:42em;margin:2em auto;}"
    "h1{font-family:'方正小标宋简体','SimSun','STSong',serif;font-size:22pt;"
    "font-weight:normal;text-align:center;}"
    "p.indent{text-indent:2em;}p.center{text-align:center;}p.right{text-align:right;"
    "padding-right:4em;}table{border-collapse:collapse;margin:0.5em auto;font-size:14pt;}"
    "td,th{border:1px solid #000;padding:0.1em 0.6em;text-align:center;}"
    "hr.page{border:0;border-top:1px dashed #999;margin:2em 0;}"
)


def _text_html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _style_facts(paragraph: Paragraph, state: dict) -> tuple:
    """(font size, alignment, first-line indent) a paragraph's style gives, each from the
    first style up its `base_style` chain that sets it; remembered per style in `state`."""
    cache = state.setdefault("styles", {})
    key = paragraph._p.style
    if key not in cache:
        size = align = indent = None
        style = paragraph.style
        while style is not None and (size is None or align is None or indent is None):
            if size is None:
                size = style.font.size
            if align is None:
                align = style.paragraph_format.alignment
            if indent is None:
                indent = style.paragraph_format.first_line_indent
            style = style.base_style
        cache[key] = (size, align, indent)
    return cache[key]


def _is_title(paragraph: Paragraph, state: dict) -> bool:
    sizes = [r.font.size for r in paragraph.runs if r.font.size is not None]
    if not sizes:
        size = _style_facts(paragraph, state)[0]
        sizes = [size] if size is not None else []
    return bool(sizes) and max(sizes) >= Pt(20)


def _alignment(paragraph: Paragraph, state: dict) -> str:
    align = paragraph.alignment
    indent = paragraph.paragraph_format.first_line_indent
    if align is None or indent is None:
        _, style_align, style_indent = _style_facts(paragraph, state)
        align = style_align if align is None else align
        indent = style_indent if indent is None else indent
    name = getattr(align, "name", "") or ""
    if name == "CENTER":
        return "center"
    if name == "RIGHT":
        return "right"
    return "indent" if indent and indent > 0 else ""


def _table_html(table: Table) -> str:
    rows = []
    for i, tr in enumerate(table._tbl.tr_lst):
        tag = "th" if i == 0 else "td"
        cells = []
        for tc in tr.tc_lst:
            text = "\n".join(p.text for p in _cell_paragraphs(tc, table))
            span = f' colspan="{tc.grid_span}"' if tc.grid_span > 1 else ""
            cells.append(f"<{tag}{span}>{_text_html(text)}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _cell_paragraphs(tc, table: Table):
    return [Paragraph(p, table) for p in tc.iterchildren(qn("w:p"))]


def _is_layout_table(table: Table) -> bool:
    """A table drawn without borders only positions text (e.g. the signature block)."""
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    if borders is None or len(borders) == 0:
        return False
    return all(b.get(qn("w:val")) in ("nil", "none") for b in borders)


def _paragraph_html(el, parent, parts: list[str], state: dict) -> None:
    paragraph = Paragraph(el, parent)
    if any(br.get(qn("w:type")) == "page" for br in el.iter(qn("w:br"))):
        parts.append('<hr class="page">')
    text = paragraph.text
    if _is_title(paragraph, state) and text.strip():
        state.setdefault("title", text)
        parts.append(f"<h1>{_text_html(text)}</h1>")
    elif text.strip():
        cls = _alignment(paragraph, state)
        attr = f' class="{cls}"' if cls else ""
        parts.append(f"<p{attr}>{_text_html(text)}</p>")
    else:
        parts.append("<p>&nbsp;</p>")
    ppr = el.find(qn("w:pPr"))
    if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
        parts.append('<hr class="page">')  # a section ends here; the next starts a page


def _blocks_html(container, parent, parts: list[str], state: dict) -> None:
    for el in container.iterchildren():
        if el.tag == qn("w:p"):
            _paragraph_html(el, parent, parts, state)
        elif el.tag == qn("w:tbl"):
            table = Table(el, parent)
            if _is_layout_table(table):
                for tr in el.tr_lst:
                    for tc in tr.tc_lst:
                        _blocks_html(tc, table, parts, state)
            else:
                parts.append(_table_html(table))


def _html_head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body>\n"
    )


def html_page(body, parent, fallback_title: str, styles: dict | None = None) -> str:
    """The preview of a `w:body` (python-docx elements); `parent` gives the styles (`styles`
    keeps what was looked up in them, for the next page of the same template)."""
    parts: list[str] = []
    state: dict = {"styles": {} if styles is None else styles}
    _blocks_html(body, parent, parts, state)
    return _html_head(state.get("title") or fallback_title) + "\n".join(parts) + "\n</body></html>\n"


def _open_docx(path: Path):
    try:
        return Document(str(path))
    except Exception as exc:
        raise KaoheError(
            f"无法读取 Word 文档 {path.name}",
            "请确认文件存在且是 .docx 格式",
            where=str(path.parent),
        ) from exc


def docx_to_html(docx_path: Path) -> str:
    """A quick HTML preview of a notice: title, paragraphs and tables, text escaped."""
    doc = _open_docx(Path(docx_path))
    return html_page(doc.element.body, doc, Path(docx_path).stem)


class HtmlSink:
    """The HTML preview of a merged document, written letter by letter."""

    def __init__(self, path: Path, document, fallback_title: str) -> None:
        self._fh = open(path, "w", encoding="utf-8")
        self._document = document
        self._fallback = fallback_title
        self._state: dict = {}
        self._started = False

    def add(self, body) -> None:
        parts: list[str] = []
        _blocks_html(parse_xml(etree.tostring(body, encoding="UTF-8")), self._document, parts, self._state)
        if not self._started:  # the title: the first letter's, as in `docx_to_html`
            self._fh.write(_html_head(self._state.get("title") or self._fallback))
            self._started = True
        for part in parts:
            self._fh.write(part + "\n")

    def close(self) -> None:
        try:
            if self._started:
                self._fh.write("</body></html>\n")
        finally:
            self._fh.close()
