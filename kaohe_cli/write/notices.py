"""Notices as Word documents: docxtpl templates rendered in a Jinja sandbox.

The templates ship in the package (`kaohe_cli/templates/`) and are built by `tools/build_templates.py` (GB/T 9704-2012
layout). A clerk may edit them in Word or WPS; they are rendered in a sandbox
(`jinja2.sandbox.ImmutableSandboxedEnvironment`) with autoescaping, so a value such as
`张&<三>` appears literally and a template cannot reach Python internals.

Contexts — each template uses only these keys; every value is text (or a number) already
formatted for print, dates as `2023年9月27日` (`kaohe_cli.domain.workdays.format_cn_date`):

公示 (`公示.docx`, one document for the period)
    unit_name        发文单位 (signature), e.g. "某某县财政局"
    title            document title, e.g. "关于2023年第一季度考核等次的公示"
    period_label     "2023年3月" / "2023年第一季度" / "2023年度"
    people           list of {no, name, dept, grade}: 序号, 姓名, 科室, 等次 — nothing else
    start_date       first day of the publicity period
    end_date         last day of the publicity period
    days             number of working days
    contact_person   who receives objections (blank → "________")
    contact_phone    their telephone (blank → "________")
    contact_address  where written objections go (blank → the clause is left out)
    posted_at        where the notice is posted, e.g. "机关一楼公示栏" (blank → left out)
    sign_date        成文日期

结果反馈 (`结果反馈.docx`, one document per person)
    unit_name, period_label, name, dept
    components       list of {name, max, score}: 考核项目, 满分, 得分
    bonus, deduction, total, grade, rank, count, sign_date
    items            list of {item, count, points, reason, evidence}: every deduction and bonus
                     with its 事项 (and 级别), 数量, signed 分值, 事由 and 文号
    deadline         last day to object (the end of the publicity period from the notice date)
    contact_person, contact_phone, contact_address   as for 公示

诫勉谈话通知 (`诫勉谈话通知.docx`, one per person graded 不称职)
    unit_name, period_label, name, dept, total, grade,
    talk_time, talk_place, talker, contact_person, contact_phone, sign_date
    (blank talk_time, talk_place, talker, contact_person, contact_phone → "________")

Rendering rules: a missing key is a `TemplateError` naming it; `None` prints as blank;
control characters that XML cannot hold are dropped; a line break in a value becomes a line
break in Word; everything else in a value (`&<>`, `{{`, docxtpl's own `{_{`) prints as typed.

Many letters: `NoticeTemplate` reads and compiles a template once and renders one letter at
a time, each the same document `DocxTemplate.render` + `save` gives for its context (bar
values holding `{_{`, which docxtpl would garble);
`NoticeTemplate.write_merged` streams all letters into one document, one letter in memory.
"""

from __future__ import annotations

import contextlib
import copy
import html
import io
import itertools
import os
import re
import secrets
import shutil
import struct
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx import Document
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from kaohe_cli.errors import ConverterMissing, KaoheError, TemplateError

__all__ = [
    "CONTEXT_KEYS",
    "TEMPLATE_FILES",
    "docx_to_html",
    "find_soffice",
    "NoticeTemplate",
    "merge_documents",
    "render_notice",
    "to_pdf",
    "to_pdfs",
]

TEMPLATE_FILES = {
    "publicize": "公示.docx",
    "feedback": "结果反馈.docx",
    "talk": "诫勉谈话通知.docx",
}

CONTEXT_KEYS: dict[str, frozenset[str]] = {
    "公示.docx": frozenset(
        {
            "unit_name", "title", "period_label", "people", "start_date", "end_date",
            "days", "contact_person", "contact_phone", "contact_address", "posted_at",
            "sign_date",
        }
    ),
    "结果反馈.docx": frozenset(
        {
            "unit_name", "period_label", "name", "dept", "components", "bonus",
            "deduction", "total", "grade", "rank", "count", "sign_date", "items",
            "deadline", "contact_person", "contact_phone", "contact_address",
        }
    ),
    "诫勉谈话通知.docx": frozenset(
        {
            "unit_name", "period_label", "name", "dept", "total", "grade", "talk_time",
            "talk_place", "talker", "contact_person", "contact_phone", "sign_date",
        }
    ),
}

