"""A .csv file → a one-sheet `Workbook`, the sheet named after the file.

Decoded as UTF-16 (with a BOM), UTF-8 (with or without BOM) or GBK/GB18030; the delimiter is
sniffed among , tab ; |. Blank cells are None and short rows are padded.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from kaohe_cli.read.refusals import fail, short_detail, sniff_kind, too_many_cells
from kaohe_cli.read.sheets import RawSheet, Workbook


def read_csv(path: Path, raw: bytes, label: str, max_cells: int) -> Workbook:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    elif b"\x00" in raw[:8192]:
        kind = sniff_kind(raw[:4096])
        what = f"是{kind}" if kind and kind not in ("text", "html", "xml2003") else "不是文本"
        raise fail(label, f"文件内容{what}，不是有效的 CSV", "请在 Excel 中另存为 CSV（UTF-8）或 .xlsx")
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
                raise too_many_cells(label, path.stem, len(rows), width, max_cells)
    except csv.Error as exc:
        raise fail(label, f"CSV 格式错误（{short_detail(exc)}）", "请检查引号是否成对，或在 Excel 中另存为 .xlsx") from None
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
        raise fail(
            label,
            "无法识别 CSV 的文字编码（既不是 UTF-8 也不是 GBK）",
            "请在 Excel 或 WPS 中另存为“CSV UTF-8”格式",
        ) from None
