"""The annual (or quarterly) workbook of `kaohe quota`: 年度, 月度等次, 科室, 说明 (and 奖金)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli.engine.annual import AnnualResult
from kaohe_cli.domain.period import KIND_NAMES
from kaohe_cli.domain.workdays import format_cn_time
from kaohe_cli.write.xlsx_style import Formats, close_book, mean_of, open_book, page, write_pairs, write_table


def annual_rows(r: AnnualResult) -> tuple[list[str], list[list]]:
    t = r.table
    is_unit = r.scheme.is_unit
    heads = ["名次"] + (["单位"] if is_unit else ["工号", "姓名", "科室", "类别"]) + [
        "期数", "平均分", "加分", "扣分", "总分", "建议等次", "资格", "备注"]
    order = t.assign(_pos=range(len(t))).sort_values(["rank", "_pos"], kind="mergesort").index
    tt = t.loc[order]
    if is_unit:
        idents = [[str(x)] for x in tt["name"]]
    else:
        idents = [[str(a), str(b), str(c), str(d)] for a, b, c, d in zip(order, tt["name"], tt["dept"], tt["category"])]
    rows = []
    for i, (rank, n, mean, bonus, ded, cents, grade, elig, rem) in enumerate(zip(
            tt["rank"], tt["n"], tt["mean"], tt["bonus"], tt["deduction"], tt["cents"], tt["grade"],
            tt["eligibility"], tt["remarks"])):
        rows.append([int(rank)] + idents[i] + [int(n), float(mean), _f(bonus), _f(ded), int(cents) / 100,
                                               str(grade), str(elig), str(rem)])
    return heads, rows


def _f(d: Decimal) -> float | int:
    d = Decimal(d)
    return int(d) if d == d.to_integral_value() else float(d)


def write_annual(r: AnnualResult, path: Path, meta: dict, unit_name: str = "") -> None:
    """The workbook of an annual (or quarterly) result: 年度, 月度等次, 科室, 奖金 when the
    scheme awards money, and 说明 (`meta` adds its own lines to 说明)."""
    wb = open_book(path)
    fmt = Formats(wb)
    _annual_sheet(wb, fmt, r, unit_name)
    _periods_sheet(wb, fmt, r, unit_name)
    _dept_sheet(wb, fmt, r, unit_name)
    if r.awards is not None:
        _awards_sheet(wb, fmt, r, unit_name)
    _about_sheet(wb, fmt, r, meta, unit_name)
    close_book(wb)


def _annual_sheet(wb, fmt: Formats, r: AnnualResult, unit_name: str) -> None:
    title = f"{r.target.label} {r.scheme.name} {KIND_NAMES[r.target.kind]}汇总"
    ws = wb.add_worksheet("年度")
    heads, rows = annual_rows(r)
    ws.merge_range(0, 0, 0, len(heads) - 1, title, fmt.title)
    n_ident = 1 if r.scheme.is_unit else 4
    kinds = ["int"] + ["text"] * n_ident + ["int", "total", "num", "num", "total", "text", "wrap", "wrap"]
    write_table(ws, fmt, heads, rows, 1, kinds)
    page(ws, 1, len(heads), title, unit_name)


def _periods_sheet(wb, fmt: Formats, r: AnnualResult, unit_name: str) -> None:
    """月度等次: each subject's grade in each period, best rank first."""
    ws = wb.add_worksheet("月度等次")
    m = r.matrix
    t = r.table
    mheads = (["单位"] if r.scheme.is_unit else ["工号", "姓名"]) + list(m.columns)
    order = t.sort_values("rank", kind="mergesort").index
    mm = m.reindex(order)
    cells = [["" if (v is None or v != v) else str(v) for v in mm[c].to_numpy()] for c in mm.columns]
    names = t.loc[order, "name"].to_numpy()
    mrows = []
    for i, s in enumerate(order):
        ident = [str(names[i])] if r.scheme.is_unit else [str(s), str(names[i])]
        mrows.append(ident + [col[i] for col in cells])
    write_table(ws, fmt, mheads, mrows, 0, ["text"] * len(mheads))
    page(ws, 0, len(mheads), f"{r.target.label} 各期等次", unit_name)


