"""Any supported file → a `Workbook` of raw `RawSheet` grids.

`.xlsx .xlsm .xls .ods` are read with python-calamine (cached formula values, never evaluated;
macros and external links are ignored); `.csv` is decoded as UTF-8 (with or without BOM) or
GBK/GB18030. The format is taken from the file's content, not from its name, so an `.xls` that
is really an `.xlsx` still reads; text saved under a workbook name is refused.

Everything unreadable raises `UnreadableFile` with a Chinese message and a fix. Hostile files
are refused *before* calamine parses them, because some of them would make calamine allocate
hundreds of gigabytes and abort the whole process (a Rust allocation failure cannot be caught):

- zip bombs: the sum of the sizes declared in the zip directory is checked first;
- XML entity declarations (billion laughs): the prolog of every XML part is checked;
- absurd dimensions: the cell references of every sheet are scanned (streaming, bounded) so
  that the used range A1:<last cell> never exceeds `max_cells`; `.xls` records and `.ods`
  repeat counts are checked the same way;
- encrypted workbooks (an OLE2 container with an `EncryptedPackage` stream, or an `.xls`
  with a FILEPASS record).
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.parsers import expat

import python_calamine

from kaohe_cli.errors import UnreadableFile
from kaohe_cli.issues import Issue, file_label, warning
from kaohe_cli.text import a1

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
DEFAULT_MAX_UNCOMPRESSED = 1 << 30
DEFAULT_MAX_CELLS = 5_000_000

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_MAX_ZIP_ENTRIES = 10_000
_PROLOG_LIMIT = 64 * 1024
_CHUNK = 1 << 20
_FORMULA_LIST = 5  # cells named in the message of a formula warning
_SHOW_SUFFIXES = "、".join(SUPPORTED_SUFFIXES)


@dataclass
class RawSheet:
    """One sheet as a grid anchored at A1: `rows[r][c]` is the cell at 0-based (r, c)."""

    file: str  # display name of the file (Path.name)
    name: str  # sheet name as written in the file
    rows: list[list[object]]  # None, str, int, float, bool, date, datetime, time (timedelta)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formula_without_value: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Workbook:
    """Every worksheet of one file, in workbook order, and the warnings met reading it."""

    path: Path
    file: str  # display name
    sheets: list[RawSheet]
    issues: list[Issue] = field(default_factory=list)

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]


# --------------------------------------------------------------------------------------
# reading in the background
#
# python-calamine parses a sheet without holding the GIL, so a big sheet (220,000 attendance
# rows) can be parsed while the main thread imports pandas and reads the small sheets. The
# hostile-file checks still run before calamine sees a byte, in the reading thread.


def _wait(event: threading.Event) -> None:
    # A bounded wait in a loop: Ctrl-C still interrupts the main thread on Windows.
    while not event.wait(0.05):
        pass


class _PendingSheet(RawSheet):
    """A sheet still being parsed by a background read: `rows`, `merged` and
    `formula_without_value` wait for it, and raise the read's error if it failed."""

    def __init__(self, file: str, name: str) -> None:  # noqa: D107 - no dataclass __init__
        self.file = file
        self.name = name
        self._ready = threading.Event()
        self._sheet: RawSheet | None = None
        self._error: BaseException | None = None

    def _resolve(self, sheet: RawSheet) -> None:
        self._sheet = sheet
        self._ready.set()

    def _fail(self, error: BaseException) -> None:
        self._error = error
        self._ready.set()

    def _done(self) -> RawSheet:
        _wait(self._ready)
        if self._error is not None:
            raise self._error
        assert self._sheet is not None
        return self._sheet

    rows = property(lambda self: self._done().rows)  # type: ignore[assignment]
    merged = property(lambda self: self._done().merged)  # type: ignore[assignment]
    formula_without_value = property(lambda self: self._done().formula_without_value)  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        # Sheets of one workbook differ by name: compare that before waiting for any cells.
        if self is other:
            return True
        if not isinstance(other, RawSheet):
            return NotImplemented
        return (self.file, self.name) == (other.file, other.name) and self._done() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        state = "ready" if self._ready.is_set() else "pending"
        return f"_PendingSheet({self.file!r}, {self.name!r}, {state})"


class _Stream:
    """What a background read publishes: the workbook with its sheet list, then its end."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.finished = threading.Event()
        self.workbook: Workbook | None = None
        self.error: BaseException | None = None

    def open(self, wb: Workbook) -> Workbook:
        self.workbook = wb
        self.opened.set()
        return wb


class BackgroundRead:
    """`read_workbook` in a daemon thread.

    `workbook()` returns as soon as the sheet list is known; a sheet's cells are waited for
    when first used. `finish()` waits for the whole file, raises its error if any, and
    returns the workbook with its read warnings. Errors are the same `UnreadableFile`s.
    """

    def __init__(self, path: Path | str, *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
                 max_cells: int = DEFAULT_MAX_CELLS) -> None:
        self.path = Path(path)
        self.key = _file_key(self.path)
        self._stream = _Stream()
        label = file_label(self.path)
        args = (self.path, label, max_uncompressed, max_cells, self._stream)
        self._thread = threading.Thread(target=self._run, args=(label, args), name="kaohe-read", daemon=True)
        self._thread.start()

    def _run(self, label: str, args: tuple) -> None:
        stream = self._stream
        try:
            wb = _guarded(label, lambda: _read(*args))
            if stream.workbook is None:  # a CSV or a read that never published its sheets
                stream.workbook = wb
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            stream.error = exc
            for sheet in stream.workbook.sheets if stream.workbook is not None else []:
                if isinstance(sheet, _PendingSheet) and not sheet._ready.is_set():
                    sheet._fail(exc)
        finally:
            stream.opened.set()
            stream.finished.set()

    def wait_checked(self) -> None:
        """Wait until the file has passed the hostile-file checks (or failed): they need the
        GIL, calamine's parsing does not, so a caller with imports to do does them after this."""
        _wait(self._stream.opened)

    def workbook(self) -> Workbook:
        _wait(self._stream.opened)
        if self._stream.workbook is None:
            assert self._stream.error is not None
            raise self._stream.error
        return self._stream.workbook

    def finish(self) -> Workbook:
        _wait(self._stream.finished)
        if self._stream.error is not None:
            raise self._stream.error
        assert self._stream.workbook is not None
        return self._stream.workbook


