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

from pathlib import Path
from typing import Callable

from kaohe_cli.errors import UnreadableFile
from kaohe_cli.issues import file_label
from kaohe_cli.read.calamine import Publish, read_calamine
from kaohe_cli.read.csvfile import read_csv
from kaohe_cli.read.refusals import fail, not_a_workbook, short_detail, too_large
from kaohe_cli.read.sheets import RawSheet, Workbook
from kaohe_cli.read.xls import inspect_cfb
from kaohe_cli.read.zipped import inspect_zip

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
DEFAULT_MAX_UNCOMPRESSED = 1 << 30
DEFAULT_MAX_CELLS = 5_000_000

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHOW_SUFFIXES = "、".join(SUPPORTED_SUFFIXES)


def read_workbook(
    path: Path | str,
    *,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Workbook:
    """Read `path` into raw grids; raise `UnreadableFile` for anything that cannot be read."""
    path = Path(path)
    label = file_label(path)
    return read_guarded(label, lambda: read_file(path, label, max_uncompressed, max_cells))


def read_guarded(label: str, read: Callable[[], Workbook]) -> Workbook:
    """Run `read`, turning every failure into `UnreadableFile`."""
    try:
        return read()
    except UnreadableFile:
        raise
    except MemoryError:
        raise fail(label, "文件过大，内存不足，无法读取", "请删除无关的工作表、行和列后另存再试") from None
    except Exception as exc:  # noqa: BLE001 - every failure becomes UnreadableFile
        raise fail(
            label,
            f"无法读取工作簿（{short_detail(exc)}）",
            "文件可能已损坏；请在 Excel 中打开后另存为 .xlsx 再试",
        ) from exc
    except BaseException as exc:  # pyo3 turns a Rust panic into PanicException(BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        raise fail(
            label,
            "读取工作簿时解析器出错（文件结构异常）",
            "请在 Excel 中打开后另存为 .xlsx 再试",
        ) from exc


def read_file(
    path: Path, label: str, max_uncompressed: int, max_cells: int, publish: Publish | None = None
) -> Workbook:
    """Check the file, then read it by its content; `publish`: see `calamine.read_calamine`."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = path.suffix or "（无扩展名）"
        hint = f"支持的类型：{_SHOW_SUFFIXES}；请在 Excel 中另存为 .xlsx"
        if suffix == ".xlsb":
            raise fail(label, "不支持 .xlsb（Excel 二进制工作簿）", "请在 Excel 中另存为 .xlsx")
        raise fail(label, f"不支持的文件类型“{shown}”", hint)
    try:
        if not path.exists():
            raise fail(label, "找不到文件", f"请检查路径是否正确：{path}")
        if path.is_dir():
            raise fail(label, "这是一个文件夹，不是文件", "请指定文件夹中的工作簿文件，如 月报.xlsx")
        size = path.stat().st_size
        if size > max_uncompressed:
            raise too_large(label, size, max_uncompressed)
        # Read once: the checks below and calamine then see exactly the same bytes.
        data = path.read_bytes()
    except PermissionError:
        raise fail(label, "没有权限读取该文件", "请检查文件权限，或先关闭正在占用它的程序") from None
    except OSError as exc:
        raise fail(label, f"无法打开文件（{short_detail(exc)}）", "请检查路径和文件权限") from None
    if not data:
        raise fail(label, "文件是空的（0 字节）", "请重新导出或重新复制该文件")

    head = data[:4096]
    if head.startswith(_ZIP_MAGIC):
        scans = inspect_zip(data, label, max_uncompressed, max_cells)
        return read_calamine(path, data, label, max_cells, scans, publish)
    if head.startswith(_CFB_MAGIC):
        scans = inspect_cfb(data, label, max_cells)
        return read_calamine(path, data, label, max_cells, scans, publish)
    if suffix == ".csv":
        return read_csv(path, data, label, max_cells)
    raise not_a_workbook(label, suffix, head)


__all__ = [
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_UNCOMPRESSED",
    "SUPPORTED_SUFFIXES",
    "RawSheet",
    "Workbook",
    "read_workbook",
]