PDF_TIMEOUT_SECONDS = 180



def _rebuild_hint(template: Path) -> str:
    """How to get a usable template back: the clerk's own folder, or a damaged installation."""
    from kaohe_cli.packaged import templates_dir

    if template.parent.resolve() == templates_dir().resolve():
        return "内置模板缺失或损坏，请重新安装 kaohe（pip install --force-reinstall kaohe）"
    return (f"请修正模板文件夹 {template.parent} 中的 {template.name}；"
            "也可以删除它，或清空 kaohe.toml 的 templates_dir，改用内置模板")

# Characters XML 1.0 cannot hold, plus \a and \f, which docxtpl would turn into new
# paragraphs and page breaks. \t and \n stay (tab, line break); \r is dropped.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


# --- rendering --------------------------------------------------------------------------
#
# `DocxTemplate.render` opens the package, cleans the XML (`patch_xml`) and compiles it with
# Jinja on every call: about 30 ms a letter, most of it compiling. `NoticeTemplate` does
# those steps once per template and keeps, for each letter, only what depends on the
# context: the compiled body runs in the sandbox, then docxtpl's own post-processing
# (`resolve_listing`, `fix_tables`, `fix_docpr_ids`) and python-docx's serialisation give
# the same `document.xml` docxtpl would write. Headers, footers, core properties and
# footnotes are rendered per letter only when they hold a template tag; every other part
# of the package is compressed once and copied into each letter.


