"""kaohe schemes list | show 方案 | export 编号 | new | guide | check 文件"""

from __future__ import annotations

import typer

from kaohe_cli.cli._command import KaoheCommand
from kaohe_cli.cli._ui import Listing, console, escape, handle_errors, write_utf8
from kaohe_cli.text import num

app = typer.Typer(help="查看、导出、新建和检查考核方案（内置方案或自定义 TOML 方案文件）。", no_args_is_help=True)

SUBJECT_CN = {"person": "个人", "unit": "单位/部门"}
PERIOD_CN = {"month": "月度", "quarter": "季度", "half": "半年度", "year": "年度", "term": "学期", "schoolyear": "学年"}


@app.command("list", cls=KaoheCommand)
@handle_errors
def list_() -> None:
    """列出内置考核方案。"""
    from kaohe_cli.scheme import builtin_ids, load_scheme

    table = Listing("内置考核方案", ["编号", "名称", "考核对象", "周期", "依据"], short=["周期"])
    for sid in builtin_ids():
        s = load_scheme(sid)
        table.add_row(sid, s.name, SUBJECT_CN[s.subject], PERIOD_CN.get(s.period, s.period), s.source)
    table.print()
    console.print("用 [bold]kaohe schemes show 编号[/] 查看详情，[bold]kaohe schemes export 编号 > 我的方案.toml[/] 导出后修改，"
                  "或用 [bold]kaohe schemes new > 我的方案.toml[/] 从带注释的样板写起。")


@app.command("show", cls=KaoheCommand)
@handle_errors
def show(scheme: str = typer.Argument(..., metavar="方案", help="方案编号（如 caizheng）或方案文件路径")) -> None:
    """显示方案的全部内容：考核项目、事项、封顶、规则、等次和年度汇总。"""
    from kaohe_cli.scheme import load_scheme, scheme_hash

    s = load_scheme(scheme)
    console.print(f"[bold]{escape(s.name)}[/]（{escape(s.id)}，{SUBJECT_CN[s.subject]}，{PERIOD_CN.get(s.period, s.period)}考核，哈希 {scheme_hash(s)}）")
    if s.description:
        console.print(escape(s.description))
    if s.components:
        from kaohe_cli.scheme.bands import band_text

        banded = any(band_text(c) for c in s.components)  # a 分档 column only where a component has bands
        t = Listing("考核项目", ["项目", "类型", "满分", "权重", *(["分档"] if banded else []), "说明"], short=["满分", "权重"])
        kinds = {"deduction": "扣分制", "rated": "评分", "input": "录入加减分", "rank_band": "排名分档",
                 "value_band": "按数值分档"}
        for c in s.components:
            t.add_row(c.name, kinds[c.kind], num(c.max), f"{num(c.weight * 100)}%" if c.weight != 1 else "",
                      *([band_text(c)] if banded else []), c.description)
        t.print()
    t = Listing("事项目录", ["事项", "别名", "类型", "归属", "计分", "依据", "对象"], short=["类型"])
    kinds = {"bonus": "加分", "deduction": "扣分", "marker": "记录"}
    for it in s.items:
        where = _where(s, it)
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
    console.print("等次：" + (escape("；".join(grades)) if grades else "不评等次（只计分）"))
    for r in s.rules:
        console.print(f"规则：{escape(rule_line(r))}")
    for line in other_sections(s):
        console.print(escape(line))


def _where(s, it) -> str:
    """An item's 归属: its component; an item counted as others (counts_as) is where they are."""
    targets = [s.item(c.item) for c in it.counts_as_list]
    if targets and all(t is not None for t in targets):
        return "、".join(dict.fromkeys(_where(s, t) for t in targets))
    return it.component or ("年终" if it.annual else {"bonus": "加分", "deduction": "另扣", "marker": "—"}[it.kind])


def rule_line(rule) -> str:
    """`名称——条件 items = [限时办结不力]；ceiling（至多） 一般` (display only: actions dispatch in the engine)."""
    from kaohe_cli.scheme.synonyms import label

    data = rule.model_dump(mode="json")
    when = "，".join(f"{k} = {_shown(v)}" for k, v in rule.when.model_dump(exclude_defaults=True, mode="json").items())
    what = label("action", data["action"]) + "".join(
        f" {_shown(data[k]) if isinstance(data[k], list) else data[k]}" for k in ("grade", "grades", "component") if data.get(k))
    if rule.points is not None:
        what += f" {num(rule.points)}分" + (f"（加分类别 {rule.category}）" if rule.category else "")
    if rule.money is not None:
        what += f" {num(rule.money)}元"
    scope = "（年度）" if data.get("scope") == "annual" else ""
    return f"{data['name']}——条件 {when}；{what}{scope}"


