"""The graded workbook: 汇总, 明细, 科室, 问题, 说明 — written with xlsxwriter.

Printable on A4 landscape, fit to width, with frozen headers, print titles and widths that
fit CJK text. Every text cell is written with `write_string`, so a name beginning with `=`
stays text and is never a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from kaohe_cli.engine.core import Result
from kaohe_cli.engine.actions import ungraded_texts
from kaohe_cli.engine.grading import NO_GRADE, TIED
from kaohe_cli.issues import Issue, sort_issues
from kaohe_cli.domain.points import SCALE
from kaohe_cli.scheme.bands import band_text
from kaohe_cli.write.xlsx_style import Formats, close_book, mean_of, open_book, page, write_pairs, write_table

KIND_CN = {
    "base": "满分", "deduction": "扣分", "bonus": "加分", "rated": "评分", "input": "录入",
    "band": "排名档次", "value_band": "数值分档", "marker": "记录", "floor": "扣完为止", "zero": "归零", "clip": "截取",
    "cap": "封顶", "weight": "权重",
}
LEDGER_HEADERS = [
    "序号", "对象", "姓名", "考核项目", "事项", "级别", "类型", "数量", "分值", "计入",
    "规则", "文号", "事由", "日期", "来源", "备注",
]
LEDGER_WIDTHS = {10: 20, 11: 16, 12: 20, 15: 16}
LEDGER_PRINT_SCALE = 90  # percent: 10.5 pt text prints at 9.5 pt
"""明细 is printed on A4 landscape at nine points or more: its long texts (规则, 文号, 事由, 备注)
get narrower, wrapping columns, and each person's 满分 lines are one line."""


@dataclass
class RunInfo:
    """What the 说明 sheet records about the run."""

    input_files: list[tuple[str, str]]  # (name, sha256)
    tool_version: str
    created_at: str
    scheme_hash: str
    options: dict
    unit_name: str = ""  # 单位名称 (kaohe.toml), printed in every page header


def summary_rows(result: Result) -> tuple[list[str], list[list]]:
    """汇总 headers and rows, best rank first (roster order among equals)."""
    subj = result.subjects
    t = result.table
    comps = result.components
    is_unit = result.scheme.is_unit
    heads = ["名次"] + (["单位"] if is_unit else ["工号", "姓名", "科室", "类别"]) + comps + ["加分", "扣分", "总分", "等次", "备注"]
    order = t.assign(_pos=np.arange(len(t))).sort_values(["rank", "_pos"], kind="mergesort").index
    tt, ss = t.loc[order], subj.loc[order]
    if is_unit:
        idents = [[str(x)] for x in ss["名称"]]
    else:
        idents = [[str(a), str(b), str(c), str(d)] for a, b, c, d in zip(order, ss["姓名"], ss["科室"], ss["类别"])]
    columns = [[_num(v) for v in tt[c].to_numpy()] for c in comps + ["加分", "扣分"]]
    shown = result.scheme.has_money
    if shown:  # the period's money (line money + total × yuan_per_point), after 总分
        heads.insert(heads.index("总分") + 1, f"{result.scheme.money_name}（元）")
        fen = result.money.loc[order].to_numpy()
    rows = []
    for i, (rank, cents, grade, remark) in enumerate(zip(tt["rank"], tt["cents"], tt["grade"], tt["remarks"])):
        total = int(cents) / 100
        worth = [int(fen[i]) / 100] if shown else []
        rows.append([int(rank)] + idents[i] + [col[i] for col in columns] + [total, *worth, str(grade), str(remark)])
    return heads, rows


def _num(micro) -> float | int:
    v = int(micro)
    if v % SCALE == 0:
        return v // SCALE
    return float(Decimal(v) / SCALE)


def write_result(result: Result, path: Path, run: RunInfo) -> None:
    wb = open_book(path, nan_inf_to_errors=True)
    wb.set_properties({"title": f"{result.scheme.name} {result.period.label} 考核结果", "creator": "kaohe"})
    fmt = Formats(wb)
    title = f"{result.period.label} {result.scheme.name} 考核结果"
    unit = run.unit_name
    _summary_sheet(wb, fmt, result, title, unit)
    _ledger_sheet(wb, fmt, result, unit)
    _dept_sheet(wb, fmt, result, unit)
    _issues_sheet(wb, fmt, result.issues, f"{result.period.label} 问题清单", unit)
    _about_sheet(wb, fmt, result, run)
    close_book(wb)


def _summary_sheet(wb, fmt: Formats, result: Result, title: str, unit: str = "") -> None:
    ws = wb.add_worksheet("汇总")
    heads, rows = summary_rows(result)
    ws.merge_range(0, 0, 0, len(heads) - 1, title, fmt.title)
    money_col = ["money"] if result.scheme.has_money else []
    kinds = (["int"] + ["text"] * (1 if result.scheme.is_unit else 4) + ["num"] * (len(result.components) + 2)
             + ["total", *money_col, "text", "wrap"])
    write_table(ws, fmt, heads, rows, 1, kinds)
    page(ws, 1, len(heads), title, unit)