def _finalize(value: object) -> object:
    """Every printed value: None → blank; text made XML-safe, and always escaped afterwards
    (`str(...)` drops a `Markup` wrapper that would otherwise bypass autoescaping).

    After rendering, docxtpl turns `{_{`, `}_}`, `{_%` and `%_}` into template braces (its
    way to write `{{` in a template); in a value they are written as character references
    (`&#123;_`), escaped here, so they reach the letter as typed."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = _BAD_CHARS.sub("", str(value).replace("\r\n", "\n"))
        if "{_" in text or "_}" in text:
            return Markup(str(escape(text)).replace("{_", "&#123;_").replace("_}", "_&#125;"))
        return text
    return value


def _environment() -> jinja2.Environment:
    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
    )


def _load_template(template: Path) -> DocxTemplate:
    name = template.name
    if not template.is_file():
        raise TemplateError(f"找不到通知模板 {name}", _rebuild_hint(template), where=str(template))
    try:
        tpl = DocxTemplate(template)
        tpl.init_docx()
    except Exception as exc:  # zip, XML and package errors all mean "not a usable .docx"
        raise TemplateError(
            f"通知模板 {name} 已损坏或不是 Word 文档（.docx）",
            f"请用 Word 或 WPS 另存为 .docx。{_rebuild_hint(template)}",
            where=str(template),
        ) from exc
    return tpl


def _snippet(exc: Exception) -> str:
    lines = [line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip()]
    return f"，附近文字：{' / '.join(lines)[:120]}" if lines else ""


def _template_error(exc: Exception, template: Path, keys: Iterable[str]) -> TemplateError:
    """A rendering failure in Chinese: the sandbox, a missing key, a syntax error, broken XML."""
    name = template.name
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(
            f"通知模板 {name} 使用了不允许的写法（{exc}）",
            "模板中只能引用通知字段，例如 {{ name }}、{{ period_label }}",
            where=str(template),
        )
    if isinstance(exc, jinja2.exceptions.UndefinedError):
        return TemplateError(
            f"通知模板 {name} 使用了未提供的字段 {_undefined_name(exc)}",
            "可用字段：" + "、".join(sorted(keys)),
            where=str(template),
        )
    if isinstance(exc, jinja2.exceptions.TemplateSyntaxError):
        return TemplateError(
            f"通知模板 {name} 中的标记有语法错误：{exc.message}{_snippet(exc)}",
            "请检查 {{ }} 与 {% %} 是否成对、拼写是否正确",
            where=str(template),
        )
    if isinstance(exc, jinja2.exceptions.TemplateError):
        return TemplateError(
            f"通知模板 {name} 无法生成：{exc}{_snippet(exc)}",
            _rebuild_hint(template),
            where=str(template),
        )
    return TemplateError(  # ValueError, KeyError, TypeError, SyntaxError: e.g. broken XML
        f"通知模板 {name} 生成的文档结构无效（{exc}）",
        "请检查表格行中的 {%tr %} 标记是否完整",
        where=str(template),
    )


_RENDER_FAILURES = (jinja2.exceptions.TemplateError, ValueError, KeyError, TypeError, SyntaxError)


def _undefined_name(exc: Exception) -> str:
    m = re.search(r"'([^']+)' is undefined", str(exc))
    if m:
        return m.group(1)
    m = re.search(r"has no attribute '([^']+)'", str(exc))
    return m.group(1) if m else str(exc)


_TAG = re.compile(r"\{[{%#]")  # a part without one renders the same for every letter
_PARAGRAPH = re.compile(r"<w:p([ >])")
# The core properties docxtpl renders (`DocxTemplate.render_properties`).
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_DOCUMENT = "word/document.xml"


class NoticeTemplate:
    """A notice template, read and compiled once, then rendered one letter at a time.

    Each `render_bytes` / `write` gives the Word document `DocxTemplate.render` + `save`
    would give for that context (the same `document.xml`, headers, footers and properties),
    in the same sandbox. Raises `TemplateError` when the template is missing, corrupt or has
    a syntax error (here), or when a letter uses a key its context lacks or touches
    something the sandbox forbids (when rendering that letter).
    """

    def __init__(self, template: Path) -> None:
        self.path = Path(template)
        self._tpl = tpl = _load_template(self.path)
        self._env = _environment()
        self.document = tpl.docx  # styles, for the HTML preview
        self._root = self.document.element
        self._body = self._root.body
        self._time = time.localtime()[:6]
        self._styles: dict = {}  # for the HTML previews
        try:
            self._compile_parts()
        except _RENDER_FAILURES as exc:
            raise _template_error(exc, self.path, ()) from exc

    # -- once per template --

    def _compile(self, xml: str) -> jinja2.Template:
        """docxtpl's `render_xml_part`, up to the compiled template."""
        src = _PARAGRAPH.sub(r"\n<w:p\1", xml)
        try:
            return self._env.from_string(src)
        except jinja2.exceptions.TemplateError as exc:
            if getattr(exc, "lineno", None) is not None:
                first = max(exc.lineno - 4, 0)
                exc.docx_context = [re.sub(r"<[^>]+>", "", x) for x in src.splitlines()[first : first + 7]]
            raise

    def _compile_parts(self) -> None:
        tpl, doc = self._tpl, self.document
        self._body_template = self._compile(tpl.patch_xml(tpl.get_xml()))
        static: dict[str, bytes] = {}
        # (member name, compiled, how the rendered text becomes the part's bytes)
        self._dynamic: list[tuple[str, jinja2.Template, Callable[[str], bytes]]] = []
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                encoding = tpl.get_headers_footers_encoding(xml)

                def as_part(text: str, encoding: str = encoding) -> bytes:
                    # what `map_headers_footers_xml` + python-docx's save make of it
                    return serialize_part_xml(parse_xml(text.encode(encoding)))

                self._add(part.partname.membername, tpl.patch_xml(xml), as_part, static)
        # Core properties: rendered like `render_properties` (which also creates the part).
        core = doc.core_properties
        self._core_part = doc.part.package._core_properties_part
        self._core_dynamic: list[tuple[str, jinja2.Template]] = []
        for prop in _CORE_PROPERTIES:
            initial = getattr(core, prop)
            compiled = self._env.from_string(initial)
            if _TAG.search(initial or ""):
                self._core_dynamic.append((prop, compiled))
            else:
                setattr(core, prop, compiled.render({}))
        if doc.sections:  # `render_footnotes` renders through the sections
            for part in doc.part.package.parts:
                if part.content_type == _FOOTNOTES and not isinstance(part, XmlPart):
                    blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob

                    def as_footnotes(text: str) -> bytes:
                        return text.encode("utf-8")

                    self._add(part.partname.membername, tpl.patch_xml(blob), as_footnotes, static)
        # Every other part as python-docx saves it, compressed once.
        buffer = io.BytesIO()
        doc.save(buffer)
        with zipfile.ZipFile(buffer) as z:
            names = z.namelist()
            raw = {n: static.get(n, z.read(n)) for n in names}
        dynamic = {n for n, _, _ in self._dynamic} | {_DOCUMENT}
        if self._core_dynamic:
            dynamic.add(self._core_part.partname.membername)
        self._order = names
        self._root_nsmap = self._root.nsmap
        self._around = _around_body(self._root)
        self._static_raw = {n: b for n, b in raw.items() if n not in dynamic}
        self._static = {n: _ZipEntry.of(n, b) for n, b in self._static_raw.items()}

    def _add(self, name: str, src: str, finish: Callable[[str], bytes], static: dict[str, bytes]) -> None:
        compiled = self._compile(src)
        if _TAG.search(src):
            self._dynamic.append((name, compiled, finish))
        else:
            static[name] = finish(self._finish_xml(compiled.render({})))

    # -- once per letter --

    def _finish_xml(self, xml: str) -> str:
        """The end of docxtpl's `render_xml_part` (its `\\n<w:p([ >])` → `<w:p\\1` as two replaces)."""
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml:
            xml = self._tpl.resolve_listing(xml)  # without these characters it changes nothing
        return xml

    def _render(self, context: dict, *, ids: int = 1000) -> tuple[etree._Element, dict[str, bytes]]:
        """The letter's body (a `w:body` tree of its own) and its other changing parts."""
        context = dict(context)
        tpl = self._tpl
        try:
            tree = tpl.fix_tables(self._finish_xml(self._body_template.render(context)))
            tpl.docx_ids_index = ids
            tpl.fix_docpr_ids(tree)
            parts = {name: finish(self._finish_xml(compiled.render(context)))
                     for name, compiled, finish in self._dynamic}
            if self._core_dynamic:
                core = self.document.core_properties
                for prop, compiled in self._core_dynamic:
                    setattr(core, prop, compiled.render(context))
                parts[self._core_part.partname.membername] = self._core_part.blob
        except _RENDER_FAILURES as exc:
            raise _template_error(exc, self.path, context) from exc
        return tree, parts

    def _document_xml(self, body: etree._Element) -> bytes:
        """`document.xml` with `body`, serialised as python-docx saves it.

        python-docx would move `body` into the document (dropping its namespace declarations,
        which the document element makes redundant) and serialise the whole. When `body`
        declares nothing else, its serialised children go straight between the document's
        own text before and after the body: the same bytes, without the move."""
        if self._around is not None and not body.attrib and body.nsmap.items() <= self._root_nsmap.items():
            inner = b""
            if len(body) or body.text:
                xml = etree.tostring(body, encoding="UTF-8")
                inner = xml[xml.index(b">") + 1 : xml.rindex(b"</")]
            return self._around[0] + inner + self._around[1]
        self._root.replace(self._body, body)
        self._body = body
        return serialize_part_xml(self._root)

    def render_bytes(self, context: dict) -> bytes:
        """One letter as the bytes of a .docx file."""
        body, parts = self._render(context)
        parts[_DOCUMENT] = self._document_xml(body)
        return self._zip(parts)

    def write(self, context: dict, out: Path, *, html: Path | None = None) -> Path:
        """Render one letter into `out` (plainly: `out` is in a private staging folder), and
        its HTML preview into `html` when given."""
        body, parts = self._render(context)
        parts[_DOCUMENT] = self._document_xml(body)
        _write_bytes(Path(out), self._zip(parts))
        if html is not None:
            body_xml = parse_xml(etree.tostring(body, encoding="UTF-8"))
            page = _html_page(body_xml, self.document, Path(out).stem, self._styles)
            _write_text(Path(html), page)
        return Path(out)

    def _zip(self, parts: dict[str, bytes]) -> bytes:
        entries = [self._static.get(n) or _ZipEntry.of(n, parts[n]) for n in self._order]
        return _zip_bytes(entries, self._time)

    def write_merged(
        self, contexts: Iterable[dict], out: Path, *, restart_page_numbers: bool = True,
        html: Path | None = None, expected: int | None = None,
    ) -> Path:
        """All letters in one document `out`, streamed: each letter is rendered, its body
        written and dropped before the next (see `merge_documents` for the layout). Page
        setup, styles, footer and properties come from the first letter; drawing ids are
        numbered through the whole document."""
        letters = iter(contexts)
        first = next(letters, None)
        if first is None:
            raise KaoheError("没有可合并的通知", "请先生成至少一份通知")
        body, parts = self._render(first)
        ids = self._tpl.docx_ids_index
        package = [(n, parts[n] if n in parts else self._static_raw.get(n)) for n in self._order]

        def bodies() -> Iterator[etree._Element]:
            nonlocal ids
            yield body
            for context in letters:
                tree, _ = self._render(context, ids=ids)
                ids = self._tpl.docx_ids_index
                yield tree

        sink = None if html is None else _HtmlSink(Path(html), self.document, Path(out).stem)
        try:
            _stream_merge(Path(out), package, self._root, bodies(), restart_page_numbers, expected, sink)
        finally:
            if sink is not None:
                sink.close()
        return Path(out)


