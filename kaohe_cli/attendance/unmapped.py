"""What an export holds that feeds no scheme item, listed for the clerk: totals of unmapped
columns and per-day result kinds, unreadable result texts, and mapping keys that named nothing.

Unmapped totals are given once per column in the column's own unit; per-day result cells add
entries such as ("考勤结果/外勤(次)", 3) for kinds of result that no column covers.
"""

from __future__ import annotations

from decimal import Decimal

from kaohe_cli.attendance.layout import Layout
from kaohe_cli.attendance.mapping import ColumnPlan
from kaohe_cli.attendance.reader import Cell, RowsRead
from kaohe_cli.attendance.results import IssueLog
from kaohe_cli.attendance.values import short, tidy
from kaohe_cli.domain.attendance_vocabulary import PUNCH_RESULT_GROUP, RESULT_GROUP
from kaohe_cli.issues import Level


def unmapped_totals(plan: ColumnPlan, rows: RowsRead, log: IssueLog) -> list[tuple[str, Decimal]]:
    """[(header, total)] of every non-zero quantity that feeds no item, each with an issue."""
    out: list[tuple[str, Decimal]] = []
    covered: list[str] = []
    for col in plan.stats:
        covered.append(col.base)
        if col.item is not None or (col.role == "other" and not rows.col_numeric.get(col.col, False)):
            continue
        total = tidy(rows.col_totals.get(col.col, Decimal(0)))
        if not total:
            continue
        out.append((col.header, total))
        unit = col.unit or rows.col_units.get(col.col, "")
        _unmapped_issue(log, col.header, col.category, total, unit, col.cell)
    if any(c.role == "day" for c in plan.cols) or not plan.texts:
        group = RESULT_GROUP
    else:
        group = PUNCH_RESULT_GROUP if plan.text_is_punch else plan.texts[0].leaf
    has_leave_column = any(c.category.startswith("leave:") for c in plan.stats)
    for key, total in rows.day_unmapped.items():
        label = key.split("(", 1)[0]
        if any(label in base for base in covered) or (label == "请假" and has_leave_column) or not total:
            continue
        header = f"{group}/{key}"
        total = tidy(total)
        out.append((header, total))
        category = "missing" if label == "缺卡" else label
        _unmapped_issue(log, header, category, total, key[len(label) + 1:-1], rows.day_unmapped_cell[key])
    return out


def _unmapped_issue(log: IssueLog, header: str, category: str, total: Decimal, unit: str, cell: Cell) -> None:
    amount = f"{short(total)}{(' ' + unit) if unit else ''}"
    if category == "missing":
        log.add(Level.WARNING, f"「{header}」合计 {amount}，缺卡不对应考核事项，未计分",
                "缺卡是否按迟到、旷工处理由考核办决定；如需计分，请在 kaohe.toml 的考勤映射中为此列指定事项",
                cell, "export-unmapped", header=header, total=str(total))
    elif category.startswith("leave:") or header.endswith("假(天)"):
        log.add(Level.NOTE, f"「{header}」合计 {amount}，此假别不扣分，只列出",
                "如需计分，请在 kaohe.toml 的考勤映射中为此列指定事项", cell, "export-unmapped",
                header=header, total=str(total))
    else:
        log.add(Level.NOTE, f"「{header}」合计 {amount}，不对应考核事项，未计分",
                "如需计分，请在 kaohe.toml 的考勤映射中为此列指定事项", cell, "export-unmapped",
                header=header, total=str(total))


def unknown_text_issues(rows: RowsRead, log: IssueLog) -> None:
    """One warning per distinct per-day result text that could not be read."""
    for token, cell in rows.unknown_text.items():
        n = rows.unknown_count[token]
        log.add(Level.WARNING, f"考勤结果“{token}”无法识别，未计入（共 {n} 处）",
                "请核对此单元格；可识别的写法如 正常、迟到10分钟、早退5分钟、旷工、缺卡、事假1天、病假3.5小时",
                cell, "export-unknown-text", token=token, times=n)


def unused_mapping_issues(plan: ColumnPlan, layout: Layout, log: IssueLog) -> None:
    """A mapping key that named nothing in this export is a likely typo: say so."""
    unused = [k for k in plan.mapping if k not in plan.used_keys]
    if not unused:
        return
    cell = (layout.last, plan.name.col if plan.name else 0)
    log.add(Level.NOTE, f"考勤映射中的「{'」「'.join(unused)}」在本导出中没有对应的列或考勤结果，未使用",
            "请核对 kaohe.toml [attendance.mapping] 中的列名，应与导出表头一致，如 上班缺卡次数、事假(小时)",
            cell, "export-mapping-unused", keys=unused)
