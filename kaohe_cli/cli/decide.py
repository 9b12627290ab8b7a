"""kaohe decide --period P 工号=等次… | --list | --revoke 工号 — committee decisions at a quota edge."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import console, escape, handle_errors, print_json


@handle_errors
def decide(
    choices: list[str] = typer.Argument(None, metavar="工号=等次", help="集体研究决定：工号=等次（可多个），如 1004=优秀", show_default=False),
    period: str = typer.Option(..., "--period", "-p", help="考核期：月度 2023-03，季度 2023Q2，年度 2023", show_default=False),
    note: str = typer.Option("", "--note", "-n", help="决定的依据，如 会议纪要文号「局党组会议纪要〔2024〕2号」", show_default=False),
    displace: bool = typer.Option(False, "--displace", help="确认决定使排名更前且未并列者失去名额（或超出名额）；双方备注中写明"),
    revoke: list[str] = typer.Option(None, "--revoke", help="撤销某人已记录的决定（工号，可重复）", show_default=False),
    listing: bool = typer.Option(False, "--list", "-l", help="列出该考核期已记录的决定（含撤销记录）"),
    scheme: str = typer.Option(None, "--scheme", "-s", help="档案中该考核期有多个方案的评分记录时指定方案编号（或方案文件）"),
    quota_: list[str] = typer.Option(None, "--quota", "-q", help="年度（季度）的名额，缺省取最近一次 kaohe quota 所用的名额", show_default=False),
    db: Path = C.DbOpt,
    as_json: bool = C.JsonOpt,
) -> None:
    """记录集体研究决定：名额边缘「并列待定」者的等次（任何考核期：月度、季度、年度）。决定存入档案，公示、结果反馈、说明、比较、历年记录和年度汇总都按决定后的等次。"""
    from kaohe_cli.errors import UsageError

    cfg = C.config()
    archive = C.db_path(db, cfg)
    if listing:
        if choices or revoke:
            raise UsageError("--list 不能与决定或 --revoke 同时使用", "先用 --list 查看，再另行记录或撤销")
        return _list(archive, cfg, period, scheme, as_json)
    if not choices and not revoke:
        raise UsageError("请给出决定（工号=等次）、--revoke 工号 或 --list", f"例如 kaohe decide --period {period} 1004=优秀 --note 会议纪要〔2024〕2号")
    grades: dict[str, str] = {}
    for raw in choices or []:
        who, sep, grade = raw.partition("=")
        if not sep or not who.strip() or not grade.strip():
            raise UsageError(f"决定「{raw}」格式不对", "应写成 工号=等次，例如 1004=优秀")
        grades[who.strip()] = grade.strip()
    quotas = C.parse_quotas(quota_, cfg) if quota_ else None
    from kaohe_cli.app.decide import decide as run_decide

    done = run_decide(archive, cfg, period, grades, scheme_ref=scheme, note=note, displace=displace,
                      revoke=list(revoke or []), quotas=quotas)
    if as_json:
        print_json({
            "period": done.period.code, "scheme": done.scheme.id, "recorded": done.recorded, "note": done.note,
            "displace": done.displace,
            "changed": [{"subject": s, "name": done.names.get(s, ""), "before": done.before.get(s, ""),
                         "after": done.after[s]} for s in done.changed],
        })
        return
    _print(done)


def _print(done) -> None:
    def label(s: str) -> str:
        name = done.names.get(s, "")
        return f"{name}（{s}）" if name and name != s else s

    console.print(f"{done.period.label} {escape(done.scheme.name)}：已记录集体研究决定"
                  + (f"（{escape(done.note)}）" if done.note else ""))
    for s, g in done.recorded.items():
        console.print(f"  {escape(label(s))}：" + (escape(g) if g else "撤销原决定"))
    if done.changed:
        console.print("等次变化：")
        for s in done.changed:
            console.print(f"  {escape(label(s))}：{escape(done.before.get(s, '') or '—')} → {escape(done.after[s] or '—')}")
    for c in done.conflicts:
        lost = "、".join(label(x) for x in c.losers)
        console.print(f"[yellow]已按 --displace 记录[/]：{escape('、'.join(label(x) for x in c.decided))} 占用「{escape(c.grade)}」名额"
                      + (f"，{escape(lost)} 因此未获该等次" if lost else "，超出名额") + "（双方备注中写明）")
    still = [s for s, g in done.after.items() if g.startswith("并列待定")]
    if still:
        console.print(f"[yellow]仍有并列待定[/]：{escape('、'.join(label(s) for s in still))}")
    else:
        console.print(f"下一步：kaohe notice --publicize --period {done.period.code}")
    if done.input_files:
        files = " ".join(done.input_files[:1])
        console.print(f"结果工作簿按决定更新：重新评分该期即可（kaohe score {escape(files)} --period {done.period.code} --force），"
                      "决定会写入等次和备注")
    else:
        flag = {"year": "--year", "quarter": "--quarter"}.get(done.period.kind, "--period")
        console.print(f"年度汇总工作簿按决定更新：kaohe quota {flag} {done.period.code} --force")


def _list(archive: Path, cfg, period: str, scheme, as_json: bool) -> None:
    from kaohe_cli.app.decide import decision_log
    from kaohe_cli.domain.workdays import format_cn_time

    found = decision_log(archive, cfg, period, scheme)
    target, s, log = found.period, found.scheme, found.entries
    if as_json:
        print_json({"period": target.code, "scheme": s.id, "decisions": log})
        return
    if not log:
        console.print(f"{target.label} {escape(s.name)}：没有集体研究决定")
        return
    console.print(f"{target.label} {escape(s.name)} 的集体研究决定（按记录先后）：")
    for d in log:
        what = escape(d["grade"]) if d["grade"] else "撤销"
        extra = "，--displace" if d["displace"] else ""
        note = f"，{escape(d['note'])}" if d["note"] else ""
        console.print(f"  {format_cn_time(d['decided_at'])}  {escape(d['subject'])}：{what}{note}{extra}")
