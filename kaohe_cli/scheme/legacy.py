"""Older keys of the scheme language, read as what today's language says (so older files load).

Each was one agency's rule written as a field; each now has a general form, and each function
here turns the old key into it before the model validates (`mode="before"` validators of
`scheme/model.py`). A key that does not fit its general form is left in place, so that the model
reports it at its key with the fix.

- `[annual.leave]` (zhujian) → an `[[annual.allowances]]` entry named 年休假;
- `[annual] bottom_flag` (caizheng) → an `[[annual.rules]]` rule `when = { bottom_share }`, `action = "flag"`;
- `max_if_blank` on a rated component (jinjiang) → `blank_to` on the blank one;
- `[annual] awards` in a unit scheme (gonghui) also gave the leaders their money (副主席, 主席) and
  said 奖金数额由党组酌定 for a grade without an amount: now `leaders_money` and `awards_other`;
- `[annual] dept_limit` (caizheng) → an `[[annual.rules]]` rule `when = { quantity_of, gte, per = "科室" }`,
  `action = "not_eligible"`.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import TypeAdapter, ValidationError, model_validator

from kaohe_cli.scheme.bounds import DeptLimit, LeaveDays, Points, StrictModel, Years


def _sum_is(total, a, b) -> bool:
    """total == a + b, for numbers as TOML gives them (anything else: False)."""
    try:
        return Decimal(str(total)) == Decimal(str(a)) + Decimal(str(b))
    except (ArithmeticError, ValueError, TypeError):
        return False


def _valid(kind, value, strict: bool = False) -> bool:
    try:
        TypeAdapter(kind).validate_python(value, strict=strict)
    except ValidationError:
        return False
    return True


class LeaveArithmetic(StrictModel):
    """旧写法 `[annual.leave]` (zhujian): an `Allowance` named 年休假; a valid one becomes that
    (`Annual._leave`), so this model only reports a wrong key at its place."""

    allowance_column: str = "年休假天数"
    start_column: str = "参加工作时间"
    taken: list[str] = ["年休假", "事假"]
    bands: list[tuple[Years, LeaveDays]] = [(1, 5), (10, 10), (20, 15)]  # (years ≥, days)
    bonus_per_day: Points = Decimal(1)
    deduction_per_day: Points = Decimal(1)
    bonus_category: str = "年休假"

    @model_validator(mode="after")
    def _increasing(self) -> "LeaveArithmetic":
        years = [y for y, _ in self.bands]
        if any(b <= a for a, b in zip(years, years[1:])):
            raise ValueError(f"年休假 bands 的工龄应从小到大递增（现为 {'、'.join(str(y) for y in years)}）")
        return self


def leave_as_allowance(data):
    """The old `[annual.leave]` is the allowance it always was: 年休假, used = `taken`, per person
    from `allowance_column`, else from `start_column` by `bands`; unused earns `bonus_per_day`,
    excess costs `deduction_per_day`. Kept so older files load; a wrong one stays for its errors."""
    if not isinstance(data, dict) or not isinstance(data.get("leave"), dict) or not _valid(LeaveArithmetic, data["leave"]):
        return data
    lv = LeaveArithmetic.model_validate(data["leave"])
    allowance = {"name": "年休假", "items": list(lv.taken), "column": lv.allowance_column,
                 "by_years": {"column": lv.start_column, "bands": [list(b) for b in lv.bands]},
                 "under_points": lv.bonus_per_day, "over_points": lv.deduction_per_day,
                 "category": lv.bonus_category}
    data = {k: v for k, v in data.items() if k != "leave"}
    data["allowances"] = [allowance, *(data.get("allowances") or [])]
    return data


def bottom_flag_as_rule(data):
    """The old key `bottom_flag = { share = "20%", flag = "…" }` is the rule it always was:
    `[[annual.rules]] when = { bottom_share = "20%" } action = "flag"` (kept so older files load)."""
    if not isinstance(data, dict) or "bottom_flag" not in data:
        return data
    data = dict(data)
    old = data.pop("bottom_flag") or {}
    if isinstance(old, dict) and old:
        share, flag = old.get("share", "0%"), old.get("flag", "排名靠后")
        rule = {"name": f"积分排名后{share}，{flag}", "flag": flag, "when": {"bottom_share": share}, "action": "flag"}
        data["rules"] = [*data.get("rules", []), rule]
    return data


def max_if_blank_as_blank_to(data):
    """The old key `max_if_blank = { "重点项目" = 90 }` on 常规工作 (50) said what 重点项目's
    `blank_to = "常规工作"` says when 90 = 50 + 40: the blank one's max moves over. Such an entry
    becomes that; any other stays, and the component refuses it with the fix."""
    comps = data.get("components") if isinstance(data, dict) else None
    if not isinstance(comps, list) or not any(isinstance(c, dict) and c.get("max_if_blank") for c in comps):
        return data
    comps = [dict(c) if isinstance(c, dict) else c for c in comps]
    by_name = {c.get("name"): c for c in comps if isinstance(c, dict)}
    for comp in comps:
        if not isinstance(comp, dict) or not isinstance(comp.get("max_if_blank"), dict):
            continue
        left = {}
        for other, hi in comp["max_if_blank"].items():
            donor = by_name.get(other)
            if donor is not None and _sum_is(hi, comp.get("max"), donor.get("max")) and "blank_to" not in donor:
                donor["blank_to"] = comp.get("name")
            else:
                left[other] = hi
        comp["max_if_blank"] = left
    return {**data, "components": comps}


def dept_limit_as_rule(data):
    """The old key `[annual] dept_limit = { "限时办结不力" = 3 }` is the rule it always was: a
    科室 whose people have 3 of the item in the year loses every year grade —
    `when = { quantity_of = ["限时办结不力"], gte = 3, per = "科室" }`, `action = "not_eligible"`."""
    annual = data.get("annual") if isinstance(data, dict) else None
    if not isinstance(annual, dict) or not isinstance(annual.get("dept_limit"), dict):
        return data
    limits = annual["dept_limit"]
    if not all(_valid(DeptLimit, n, strict=True) for n in limits.values()):
        return data  # the field reports the wrong number at its key
    grading = annual.get("grading") if isinstance(annual.get("grading"), dict) else data.get("grading")
    grades = [g["name"] for g in (grading or {}).get("grades", []) if isinstance(g, dict) and isinstance(g.get("name"), str)]
    rules = [{"name": f"所在科室全年{item}达{n}人次", "when": {"quantity_of": [item], "gte": n, "per": "科室"},
              "action": "not_eligible", "grades": grades} for item, n in limits.items()]
    annual = {k: v for k, v in annual.items() if k != "dept_limit"}
    annual["rules"] = [*rules, *(annual.get("rules") or [])]
    return {**data, "annual": annual}


def awards_as_written(data):
    """A unit scheme's `awards` always paid 副主席 (the mean of their units) and 主席 (the mean of
    the 副主席), and said 奖金数额由党组酌定 for a grade without an amount: an older file without
    `leaders_money` / `awards_other` keeps doing so."""
    annual = data.get("annual") if isinstance(data, dict) else None
    if not isinstance(annual, dict) or data.get("subject") != "unit" or not annual.get("awards"):
        return data
    annual = {"leaders_money": {"title": "副主席", "top": "主席"}, "awards_other": "奖金数额由党组酌定", **annual}
    return {**data, "annual": annual}
