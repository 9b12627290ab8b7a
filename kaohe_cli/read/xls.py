"""OLE2 compound files (.xls, and encrypted OOXML): find the workbook stream, bound its sheets.

A small MS-CFB reader finds the streams; an `EncryptedPackage` (an encrypted .xlsx) or a BIFF
FILEPASS record (an encrypted .xls) is refused, and each sheet's used range is bounded by
walking the BIFF records the way calamine does, before calamine reserves room for it.
"""

from __future__ import annotations

import struct

from kaohe_cli.read.refusals import encrypted, fail, short_detail
from kaohe_cli.read.scan import Scan, check_cells


def inspect_cfb(data: bytes, label: str, max_cells: int) -> dict[str, Scan]:
    """Check a compound file's bytes; return each sheet's scan, keyed by sheet name."""
    try:
        streams = _cfb_streams(data)
    except (struct.error, IndexError, ValueError, _CfbError) as exc:
        raise _damaged(label, exc) from None
    lowered = {n.lower(): n for n in streams}
    if "encryptedpackage" in lowered or "encryptioninfo" in lowered:
        raise encrypted(label)
    book = lowered.get("workbook") or lowered.get("book")
    if book is None:
        if "worddocument" in lowered:
            raise fail(label, "文件是 Word 文档，不是 Excel 工作簿", "请选择正确的工作簿文件")
        raise fail(label, "文件不是 Excel 工作簿（OLE2 容器中没有工作簿）", "请在 Excel 中另存为 .xlsx")
    try:
        workbook_stream = streams[book]()
    except (struct.error, IndexError, ValueError, _CfbError) as exc:
        raise _damaged(label, exc) from None
    return _scan_biff(workbook_stream, label, max_cells)


def _damaged(label: str, exc: Exception):
    return fail(label, f"文件已损坏，无法读取（OLE2 结构出错：{short_detail(exc)}）", "请在 Excel 中打开修复后另存为 .xlsx")


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


def _scan_biff(stream: bytes, label: str, max_cells: int) -> dict[str, Scan]:
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
            raise encrypted(label)
        if rtype == 0x0085 and length >= 6:  # BOUNDSHEET
            sheets.append((unpack("<I", stream, body)[0], _biff_sheet_name(stream[body + 6 : body + length])))
    scans: dict[str, Scan] = {}
    for offset, name in sheets:
        if offset >= n:
            raise fail(
                label,
                f"文件已损坏，无法读取（工作表“{name}”的位置超出了数据范围）",
                "请在 Excel 中打开修复后另存为 .xlsx",
            )
        scan = scans.setdefault(name, Scan())
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
                        raise fail(
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
                    check_cells(scan, label, name, max_cells)
    return scans


def _biff_sheet_name(raw: bytes) -> str:
    if len(raw) < 2:
        return ""
    count, flags = raw[0], raw[1]
    if flags & 0x1:
        return raw[2 : 2 + 2 * count].decode("utf-16-le", "replace")
    return raw[2 : 2 + count].decode("latin-1")
