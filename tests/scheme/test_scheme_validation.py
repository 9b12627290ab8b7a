"""Validation a clerk can act on (issue 17, point 2): every problem of a scheme file in one pass,
at its line and key, with the fix; every name a rule uses is checked; Chinese words for
enumerated values; schemes without grades; `schemes show/new/check`."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.errors import SchemeError
from kaohe_cli.scheme.loader import builtin_text, check_scheme_text, parse_scheme
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.scheme.skeleton import skeleton
from tests.helpers import write_book

ENV = {"COLUMNS": "400"}


def invoke(args: list[str]):
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def refused(text: str) -> str:
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "x.toml")
    return info.value.text()


def line_of(text: str, fragment: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


SMALL = '''id = "demo"
name = "演示"
period = "month"

[[components]]
name = "基础分"
kind = "deduction"
max = 100

[[items]]
name = "迟到"
kind = "deduction"
component = "基础分"
points = 1
attendance = true

[[items]]
name = "表扬"
kind = "bonus"
points = 2

[[rules]]
name = "迟到多，至多较好"
when = { quantity_of = ["迟到"], gt = 3 }
action = "ceiling"
grade = "较好"

[grading]
grades = [{ name = "好", min = 90 }, { name = "较好", min = 80 }, { name = "一般" }]
'''


def test_small_scheme_is_valid():
    assert parse_scheme(SMALL, "x.toml").grading.names == ["好", "较好", "一般"]


# ---- 1. all problems in one pass ------------------------------------------------------------


def test_undeclared_grade_is_refused_with_its_line_and_the_grade():
    text = SMALL.replace('grade = "较好"', 'grade = "优秀"')
    msg = refused(text)
    at = line_of(text, 'grade = "优秀"')
    assert f"第{at}行" in msg
    assert "[[rules]] 第1个「迟到多，至多较好」的 grade" in msg
    assert "等次「优秀」未在等次（[grading] grades）中声明" in msg
    assert "改为已声明的等次之一：" in msg and "好、较好、一般" in msg


def test_field_and_reference_errors_together_sorted_by_line():
    text = (SMALL.replace('component = "基础分"\npoints = 1', 'component = "基础份"\npoints = 1')  # a reference
            .replace('name = "表扬"\nkind = "bonus"\npoints = 2', 'name = "表扬"\nkind = "bonus"\npoints = "两分"')  # a field
            .replace('grade = "较好"', 'grade = "差"')  # a reference
            .replace('name = "演示"\n', ''))  # missing name
    msg = refused(text)
    assert "有 4 处错误" in msg, msg
    lines = [int(part.split("行")[0]) for part in msg.split("  - 第")[1:]]
    assert lines == sorted(lines) and len(lines) == 4, msg
    comp_line, points_line = line_of(text, 'component = "基础份"'), line_of(text, 'points = "两分"')
    assert f"第{comp_line}行 [[items]] 第1个「迟到」的 component：考核项目「基础份」不在 components 中" in msg
    assert f"第{points_line}行 [[items]] 第2个「表扬」的 points：应为数字" in msg
    assert "缺少必填项「name」" in msg and "第1行 name" in msg
    assert "等次「差」未" in msg


def test_too_many_problems_are_capped():
    items = "".join(f'\n[[items]]\nname = "事项{i}"\nkind = "deduction"\ncomponent = "无此项"\npoints = 1\n' for i in range(40))
    msg = refused(SMALL + items)
    assert "有 40 处错误" in msg and "另有 10 处" in msg
    assert msg.count("不在 components 中") == 30


def test_direct_model_validation_still_refuses_references():
    data = Scheme.model_validate(parse_scheme(SMALL, "x").model_dump()).model_dump()
    data["rules"][0]["grade"] = "优秀"
    with pytest.raises(ValidationError) as info:
        Scheme.model_validate(data)
    assert "等次「优秀」未在" in str(info.value)


# ---- 2. every name checked -------------------------------------------------------------------

CAIZHENG = builtin_text("caizheng")


@pytest.mark.parametrize("old,new,where,what", [
    ('grades = ["一等奖", "二等奖", "酌情奖励"]', 'grades = ["一等奖", "三等奖", "酌情奖励"]',
     "not_eligible 的 grades 第2个", "等次「三等奖」未"),
])
def test_not_eligible_grades_are_checked(old, new, where, what):
    text = builtin_text("gonghui").replace(old, new)
    msg = refused(text)
    assert f"第{line_of(text, new)}行" in msg and "grades 第2个" in msg and what in msg


@pytest.mark.parametrize("old,new,fragment,expected", [
    ('exclude_grades = ["一般", "差"]', 'exclude_grades = ["一般", "很差"]', "exclude_grades", "等次「很差」未"),
    ('tied_counts_as = "良好"', 'tied_counts_as = "较好"', "tied_counts_as", "等次「较好」未"),
    ('tie_breakers = ["count:好"]', 'tie_breakers = ["count:优"]', "tie_breakers", "等次「优」未"),
    ('tie_breakers = ["count:好"]', 'tie_breakers = ["总分"]', "tie_breakers", "不认识的并列规则「总分」"),
    ('tied_counts_as = "良好"\n', 'dept_limit = { "限时办结不利" = 3 }\ntied_counts_as = "良好"\n', "dept_limit",
     "事项「限时办结不利」不存在"),
    ('when = { quantity_of = ["限时办结不力"], gte = 3, per = "科室" }',
     'when = { quantity_of = ["限时办结不力"], gte = 3, per = "处室科" }', "when.per", "不读取人员表中的「处室科」列"),
    ('when = { quantity_of = ["病假", "事假"], gt = 12 }', 'when = { quantity_of = ["病假", "婚假"], gt = 12 }',
     "[[annual.rules]] 第2个", "事项「婚假」不存在"),
    ('quota_group = "分管领导"\ngrades', 'quota_group = "分管"\ngrades', "quota_group", "不读取人员表中的「分管」列"),
    ('quota_group = "类别"\nindependent', 'quota_group = "人员类别"\nindependent', "quota_group",
     "「人员类别」是人员表中「类别」列的别名"),
])
def test_annual_and_column_names_are_checked(old, new, fragment, expected):
    assert CAIZHENG.count(old) == 1, old
    text = CAIZHENG.replace(old, new)
    msg = refused(text)
    first = new.splitlines()[0]
    assert f"第{line_of(text, first)}行" in msg, msg
    assert fragment in msg and expected in msg, msg


def test_year_rule_may_name_a_statutory_year_grade_but_not_another():
    assert parse_scheme(CAIZHENG, "x")  # force_grade 不称职 in the year: a 公务员年度考核 grade
    text = CAIZHENG.replace('action = "force_grade"\ngrade = "不称职"', 'action = "force_grade"\ngrade = "很差"')
    assert "年度等次（[annual.grading]，或 [grading]）" in refused(text)


def test_awards_and_leave_names_are_checked():
    text = builtin_text("gonghui").replace('awards = { "一等奖" = 2000', 'awards = { "特等奖" = 2000')
    assert "awards" in refused(text) and "等次「特等奖」未" in refused(text)
    text = builtin_text("zhujian").replace('items = ["年休假", "事假"]', 'items = ["年休假", "探亲假"]')
    msg = refused(text)
    assert f"第{line_of(text, 'items = [')}行" in msg and "事项「探亲假」不存在" in msg
    text = builtin_text("zhujian").replace('column = "年休假天数"', 'column = "年假额度"')
    msg = refused(text)
    assert f"第{line_of(text, '年假额度')}行" in msg and "「年假额度」列不是 kaohe 保存的数字列" in msg
    text = builtin_text("zhujian").replace('by_years = { column = "参加工作时间"', 'by_years = { column = "科室"')
    assert "「科室」不是人员表的日期列" in refused(text)


def test_the_old_leave_key_loads_as_the_allowance_it_always_was():
    old = builtin_text("zhujian").replace(builtin_text("zhujian")[builtin_text("zhujian").index("# 年休假核算"):
                                                                 builtin_text("zhujian").index("[annual.grading]")],
                                          '[annual.leave]\nallowance_column = "年休假天数"\nstart_column = "参加工作时间"\n'
                                          'taken = ["年休假", "事假"]\nbands = [[1, 5], [10, 10], [20, 15]]\n\n')
    converted = parse_scheme(old, "old.toml").annual.allowances
    today = parse_scheme(builtin_text("zhujian"), "z.toml").annual.allowances
    assert [a.model_dump(exclude={"category"}) for a in converted] == [a.model_dump(exclude={"category"}) for a in today]
    assert converted[0].category == "年休假" and today[0].category is None  # both count as 年休假
    wrong = old.replace("bands = [[1, 5], [10, 10], [20, 15]]", "bands = [[10, 5], [1, 10]]")
    msg = refused(wrong)
    assert f"第{line_of(wrong, '[annual.leave]')}行" in msg and "工龄应从小到大递增" in msg


def test_blank_to_and_factor_columns_are_checked():
    jinjiang = builtin_text("jinjiang")
    text = jinjiang.replace('blank_to = "常规工作"', 'blank_to = "常规工做"')
    msg = refused(text)
    assert f"第{line_of(text, 'blank_to =')}行" in msg and "考核项目「常规工做」不在 components 中" in msg
    text = jinjiang.replace('blank_to = "常规工作"', 'blank_to = "考勤"')
    assert "考核项目「考勤」不是评分类" in refused(text)
    text = jinjiang.replace('blank = "absent"\nblank_to', 'blank_to')
    assert "blank_to（空着时满分转入）只用于评分类" in refused(text)
    text = builtin_text("kexie").replace('{ column = "科室", equals = ["办公室"]', '{ column = "部门", equals = ["办公室"]')
    assert "「部门」是人员表中「科室」列的别名" in refused(text) and "改为「科室」" in refused(text)


def _old_max_if_blank(total: int) -> str:
    """jinjiang as written before `blank_to`: the receiving component says its max when 重点项目 is blank."""
    text = builtin_text("jinjiang").replace('blank_to = "常规工作"\n', "")
    return text.replace('weight = 0.6\ndescription = "直接领导评分',
                        f'weight = 0.6\nmax_if_blank = {{ "重点项目" = {total} }}\ndescription = "直接领导评分', 1)


def test_the_old_max_if_blank_loads_as_blank_to_when_it_is_the_sum():
    old, today = parse_scheme(_old_max_if_blank(90), "old.toml"), parse_scheme(builtin_text("jinjiang"), "j.toml")
    assert old.component("重点项目").blank_to == "常规工作" == today.component("重点项目").blank_to
    assert old.component("常规工作").max_if_blank == {}
    msg = refused(_old_max_if_blank(80))
    assert "max_if_blank" in msg and "blank_to" in msg and "而不是 80" in msg


def test_range_attendance_item_without_default_is_refused():
    text = SMALL.replace('points = 1\nattendance = true', 'range = [1, 3]\nattendance = true')
    msg = refused(text)
    assert f"第{line_of(text, 'attendance = true')}行" in msg and "每次都会得0分" in msg and "default" in msg
    assert parse_scheme(text.replace("range = [1, 3]", "range = [1, 3]\ndefault = 2"), "x")


# ---- 3. Chinese words -----------------------------------------------------------------------


def test_chinese_values_are_accepted():
    text = (SMALL.replace('period = "month"', 'period = "季度"').replace('kind = "deduction"\nmax', 'kind = "扣分"\nmax')
            .replace('name = "表扬"\nkind = "bonus"', 'name = "表扬"\nkind = "加分"\nevidence = "是"')
            .replace('action = "ceiling"', 'action = "至多"'))
    s = parse_scheme(text, "x")
    assert (s.period, s.components[0].kind, s.item("表扬").kind, s.item("表扬").evidence) == ("quarter", "deduction", "bonus", True)
    assert s.rules[0].action == "ceiling"


def test_a_wrong_value_lists_the_options_with_their_chinese_words():
    msg = refused(SMALL.replace('period = "month"', 'period = "每旬"'))
    assert "取值「每旬」不在允许范围内" in msg and "month（月度）" in msg and "quarter（季度）" in msg
    assert "'month'" not in msg and "Input should" not in msg


def test_a_quoted_chinese_key_suggests_the_english_key_at_its_line():
    text = SMALL.replace('name = "演示"', '"名称" = "演示"')
    msg = refused(text)
    assert f"第{line_of(text, '名称')}行" in msg and "未知的键「名称」" in msg and "请写作 name" in msg


def test_a_bare_chinese_key_suggests_the_english_key():
    msg = refused(SMALL.replace('period = "month"', '考核期 = "月度"'))
    assert "第3行" in msg and "「考核期」不是键" in msg and "改为 period" in msg
    msg = refused(SMALL.replace("[[items]]", "[[事项]]", 1))
    assert "「事项」不是键" in msg and "改为 items" in msg


# ---- 4. grading is optional -------------------------------------------------------------------

NO_GRADES = SMALL[:SMALL.index("[[rules]]")]


def test_a_scheme_without_grades_loads_and_may_not_name_grades():
    assert parse_scheme(NO_GRADES, "x").grading.names == []
    assert parse_scheme(NO_GRADES + "[grading]\ngrades = []\n", "x").grading.names == []
    msg = refused(SMALL[:SMALL.index("[grading]")])
    assert "等次「较好」未声明：方案没有等次" in msg


def test_a_scheme_without_grades_scores_end_to_end(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "无等次.toml").write_text(NO_GRADES, encoding="utf-8")
    result = invoke(["template", "-o", "t.xlsx", "--scheme", "无等次.toml"])
    assert result.exit_code == 0 and "--scheme 无等次.toml" in result.output, result.output
    write_book(tmp_path / "2024-03.xlsx", {
        "人员": [["工号", "姓名", "科室"], ["001", "张三", "办公室"], ["002", "李四", "办公室"]],
        "考勤": [["工号", "姓名", "迟到"], ["001", "张三", 2], ["002", "李四", 0]],
        "奖惩": [["对象", "事项"], ["002", "表扬"]],
    })
    result = invoke(["score", "2024-03.xlsx", "--scheme", "无等次.toml", "-o", "out.xlsx"])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "out.xlsx")["汇总"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(r for r in rows if "总分" in r)
    people = {r[head.index("姓名")]: r for r in rows if r[head.index("姓名")] in ("张三", "李四")}
    assert float(people["张三"][head.index("总分")]) == 98.0 and float(people["李四"][head.index("总分")]) == 102.0
    assert all(not people[p][head.index("等次")] for p in people)
    result = invoke(["explain", "001", "--period", "2024-03"])
    assert result.exit_code == 0 and "总分 98.00" in result.output, result.output
    result = invoke(["quota", "--period", "2024", "-o", "y.xlsx"])
    assert result.exit_code == 0 and "称职" not in result.output, result.output


# ---- 5. show, new, check ----------------------------------------------------------------------


def test_show_lists_the_annual_section():
    out = invoke(["schemes", "show", "zhujian"]).output
    assert "[annual]" in out and "allowances = [{name = 年休假，items = [年休假，事假]" in out and "under_points = 1" in out
    assert "[annual.grading]" in out and "优秀预备人选" in out
    out = invoke(["schemes", "show", "caizheng"]).output
    assert "所在科室全年限时办结不力达3人次" in out and "per = 科室" in out and "病事假超过12个工作日" in out and "ceiling（至多） 一般" in out


def test_new_writes_a_skeleton_that_loads_and_checks_clean(tmp_path):
    result = invoke(["schemes", "new", "--id", "wode", "--name", "我的方案"])
    assert result.exit_code == 0
    path = tmp_path / "我的.toml"
    path.write_text(result.stdout, encoding="utf-8")
    s = parse_scheme(result.stdout, "x")
    assert (s.id, s.name, s.period) == ("wode", "我的方案", "month")
    assert check_scheme_text(skeleton(), "x")[1] == []
    result = invoke(["schemes", "check", str(path)])
    assert result.exit_code == 0 and "没有错误" in result.output


def test_check_lists_every_problem_and_exits_1(tmp_path):
    path = tmp_path / "坏.toml"
    path.write_text(SMALL.replace('grade = "较好"', 'grade = "优秀"').replace('component = "基础分"\npoints', 'component = "X"\npoints'),
                    encoding="utf-8")
    result = invoke(["schemes", "check", str(path)])
    assert result.exit_code == 1
    assert "等次「优秀」未" in result.output and "考核项目「X」不在 components 中" in result.output
    assert "2 处错误" in result.output and "kaohe schemes guide" in result.output


def test_every_built_in_scheme_as_recorded_in_the_archive_still_validates():
    """A run stores the whole dump (every key, `annual.grading = None` too); it must load again."""
    from kaohe_cli.scheme import builtin_ids, load_scheme

    for sid in builtin_ids():
        scheme = load_scheme(sid)
        assert Scheme.model_validate(scheme.model_dump(mode="json")) == scheme


def test_a_period_rule_cannot_zero_by_rank_or_total():
    """zero_total acts before the totals; rank_last is known only after them: in a period such a
    rule would silently do nothing, so the check refuses it (a year rule may: it acts after)."""
    text = SMALL + '\n[[rules]]\nname = "排名最后，总分计0分"\nwhen = { rank_last = true }\naction = "zero_total"\n'
    msg = refused(text)
    assert f"第{line_of(text, 'rank_last = true')}行" in msg and "在考核期中不会起作用" in msg
    assert parse_scheme(text.replace('action = "zero_total"', 'action = "zero_total"\nscope = "annual"'), "x")


def test_names_inside_any_of_are_checked_at_their_line():
    text = SMALL + ('\n[[rules]]\nname = "事假或旷工过多"\nwhen = { any_of = [{ quantity_of = ["迟到"], gt = 3 },'
                    ' { items = ["旷到"] }] }\naction = "flag"\n')
    msg = refused(text)
    assert f"第{line_of(text, 'any_of')}行" in msg and "事项「旷到」不存在" in msg and "any_of" in msg


def test_a_money_name_that_already_says_yuan_is_warned():
    from kaohe_cli.scheme.loader import check_scheme_text

    text = SMALL.replace('period = "month"', 'period = "month"\nmoney_name = "考勤扣款（元）"\nyuan_per_point = 1', 1)
    scheme, problems = check_scheme_text(text, "x.toml")
    assert scheme is not None
    said = [p for p in problems if "money_name" in str(p)]
    assert said and "考勤扣款" in str(said[0]) and "再加“（元）”" in str(said[0])
