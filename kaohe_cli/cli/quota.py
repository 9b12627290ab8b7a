"""kaohe quota --year Y | --quarter YQn — annual results, eligibility, quotas and ties."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import Listing, console, escape, handle_errors, print_issues, print_json


@handle_errors
def quota(
    year: int = typer.Option(None, "--year", "-y", help="汇总的年度，如 2023"),
    quarter: str = typer.Option(None, "--quarter", help="汇总的季度，如 2023Q1"),
    period: str = typer.Option(None, "--period", "-p", help="汇总的其他考核期：半年 2023H1（2023年上半年）、学期 2023-2024学年第一学期、学年 2023-2024学年"),
    ratings: Path = typer.Option(None, "--ratings", help="年终评分表（工作表「评分」：工号、姓名及方案 [[annual.parts]] 所列的列，如 民主测评）"),
    scheme: str = typer.Option(None, "--scheme", "-s", help="档案中该年度（季度）有多个方案的评分记录时指定方案编号（或方案文件）；缺省取档案中的方案"),
    quota_: list[str] = typer.Option(None, "--quota", "-q", help="人事部门下达的名额，替换方案名额：优秀=15% 或 先进=3（可重复）"),
    decide: list[str] = typer.Option(None, "--decide", help="记录集体研究决定：工号=等次（可重复），用于名额边缘的并列待定；同 kaohe decide --period 年度"),
    decide_note: str = typer.Option("", "--note", help="集体研究决定的说明，如 会议纪要文号"),
    displace: bool = typer.Option(False, "--displace", help="确认 --decide 使排名更前且未并列者失去名额（双方备注中写明）"),
    db: Path = C.DbOpt,
    output: Path = typer.Option(None, "--output", "-o", help="结果工作簿，缺省为 <考核期>-<方案编号>-年度汇总.xlsx（季度、半年、学期、学年为 …-季度汇总.xlsx 等），如 2023-caizheng-年度汇总.xlsx"),
    force: bool = C.ForceOpt,
    as_json: bool = C.JsonOpt,
) -> None:
    """汇总档案中各期评分：年度（季度）得分、资格审查、一票否决、名额与并列待定，写出年度结果工作簿。"""
    from kaohe_cli.app.quota import parse_decisions, quota_target, run_quota

    target = quota_target(year, quarter, period)
    cfg = C.config()
    archive = C.db_path(db, cfg)
    s = C.archived_scheme(scheme, cfg, archive, target)
    start = s.annual.start_month if s.annual else 9
    if target.school and start != target.start_month and "@" not in (period or ""):
        target = quota_target(year, quarter, period, start)
    quotas = C.parse_quotas(quota_, cfg)
    kind = {"year": "年度", "quarter": "季度", "half": "半年", "term": "学期", "schoolyear": "学年"}[target.kind]
    out = output or (cfg.output_path() or Path.cwd()) / f"{target.code}-{s.id}-{kind}汇总.xlsx"
    result = run_quota(archive, cfg, s, target, quotas, out, force=force, scheme_ref=scheme,
                       decisions=parse_decisions(decide), note=decide_note, displace=displace, ratings=ratings)
    t = result.table
    counts = t["grade"].replace("", "（无）").value_counts()
    if as_json:
        print_json({
            "target": target.code, "scheme": s.id, "output": str(out), "missing": result.missing,
            "grades": {str(k): int(v) for k, v in counts.items()},
            "ties": [{"grade": g, "subjects": m} for g, m in result.ties],
            "subjects": [{"subject": x, "name": str(t.at[x, "name"]), "total": f"{int(t.at[x, 'cents']) / 100:.2f}",
                          "rank": int(t.at[x, "rank"]), "grade": str(t.at[x, "grade"]),
                          "eligibility": str(t.at[x, "eligibility"])} for x in t.index],
        })
        return
    print_issues(result.issues, title="汇总提示")
    _print(result, counts, out)


def _print(result, counts, out) -> None:
    t = result.table
    console.print(f"[bold]{escape(result.target.label)} {escape(result.scheme.name)}[/]：{len(t)} 个考核对象，"
                  f"使用 {len(result.runs)} 个考核期" + (f"，缺 {len(result.missing)} 个" if result.missing else ""))
    annual = result.scheme.annual
    if result.scheme.grading.grades or (annual is not None and annual.grading is not None and annual.grading.grades):
        console.print("建议等次：" + escape("，".join(f"{k} {v}" for k, v in counts.items())))
    else:
        console.print("本方案不评等次（只计分），名次和总分见汇总工作簿")
    top = t[t["grade"].fillna("") != ""].sort_values("rank", kind="mergesort")
    if len(top):
        tab = Listing("有建议等次者", ["名次", "名称", "总分", "建议等次", "资格"], short=["名次", "总分"])
        for s in top.index[:40]:
            tab.add_row(str(t.at[s, "rank"]), f"{t.at[s, 'name']}（{s}）", f"{int(t.at[s, 'cents']) / 100:.2f}",
                        str(t.at[s, "grade"]), str(t.at[s, "eligibility"]))
        tab.print()
    for g, members in result.ties:
        names = "、".join(f"{t.at[s, 'name']}（{s}）" for s in members)
        console.print(f"[yellow]并列待定[/]（{escape(g)}）：{escape(names)} — 请集体研究后用 kaohe decide --period {escape(result.target.code)} 工号=等次 记录")
    for who, amount in result.leader_awards:
        console.print(f"{escape(who)} 考核奖（人均）：{escape(amount)} 元")
    console.print(f"[green]✓ 已写出 {escape(str(out))}[/]")
