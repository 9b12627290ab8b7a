"""The graded workbook: 汇总, 明细, 科室, 问题, 说明 — written with xlsxwriter.

Printable on A4 landscape, fit to width, with frozen headers, print titles and widths that
fit CJK text. Every text cell is written with `write_string`, so a name beginning with `=`
stays text and is never a formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from kaohe_cli.engine.core import Result
from kaohe_cli.issues import Issue, sort_issues
from kaohe_cli.domain.points import SCALE

KIND_CN = {
    "base": "满分", "deduction": "扣分", "bonus": "加分", "rated": "评分", "input": "录入",
    "band": "排名档次", "marker": "记录", "floor": "扣完为止", "zero": "归零", "clip": "截取",
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
    rows = []
    for i, (rank, cents, grade, remark) in enumerate(zip(tt["rank"], tt["cents"], tt["grade"], tt["remarks"])):
        rows.append([int(rank)] + idents[i] + [col[i] for col in columns] + [int(cents) / 100, str(grade), str(remark)])
    return heads, rows


def _num(micro) -> float | int:
    v = int(micro)
    if v % SCALE == 0:
        return v // SCALE
    return float(Decimal(v) / SCALE)


def write_result(result: Result, path: Path, run: RunInfo) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True},
    )
    wb.set_properties({"title": f"{result.scheme.name} {result.period.label} 考核结果", "creator": "kaohe"})
    fmt = _Formats(wb)
    title = f"{result.period.label} {result.scheme.name} 考核结果"
    unit = run.unit_name
    _summary_sheet(wb, fmt, result, title, unit)
    _ledger_sheet(wb, fmt, result, unit)
    _dept_sheet(wb, fmt, result, unit)
    _issues_sheet(wb, fmt, result.issues, f"{result.period.label} 问题清单", unit)
    _about_sheet(wb, fmt, result, run)
    close_book(wb)


def close_book(wb) -> None:
    """Close an xlsxwriter workbook, turning its FileCreateError back into the OSError it wraps
    (a full disk, a file open in Excel), which `fileout.atomic_output` reports in Chinese."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        wb.close()
    except FileCreateError as exc:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise inner from None


class _Formats:
    def __init__(self, wb) -> None:
        base = {"font_name": "宋体", "font_size": 10.5, "valign": "vcenter", "border": 1}
        self.head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True})
        self.text = wb.add_format({**base})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.num = wb.add_format({**base, "num_format": "0.##"})
        self.total = wb.add_format({**base, "num_format": "0.00", "bold": True})
        self.int = wb.add_format({**base, "align": "center"})
        self.title = wb.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
        self.key = wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2"})


