"""kaohe schemes list | show ID | export ID"""

from __future__ import annotations

import typer

from kaohe_cli.cli._command import KaoheCommand
from kaohe_cli.cli._ui import Listing, console, escape, handle_errors, write_utf8
from kaohe_cli.text import num

app = typer.Typer(help="查看、导出考核方案（内置方案或自定义 TOML 方案文件）。", no_args_is_help=True)

SUBJECT_CN = {"person": "个人", "unit": "单位/部门"}
PERIOD_CN = {"month": "月度", "quarter": "季度", "year": "年度"}


@app.command("list", cls=KaoheCommand)
@handle_errors
def list_() -> None:
    """列出内置考核方案。"""
    from kaohe_cli.scheme import builtin_ids, load_scheme

    table = Listing("内置考核方案", ["编号", "名称", "考核对象", "周期", "依据"], short=["周期"])
    for sid in builtin_ids():
        s = load_scheme(sid)
        table.add_row(sid, s.name, SUBJECT_CN[s.subject], PERIOD_CN[s.period], s.source)
    table.print()
    console.print("用 [bold]kaohe schemes show 编号[/] 查看详情，[bold]kaohe schemes export 编号 > 我的方案.toml[/] 导出后修改。")


@app.command("show", cls=KaoheCommand)
@handle_errors
def show(scheme: str = typer.Argument(..., metavar="方案", help="方案编号（如 caizheng）或方案文件路径")) -> None:
    """显示方案的考核项目、事项、封顶和等次。"""
    from kaohe_cli.scheme import load_scheme, scheme_hash

    s = load_scheme(scheme)
    console.print(f"[bold]{escape(s.name)}[/]（{escape(s.id)}，{SUBJECT_CN[s.subject]}，{PERIOD_CN[s.period]}考核，哈希 {scheme_hash(s)}）")
    if s.description:
        console.print(escape(s.description))
    if s.components:
        t = Listing("考核项目", ["项目", "类型", "满分", "权重", "说明"], short=["满分", "权重"])
        kinds = {"deduction": "扣分制", "rated": "评分", "input": "录入加减分", "rank_band": "排名分档"}
        for c in s.components:
            t.add_row(c.name, kinds[c.kind], num(c.max), f"{num(c.weight * 100)}%" if c.weight != 1 else "",
                      c.description)
        t.print()
    t = Listing("事项目录", ["事项", "别名", "类型", "归属", "计分", "依据", "对象"], short=["类型"])
    kinds = {"bonus": "加分", "deduction": "扣分", "marker": "记录"}
    for it in s.items:
        where = it.component or ("年终" if it.annual else {"bonus": "加分", "deduction": "另扣", "marker": "—"}[it.kind])
        targets = []
        if s.is_unit:  # 对象 names a row of sheet 单位; 对象类型 does not apply
            targets.append("单位")
            if it.targets.shared_factor is not None:
                targets.append(f"可多个，各得{num(it.targets.shared_factor * 100)}%")
            elif it.targets.multiple:
                targets.append("可多个")
        elif it.targets.individual:
            targets.append("个人" + ("+分管领导" if "leader" in it.targets.individual else ""))
        if it.targets.collective is not None:
            targets.append("集体" + ("+分管领导" if "leader" in it.targets.collective else ""))
        if it.targets.everyone:
            targets.append("全体")
        t.add_row(it.name, "、".join(it.aliases), kinds[it.kind], where,
                  it.rule_text(), "须文号" if it.evidence else "", "、".join(targets))
    t.print()
    caps = s.bonus_caps
    if caps.categories or caps.total is not None:
        parts = [f"{k} {num(v)}" for k, v in caps.categories.items()]
        if caps.total is not None:
            parts.append(f"合计 {num(caps.total)}")
        console.print("加分封顶：" + escape("，".join(parts)))
    grades = []
    for g in s.grading.grades:
        text = g.name + (f" ≥{num(g.min)}" if g.min is not None else "")
        if g.quota:
            text += f"（名额 {g.quota}" + (f"，按{g.quota_group or s.grading.quota_group}分组" if (g.quota_group or s.grading.quota_group) else "") + "）"
        if g.quota_required:
            text += "（名额每次运行给出：--quota）"
        grades.append(text)
    console.print("等次：" + escape("；".join(grades)))
    for r in s.rules:
        console.print(f"规则：{escape(r.name)}")


@app.command("export", cls=KaoheCommand)
@handle_errors
def export(scheme: str = typer.Argument(..., metavar="方案编号", help="内置方案编号")) -> None:
    """把内置方案原样输出为 TOML（重定向到文件后即可修改使用）。"""
    from kaohe_cli.scheme.loader import builtin_text

    write_utf8(builtin_text(scheme))  # a TOML file is UTF-8, whatever the console's code page

