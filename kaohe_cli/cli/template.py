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
    from kaohe_cli.app.template import check_output, read_roster_file, scheme_ref, write_template_file
    from kaohe_cli.domain.period import parse_period

    cfg = C.config()
    s = C.scheme_of(scheme, cfg)
    check_output(output)
    p = parse_period(period) if period else None
    people = None
    if roster is not None:
        C.input_files([roster])
        people, issues = read_roster_file(roster)
        print_issues(issues, title="人员名单提示")
    ref = scheme_ref(scheme, s)
    write_template_file(s, output, period=p, people=people, roster=roster, force=force, ref=ref)
    n = f"，已复制 {len(people)} 人" if people is not None else ""
    console.print(f"[green]✓ 已生成 {escape(output)}[/]（方案 {escape(s.id)}{n}）。"
                  f"填好后运行：kaohe check {escape(output.name)}" + (f" --scheme {escape(ref)}" if ref else ""))
