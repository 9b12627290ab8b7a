"""Stage 1: files → raw grids → located tables → parsed values.
Takes a path (.xlsx .xlsm .xls .ods .csv); gives `RawSheet`s, `Table`s, typed values, or `UnreadableFile`.

- `workbook.read_workbook` checks a file (`zipped`, `xlsx_scan`, `ods_scan`, `xls`; messages in
  `refusals`) and reads it (`calamine`, `csvfile`) into a `Workbook` of `RawSheet`s (`sheets`);
  `background.Prefetch` reads files in a thread while the command does other work.
- `tables.find_sheet` / `tables.read_table` find a sheet and its header by the synonyms in
  `kaohe_cli.domain.vocabulary` and return a `Table`.
- `values.parse_id` / `parse_number` / `parse_date` parse single cells into typed values with
  an `Issue` when they cannot.
"""

from kaohe_cli.read.tables import Table, find_sheet, read_table, sheet_candidates
from kaohe_cli.read.values import parse_date, parse_id, parse_number
from kaohe_cli.read.workbook import (
    SUPPORTED_SUFFIXES,
    RawSheet,
    Workbook,
    read_workbook,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "RawSheet",
    "Table",
    "Workbook",
    "find_sheet",
    "parse_date",
    "parse_id",
    "parse_number",
    "read_table",
    "read_workbook",
    "sheet_candidates",
]