def render_notice(template: Path, context: dict, out: Path) -> Path:
    """Render `template` with `context` into `out` (written atomically); return `out`.

    Raises `TemplateError` when the template is missing, corrupt, has a syntax error, uses a
    key the context lacks, or touches something the sandbox forbids. To render many letters
    from one template, load it once with `NoticeTemplate`.
    """
    out = Path(out)
    data = NoticeTemplate(Path(template)).render_bytes(context)
    _atomic_write(out, lambda tmp: _write_bytes(Path(tmp), data))
    return out


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:  # text mode, as Path.write_text
        fh.write(text)


def _atomic_write(out: Path, save: Callable[[str], None]) -> None:
    """Save through a temporary file in `out`'s directory, then replace `out` in one step."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name (not mkstemp, whose 0600 mode would stick to the result).
    tmp = str(out.parent / f".{out.stem}.{secrets.token_hex(6)}.tmp")
    try:
        save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise KaoheError(
            f"无法写入 {out.name}（{exc.strerror or exc}）",
            "如该文件正在 Word 或 WPS 中打开，请关闭后重试；并确认目录可写、磁盘有空间",
            where=str(out.parent),
        ) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --- the zip container --------------------------------------------------------------------
#
# A letter is a small zip of about 16 parts, all but one or two the same in every letter.
# `zipfile` cannot copy a compressed member, so letters are written here: each unchanging
# part is deflated once, the rest per letter, with sizes in the local headers (no data
# descriptors, no zip64: a letter is far below 4 GB). The merged document goes through
# `zipfile`, which streams its one large member.


@dataclass(frozen=True)
class _ZipEntry:
    name: bytes
    crc: int
    data: bytes  # raw deflate
    size: int

    @classmethod
    def of(cls, name: str, raw: bytes) -> "_ZipEntry":
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name.encode("ascii"), zlib.crc32(raw), packer.compress(raw) + packer.flush(), len(raw))


def _dos_time(when: tuple) -> tuple[int, int]:
    year, month, day, hour, minute, second = when
    return (hour << 11) | (minute << 5) | (second // 2), ((max(year, 1980) - 1980) << 9) | (month << 5) | day


def _zip_bytes(entries: list[_ZipEntry], when: tuple) -> bytes:
    dos_time, dos_date = _dos_time(when)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        head = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, dos_time, dos_date,
                           e.crc, len(e.data), e.size, len(e.name), 0)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, dos_time, dos_date,
                                   e.crc, len(e.data), e.size, len(e.name), 0, 0, 0, 0, 0, offset)
                       + e.name)
        out += (head, e.name, e.data)
        offset += len(head) + len(e.name) + len(e.data)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end


# --- merging ----------------------------------------------------------------------------


def _page_break_run():
    run = OxmlElement("w:r")
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    run.append(br)
    return run


def _insert_before(parent, element, *successors: str):
    """python-docx's `insert_element_before`, for elements of any parser."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(element)
            return element
    parent.append(element)
    return element


