"""The 单位 sheet → a units frame keyed by normalised name, and the look-up of a unit reference."""

from __future__ import annotations

import pandas as pd

from kaohe_cli.issues import Issue, error
from kaohe_cli.normalize.cells import get, text, where, yes_no
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.text import norm, suggest


def read_units(table: Table) -> tuple[pd.DataFrame, list[Issue]]:
    issues: list[Issue] = []
    rows = []
    seen: dict[str, int] = {}
    for r, vals in table.records:
        name = text(get(table, vals, "单位"))
        if not name:
            continue
        key = norm(name)
        if key in seen:
            issues.append(error(f"单位「{name}」重复（第{seen[key] + 1}行已有）", "每个单位只写一行", **where(table, r, "单位")))
            continue
        seen[key] = r
        rec = {
            "单位": key,
            "名称": name,
            "类型": text(get(table, vals, "类型")),
            "分管领导": text(get(table, vals, "分管领导")),
            "参评先进": "否" if not yes_no(table, r, vals, "参评先进", True, issues) else "是",
            "_row": r,
        }
        rec["人数"] = _headcount(table, r, vals, issues)
        rows.append(rec)
    units = pd.DataFrame(rows, columns=["单位", "名称", "类型", "分管领导", "参评先进", "_row", "人数"])
    units = units.set_index("单位", drop=False)
    units.index.name = None
    return units, issues


def _headcount(table: Table, r: int, vals: list, issues: list[Issue]) -> int | None:
    """The row's 人数: a whole number ≥ 0 within `LIMITS["count"]`; None when blank or refused."""
    raw = get(table, vals, "人数")
    if raw in (None, ""):
        return None
    n, issue = V.parse_number(raw, column="人数", **where(table, r, "人数"))
    if issue is None:
        issue = V.beyond_limit(n, V.LIMITS["count"], why=f"最多 {V.LIMITS['count']} 人", column="人数",
                               **where(table, r, "人数"))
    if issue:
        issues.append(issue)
    elif n < 0 or n != n.to_integral_value():
        issues.append(error("人数应为非负整数", "请填写部门实有人数", **where(table, r, "人数")))
    else:
        return int(n)
    return None


def resolve_unit(units: pd.DataFrame, ref: str, loc: dict) -> tuple[str | None, Issue | None]:
    key = norm(ref)
    if key in units.index:
        return key, None
    near = suggest(ref, list(units.index))
    hint = f"是否为：{'、'.join(near)}？" if near else "请核对单位名称，或在单位表中补充"
    return None, error(f"单位「{ref}」不在单位表中", hint, **loc)
