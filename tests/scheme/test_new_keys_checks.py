"""Every name the new keys of the scheme language use is checked, at its line, with the fix
(`scheme/checks.py`): counts_as, if_none_of, zero_above, points_from, a scaled rated component,
[[annual.stages]], [[annual.parts]], period_grades / past_grades, flag rules; and the Chinese
words of the new enumerated values (`scheme/synonyms.py`)."""

from __future__ import annotations

import pytest

from kaohe_cli.scheme.loader import check_scheme_text, parse_scheme

BASE = '''id = "xin"
name = "新键演示"
period = "month"

[[components]]
name = "日常"
kind = "deduction"
max = 100

[[components]]
name = "学生评教"
kind = "rated"
max = 15
column_max = 100
scale = 0.15

[[items]]
name = "旷工"
kind = "deduction"
component = "日常"
unit = "天"
points = 5
zero_at = 30

[[items]]
name = "口头请假"
kind = "deduction"
unit = "天"
counts_as = { item = "旷工" }

[[items]]
name = "事假"
kind = "marker"
component = "日常"
unit = "天"
zero_above = 45

[[items]]
name = "全勤奖"
kind = "bonus"
points = 2
if_none_of = ["旷工", "事假"]

[[items]]
name = "脱岗"
kind = "deduction"
component = "日常"
unit = "天"
points_from = { column = "日工资", factor = 0.1 }

[[rules]]
name = "事假多，标记"
when = { quantity_of = ["事假"], gt = 10 }
action = "flag"

[grading]
grades = [{ name = "好", min = 90 }, { name = "一般" }]

[annual]

[[annual.stages]]
period = "half"

[annual.stages.grading]
grades = [{ name = "优秀", min = 90 }, { name = "称职", min = 75 }, { name = "不称职" }]

[[annual.parts]]
name = "平时考核"
source = "periods"
weight = 0.5

[[annual.parts]]
name = "民主测评"
weight = 0.5

[annual.grading]
grades = [{ name = "优秀", min = 90 }, { name = "称职" }]

[[annual.rules]]
name = "半年均非优秀"
when = { period_grades = ["优秀"], fewer_than = 1 }
action = "not_eligible"
grades = ["优秀"]

[[annual.rules]]
name = "去年不称职"
when = { past_grades = ["称职"] }
action = "flag"
'''


def problems(text: str) -> list:
    return check_scheme_text(text, "x.toml")[1]


