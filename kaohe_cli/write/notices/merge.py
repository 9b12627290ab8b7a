"""Merged notices: many letters of one template in one Word document, one letter in memory.

Each letter starts on a new page. Page setup, styles and footer come from the first letter;
with `restart_page_numbers` each letter is a section of its own, numbered from 1.
`stream_merge` writes the merged `document.xml` body by body (for `NoticeTemplate.write_merged`
and `merge_documents`).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from kaohe_cli.errors import KaoheError
from kaohe_cli.write.notices.container import DOCUMENT, atomic_write
from kaohe_cli.write.notices.preview import HtmlSink


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


def around_body(root) -> tuple[bytes, bytes] | None:
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


def stream_merge(out: Path, package: list[tuple[str, bytes]], root, bodies: Iterator, restart: bool,
                  expected: int | None, html: HtmlSink | None) -> None:
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
            if name != DOCUMENT:
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
    root = _document_root(paths[0], dict(package)[DOCUMENT])
    first = root.find(qn("w:body"))

    def bodies() -> Iterator:
        yield first
        for path in paths[1:]:
            with _reading(path), zipfile.ZipFile(path) as z:
                body = _document_root(path, z.read(DOCUMENT)).find(qn("w:body"))
            yield body if body is not None else etree.Element(qn("w:body"))

    if first is None:
        first = etree.SubElement(root, qn("w:body"))
    atomic_write(Path(out), lambda tmp: stream_merge(
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
        if DOCUMENT not in dict(package):
            raise KeyError(DOCUMENT)
    return package


def _document_root(path: Path, xml: bytes):
    with _reading(path):
        return etree.fromstring(xml)
