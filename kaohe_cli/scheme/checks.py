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
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from kaohe_cli.domain.period import CALENDAR_ORDER, KIND_NAMES, SCHOOL_ORDER
from kaohe_cli.scheme.bands import band_problems
from kaohe_cli.scheme.bounds import data_number as _number
from kaohe_cli.scheme.synonyms import label
from kaohe_cli.text import norm

STATUTORY_YEAR_GRADES = ("优秀", "称职", "基本称职", "不称职")
"""The grades of the 公务员年度考核 (《公务员考核规定》): a year rule may name them undeclared."""

MONTHS = {"month": 1, "quarter": 3, "half": 6, "term": 6, "year": 12, "schoolyear": 12}
"""The length of each kind of period, in months."""


def stage_kinds(base: str) -> list[str]:
    """The kinds of `[[annual.stages]]` a scheme scored by `base` may have: longer than `base`,
    shorter than the (school) year, of a calendar `base` belongs to (month → quarter, half, term)."""
    out: list[str] = []
    for order in (CALENDAR_ORDER, SCHOOL_ORDER):
        if base in order:
            out.extend(order[order.index(base) + 1:-1])
    return list(dict.fromkeys(out))


NUMBER_COLUMNS = ("年休假天数", "人数")
"""The roster columns kaohe reads that hold numbers (`points_from` may name them, or any column
kaohe does not know, such as 日工资, which is read as written)."""

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


def _counts_as_targets(value) -> list[tuple[tuple, str]]:
    """(key path under `counts_as`, item name) of each target: `{ item = … }` or a list of them."""
    if isinstance(value, dict):
        return [(("item",), value["item"])] if isinstance(value.get("item"), str) else []
    return [((j, "item"), v["item"]) for j, v in enumerate(_list(value))
            if isinstance(v, dict) and isinstance(v.get("item"), str)]


def _names(values) -> list[str]:
    return [v["name"] for v in _list(values) if isinstance(v, dict) and isinstance(v.get("name"), str)]


