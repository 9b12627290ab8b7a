"""kaohe history [WHO] — the runs in the archive, or one person's record across periods."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.commands import _common as C
from kaohe_cli.commands._ui import console, handle_errors, print_json


@handle_errors
def history(
    who: str = typer.Argument(None, help="工号、姓名或单位名称；省略则列出全部评分记录"),
    db: Path = C.DbOpt,
    as_json: bool = C.JsonOpt,
) -> None:
    """列出档案中的评分记录（考核期、方案、输入文件哈希、时间）；给出某人时显示其历年各期得分与等次。"""
    from rich.markup import escape
    from rich.table import Table

    from kaohe_cli.archive import open_archive

    cfg = C.config()
    with open_archive(C.db_path(db, cfg), create=False) as arc:
        if who is None:
            runs = arc.runs()
            if as_json:
                print_json([{"id": r.id, "period": r.period, "scheme": r.scheme_id, "created_at": r.created_at,
                             "input_files": r.input_files} for r in runs])
                return
            t = Table(title="评分记录")
            for c in ("编号", "考核期", "方案", "输入文件", "SHA-256", "时间"):
                t.add_column(c)
            for r in runs:
                files = r.input_files or []
                t.add_row(str(r.id), r.period, r.scheme_id, escape("、".join(f.get("name", "") for f in files)),
                          " ".join(str(f.get("sha256", ""))[:12] for f in files), r.created_at)
            console.print(t)
            return
        frame = arc.subject_history(who)
    if as_json:
        print_json(frame.to_dict("records"))
        return
    t = Table(title=f"{who} 的考核记录")
    for c in ("考核期", "方案", "工号/单位", "姓名", "总分", "名次", "等次"):
        t.add_column(c)
    for r in frame.to_dict("records"):
        t.add_row(r["period"], escape(str(r["scheme_name"])), escape(str(r["subject"])), escape(str(r["name"])),
                  str(r["total"]), str(r["rank"]), escape(str(r["grade"] or "")))
    console.print(t)
    years = _yearly(frame)
    if years:
        console.print("各年平均：" + "；".join(f"{y}年 {v}" for y, v in years))


def _yearly(frame) -> list[tuple[str, str]]:
    from decimal import ROUND_HALF_UP, Decimal

    out: dict[str, list[Decimal]] = {}
    for p, total in zip(frame["period"], frame["total"]):
        out.setdefault(str(p)[:4], []).append(Decimal(str(total)))
    return [(y, str((sum(v) / len(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))) for y, v in sorted(out.items())]
