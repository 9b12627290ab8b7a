"""Component kinds: what a component is worth before caps.

- deduction: a maximum (满分, one `base` line per subject), the deductions against it, zeroed
  when an item reaches its `zero_at` quantity, and never below 0 (扣完为止, a `floor` line);
- rank_band: points by rank within a group on a rating column (领导测评分 by bands);
- weights: a component counted at a share (× 60%), as a `weight` line of the difference.

Each kind has the same shape, `kind(comp, ctx) -> ledger lines`, and `KINDS` lists them; every
amount becomes a ledger line, so a subject's counted lines add up to its total.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from kaohe_cli.domain.points import to_micro
from kaohe_cli.events import ledger as L
from kaohe_cli.domain.groups import group_labels
from kaohe_cli.engine.grading import band_points
from kaohe_cli.scheme.model import Component, Scheme
from kaohe_cli.text import num


def score_components(prep, events: pd.DataFrame) -> pd.DataFrame:
    """The event lines plus every component kind's own lines (before rules, weights and caps).

    `prep` is the period's `Prepared` input. First each kind adds what it starts from (a
    deduction's maximum, a band's points); then each kind settles on the lines so far (a
    deduction's zero or floor).
    """
    comps = prep.scheme.components
    lines = L.concat([events, *(KINDS[c.kind][0](c, prep) for c in comps)])
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
        if item.component != comp.name or item.zero_at is None:
            continue
        q = mine[mine["item"] == item.name].groupby("subject")["quantity"].sum().reindex(idx, fill_value=0)
        hit = (q >= float(item.zero_at)) & (zero_rule == "")
        if hit.any():
            zero_rule[hit] = [
                f"{item.name}累计{_qty(v)}{item.unit}，达到{num(item.zero_at)}{item.unit}，{comp.name}不得分"
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


def _qty(v: float) -> str:
    return num(Decimal(str(v)))


# component kind → (what it starts from, how it settles on the lines so far)
KINDS = {
    "deduction": (deduction_base, deduction_settle),
    "rank_band": (rank_band, _nothing),
    "rated": (_nothing, _nothing),
    "input": (_nothing, _nothing),
}