def edited(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def found(text: str, fragment: str | int, *words: str, level: str = "error"):
    """The problem at the line of `fragment` (or at line `fragment`) whose message and fix hold
    every one of `words`."""
    line = fragment if isinstance(fragment, int) else line_of(text, fragment)
    at = [p for p in problems(text) if p.line == line and p.level == level]
    hits = [p for p in at if all(w in p.message + "。" + p.fix for w in words)]
    assert hits, (line, words, [p.text() for p in problems(text)])
    return hits[0]


def test_the_base_scheme_is_clean():
    assert parse_scheme(BASE, "x.toml").annual.stages[0].period == "half"
    assert problems(BASE) == []


# ---- items -----------------------------------------------------------------------------------


def test_counts_as_names_a_declared_item():
    text = edited('counts_as = { item = "旷工" }', 'counts_as = { item = "旷功" }')
    p = found(text, 'item = "旷功"', "事项「旷功」不存在")
    assert "旷工" in p.fix and "counts_as" in p.where
    assert parse_scheme_refused(text)


def test_counts_as_may_not_chain_or_loop():
    chain = BASE + '\n[[items]]\nname = "捎假"\nkind = "deduction"\nunit = "天"\ncounts_as = { item = "口头请假" }\n'
    p = found(chain, 'counts_as = { item = "口头请假" }', "「口头请假」本身又按「旷工」计")
    assert 'item = "旷工"' in p.fix  # the final item, written out
    loop = edited('counts_as = { item = "旷工" }', 'counts_as = { item = "捎假" }', chain)
    p = found(loop, 'counts_as = { item = "捎假" }', "「捎假」本身又按「口头请假」计")
    assert "不设 counts_as" in p.fix  # a loop has no final item to point to
    found(edited('counts_as = { item = "旷工" }', 'counts_as = { item = "口头请假" }'),
          'counts_as = { item = "口头请假" }', "指向事项本身")


def test_if_none_of_names_declared_items_other_than_itself():
    text = edited('if_none_of = ["旷工", "事假"]', 'if_none_of = ["旷工", "病假"]')
    found(text, "if_none_of", "事项「病假」不存在")
    found(edited('if_none_of = ["旷工", "事假"]', 'if_none_of = ["旷工", "全勤奖"]'), "if_none_of", "事项本身「全勤奖」")


def test_zero_above_needs_a_component():
    text = edited('component = "日常"\nunit = "天"\nzero_above', 'unit = "天"\nzero_above')
    found(text, "zero_above = 45", "zero_above 需要 component", "请加上 component")


def test_points_from_column_is_a_number_column_by_its_canonical_name():
    found(edited('column = "日工资"', 'column = "科室"'), 'column = "科室"', "「科室」列不是数字")
    found(edited('column = "日工资"', 'column = "年假天数"'), 'column = "年假天数"', "别名", "改为「年休假天数」")
    assert problems(edited('column = "日工资"', 'column = "年休假天数"')) == []


# ---- a scaled rated component -----------------------------------------------------------------


def test_scale_needs_a_rated_component_with_column_max_within_max():
    no_top = edited("column_max = 100\nscale = 0.15", "scale = 0.15")
    found(no_top, "scale = 0.15", "scale 需要 column_max", "column_max = 100")
    over = edited("scale = 0.15", "scale = 0.2")
    p = found(over, "scale = 0.2", "100 × scale 0.2 = 20", "超过本项目满分 max 15")
    assert "不超过 0.15" in p.fix
    wrong = edited('kind = "rated"\nmax = 15', 'kind = "input"\nmax = 15')
    found(wrong, "scale = 0.15", "只用于 rated", "input（录入）")


# ---- [[annual.stages]] and [[annual.parts]] ------------------------------------------------------


@pytest.mark.parametrize("period, stage, fix", [
    ("half", "half", "删去这个 [[annual.stages]]"),     # as long as the scheme's own period
    ("quarter", "term", "half（半年度）"),                 # a term is not made of calendar quarters
    ("year", "quarter", "删去这个 [[annual.stages]]"),   # nothing between a year and itself
])
def test_a_stage_is_longer_than_the_schemes_period_and_shorter_than_the_year(period, stage, fix):
    text = edited('period = "month"', f'period = "{period}"')
    text = edited('[[annual.stages]]\nperiod = "half"', f'[[annual.stages]]\nperiod = "{stage}"', text)
    found(text, line_of(text, "[[annual.stages]]") + 1, "中间层级", fix)


def test_a_term_stage_does_not_follow_a_quarter_stage():
    text = edited('[[annual.stages]]\nperiod = "half"', '[[annual.stages]]\nperiod = "quarter"\n\n[[annual.stages]]\nperiod = "term"')
    found(text, 'period = "term"', "学期与季度、半年分属学年和自然年")


def test_stage_grades_are_unique_and_weights_one_per_sub_period():
    dup = edited('{ name = "称职", min = 75 }', '{ name = "优秀", min = 75 }')
    assert any("等次「优秀」重复" in p.message for p in problems(dup))
    weights = edited('[[annual.stages]]\nperiod = "half"', '[[annual.stages]]\nperiod = "half"\naggregate = "weights"\nweights = [1, 1, 1]')
    found(weights, "weights = [1, 1, 1]", "半年由6个月度考核期组成，weights 应有6个权重，实有3个")
    year = edited("[annual]\n", '[annual]\naggregate = "weights"\nweights = [0.5, 0.25, 0.25]\n')
    found(year, "weights = [0.5, 0.25, 0.25]", "由2个半年考核期组成，weights 应有2个权重，实有3个")
    assert problems(edited("[annual]\n", '[annual]\naggregate = "weights"\nweights = [0.4, 0.6]\n')) == []


def test_parts_weights_add_up_to_one_and_one_part_is_the_periods():
    text = edited("weight = 0.5\n\n[[annual.parts]]\nname = \"民主测评\"\nweight = 0.5",
                  "weight = 0.5\n\n[[annual.parts]]\nname = \"民主测评\"\nweight = 0.25")
    found(text, "weight = 0.5", "权重之和为 0.75", "和为 1")
    no_periods = edited('source = "periods"\n', "")
    found(no_periods, 'name = "平时考核"', "没有 source = \"periods\" 的部分", level="warning")
    assert check_scheme_text(no_periods, "x.toml")[0] is not None  # a warning does not refuse
    cols = edited('name = "民主测评"\nweight = 0.5', 'name = "民主测评"\nweight = 0.5\ncolumns = { "德" = 0.5, "能" = 0.4 }')
    found(cols, "columns =", "权重之和为 0.9", level="warning")


# ---- rules ------------------------------------------------------------------------------------


def test_period_grades_name_the_last_stages_grades():
    text = edited('period_grades = ["优秀"]', 'period_grades = ["好"]')  # a month's grade, not a half-year's
    p = found(text, 'period_grades = ["好"]', "等次「好」不是半年（最后一级 [[annual.stages]] 的 grading）的等次")
    assert "优秀" in p.fix
    ungraded = edited('[annual.stages.grading]\ngrades = [{ name = "优秀", min = 90 }, { name = "称职", min = 75 }, { name = "不称职" }]\n', "")
    found(ungraded, 'period_grades = ["优秀"]', "无从比较", "没有等次")


def test_period_grades_without_stages_name_the_periods_grades():
    text = edited('[[annual.stages]]\nperiod = "half"\n\n[annual.stages.grading]\n'
                  'grades = [{ name = "优秀", min = 90 }, { name = "称职", min = 75 }, { name = "不称职" }]\n', "")
    found(text, 'period_grades = ["优秀"]', "等次「优秀」不是各考核期（[grading]）的等次", "好、一般")
    assert problems(edited('period_grades = ["优秀"]', 'period_grades = ["好"]', text)) == []


def test_past_grades_name_year_grades():
    text = edited('past_grades = ["称职"]', 'past_grades = ["很好"]')
    found(text, 'past_grades = ["很好"]', "等次「很好」未在年度等次")
    assert problems(edited('past_grades = ["称职"]', 'past_grades = ["不称职"]')) == []  # statutory: may be set by a year rule


@pytest.mark.parametrize("when", ['{ period_grades = ["好"] }', '{ past_grades = ["不称职"] }'])
def test_history_conditions_are_refused_in_period_rules(when):
    text = edited('when = { quantity_of = ["事假"], gt = 10 }', f"when = {when}")
    found(text, f"when = {when}", "只用于年度规则", "[[annual.rules]]")
    annual_scope = edited(f"when = {when}", f'when = {when}\nscope = "annual"', text)
    assert not [p for p in problems(annual_scope) if "只用于年度规则" in p.message]


def test_flag_rules_need_no_grade():
    ungraded = edited('[grading]\ngrades = [{ name = "好", min = 90 }, { name = "一般" }]\n', "")
    ungraded = ungraded[:ungraded.index("[annual]")]
    assert problems(ungraded) == []  # a flag rule in a scheme without grades
    text = edited('action = "flag"\n\n[grading]', 'action = "flag"\ngrade = "好"\n\n[grading]')
    found(text, 'grade = "好"', "flag（仅标记）规则不改变得分和等次", level="warning")


# ---- Chinese words ------------------------------------------------------------------------------


def test_chinese_words_of_the_new_values():
    text = BASE.replace('action = "flag"', 'action = "仅标记"').replace('source = "periods"', 'source = "平时"')
    text = text.replace('period = "half"', 'period = "半年度"').replace("[annual]\n", '[annual]\naggregate = "加权"\nweights = [1, 1]\nmissing = "缺期按0分"\n')
    text = text.replace('name = "全勤奖"', 'name = "全勤奖"\nunit = "课时"', 1)
    text = text.replace('points = 5\nzero_at', 'tiers = [{ over = 0, points = 1 }, { over = 2, points = 3 }]\ntier_mode = "全额"\nzero_at')
    scheme = parse_scheme(text, "x.toml")
    assert [r.action for r in scheme.rules] == ["flag"]
    assert scheme.annual.parts[0].source == "periods" and scheme.annual.stages[0].period == "half"
    assert (scheme.annual.aggregate, scheme.annual.missing) == ("weights", "zero")
    assert scheme.item("旷工").tier_mode == "whole" and scheme.item("全勤奖").unit == "节"


def test_the_schemes_own_source_text_is_not_translated():
    """`source` words apply only in [[annual.parts]]: the scheme's 依据 stays as written."""
    scheme = parse_scheme(BASE.replace('name = "新键演示"', 'name = "新键演示"\nsource = "平时"'), "x.toml")
    assert scheme.source == "平时"


def parse_scheme_refused(text: str) -> bool:
    return check_scheme_text(text, "x.toml")[0] is None
