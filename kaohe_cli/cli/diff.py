"""kaohe diff --period P — the last two runs of a period, compared."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import Listing, console, escape, handle_errors, print_json


@handle_errors
def diff(
    period: str = typer.Option(..., "--period", "-p", help="考核期，如 2023-03"),
    scheme: str = typer.Option(None, "--scheme", "-s", help="同一考核期有多个方案时指定方案编号"),
    db: Path = C.DbOpt,
    as_json: bool = C.JsonOpt,
) -> None:
    """比较某考核期最近两次评分：得分或等次变化的人，以及增加、删除的明细行（异议处理的记录）。"""
    from dataclasses import asdict

    from kaohe_cli.app.diff import diff_period
    from kaohe_cli.domain.period import parse_period

    cfg = C.config()
    d = diff_period(C.db_path(db, cfg), parse_period(period).code, scheme)
    if as_json:
        data = asdict(d)
        data["old_run"], data["new_run"] = d.old_run.id, d.new_run.id
        print_json(data)
        return
    from kaohe_cli.domain.workdays import format_cn_time

    console.print(f"{escape(d.period)}：第 {d.old_run.id} 次（{format_cn_time(d.old_run.created_at)}）"
                  f"→ 第 {d.new_run.id} 次（{format_cn_time(d.new_run.created_at)}）")
    if not d.changed and not d.added and not d.removed:
        console.print("[green]两次评分结果相同。[/]")
        return
    if d.changed:
        t = Listing("得分或等次有变化", ["工号/单位", "姓名", "原总分", "新总分", "原等次", "新等次"],
                    short=["原总分", "新总分"])
        for c in d.changed:
            t.add_row(c["subject"], str(c["name"]), c["old_total"], c["new_total"], c["old_grade"], c["new_grade"])
        t.print()
    for title, rows, sign in (("新增的明细行", d.added, "+"), ("删除的明细行", d.removed, "-")):
        if not rows:
            continue
        t = Listing(title, ["", "对象", "事项", "级别", "数量", "分值", "文号", "来源"], short=[""])
        for r in rows:
            who = f"{r['name']}（{r['subject']}）" if r.get("name") and r["name"] != r["subject"] else r["subject"]
            t.add_row(sign, who, r.get("item", ""), r.get("level", ""), r.get("quantity", ""),
                      r.get("points", ""), r.get("evidence", ""), r.get("source", ""))
        t.print()
