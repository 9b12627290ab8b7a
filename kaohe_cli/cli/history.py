"""kaohe history [WHO] — the runs in the archive, or one person's record across periods."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import Listing, console, escape, handle_errors, print_json


@handle_errors
def history(
    who: str = typer.Argument(None, metavar="[工号或姓名]", help="工号、姓名或单位名称；省略则列出全部评分记录"),
    db: Path = C.DbOpt,
    as_json: bool = C.JsonOpt,
) -> None:
    """列出档案中的评分记录（考核期、方案、输入文件哈希、时间）；给出某人时显示其历年各期得分与等次。"""
    from decimal import Decimal

    from kaohe_cli.app.history import recorded_runs, subject_record
    from kaohe_cli.domain.workdays import format_cn_time

    cfg = C.config()
    if who is None:
        runs = recorded_runs(C.db_path(db, cfg))
        if as_json:
            print_json([{"id": r.id, "period": r.period, "scheme": r.scheme_id, "created_at": r.created_at,
                         "input_files": r.input_files} for r in runs])
            return
        # File fingerprints (SHA-256) are for scripts: --json has them, the listing names the files.
        t = Listing("评分记录", ["编号", "考核期", "方案", "输入文件", "时间"], short=["编号", "考核期"])
        for r in runs:
            files = r.input_files or []
            t.add_row(str(r.id), r.period, f"{r.scheme_id}（{r.scheme_name}）", "、".join(f.get("name", "") for f in files),
                      format_cn_time(r.created_at))
        t.print()
        return
    record = subject_record(C.db_path(db, cfg), who)
    frame, ranks, flags = record.records, record.years, record.flags
    if as_json:
        print_json({"records": frame.to_dict("records"),
                    "years": [{"scheme": r.scheme_id, "year": r.year, "mean": str(r.mean.quantize(Decimal("0.01"))),
                               "rank": r.rank, "n": r.n} for r in ranks], "flags": flags})
        return
    t = Listing(f"{who} 的考核记录", ["考核期", "方案", "工号/单位", "姓名", "总分", "名次", "等次"],
                short=["考核期", "总分", "名次"])
    for r in frame.to_dict("records"):
        t.add_row(r["period"], str(r["scheme_name"]), str(r["subject"]), str(r["name"]),
                  str(r["total"]), str(r["rank"]), str(r["grade"] or ""))
    t.print()
    if ranks:
        console.print("各年：" + "；".join(
            f"{r.year}年（{escape(r.scheme_id)}）平均 {r.mean.quantize(Decimal('0.01'))}，第{r.rank}/{r.n}名" for r in ranks))
    for f in flags:
        console.print(f"[bold yellow]{escape(f)}[/]")