def _shown(d: Decimal) -> str:
    from kaohe_cli.domain.points import shown

    return shown(d)


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
        self.item_data: dict[str, dict] = {}  # name → its table
        for it in _list(data.get("items")):
            if isinstance(it, dict) and isinstance(it.get("name"), str):
                self.item_data.setdefault(it["name"], it)
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
        self._grading(("grading",), _dict(d.get("grading")))
        for i, rule in enumerate(_list(d.get("rules"))):
            if isinstance(rule, dict):
                self._rule(("rules", i), rule, year=rule.get("scope") == "annual")
        self._caps(("bonus_caps",), d.get("bonus_caps"), year=False)
        if "annual" in d:
            self._annual(_dict(d.get("annual")))
        name = d.get("money_name")
        yuan = re.compile(r"[（(]\s*元\s*[）)]\s*$")
        if isinstance(name, str) and yuan.search(name):
            bare = yuan.sub("", name)
            self.add(("money_name",), f"money_name「{name}」已带“（元）”，kaohe 在列名后还会再加“（元）”",
                     f"请写 money_name = \"{bare}\"", "warning")
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
            self._counting(loc, it)

    def _counting(self, loc: tuple, it: dict) -> None:
        """The names the counting keys use: `counts_as.item` (each of a list), `overflow.item`,
        `if_none_of`, `zero_above`'s component, `points_from.column`."""
        me = it.get("name")
        listed: set[str] = set()
        for key, target in _counts_as_targets(it.get("counts_as")):
            if norm(target) in listed:
                self.add(loc + ("counts_as",) + key, f"counts_as 两次列出「{target}」", "请删去重复的一项")
                continue
            listed.add(norm(target))
            self._counts_as(loc + ("counts_as",) + key, me, target)
        of = it.get("overflow")
        if isinstance(of, dict) and isinstance(of.get("item"), str):
            self._overflow(loc + ("overflow", "item"), me, of["item"])
        for j, name in enumerate(_list(it.get("if_none_of"))):
            if isinstance(name, str) and isinstance(me, str) and norm(name) == norm(me):
                self.add(loc + ("if_none_of", j), f"if_none_of 列出了事项本身「{name}」",
                         "请只列出本期不应出现的其他事项（如全勤奖列迟到、旷工、事假）")
            else:
                self.item(loc + ("if_none_of", j), name)
        if it.get("zero_above") is not None and it.get("component") is None:
            self.add(loc + ("zero_above",), "zero_above 需要 component（超过时哪个考核项目得0分）",
                     "请加上 component = \"扣分类考核项目名称\"，或删去 zero_above")
        pf = it.get("points_from")
        if isinstance(pf, dict) and isinstance(pf.get("column"), str):
            self._number_column(loc + ("points_from", "column"), pf["column"])

    def _counts_as(self, loc: tuple, me, target: str) -> None:
        """`counts_as.item`: a declared item, not the item itself, not one counted as another."""
        if isinstance(me, str) and norm(target) == norm(me):
            self.add(loc, f"counts_as 指向事项本身「{target}」", "请改为另一个事项的名称（如口头请假按「旷工」计）")
            return
        if norm(target) not in self.items:
            self.item(loc, target)
            return
        name = self.items[norm(target)]
        further = [t for _, t in _counts_as_targets(self.item_data.get(name, {}).get("counts_as"))]
        if further:
            final = self.items.get(norm(further[0]))
            fix = (f"改为 counts_as = {{ item = \"{final}\" }}（直接指向最终计分的事项，折合数相乘）"
                   if len(further) == 1 and final and final != me and "counts_as" not in self.item_data.get(final, {})
                   else "请改为一个不设 counts_as 的事项")
            self.add(loc, f"「{name}」本身又按「{'」「'.join(further)}」计：counts_as 不能连续指向（也不能循环）", fix)

    def _overflow(self, loc: tuple, me, target: str) -> None:
        """`overflow.item`: a declared item, recorded under its own name, scored at a fixed value
        the converted part can take (no levels, range, points_from, factors), not annual; the
        chain of overflows it starts never comes back (病假 → 事假 → 误班, no cycle)."""
        if isinstance(me, str) and norm(target) == norm(me):
            self.add(loc, f"overflow 指向事项本身「{target}」", "请改为另一个事项的名称（如病假超过3天的部分按「事假」计）")
            return
        if norm(target) not in self.items:
            self.item(loc, target)
            return
        name = self.items[norm(target)]
        data = self.item_data.get(name, {})
        further = [t for _, t in _counts_as_targets(data.get("counts_as"))]
        per_row = [k for k in ("levels", "range", "points_from", "factors") if data.get(k) not in (None, [])]
        per_row += ["default_factor"] if _number(data.get("default_factor")) not in (None, 1) else []
        if further:
            self.add(loc, f"「{name}」按「{'」「'.join(further)}」计（counts_as），它的记录都登记为「{'」「'.join(further)}」",
                     f"请把 overflow.item 直接改为「{further[0]}」")
        elif per_row:
            self.add(loc, f"「{name}」的分值按行或按人确定（{'、'.join(per_row)}），折算出的部分无从取分值",
                     f"请改为按固定分值 points（或按合计计分）的事项，或把「{name}」改为固定分值")
        elif data.get("annual") is True:
            self.add(loc, f"「{name}」是年终计分的事项（annual），本期折算的部分无处计入",
                     "请改为本期计分的事项")
        cycle = self._overflow_cycle(me)
        if cycle:
            self.add(loc, f"overflow 循环：{' → '.join(cycle)}，超出部分将无休止地互相折算",
                     "请去掉其中一个事项的 overflow，使折算只朝一个方向（如 病假 → 事假 → 误班）")

    def _overflow_cycle(self, me) -> list[str]:
        """The chain of `overflow.item` from `me` when it comes back to `me` (else [])."""
        chain = [me]
        while True:
            of = _dict(self.item_data.get(chain[-1], {}).get("overflow")).get("item")
            name = self.items.get(norm(of)) if isinstance(of, str) else None
            if name is None:
                return []
            if name == me:
                return chain + [name]
            if name in chain:  # a cycle further on, reported at its own items
                return []
            chain.append(name)

    def _number_column(self, loc: tuple, name: str) -> None:
        """`points_from.column`: a numeric 人员 column. A column kaohe does not know is read as
        written (日工资); a known one must be written by its canonical name and hold numbers."""
        canonical = self.columns.get(norm(name))
        if canonical is None:
            return
        if canonical not in NUMBER_COLUMNS:
            self.add(loc, f"人员表的「{canonical}」列不是数字，不能按它计分",
                     "请改为一个填数字的列（如「日工资」，在人员表中增加这一列），或删去 points_from")
        elif canonical != name:
            self.add(loc, f"列「{name}」是人员表中「{canonical}」列的别名，方案中要写标准列名", f"改为「{canonical}」")

    def _allowance(self, loc: tuple, allowance: dict) -> None:
        for j, name in enumerate(_list(allowance.get("items"))):
            self.item(loc + ("items", j), name)
        _allowance_columns(self, loc, allowance)

    def _blank_to(self, loc: tuple, name: str) -> None:
        """`blank_to`: a declared component that is rated (its score takes the moved points)."""
        target = next((c for c in _list(self.data.get("components")) if isinstance(c, dict) and c.get("name") == name), None)
        if target is None:
            self.component(loc, name)
        elif target.get("kind") != "rated":
            self.add(loc, f"考核项目「{name}」不是评分类，不能接收转入的满分",
                     "blank_to 请写一个评分类（kind = \"rated\"）项目的名称")

    def _components(self) -> None:
        for i, comp in enumerate(_list(self.data.get("components"))):
            if not isinstance(comp, dict):
                continue
            for other in _dict(comp.get("max_if_blank")):
                self.component(("components", i, "max_if_blank", other), other)
            if isinstance(comp.get("blank_to"), str):
                self._blank_to(("components", i, "blank_to"), comp["blank_to"])
            if isinstance(comp.get("group_by"), str):
                self.column(("components", i, "group_by"), comp["group_by"])
            for j, pen in enumerate(_list(comp.get("penalties"))):
                if isinstance(pen, dict) and isinstance(pen.get("group_by"), str):
                    self.column(("components", i, "penalties", j, "group_by"), pen["group_by"])
            if comp.get("scale") is not None:
                self._scale(("components", i), comp)
            for key, message, fix in band_problems(comp):
                self.add(("components", i, *key), message, fix)

    def _scale(self, loc: tuple, comp: dict) -> None:
        """A scaled rated component (学生评分 × 0.15): rated, with `column_max`, and the top of
        the column times `scale` within the component's `max`."""
        if comp.get("kind") != "rated":
            self.add(loc + ("scale",), f"scale（折算系数）只用于 rated（评分）类考核项目，「{comp.get('name')}」是 {label('kind', str(comp.get('kind')))}",
                     "请删去 scale，或把 kind 改为 \"rated\"")
            return
        top, scale, most = (_number(comp.get(k)) for k in ("column_max", "scale", "max"))
        column = comp.get("column") if isinstance(comp.get("column"), str) else comp.get("name")
        if comp.get("column_max") is None:
            self.add(loc + ("scale",), f"scale 需要 column_max：评分列「{column}」的满分（如 100）",
                     "请加上 column_max = 100（评分列的满分），得分 = 评分 × scale")
        elif None not in (top, scale, most) and top * scale > most:
            self.add(loc + ("scale",), f"评分列满分 column_max {_shown(top)} × scale {_shown(scale)} = "
                     f"{_shown(top * scale)}，超过本项目满分 max {_shown(most)}",
                     f"请把 scale 改为不超过 {_shown((most / top).quantize(Decimal('0.0001'), ROUND_DOWN).normalize())}，或调整 max、column_max")

    def _grading(self, loc: tuple, grading: dict) -> None:
        self._dupes(loc + ("grades",), _names(grading.get("grades")), "等次")
        if isinstance(grading.get("quota_group"), str):
            self.column(loc + ("quota_group",), grading["quota_group"])
        for i, g in enumerate(_list(grading.get("grades"))):
            if isinstance(g, dict) and isinstance(g.get("quota_group"), str):
                self.column(loc + ("grades", i, "quota_group"), g["quota_group"])

    def _when(self, wloc: tuple, when: dict, year: bool) -> None:
        """The names one `when` table (and each of its `any_of` tables) uses."""
        for key in ("items", "quantity_of"):
            for j, name in enumerate(_list(when.get(key))):
                self.item(wloc + (key, j), name)
        for key in ("column", "per"):
            if isinstance(when.get(key), str):
                self.column(wloc + (key,), when[key])
        self._history(wloc, when, year)
        self._consecutive(wloc, when)
        for j, sub in enumerate(_list(when.get("any_of"))):
            if isinstance(sub, dict):
                self._when(wloc + ("any_of", j), sub, year)

    def _rule(self, loc: tuple, rule: dict, year: bool) -> None:
        when = _dict(rule.get("when"))
        self._when(loc + ("when",), when, year)
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
        if action == "no_grade" and not (self.year_grades if year else self.grades) and not rule.get("grade_text"):
            self.add(loc + ("action",), "方案没有等次，no_grade（不确定等次）只在等次栏写明“不确定等次”并在备注中注明",
                     "如只需标注，可保留；也可用 grade_text 写出办法原文的说法（如 \"不参加年度考核\"）", "warning")
        if action == "flag":
            for key in ("grade", "grades"):
                if rule.get(key) not in (None, []):
                    self.add(loc + (key,), f"flag（仅标记）规则不改变得分和等次，{key} 不起作用",
                             f"请删去 {key}；要限制等次，请用 ceiling、force_grade 或 not_eligible", "warning")
        if not year and rule.get("scope", "period") == "period" and action in ("zero_component", "zero_total") \
                and _reads_totals(when):
            self.add(loc + ("when",), f"{label('action', action)}要在算出总分之前起作用，而名次、总分（rank_last、"
                     "bottom_share、total_lt、total_gte）要算出总分后才知道：这条规则在考核期中不会起作用",
                     "请写在 [[annual.rules]] 中或加 scope = \"annual\"（年度汇总时起作用），或改用 flag、force_grade 等等次类动作")
        self._grade_text(loc, rule, action)

    def _grade_text(self, loc: tuple, rule: dict, action) -> None:
        """`grade_text` (the 等次 cell of a no_grade rule, 不参加年度考核): only with no_grade, not
        empty, and not a grade's name (the person would look graded)."""
        text = rule.get("grade_text")
        if text is None or not isinstance(text, str):
            return
        where = loc + ("grade_text",)
        if action != "no_grade":
            self.add(where, "grade_text（等次栏写作）只用于 no_grade（不确定等次）规则",
                     "请删去 grade_text；或把 action 改为 no_grade")
        elif not norm(text).strip():
            self.add(where, "grade_text（等次栏写作）是空的", "请写出等次栏显示的文字，如 \"不参加年度考核\"；"
                     "或删去 grade_text（显示“不确定等次”）")
        elif norm(text).strip() in {*self.grades, *self.year_grades, *STATUTORY_YEAR_GRADES, "并列待定"}:
            self.add(where, f"grade_text「{text}」与等次同名，看起来像已评定了等次",
                     "请换一种说法，如 \"不参加年度考核\"、\"不定等次\"")

    def _consecutive(self, wloc: tuple, when: dict) -> None:
        """`consecutive` names declared items counted in days (天), each recorded under its own
        name (an item with `counts_as` is recorded as its target)."""
        for j, name in enumerate(_list(when.get("consecutive"))):
            where = wloc + ("consecutive", j)
            self.item(where, name)
            it = self.item_data.get(self.items.get(norm(name), "")) if isinstance(name, str) else None
            if it is None:
                continue
            targets = [t for _, t in _counts_as_targets(it.get("counts_as"))]
            if targets:
                shown = "」「".join(targets)
                self.add(where, f"事项「{name}」按「{shown}」计，记录都登记为「{shown}」，连续天数看不到「{name}」",
                         f"请改为 consecutive = [\"{targets[0]}\"]")
            elif it.get("unit", "次") != "天":
                self.add(where, f"连续天数只能按以「天」计的事项判断，「{name}」以「{it.get('unit', '次')}」计",
                         f"请给「{name}」写 unit = \"天\"，或改用 quantity_of（累计数量）")

    def _history(self, wloc: tuple, when: dict, year: bool) -> None:
        """`period_grades` name the grades of the year's sub-periods (the last stage's grading,
        else `[grading]`), `past_grades` the year's; both only in year rules."""
        for key in ("period_grades", "past_grades", "period_below"):
            if (_list(when.get(key)) or (key == "period_below" and when.get(key) is not None)) and not year:
                what = {"period_grades": "本年各期的等次", "past_grades": "往年的年度等次",
                        "period_below": "本年各期的得分"}[key]
                self.add(wloc + (key,), f"{key}（{what}）只用于年度规则，在考核期规则中对谁都不成立",
                         "请把这条规则移到 [[annual.rules]]，或写 scope = \"annual\"")
        if not year:
            return
        for j, g in enumerate(_list(when.get("past_grades"))):
            self.grade(wloc + ("past_grades", j), g, year=True)
        names, where = self._sub_grades()
        for j, g in enumerate(_list(when.get("period_grades"))):
            if not isinstance(g, str) or g in names:
                continue
            if not names:
                self.add(wloc + ("period_grades", j), f"等次「{g}」无从比较：{where}没有等次",
                         f"请在{where}中声明等次（grades），或删去 period_grades")
            else:
                self.add(wloc + ("period_grades", j), f"等次「{g}」不是{where}的等次", _choose(names, "等次", g))

    def _sub_grades(self) -> tuple[list[str], str]:
        """The grades of the year's sub-periods, and where they are declared."""
        stages = [st for st in _list(_dict(self.data.get("annual")).get("stages")) if isinstance(st, dict)]
        if not stages:
            return self.grades, "各考核期（[grading]）"
        last = stages[-1]
        kind = KIND_NAMES.get(last.get("period"), str(last.get("period")))
        return _names(_dict(last.get("grading")).get("grades")), f"{kind}（最后一级 [[annual.stages]] 的 grading）"

    def _stages(self, annual: dict) -> None:
        """`[[annual.stages]]`: each stage longer than the one below it (the scheme's period
        first) and shorter than the year, of one calendar; `weights` one per sub-period; its
        grading's names unique."""
        base = self.data.get("period")
        below = base if base in MONTHS else None
        for i, st in enumerate(_list(annual.get("stages"))):
            if not isinstance(st, dict):
                continue
            loc = ("annual", "stages", i)
            kind = st.get("period") if st.get("period") in MONTHS else None
            if kind and below and kind not in stage_kinds(below):
                if below == base or kind not in stage_kinds(base):
                    self._stage_kind(loc + ("period",), kind, base, stage_kinds(base))
                elif (kind in SCHOOL_ORDER) != (below in SCHOOL_ORDER):
                    self.add(loc + ("period",), "学期与季度、半年分属学年和自然年，不能同在 [[annual.stages]] 中"
                             f"（上一级是{KIND_NAMES[below]}，这一级是{KIND_NAMES[kind]}）", "请只保留学期，或只保留季度、半年")
                kind = None  # (an order the model refuses: 半年 before 季度, twice the same)
            if kind and below:
                self._weights(loc, st, kind, below)
                below = kind
            else:
                below = None  # the levels above a wrong one cannot be counted
            if isinstance(st.get("grading"), dict):
                self._grading(loc + ("grading",), st["grading"])
        if below and below not in ("year", "schoolyear"):
            self._weights(("annual",), annual, "schoolyear" if below == "term" else "year", below)

    def _stage_kind(self, loc: tuple, kind: str, base: str, allowed: list[str]) -> None:
        message = (f"中间层级 period = {label('period', kind)}：应比它下面的考核期长、比年度（学年）短，"
                   f"并由它们组成（方案按{KIND_NAMES[base]}考核）")
        if allowed:
            fix = "改为 " + "、".join(label("period", k) for k in allowed) + " 之一（从短到长排列）"
        else:
            fix = (f"方案按{KIND_NAMES[base]}考核，年度之下没有更长的中间层级：请删去这个 [[annual.stages]]"
                   f"（{KIND_NAMES[base]}汇总为年度由 [annual] 完成）")
        self.add(loc, message, fix)

    def _weights(self, loc: tuple, table: dict, kind: str, below: str) -> None:
        weights = table.get("weights")
        if not isinstance(weights, list) or not weights:
            return
        n = MONTHS[kind] // MONTHS[below]
        if len(weights) != n:
            whole = "年度（学年）" if kind in ("year", "schoolyear") and below in ("month", "term") else KIND_NAMES[kind]
            self.add(loc + ("weights",), f"{whole}由{n}个{KIND_NAMES[below]}考核期组成，weights 应有{n}个权重，实有{len(weights)}个",
                     f"请按时间顺序写{n}个权重（每个{KIND_NAMES[below]}一个）")

    def _parts(self, annual: dict) -> None:
        """`[[annual.parts]]`: names unique, weights adding up to 1, one part of the periods."""
        parts = [p for p in _list(annual.get("parts")) if isinstance(p, dict)]
        if not parts:
            return
        loc = ("annual", "parts")
        self._dupes(loc, _names(annual.get("parts")), "年度组成部分")
        weights = [_number(p.get("weight")) for p in parts]
        if None not in weights and sum(weights) != 1:
            listed = "＋".join(f"{p.get('name')} {_shown(w)}" for p, w in zip(parts, weights))
            self.add(loc + (0, "weight"), f"年度组成部分的权重之和为 {_shown(sum(weights))}（{listed}），不是 1："
                     "年度得分将不是百分制", "请调整各部分的 weight，使其和为 1（如 平时考核 0.5、民主测评 0.25、领导班子评价 0.25）")
        if not any(p.get("source") == "periods" for p in parts):
            self.add(loc + (0, "source"), "年度组成部分中没有 source = \"periods\" 的部分：各期（平时）考核得分不计入年度得分",
                     "如某一部分是平时（各期汇总）得分，请在它下面写 source = \"periods\"；确实不计平时得分的，可不改", "warning")
        for i, part in enumerate(_list(annual.get("parts"))):
            cols = _dict(part.get("columns")) if isinstance(part, dict) else {}
            cw = [_number(v) for v in cols.values()]
            if part.get("source", "ratings") == "ratings" and cw and None not in cw and sum(cw) != 1:
                self.add(loc + (i, "columns"), f"「{part.get('name')}」各评分列的权重之和为 {_shown(sum(cw))}，不是 1：本部分将不是"
                         "满分为 column_max 的分数", "请检查各列的权重（如 德 0.15、能 0.15、勤 0.10、绩 0.50、廉 0.10）", "warning")

    def _caps(self, loc: tuple, caps, year: bool) -> None:
        cats = {(it.get("category") or it.get("name")) for it in _list(self.data.get("items"))
                if isinstance(it, dict) and it.get("kind") == "bonus"}
        rules = _list(_dict(self.data.get("annual")).get("rules")) if year else _list(self.data.get("rules"))
        cats |= {(r.get("category") or r.get("name")) for r in rules if isinstance(r, dict) and r.get("action") == "bonus"}
        if year:
            leave = _dict(_dict(self.data.get("annual")).get("leave"))
            if isinstance(_dict(self.data.get("annual")).get("leave"), dict):
                cats.add(leave.get("bonus_category", "年休假"))
            cats |= {(a.get("category") or a.get("name")) for a in _list(_dict(self.data.get("annual")).get("allowances"))
                     if isinstance(a, dict)}
        for cat in _dict(_dict(caps).get("categories")):
            if cat not in cats:
                self.add(loc + ("categories", cat), f"加分封顶的类别「{cat}」没有任何加分事项",
                         _choose(sorted(c for c in cats if isinstance(c, str)), "加分类别", cat)
                         + "（事项或加分规则的 category，未写时为其名称）")

    def _annual(self, annual: dict) -> None:
        loc = ("annual",)
        if isinstance(annual.get("grading"), dict):
            self._grading(loc + ("grading",), annual["grading"])
        self._stages(annual)
        self._parts(annual)
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
        if annual.get("leaders_money") is not None and not self.unit:
            self.add(loc + ("leaders_money",), "leaders_money（领导奖金）只用于单位方案：个人方案中不起作用",
                     "请删去 leaders_money；个人方案的奖金按各人等次写在 awards 中", "warning")
        for item in _dict(annual.get("dept_limit")):
            self.item(loc + ("dept_limit", item), item)
        leave = annual.get("leave")
        if isinstance(leave, dict):
            for j, name in enumerate(_list(leave.get("taken", ["年休假", "事假"]))):
                self.item(loc + ("leave", "taken", j) if "taken" in leave else loc + ("leave",), name)
            for key in ("allowance_column", "start_column"):
                if isinstance(leave.get(key), str):
                    self.column(loc + ("leave", key), leave[key])
        for i, allowance in enumerate(_list(annual.get("allowances"))):
            if isinstance(allowance, dict):
                self._allowance(loc + ("allowances", i), allowance)
        if "default_grade" in annual and not (self.grades or self.year_grades):
            self.add(loc + ("default_grade",), "方案没有等次，default_grade 无从使用", "请删去 default_grade，或声明等次")


