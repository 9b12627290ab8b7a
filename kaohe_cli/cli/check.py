"""kaohe check FILE... — validate only; exit 1 on errors; writes nothing."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import Listing, console, escape, handle_errors, print_issues, print_json


@handle_errors
def check(
    files: list[Path] = typer.Argument(..., metavar="工作簿", help="要检查的输入工作簿（可多个）", show_default=False),
    scheme: str = C.SchemeOpt,
    period: str = C.PeriodOpt,
    attendance: list[Path] = typer.Option(None, "--attendance", "-a", help="钉钉/企业微信考勤导出文件（可多个）"),
    as_json: bool = C.JsonOpt,
) -> None:
    """检查输入工作簿：列出每个问题的文件、工作表、单元格和修改建议。有错误时退出码为 1，不写任何文件。"""
    from kaohe_cli.app.reading import start_reading

    paths = C.input_files(files)
    reads = start_reading(paths)  # parsed in the background while the rest is imported (see score)
    from kaohe_cli.app.check import check_files
    from kaohe_cli.app.prepare import Options

    cfg = C.config()
    att = C.input_files(attendance or [])
    results = []
    any_error = False
    checks = check_files(paths, lambda: C.scheme_of(scheme, cfg), period, attendance=att, options=Options.of(cfg),
                         reads=reads)
    for fc in checks:
        results.append(fc.report())
        any_error |= fc.errors > 0
        if not as_json:
            _print_check(fc)
    if as_json:
        print_json(results if len(results) > 1 else results[0])
    if any_error:
        raise typer.Exit(1)


def _print_check(fc) -> None:
    if fc.exports is not None:
        for sheet in fc.exports:
            _print_export(fc.file, sheet)
        if fc.errors:
            console.print(f"[bold red]✗ {escape(fc.file)}：{fc.errors} 个错误。请修改后重新检查。[/]")
        return
    issues = fc.issues
    print_issues(issues, title=f"{fc.file} 的检查结果")
    n_err = fc.errors
    n_warn = len(issues) - n_err
    if n_err:
        console.print(f"[bold red]✗ {escape(fc.file)}：{n_err} 个错误，{n_warn} 个警告或提示。请修改后重新检查。[/]")
    else:
        console.print(f"[bold green]✓ {escape(fc.file)}：没有错误[/]" + (f"（{n_warn} 个警告或提示）" if n_warn else ""))


def _print_export(file: str, sheet) -> None:
    """What one punch-clock export was recognised as, and how its columns map."""
    exp = sheet.export
    console.print(f"[bold]{escape(file)}:{escape(exp.sheet)}[/] 识别为 [bold cyan]{escape(exp.kind)}[/]，"
                  f"统计期 {escape(sheet.period)}，{len(exp.people)} 人")
    t = Listing("列的对应关系", ["导出列", "单位", "对应事项", "换算"], short=["单位"])
    for header, unit, item, conversion in _collapse_days(exp.columns):
        t.add_row(header, unit, item or "—", conversion)
    t.print()
    if sheet.mapping:
        console.print("计入考核事项：")
        for item, headers in sheet.mapping.items():
            console.print(f"  {escape(item)} ← {escape('、'.join(headers))}")
    else:
        console.print("[yellow]没有任何列对应考核事项[/]")
    if sheet.unmapped:
        console.print(escape("未对应考核事项的列（不计分，请考核办决定；可在 kaohe.toml 的 [attendance.mapping] 中指定）："))
        for u in sheet.unmapped:
            console.print(f"  {escape(u['header'])} 合计 {escape(u['total'])}{escape(' ' + u['unit']) if u['unit'] else ''}")
    print_issues(exp.issues, title="问题" if any(i.is_error for i in exp.issues) else "提示")


def _collapse_days(columns) -> list[tuple[str, str, str | None, str]]:
    """One row for a run of per-day columns (考勤结果/1日–31日) instead of thirty."""
    import re

    rows: list[tuple[str, str, str | None, str]] = []
    run: list = []

    def day_of(header: str) -> str:
        m = re.search(r"\((\d+)日\)$", header) or re.search(r"/(\d+)$", header)
        return m.group(1) if m else header.rsplit("/", 1)[-1]

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        group = first.header.split("/")[0]
        label = f"{group}/{day_of(first.header)}日–{day_of(last.header)}日（{len(run)}列）" if len(run) > 1 else first.header
        rows.append((label, "", None, first.conversion))
        run.clear()

    for c in columns:
        if c.kind == "daily_text" and "/" in c.header:
            run.append(c)
            continue
        flush()
        rows.append((c.header, c.unit, c.item, c.conversion))
    flush()
    return rows
