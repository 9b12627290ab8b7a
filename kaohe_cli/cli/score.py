"""kaohe score FILE... — the graded workbook, the archive, a summary."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import Listing, console, escape, handle_errors, print_issues, print_json


@handle_errors
def score(
    files: list[Path] = typer.Argument(..., metavar="工作簿", help="输入工作簿（可多个，如 data/2023-*.xlsx）", show_default=False),
    scheme: str = C.SchemeOpt,
    period: str = C.PeriodOpt,
    output: Path = typer.Option(None, "--output", "-o", help="结果工作簿路径；多个输入时为输出文件夹。缺省写在输入文件旁：<文件名>-考核结果.xlsx"),
    db: Path = C.DbOpt,
    attendance: list[Path] = typer.Option(None, "--attendance", "-a", help="钉钉/企业微信考勤导出文件（可多个）"),
    quota: list[str] = typer.Option(None, "--quota", "-q", help="替换方案名额，如 好=40% 或 先进=3（可重复）"),
    no_archive: bool = typer.Option(False, "--no-archive", help="不存入档案库"),
    force: bool = C.ForceOpt,
    as_json: bool = C.JsonOpt,
) -> None:
    """评分：写出考核结果工作簿（汇总、明细、科室、问题、说明），存入档案库，并打印摘要。"""
    from kaohe_cli.app.reading import start_reading

    paths = C.input_files(files)
    reads = start_reading(paths)  # parsed in the background while the rest is imported
    from kaohe_cli.app.prepare import Options
    from kaohe_cli.app.score import check_archive, output_targets, write_scored
    from kaohe_cli.errors import UsageError

    cfg = C.config()
    if period and len(paths) > 1:
        raise UsageError("多个输入文件时不能共用一个 --period", "请去掉 --period，让每个文件按文件名确定考核期")
    att = C.input_files(attendance or [])
    s = C.scheme_of(scheme, cfg)
    quotas = C.parse_quotas(quota, cfg)
    targets = output_targets(paths, output, cfg.output_path(), force)
    db_path = None if no_archive else C.db_path(db, cfg)

    # Check and score everything first; write only if every file is clean.
    scored, failed = _score_all(paths, s, period, att, quotas, Options.of(cfg), cfg.unit_name.strip(), reads, as_json)
    if failed:
        all_issues = [i for _, exc in failed for i in exc.issues]
        if as_json:
            print_json({"ok": False, "errors": [i.to_dict() for i in all_issues if i.is_error]})
        else:
            print_issues(all_issues, title="发现错误，未写出任何结果")
            names = "、".join(p.name for p, _ in failed)
            console.print(f"[bold red]✗ {escape(names)} 有错误，未写出任何文件。[/]请按上面列出的问题修改后重新运行（可先用 kaohe check 检查）。")
        raise typer.Exit(1)
    if db_path is not None:
        check_archive(db_path, paths, targets)
    reports = []
    for sc, target in zip(scored, targets):
        rep = write_scored(sc, target, db_path, force=force)
        reports.append(rep)
        if not as_json:
            _print_summary(sc, rep)
    if as_json:
        print_json(reports if len(reports) > 1 else reports[0])
    elif len(reports) > 1:
        console.print(f"[bold green]✓ 共评分 {len(reports)} 个文件[/]，档案库：{escape(db_path or '未存档')}")


def _score_all(paths, scheme, period, att, quotas, opts, unit_name: str, reads, as_json: bool):
    """`score_files` behind a progress bar (shown for several files, not with --json)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kaohe_cli.app.score import score_files

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True, disable=as_json or len(paths) == 1) as bar:
        task = bar.add_task("评分中", total=len(paths))
        return score_files(
            paths, scheme, period, attendance=att, quotas=quotas, options=opts, unit_name=unit_name, reads=reads,
            started=lambda p: bar.update(task, description=f"评分 {escape(p.name)}"),
            finished=lambda p: bar.advance(task),
        )


def _print_summary(sc, rep: dict) -> None:
    r = sc.result
    console.print(f"[bold]{escape(r.period.label)} {escape(r.scheme.name)}[/]：{rep['subjects']} 个考核对象")
    if r.scheme.grading.grades:
        console.print("等次：" + escape("，".join(f"{k} {v}" for k, v in rep["grades"].items())))
    else:
        console.print("本方案不评等次（只计分）")
    t = Listing(None, ["", "名次", "名称", "总分", "等次"], short=["", "名次", "总分"])
    for x in rep["top"]:
        t.add_row("前列", str(x["rank"]), x["name"], x["total"], x["grade"])
    for x in rep["bottom"]:
        t.add_row("末位", str(x["rank"]), x["name"], x["total"], x["grade"])
    t.print()
    warn = rep["warnings"]
    tail = f"，{warn} 条警告或提示见「问题」表" if warn else ""
    stored = f"，已存档（第 {sc.run_id} 次评分记录）" if sc.run_id else ""
    console.print(f"[green]✓ 已写出 {escape(str(sc.output))}[/]{stored}{tail}")