def _start_on_new_page(children: list) -> None:
    """Put a page break at the start of the first paragraph (no empty line is added)."""
    if children and children[0].tag == qn("w:p"):
        p = children[0]
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(_page_break_run())
        else:
            p.insert(0, _page_break_run())
    else:  # starts with a table: a paragraph of its own carries the break
        holder = OxmlElement("w:p")
        holder.append(_page_break_run())
        children.insert(0, holder)


# Children of w:sectPr that follow w:pgNumType (ECMA-376 CT_SectPr).
_SECT_AFTER_PGNUM = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)


def _restart_numbering(sect_pr) -> None:
    old = sect_pr.find(qn("w:pgNumType"))
    if old is not None:
        sect_pr.remove(old)
    num = OxmlElement("w:pgNumType")
    num.set(qn("w:start"), "1")
    _insert_before(sect_pr, num, *_SECT_AFTER_PGNUM)


def _end_section(children: list, sect_pr) -> None:
    """Close a section after `children` with a copy of `sect_pr` (a new page follows)."""
    if not children or children[-1].tag != qn("w:p"):
        children.append(OxmlElement("w:p"))
    last = children[-1]
    ppr = last.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        last.insert(0, ppr)
    mark = ppr.find(qn("w:rPr"))
    if mark is not None:  # a hidden paragraph mark must not carry the section break
        for vanish in mark.findall(qn("w:vanish")):
            mark.remove(vanish)
    _insert_before(ppr, copy.deepcopy(sect_pr), "w:pPrChange")