def _file_key(path: Path) -> tuple:
    """Which file, and which version of it: a file changed since reading began is read again."""
    try:
        st = path.stat()
        return (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return (str(path), None, None)


_STARTED: dict[tuple, BackgroundRead] = {}


def start_reading(path: Path | str) -> BackgroundRead:
    """Begin reading `path` in the background; a later `read_in_background(path)` takes it.

    Called first thing by a command, so the file is read while Python imports the rest.
    Nothing is raised here: errors come out when the read is taken.
    """
    reader = BackgroundRead(path)
    while len(_STARTED) >= 2:  # the file in hand and the next: a raw 10,000-person workbook is ~150 MB
        _STARTED.pop(next(iter(_STARTED)))
    _STARTED[reader.key] = reader
    return reader


def read_in_background(path: Path | str) -> BackgroundRead:
    """The read `start_reading` began for this very file, or a new one."""
    path = Path(path)
    reader = _STARTED.pop(_file_key(path), None)
    return reader if reader is not None else BackgroundRead(path)


# --------------------------------------------------------------------------------------
# entry point


def read_workbook(
    path: Path | str,
    *,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Workbook:
    """Read `path` into raw grids; raise `UnreadableFile` for anything that cannot be read."""
    path = Path(path)
    return _guarded(file_label(path), lambda: _read(path, file_label(path), max_uncompressed, max_cells))


def _guarded(label: str, read: Callable[[], Workbook]) -> Workbook:
    """Run `read`, turning every failure into `UnreadableFile`."""
    try:
        return read()
    except UnreadableFile:
        raise
    except MemoryError:
        raise _fail(label, "文件过大，内存不足，无法读取", "请删除无关的工作表、行和列后另存再试") from None
    except Exception as exc:  # noqa: BLE001 - every failure becomes UnreadableFile
        raise _fail(
            label,
            f"无法读取工作簿（{_detail(exc)}）",
            "文件可能已损坏；请在 Excel 中打开后另存为 .xlsx 再试",
        ) from exc
    except BaseException as exc:  # pyo3 turns a Rust panic into PanicException(BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        raise _fail(
            label,
            "读取工作簿时解析器出错（文件结构异常）",
            "请在 Excel 中打开后另存为 .xlsx 再试",
        ) from exc


def _read(
    path: Path, label: str, max_uncompressed: int, max_cells: int, stream: _Stream | None = None
) -> Workbook:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = path.suffix or "（无扩展名）"
        hint = f"支持的类型：{_SHOW_SUFFIXES}；请在 Excel 中另存为 .xlsx"
        if suffix == ".xlsb":
            raise _fail(label, "不支持 .xlsb（Excel 二进制工作簿）", "请在 Excel 中另存为 .xlsx")
        raise _fail(label, f"不支持的文件类型“{shown}”", hint)
    try:
        if not path.exists():
            raise _fail(label, "找不到文件", f"请检查路径是否正确：{path}")
        if path.is_dir():
            raise _fail(label, "这是一个文件夹，不是文件", "请指定文件夹中的工作簿文件，如 月报.xlsx")
        size = path.stat().st_size
        if size > max_uncompressed:
            raise _too_large(label, size, max_uncompressed)
        # Read once: the checks below and calamine then see exactly the same bytes.
        data = path.read_bytes()
    except PermissionError:
        raise _fail(label, "没有权限读取该文件", "请检查文件权限，或先关闭正在占用它的程序") from None
    except OSError as exc:
        raise _fail(label, f"无法打开文件（{_detail(exc)}）", "请检查路径和文件权限") from None
    if not data:
        raise _fail(label, "文件是空的（0 字节）", "请重新导出或重新复制该文件")

    head = data[:4096]
    if head.startswith(_ZIP_MAGIC):
        return _read_zip(path, data, label, max_uncompressed, max_cells, stream)
    if head.startswith(_CFB_MAGIC):
        return _read_cfb(path, data, label, max_cells, stream)
    if suffix == ".csv":
        return _read_csv(path, data, label, max_cells)
    raise _not_a_workbook(label, suffix, head)


# --------------------------------------------------------------------------------------
# messages


def _fail(label: str, message: str, hint: str) -> UnreadableFile:
    return UnreadableFile(message, hint, where=label)


def _detail(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _human(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} 字节"


def _too_large(label: str, declared: int, limit: int) -> UnreadableFile:
    return _fail(
        label,
        f"文件解压后过大（共 {_human(declared)}，超过上限 {_human(limit)}），可能是恶意构造的压缩炸弹，已拒绝读取",
        "默认上限为 1 GiB；正常的考核工作簿远小于此。请删除无关的工作表和图片，或拆分工作簿后再试",
    )


def _encrypted(label: str) -> UnreadableFile:
    return _fail(
        label,
        "文件已加密，请在 Excel 中取消密码后另存",
        "Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码后保存",
    )


def _corrupt(label: str, detail: str = "") -> UnreadableFile:
    more = f"：{detail}" if detail else ""
    return _fail(
        label,
        f"文件已损坏，无法读取（ZIP 结构不完整或数据出错{more}）",
        "可能是下载或拷贝中断；请重新导出，或在 Excel 中打开修复后另存为 .xlsx",
    )


def _too_many_cells(label: str, sheet: str, rows: int, cols: int, limit: int) -> UnreadableFile:
    where = f"工作表“{sheet}”" if sheet else "某个工作表"
    return _fail(
        label,
        f"{where}的使用范围过大（A1:{a1(rows - 1, cols - 1)}，约 {rows} 行 × {cols} 列，"
        f"超过上限 {limit} 个单元格），已拒绝读取",
        "通常是远处的单元格里有内容或空格；请删除数据区以外的行和列后另存再试",
    )


def _not_a_workbook(label: str, suffix: str, head: bytes) -> UnreadableFile:
    kind = _sniff_kind(head)
    open_hint = "请在 Excel 中打开后另存为 .xlsx"
    if kind == "html":
        return _fail(
            label,
            "文件内容是网页（HTML），不是真正的 Excel 工作簿",
            "这常见于业务系统导出的“xls”；" + open_hint,
        )
    if kind == "xml2003":
        return _fail(label, "文件是 Excel 2003 XML 表格，不受支持", open_hint)
    if kind == "text":
        if suffix == ".csv":  # not reached: .csv text is read
            return _fail(label, "无法读取 CSV", "请另存为 UTF-8 编码的 CSV")
        return _fail(
            label,
            f"文件内容是文本（可能是 CSV），不是 Excel 工作簿，但扩展名是“{suffix}”",
            "如果是 CSV，请把扩展名改为 .csv；否则" + open_hint,
        )
    if kind:
        return _fail(label, f"文件内容是{kind}，不是 Excel 工作簿", "请选择正确的工作簿文件")
    return _fail(label, "文件不是 Excel 工作簿（无法识别的格式）", open_hint)


def _sniff_kind(head: bytes) -> str:
    if head.startswith(b"\x89PNG"):
        return "图片（PNG）"
    if head.startswith(b"\xff\xd8\xff"):
        return "图片（JPEG）"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "图片（GIF）"
    if head.startswith(b"%PDF"):
        return "PDF 文档"
    if head.startswith(b"{\\rtf"):
        return "RTF 文档"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")):
        return "html"
    if text.startswith(b"<?xml") and (b"urn:schemas-microsoft-com:office:spreadsheet" in head):
        return "xml2003"
    if b"\x00" not in head:
        for enc in ("utf-8", "gb18030"):
            try:
                head.decode(enc)
                return "text"
            except UnicodeDecodeError as exc:
                if exc.start >= len(head) - 4:  # cut inside a multi-byte character
                    return "text"
    return ""


# --------------------------------------------------------------------------------------
# zip containers: xlsx / xlsm / ods


@dataclass
class _Scan:
    """What the pre-scan learnt about one sheet."""

    max_row: int = -1
    max_col: int = -1
    formulas: list[tuple[int, int]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    size: int = 0  # uncompressed bytes of the sheet's part: a background read parses small sheets first


def _read_zip(
    path: Path, data: bytes, label: str, max_uncompressed: int, max_cells: int, stream: _Stream | None = None
) -> Workbook:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error) as exc:
        raise _corrupt(label) from exc
    with zf:
        try:
            scans = _inspect_zip(zf, label, max_uncompressed, max_cells)
        except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
            if "encrypted" in str(exc):
                raise _encrypted(label) from None
            raise _corrupt(label, _detail(exc)) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error) as exc:
            raise _corrupt(label, _detail(exc)) from exc
        except NotImplementedError as exc:  # unsupported compression method
            raise _corrupt(label, _detail(exc)) from exc
    return _read_calamine(path, data, label, max_cells, scans, stream)


def _inspect_zip(
    zf: zipfile.ZipFile, label: str, max_uncompressed: int, max_cells: int
) -> dict[str, _Scan]:
    infos = zf.infolist()
    if len(infos) > _MAX_ZIP_ENTRIES:
        raise _fail(
            label,
            f"文件包含 {len(infos)} 个部件，数量异常，已拒绝读取",
            "请在 Excel 中打开后另存为新的 .xlsx 再试",
        )
    declared = sum(i.file_size for i in infos)
    if declared > max_uncompressed:
        raise _too_large(label, declared, max_uncompressed)
    for info in infos:
        if info.flag_bits & 0x1:
            raise _encrypted(label)
        # Deflate never makes data much bigger: a part whose compressed data is far larger
        # than its declared size lies about its size (a bomb hiding from the check above).
        if info.compress_size > info.file_size + info.file_size // 8 + 4096:
            raise _corrupt(label, f"部件“{info.filename}”的大小信息不一致")

    names = {i.filename: i for i in infos}
    if "xl/workbook.bin" in names:
        raise _fail(label, "不支持 .xlsb（Excel 二进制工作簿）", "请在 Excel 中另存为 .xlsx")
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "content.xml" in names and (
        "mimetype" not in names or zf.read("mimetype").strip() == _ODS_MIME
    ):
        kind = "ods"
    elif "word/document.xml" in names:
        raise _fail(label, "文件是 Word 文档，不是 Excel 工作簿", "请选择正确的工作簿文件")
    elif "ppt/presentation.xml" in names:
        raise _fail(label, "文件是 PowerPoint 演示文稿，不是 Excel 工作簿", "请选择正确的工作簿文件")
    else:
        raise _fail(
            label,
            "文件是 ZIP 压缩包，但不是 Excel 工作簿",
            "如果压缩包里有工作簿，请先解压；否则请在 Excel 中另存为 .xlsx",
        )

    for info in infos:
        lower = info.filename.lower()
        if lower.endswith((".xml", ".rels", ".vml")):
            _check_prolog(zf, info, label)

    if kind == "ods":
        _check_well_formed(zf, names["content.xml"], label)
        return _scan_ods(zf, names["content.xml"], label, max_cells)
    return _scan_xlsx(zf, names, label, max_cells)


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> None:
    """Refuse a part whose XML prolog declares a DTD or entities (bounded read)."""
    with zf.open(info) as fh:
        head = fh.read(_PROLOG_LIMIT)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        head = head.replace(b"\x00", b"")
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        start = head.find(b"<", pos)
        if start < 0:
            if len(head) >= _PROLOG_LIMIT - 4 and head[pos:].strip():
                break  # more than 64 KiB before the first tag: refuse below
            return
        if head.startswith(b"<?", start):
            end = head.find(b"?>", start)
            step = 2
        elif head.startswith(b"<!--", start):
            end = head.find(b"-->", start)
            step = 3
        elif head.startswith(b"<!", start):
            raise _fail(
                label,
                f"文件中的 XML 部件“{info.filename}”含有 DTD/实体声明（<!DOCTYPE 或 <!ENTITY），"
                "可能是恶意构造的文件（实体炸弹），已拒绝读取",
                "正常的 Excel 文件不含实体声明；请确认文件来源，或在 Excel 中打开后另存为新的 .xlsx",
            )
        else:
            return  # the root element: the prolog is clean
        if end < 0:
            break
        pos = end + step
    raise _fail(
        label,
        f"文件中的 XML 部件“{info.filename}”开头异常（前 64 KiB 内没有元素），已拒绝读取",
        "请在 Excel 中打开后另存为新的 .xlsx 再试",
    )


# ---- xlsx


def _scan_xlsx(
    zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], label: str, max_cells: int
) -> dict[str, _Scan]:
    """Scan every worksheet part; return scans keyed by sheet name (where known)."""
    sheet_parts = _xlsx_sheet_parts(zf, names)
    by_part: dict[str, str] = {part: name for name, part in sheet_parts}
    parts = [p for _, p in sheet_parts if p in names]
    parts += [
        n for n in names if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")
    ]
    scans: dict[str, _Scan] = {}
    for part in dict.fromkeys(parts):
        sheet = by_part.get(part, "")
        scan = _scan_sheet_xml(zf, names[part], label, sheet, max_cells)
        scan.size = names[part].file_size
        if sheet:
            scans[sheet] = scan
    return scans


