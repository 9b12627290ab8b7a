"""Per-person counts of an export: each item from its summary column, else from the per-day
results; 旷工 rounded once to the nearest 0.5 day; counts beyond reason refused; in a monthly
summary, summary columns checked against the day cells.

Bounds (`kaohe_cli.read.values.LIMITS`): a count beyond 10,000 times, or days beyond the days of
the export's period (366 when it has none), is an error and counts 0. The cross-check compares
times exactly, days within 0.01, and 旷工 after rounding.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kaohe_cli.attendance.mapping import ColumnPlan
from kaohe_cli.attendance.reader import Cell, PersonTotals, RowsRead
from kaohe_cli.attendance.results import ExportPerson, IssueLog
from kaohe_cli.attendance.values import compact_cells, round_half_day, short, tidy
from kaohe_cli.domain.attendance_vocabulary import ABSENT, DEFAULT_ITEMS, LATE, MONTHLY, is_day_item
from kaohe_cli.issues import Level
from kaohe_cli.read.values import LIMITS
from kaohe_cli.text import a1

DAY_TOLERANCE = Decimal("0.01")


def finish_people(
    rows: RowsRead, plan: ColumnPlan, kind: str, period: tuple[date | None, date | None], hpd: Decimal, log: IssueLog
) -> list[ExportPerson]:
    """The counts of every person, in order of first appearance; notes and errors go to `log`."""
    if plan.texts and not plan.summary_items:
        log.add(Level.NOTE, "本表没有迟到、早退、旷工、请假等统计列，按逐日考勤结果计数",
                "如导出时能勾选统计列，结果更可靠", plan.texts[0].cell, "export-no-summary")
    if rows.severe_in_text and LATE not in plan.summary_items:
        log.add(Level.NOTE, "逐日考勤结果中的“严重迟到”“旷工迟到”按默认对应计入“迟到”次数",
                "如不应计入，请在 kaohe.toml 的考勤映射中修改", rows.severe_in_text, "export-mapped-note")
    counter = _Counter(plan, kind, period, hpd, log)
    return [counter.person(acc) for acc in rows.people.values()]


class _Counter:
    def __init__(self, plan: ColumnPlan, kind: str, period: tuple[date | None, date | None], hpd: Decimal,
                 log: IssueLog):
        self.plan = plan
        self.hpd = hpd
        self.log = log
        self.start, self.end = start, end = period
        self.max_days = (end - start).days + 1 if start and end and end >= start else LIMITS["year"]
        self.crosscheck = kind == MONTHLY and any(c.role == "day" for c in plan.cols)
        text_items: set[str] = set()
        if plan.texts:
            text_items = set(DEFAULT_ITEMS) | {v for v in plan.mapping.values() if v}
        summary_items = plan.summary_items
        self.items = list(dict.fromkeys(
            [i for i in DEFAULT_ITEMS if i in summary_items or i in text_items]
            + sorted((summary_items | text_items) - set(DEFAULT_ITEMS))
        ))

    def person(self, acc: PersonTotals) -> ExportPerson:
        counts: dict[str, Decimal] = {}
        sources: dict[str, str] = {}
        for item in self.items:
            if item in self.plan.summary_items:
                value = acc.summary.get(item, Decimal(0))
                cells = acc.summary_cells.get(item, [])
                if self.crosscheck and acc.has_day_text:
                    self._crosscheck(acc, item, value)
            else:
                value = acc.day.get(item, Decimal(0))
                cells = acc.day_cells.get(item, [])
            if self._beyond(acc, item, value, cells):
                counts[item] = Decimal(0)
                continue
            if item == ABSENT:
                value = self._rounded_absence(acc, value, cells)
            counts[item] = tidy(value)
            if value and cells:
                sources[item] = compact_cells(self.log.sheet, cells)
        plan = self.plan
        id_cells = {label: a1(acc.row, col.col)
                    for label, col in (("姓名", plan.name), ("工号", plan.gonghao),
                                       ("部门", plan.dept), ("账号", plan.account)) if col}
        return ExportPerson(row=acc.row, gonghao=acc.gonghao, name=acc.name, dept=acc.dept,
                            counts=counts, sources=sources, account=acc.account, cells=id_cells)

    def _rounded_absence(self, acc: PersonTotals, value: Decimal, cells: list[Cell]) -> Decimal:
        """旷工 to the nearest 0.5 day, with a note when that changes it."""
        rounded = round_half_day(value)
        if rounded != tidy(value):
            cell = cells[0] if cells else (acc.row, self.plan.name.col)
            self.log.add(Level.NOTE,
                         f"{acc.name} 旷工合计 {short(tidy(value))} 天，按四舍五入到0.5天计为 {short(rounded)} 天",
                         f"旷工以半天为单位；每天按{short(self.hpd)}小时折算", cell, "export-rounded",
                         name=acc.name)
        return rounded

    def _beyond(self, acc: PersonTotals, item: str, value: Decimal, cells: list[Cell]) -> bool:
        """An error when a person's count or days of `item` cannot be right (`LIMITS`)."""
        if is_day_item(item):
            largest, unit = self.max_days, "天"
            start, end = self.start, self.end
            why = (f"导出表的统计期 {start.isoformat()} 至 {end.isoformat()} 共 {largest} 天" if start and end
                   else f"一年最多 {largest} 天")
        else:
            largest, unit, why = LIMITS["count"], "次", f"一个考核期内最多 {LIMITS['count']} 次"
        if value.is_finite() and abs(value) <= largest:
            return False
        cell = cells[0] if cells else (acc.row, self.plan.name.col)
        self.log.add(Level.ERROR, f"{acc.name} 的{item}合计 {short(value)} {unit}，超出合理范围（{why}）",
                     "请核对导出表中此人的数字，常见原因是导出后手工改错或多输了几位", cell, "beyond-limit",
                     name=acc.name, item=item)
        return True

    def _crosscheck(self, acc: PersonTotals, item: str, summary: Decimal) -> None:
        """A warning when the summary column and the day cells of a person disagree."""
        from_days = acc.day.get(item, Decimal(0))
        if item == ABSENT:
            same = round_half_day(summary) == round_half_day(from_days)
        elif is_day_item(item):
            same = abs(summary - from_days) <= DAY_TOLERANCE
        else:
            same = summary == from_days
        if same:
            return
        unit = "天" if is_day_item(item) else "次"
        cells = acc.summary_cells.get(item)
        cell = cells[0] if cells else self._summary_cell(acc, item)
        day_cells = acc.day_cells.get(item) or acc.day_cell_range
        where = compact_cells(self.log.sheet, day_cells).split("!", 1)[1] if day_cells else ""
        self.log.add(
            Level.WARNING,
            f"{acc.name} 的{item}：汇总列为 {short(tidy(summary))} {unit}，逐日考勤结果合计 {short(tidy(from_days))} {unit}"
            + (f"（{where}）" if where else ""),
            "两者不一致，已按汇总列计；请在钉钉中核对此人的考勤记录",
            cell, "export-crosscheck", name=acc.name, item=item,
            summary=str(tidy(summary)), days=str(tidy(from_days)),
        )

    def _summary_cell(self, acc: PersonTotals, item: str) -> Cell:
        for col in self.plan.stats:
            if col.item == item:
                return (acc.row, col.col)
        return (acc.row, self.plan.name.col)
