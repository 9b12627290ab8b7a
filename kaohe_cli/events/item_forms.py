"""What an entered item becomes on the ledger, and the per-person numbers its points may need.

- `counted_as`: an item with `counts_as` is entered as itself but recorded as its target (or as
  each of its targets: 私自调课 → 误课 and 误班), its quantity times `per_unit` (口头请假 → 旷工;
  病假（周）1 → 病假 5 天), with a note saying so;
- `unit_points`: the points per unit an item's line carries: 0 for an item scored on the
  period's total (`Item.by_total`, one engine line per person carries it), else its fixed points;
- `PerPersonValues`: a numeric 人员 column (`points_from`, e.g. 日工资) by 工号, each cell parsed
  once, a blank or unreadable cell an error at that cell.
"""

from __future__ import annotations

from decimal import Decimal

from kaohe_cli.events.context import Context
from kaohe_cli.issues import Issue, error
from kaohe_cli.normalize.cells import get, gid, where
from kaohe_cli.read import values as V
from kaohe_cli.scheme.model import Item, Scheme
from kaohe_cli.text import num


def counted_as(scheme: Scheme, item: Item) -> list[tuple[Item | None, Decimal, str]]:
    """What each row of `item` is recorded as: [(the item its lines are recorded as, units per
    entered unit, the note)], one per `counts_as` target (私自调课：算误课，也算误班); (None, …)
    for a target not in the scheme. An item without `counts_as` is itself, × 1, no note."""
    if item.counts_as is None:
        return [(item, Decimal(1), "")]
    out: list[tuple[Item | None, Decimal, str]] = []
    for ca in item.counts_as_list:
        target = scheme.item(ca.item)
        if target is None or target.counts_as is not None:
            out.append((None, Decimal(1), ""))
            continue
        per = ca.per_unit
        times = "" if per == 1 else f"，每{item.unit}折合{num(per)}{target.unit}"
        out.append((target, per, f"登记为「{item.name}」，按「{target.name}」计{times}"))
    return out


def unknown_target_issue(item: Item, **loc) -> Issue:
    names = "」「".join(c.item for c in item.counts_as_list)
    return error(
        f"事项「{item.name}」的 counts_as 指向「{names}」，方案中没有这个事项（或它本身又按别的事项计）",
        "请在方案文件中把 counts_as.item 改为一个已声明、且不再设 counts_as 的事项名称", **loc,
    )


def unit_points(item: Item) -> Decimal:
    """Points per unit on a row's line (0 for a marker, a by-total or a per-person item)."""
    if item.kind == "marker" or item.by_total or item.points_from is not None or item.points is None:
        return Decimal(0)
    return item.points


class PerPersonValues:
    """Numeric 人员 columns by 工号, read on first use; problems gathered in `issues`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.columns: dict[str, dict[str, Decimal]] = {}
        self.issues: list[Issue] = []
        self._reported: set[tuple[str, str]] = set()

    def column(self, name: str) -> dict[str, Decimal]:
        if name not in self.columns:
            self.columns[name] = self._read(name)
        return self.columns[name]

    def value(self, item: Item, subject: str) -> Decimal | None:
        """`points_from` of `item` for `subject`: the column × factor; None (reported) when missing."""
        pf = item.points_from
        got = self.column(pf.column).get(subject)
        if got is None:
            if (pf.column, subject) not in self._reported:
                self._reported.add((pf.column, subject))
                table = self.ctx.roster.table
                self.issues.append(error(
                    f"事项「{item.name}」按人员表「{pf.column}」计分，但工号「{subject}」的「{pf.column}」为空或不是数字",
                    f"请在人员表加上「{pf.column}」列并为此人填写数字",
                    file=self.ctx.file, sheet=table.sheet if table is not None else "人员",
                ))
            return None
        return got * pf.factor

    def _read(self, name: str) -> dict[str, Decimal]:
        table = self.ctx.roster.table
        out: dict[str, Decimal] = {}
        if table is None:
            return out
        for r, vals in table.records:
            person = gid(get(table, vals, "工号"))
            raw = get(table, vals, name)
            if not person or raw in (None, ""):
                continue
            n, problem = V.parse_number(raw, column=name, **where(table, r, name))
            if problem is not None or n < 0:
                self._reported.add((name, person))
                self.issues.append(problem or error(f"「{name}」不能为负数", "请填0或正数", **where(table, r, name)))
                continue
            out[person] = n
        return out
