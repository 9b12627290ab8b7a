"""Who an event row reaches, and with what factor.

The row's target (对象, 工号, 姓名 or 单位; several joined with 、) and its 对象类型 (个人, 集体,
全体; the words in `domain.vocabulary.TARGET_KINDS`) give the recipients: a person, the members
of a 科室, everyone, a unit; and, where the item says so, their 分管领导. Each recipient is
reached once, with the item's recipient factor and a shared-target factor.
"""

from __future__ import annotations

from decimal import Decimal

from kaohe_cli.domain.vocabulary import COLLECTIVE, EVERYONE, PERSONAL, TARGET_KINDS
from kaohe_cli.events.context import Context
from kaohe_cli.issues import Issue, error, warning
from kaohe_cli.normalize.cells import get, gid, text, where
from kaohe_cli.normalize.units import resolve_unit
from kaohe_cli.read.tables import Table
from kaohe_cli.scheme.model import Item, Targets
from kaohe_cli.text import norm, num, suggest

Recipient = tuple[str, Decimal, str, bool]  # (subject, factor, why, via_leader)

_TARGET_COLUMNS = ("对象", "工号", "姓名", "单位")  # where a row names its target, first found


def target_col(table: Table) -> str:
    for c in _TARGET_COLUMNS:
        if c in table.columns:
            return c
    return "事项"


def target_text(table: Table, vals: list) -> str:
    for c in _TARGET_COLUMNS:
        v = get(table, vals, c)
        t = gid(v) if c == "工号" else text(v)
        if t:
            return t
    return ""


class _Reached:
    """The recipients found so far, each scored subject once, in the order reached."""

    def __init__(self, ctx: Context, item: Item, share: Decimal, share_note: str) -> None:
        self.ctx, self.item, self.share, self.share_note = ctx, item, share, share_note
        self.out: dict[str, tuple[Decimal, str, bool]] = {}

    def add(self, subject: str, why: str, factor: Decimal = Decimal(1), leader: bool = False) -> None:
        if subject in self.out or subject not in self.ctx.subjects.index:
            return
        f, fnote = _factor(self.ctx, self.item, subject)
        notes = "；".join(x for x in (why, fnote, self.share_note) if x)
        self.out[subject] = (factor * f * self.share, notes, leader)

    def recipients(self) -> list[Recipient]:
        return [(s, f, w, ld) for s, (f, w, ld) in self.out.items()]


def recipients(ctx: Context, item: Item, table: Table, r: int, vals: list,
               entered: Item | None = None) -> tuple[list[Recipient], list[Issue]]:
    """Who the row reaches: [(subject, factor, why, via_leader)], a set (each subject once).

    `item` is what the row is scored as (its factors apply); `entered`, when the row names an
    item with `counts_as`, is that item: its own `targets`, where it writes any other than the
    default, say whom the row may name (several people joined with 、 when it allows them),
    else the scored item's."""
    by = entered if entered is not None and entered.targets != Targets() else item
    named = entered or item
    targets = by.targets
    col = target_col(table)
    loc = where(table, r, col)
    raw = target_text(table, vals)
    if not raw:
        return [], [error("对象为空", "请填写工号、姓名或科室名称", **loc)]
    parts = [p for p in (x.strip() for x in raw.replace("，", "、").replace(",", "、").split("、")) if p]
    if len(parts) > 1 and not (targets.multiple or targets.shared_factor is not None):
        return [], [error(f"事项「{named.name}」不能同时指定多个对象（{raw}）", "请分行填写，每行一个对象", **loc)]
    share = Decimal(targets.shared_factor) if (len(parts) > 1 and targets.shared_factor is not None) else Decimal(1)
    share_note = f"{len(parts)}个对象共享，按{num(share * 100)}%计" if share != 1 else ""
    reached = _Reached(ctx, item, share, share_note)

    if ctx.scheme.is_unit:
        problems: list[Issue] = []
        for p in parts:
            uid, problem = resolve_unit(ctx.units, p, loc)
            if problem:
                problems.append(problem)
                continue
            reached.add(uid, "")
        return reached.recipients(), problems

    kind, problem = _target_kind(named.name, targets, table, r, vals, col)
    if problem:
        return [], [problem]
    if kind == EVERYONE:
        for s in ctx.subjects.index:
            reached.add(s, "全体人员")
        return reached.recipients(), []
    if kind == PERSONAL:
        hit_leaders, problems = _reach_people(ctx, named.name, targets, parts, loc, reached)
    else:
        hit_leaders, problems = _reach_departments(ctx, targets, parts, loc, reached)
    for lid, why in hit_leaders:
        reached.add(lid, why, leader=True)
    return reached.recipients(), problems