_MARK = b"kaohe-body-here"
# Above this many bytes of document.xml (estimated), the merged file is written as zip64.
_ZIP64_FROM = 1 << 31


def _shell(root, sect_pr=None) -> tuple[bytes, bytes]:
    """`document.xml` of `root` (as python-docx saves it) around the children of its body,
    which are left out, followed by `sect_pr` when given: (before, after)."""
    shell = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
    for child in root:
        if child.tag == qn("w:body"):
            body = etree.SubElement(shell, child.tag, attrib=dict(child.attrib))
            body.append(etree.Comment(_MARK.decode()))
            if sect_pr is not None:
                body.append(copy.deepcopy(sect_pr))
        else:
            shell.append(copy.deepcopy(child))
    xml = etree.tostring(shell, encoding="UTF-8", standalone=True)
    before, after = xml.split(b"<!--" + _MARK + b"-->")
    return before, after


def _around_body(root) -> tuple[bytes, bytes] | None:
    """`_shell` of a document element whose body can be spliced in as text, else None."""
    body = root.find(qn("w:body"))
    if body is None or body.attrib or body.nsmap != root.nsmap or root.text or body.tail:
        return None
    return _shell(root)


def _inner_xml(body, children: list, root_nsmap: dict) -> bytes:
    """The serialised `children`, put back in `body` in order (its own sectPr left out), for
    a document whose root declares `root_nsmap`."""
    for el in body.findall(qn("w:sectPr")):
        body.remove(el)
    for el in children:
        body.append(el)
    if not len(body):
        return b""
    if body.nsmap.items() <= root_nsmap.items():  # the prefixes mean the same: cut the tags off
        xml = etree.tostring(body, encoding="UTF-8")
        return xml[xml.index(b">") + 1 : xml.rindex(b"</")]
    return b"".join(etree.tostring(el, encoding="UTF-8") for el in body)


