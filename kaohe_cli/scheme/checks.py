"""Every name a scheme uses, checked against what the scheme declares: all problems at once.

`cross_problems(data)` reads the scheme's data (the TOML tables, English values; the model's
dump is the same shape) and returns a `Problem` per wrong reference, each at the key that
holds it: a grade a rule names that no `[grading]` declares, an item or component that does
not exist, a bonus cap category no item has, a roster column kaohe does not read, a 考勤 item
that would score 0. It tolerates values of the wrong type (the model reports those), so the
loader can run it beside the model's field errors and report everything in one pass.

Which grades a key may name:
- period rules (`[[rules]]`, scope period), `exclude_grades`, `tied_counts_as` and
  `tie_breakers = ["count:好"]` name the period's grades (`[grading]`);
- year rules (`scope = "annual"`, `[[annual.rules]]`) and `awards` name the year's grades:
  `[annual.grading]` (else `[grading]`), `default_grade`, and the four grades of the 公务员
  年度考核 (优秀、称职、基本称职、不称职), which a year rule may set without declaring them.

Roster columns (`when.column`, `factors`, `group_by`, `quota_group`, `[annual.leave]`
columns) must be columns kaohe reads from 人员 (or 单位 for a unit scheme), written with their
canonical name (`kaohe_cli.domain.vocabulary.SHEETS`): a column kaohe does not keep is empty
in every row, so the rule would silently hold for nobody. That is an error, not a warning.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from kaohe_cli.text import norm

STATUTORY_YEAR_GRADES = ("优秀", "称职", "基本称职", "不称职")
"""The grades of the 公务员年度考核 (《公务员考核规定》): a year rule may name them undeclared."""

MAX_PROBLEMS = 30
"""At most this many problems are listed (the count of the others is given)."""


@dataclass(frozen=True)
class Problem:
    """One problem of a scheme file: where (key path), what is wrong, and the fix."""

    loc: tuple
    message: str
    fix: str = ""
    level: str = "error"  # or "warning": reported by `kaohe schemes check`, not refused


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _names(values) -> list[str]:
    return [v["name"] for v in _list(values) if isinstance(v, dict) and isinstance(v.get("name"), str)]


def _choose(names: list[str], what: str, bad: str | None = None) -> str:
    """`改为已声明的等次之一：好、良好` (the nearest first), or how to declare one."""
    if not names:
        return f"方案没有声明任何{what}"
    near = difflib.get_close_matches(bad, names, n=1, cutoff=0.3) if bad else []
    listed = "、".join(dict.fromkeys(near + names))
    return f"改为已声明的{what}之一：{listed}"


def roster_columns(unit: bool) -> dict[str, str]:
    """The roster columns kaohe reads: canonical name and each synonym → canonical name."""
    from kaohe_cli.domain.vocabulary import SHEETS

    out: dict[str, str] = {}
    for sheet in (("单位", "人员") if unit else ("人员",)):
        for col in SHEETS[sheet].columns:
            for n in col.names:
                out.setdefault(norm(n), col.name)
    return out


class _Checker:
    def __init__(self, data: dict):
        self.data = data
        self.out: list[Problem] = []
        self.components = _names(data.get("components"))
        self.items: dict[str, str] = {}  # norm(name or alias) → name
        for it in _list(data.get("items")):
            if isinstance(it, dict) and isinstance(it.get("name"), str):
                for n in [it["name"], *[a for a in _list(it.get("aliases")) if isinstance(a, str)]]:
                    self.items.setdefault(norm(n), it["name"])
        grading = _dict(data.get("grading"))
        self.grades = _names(grading.get("grades"))
        annual = _dict(data.get("annual"))
        year_grading = _dict(annual.get("grading"))
        self.year_grades = _names(year_grading.get("grades")) if isinstance(annual.get("grading"), dict) else list(self.grades)
        default = annual.get("default_grade")
        self.default_grade = default if isinstance(default, str) else "称职"
        self.unit = data.get("subject") == "unit"
        self.columns = roster_columns(self.unit)

    def add(self, loc: tuple, message: str, fix: str = "", level: str = "error") -> None:
        self.out.append(Problem(loc, message, fix, level))

    # ---- names --------------------------------------------------------------------------

    def item(self, loc: tuple, name) -> None:
        if isinstance(name, str) and norm(name) not in self.items:
            self.add(loc, f"事项「{name}」不存在", _choose(list(dict.fromkeys(self.items.values())), "事项", name)
                     + "；或在 [[items]] 中增加这个事项")

    def component(self, loc: tuple, name) -> None:
        if isinstance(name, str) and name not in self.components:
            self.add(loc, f"考核项目「{name}」不在 components 中", _choose(self.components, "考核项目", name)
                     + "；或增加一个 [[components]]")

    def grade(self, loc: tuple, name, year: bool) -> None:
        if not isinstance(name, str):
            return
        declared = self.year_grades if year else self.grades
        allowed = list(dict.fromkeys(declared + ([self.default_grade, *STATUTORY_YEAR_GRADES] if year and (self.grades or self.year_grades) else [])))
        if name in allowed:
            return
        if not allowed:
            self.add(loc, f"等次「{name}」未声明：方案没有等次（没有 [grading] 或 grades = []）",
                     "请删去这条引用，或在 [grading] grades 中声明等次")
            return
        where = "年度等次（[annual.grading]，或 [grading]）" if year else "等次（[grading] grades）"
        self.add(loc, f"等次「{name}」未在{where}中声明", _choose(allowed, "等次", name))

    def column(self, loc: tuple, name) -> None:
        if not isinstance(name, str) or name in self.columns.values():
            return
        sheet = "单位表或人员表" if self.unit else "人员表"
        canonical = self.columns.get(norm(name))
        if canonical:
            self.add(loc, f"列「{name}」是{sheet}中「{canonical}」列的别名，方案中要写标准列名", f"改为「{canonical}」")
            return
        known = list(dict.fromkeys(self.columns.values()))
        self.add(loc, f"kaohe 不读取{sheet}中的「{name}」列：按它判断的条件对谁都不成立", _choose(known, "列", name))

    # ---- sections -----------------------------------------------------------------------

    def run(self) -> list[Problem]:
        d = self.data
        self._dupes(("components",), self.components, "考核项目")
        self._items()
        self._components()
        self._grading(("grading",), self.grades)
        for i, rule in enumerate(_list(d.get("rules"))):
            if isinstance(rule, dict):
                self._rule(("rules", i), rule, year=rule.get("scope") == "annual")
        self._caps(("bonus_caps",), d.get("bonus_caps"), year=False)
        if "annual" in d:
            self._annual(_dict(d.get("annual")))
        return self.out

    def _dupes(self, loc: tuple, names: list[str], what: str) -> None:
        seen: set[str] = set()
        for i, n in enumerate(names):
            if n in seen:
                self.add(loc + (i, "name"), f"{what}「{n}」重复", "请改名或删去其中一个")
            seen.add(n)

    def _items(self) -> None:
        seen: dict[str, str] = {}
        for i, it in enumerate(_list(self.data.get("items"))):
            if not isinstance(it, dict):
                continue
            loc = ("items", i)
            names = [("name", it.get("name"))] + [(("aliases", j), a) for j, a in enumerate(_list(it.get("aliases")))]
            for key, n in names:
                if isinstance(n, str):
                    if norm(n) in seen:
                        self.add(loc + (key if isinstance(key, tuple) else (key,)), f"事项名称或别名「{n}」重复",
                                 f"「{seen[norm(n)]}」已用了这个名称；请改名或删去其中一个")
                    seen.setdefault(norm(n), str(it.get("name")))
            comp = it.get("component")
            self.component(loc + ("component",), comp)
            kind = next((c.get("kind") for c in _list(self.data.get("components"))
                         if isinstance(c, dict) and c.get("name") == comp), None)
            if isinstance(comp, str) and kind not in (None, "deduction"):
                self.add(loc + ("component",), f"事项只能归入 deduction（扣分）类考核项目，「{comp}」是 {kind}",
                         "改为扣分类考核项目，或删去 component")
            if it.get("zero_at") is not None and comp is None:
                self.add(loc + ("zero_at",), "zero_at 需要 component（扣完哪个考核项目）", "请加上 component，或删去 zero_at")
            if (it.get("attendance") is True and it.get("kind") != "marker" and it.get("range") is not None
                    and it.get("default") is None and not it.get("levels")):
                self.add(loc + ("attendance",),
                         "视情分值（range）的事项没有 default，作为考勤列时无处填分值，每次都会得0分",
                         "请加上 default = 分值（考勤中每次按此计），或删去 attendance = true、改在奖惩表中逐条填分值")
            for j, f in enumerate(_list(it.get("factors"))):
                if isinstance(f, dict):
                    self.column(loc + ("factors", j, "column"), f.get("column"))

    def _components(self) -> None:
        for i, comp in enumerate(_list(self.data.get("components"))):
            if not isinstance(comp, dict):
                continue
            for other in _dict(comp.get("max_if_blank")):
                self.component(("components", i, "max_if_blank", other), other)
            if isinstance(comp.get("group_by"), str):
                self.column(("components", i, "group_by"), comp["group_by"])
            for j, pen in enumerate(_list(comp.get("penalties"))):
                if isinstance(pen, dict) and isinstance(pen.get("group_by"), str):
                    self.column(("components", i, "penalties", j, "group_by"), pen["group_by"])

    def _grading(self, loc: tuple, names: list[str]) -> None:
        grading = _dict(self.data.get(loc[0]) if len(loc) == 1 else _dict(self.data.get("annual")).get("grading"))
        self._dupes(loc + ("grades",), names, "等次")
        if isinstance(grading.get("quota_group"), str):
            self.column(loc + ("quota_group",), grading["quota_group"])
        for i, g in enumerate(_list(grading.get("grades"))):
            if isinstance(g, dict) and isinstance(g.get("quota_group"), str):
                self.column(loc + ("grades", i, "quota_group"), g["quota_group"])

    def _rule(self, loc: tuple, rule: dict, year: bool) -> None:
        when = _dict(rule.get("when"))
        for key in ("items", "quantity_of"):
            for j, name in enumerate(_list(when.get(key))):
                self.item(loc + ("when", key, j), name)
        if isinstance(when.get("column"), str):
            self.column(loc + ("when", "column"), when["column"])
        comp = rule.get("component")
        if comp != "@事由":
            self.component(loc + ("component",), comp)
        action = rule.get("action")
        if action in ("force_grade", "ceiling"):
            self.grade(loc + ("grade",), rule.get("grade"), year)
        if action == "not_eligible":
            grades = _list(rule.get("grades"))
            for j, g in enumerate(grades):
                self.grade(loc + ("grades", j), g, year)
            if not grades and not (self.year_grades if year else self.grades):
                self.add(loc + ("action",), "not_eligible（不得评）默认针对最高等次，但方案没有等次",
                         "请在 [grading] 中声明等次，或删去这条规则")
        if action == "no_grade" and not (self.year_grades if year else self.grades):
            self.add(loc + ("action",), "方案没有等次，no_grade（不确定等次）只在备注中注明", "如只需标注，可保留", "warning")

    def _caps(self, loc: tuple, caps, year: bool) -> None:
        cats = {(it.get("category") or it.get("name")) for it in _list(self.data.get("items"))
                if isinstance(it, dict) and it.get("kind") == "bonus"}
        if year:
            leave = _dict(_dict(self.data.get("annual")).get("leave"))
            if isinstance(_dict(self.data.get("annual")).get("leave"), dict):
                cats.add(leave.get("bonus_category", "年休假"))
        for cat in _dict(_dict(caps).get("categories")):
            if cat not in cats:
                self.add(loc + ("categories", cat), f"加分封顶的类别「{cat}」没有任何加分事项",
                         _choose(sorted(c for c in cats if isinstance(c, str)), "加分类别", cat)
                         + "（事项的 category，未写时为事项名称）")

    def _annual(self, annual: dict) -> None:
        loc = ("annual",)
        if isinstance(annual.get("grading"), dict):
            self._grading(loc + ("grading",), self.year_grades)
        for i, rule in enumerate(_list(annual.get("rules"))):
            if isinstance(rule, dict):
                self._rule(loc + ("rules", i), rule, year=True)
        self._caps(loc + ("bonus_caps",), annual.get("bonus_caps"), year=True)
        for j, g in enumerate(_list(annual.get("exclude_grades"))):
            self.grade(loc + ("exclude_grades", j), g, year=False)
        self.grade(loc + ("tied_counts_as",), annual.get("tied_counts_as"), year=False)
        for j, tb in enumerate(_list(annual.get("tie_breakers"))):
            if isinstance(tb, str):
                if not tb.startswith("count:"):
                    self.add(loc + ("tie_breakers", j), f"不认识的并列规则「{tb}」",
                             "写作 \"count:等次\"，如 \"count:好\"（被评为该等次的期数多者在前）")
                else:
                    self.grade(loc + ("tie_breakers", j), tb.split(":", 1)[1], year=False)
        for g in _dict(annual.get("awards")):
            self.grade(loc + ("awards", g), g, year=True)
        for item in _dict(annual.get("dept_limit")):
            self.item(loc + ("dept_limit", item), item)
        leave = annual.get("leave")
        if isinstance(leave, dict):
            for j, name in enumerate(_list(leave.get("taken", ["年休假", "事假"]))):
                self.item(loc + ("leave", "taken", j) if "taken" in leave else loc + ("leave",), name)
            for key in ("allowance_column", "start_column"):
                if isinstance(leave.get(key), str):
                    self.column(loc + ("leave", key), leave[key])
        if "default_grade" in annual and not (self.grades or self.year_grades):
            self.add(loc + ("default_grade",), "方案没有等次，default_grade 无从使用", "请删去 default_grade，或声明等次")


def cross_problems(data: dict) -> list[Problem]:
    """Every wrong reference of a scheme's data, in document order of the checks."""
    if not isinstance(data, dict):
        return []
    return _Checker(data).run()