def _target_kind(name: str, targets: Targets, table: Table, r: int, vals: list, col: str) -> tuple[str, Issue | None]:
    """The row's 对象类型 (个人, 集体 or 全体; by default what item `name`'s `targets` allow),
    and the error when it is unknown or not allowed."""
    kind_raw = norm(text(get(table, vals, "对象类型")))
    kind = TARGET_KINDS.get(kind_raw) if kind_raw else None
    if kind_raw and kind is None:
        return "", error(f"对象类型「{kind_raw}」无效", "可选：个人、集体、全体", **where(table, r, "对象类型"))
    if kind is None:
        if not targets.individual and targets.collective:
            kind = COLLECTIVE
        elif not targets.individual and targets.everyone:
            kind = EVERYONE
        else:
            kind = PERSONAL
    loc_kind = where(table, r, "对象类型" if "对象类型" in table.columns else col)
    if kind == PERSONAL and not targets.individual:
        allowed = "集体" if targets.collective else "全体"
        return kind, error(f"事项「{name}」只能对{allowed}", f"请把对象类型改为「{allowed}」", **loc_kind)
    if kind == COLLECTIVE and targets.collective is None:
        return kind, error(f"事项「{name}」不能对集体", "请把对象类型改为「个人」，按人分行填写", **loc_kind)
    if kind == EVERYONE and not targets.everyone:
        return kind, error(f"事项「{name}」不能对全体", "请把对象类型改为「个人」或「集体」", **loc_kind)
    return kind, None


def _reach_people(ctx: Context, name: str, targets: Targets, parts: list[str], loc: dict,
                  reached: _Reached) -> tuple[list[tuple[str, str]], list[Issue]]:
    """Persons named by 工号 or 姓名: each reached (when `targets` reach the person), and the
    分管领导 to reach after them [(工号, why)]."""
    people = ctx.roster.people
    problems: list[Issue] = []
    hit_leaders: list[tuple[str, str]] = []
    for p in parts:
        pid, _ = ctx.roster.resolve(p)
        if pid is None:
            problems.append(ctx.roster.unknown_person_issue(p, loc))
            continue
        if "self" in targets.individual:
            if pid not in ctx.subjects.index:
                problems.append(warning(
                    f"「{p}」不参评（人员表参评=否），此行对其本人不计分", "如需计分请把参评改为是", **loc
                ))
            reached.add(pid, "")
        if "leader" in targets.individual:
            lid = people.at[pid, "leader_id"]
            if lid and lid != pid:
                hit_leaders.append((lid, f"所分管的{people.at[pid, '姓名']}受{name}，分管领导连带"))
    return hit_leaders, problems


def _reach_departments(ctx: Context, targets: Targets, parts: list[str], loc: dict,
                       reached: _Reached) -> tuple[list[tuple[str, str]], list[Issue]]:
    """科室 named in full: their members reached (when `targets` reach members), and their
    分管领导 to reach after them [(工号, why)]."""
    people = ctx.roster.people
    problems: list[Issue] = []
    hit_leaders: list[tuple[str, str]] = []
    for p in parts:
        key = norm(p)
        if key not in ctx.roster.depts:
            near = suggest(p, sorted({d for d in people["科室"] if d}))
            problems.append(error(
                f"科室「{p}」不在人员表中", (f"是否为：{'、'.join(near)}？" if near else "") + "集体对象请填写科室全称", **loc
            ))
            continue
        members = ctx.roster.members(key)
        if "members" in targets.collective:
            for member in members.index:
                reached.add(member, f"{p}集体")
        if "leader" in targets.collective:
            for lid in sorted({x for x in members["leader_id"] if x}):
                hit_leaders.append((lid, f"{p}的分管领导"))
    return hit_leaders, problems


def _factor(ctx: Context, item: Item, subject: str) -> tuple[Decimal, str]:
    """The first matching factor's, else `default_factor` (which also stands alone: 每次计2倍)."""
    if not item.factors and item.default_factor == 1:
        return Decimal(1), ""
    frame = ctx.subjects
    for f in item.factors:
        if f.column in frame.columns and norm(frame.at[subject, f.column]) in {norm(e) for e in f.equals}:
            return Decimal(f.factor), (f.note if f.factor != 1 else "")
    d = Decimal(item.default_factor)
    return d, (f"按{num(d * 100)}%计" if d != 1 else "")