def _xlsx_sheet_parts(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> list[tuple[str, str]]:
    """(sheet name, part path) from xl/workbook.xml and its relationships; [] if unclear."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels_root = ElementTree.fromstring(zf.read(rels_name)) if rels_name in names else None
    except Exception:  # noqa: BLE001 - calamine reports a broken workbook.xml itself
        return []
    targets: dict[str, str] = {}
    if rels_root is not None:
        for el in rels_root.iter():
            if el.tag.rsplit("}", 1)[-1] == "Relationship" and el.get("Id"):
                targets[el.get("Id")] = el.get("Target") or ""
    out = []
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rid or "")
        if not target:
            continue
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = posixpath.normpath(posixpath.join("xl", target))
        out.append((el.get("name") or "", part))
    return out


# The fast scan reads only cells written `<c r="A1" …>`; anything else (no `r`, another quote
# style or spacing, lowercase or odd references, a namespace prefix) gets the exact scan.
_PREFIXED = re.compile(rb":(?:c|row|sheetData)[\s/>]")
_REF_AT = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*>')
# <f>…</f> followed by no or an empty <v>, then </c>: a formula with no cached value.
_F_NO_VALUE = re.compile(rb"<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v\s*>\s*</v>)?\s*</c>")
_T_STR = re.compile(rb'\st="str"')
# Rows are bounded by their digit count in the fast scan (rows < 10**digits); when that bound
# times the exact width exceeds this many times max_cells, the rows are bounded exactly.
_ROW_BOUND_SLACK = 4


def _letters_upto(s: str) -> str:
    """Regex for column letters that do not come after `s`."""
    n = len(s)
    alts = [f"[A-Z]{{1,{n - 1}}}"] if n > 1 else []
    for i, ch in enumerate(s):
        if ch > "A":
            rest = n - i - 1
            alts.append(s[:i] + f"[A-{chr(ord(ch) - 1)}]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    alts.append(s)
    return "(?:" + "|".join(alts) + ")"


def _digits_above(s: str) -> str:
    """Regex for row numbers greater than `s` (a number without leading zeros)."""
    n = len(s)
    alts = [f"[1-9][0-9]{{{n},}}"]
    for i, ch in enumerate(s):
        if ch < "9":
            rest = n - i - 1
            alts.append(s[:i] + f"[{chr(ord(ch) + 1)}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "0*(?:" + "|".join(alts) + ")"


def _beyond_pattern(col: str, digits: int) -> re.Pattern[bytes]:
    """A cell tag that is odd, or whose column is after `col` or whose row has more digits."""
    if not col:
        return re.compile(rb"<c[\s/>]")
    normal = f'{_letters_upto(col)}[0-9]{{1,{max(digits, 1)}}}"'
    return re.compile(f'<c(?: r="(?!{normal})|(?! r=")[\\s/>])'.encode())


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


class _NeedExact(Exception):
    """The fast scan met markup it does not model; use the exact scan."""


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cut_at: bytes):
    """Decompressed chunks of a part, each ending just after a `cut_at` (or a '>')."""
    with zf.open(info) as fh:
        carry = b""
        while True:
            block = fh.read(_CHUNK)
            if not block:
                if carry:
                    yield carry
                return
            data = carry + block
            cut = data.rfind(cut_at)
            if cut >= 0:
                cut += len(cut_at)
            else:
                cut = data.rfind(b">") + 1
            if cut <= 0:
                carry = data
                continue
            yield data[:cut]
            carry = data[cut:]


def _scan_sheet_xml(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, sheet: str, max_cells: int
) -> _Scan:
    try:
        return _scan_sheet_fast(zf, info, label, sheet, max_cells)
    except _NeedExact:
        return _scan_sheet_exact(zf, info, label, sheet, max_cells)


def _check_cells(scan: _Scan, label: str, sheet: str, max_cells: int) -> None:
    rows, cols = scan.max_row + 1, scan.max_col + 1
    if rows * cols > max_cells:
        raise _too_many_cells(label, sheet, rows, cols, max_cells)


def _scan_sheet_fast(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, sheet: str, max_cells: int
) -> _Scan:
    """Bound the used range and find formulas without values in a few C-speed passes.

    The search pattern only matches a cell whose column is after the widest seen so far, whose
    row number has more digits than any seen so far, or whose markup is unusual; for an
    ordinary sheet it matches a handful of times. The width found is exact; the height is
    bounded by its digit count, and made exact by a second pass only when that matters.
    """
    scan = _Scan()
    col_s, digits = "", 0
    pattern = _beyond_pattern(col_s, digits)
    for chunk in _chunks(zf, info, b"</c>"):
        if _PREFIXED.search(chunk):
            raise _NeedExact
        pos = 0
        while True:
            m = pattern.search(chunk, pos)
            if m is None:
                break
            ref = _REF_AT.match(chunk, m.start())
            if ref is None:
                raise _NeedExact
            pos = m.end()
            if ref.group(0).endswith(b"/>"):
                continue  # an empty (formatted) cell: calamine skips it too
            for hit in (ref, _last_cell_ref(chunk)):
                if hit is None:
                    continue
                letters, number = hit.group(1).decode(), hit.group(2).lstrip(b"0")
                if (len(letters), letters) > (len(col_s), col_s):
                    col_s = letters
                digits = max(digits, len(number))
                scan.max_col = max(scan.max_col, _col_index(letters))
                scan.max_row = max(scan.max_row, int(number or b"0") - 1)
            _check_cells(scan, label, sheet, max_cells)
            pattern = _beyond_pattern(col_s, digits)
        for m in _F_NO_VALUE.finditer(chunk):
            start = chunk.rfind(b"<c ", 0, m.start())
            ref = _REF_AT.match(chunk, start) if start >= 0 else None
            if ref is None:
                continue
            if b"<v" in m.group(0) and _T_STR.search(ref.group(0)):
                continue  # t="str" with an empty <v>: the cached value is ""
            scan.formulas.append((int(ref.group(2)) - 1, _col_index(ref.group(1).decode())))
    if scan.max_col >= 0 and 10**digits * (scan.max_col + 1) > _ROW_BOUND_SLACK * max_cells:
        scan.max_row = _exact_max_row(zf, info, scan.max_row)
        _check_cells(scan, label, sheet, max_cells)
    return scan


def _exact_max_row(zf: zipfile.ZipFile, info: zipfile.ZipInfo, known: int) -> int:
    """The largest row of any non-empty cell (all cells are known to be `<c r="A1" …>`)."""
    row_s = str(known + 1) if known >= 0 else "0"
    pattern = re.compile(f'<c r="[A-Z]+{_digits_above(row_s)}"[^>/]*>'.encode())
    for chunk in _chunks(zf, info, b"</c>"):
        pos = 0
        while True:
            m = pattern.search(chunk, pos)
            if m is None:
                break
            for hit in (_REF_AT.match(chunk, m.start()), _last_cell_ref(chunk)):
                if hit is not None and not hit.group(0).endswith(b"/>"):
                    number = hit.group(2).lstrip(b"0").decode() or "0"
                    if (len(number), number) > (len(row_s), row_s):
                        row_s = number
            pattern = re.compile(f'<c r="[A-Z]+{_digits_above(row_s)}"[^>/]*>'.encode())
            pos = m.end()
    return int(row_s) - 1


def _last_cell_ref(chunk: bytes) -> re.Match[bytes] | None:
    end = len(chunk)
    for _ in range(64):
        i = chunk.rfind(b'<c r="', 0, end)
        if i < 0:
            return None
        m = _REF_AT.match(chunk, i)
        if m and not m.group(0).endswith(b"/>"):
            return m
        end = i
    return None


_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|v|f|is|sheetData)(?=[\s/>])([^>]*?)(/?)>")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_ATTR_T_STR = re.compile(rb"""(?:^|\s)t\s*=\s*["']str["']""")


def _scan_sheet_exact(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, sheet: str, max_cells: int
) -> _Scan:
    """Follow calamine's own rules for cell positions (explicit `r`, else counted)."""
    scan = _Scan()
    row_i = col_i = 0
    in_cell = False
    pos: tuple[int, int] | None = None
    has_f = has_v = t_str = v_seen = False
    for chunk in _chunks(zf, info, b">"):
        text_from = 0
        for m in _TAG.finditer(chunk):
            closing, name, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
            if name == b"row":
                if closing:
                    row_i, col_i = row_i + 1, 0
                    continue
                r = _ATTR_R.search(attrs)
                if r and r.group(2) and not r.group(1):
                    row_i = int(r.group(2)) - 1
                if empty:
                    row_i, col_i = row_i + 1, 0
            elif name == b"c":
                if closing:
                    if in_cell:
                        _end_cell(scan, pos, has_f, has_v, t_str, v_seen, label, sheet, max_cells)
                    in_cell = False
                    col_i += 1
                    continue
                r = _ATTR_R.search(attrs)
                pos = None
                if r and r.group(1) and r.group(2):
                    pos = (int(r.group(2)) - 1, _col_index(r.group(1).decode().upper()))
                    col_i = pos[1]
                elif r is None:
                    pos = (row_i, col_i)
                t_str = bool(_ATTR_T_STR.search(attrs))
                has_f = has_v = v_seen = False
                if empty:
                    col_i += 1
                else:
                    in_cell = True
            elif not in_cell:
                continue
            elif name == b"f" and not closing:
                has_f = True
            elif name == b"is" and not closing:
                has_v = True
            elif name == b"v":
                if closing:
                    if chunk[text_from : m.start()].strip():
                        has_v = True
                else:
                    v_seen = True
            text_from = m.end()
    return scan


def _end_cell(scan, pos, has_f, has_v, t_str, v_seen, label, sheet, max_cells) -> None:
    if pos is None:
        return
    if has_v or (t_str and v_seen):
        if pos[0] > scan.max_row or pos[1] > scan.max_col:
            scan.max_row = max(scan.max_row, pos[0])
            scan.max_col = max(scan.max_col, pos[1])
            _check_cells(scan, label, sheet, max_cells)
    elif has_f:
        scan.formulas.append(pos)


# ---- ods

_ODS_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_ATTR = re.compile(rb"""([\w.\-]+:)?([\w.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _check_well_formed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> None:
    """Refuse a part that is not well-formed XML (streaming, expat).

    calamine's ODS reader loops forever on some broken content.xml files (a damaged closing
    tag after a run of repeated rows), so the part is checked before calamine sees it.
    """
    parser = expat.ParserCreate()
    try:
        with zf.open(info) as fh:
            while True:
                block = fh.read(_CHUNK)
                parser.Parse(block, not block)
                if not block:
                    break
    except expat.ExpatError as exc:
        raise _fail(
            label,
            f"文件已损坏，无法读取（“{info.filename}”不是完整的 XML：第 {exc.lineno} 行第 {exc.offset} 列）",
            "请在 WPS 或 LibreOffice 中打开修复后另存为 .xlsx",
        ) from None


def _scan_ods(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_cells: int) -> dict[str, _Scan]:
    """Bound each table's used range from the repeat counts; collect merges and formulas."""
    scans: dict[str, _Scan] = {}
    scan = _Scan()
    name = ""
    row = col = 0
    row_rep = 1
    for chunk in _chunks(zf, info, b">"):
        for m in _ODS_TAG.finditer(chunk):
            closing, tag, raw, empty = m.group(1), m.group(2), m.group(3), m.group(4)
            if tag == b"table":
                if closing:
                    continue
                attrs = _ods_attrs(raw)
                name = attrs.get("name", "")
                scan = scans.setdefault(name, _Scan())
                row = col = 0
                continue
            if tag == b"table-row":
                if closing:
                    row, col = row + row_rep, 0
                    continue
                attrs = _ods_attrs(raw)
                row_rep = _ods_int(attrs.get("number-rows-repeated"))
                col = 0
                if empty:
                    row += row_rep
                continue
            if closing:
                continue
            attrs = _ods_attrs(raw)
            rep = _ods_int(attrs.get("number-columns-repeated"))
            has_value = "value-type" in attrs or not empty
            if has_value:
                last_row, last_col = row + row_rep - 1, col + rep - 1
                if last_row > scan.max_row or last_col > scan.max_col:
                    scan.max_row = max(scan.max_row, last_row)
                    scan.max_col = max(scan.max_col, last_col)
                    _check_cells(scan, label, name, max_cells)
                if "formula" in attrs and "value-type" not in attrs and len(scan.formulas) < 100_000:
                    scan.formulas.append((row, col))
            if tag == b"table-cell":
                rs = _ods_int(attrs.get("number-rows-spanned"))
                cs = _ods_int(attrs.get("number-columns-spanned"))
                if rs > 1 or cs > 1:
                    scan.merged.append((row, col, row + rs - 1, col + cs - 1))
            col += rep
    return scans


def _ods_attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for m in _ODS_ATTR.finditer(raw):
        value = m.group(3) if m.group(3) is not None else m.group(4)
        out[m.group(2).decode("ascii", "replace")] = value.decode("utf-8", "replace")
    return out


def _ods_int(value: str | None) -> int:
    try:
        n = int(value) if value else 1
    except ValueError:
        return 1
    return max(n, 1)


# --------------------------------------------------------------------------------------
# OLE2 / CFB containers: xls, and encrypted OOXML


def _read_cfb(path: Path, data: bytes, label: str, max_cells: int, stream: _Stream | None = None) -> Workbook:
    try:
        streams = _cfb_streams(data)
    except (struct.error, IndexError, ValueError, _CfbError) as exc:
        raise _fail(
            label,
            f"文件已损坏，无法读取（OLE2 结构出错：{_detail(exc)}）",
            "请在 Excel 中打开修复后另存为 .xlsx",
        ) from None
    lowered = {n.lower(): n for n in streams}
    if "encryptedpackage" in lowered or "encryptioninfo" in lowered:
        raise _encrypted(label)
    book = lowered.get("workbook") or lowered.get("book")
    if book is None:
        if "worddocument" in lowered:
            raise _fail(label, "文件是 Word 文档，不是 Excel 工作簿", "请选择正确的工作簿文件")
        raise _fail(label, "文件不是 Excel 工作簿（OLE2 容器中没有工作簿）", "请在 Excel 中另存为 .xlsx")
    try:
        workbook_stream = streams[book]()
    except (struct.error, IndexError, ValueError, _CfbError) as exc:
        raise _fail(
            label,
            f"文件已损坏，无法读取（OLE2 结构出错：{_detail(exc)}）",
            "请在 Excel 中打开修复后另存为 .xlsx",
        ) from None
    scans = _scan_biff(workbook_stream, label, max_cells)
    return _read_calamine(path, data, label, max_cells, scans, stream)


class _CfbError(Exception):
    pass


_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


def _cfb_streams(data: bytes):
    """Stream name → a function returning its bytes, for a compound file (MS-CFB)."""
    if len(data) < 512:
        raise _CfbError("文件头不完整")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise _CfbError("扇区大小异常")
    ssz = 1 << shift
    n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
    cutoff, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from("<IIIII", data, 0x38)
    n_sectors = (len(data) - ssz) // ssz + 1

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise _CfbError("扇区编号越界")
        off = (i + 1) * ssz
        return data[off : off + ssz]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    nxt, seen = difat_start, 0
    while nxt not in (_FREE, _END) and seen <= min(n_difat, n_sectors):
        block = struct.unpack(f"<{ssz // 4}I", sector(nxt))
        difat.extend(block[:-1])
        nxt = block[-1]
        seen += 1
    fat: list[int] = []
    for s in difat[: max(n_fat, 0)]:
        if s in (_FREE, _END):
            continue
        fat.extend(struct.unpack(f"<{ssz // 4}I", sector(s)))

    def chain(start: int, table: list[int]) -> list[int]:
        out, cur = [], start
        while cur not in (_FREE, _END):
            if cur >= len(table) or len(out) > len(table):
                raise _CfbError("扇区链损坏")
            out.append(cur)
            cur = table[cur]
        return out

    directory = b"".join(sector(s) for s in chain(dir_start, fat))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        raw = directory[off : off + 128]
        name_len, kind = struct.unpack_from("<HB", raw, 0x40)
        if kind not in (1, 2, 5):
            continue
        name = raw[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<IQ", raw, 0x74)
        if shift == 9:
            size &= 0xFFFFFFFF
        entries.append((name, kind, start, size))
    if not entries or entries[0][1] != 5:
        raise _CfbError("没有根目录")
    root_start, root_size = entries[0][2], entries[0][3]
    minifat: list[int] = []
    if n_minifat:
        for s in chain(minifat_start, fat):
            minifat.extend(struct.unpack(f"<{ssz // 4}I", sector(s)))

    def reader(start: int, size: int):
        def read() -> bytes:
            if size < cutoff:
                mini = b"".join(sector(s) for s in chain(root_start, fat))[:root_size]
                blob = b"".join(mini[i * 64 : i * 64 + 64] for i in chain(start, minifat))
            else:
                blob = b"".join(sector(s) for s in chain(start, fat))
            if len(blob) < size:
                raise _CfbError("数据流不完整")
            return blob[:size]

        return read

    return {name: reader(start, size) for name, kind, start, size in entries[1:] if kind == 2}


# Cell records calamine turns into values (BLANK and MULBLANK are skipped, as calamine does).
_BIFF_CELL = {0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006}
_BIFF_MULRK = 0x00BD
_BIFF_DIMENSIONS = 0x0200
_BIFF8_CELLS = 65536 * 256  # the largest used range an .xls can declare


def _scan_biff(stream: bytes, label: str, max_cells: int) -> dict[str, _Scan]:
    """Bound each sheet's used range the way calamine walks the stream; refuse FILEPASS.

    calamine reads the globals up to their EOF, then each sheet from the offset its
    BOUNDSHEET record gives, and reserves room for the DIMENSIONS a sheet declares; a
    forged DIMENSIONS (a first row after the last) makes it reserve hundreds of gigabytes.
    """
    unpack = struct.unpack_from
    n = len(stream)

    def records(pos: int):
        while pos + 4 <= n:
            rtype, length = unpack("<HH", stream, pos)
            yield rtype, pos + 4, length
            if rtype == 0x000A:  # EOF
                return
            pos += 4 + length

    sheets: list[tuple[int, str]] = []
    for rtype, body, length in records(0):
        if rtype == 0x002F and length >= 2 and unpack("<H", stream, body)[0] != 0:  # FILEPASS
            raise _encrypted(label)
        if rtype == 0x0085 and length >= 6:  # BOUNDSHEET
            sheets.append((unpack("<I", stream, body)[0], _biff_sheet_name(stream[body + 6 : body + length])))
    scans: dict[str, _Scan] = {}
    for offset, name in sheets:
        if offset >= n:
            raise _fail(
                label,
                f"文件已损坏，无法读取（工作表“{name}”的位置超出了数据范围）",
                "请在 Excel 中打开修复后另存为 .xlsx",
            )
        scan = scans.setdefault(name, _Scan())
        for rtype, body, length in records(offset):
            if body + length > n:
                break
            if rtype == _BIFF_DIMENSIONS and length in (10, 14):
                if length == 14:
                    first_row, end_row, first_col, end_col = unpack("<IIHH", stream, body)
                else:
                    first_row, end_row, first_col, end_col = unpack("<HHHH", stream, body)
                if end_row >= 1 and end_col >= 1:
                    rows, cols = end_row - first_row, end_col - first_col
                    if rows <= 0 or cols <= 0 or rows * cols > _BIFF8_CELLS:
                        raise _fail(
                            label,
                            f"文件已损坏，无法读取（工作表“{name}”声明的使用范围无效："
                            f"第 {first_row + 1}–{end_row} 行、第 {first_col + 1}–{end_col} 列）",
                            "请在 Excel 中打开修复后另存为 .xlsx",
                        )
            elif (rtype in _BIFF_CELL or rtype == _BIFF_MULRK) and length >= 4:
                row, col = unpack("<HH", stream, body)
                if rtype == _BIFF_MULRK and length >= 6:
                    col = max(col, unpack("<H", stream, body + length - 2)[0])
                if row > scan.max_row or col > scan.max_col:
                    scan.max_row = max(scan.max_row, row)
                    scan.max_col = max(scan.max_col, col)
                    _check_cells(scan, label, name, max_cells)
    return scans


def _biff_sheet_name(raw: bytes) -> str:
    if len(raw) < 2:
        return ""
    count, flags = raw[0], raw[1]
    if flags & 0x1:
        return raw[2 : 2 + 2 * count].decode("utf-16-le", "replace")
    return raw[2 : 2 + count].decode("latin-1")


# --------------------------------------------------------------------------------------
# calamine


def _read_calamine(
    path: Path, data: bytes, label: str, max_cells: int, scans: dict[str, _Scan], stream: _Stream | None = None
) -> Workbook:
    try:
        # From the bytes already checked; calamine detects the format from the content.
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _encrypted(label) from None
    except python_calamine.CalamineError as exc:
        raise _calamine_failed(label, exc) from exc
    with book:
        # chart, dialog and macro sheets hold no data
        metas = [m for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        if stream is None:
            done = [_calamine_sheet(book, meta.name, label, max_cells, scans) for meta in metas]
            return Workbook(path, label, [sheet for sheet, _ in done], [i for _, i in done if i is not None])
        # Background: the sheet list is published at once, then each sheet as it is parsed,
        # smallest first, so the caller can work on 人员 while 220,000 考勤 rows are parsed.
        wb = stream.open(Workbook(path, label, [_PendingSheet(label, meta.name) for meta in metas], []))
        found: dict[int, Issue] = {}
        for i in sorted(range(len(metas)), key=lambda i: scans.get(metas[i].name, _Scan()).size):
            sheet, issue = _calamine_sheet(book, metas[i].name, label, max_cells, scans)
            if issue is not None:
                found[i] = issue
            wb.sheets[i]._resolve(sheet)
        wb.issues.extend(found[i] for i in sorted(found))
        return wb


def _calamine_sheet(
    book, name: str, label: str, max_cells: int, scans: dict[str, _Scan]
) -> tuple[RawSheet, Issue | None]:
    try:
        cal = book.get_sheet_by_name(name)
    except python_calamine.PasswordError:
        raise _encrypted(label) from None
    except python_calamine.CalamineError as exc:
        raise _calamine_failed(label, exc, name) from exc
    end = cal.end
    if end is None:
        rows: list[list[object]] = []
    else:
        if (end[0] + 1) * (end[1] + 1) > max_cells:
            raise _too_many_cells(label, name, end[0] + 1, end[1] + 1, max_cells)
        rows = cal.to_python(skip_empty_area=False)
        _blanks_to_none(rows)
    scan = scans.get(name, _Scan())
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (cal.merged_cell_ranges or [])] or list(scan.merged)
    formulas = [(r, c) for r, c in scan.formulas if not _has_value(rows, r, c)]
    issue = _formula_warning(label, name, formulas) if formulas else None
    return RawSheet(label, name, rows, merged, formulas), issue


def _calamine_failed(label: str, exc: Exception, sheet: str = "") -> UnreadableFile:
    where = f"（工作表“{sheet}”）" if sheet else ""
    return _fail(
        label,
        f"无法读取工作簿{where}：{_detail(exc)}",
        "文件可能已损坏或格式不标准；请在 Excel 中打开后另存为 .xlsx 再试",
    )


def _blanks_to_none(rows: list[list[object]]) -> None:
    """calamine writes empty cells as ''; the grid uses None (in place, fast when no blanks)."""
    for row in rows:
        if "" in row:
            for i, value in enumerate(row):
                if value == "":
                    row[i] = None


def _has_value(rows: list[list[object]], r: int, c: int) -> bool:
    return r < len(rows) and c < len(rows[r]) and rows[r][c] not in (None, "")


def _formula_warning(label: str, sheet: str, cells: list[tuple[int, int]]) -> Issue:
    cells = sorted(cells)
    names = "、".join(a1(r, c) for r, c in cells[:_FORMULA_LIST])
    more = f"等 {len(cells)} 个" if len(cells) > _FORMULA_LIST else ""
    return warning(
        f"公式单元格没有缓存值（{names}{more}），读取时按空白处理",
        "这通常是程序生成、从未在 Excel 中打开过的文件；请在 Excel 中打开并保存后重试",
        file=label,
        sheet=sheet,
        cell=a1(*cells[0]),
        code="formula-without-value",
        extra={"cells": [a1(r, c) for r, c in cells]},
    )


# --------------------------------------------------------------------------------------
# csv


def _read_csv(path: Path, raw: bytes, label: str, max_cells: int) -> Workbook:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    elif b"\x00" in raw[:8192]:
        kind = _sniff_kind(raw[:4096])
        what = f"是{kind}" if kind and kind not in ("text", "html", "xml2003") else "不是文本"
        raise _fail(label, f"文件内容{what}，不是有效的 CSV", "请在 Excel 中另存为 CSV（UTF-8）或 .xlsx")
    else:
        text = _decode_csv(raw, label)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[object]] = []
    width = cells = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            row: list[object] = [v if v.strip() else None for v in record]
            rows.append(row)
            width = max(width, len(row))
            cells += len(row)
            if len(rows) * width > max_cells:
                raise _too_many_cells(label, path.stem, len(rows), width, max_cells)
    except csv.Error as exc:
        raise _fail(label, f"CSV 格式错误（{_detail(exc)}）", "请检查引号是否成对，或在 Excel 中另存为 .xlsx") from None
    for row in rows:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    return Workbook(path, label, [RawSheet(label, path.stem, rows)], [])


def _decode_csv(raw: bytes, label: str) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise _fail(
            label,
            "无法识别 CSV 的文字编码（既不是 UTF-8 也不是 GBK）",
            "请在 Excel 或 WPS 中另存为“CSV UTF-8”格式",
        ) from None


__all__ = [
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_UNCOMPRESSED",
    "SUPPORTED_SUFFIXES",
    "RawSheet",
    "Workbook",
    "read_workbook",
    "BackgroundRead",
    "read_in_background",
    "start_reading",
]