def _stream_merge(out: Path, package: list[tuple[str, bytes]], root, bodies: Iterator, restart: bool,
                  expected: int | None, html: "_HtmlSink | None") -> None:
    """Write the merged document: `package`'s parts, with a `document.xml` made of the
    children of each of `bodies` (consumed one at a time) inside `root`'s document element.
    `root`'s body is not read; the final section properties are the first body's."""
    first = next(bodies)
    sect = first.find(qn("w:sectPr"))
    sect = copy.deepcopy(sect) if sect is not None else OxmlElement("w:sectPr")
    if restart:
        _restart_numbering(sect)
    before, after = _shell(root, sect)
    nsmap = root.nsmap
    when = time.localtime()[:6]
    # zip64 only when document.xml might pass 4 GB (2× the first body's size a letter).
    big = expected is None or expected * len(etree.tostring(first, encoding="UTF-8")) * 2 > _ZIP64_FROM
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in package:
            info = zipfile.ZipInfo(name, when)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name != _DOCUMENT:
                z.writestr(info, data)
                continue
            with z.open(info, "w", force_zip64=big) as stream:
                stream.write(before)

                def emit(body, children) -> None:
                    inner = _inner_xml(body, children, nsmap)
                    stream.write(inner)
                    if html is not None and inner:
                        html.add(body)

                pending = None
                for index, body in enumerate(itertools.chain([first], bodies)):
                    children = [el for el in body if el.tag != qn("w:sectPr")]
                    if restart:  # every letter but the last ends a section
                        if pending is not None:
                            _end_section(pending[1], sect)
                            emit(*pending)
                        pending = (body, children)
                    else:
                        if index:
                            _start_on_new_page(children)
                        emit(body, children)
                if pending is not None:
                    emit(*pending)
                stream.write(after)


class _HtmlSink:
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


