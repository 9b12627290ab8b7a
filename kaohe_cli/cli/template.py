"""kaohe template --scheme ID [--roster FILE] [--period P] -o FILE.xlsx"""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import console, escape, handle_errors, print_issues


@handle_errors
def template(
    output: Path = typer.Option(..., "--output", "-o", help="要生成的工作簿，如 2023-03.xlsx"),
    scheme: str = C.SchemeOpt,
    roster: Path = typer.Option(None, "--roster", "-r", help="已有的人员名单（含「人员」表的工作簿），复制到模板中"),
    period: str = typer.Option(None, "--period", "-p", help="考核期，写入填写说明"),
    force: bool = C.ForceOpt,
) -> None:
    """生成某方案的输入工作簿：所需的表和表头、事项/级别下拉列表、表头批注、冻结表头、A4 打印设置。"""
    from kaohe_cli.errors import InputErrors, UsageError
    from kaohe_cli.write.fileout import atomic_output
    from kaohe_cli.issues import has_errors
    from kaohe_cli.domain.period import parse_period
    from kaohe_cli.write.template_book import write_template

    cfg = C.config()
    s = C.scheme_of(scheme, cfg)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"模板只能写成 .xlsx 文件，而不是「{output.suffix or '无扩展名'}」", "例如 -o 2023-03.xlsx")
    p = parse_period(period) if period else None
    people = None
    if roster is not None:
        people, issues = _read_roster(roster)
        if has_errors(issues):
            raise InputErrors(issues, f"人员名单 {roster.name} 有错误，未生成模板")
        print_issues(issues, title="人员名单提示")
    inputs = [roster] if roster is not None else []
    with atomic_output(output, force=force, inputs=inputs) as tmp:
        write_template(s, tmp, period=p, roster=people)
    n = f"，已复制 {len(people)} 人" if people is not None else ""
    console.print(f"[green]✓ 已生成 {escape(output)}[/]（方案 {escape(s.id)}{n}）。"
                  f"填好后运行：kaohe check {escape(output.name)} --scheme {escape(s.id)}")


def _read_roster(path: Path):
    from kaohe_cli.issues import error
    from kaohe_cli.normalize.frames import read_roster
    from kaohe_cli.read.tables import find_sheet, read_table
    from kaohe_cli.read.workbook import read_workbook

    C.input_files([path])
    wb = read_workbook(path)
    issues: list = []
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
