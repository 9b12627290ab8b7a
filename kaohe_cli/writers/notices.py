"""Notices as Word documents: docxtpl templates rendered in a Jinja sandbox.

The templates ship in the package (`kaohe_cli/templates/`) and are built by `tools/build_templates.py` (GB/T 9704-2012
layout). A clerk may edit them in Word or WPS; they are rendered in a sandbox
(`jinja2.sandbox.ImmutableSandboxedEnvironment`) with autoescaping, so a value such as
`张&<三>` appears literally and a template cannot reach Python internals.

Contexts — each template uses only these keys; every value is text (or a number) already
formatted for print, dates as `2023年9月27日` (`kaohe_cli.workdays.format_cn_date`):

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
break in Word.
"""

from __future__ import annotations

import copy
import html
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kaohe_cli.errors import ConverterMissing, KaoheError, TemplateError

__all__ = [
    "CONTEXT_KEYS",
    "TEMPLATE_FILES",
    "docx_to_html",
    "find_soffice",
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


def _finalize(value: object) -> object:
    """Every printed value: None → blank; text made XML-safe, and always escaped afterwards
    (`str(...)` drops a `Markup` wrapper that would otherwise bypass autoescaping)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _BAD_CHARS.sub("", str(value).replace("\r\n", "\n"))
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


def render_notice(template: Path, context: dict, out: Path) -> Path:
    """Render `template` with `context` into `out` (written atomically); return `out`.

    Raises `TemplateError` when the template is missing, corrupt, has a syntax error, uses a
    key the context lacks, or touches something the sandbox forbids.
    """
    template, out = Path(template), Path(out)
    name = template.name
    tpl = _load_template(template)
    try:
        tpl.render(dict(context), jinja_env=_environment())
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(
            f"通知模板 {name} 使用了不允许的写法（{exc}）",
            "模板中只能引用通知字段，例如 {{ name }}、{{ period_label }}",
            where=str(template),
        ) from exc
    except jinja2.exceptions.UndefinedError as exc:
        field = _undefined_name(exc)
        raise TemplateError(
            f"通知模板 {name} 使用了未提供的字段 {field}",
            "可用字段：" + "、".join(sorted(context)),
            where=str(template),
        ) from exc
    except jinja2.exceptions.TemplateSyntaxError as exc:
        raise TemplateError(
            f"通知模板 {name} 中的标记有语法错误：{exc.message}{_snippet(exc)}",
            "请检查 {{ }} 与 {% %} 是否成对、拼写是否正确",
            where=str(template),
        ) from exc
    except jinja2.exceptions.TemplateError as exc:
        raise TemplateError(
            f"通知模板 {name} 无法生成：{exc}{_snippet(exc)}",
            _rebuild_hint(template),
            where=str(template),
        ) from exc
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:  # e.g. broken XML
        raise TemplateError(
            f"通知模板 {name} 生成的文档结构无效（{exc}）",
            "请检查表格行中的 {%tr %} 标记是否完整",
            where=str(template),
        ) from exc
    _atomic_write(out, tpl.save)
    return out


def _undefined_name(exc: Exception) -> str:
    m = re.search(r"'([^']+)' is undefined", str(exc))
    if m:
        return m.group(1)
    m = re.search(r"has no attribute '([^']+)'", str(exc))
    return m.group(1) if m else str(exc)


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


# --- merging ----------------------------------------------------------------------------


def _page_break_run():
    run = OxmlElement("w:r")
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    run.append(br)
    return run


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
    sect_pr.insert_element_before(num, *_SECT_AFTER_PGNUM)


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
    ppr.insert_element_before(copy.deepcopy(sect_pr), "w:pPrChange")


def merge_documents(
    paths: Iterable[Path], out: Path, *, restart_page_numbers: bool = False
) -> Path:
    """Join documents rendered from one template into `out`, each starting on a new page.

    Page setup, styles and footer come from the first document. By default each following
    document starts with a page break (at the start of its first paragraph, so no empty line
    is added) and page numbers run on. With `restart_page_numbers`, each document becomes a
    section of its own (the first document's page setup, numbered from 1) instead.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise KaoheError("没有可合并的通知", "请先生成至少一份通知")
    base = _open_docx(paths[0])
    body = base.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is None:
        sect = body.get_or_add_sectPr()
    groups = [[el for el in body.iterchildren() if el.tag != qn("w:sectPr")]]
    for path in paths[1:]:
        other = _open_docx(path).element.body
        groups.append([el for el in other.iterchildren() if el.tag != qn("w:sectPr")])
    if restart_page_numbers:
        _restart_numbering(sect)
        for group in groups[:-1]:
            _end_section(group, sect)
    else:
        for group in groups[1:]:
            _start_on_new_page(group)
    for group in groups:
        for el in group:
            sect.addprevious(el)
    _atomic_write(Path(out), base.save)
    return Path(out)


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


def _is_title(paragraph: Paragraph) -> bool:
    sizes = [r.font.size for r in paragraph.runs if r.font.size is not None]
    style = paragraph.style
    while not sizes and style is not None:
        if style.font.size is not None:
            sizes = [style.font.size]
        style = style.base_style
    return bool(sizes) and max(sizes) >= Pt(20)


def _alignment(paragraph: Paragraph) -> str:
    style = paragraph.style
    align = paragraph.alignment
    indent = paragraph.paragraph_format.first_line_indent
    while style is not None and (align is None or indent is None):
        if align is None:
            align = style.paragraph_format.alignment
        if indent is None:
            indent = style.paragraph_format.first_line_indent
        style = style.base_style
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
    if _is_title(paragraph) and text.strip():
        state.setdefault("title", text)
        parts.append(f"<h1>{_text_html(text)}</h1>")
    elif text.strip():
        cls = _alignment(paragraph)
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


def docx_to_html(docx_path: Path) -> str:
    """A quick HTML preview of a notice: title, paragraphs and tables, text escaped."""
    doc = _open_docx(Path(docx_path))
    parts: list[str] = []
    state: dict = {}
    _blocks_html(doc.element.body, doc, parts, state)
    title = state.get("title") or Path(docx_path).stem
    head = (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body>\n"
    )
    return head + "\n".join(parts) + "\n</body></html>\n"


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
