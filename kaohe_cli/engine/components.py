"""Component kinds: what a component is worth before caps.

- items scored on the period's total (`Item.by_total`: free allowance, tiers, escalation by
  occurrence, a minimum count, a bonus for the absence of events, the part up to `overflow.over`):
  one line per subject, `count_lines`, with the amount `counted_points` works out from the summed
  quantity; first the parts above an `overflow` become lines of their target (`engine/overflow.py`);
- deduction: a maximum (满分, one `base` line per subject), the deductions against it, zeroed
  when an item reaches its `zero_at` quantity or exceeds its `zero_above` quantity (several
  items' thresholds are OR'ed: the first that holds is named), and never below 0 (扣完为止, a
  `floor` line);
- rank_band: points by rank within a group on a rating column (领导测评分 by bands);
- value_band: points by the band a value reaches (≥ its `min`): a rating column (满意度 95 以上),
  or a share of columns ((优秀票 + 称职票) ÷ 总票数 90% 以上), else `otherwise`;
- weights: a component counted at a share (× 60%), as a `weight` line of the difference.

Each kind has the same shape, `kind(comp, ctx) -> ledger lines`, and `KINDS` lists them; every
amount becomes a ledger line, so a subject's counted lines add up to its total.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kaohe_cli.domain.points import to_micro
from kaohe_cli.events import ledger as L
from kaohe_cli.domain.groups import group_labels
from kaohe_cli.engine.grading import band_points
from kaohe_cli.scheme.bands import bound_text, value_text
from kaohe_cli.engine.overflow import overflow_lines
from kaohe_cli.scheme.model import Component, Item, Scheme
from kaohe_cli.text import num


def score_components(prep, events: pd.DataFrame) -> pd.DataFrame:
    """The event lines plus every component kind's own lines (before rules, weights and caps).

    `prep` is the period's `Prepared` input. First each kind adds what it starts from (a
    deduction's maximum, a band's points); then each kind settles on the lines so far (a
    deduction's zero or floor).
    """
    comps = prep.scheme.components
    events = L.concat([events, overflow_lines(prep, events)])
    lines = L.concat([events, count_lines(prep, events), *(KINDS[c.kind][0](c, prep) for c in comps)])
    return L.concat([lines, *(KINDS[c.kind][1](c, prep, lines) for c in comps)])


def _nothing(*_args) -> pd.DataFrame:
    """rated and input components: their points are the events' `rated`/`input` lines."""
    return L.empty()


def deduction_base(comp: Component, prep) -> pd.DataFrame:
    """A deduction component starts from its maximum (满分), one `base` line per subject."""
    idx = prep.subjects.index
    return L.make(
        subject=list(idx),
        component=comp.name,
        kind="base",
        points=to_micro(comp.max),
        rule=f"{comp.name} 满分{num(comp.max)}分",
    )


def deduction_settle(comp: Component, prep, lines: pd.DataFrame) -> pd.DataFrame:
    """A deduction component scores 0 once an item reaches its `zero_at` quantity (a `zero` line),
    and never less than 0 (扣完为止, a `floor` line)."""
    scheme, idx = prep.scheme, prep.subjects.index
    mine = lines[(lines["component"] == comp.name) & lines["counted"] & ~lines["annual"]]
    raw = mine.groupby("subject")["points"].sum().reindex(idx, fill_value=0)
    zero_rule = pd.Series("", index=idx, dtype=object)
    for item in scheme.items:
        if item.component != comp.name or (item.zero_at is None and item.zero_above is None):
            continue
        q = mine[mine["item"] == item.name].groupby("subject")["quantity"].sum().reindex(idx, fill_value=0)
        q = q.astype(float).round(_QTY_PLACES)
        for limit, reached in ((item.zero_at, True), (item.zero_above, False)):
            if limit is None:
                continue
            hit = (q >= float(limit) if reached else q > float(limit)) & (zero_rule == "")
            if hit.any():
                word = "达到" if reached else "超过"
                zero_rule[hit] = [
                    f"{item.name}累计{_qty(v)}{item.unit}，{word}{num(limit)}{item.unit}，{comp.name}不得分"
                    for v in q[hit]
                ]
    zeroed = (zero_rule != "") & (raw != 0)
    floored = ~zeroed & (raw < 0)
    parts = []
    if zeroed.any():
        parts.append(L.make(
            subject=list(raw.index[zeroed]), component=comp.name, kind="zero",
            points=(-raw[zeroed]).to_numpy(), rule=zero_rule[zeroed].to_numpy(),
        ))
    if floored.any():
        parts.append(L.make(
            subject=list(raw.index[floored]), component=comp.name, kind="floor",
            points=(-raw[floored]).to_numpy(), rule=f"{comp.name}扣完为止（最低0分）",
        ))
    return L.concat(parts)


def counted_points(item: Item, quantity: Decimal) -> Decimal:
    """The points (a magnitude) an item scored on its period total earns for `quantity` units.

    - minimum: (minimum − quantity) × points when short, else 0;
    - free: the first `free` units are dropped: q = max(0, quantity − free); then
    - increment: the n-th of the q units costs points + (n−1) × increment, so the q units cost
      q × points + increment × q(q−1)/2;
    - tiers, progressive (累进): each band (over_k, over_k+1] earns its points on the part of q
      inside it; whole (全额): all q units earn the points of the band q lies in;
    - otherwise q × points.
    (`if_none_of` does not depend on a quantity: `count_lines` gives it.)
    """
    if item.minimum is not None:
        return max(Decimal(0), item.minimum - quantity) * item.points
    q = max(Decimal(0), quantity - (item.free or Decimal(0)))
    if item.increment is not None:
        return q * item.points + item.increment * q * (q - 1) / 2
    if item.tiers:
        overs = [t.over for t in item.tiers]
        if item.tier_mode == "whole":
            band = [t for t in item.tiers if t.over < q]
            return q * band[-1].points if band else Decimal(0)
        total = Decimal(0)
        for k, tier in enumerate(item.tiers):
            top = overs[k + 1] if k + 1 < len(overs) else q
            total += max(Decimal(0), min(q, top) - tier.over) * tier.points
        return total
    return q * item.points


def count_lines(prep, events: pd.DataFrame) -> pd.DataFrame:
    """One line per subject and item scored on its period total (`Item.by_total`): the amount
    `counted_points` gives for the summed quantity of the item's period lines, less what those
    lines already carry (0 as the events stage makes them). `if_none_of`: the item's points for
    every subject with no period line of the listed items."""
    scheme, idx = prep.scheme, prep.subjects.index
    period = events[~events["annual"]] if len(events) else events
    parts = []
    for item in scheme.items:
        if not item.by_total:
            continue
        mine = period[(period["item"] == item.name) & period["counted"]] if len(period) else period
        q = mine.groupby("subject")["quantity"].sum().reindex(idx, fill_value=0.0).astype(float).round(_QTY_PLACES)
        held = mine.groupby("subject")["points"].sum().reindex(idx, fill_value=0).astype("int64")
        sign = 1 if item.kind == "bonus" else -1
        if item.if_none_of:
            seen = set(period.loc[period["item"].isin(item.if_none_of), "subject"]) if len(period) else set()
            amounts = [Decimal(0) if s in seen else item.points for s in idx]
            why = [f"本期有{'、'.join(item.if_none_of)}记录" if s in seen else f"本期无{'、'.join(item.if_none_of)}记录"
                   for s in idx]
        elif item.overflow is not None:  # the part above `over` is another item's (engine/overflow.py)
            over = item.overflow.over
            amounts = [counted_points(item, min(Decimal(repr(v)), over)) for v in q]
            why = [f"本期{_qty(v)}{item.unit}" + (f"，超过{num(over)}{item.unit}的部分按「{item.overflow.item}」计，"
                                                  f"本事项计{num(over)}{item.unit}" if Decimal(repr(v)) > over else "") for v in q]
        else:
            amounts = [counted_points(item, Decimal(repr(v))) for v in q]
            why = [f"本期{_qty(v)}{item.unit}" for v in q]
        target = np.array([to_micro(a) * sign for a in amounts], dtype="int64")
        delta = target - held.to_numpy()
        rows = np.flatnonzero(delta != 0)
        if not len(rows):
            continue
        word = "加" if sign > 0 else "扣"
        parts.append(L.make(
            subject=[idx[i] for i in rows], item=item.name, component=item.component or "", kind=item.kind,
            category=(item.category or item.name) if item.kind == "bonus" else "", points=delta[rows],
            rule=[f"{item.rule_text()}：{why[i]}，{word}{num(amounts[i])}分" for i in rows],
        ))
    return L.concat(parts)


def rank_band(comp: Component, prep) -> pd.DataFrame:
    """Points by rank within a group on a rating column (band lines; a blank rating gets none)."""
    idx = prep.subjects.index
    if comp.column not in prep.ratings.columns:
        return L.empty()
    values = prep.ratings[comp.column].reindex(idx)
    has = values.notna()
    if not has.any():
        return L.empty()
    grp = group_labels(prep.subjects, comp.group_by, idx)
    frame = pd.DataFrame({"v": values[has], "g": grp[has]})
    frame["r"] = frame.groupby("g")["v"].rank(method="min", ascending=False).astype("int64")
    frame["n"] = frame.groupby("g")["v"].transform("size").astype("int64")
    pts = band_points(frame["r"].to_numpy(), frame["n"].to_numpy(), comp.bands, comp.otherwise)
    cells = prep.rating_cells[comp.column].reindex(frame.index).fillna("") if comp.column in prep.rating_cells else ""
    rules = [
        f"{comp.column}在「{g}」中排名第{r}/{n}，{comp.name}{num(p)}分"
        for g, r, n, p in zip(frame["g"], frame["r"], frame["n"], pts)
    ]
    return L.make(
        subject=list(frame.index), component=comp.name, kind="band",
        points=[to_micro(p) for p in pts], rule=rules, source=cells, file=prep.file,
        quantity=frame["v"].to_numpy(),
    )


def value_band(comp: Component, prep) -> pd.DataFrame:
    """Points by the first band whose `min` a subject's value reaches (≥), else `otherwise` (0 by
    default): one `band` line per subject with every cell filled, saying the value, the band and
    the cells it came from (a `value_band` line). The value is a rating column, or a share of columns compared exactly
    (numerator ≥ min × denominator); a value the events stage refuses (a zero denominator, votes
    beyond the total, a value beyond `column_max`) gets no line here."""
    idx = prep.subjects.index
    cols = comp.rating_columns
    if not all(c in prep.ratings.columns for c in cols):
        return L.empty()
    values = prep.ratings[cols].reindex(idx)
    has = values.notna().all(axis=1)
    cells = prep.rating_cells.reindex(index=idx, columns=cols).fillna("")
    subjects, points, rules, sources, quantity = [], [], [], [], []
    for s in idx[has]:
        found = _band_reading(comp, [Decimal(repr(float(values.at[s, c]))) for c in cols])
        if found is None:
            continue
        subjects.append(s)
        points.append(to_micro(found[0]))
        rules.append(found[1])
        quantity.append(float(found[2]))
        sources.append("、".join(x for x in cells.loc[s] if x))
    if not subjects:
        return L.empty()
    return L.make(subject=subjects, component=comp.name, kind="value_band", points=points, rule=rules,
                  source=sources, file=prep.file, quantity=quantity)


def _band_reading(comp: Component, numbers: list[Decimal]) -> tuple[Decimal, str, Decimal] | None:
    """(points, the ledger text, the value) for one subject's cells; None when they are unusable."""
    if comp.ratio is None:
        value = numbers[0]
        if comp.column_max is not None and not 0 <= value <= comp.column_max:
            return None
        band = next((b for b in comp.bands if value >= b.min), None)
        shown = num(value)
        head = f"{comp.name}：{shown}" if value_text(comp) == comp.name else f"{comp.name}：{value_text(comp)} {shown}"
    else:
        *tops, den = numbers
        top = sum(tops, Decimal(0))
        if den <= 0 or min(tops) < 0 or top > den:
            return None
        value = top / den
        band = next((b for b in comp.bands if top >= b.min * den), None)
        shown = _percent(value, [b.min for b in comp.bands])
        head = f"{comp.name}：{value_text(comp)} = {num(top)}÷{num(den)} = {shown}"
    got = band.points if band is not None else (comp.otherwise or Decimal(0))
    compared = f"≥ {bound_text(comp, band.min)}" if band is not None else f"< {bound_text(comp, comp.bands[-1].min)}"
    return got, f"{head} {compared}：{num(got)}分", value


def _percent(share: Decimal, bounds: list[Decimal]) -> str:
    """A share as a percentage to 2 places, half-up, `约` when not exact; rounded down instead when
    half-up would reach a band's bound the share does not reach (89.996% is not shown as 90%)."""
    pct = share * 100
    shown = pct.quantize(Decimal("0.01"), ROUND_HALF_UP)
    if any(pct < b * 100 <= shown for b in bounds):
        shown = pct.quantize(Decimal("0.01"), ROUND_DOWN)
    return f"{'' if shown == pct else '约'}{num(shown)}%"


def weights(scheme: Scheme, lines: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Components counted at a share: a `weight` line of the difference, rounded half-up in micro-points."""
    parts = []
    counted = lines[lines["counted"] & ~lines["annual"] & (lines["component"] != "")]
    for comp in scheme.components:
        if comp.weight == 1:
            continue
        val = counted[counted["component"] == comp.name].groupby("subject")["points"].sum().reindex(idx, fill_value=0)
        numer, den = Decimal(comp.weight).as_integer_ratio()
        v = val.to_numpy().astype("int64")
        prod = v * numer
        weighted = np.where(prod >= 0, (prod + den // 2) // den, -((-prod + den // 2) // den))
        delta = weighted - v
        pct = num(Decimal(comp.weight) * 100)
        parts.append(L.make(
            subject=list(idx), component=comp.name, kind="weight", points=delta,
            rule=f"{comp.name} × {pct}%",
        ))
    return L.concat(parts)


_QTY_PLACES = 9  # as engine/conditions.py: summed float quantities compared at 9 places


def _qty(v: float) -> str:
    return num(Decimal(str(v)))


# component kind → (what it starts from, how it settles on the lines so far)
KINDS = {
    "deduction": (deduction_base, deduction_settle),
    "rank_band": (rank_band, _nothing),
    "value_band": (value_band, _nothing),
    "rated": (_nothing, _nothing),
    "input": (_nothing, _nothing),
}
