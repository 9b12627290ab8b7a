"""`kaohe template` as library calls: an input workbook for a scheme, optionally with a roster.

`read_roster_file` takes the 人员 sheet of an existing workbook (refusing one with errors);
`write_template_file` writes the template atomically. Printing is the command's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kaohe_cli.domain.period import Period
from kaohe_cli.errors import InputErrors, UsageError
from kaohe_cli.issues import Issue, error, has_errors
from kaohe_cli.normalize.roster import read_roster
from kaohe_cli.read.tables import find_sheet, read_table
from kaohe_cli.read.workbook import read_workbook
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.write.fileout import atomic_output
from kaohe_cli.write.template_book import write_template


def check_output(output: Path) -> None:
    """A template is an .xlsx file."""
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"模板只能写成 .xlsx 文件，而不是「{output.suffix or '无扩展名'}」", "例如 -o 2023-03.xlsx")


def read_roster_file(path: Path) -> tuple[pd.DataFrame | None, list[Issue]]:
    """The people of a roster workbook, and the warnings met; raises InputErrors on any error."""
    people, issues = _read_roster(path)
    if has_errors(issues):
        raise InputErrors(issues, f"人员名单 {path.name} 有错误，未生成模板")
    return people, issues


def _read_roster(path: Path) -> tuple[pd.DataFrame | None, list[Issue]]:
    wb = read_workbook(path)
    issues: list[Issue] = []
    sheet = find_sheet(wb, "人员", issues)
    if sheet is None and len(wb.sheets) == 1:
        sheet = wb.sheets[0]
    if sheet is None:
        return None, issues + [error("人员名单中找不到「人员」工作表", "请把名单所在的工作表命名为 人员 或 花名册", file=wb.file)]
    table, probs = read_table(sheet, "人员")
    issues = list(issues) + list(probs)
    if table is None:
        return None, issues
    roster, probs = read_roster(table)
    return roster.people, issues + probs


def scheme_ref(given: str | None, scheme: Scheme) -> str:
    """How the hints name the scheme after `--scheme`: the path of a scheme file as the user
    gave it (an id would not find it), a built-in's id, or "" for the workspace's default."""
    from kaohe_cli.scheme.loader import builtin_ids

    if given:
        return given
    return scheme.id if scheme.id in builtin_ids() else ""


def write_template_file(
    scheme: Scheme, output: Path, *, period: Period | None, people: pd.DataFrame | None,
    roster: Path | None, force: bool, ref: str | None = None,
) -> None:
    """Write the template for `scheme` to `output` (never over an input, nor over a file without `force`)."""
    inputs = [roster] if roster is not None else []
    with atomic_output(output, force=force, inputs=inputs) as tmp:
        write_template(scheme, tmp, period=period, roster=people, scheme_ref=ref)
