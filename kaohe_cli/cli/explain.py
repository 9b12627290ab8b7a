"""kaohe explain WHO --period P — every point of a score, with its rule and source."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli import _common as C
from kaohe_cli.cli._ui import console, escape, handle_errors, plain_output, print_json


@handle_errors
def explain(
    who: str = typer.Argument(..., metavar="工号或姓名", help="工号、姓名或单位名称"),
    period: str = typer.Option(..., "--period", "-p", help="考核期，如 2023-03、2023Q2、2023"),
    scheme: str = typer.Option(None, "--scheme", "-s", help="档案中同一考核期有多个方案时指定方案编号（或方案文件）"),
    db: Path = C.DbOpt,
    as_json: bool = C.JsonOpt,
) -> None:
    """逐项说明得分：每个考核项目下的每一条加减分，含数量、分值、规则、文号和来源单元格。"""
    from dataclasses import asdict

    from kaohe_cli.app.explain import explain as run_explain, plus
    from kaohe_cli.app.notice_source import scheme_filter
    from kaohe_cli.domain.period import parse_period

    cfg = C.config()
    code = parse_period(period).code
    ex = run_explain(C.db_path(db, cfg), who, code, scheme_filter(scheme, cfg)[0])
    if as_json:
        print_json(asdict(ex))
        return
    from decimal import Decimal

    head = f"[bold]{escape(ex.name)}（{escape(ex.subject)}）[/] {escape(ex.dept)}  {escape(ex.period)} {escape(ex.scheme_name)}"

    exact = f"（未舍入 {ex.exact}）" if Decimal(ex.exact) != Decimal(ex.total) else ""
    nodes: list[tuple[str, list[str]]] = []  # (line, lines under it), rich markup
    nodes.append((f"总分 [bold]{escape(ex.total)}[/]{escape(exact)}，名次 {escape(ex.rank)}，等次 [bold]{escape(ex.grade or '—')}[/]"
                  + (f"，金额 [bold]{escape(ex.money)}[/] 元" if ex.money else ""), []))
    for g in ex.groups:
        under: list[str] = []
        nodes.append((f"[bold]{escape(g.title)}[/]" + (f"  {escape(g.total)}" if g.total else ""), under))
        for ln in g.lines:
            points = Decimal(ln.get("points") or "0")
            if ln.get("kind") in ("deduction", "bonus") and ln.get("quantity") not in ("", None) and ln.get("item"):
                # As a clerk says it: the rule, then how much of it and the points —
                # 旷工 每半天扣2分：1.5 天，扣 6 分 (not "-6分 旷工 每半天扣2分 ×1.5").
                unit = ex.units.get(ln["item"], "次")
                verb = "扣" if points < 0 else "加"
                rule = ln.get("rule") or ln["item"]
                bits = [f"{escape(rule)}：{escape(_qty(ln['quantity']))} {escape(unit)}，{verb} {escape(_qty(abs(points)))} 分"]
            else:
                bits = [f"{escape(plus(ln.get('points') or '0'))}分", escape(ln.get("rule") or "")]
                if ln.get("item") and ln.get("item") not in (ln.get("rule") or ""):
                    bits.insert(1, escape(ln["item"]))
            if ln.get("money"):
                bits.append(f"金额 {escape(ln['money'])} 元")
            if ln.get("evidence"):
                bits.append(f"文号 {escape(ln['evidence'])}")
            if ln.get("reason"):
                bits.append(f"事由 {escape(ln['reason'])}")
            if ln.get("date"):
                bits.append(escape(ln["date"]))
            if ln.get("source"):
                bits.append(f"[dim]来源 {escape(ln['source'])}[/]")
            if ln.get("note"):
                bits.append(f"[yellow]{escape(ln['note'])}[/]")
            under.append("  ".join(b for b in bits if b))
    if ex.remarks:
        nodes.append((f"[bold]备注[/]：{escape(ex.remarks)}", []))
    if plain_output():
        # Not a wide terminal: indented lines, each whole (a tree's lines are cut at the width).
        console.print(_flat(head), soft_wrap=True)
        for line, under in nodes:
            console.print("  " + _flat(line), soft_wrap=True)
            for sub in under:
                console.print("    " + _flat(sub), soft_wrap=True)
    else:
        from rich.tree import Tree

        tree = Tree(head)
        for line, under in nodes:
            node = tree.add(line)
            for sub in under:
                node.add(sub)
        console.print(tree)
    from kaohe_cli.domain.workdays import format_cn_time

    console.print(f"[dim]依据第 {ex.run_id} 次评分记录（{format_cn_time(ex.created_at)}）[/]")


def _qty(value) -> str:
    """0.5, 3, 1.25: a quantity or an amount of points without trailing zeros."""
    from decimal import Decimal, InvalidOperation

    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f").rstrip("0")


def _flat(markup: str) -> str:
    """Markup on one line: a value with a line break (事由, 备注) would otherwise start a new one."""
    return " ".join(markup.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