def merge_documents(
    paths: Iterable[Path], out: Path, *, restart_page_numbers: bool = False
) -> Path:
    """Join documents rendered from one template into `out`, each starting on a new page.

    Page setup, styles and footer come from the first document. By default each following
    document starts with a page break (at the start of its first paragraph, so no empty line
    is added) and page numbers run on. With `restart_page_numbers`, each document becomes a
    section of its own (the first document's page setup, numbered from 1) instead. The
    documents are read one at a time; only one is in memory.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise KaoheError("没有可合并的通知", "请先生成至少一份通知")
    package = _read_package(paths[0])
    root = _document_root(paths[0], dict(package)[_DOCUMENT])
    first = root.find(qn("w:body"))

    def bodies() -> Iterator:
        yield first
        for path in paths[1:]:
            with _reading(path), zipfile.ZipFile(path) as z:
                body = _document_root(path, z.read(_DOCUMENT)).find(qn("w:body"))
            yield body if body is not None else etree.Element(qn("w:body"))

    if first is None:
        first = etree.SubElement(root, qn("w:body"))
    _atomic_write(Path(out), lambda tmp: _stream_merge(
        Path(tmp), package, root, bodies(), restart_page_numbers, len(paths), None))
    return Path(out)


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    try:
        yield
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise KaoheError(
            f"无法读取 Word 文档 {path.name}",
            "请确认文件存在且是 .docx 格式",
            where=str(path.parent),
        ) from exc


def _read_package(path: Path) -> list[tuple[str, bytes]]:
    with _reading(path), zipfile.ZipFile(path) as z:
        package = [(n, z.read(n)) for n in z.namelist()]
        if _DOCUMENT not in dict(package):
            raise KeyError(_DOCUMENT)
    return package


def _document_root(path: Path, xml: bytes):
    with _reading(path):
        return etree.fromstring(xml)


def _open_docx(path: Path):
    try:
        return Document(str(path))
    except Exception as exc:
        raise KaoheError(
            f"无法读取 Word 文档 {path.name}",
            "请确认文件存在且是 .docx 格式",
            where=str(path.parent),
        ) from exc


# --- HTML preview -----------------------------------------------------------------------


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


def _html_page(body, parent, fallback_title: str, styles: dict | None = None) -> str:
    """The preview of a `w:body` (python-docx elements); `parent` gives the styles (`styles`
    keeps what was looked up in them, for the next page of the same template)."""
    parts: list[str] = []
    state: dict = {"styles": {} if styles is None else styles}
    _blocks_html(body, parent, parts, state)
    return _html_head(state.get("title") or fallback_title) + "\n".join(parts) + "\n</body></html>\n"


def docx_to_html(docx_path: Path) -> str:
    """A quick HTML preview of a notice: title, paragraphs and tables, text escaped."""
    doc = _open_docx(Path(docx_path))
    return _html_page(doc.element.body, doc, Path(docx_path).stem)


# --- PDF through LibreOffice ------------------------------------------------------------


def _install_candidates() -> list[Path]:
    """Where LibreOffice usually lives when it is not on PATH (Windows, macOS)."""
    roots = [os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)")]
    roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
    found = [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
    found.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    return found


def find_soffice() -> Path | None:
    """The LibreOffice executable: on PATH, or in its usual Windows or macOS place."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for candidate in _install_candidates():
        if candidate.is_file():
            return candidate
    return None


def to_pdfs(docx_paths: Iterable[Path], out_dir: Path) -> list[Path]:
    """Convert several documents to PDF in one LibreOffice run; return the PDF paths."""
    docx_paths = [Path(p) for p in docx_paths]
    if not docx_paths:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise ConverterMissing(
            "未找到 LibreOffice，无法转换为 PDF",
            "请安装 LibreOffice（https://zh-cn.libreoffice.org/download/ ；"
            "Linux 可用 apt install libreoffice-writer），或去掉 --pdf，"
            "直接用 Word/WPS 打开 .docx 另存为 PDF",
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A private profile: a running LibreOffice window would otherwise swallow the job.
    with tempfile.TemporaryDirectory(prefix="kaohe-lo-") as profile:
        cmd = [
            str(soffice),
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *[str(p) for p in docx_paths],
        ]
        try:
            result = subprocess.run(
                cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise KaoheError(
                f"LibreOffice 转换 PDF 超时（超过 {PDF_TIMEOUT_SECONDS} 秒）",
                "请关闭所有 LibreOffice 窗口后重试",
            ) from exc
        except OSError as exc:
            raise ConverterMissing(
                f"无法启动 LibreOffice：{soffice}", "请重新安装 LibreOffice"
            ) from exc
    pdfs = [out_dir / (p.stem + ".pdf") for p in docx_paths]
    missing = [p.name for p in pdfs if not p.is_file()]
    if result.returncode != 0 or missing:
        said = (result.stderr or result.stdout or "").strip().splitlines()
        hint = "可用 Word 或 WPS 打开 .docx 另存为 PDF"
        if said:
            hint += f"；LibreOffice 提示：{said[-1]}"
        raise KaoheError(
            "LibreOffice 未能生成 PDF：" + "、".join(missing or [p.name for p in pdfs]),
            hint,
        )
    return pdfs


def to_pdf(docx_path: Path, out_dir: Path) -> Path:
    """Convert one document to PDF in `out_dir` through LibreOffice; return the PDF path."""
    return to_pdfs([docx_path], out_dir)[0]
