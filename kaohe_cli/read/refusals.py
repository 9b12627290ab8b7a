"""The Chinese messages a file is refused with: every one an `UnreadableFile` with a fix.

Also `sniff_kind`, which names what a file that is no workbook really is (a web page, a
picture, a PDF, text…), so the message can say so.
"""

from __future__ import annotations

from kaohe_cli.errors import UnreadableFile
from kaohe_cli.text import a1


def fail(label: str, message: str, hint: str) -> UnreadableFile:
    return UnreadableFile(message, hint, where=label)


def short_detail(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _human(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} 字节"


def too_large(label: str, declared: int, limit: int) -> UnreadableFile:
    return fail(
        label,
        f"文件解压后过大（共 {_human(declared)}，超过上限 {_human(limit)}），可能是恶意构造的压缩炸弹，已拒绝读取",
        "默认上限为 1 GiB；正常的考核工作簿远小于此。请删除无关的工作表和图片，或拆分工作簿后再试",
    )


def encrypted(label: str) -> UnreadableFile:
    return fail(
        label,
        "文件已加密，请在 Excel 中取消密码后另存",
        "Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码后保存",
    )


def corrupt(label: str, detail: str = "") -> UnreadableFile:
    more = f"：{detail}" if detail else ""
    return fail(
        label,
        f"文件已损坏，无法读取（ZIP 结构不完整或数据出错{more}）",
        "可能是下载或拷贝中断；请重新导出，或在 Excel 中打开修复后另存为 .xlsx",
    )


def too_many_cells(label: str, sheet: str, rows: int, cols: int, limit: int) -> UnreadableFile:
    where = f"工作表“{sheet}”" if sheet else "某个工作表"
    return fail(
        label,
        f"{where}的使用范围过大（A1:{a1(rows - 1, cols - 1)}，约 {rows} 行 × {cols} 列，"
        f"超过上限 {limit} 个单元格），已拒绝读取",
        "通常是远处的单元格里有内容或空格；请删除数据区以外的行和列后另存再试",
    )


def not_a_workbook(label: str, suffix: str, head: bytes) -> UnreadableFile:
    kind = sniff_kind(head)
    open_hint = "请在 Excel 中打开后另存为 .xlsx"
    if kind == "html":
        return fail(
            label,
            "文件内容是网页（HTML），不是真正的 Excel 工作簿",
            "这常见于业务系统导出的“xls”；" + open_hint,
        )
    if kind == "xml2003":
        return fail(label, "文件是 Excel 2003 XML 表格，不受支持", open_hint)
    if kind == "text":
        if suffix == ".csv":  # not reached: .csv text is read
            return fail(label, "无法读取 CSV", "请另存为 UTF-8 编码的 CSV")
        return fail(
            label,
            f"文件内容是文本（可能是 CSV），不是 Excel 工作簿，但扩展名是“{suffix}”",
            "如果是 CSV，请把扩展名改为 .csv；否则" + open_hint,
        )
    if kind:
        return fail(label, f"文件内容是{kind}，不是 Excel 工作簿", "请选择正确的工作簿文件")
    return fail(label, "文件不是 Excel 工作簿（无法识别的格式）", open_hint)


def sniff_kind(head: bytes) -> str:
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
