"""Notice templates: which there are, and each read and compiled once, then rendered one
letter at a time (`NoticeTemplate`), alone or streamed into one merged document.

Each letter is the same document `DocxTemplate.render` + `save` gives for its context (bar
values holding `{_{`, which docxtpl would garble), rendered in the sandbox of `sandbox.py`.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import jinja2
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import XmlPart
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

from kaohe_cli.errors import KaoheError, TemplateError
from kaohe_cli.write.notices.container import DOCUMENT, ZipEntry, atomic_write, zip_bytes
from kaohe_cli.write.notices.merge import around_body, stream_merge
from kaohe_cli.write.notices.preview import HtmlSink, html_page
from kaohe_cli.write.notices.sandbox import RENDER_FAILURES, environment, rebuild_hint, template_error

# The template file of each kind of notice.
TEMPLATE_FILES = {
    "publicize": "公示.docx",
    "feedback": "结果反馈.docx",
    "talk": "诫勉谈话通知.docx",
}

# The keys each template may use (documented in `kaohe_cli.write.notices`).
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
            "money", "money_name", "yuan_per_point",
        }
    ),
    "诫勉谈话通知.docx": frozenset(
        {
            "unit_name", "period_label", "name", "dept", "total", "grade", "talk_time",
            "talk_place", "talker", "contact_person", "contact_phone", "sign_date",
        }
    ),
}

# `DocxTemplate.render` opens the package, cleans the XML (`patch_xml`) and compiles it with
# Jinja on every call: about 30 ms a letter, most of it compiling. `NoticeTemplate` does
# those steps once per template and keeps, for each letter, only what depends on the
# context: the compiled body runs in the sandbox, then docxtpl's own post-processing
# (`resolve_listing`, `fix_tables`, `fix_docpr_ids`) and python-docx's serialisation give
# the same `document.xml` docxtpl would write. Headers, footers, core properties and
# footnotes are rendered per letter only when they hold a template tag; every other part
# of the package is compressed once and copied into each letter.


def _load_template(template: Path) -> DocxTemplate:
    """The template as docxtpl reads it; a missing or unreadable file is a `TemplateError`."""
    name = template.name
    if not template.is_file():
        raise TemplateError(f"找不到通知模板 {name}", rebuild_hint(template), where=str(template))
    try:
        tpl = DocxTemplate(template)
        tpl.init_docx()
    except Exception as exc:  # zip, XML and package errors all mean "not a usable .docx"
        raise TemplateError(
            f"通知模板 {name} 已损坏或不是 Word 文档（.docx）",
            f"请用 Word 或 WPS 另存为 .docx。{rebuild_hint(template)}",
            where=str(template),
        ) from exc
    return tpl


_TAG = re.compile(r"\{[{%#]")  # a part without one renders the same for every letter
_PARAGRAPH = re.compile(r"<w:p([ >])")
# The core properties docxtpl renders (`DocxTemplate.render_properties`).
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


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
        self._env = environment()
        self.document = tpl.docx  # styles, for the HTML preview
        self._root = self.document.element
        self._body = self._root.body
        self._time = time.localtime()[:6]
        self._styles: dict = {}  # for the HTML previews
        try:
            self._compile_parts()
        except RENDER_FAILURES as exc:
            raise template_error(exc, self.path, ()) from exc

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
        dynamic = {n for n, _, _ in self._dynamic} | {DOCUMENT}
        if self._core_dynamic:
            dynamic.add(self._core_part.partname.membername)
        self._order = names
        self._root_nsmap = self._root.nsmap
        self._around = around_body(self._root)
        self._static_raw = {n: b for n, b in raw.items() if n not in dynamic}
        self._static = {n: ZipEntry.of(n, b) for n, b in self._static_raw.items()}

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
        except RENDER_FAILURES as exc:
            raise template_error(exc, self.path, context) from exc
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
        parts[DOCUMENT] = self._document_xml(body)
        return self._zip(parts)

    def write(self, context: dict, out: Path, *, html: Path | None = None) -> Path:
        """Render one letter into `out` (plainly: `out` is in a private staging folder), and
        its HTML preview into `html` when given."""
        body, parts = self._render(context)
        parts[DOCUMENT] = self._document_xml(body)
        _write_bytes(Path(out), self._zip(parts))
        if html is not None:
            body_xml = parse_xml(etree.tostring(body, encoding="UTF-8"))
            page = html_page(body_xml, self.document, Path(out).stem, self._styles)
            _write_text(Path(html), page)
        return Path(out)

    def _zip(self, parts: dict[str, bytes]) -> bytes:
        entries = [self._static.get(n) or ZipEntry.of(n, parts[n]) for n in self._order]
        return zip_bytes(entries, self._time)

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

        sink = None if html is None else HtmlSink(Path(html), self.document, Path(out).stem)
        try:
            stream_merge(Path(out), package, self._root, bodies(), restart_page_numbers, expected, sink)
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
    atomic_write(out, lambda tmp: _write_bytes(Path(tmp), data))
    return out


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:  # text mode, as Path.write_text
        fh.write(text)