def ledger_rows(result: Result) -> list[list]:
    """明细 rows in ledger order. A subject's 满分 lines (one per component, 83% of the lines of a
    big bureau) are one line, at the place of the first: 满分：考勤工作30、常规工作25…; its 分值 is
    their sum, so the counted 分值 of a subject still add up to its 总分. A scheme with line money
    (an item's or a rule's `money`) has a last column, 金额 (元), filled on the lines that have money."""
    led = result.ledger
    with_money = result.scheme.has_line_money
    fen = led["money"].to_numpy() if with_money else None
    subj = result.subjects
    is_unit = result.scheme.is_unit
    names = subj["名称"] if is_unit else subj["姓名"]
    name_col = led["subject"].map(names).fillna("").astype(str).to_numpy()
    qty = led["quantity"].to_numpy()
    pts = led["points"].to_numpy()
    base = (led["kind"] == "base").to_numpy()
    base_total: dict = {}
    base_parts: dict = {}
    for subject, component, p in zip(led["subject"].to_numpy()[base], led["component"].to_numpy()[base], pts[base]):
        base_total[subject] = base_total.get(subject, 0) + int(p)
        base_parts.setdefault(subject, []).append(f"{component}{_num(p)}")
    rows = []
    shown: set = set()
    for i, rec in enumerate(led.itertuples(index=False)):
        if base[i]:
            if rec.subject in shown:
                continue
            shown.add(rec.subject)
            parts = base_parts[rec.subject]
            rows.append([
                len(rows) + 1, str(rec.subject), name_col[i], "（各项满分）" if len(parts) > 1 else rec.component or "",
                "", "", KIND_CN["base"], None, _num(base_total[rec.subject]), "是", "满分：" + "、".join(parts),
                "", "", "", "", "", *([None] if with_money else []),
            ])
            continue
        q = qty[i]
        counted = "年终" if rec.annual else ("是" if rec.counted else "否")
        rows.append([
            len(rows) + 1, str(rec.subject), name_col[i], rec.component or "", rec.item or "", rec.level or "",
            KIND_CN.get(rec.kind, rec.kind), None if q != q else _q(q), _num(pts[i]), counted, rec.rule or "",
            rec.evidence or "", rec.reason or "", rec.date or "", rec.source or "", rec.note or "",
            *([int(fen[i]) / 100 if fen[i] else None] if with_money else []),
        ])
    return rows


def _q(q: float):
    return int(q) if float(q).is_integer() else float(q)


def _ledger_sheet(wb, fmt: Formats, result: Result, unit: str = "") -> None:
    ws = wb.add_worksheet("明细")
    rows = ledger_rows(result)
    kinds = ["int", "text", "text", "text", "text", "text", "text", "num", "num", "text", "wrap",
             "wrap", "wrap", "text", "text", "wrap"]
    heads = list(LEDGER_HEADERS)
    if result.scheme.has_line_money:
        heads.append("金额（元）")
        kinds.append("money")
    if result.scheme.is_unit:
        heads[1], heads[2] = "单位", "名称"
    else:
        heads[1] = "工号"
    write_table(ws, fmt, heads, rows, 0, kinds, LEDGER_WIDTHS)
    page(ws, 0, len(heads), f"{result.period.label} 考核明细", unit)
    # Fitted to one page wide, 16 columns print at about 6 pt. At 90% the 10.5 pt text prints
    # at 9.5 pt; the columns run on to a second page across, each repeating 序号, 工号, 姓名.
    ws.fit_to_pages(0, 0)
    ws.set_print_scale(LEDGER_PRINT_SCALE)
    ws.repeat_columns(0, 2)
    ws.set_page_view(0)


def dept_stats(result: Result) -> tuple[list[str], list[list], list[str]]:
    t = result.table.join(result.subjects)
    key = "类型" if result.scheme.is_unit else "科室"
    outside = [TIED, NO_GRADE, *sorted(ungraded_texts(result.scheme) - {NO_GRADE})]  # 不参加年度考核 …
    grades = [g for g in result.scheme.grading.names] + [g for g in outside if (t["grade"] == g).any()]
    t[key] = t[key].fillna("").astype(str).replace("", "未填")
    heads = [key, "人数", "平均分", "最高分", "最低分"] + grades
    by = t.groupby(key, sort=False)["cents"]
    stats = pd.DataFrame({"n": by.size(), "sum": by.sum(), "max": by.max(), "min": by.min()})
    counts = pd.crosstab(t[key], t["grade"]).reindex(index=stats.index, columns=grades, fill_value=0)
    rows = []
    for name, n, total, hi, lo, per_grade in zip(stats.index, stats["n"], stats["sum"], stats["max"], stats["min"],
                                                 counts.to_numpy()):
        rows.append([str(name), int(n), mean_of(int(total), int(n)), int(hi) / 100, int(lo) / 100]
                    + [int(c) for c in per_grade])
    return heads, rows, grades


