"""The template contexts of the notices (documented in `kaohe_cli.write.notices`), built
from a period's rows as the archive gives them back: scores, ledger lines, a `quota` result.

Pure functions: every value comes out as text (or a number) formatted for print, dates as
`2023年9月27日`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd

from kaohe_cli.app.config import Config
from kaohe_cli.domain.period import Period
from kaohe_cli.domain.points import money
from kaohe_cli.domain.workdays import format_cn_date, publicity_period
from kaohe_cli.engine.grading import NO_GRADE
from kaohe_cli.scheme.model import Scheme

__all__ = [
    "BLANK",
    "UNGRADED",
    "cell_text",
    "is_ungraded",
    "feedback_contexts",
    "feedback_items",
    "publicity_context",
    "talk_contexts",
]

BLANK = "________"  # an unfilled value, left for the clerk to write in by hand
UNGRADED = frozenset({"", NO_GRADE})  # grades a 公示 leaves out (with a scheme: `ungraded_texts` too)


def is_ungraded(rec: dict, texts: frozenset[str] = UNGRADED) -> bool:
    """Was this subject given no grade? Its 等次 cell is blank or one of `texts` (不确定等次 and
    the scheme's no_grade rules' `grade_text`), or its run recorded it as taken out of the
    grading by a rule (the grading inputs), whatever words the cell uses."""
    if cell_text(rec.get("grade")) in texts | UNGRADED:
        return True
    extra = rec.get("extra")
    return isinstance(extra, dict) and bool((extra.get("grading") or {}).get("no_grade"))


def cell_text(value: object) -> str:
    """A cell read back from the archive as text; missing → ''."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def _rank(value: object) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value: object) -> str:
    """A Decimal for print: `30`, `2.5` (no exponent, no trailing zeros)."""
    return format(Decimal(str(value)).normalize(), "f")


def _signed_deduction(value: str) -> str:
    """扣分 is archived as a magnitude; the letter shows it as −1.5 (0 stays 0)."""
    v = value or "0"
    try:
        magnitude = Decimal(v)
    except InvalidOperation:
        return v
    if magnitude == 0:
        return "0"
    return v if magnitude < 0 else f"-{v}"


def _rank_order(scores: pd.DataFrame) -> pd.DataFrame:
    """Best rank first; equal ranks keep the archive's (roster) order; no rank last."""
    key = [(_rank(r) is None, _rank(r) or 0, i) for i, r in enumerate(scores["rank"])]
    order = sorted(range(len(scores)), key=lambda i: key[i])
    return scores.iloc[order].reset_index(drop=True)


def _common(cfg: Config, period: Period, sign_date: date) -> dict:
    return {
        "unit_name": cfg.unit_name.strip() or BLANK,
        "period_label": period.label,
        "sign_date": format_cn_date(sign_date),
    }


def publicity_context(
    scores: pd.DataFrame, cfg: Config, period: Period, sign_date: date, start: date, end: date, days: int,
    ungraded: frozenset[str] = UNGRADED,
) -> dict:
    """The 公示 context: graded subjects in rank order, 序号/姓名/科室/等次 only (`ungraded`:
    the 等次 texts of the subjects given no grade, who are left out)."""
    people = []
    for rec in _rank_order(scores).to_dict("records"):
        grade = cell_text(rec.get("grade"))
        if is_ungraded(rec, ungraded):
            continue
        people.append({
            "no": len(people) + 1,
            "name": cell_text(rec.get("name")) or cell_text(rec.get("subject")),
            "dept": cell_text(rec.get("dept")),
            "grade": grade,
        })
    contact = cfg.contact
    return {
        **_common(cfg, period, sign_date),
        "title": f"关于{period.label}考核等次的公示",
        "people": people,
        "start_date": format_cn_date(start),
        "end_date": format_cn_date(end),
        "days": days,
        "contact_person": contact.person.strip(),
        "contact_phone": contact.phone.strip(),
        "contact_address": contact.address.strip(),
        "posted_at": contact.posted_at.strip(),
    }


def feedback_items(ledger: pd.DataFrame) -> dict[str, list[dict]]:
    """Per subject: every deduction and bonus line counted in the period total, for 结果反馈."""
    if ledger is None or ledger.empty:
        return {}
    counted = ledger["counted"].map(lambda v: str(v).lower() in ("1", "true")) if "counted" in ledger else True
    annual = ledger["annual"].map(lambda v: str(v).lower() in ("1", "true")) if "annual" in ledger else False
    lines = ledger[ledger["kind"].isin(["deduction", "bonus"]) & counted & ~annual]
    out: dict[str, list[dict]] = {}
    for rec in lines.to_dict("records"):
        # a rule's own line (deduct / bonus) has no item: it is named by the rule
        item = cell_text(rec.get("item")) or cell_text(rec.get("rule")).split("：")[0]
        level = cell_text(rec.get("level"))
        points = cell_text(rec.get("points"))
        out.setdefault(cell_text(rec.get("subject")), []).append({
            "item": f"{item}（{level}）" if level else item,
            "count": _quantity(cell_text(rec.get("quantity"))),
            "points": _signed(points),
            "reason": cell_text(rec.get("reason")),
            "evidence": cell_text(rec.get("evidence")),
        })
    return out


