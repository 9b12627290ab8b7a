"""What a rule does to the subjects its condition holds for: the one dispatcher of rule actions.

`ACTIONS` maps each action of the scheme language to one function of the same shape,
`action(rule, mask, ctx) -> bool` (True when the action's own ledger lines say what it did, so
no 备注 is added for it). `apply_rule` is the only caller, and both the period engine
(`engine/core.py`) and the annual step (`engine/annual.py`) go through it:

- force_grade: the rule's grade, unless an earlier rule forced one;
- no_grade: outside the grading, not counted in N; the 等次 cell says the rule's `grade_text`
  (不参加年度考核) or 不确定等次, in the words of the first no_grade rule that took the subject out;
- ceiling: no better than the rule's grade; with several ceilings the stricter wins; a grade the
  grading does not declare means the lowest grade (a validated scheme declares it);
- not_eligible: may not get the rule's grades, by default the top grade; said in 资格 (the
  year's results have that column, so 备注 does not repeat it; a period's say it in 备注);
- zero_component: the component scores 0 (a ledger line); "@事由" takes the component from the
  triggering event's line. In the annual step the periods already carry that line, so it is
  only noted;
- zero_total: the total is 0 (a ledger line in a period; the year's total in the annual step);
- deduct / bonus: the rule's `points` once (超过15天的，一次性扣20分), and its `money` (元, on the
  same line, in fen: 误班达到8节的，扣绩效200元; a period's only, never cut). In a period a ledger line:
  a deduction in the rule's `component` (no lower than 0 left in it: 扣完为止) or outside it,
  a bonus in the rule's `category` (its name by default), both before weights and caps. In the
  annual step the year's 扣分 / 加分 (before the year's bonus cap);
- flag: changes no score and no grade; like every action, the rule's flag (or name) is listed in
  备注 and in the flags the run stores, for HR (病假由党委政府研究处理).

Several rules may zero the same component (an OR of thresholds): the first one's line zeroes it,
the later ones find nothing left and add no line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

import numpy as np
import pandas as pd

from kaohe_cli.engine.context import RuleContext
from kaohe_cli.events import ledger as L
from kaohe_cli.engine.grading import NO_GRADE
from kaohe_cli.domain.points import to_micro
from kaohe_cli.scheme.model import Rule, Scheme
from kaohe_cli.text import num

# Actions that change points, by the step of a period where they act: a component is zeroed
# before weights and caps, a total after them. The others change grades, once totals are ranked.
POINT_STEPS = {"zero_component": "before_weights", "deduct": "before_weights", "bonus": "before_weights",
               "zero_total": "after_caps"}


def point_step(rule: Rule) -> str | None:
    """The step of a period where `rule` changes points, or None when it acts on grades."""
    return POINT_STEPS.get(rule.action)


def force_grade(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    forced = ctx.grades.forced
    forced[mask & (forced == "")] = rule.grade
    return False


def no_grade(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    state = ctx.grades
    first = mask & ~state.no_grade.astype(bool)
    state.no_grade_text[first] = rule.grade_text or ""
    state.no_grade[mask] = True
    return False


def ceiling(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    names = ctx.grade_names
    pos = names.index(rule.grade) if rule.grade in names else len(names) - 1
    c = ctx.grades.ceiling
    c[mask] = np.maximum(c[mask], pos)
    return False


def not_eligible(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    ctx.not_eligible_because(mask, rule.flag or rule.name, list(rule.grades) or ctx.grade_names[:1])
    return ctx.eligibility_shown


def zero_component(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    if not ctx.lines_explain:
        return False
    lines = ctx.lines
    hits = mask[mask].index
    current = L.concat([lines, *ctx.new_lines])  # zeros an earlier rule of this step added count
    current = current[current["counted"] & ~current["annual"] & (current["kind"] != "weight")]
    if rule.component == "@事由":
        trig = lines[lines["item"].isin(rule.when.items) & lines["subject"].isin(hits)]
        pairs = {(s, c) for s, c in zip(trig["subject"], trig["component"]) if c}
    else:
        pairs = {(s, rule.component) for s in hits}
    for s, c in sorted(pairs):
        val = int(current[(current["subject"] == s) & (current["component"] == c)]["points"].sum())
        if val:
            ctx.new_lines.append(L.make(subject=[s], component=c, kind="zero", points=[-val],
                                        rule=f"{rule.name}：{c}不得分"))
    return True


def zero_total(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    ctx.zeroed = ctx.zeroed | mask
    if not ctx.lines_explain:
        return False
    lines = ctx.lines
    counted = lines[lines["counted"] & ~lines["annual"] & lines["subject"].isin(mask[mask].index)]
    total = counted.groupby("subject")["points"].sum()
    total = total[total != 0]
    if len(total):
        ctx.new_lines.append(L.make(subject=list(total.index), kind="zero", points=(-total).to_numpy(),
                                    rule=f"{rule.name}：总分计0分"))
    return True


def points(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    """deduct / bonus: `rule.points` and `rule.money` once for each subject in `mask` (see the module's text)."""
    p = Decimal(rule.points or 0)
    sign = -1 if rule.action == "deduct" else 1
    hits = list(mask[mask].index)
    if not ctx.lines_explain:
        for s in hits:
            ctx.points[s] = ctx.points.get(s, Decimal(0)) + sign * p
        return False
    amount = np.full(len(hits), to_micro(p), dtype="int64")
    comp = rule.component or ""
    if sign < 0 and comp:
        lines = L.concat([ctx.lines, *ctx.new_lines])
        lines = lines[lines["counted"] & ~lines["annual"] & (lines["kind"] != "weight") & (lines["component"] == comp)]
        left = lines.groupby("subject")["points"].sum().reindex(hits, fill_value=0).to_numpy()
        amount = np.minimum(amount, np.maximum(left, 0))
    verb = "扣" if sign < 0 else "加"
    said = [f"{verb}{num(p)}分" + ("（扣完为止）" if a < to_micro(p) else "") for a in amount] if rule.points is not None \
        else [""] * len(hits)
    fen = 0 if rule.money is None else int(rule.money * 100)
    yuan = f"{verb}{num(rule.money)}元" if rule.money is not None else ""
    ctx.new_lines.append(L.make(
        subject=hits, component=comp, kind="deduction" if sign < 0 else "bonus",
        category="" if sign < 0 else (rule.category or rule.name), points=sign * amount,
        rule=[f"{rule.name}：" + "，".join(x for x in (t, yuan) if x) for t in said], money=sign * fen,
    ))
    return False


def flag(rule: Rule, mask: pd.Series, ctx: RuleContext) -> bool:
    """Nothing changes: `apply_rule` lists the rule for HR (备注, flags)."""
    return False


Action = Callable[[Rule, pd.Series, RuleContext], bool]

ACTIONS: dict[str, Action] = {
    "force_grade": force_grade,
    "no_grade": no_grade,
    "ceiling": ceiling,
    "not_eligible": not_eligible,
    "zero_component": zero_component,
    "zero_total": zero_total,
    "flag": flag,
    "deduct": points,
    "bonus": points,
}


def ungraded_texts(scheme: Scheme | None) -> frozenset[str]:
    """Every text a 等次 cell may hold for a subject a no_grade rule took out of the grading:
    不确定等次 and the `grade_text` of the scheme's no_grade rules (period and year). A
    validated scheme never uses a grade's name for it, so a cell with one of them was not graded."""
    if scheme is None:
        return frozenset({NO_GRADE})
    rules = list(scheme.rules) + list(scheme.annual.rules if scheme.annual else [])
    return frozenset({NO_GRADE, *(r.grade_text for r in rules if r.action == "no_grade" and r.grade_text)})


def apply_rule(rule: Rule, mask: pd.Series, ctx: RuleContext) -> None:
    """Apply `rule` to the subjects in `mask` and record it: the rule's name among those that
    acted, its flag for HR, and its 备注 unless its ledger line already says it."""
    mask = mask.reindex(ctx.idx, fill_value=False).astype(bool)
    if not mask.any():
        return
    explained = ACTIONS[rule.action](rule, mask, ctx)
    label = rule.flag or rule.name
    for s in mask[mask].index:
        ctx.acted.setdefault(s, []).append(rule.name)
        ctx.flags.setdefault(s, []).append(label)
        if not explained:
            ctx.remarks.setdefault(s, []).append(label)
