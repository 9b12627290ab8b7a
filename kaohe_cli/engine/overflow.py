"""The part above N counts as another item (`Item.overflow`: 病假超过3天的部分按事假计).

Within the period, each subject's total quantity of an item with `overflow = { over, item,
per_unit }` (its counted period lines, whatever sheet or `counts_as` item they came from) is
split: the part up to `over` stays with the item (scored on its total by `count_lines`, a
marker scores nothing), the part above it becomes one ledger line of the target item with
`per_unit` × that many units. That line is the target's: its component, kind, category and
points (a fixed value per unit; 0 when the target is itself scored on its total or a marker,
whose own count line then counts it), so the target's thresholds (`zero_at`, `zero_above`),
counting keys and rules (`quantity_of`, `items`, `if_none_of`) all see it. Its rule says where
it came from (`病假共5天，超过3天的2天按事假计`), its source lists the cells of the rows.

The source item's lines keep their quantity: `quantity_of = ["病假"]` sees the whole 病假
total, the converted part included. A target may overflow in turn (病假 → 事假 → 误班): items
are converted in chain order, each seeing what the step before added. The scheme's checks
refuse a cycle (`scheme/checks.py`), and the order below stops at one anyway.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kaohe_cli.domain.points import to_micro
from kaohe_cli.events import ledger as L
from kaohe_cli.events.row_values import money_fen
from kaohe_cli.scheme.model import Item, Scheme
from kaohe_cli.text import num

_QTY_PLACES = 9  # as engine/conditions.py: summed float quantities compared at 9 places
_SOURCES_SHOWN = 5  # the cells listed in a converted line's source; the others are counted


def chain_order(scheme: Scheme) -> list[Item]:
    """The items with `overflow`, each after every item whose overflow lands on it."""
    with_overflow = [it for it in scheme.items if it.overflow is not None]
    into: dict[str, list[Item]] = {}
    for it in with_overflow:
        target = scheme.item(it.overflow.item)
        if target is not None:
            into.setdefault(target.name, []).append(it)
    order: list[Item] = []
    placed: set[str] = set()

    def place(it: Item, path: tuple[str, ...]) -> None:
        if it.name in placed or it.name in path:  # a cycle (refused by the checks) stops here
            return
        for before in into.get(it.name, []):
            place(before, path + (it.name,))
        placed.add(it.name)
        order.append(it)

    for it in with_overflow:
        place(it, ())
    return order


def overflow_lines(prep, events: pd.DataFrame) -> pd.DataFrame:
    """The converted lines of the period: per subject and item with `overflow`, one line of the
    target item for the part of the item's counted period total above `over`."""
    scheme, idx = prep.scheme, prep.subjects.index
    period = events[events["counted"] & ~events["annual"]] if len(events) else events
    made: list[pd.DataFrame] = []
    for item in chain_order(scheme):
        target = scheme.item(item.overflow.item)
        if target is None or not len(period):
            continue
        mine = L.concat([lines[lines["item"] == item.name] for lines in (period, *made)])
        if not len(mine):
            continue
        q = mine.groupby("subject")["quantity"].sum().reindex(idx, fill_value=0.0).astype(float).round(_QTY_PLACES)
        over = q[q > float(item.overflow.over)]
        if len(over):
            made.append(_converted(prep, item, target, over, mine))
    return L.concat(made)


def _converted(prep, item: Item, target: Item, totals: pd.Series, mine: pd.DataFrame) -> pd.DataFrame:
    """One line of `target` per subject in `totals` (each one's total of `item`, above `over`)."""
    of = item.overflow
    sign = {"bonus": 1, "deduction": -1}.get(target.kind, 0)
    per = Decimal(0) if target.by_total or target.points is None else target.points
    halves = 2 if target.per_half_day else 1
    sources = mine.groupby("subject")["source"].agg(_cells)
    subjects, units, points, rules, money = [], [], [], [], []
    for subject, total in totals.items():
        total_d = Decimal(str(total))
        above = total_d - of.over
        n = above * of.per_unit
        subjects.append(subject)
        units.append(float(n))
        points.append(to_micro(n * per * halves) * sign)
        money.append(money_fen(target, n))  # the target's 元 per unit, as its own rows carry
        rules.append(overflow_rule(item, target, total_d, above, n, per))
    return L.make(
        subject=subjects, item=target.name, component=target.component or "", kind=target.kind,
        category=(target.category or target.name) if target.kind == "bonus" else "",
        quantity=units, points=points, rule=rules, money=money,
        source=[sources.get(s, "") for s in subjects], file=prep.file,
        note=f"由{item.name}超出{num(of.over)}{item.unit}的部分折算，来源为{item.name}各行",
    )


def overflow_rule(item: Item, target: Item, total: Decimal, above: Decimal, n: Decimal, per: Decimal) -> str:
    """`病假共5天，超过3天的2天按事假计，每天扣1分，扣2分` (the target's value, when it has one per unit)."""
    of = item.overflow
    u = item.unit
    text = f"{item.name}共{num(total)}{u}，超过{num(of.over)}{u}的{num(above)}{u}按{target.name}计"
    if of.per_unit != 1 or target.unit != u:
        text += f"，每{u}折合{num(of.per_unit)}{target.unit}，计{num(n)}{target.unit}"
    if target.kind == "marker":
        return text + "（记录，不直接计分）"
    if target.by_total or target.points is None:
        return text + f"（计入{target.name}本期合计）"
    word = "加" if target.kind == "bonus" else "扣"
    each = "每半天" if target.per_half_day else f"每{target.unit}"
    halves = 2 if target.per_half_day else 1
    return text + f"，{each}{word}{num(per)}分，{word}{num(n * per * halves)}分"


def _cells(sources: pd.Series) -> str:
    """The distinct source cells of the rows, the first few, then how many more."""
    cells = [c for c in dict.fromkeys(sources) if c]
    shown = "、".join(cells[:_SOURCES_SHOWN])
    return shown + (f"等{len(cells)}处" if len(cells) > _SOURCES_SHOWN else "")