def _page(ws, header_row: int, ncols: int, title: str, unit: str = "") -> None:
    """A4 landscape, fit to the width, header rows repeated on every page; the page header
    names the unit (left) and what the sheet is (centre), the footer numbers the pages."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    left = f"&L{unit.replace('&', '&&')}" if unit else ""
    ws.set_header(f"{left}&C&\"宋体,Bold\"{title.replace('&', '&&')}")
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.freeze_panes(header_row + 1, 0)


def _width(texts) -> float:
    best = 4.0
    for t in texts:
        s = str(t)
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)
        best = max(best, w)
    return min(best + 2, 60)


BIG = 5000  # rows above which a sheet is written plainly (no per-cell borders), for speed


def _write_table(ws, fmt: _Formats, heads: list[str], rows: list[list], start: int, kinds: list[str],
                 max_widths: dict[int, float] | None = None) -> None:
    ws.write_row(start, 0, heads, fmt.head)
    styles = {"text": fmt.text, "num": fmt.num, "total": fmt.total, "int": fmt.int, "wrap": fmt.wrap}
    if len(rows) > BIG:
        # Large sheets (明细 of a big bureau): one write_row per row, printed gridlines instead of
        # borders. Text stays text: the workbook is opened with strings_to_formulas=False.
        ws.hide_gridlines(0)
        text_cols = [c for c, k in enumerate(kinds) if k in ("text", "wrap")]
        num_cols = [c for c, k in enumerate(kinds) if k not in ("text", "wrap")]
        # The undecorated writers skip xlsxwriter's A1-argument parsing (a quarter of the
        # per-cell cost); row and column are always numbers here.
        write_string = getattr(ws, "_write_string", ws.write_string)
        write_number = getattr(ws, "_write_number", ws.write_number)
        for r, row in enumerate(rows, start + 1):
            for c in text_cols:
                v = row[c]
                if v:
                    write_string(r, c, v if isinstance(v, str) else str(v))
            for c in num_cols:
                v = row[c]
                if v is not None and v != "":
                    write_number(r, c, v)
        rows_iter = ()
    else:
        rows_iter = rows
    for r, row in enumerate(rows_iter, start + 1):
        for c, v in enumerate(row):
            kind = kinds[c]
            if v is None or v == "":
                ws.write_blank(r, c, None, styles[kind])
            elif kind in ("text", "wrap"):
                ws.write_string(r, c, str(v), styles[kind])
            else:
                ws.write_number(r, c, v, styles[kind])
    sample = rows[:500]
    widths = []
    for c, h in enumerate(heads):
        w = _width([h] + [row[c] for row in sample if row[c] not in (None, "")])
        if kinds[c] == "wrap":
            w = min(w, 40)
        if max_widths and c in max_widths:
            w = min(w, max_widths[c])
        widths.append(w)
        ws.set_column(c, c, w)
    _fit_wrapped_rows(ws, rows_iter, start + 1, [c for c, k in enumerate(kinds) if k == "wrap"], widths)
    if rows:
        ws.autofilter(start, 0, start + len(rows), len(heads) - 1)


LINE_HEIGHT = 14.25  # points per line of 10.5 pt 宋体, as Excel and WPS lay it out


def _fit_wrapped_rows(ws, rows, first_row: int, wrap_cols: list[int], widths: list[float]) -> None:
    """Rows whose wrapped text needs several lines get the height for them: Excel and WPS do
    not grow a row for wrapped text written by a program, and the text then overlaps the rows
    below on screen and on paper. (Large plain sheets do not wrap, so they are left alone.)"""
    if not wrap_cols:
        return
    for r, row in enumerate(rows, first_row):
        lines = 1
        for c in wrap_cols:
            v = row[c]
            if v and (len(str(v)) * 2 > widths[c] - 1 or "\n" in str(v)):
                lines = max(lines, _wrapped_lines(str(v), widths[c]))
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines)


def _wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes in a column `width` characters wide (CJK characters count two)."""
    room = max(width - 0.5, 1.0)
    total = 0
    for part in text.split("\n"):
        cells = sum(1.8 if ord(ch) > 0x2E80 else 1.0 for ch in part)  # a CJK glyph is a little under two
        total += max(1, math.ceil(cells / room))
    return total


def _summary_sheet(wb, fmt: _Formats, result: Result, title: str, unit: str = "") -> None:
    ws = wb.add_worksheet("汇总")
    heads, rows = summary_rows(result)
    ws.merge_range(0, 0, 0, len(heads) - 1, title, fmt.title)
    kinds = ["int"] + ["text"] * (1 if result.scheme.is_unit else 4) + ["num"] * (len(result.components) + 2) + ["total", "text", "wrap"]
    _write_table(ws, fmt, heads, rows, 1, kinds)
    _page(ws, 1, len(heads), title, unit)


def ledger_rows(result: Result) -> list[list]:
    """明细 rows in ledger order. A subject's 满分 lines (one per component, 83% of the lines of a
    big bureau) are one line, at the place of the first: 满分：考勤工作30、常规工作25…; its 分值 is
    their sum, so the counted 分值 of a subject still add up to its 总分."""
    led = result.ledger
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
                "", "", "", "", "",
            ])
            continue
        q = qty[i]
        counted = "年终" if rec.annual else ("是" if rec.counted else "否")
        rows.append([
            len(rows) + 1, str(rec.subject), name_col[i], rec.component or "", rec.item or "", rec.level or "",
            KIND_CN.get(rec.kind, rec.kind), None if q != q else _q(q), _num(pts[i]), counted, rec.rule or "",
            rec.evidence or "", rec.reason or "", rec.date or "", rec.source or "", rec.note or "",
        ])
    return rows


def _q(q: float):
    return int(q) if float(q).is_integer() else float(q)