def _dept_sheet(wb, fmt: Formats, r: AnnualResult, unit_name: str) -> None:
    """科室: head count, mean, best and worst total and the grades of each department, charted."""
    ws = wb.add_worksheet("科室")
    t = r.table
    key = "dept"
    grades = [g for g in dict.fromkeys(t["grade"]) if g]
    dheads = ["科室" if not r.scheme.is_unit else "类型", "人数", "平均分", "最高分", "最低分"] + grades
    by = t.groupby(key, sort=False)["cents"]
    stats = pd.DataFrame({"n": by.size(), "sum": by.sum(), "max": by.max(), "min": by.min()})
    counts = pd.crosstab(t[key], t["grade"]).reindex(index=stats.index, columns=grades, fill_value=0)
    drows = [
        [str(name) or "未填", int(n), mean_of(int(total), int(n)), int(hi) / 100, int(lo) / 100] + [int(c) for c in per_grade]
        for name, n, total, hi, lo, per_grade in zip(stats.index, stats["n"], stats["sum"], stats["max"], stats["min"],
                                                     counts.to_numpy())
    ]
    write_table(ws, fmt, dheads, drows, 0, ["text", "int", "total", "total", "total"] + ["int"] * len(grades))
    page(ws, 0, len(dheads), f"{r.target.label} 分科室统计", unit_name)
    if drows:
        n = len(drows)
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": "平均分", "categories": ["科室", 1, 0, n, 0], "values": ["科室", 1, 2, n, 2]})
        chart.set_title({"name": "各科室年度平均分"})
        chart.set_y_axis({"name": "平均分（纵轴从0起）", "min": 0})
        chart.set_legend({"none": True})
        ws.insert_chart(n + 3, 0, chart)


def _awards_sheet(wb, fmt: Formats, r: AnnualResult, unit_name: str) -> None:
    """奖金: each subject's money by its year grade (best rank first); for units the per-person
    amount × 人数, then each leader's."""
    ws = wb.add_worksheet("奖金")
    t = r.table
    order = t.sort_values("rank", kind="mergesort").index
    if not r.scheme.is_unit:
        rows = [[str(s), str(t.at[s, "name"]), str(r.awards.at[s, "grade"]), _f(r.awards.at[s, "money"])] for s in order]
        write_table(ws, fmt, ["工号", "姓名", "等次", "奖金（元）"], rows, 0, ["text", "text", "text", "num"])
        page(ws, 0, 4, f"{r.target.label} 考核奖金", unit_name)
        return
    arows = []
    for s in order:
        a = r.awards.loc[s]
        arows.append([str(t.at[s, "name"]), str(a["grade"]), _f(a["per_person"]),
                      "" if a["people"] is None else int(a["people"]), "" if a["money"] is None else _f(a["money"])])
    for who, amount in r.leader_awards:
        arows.append([who, "", _f(amount), "", ""])
    write_table(ws, fmt, ["部门/领导", "奖项", "人均奖金（元）", "人数", "部门奖金（元）"], arows, 0,
                ["text", "text", "num", "int", "num"])
    page(ws, 0, 5, f"{r.target.label} 考核奖金", unit_name)


def _about_sheet(wb, fmt: Formats, r: AnnualResult, meta: dict, unit_name: str) -> None:
    """说明: the scheme, the method, the runs summed, quota use, `meta`, then file fingerprints."""
    ws = wb.add_worksheet("说明")
    pairs = [("方案", f"{r.scheme.name}（{r.scheme.id}）"), ("汇总期", f"{r.target.label}（{r.target.code}）"),
             ("汇总方法", (r.scheme.annual.note if r.scheme.annual and r.scheme.annual.note else "各期得分平均")),
             ("加分、扣分", "全年各期的加分、扣分之和，另加年终计分事项；总分为各期平均分加年终加分、减年终扣分")]
    if not r.scheme.is_unit:
        default = r.scheme.annual.default_grade if r.scheme.annual else "称职"
        pairs.append(("建议等次", f"未进入名额、也未被取消资格的人员为{default}"))
    for run in r.runs:
        files = "、".join(str(f.get("name")) for f in (run.input_files or []))
        pairs.append((f"考核期 {run.period}", f"第{run.id}次评分记录（{format_cn_time(run.created_at)}），输入文件 {files}"))
    for code in r.missing:
        pairs.append((f"考核期 {code}", "缺少评分记录"))
    for text in r.quota_text:
        pairs.append(("名额使用", text))
    for k, v in meta.items():
        pairs.append((k, str(v)))
    pairs.append(("技术信息", "以下为核对用的文件指纹，一般无需阅读"))
    for run in r.runs:
        for f in run.input_files or []:
            pairs.append((f"{run.period} {f.get('name')}", f"SHA-256 {f.get('sha256')}"))
    write_pairs(ws, fmt, pairs, f"{r.target.label} 汇总说明", unit_name)
