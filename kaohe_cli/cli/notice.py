"""kaohe notice --publicize|--feedback|--talk --period P — Word notices from the archive."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import console, err_console, escape, handle_errors

_SHOWN_FILES = 8


@handle_errors
def notice(
    publicize: bool = typer.Option(False, "--publicize", help="公示：考核等次名单（序号、姓名、科室、等次）与公示期"),
    feedback: bool = typer.Option(False, "--feedback", help="结果反馈：每人一份，含各考核项目得分、总分、名次、等次"),
    talk: bool = typer.Option(False, "--talk", help="诫勉谈话通知：等次为不称职的每人一份"),
    period: str = typer.Option(..., "--period", "-p", help="考核期，如 2023-03、2023Q2、2023", show_default=False),
    scheme: str = typer.Option(None, "--scheme", "-s", help="档案中同一考核期有多个方案时指定方案编号（或方案文件）"),
    notice_date: str = typer.Option(None, "--date", "-d", help="成文日期，如 2023-09-27；缺省为今天。公示期自该日起算，非工作日则自下一个工作日起算"),
    days: int = typer.Option(None, "--days", help="公示期的工作日数；缺省取 kaohe.toml 的 notice_days（5）"),
    db: Path = C.DbOpt,
    output: Path = typer.Option(None, "--output", "-o", help="输出文件夹；缺省为工作区的 notices/<考核期>/"),
    merge: bool = typer.Option(False, "--merge", help="把每人一份的通知合并为一个文档（每人另起一页，页码各自从 1 起）"),
    pdf: bool = typer.Option(False, "--pdf", help="同时转换为 PDF（需要安装 LibreOffice）"),
    html: bool = typer.Option(False, "--html", help="同时在每个 .docx 旁写出 .html 预览"),
    draft: bool = typer.Option(False, "--draft", help="公示征求意见稿：仍有并列待定时供集体研究会议使用，标题注明“征求意见稿”"),
    all_grades: bool = typer.Option(False, "--all", help="年度（季度）公示列出全部等次；缺省只列拟确定为最高等次（如优秀）的人员"),
    force: bool = C.ForceOpt,
) -> None:
    """生成公示、结果反馈或诫勉谈话通知（Word 文档，版式依 GB/T 9704-2012），依据档案库中该考核期最近一次评分。"""
    from datetime import date

    from kaohe_cli.errors import UsageError
    from kaohe_cli.app.notice import KIND_NAMES, NoticeOptions, make_notices, parse_notice_date
    from kaohe_cli.domain.workdays import format_cn_date

    chosen = [k for k, on in (("publicize", publicize), ("feedback", feedback), ("talk", talk)) if on]
    if len(chosen) != 1:
        raise UsageError("请在 --publicize、--feedback、--talk 中选择且只选择一项", "例如 kaohe notice --publicize --period 2023-03")
    cfg = C.config()
    opts = NoticeOptions(
        kind=chosen[0],
        period=period,
        notice_date=parse_notice_date(notice_date) if notice_date else date.today(),
        scheme=scheme,
        days=days,
        out_dir=output,
        merge=merge,
        html=html,
        pdf=pdf,
        force=force,
        draft=draft,
        all_grades=all_grades,
    )
    out = make_notices(cfg, C.db_path(db, cfg), opts)

    for warning in out.warnings:
        err_console.print(f"[yellow]警告：[/]{escape(warning)}")
    name = KIND_NAMES[out.kind]
    console.print(f"{escape(out.period.label)} {escape(out.source.scheme_name)}（{escape(out.source.label)}）")
    if out.start is not None:
        console.print(f"公示期：{format_cn_date(out.start)}至{format_cn_date(out.end)}（{out.days}个工作日），共 {out.people} 人")
    if out.nobody:
        console.print(escape(out.nobody))
        return
    written = out.documents + out.previews + out.pdfs
    for f in written[:_SHOWN_FILES]:
        console.print(f"  {escape(str(f))}")
    if len(written) > _SHOWN_FILES:
        console.print(f"  ……另有 {len(written) - _SHOWN_FILES} 个文件")
    people = f"，{out.people} 人" if out.kind != "publicize" else ""
    console.print(f"[green]✓[/] 已生成{escape(name)} {len(out.documents)} 份{people}，在 {escape(str(out.out_dir))}")