def _dept_sheet(wb, fmt: Formats, result: Result, unit: str = "") -> None:
    ws = wb.add_worksheet("科室")
    heads, rows, grades = dept_stats(result)
    kinds = ["text", "int", "total", "total", "total"] + ["int"] * len(grades)
    write_table(ws, fmt, heads, rows, 0, kinds)
    page(ws, 0, len(heads), f"{result.period.label} 分科室统计", unit)
    if not rows:
        return
    n = len(rows)
    if not grades:  # a scheme without grades: the mean score alone
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": ["科室", 0, 2], "categories": ["科室", 1, 0, n, 0], "values": ["科室", 1, 2, n, 2]})
        chart.set_title({"name": "各科室平均分"})
        chart.set_y_axis({"name": "平均分（纵轴从0起）", "min": 0})
        chart.set_legend({"none": True})
        chart.set_size({"width": 760, "height": 380})
        ws.insert_chart(n + 3, 0, chart)
        return
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for i, g in enumerate(grades):
        col = 5 + i
        chart.add_series({"name": ["科室", 0, col], "categories": ["科室", 1, 0, n, 0], "values": ["科室", 1, col, n, col]})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": ["科室", 0, 2], "categories": ["科室", 1, 0, n, 0], "values": ["科室", 1, 2, n, 2],
                     "y2_axis": True, "marker": {"type": "circle"}})
    chart.combine(line)
    chart.set_title({"name": "各科室等次人数与平均分"})
    chart.set_y_axis({"name": "人数", "min": 0})
    line.set_y2_axis({"name": "平均分（纵轴从0起）", "min": 0})  # a 1-point gap must not look like a chasm
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 380})
    ws.insert_chart(n + 3, 0, chart)


def _issues_sheet(wb, fmt: Formats, issues: list[Issue], title: str = "问题清单", unit: str = "") -> None:
    ws = wb.add_worksheet("问题")
    rows = [[i.level.value, i.location, i.message, i.hint] for i in sort_issues(issues)]
    write_table(ws, fmt, ["级别", "位置", "问题", "建议"], rows, 0, ["text", "text", "wrap", "wrap"])
    ws.set_column(2, 2, 60)
    ws.set_column(3, 3, 40)
    page(ws, 0, 4, title, unit)


def _about_sheet(wb, fmt: Formats, result: Result, run: RunInfo) -> None:
    ws = wb.add_worksheet("说明")
    s = result.scheme
    from kaohe_cli.domain.workdays import format_cn_time

    pairs: list[tuple[str, str]] = [
        ("方案", f"{s.name}（{s.id}）"),
        ("方案来源", s.source),
        ("考核期", f"{result.period.label}（{result.period.code}）"),
        ("考核对象数", str(len(result.subjects))),
        ("输入文件", "、".join(name for name, _ in run.input_files)),
        ("生成时间", format_cn_time(run.created_at)),
    ]
    quotas = (run.options or {}).get("quotas") or {}
    if quotas:
        pairs.append(("名额", "，".join(f"{k} {v}" for k, v in quotas.items()) + "（评分时指定，替换方案名额）"))
    for c in s.components:
        extra = f"，权重{_dec(c.weight * 100)}%" if c.weight != 1 else ""
        bands = f"（{band_text(c)}）" if c.kind == "value_band" else ""
        pairs.append((f"考核项目 {c.name}", f"{_kind(c.kind)}{bands}，满分{_dec(c.max)}{extra}"))
    if s.bonus_caps.categories or s.bonus_caps.total is not None:
        caps = "，".join(f"{k}{_dec(v)}" for k, v in s.bonus_caps.categories.items())
        total = f"；合计{_dec(s.bonus_caps.total)}" if s.bonus_caps.total is not None else ""
        pairs.append(("加分封顶", caps + total))
    grades = "，".join(f"{g.name}{'≥' + _dec(g.min) if g.min is not None else ''}{'（名额' + g.quota + '）' if g.quota else ''}" for g in s.grading.grades)
    pairs.append(("等次", grades))
    for use in result.quota_uses:
        tied = f"，并列待定{len(use.tied)}人" if use.tied else ""
        pairs.append((f"名额 {use.grade}", f"{use.group}：N={use.n}，{use.quota} → {use.places}人，实评{use.granted}人{tied}"))
    # Fingerprints and versions, for checking a file against the archive: last, for whoever needs them.
    pairs.append(("技术信息", "以下用于核对文件与档案记录，一般无需阅读"))
    pairs += [("方案版本", s.version), ("方案指纹", run.scheme_hash)]
    for name, digest in run.input_files:
        pairs.append((f"文件指纹 {name}", f"SHA-256 {digest}"))
    pairs.append(("kaohe 版本", run.tool_version))
    write_pairs(ws, fmt, pairs, f"{result.period.label} 考核说明", run.unit_name)


def _kind(k: str) -> str:
    return {"deduction": "扣分制（扣完为止）", "rated": "评分", "input": "录入加减分", "rank_band": "按排名分档",
            "value_band": "按数值分档"}[k]


def _dec(d) -> str:
    return format(Decimal(d).normalize(), "f")
