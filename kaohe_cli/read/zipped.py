"""Zip containers (.xlsx, .xlsm, .ods): refuse bombs and hostile XML before calamine sees them.

The sum of the sizes the zip directory declares is bounded first, then every XML part's
prolog is checked for DTD and entity declarations (billion laughs), then each sheet's used
range is scanned (`xlsx_scan`, `ods_scan`).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from kaohe_cli.read.ods_scan import check_well_formed, scan_ods
from kaohe_cli.read.refusals import corrupt, encrypted, fail, short_detail, too_large
from kaohe_cli.read.scan import Scan
from kaohe_cli.read.xlsx_scan import scan_xlsx

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_MAX_ZIP_ENTRIES = 10_000
_PROLOG_LIMIT = 64 * 1024


def inspect_zip(data: bytes, label: str, max_uncompressed: int, max_cells: int) -> dict[str, Scan]:
    """Check a zip container's bytes; return what the scans learnt, keyed by sheet name."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error) as exc:
        raise corrupt(label) from exc
    with zf:
        try:
            scans = _inspect_zip(zf, label, max_uncompressed, max_cells)
        except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
            if "encrypted" in str(exc):
                raise encrypted(label) from None
            raise corrupt(label, short_detail(exc)) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error) as exc:
            raise corrupt(label, short_detail(exc)) from exc
        except NotImplementedError as exc:  # unsupported compression method
            raise corrupt(label, short_detail(exc)) from exc
    return scans


def _inspect_zip(
    zf: zipfile.ZipFile, label: str, max_uncompressed: int, max_cells: int
) -> dict[str, Scan]:
    infos = zf.infolist()
    if len(infos) > _MAX_ZIP_ENTRIES:
        raise fail(
            label,
            f"文件包含 {len(infos)} 个部件，数量异常，已拒绝读取",
            "请在 Excel 中打开后另存为新的 .xlsx 再试",
        )
    declared = sum(i.file_size for i in infos)
    if declared > max_uncompressed:
        raise too_large(label, declared, max_uncompressed)
    for info in infos:
        if info.flag_bits & 0x1:
            raise encrypted(label)
        # Deflate never makes data much bigger: a part whose compressed data is far larger
        # than its declared size lies about its size (a bomb hiding from the check above).
        if info.compress_size > info.file_size + info.file_size // 8 + 4096:
            raise corrupt(label, f"部件“{info.filename}”的大小信息不一致")

    names = {i.filename: i for i in infos}
    if "xl/workbook.bin" in names:
        raise fail(label, "不支持 .xlsb（Excel 二进制工作簿）", "请在 Excel 中另存为 .xlsx")
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "content.xml" in names and (
        "mimetype" not in names or zf.read("mimetype").strip() == _ODS_MIME
    ):
        kind = "ods"
    elif "word/document.xml" in names:
        raise fail(label, "文件是 Word 文档，不是 Excel 工作簿", "请选择正确的工作簿文件")
    elif "ppt/presentation.xml" in names:
        raise fail(label, "文件是 PowerPoint 演示文稿，不是 Excel 工作簿", "请选择正确的工作簿文件")
    else:
        raise fail(
            label,
            "文件是 ZIP 压缩包，但不是 Excel 工作簿",
            "如果压缩包里有工作簿，请先解压；否则请在 Excel 中另存为 .xlsx",
        )

    for info in infos:
        lower = info.filename.lower()
        if lower.endswith((".xml", ".rels", ".vml")):
            _check_prolog(zf, info, label)

    if kind == "ods":
        check_well_formed(zf, names["content.xml"], label)
        return scan_ods(zf, names["content.xml"], label, max_cells)
    return scan_xlsx(zf, names, label, max_cells)


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
            raise fail(
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
    raise fail(
        label,
        f"文件中的 XML 部件“{info.filename}”开头异常（前 64 KiB 内没有元素），已拒绝读取",
        "请在 Excel 中打开后另存为新的 .xlsx 再试",
    )