_SHOWN_ABOVE = {"id", "name", "subject", "period", "description", "components", "items", "bonus_caps", "rules", "grading"}


def other_sections(s) -> list[str]:
    """Every key not shown in the tables above, as `[annual] aggregate = mean` lines: nothing
    of the scheme is hidden (年度汇总, its rules and grading, and any key added later)."""
    data = s.model_dump(exclude_unset=True, mode="json")  # what the file says, defaults not repeated
    out: list[str] = []
    for key, value in data.items():
        if key in _SHOWN_ABOVE:
            continue
        if isinstance(value, dict):
            out.append(f"[{key}]")
            out.extend(_table_lines(value, key))
        else:
            out.append(f"{key} = {_shown(value)}")
    return out


def _table_lines(table: dict, path: str) -> list[str]:
    out: list[str] = []
    for key, value in table.items():
        if key == "rules" and isinstance(value, list):
            from kaohe_cli.scheme.model import Rule

            out.extend(f"  规则：{rule_line(Rule.model_validate(r))}" for r in value)
        elif isinstance(value, dict) and any(isinstance(v, (dict, list)) for v in value.values()):
            out.append(f"  [{path}.{key}]")
            out.extend("  " + line for line in _table_lines(value, f"{path}.{key}"))
        else:
            out.append(f"  {key} = {_shown(value)}")
    return out


def _shown(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "[" + "，".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + "，".join(f"{k} = {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


@app.command("export", cls=KaoheCommand)
@handle_errors
def export(scheme: str = typer.Argument(..., metavar="方案编号", help="内置方案编号")) -> None:
    """把内置方案原样输出为 TOML（重定向到文件后即可修改使用）。"""
    from kaohe_cli.scheme.loader import builtin_text

    write_utf8(builtin_text(scheme))  # a TOML file is UTF-8, whatever the console's code page



@app.command("new", cls=KaoheCommand)
@handle_errors
def new(
    scheme_id: str = typer.Option("wode", "--id", help="方案编号（小写字母开头，只用小写字母、数字、- 和 _）"),
    name: str = typer.Option("我的考核方案", "--name", help="方案名称"),
) -> None:
    """输出一个带中文注释的方案样板（重定向到文件后修改：kaohe schemes new > 我的方案.toml）。"""
    from kaohe_cli.scheme.skeleton import skeleton

    write_utf8(skeleton(scheme_id, name))


@app.command("guide", cls=KaoheCommand)
@handle_errors
def guide() -> None:
    """输出《方案编写指南》：方案文件每个键的含义、缺省值和示例，以及从考核办法写出方案的完整步骤（重定向到文件后阅读：kaohe schemes guide > 方案编写指南.md）。"""
    from kaohe_cli.packaged import guide_text

    write_utf8(guide_text())


@app.command("check", cls=KaoheCommand)
@handle_errors
def check(path: str = typer.Argument(..., metavar="方案文件", help="方案文件路径（.toml）")) -> None:
    """检查方案文件，一次列出全部问题（行号、键、问题和改法）；有错误时退出码为 1。"""
    from kaohe_cli.scheme.report import GUIDE, check_file

    scheme, found = check_file(path)
    errors = [p for p in found if p.level == "error"]
    warnings = [p for p in found if p.level != "error"]
    for p in errors:
        console.print(f"[red]错误[/] {escape(p.text())}")
    for p in warnings:
        console.print(f"[yellow]提醒[/] {escape(p.text())}")
    if errors:
        console.print(f"方案文件 {escape(path)} 有 {len(errors)} 处错误、{len(warnings)} 处提醒。{escape(GUIDE)}")
        raise typer.Exit(1)
    console.print(f"[green]✓[/] 方案文件 {escape(path)} 没有错误" + (f"（{len(warnings)} 处提醒）" if warnings else "")
                  + f"：{escape(scheme.name)}（{escape(scheme.id)}）。用 kaohe schemes show {escape(path)} 查看全部内容。")