def _ledger_sheet(wb, fmt: _Formats, result: Result, unit: str = "") -> None:
    ws = wb.add_worksheet("明细")
    rows = ledger_rows(result)
    kinds = ["int", "text", "text", "text", "text", "text", "text", "num", "num", "text", "wrap",
             "wrap", "wrap", "text", "text", "wrap"]
    heads = list(LEDGER_HEADERS)
    if result.scheme.is_unit:
        heads[1], heads[2] = "单位", "名称"
    else:
        heads[1] = "工号"
    _write_table(ws, fmt, heads, rows, 0, kinds, LEDGER_WIDTHS)
    _page(ws, 0, len(heads), f"{result.period.label} 考核明细", unit)
    # Fitted to one page wide, 16 columns print at about 6 pt. At 90% the 10.5 pt text prints
    # at 9.5 pt; the columns run on to a second page across, each repeating 序号, 工号, 姓名.
    ws.fit_to_pages(0, 0)
    ws.set_print_scale(LEDGER_PRINT_SCALE)
    ws.repeat_columns(0, 2)
    ws.set_page_view(0)


def dept_stats(result: Result) -> tuple[list[str], list[list], list[str]]:
    t = result.table.join(result.subjects)
    key = "类型" if result.scheme.is_unit else "科室"
    grades = [g for g in result.scheme.grading.names] + [g for g in ("并列待定", "不确定等次") if (t["grade"] == g).any()]
    t[key] = t[key].fillna("").astype(str).replace("", "未填")
    heads = [key, "人数", "平均分", "最高分", "最低分"] + grades
    by = t.groupby(key, sort=False)["cents"]
    stats = pd.DataFrame({"n": by.size(), "sum": by.sum(), "max": by.max(), "min": by.min()})
    counts = pd.crosstab(t[key], t["grade"]).reindex(index=stats.index, columns=grades, fill_value=0)
    rows = []
    for name, n, total, hi, lo, per_grade in zip(stats.index, stats["n"], stats["sum"], stats["max"], stats["min"],
                                                 counts.to_numpy()):
        rows.append([str(name), int(n), _mean_of(int(total), int(n)), int(hi) / 100, int(lo) / 100]
                    + [int(c) for c in per_grade])
    return heads, rows, grades


def _mean_of(total_cents: int, n: int) -> float:
    """Mean of n rounded totals given their sum in cents, half up to 2 places."""
    from decimal import ROUND_HALF_UP

    return float((Decimal(total_cents) / n / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _dept_sheet(wb, fmt: _Formats, result: Result, unit: str = "") -> None:
    ws = wb.add_worksheet("科室")
    heads, rows, grades = dept_stats(result)
    kinds = ["text", "int", "total", "total", "total"] + ["int"] * len(grades)
    _write_table(ws, fmt, heads, rows, 0, kinds)
    _page(ws, 0, len(heads), f"{result.period.label} 分科室统计", unit)
    if not rows:
        return
    n = len(rows)
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


def _issues_sheet(wb, fmt: _Formats, issues: list[Issue], title: str = "问题清单", unit: str = "") -> None:
    ws = wb.add_worksheet("问题")
    rows = [[i.level.value, i.location, i.message, i.hint] for i in sort_issues(issues)]
    _write_table(ws, fmt, ["级别", "位置", "问题", "建议"], rows, 0, ["text", "text", "wrap", "wrap"])
    ws.set_column(2, 2, 60)
    ws.set_column(3, 3, 40)
    _page(ws, 0, 4, title, unit)


def _about_sheet(wb, fmt: _Formats, result: Result, run: RunInfo) -> None:
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
        pairs.append((f"考核项目 {c.name}", f"{_kind(c.kind)}，满分{_dec(c.max)}{extra}"))
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


def write_pairs(ws, fmt: _Formats, pairs: list[tuple[str, str]], title: str, unit: str = "") -> None:
    """A two-column 项目/内容 sheet (说明), always as text."""
    ws.write_row(0, 0, ["项目", "内容"], fmt.head)
    for r, (k, v) in enumerate(pairs, 1):
        ws.write_string(r, 0, k, fmt.key)
        ws.write_string(r, 1, v, fmt.wrap)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 95)
    _fit_wrapped_rows(ws, [list(p) for p in pairs], 1, [1], [18, 95])
    _page(ws, 0, 2, title, unit)


def _kind(k: str) -> str:
    return {"deduction": "扣分制（扣完为止）", "rated": "评分", "input": "录入加减分", "rank_band": "按排名分档"}[k]


def _dec(d) -> str:
    return format(Decimal(d).normalize(), "f")
