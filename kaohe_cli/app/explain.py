"""`kaohe explain`: every point of one subject's score, from the archive, grouped for reading aloud."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from kaohe_cli.app.decide import decided_scores
from kaohe_cli.app.run_scheme import scheme_of_run
from kaohe_cli.errors import NotFound
from kaohe_cli.store.archive import open_archive
from kaohe_cli.text import norm, num

__all__ = ["Explanation", "Group", "explain", "plus", "yuan_text"]


@dataclass
class Group:
    """A heading of the explanation (a component, 加分, 扣分…) and its ledger lines."""

    title: str
    total: str
    lines: list[dict] = field(default_factory=list)


@dataclass
class Explanation:
    """One subject's score in a period as its latest run recorded it, decisions applied."""

    subject: str
    name: str
    dept: str
    period: str
    scheme_name: str
    run_id: int
    created_at: str
    total: str
    exact: str
    rank: int
    grade: str
    remarks: str
    groups: list[Group]
    money: str = ""  # the period's money (元, "-290.00") when the scheme has money, else ""
    units: dict[str, str] = field(default_factory=dict)  # item → unit (次, 天, 项…) where the scheme is at hand


def explain(db, who: str, period: str, scheme_id: str | None = None) -> Explanation:
    """Explain the score of `who` (工号, name or unit) in `period`'s latest run."""
    with open_archive(db, readonly=True) as arc:
        run = arc.latest_run(period, scheme_id)
        if run is None:
            raise NotFound(f"档案中没有 {period} 的评分记录", "请先运行 kaohe score，或用 kaohe history 查看已有的考核期")
        scores = decided_scores(arc, run, arc.scores(run.id))
        row = _find(scores, who)
        ledger = arc.ledger(run.id, row["subject"])
    extra = row.get("extra") or {}
    scheme = scheme_of_run(run)
    units = {it.name: it.unit for it in scheme.items} if scheme is not None else {}
    return Explanation(
        subject=row["subject"], name=row.get("name") or "", dept=row.get("dept") or "", period=run.period,
        scheme_name=run.scheme_name, run_id=run.id, created_at=run.created_at, total=row["total"],
        exact=extra.get("exact", row["total"]), rank=int(row["rank"]), grade=row.get("grade") or "",
        remarks=row.get("remarks") or "", groups=_groups(row, ledger), units=units, money=_money(extra, scheme, row.get("grade") or ""),
    )


def _groups(row: dict, ledger: pd.DataFrame) -> list[Group]:
    """The subject's ledger lines under their headings: each component, 加分, 扣分 outside the
    components, markers, annual items and lines that did not count. Each line is shown once."""
    comps = list((row.get("components") or {}).keys())
    groups: list[Group] = []
    counted = _counted(ledger)
    for c in comps:
        part = ledger[(ledger["component"] == c) & counted & ~ledger["annual"].astype(bool)]
        score = (row["components"] or {}).get(c, "0")
        weighted = sum((Decimal(p or "0") for p in part["points"]), Decimal(0))
        shown = score if weighted == Decimal(score) else f"{score}（加权后 {num(weighted)}）"
        groups.append(Group(f"考核项目：{c}", shown, _lines(part)))
    outside = ledger[(ledger["component"] == "") & counted & ~ledger["annual"].astype(bool)]
    bonus = outside[outside["kind"].isin(["bonus", "cap"]) & (outside["category"] != "扣分")]
    if len(bonus):
        groups.append(Group("加分", row.get("bonus") or "0", _lines(bonus)))
    ded = outside[~outside.index.isin(bonus.index) & (outside["kind"] != "marker")]
    if len(ded):
        taken = row.get("deduction") or "0"
        groups.append(Group("扣分（不属于考核项目）", taken if Decimal(taken) == 0 else "-" + taken, _lines(ded)))
    # Each ledger line is shown once: a marker already listed under its component (e.g. 弄虚作假
    # naming the component it zeroes) is not repeated among the markers.
    shown = ledger.index[(ledger["component"] != "") & ledger["component"].isin(comps) & counted
                         & ~ledger["annual"].astype(bool)]
    markers = ledger[(ledger["kind"] == "marker") & ~ledger.index.isin(shown)]
    if len(markers):
        groups.append(Group("记录事项（不直接计分）", "", _lines(markers)))
    annual = ledger[ledger["annual"].astype(bool) & ~ledger.index.isin(markers.index)]
    if len(annual):
        groups.append(Group("年终计分事项（不计入本期总分）", "", _lines(annual)))
    dropped = ledger[~counted & ~ledger["annual"].astype(bool) & ~ledger.index.isin(markers.index)]
    if len(dropped):
        groups.append(Group("未计分", "", _lines(dropped)))
    return groups


def _money(extra: dict, scheme, grade: str) -> str:
    """The period's money (元 text): as stored, plus the money of the (decided) grade."""
    stored = extra.get("money")
    if not stored:
        return ""
    grade_money = scheme.grade_money.get(grade, Decimal(0)) if scheme is not None else Decimal(0)
    return yuan_text(int((Decimal(stored) + grade_money) * 100))


def _counted(ledger: pd.DataFrame) -> pd.Series:
    if "counted" in ledger.columns:
        return ledger["counted"].map(lambda v: str(v).lower() in ("1", "true", "是"))
    return pd.Series(True, index=ledger.index)


def _find(scores: pd.DataFrame, who: str) -> dict:
    key = norm(who)
    hit = scores[scores["subject"].map(norm) == key]
    if hit.empty:
        hit = scores[scores["name"].map(norm) == key]
    if hit.empty:
        raise NotFound(f"该期评分记录中没有「{who}」", "请用工号、姓名或单位名称；可用 kaohe history 查看")
    if len(hit) > 1:
        opts = "、".join(f"{n}（{s}）" for s, n in zip(hit["subject"], hit["name"]))
        raise NotFound(f"「{who}」有{len(hit)}人重名：{opts}", "请改用工号")
    return hit.iloc[0].to_dict()


_ORDER = {"base": 0, "rated": 0, "input": 1, "band": 1, "value_band": 1, "deduction": 2, "bonus": 2, "marker": 3, "clip": 4,
          "zero": 5, "floor": 6, "cap": 7, "weight": 8}


def _lines(frame: pd.DataFrame) -> list[dict]:
    out = []
    if len(frame):
        frame = frame.assign(_o=frame["kind"].map(_ORDER).fillna(9)).sort_values("_o", kind="mergesort").drop(columns="_o")
    for rec in frame.to_dict("records"):
        line = {k: ("" if v is None else v) for k, v in rec.items()}
        if "money" in line:  # fen → 元 text ("-10.00"), "" on a line without money
            fen = line["money"]
            line["money"] = "" if fen == "" or pd.isna(fen) or not int(fen) else yuan_text(int(fen))
        out.append(line)
    return out


def yuan_text(fen: int) -> str:
    """Fen as 元 text with two places: -1000 → "-10.00"."""
    return format((Decimal(fen) / 100).quantize(Decimal("0.01")), "f")


def plus(d: str) -> str:
    """Points with their sign: "+2.00", "-1.50", "0"."""
    v = Decimal(d or "0")
    return f"+{d}" if v > 0 else d
