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
    from kaohe_cli.issues import has_errors, sort_issues
    from kaohe_cli.attendance import exports as X
    from kaohe_cli.app.prepare import is_export
    from kaohe_cli.read.workbook import read_in_background, start_reading

    paths = C.input_files(files)
    if paths:
        start_reading(paths[0]).wait_checked()  # parsed in the background while the rest is imported (see score)
    cfg = C.config()
    att = C.input_files(attendance or [])
    results = []
    any_error = False
    for i, path in enumerate(paths):
        reader = read_in_background(path)
        if i + 1 < len(paths):
            start_reading(paths[i + 1])
        wb = reader.finish()
        exports = [s for s in wb.sheets if is_export(s)]
        if exports and len(wb.sheets) == len(exports):
            report = _describe_exports(wb, exports, cfg, as_json)
            results.append(report)
            export_errors = sum(i["level"] == "错误" for e in report["exports"] for i in e["issues"])
            any_error |= export_errors > 0
            if export_errors and not as_json:
                console.print(f"[bold red]✗ {escape(path.name)}：{export_errors} 个错误。请修改后重新检查。[/]")
            continue
        s = C.scheme_of(scheme, cfg)
        issues = sort_issues(_check_one(path, s, period, att, cfg, reader))
        bad = has_errors(issues)
        any_error |= bad
        results.append({"file": path.name, "errors": sum(i.is_error for i in issues),
                        "issues": [i.to_dict() for i in issues]})
        if not as_json:
            print_issues(issues, title=f"{path.name} 的检查结果")
            n_err = sum(i.is_error for i in issues)
            n_warn = len(issues) - n_err
            if bad:
                console.print(f"[bold red]✗ {escape(path.name)}：{n_err} 个错误，{n_warn} 个警告或提示。请修改后重新检查。[/]")
            else:
                console.print(f"[bold green]✓ {escape(path.name)}：没有错误[/]" + (f"（{n_warn} 个警告或提示）" if n_warn else ""))
    if as_json:
        print_json(results if len(results) > 1 else results[0])
    if any_error:
        raise typer.Exit(1)


def _check_one(path: Path, scheme, period_text, attendance, cfg, reader=None):
    from kaohe_cli.errors import PeriodError
    from kaohe_cli.issues import error
    from kaohe_cli.domain.period import resolve_period
    from kaohe_cli.app.prepare import Options, prepare

    try:
        period = resolve_period(period_text, path, scheme.period)
    except PeriodError as exc:
        return [error(exc.message, exc.hint, file=path.name)]
    opts = Options(cfg.attendance.hours_per_day, {k: (v or None) for k, v in cfg.attendance.mapping.items()})
    prep = prepare(path, scheme, period, attendance=attendance, options=opts, reader=reader)
    return prep.issues


def _describe_exports(wb, exports, cfg, as_json: bool) -> dict:
    """A file that is only punch-clock exports: what was recognised, and how it maps."""
    from kaohe_cli.attendance import exports as X

    out = {"file": wb.file, "exports": []}
    for sheet in exports:
        exp = X.read_export(sheet, hours_per_day=cfg.attendance.hours_per_day,
                            mapping={k: (v or None) for k, v in cfg.attendance.mapping.items()} or None)
        period = f"{exp.period_start} 至 {exp.period_end}" if exp.period_start else "未识别"
        units = {c.header: c.unit for c in exp.columns}
        mapping: dict[str, list[str]] = {}
        for c in exp.columns:
            if c.item:
                mapping.setdefault(c.item, []).append(c.header)
        from_days = _day_text_source(exp)
        for item in dict.fromkeys(k for p in exp.people for k in p.counts):
            if item not in mapping and from_days:
                mapping[item] = [from_days]
        unmapped = [{"header": h, "total": str(t), "unit": units.get(h) or _suffix_unit(h)} for h, t in exp.unmapped]
        info = {
            "sheet": exp.sheet, "kind": exp.kind, "period": period,
            "period_start": exp.period_start.isoformat() if exp.period_start else None,
            "period_end": exp.period_end.isoformat() if exp.period_end else None,
            "people": len(exp.people),
            "mapping": mapping,
            "columns": [{"header": c.header, "item": c.item, "unit": c.unit, "conversion": c.conversion} for c in exp.columns],
            "unmapped": unmapped,
            "issues": [i.to_dict() for i in exp.issues],
        }
        out["exports"].append(info)
        if as_json:
            continue
        console.print(f"[bold]{escape(wb.file)}:{escape(exp.sheet)}[/] 识别为 [bold cyan]{escape(exp.kind)}[/]，"
                      f"统计期 {escape(period)}，{len(exp.people)} 人")
        t = Listing("列的对应关系", ["导出列", "单位", "对应事项", "换算"], short=["单位"])
        for header, unit, item, conversion in _collapse_days(exp.columns):
            t.add_row(header, unit, item or "—", conversion)
        t.print()
        if mapping:
            console.print("计入考核事项：")
            for item, headers in mapping.items():
                console.print(f"  {escape(item)} ← {escape('、'.join(headers))}")
        else:
            console.print("[yellow]没有任何列对应考核事项[/]")
        if unmapped:
            console.print(escape("未对应考核事项的列（不计分，请考核办决定；可在 kaohe.toml 的 [attendance.mapping] 中指定）："))
            for u in unmapped:
                console.print(f"  {escape(u['header'])} 合计 {escape(u['total'])}{escape(' ' + u['unit']) if u['unit'] else ''}")
        print_issues(exp.issues, title="问题" if any(i.is_error for i in exp.issues) else "提示")
    return out


def _day_text_source(exp) -> str:
    """Where counts without a column come from: the per-day result cells, if any."""
    for c in exp.columns:
        if c.conversion.startswith("逐日考勤结果") or c.conversion.startswith("考勤结果文字，统计列"):
            return f"{c.header.split('/')[0]}（逐日考勤结果）"
    return ""


def _suffix_unit(header: str) -> str:
    import re

    m = re.search(r"\((天|小时|分钟|次)\)$", header)
    return m.group(1) if m else ""


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
        if c.conversion.startswith("逐日考勤结果") and "/" in c.header:
            run.append(c)
            continue
        flush()
        rows.append((c.header, c.unit, c.item, c.conversion))
    flush()
    return rows