def _quantity(text: str) -> str:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")


def _signed(text: str) -> str:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    shown = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")
    return f"+{shown}" if value > 0 else shown


def feedback_contexts(
    scores: pd.DataFrame, cfg: Config, period: Period, sign_date: date, scheme: Scheme | None,
    items: dict[str, list[dict]] | None = None,
) -> list[tuple[dict, dict]]:
    """One (subject record, 结果反馈 context) per scored person, in roster order."""
    maxima = {c.name: _number(c.max) for c in scheme.components} if scheme is not None else {}
    count = len(scores)
    items = items or {}
    contact = cfg.contact
    holidays, workdays = cfg.calendar.extra_holidays, cfg.calendar.extra_workdays
    _, last = publicity_period(sign_date, cfg.notice_days, extra_holidays=holidays, extra_workdays=workdays)
    out = []
    for rec in scores.to_dict("records"):
        comps = rec.get("components") or {}
        rank = _rank(rec.get("rank"))
        ctx = {
            **_common(cfg, period, sign_date),
            "name": cell_text(rec.get("name")) or cell_text(rec.get("subject")),
            "dept": cell_text(rec.get("dept")),
            "components": [
                {"name": name, "max": maxima.get(name, "—"), "score": cell_text(score) or "0"}
                for name, score in comps.items()
            ] or ([{"name": "各期平均分", "max": "—", "score": cell_text(rec.get("mean"))}] if "mean" in rec else []),
            "bonus": cell_text(rec.get("bonus")) or "0",
            "deduction": _signed_deduction(cell_text(rec.get("deduction"))),
            "total": cell_text(rec.get("total")),
            "grade": cell_text(rec.get("grade")) or "未评定",
            "rank": rank if rank is not None else "—",
            "count": count,
            "items": items.get(cell_text(rec.get("subject")), []),
            **_money(scheme, rec.get("total"), rec.get("extra"), cell_text(rec.get("grade"))),
            "deadline": format_cn_date(last),
            "contact_person": contact.person.strip(),
            "contact_phone": contact.phone.strip(),
            "contact_address": contact.address.strip(),
        }
        out.append((rec, ctx))
    return out


def _money(scheme: Scheme | None, total: object, extra: object = None, grade: str = "") -> dict:
    """The period's money as the run stored it (line money, plus the total at `yuan_per_point`)
    plus the money of `grade` (as decided); the rate is said only when the money is total × rate; else the money value of a total (`yuan_per_point`
    元 a point), or blanks when the scheme has none."""
    rate = scheme.yuan_per_point if scheme is not None else None
    stored = extra.get("money") if isinstance(extra, dict) else None
    if stored and scheme is not None and (scheme.has_line_money or scheme.grade_money):
        total_money = Decimal(stored) + scheme.grade_money.get(grade, Decimal(0))
        return {"money": f"{total_money:,.2f}", "money_name": scheme.money_name, "yuan_per_point": ""}
    text = cell_text(total)
    if rate is None or not text:
        return {"money": "", "money_name": "", "yuan_per_point": ""}
    return {"money": f"{money(Decimal(text), rate):,.2f}", "money_name": scheme.money_name,
            "yuan_per_point": _number(rate)}


def talk_contexts(
    scores: pd.DataFrame, cfg: Config, period: Period, sign_date: date, grade: str
) -> list[tuple[dict, dict]]:
    """One (subject record, 诫勉谈话通知 context) per person graded `grade`, in roster order."""
    contact = cfg.contact
    out = []
    for rec in scores.to_dict("records"):
        if cell_text(rec.get("grade")) != grade:
            continue
        ctx = {
            **_common(cfg, period, sign_date),
            "name": cell_text(rec.get("name")) or cell_text(rec.get("subject")),
            "dept": cell_text(rec.get("dept")),
            "total": cell_text(rec.get("total")),
            "grade": grade,
            "talk_time": "",
            "talk_place": "",
            "talker": "",
            "contact_person": contact.person.strip(),
            "contact_phone": contact.phone.strip(),
        }
        out.append((rec, ctx))
    return out
