"""Reading the data rows of an export: who each row is, and what its statistic columns and
per-day result cells add up to, per person.

People: one per 工号; without one, per UserId / 账号; else per 姓名 + 部门. Person-day rows are
added up per person; a person on two rows of a monthly summary is added up with a warning. Rows
without 姓名 are skipped with a warning; 合计 / 总计 rows and notes ("注：…") are skipped. In the
punch-result kinds the results of one day count 旷工 and leave at most once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kaohe_cli.attendance.daytext import counts_days, parse_day_text
from kaohe_cli.attendance.layout import Layout
from kaohe_cli.attendance.mapping import ColumnPlan, day_item, day_label
from kaohe_cli.attendance.results import IssueLog
from kaohe_cli.attendance.values import amount, cell_text, convert, date_of, identity_text, is_blank, short
from kaohe_cli.domain.attendance_vocabulary import NOTE_STARTS, SKIP_NAMES, is_day_item
from kaohe_cli.domain.points import shown
from kaohe_cli.issues import Level
from kaohe_cli.text import clean

Cell = tuple[int, int]  # 0-based (row, col)


@dataclass
class PersonTotals:
    """What the rows of one person add up to, from statistic columns and from per-day results."""

    row: int
    gonghao: str
    name: str
    dept: str
    account: str
    summary: dict[str, Decimal] = field(default_factory=dict)
    summary_cells: dict[str, list[Cell]] = field(default_factory=dict)
    day: dict[str, Decimal] = field(default_factory=dict)
    day_cells: dict[str, list[Cell]] = field(default_factory=dict)
    has_day_text: bool = False
    day_cell_range: list[Cell] = field(default_factory=list)

    def add(self, which: str, item: str, value: Decimal, cell: Cell) -> None:
        """Add to the "summary" (columns) or "day" (per-day results) count of `item`."""
        values = self.summary if which == "summary" else self.day
        cells = self.summary_cells if which == "summary" else self.day_cells
        values[item] = values.get(item, Decimal(0)) + value
        if value:
            cells.setdefault(item, []).append(cell)


@dataclass
class RowsRead:
    """The people of an export, and what its data rows showed beside them."""

    people: dict[tuple, PersonTotals] = field(default_factory=dict)
    col_totals: dict[int, Decimal] = field(default_factory=dict)  # unmapped column → total
    col_units: dict[int, str] = field(default_factory=dict)  # unmapped column → unit of its total
    col_numeric: dict[int, bool] = field(default_factory=dict)  # unknown column → holds numbers
    day_unmapped: dict[str, Decimal] = field(default_factory=dict)  # "缺卡(次)" → total
    day_unmapped_cell: dict[str, Cell] = field(default_factory=dict)
    unknown_text: dict[str, Cell] = field(default_factory=dict)  # unreadable result → first cell
    unknown_count: dict[str, int] = field(default_factory=dict)
    severe_in_text: Cell | None = None  # first per-day 严重迟到 / 旷工迟到
    dates: list[date] = field(default_factory=list)


def read_rows(layout: Layout, plan: ColumnPlan, hpd: Decimal, per_day: bool, log: IssueLog) -> RowsRead:
    """Read every data row below the header; problems go to `log`, used mapping keys to `plan`."""
    return _RowReader(plan, hpd, per_day, log).read(layout)


class _RowReader:
    def __init__(self, plan: ColumnPlan, hpd: Decimal, per_day: bool, log: IssueLog):
        self.plan = plan
        self.hpd = hpd
        self.per_day = per_day
        self.log = log
        self.out = RowsRead()

    def read(self, layout: Layout) -> RowsRead:
        name_col = self.plan.name
        seen_rows: dict[tuple, int] = {}
        for r in range(layout.last + 1, len(layout.rows)):
            row = layout.rows[r]
            if all(is_blank(v) for v in row):
                continue
            name = clean(row[name_col.col]) if name_col else ""
            if name in SKIP_NAMES or name.startswith(NOTE_STARTS) or ":" in name or "：" in name:
                continue
            if not name:
                self.log.add(Level.WARNING, "这一行有数据但没有姓名，已跳过", "请补上姓名或删除这一行",
                             (r, name_col.col), "export-no-name")
                continue
            key, acc = self._person(r, row, name, seen_rows)
            seen_rows[key] = r
            if self.plan.date:
                d = date_of(row[self.plan.date.col])
                if d:
                    self.out.dates.append(d)
            self._read_stats(acc, r, row)
            self._read_text(acc, r, row)
        return self.out

    def _person(self, r: int, row: list, name: str, seen_rows: dict[tuple, int]) -> tuple[tuple, PersonTotals]:
        """The person a data row belongs to (new, or one already seen)."""
        plan = self.plan
        gonghao = identity_text(row[plan.gonghao.col]) if plan.gonghao else ""
        dept = clean(row[plan.dept.col]) if plan.dept else ""
        account = identity_text(row[plan.account.col]) if plan.account else ""
        if gonghao:
            key: tuple = ("工号", gonghao)
        elif account:
            key = ("账号", account)
        else:
            key = ("姓名", name, dept)
        acc = self.out.people.get(key)
        if acc is None:
            acc = self.out.people[key] = PersonTotals(r, gonghao, name, dept, account)
        elif not self.per_day:
            self.log.add(Level.WARNING, f"{name} 在汇总表中出现了不止一行（另见第{seen_rows[key] + 1}行），各行已相加",
                         "请确认此人没有在两个考勤组中重复统计", (r, plan.name.col), "export-duplicate-person")
        return key, acc

    def _read_stats(self, acc: PersonTotals, r: int, row: list) -> None:
        for col in self.plan.stats:
            value = row[col.col]
            parsed = amount(value)
            if parsed is None and isinstance(value, float):  # NaN or infinity: never a number
                self.log.add(Level.ERROR, f"「{col.header}」的值不是有效数字（{shown(value)}）",
                             "请在钉钉或企业微信中重新导出，或改为正确的数字", (r, col.col), "export-bad-number")
                continue
            if parsed is None:
                if col.role == "other":
                    self.out.col_numeric[col.col] = False
                    continue
                self.log.add(Level.WARNING, f"「{col.header}」的值“{cell_text(value)}”不是数字，按0计",
                             "请填写数字，如 1.5、3天、2次", (r, col.col), "export-bad-value")
                continue
            number, cell_unit = parsed
            if number < 0:
                self.log.add(Level.WARNING, f"「{col.header}」的值 {short(number)} 是负数，按0计",
                             "请核对导出表", (r, col.col), "export-bad-value")
                continue
            if not is_blank(value) and col.role == "other":
                self.out.col_numeric.setdefault(col.col, True)
            unit = cell_unit or col.unit
            if col.item:
                if is_day_item(col.item):
                    days = number if unit in ("次", "") else convert(number, unit, "天", self.hpd)
                    acc.add("summary", col.item, days, (r, col.col))
                else:
                    acc.add("summary", col.item, number, (r, col.col))
            elif number:
                target = self.out.col_units.setdefault(col.col, col.unit or cell_unit)
                self.out.col_totals[col.col] = self.out.col_totals.get(col.col, Decimal(0)) + convert(
                    number, unit, target, self.hpd)

    def _read_text(self, acc: PersonTotals, r: int, row: list) -> None:
        if not self.plan.texts:
            return
        plan, out = self.plan, self.out
        row_days: dict[str, tuple[Decimal, Cell]] = {}  # punch results: the largest of the day
        for col in plan.texts:
            value = row[col.col]
            if is_blank(value):
                continue
            acc.has_day_text = True
            acc.day_cell_range.append((r, col.col))
            cell = (r, col.col)
            entries, unknown = parse_day_text(value, self.hpd)
            for token in unknown:
                out.unknown_text.setdefault(token, cell)
                out.unknown_count[token] = out.unknown_count.get(token, 0) + 1
            for entry in entries:
                if entry.category in ("severe_late", "absent_late"):
                    out.severe_in_text = out.severe_in_text or cell
                item = day_item(entry.category, plan.mapping, plan.overrides, plan.used_keys)
                is_days = counts_days(entry.category)
                if item is None:
                    label, unit = day_label(entry.category)
                    key, n = f"unmapped:{label}", entry.days if is_days else entry.count
                else:
                    key, unit = item, ""
                    n = entry.days if (is_days and is_day_item(item)) else entry.count
                if plan.text_is_punch and is_days:
                    prev = row_days.get(key)
                    if prev is None or n > prev[0]:
                        row_days[key] = (n, cell)
                elif item is None:
                    self._add_day_unmapped(label, unit, n, cell)
                else:
                    acc.add("day", item, n, cell)
        for key, (n, cell) in row_days.items():
            if key.startswith("unmapped:"):
                self._add_day_unmapped(key[9:], "天", n, cell)
            else:
                acc.add("day", key, n, cell)

    def _add_day_unmapped(self, label: str, unit: str, total: Decimal, cell: Cell) -> None:
        key = f"{label}({unit})"
        self.out.day_unmapped[key] = self.out.day_unmapped.get(key, Decimal(0)) + total
        self.out.day_unmapped_cell.setdefault(key, cell)
