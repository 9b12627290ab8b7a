"""Bound each table of an .ods from its repeat counts; collect merges and formulas.

calamine reports no merged ranges for .ods, so the scan's are used. A content.xml that is not
well-formed is refused first: calamine's ODS reader loops forever on some of them.
"""

from __future__ import annotations

import re
import zipfile
from xml.parsers import expat

from kaohe_cli.read.refusals import fail
from kaohe_cli.read.scan import CHUNK, Scan, check_cells, chunks

_ODS_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_ATTR = re.compile(rb"""([\w.\-]+:)?([\w.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def check_well_formed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> None:
    """Refuse a part that is not well-formed XML (streaming, expat).

    calamine's ODS reader loops forever on some broken content.xml files (a damaged closing
    tag after a run of repeated rows), so the part is checked before calamine sees it.
    """
    parser = expat.ParserCreate()
    try:
        with zf.open(info) as fh:
            while True:
                block = fh.read(CHUNK)
                parser.Parse(block, not block)
                if not block:
                    break
    except expat.ExpatError as exc:
        raise fail(
            label,
            f"文件已损坏，无法读取（“{info.filename}”不是完整的 XML：第 {exc.lineno} 行第 {exc.offset} 列）",
            "请在 WPS 或 LibreOffice 中打开修复后另存为 .xlsx",
        ) from None


def scan_ods(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_cells: int) -> dict[str, Scan]:
    """Bound each table's used range from the repeat counts; collect merges and formulas."""
    scans: dict[str, Scan] = {}
    scan = Scan()
    name = ""
    row = col = 0
    row_rep = 1
    for chunk in chunks(zf, info, b">"):
        for m in _ODS_TAG.finditer(chunk):
            closing, tag, raw, empty = m.group(1), m.group(2), m.group(3), m.group(4)
            if tag == b"table":
                if closing:
                    continue
                attrs = _ods_attrs(raw)
                name = attrs.get("name", "")
                scan = scans.setdefault(name, Scan())
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
                    check_cells(scan, label, name, max_cells)
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