_DATE_COLUMNS = ("参加工作时间", "入职日期")


def _allowance_columns(self: "_Checker", loc: tuple, allowance: dict) -> None:
    """`[[annual.allowances]]`: a number column of the roster (年休假天数), a date column for the years."""
    if isinstance(allowance.get("column"), str):
        name = allowance["column"]
        canonical = self.columns.get(norm(name))
        if canonical not in NUMBER_COLUMNS:
            self.add(loc + ("column",), f"人员表的「{name}」列不是 kaohe 保存的数字列，不能作额度",
                     f"请写 {'、'.join(NUMBER_COLUMNS[:1])}（每人的额度），或改用 amount（人人相同）、by_years（按年限）")
        elif canonical != name:
            self.add(loc + ("column",), f"列「{name}」是人员表中「{canonical}」列的别名，方案中要写标准列名", f"改为「{canonical}」")
    by_years = allowance.get("by_years")
    if isinstance(by_years, dict) and isinstance(by_years.get("column", "参加工作时间"), str):
        name = by_years.get("column", "参加工作时间")
        if self.columns.get(norm(name)) not in _DATE_COLUMNS:
            self.add(loc + ("by_years", "column"), f"「{name}」不是人员表的日期列，无法计算年限",
                     f"请写 {'或'.join(_DATE_COLUMNS)}")


def _reads_totals(when: dict) -> bool:
    """The `when` table (or one of its `any_of` tables) reads ranks or totals."""
    return any(when.get(k) not in (None, False) for k in ("rank_last", "bottom_share", "total_lt", "total_gte")) \
        or any(_reads_totals(sub) for sub in _list(when.get("any_of")) if isinstance(sub, dict))


def cross_problems(data: dict) -> list[Problem]:
    """Every wrong reference of a scheme's data, in document order of the checks."""
    if not isinstance(data, dict):
        return []
    return _Checker(data).run()
