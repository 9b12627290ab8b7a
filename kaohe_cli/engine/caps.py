"""Caps: per-category and total bonus caps (加分封顶) and the deduction cap (扣分封顶).

Each cap adds a `cap` ledger line of the amount over it, so the counted lines still add up.
"""

from __future__ import annotations

import pandas as pd

from kaohe_cli.domain.points import to_micro
from kaohe_cli.events import ledger as L
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.text import num


def bonus_caps(scheme: Scheme, lines: pd.DataFrame) -> pd.DataFrame:
    caps = scheme.bonus_caps
    bonus = lines[(lines["kind"] == "bonus") & lines["counted"] & ~lines["annual"]]
    if bonus.empty or (not caps.categories and caps.total is None):
        return L.empty()
    parts = []
    cat_sum = bonus.groupby(["subject", "category"])["points"].sum()
    capped = cat_sum.copy()
    for cat, cap in caps.categories.items():
        cap_m = to_micro(cap)
        sel = cat_sum.index.get_level_values("category") == cat
        over = cat_sum[sel] - cap_m
        over = over[over > 0]
        if len(over):
            parts.append(L.make(
                subject=list(over.index.get_level_values("subject")), category=cat, kind="cap",
                points=(-over).to_numpy(), rule=f"{cat}类加分封顶{num(cap)}分",
            ))
            capped.loc[over.index] = cap_m
    if caps.total is not None:
        per = capped.groupby(level="subject").sum()
        over = per - to_micro(caps.total)
        over = over[over > 0]
        if len(over):
            parts.append(L.make(
                subject=list(over.index), category="合计", kind="cap", points=(-over).to_numpy(),
                rule=f"加分合计封顶{num(caps.total)}分",
            ))
    return L.concat(parts)


def deduction_cap(scheme: Scheme, lines: pd.DataFrame) -> pd.DataFrame:
    if scheme.deduction_cap is None:
        return L.empty()
    ded = lines[(lines["kind"] == "deduction") & (lines["component"] == "") & lines["counted"] & ~lines["annual"]]
    per = -ded.groupby("subject")["points"].sum()
    over = per - to_micro(scheme.deduction_cap)
    over = over[over > 0]
    if not len(over):
        return L.empty()
    return L.make(
        subject=list(over.index), category="扣分", kind="cap", points=over.to_numpy(),
        rule=f"扣分封顶{num(scheme.deduction_cap)}分",
    )


def capped(scheme: Scheme, lines: pd.DataFrame) -> pd.DataFrame:
    """The lines with the bonus caps' and the deduction cap's lines added."""
    lines = L.concat([lines, bonus_caps(scheme, lines)])
    return L.concat([lines, deduction_cap(scheme, lines)])
