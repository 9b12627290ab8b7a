"""The scheme side of `value_band` (points by the band a value reaches): the keys load, their
Chinese words translate, every wrong band is reported at its line with the fix
(`scheme/bands.py`), and the text `schemes show` and the template give."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe_cli.scheme.bands import band_text
from kaohe_cli.scheme.loader import check_scheme_text, parse_scheme
from tests.helpers import VALUE_BAND_SCHEME

# the helpers' scheme with the words swapped: 民主测评 in English, 满意度 in Chinese
BASE = VALUE_BAND_SCHEME.replace('kind = "分档"', 'kind = "@"').replace('kind = "value_band"', 'kind = "按数值分档"') \
    .replace('kind = "@"', 'kind = "value_band"')


def problems(text: str) -> list:
    return check_scheme_text(text, "x.toml")[1]


def edited(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def test_the_base_loads_with_its_chinese_words():
    """按数值分档 is value_band; otherwise defaults to nothing (0 points); the 评分
    columns read are the ratio's three and 满意度 (the component's own name)."""
    scheme = parse_scheme(BASE, "x.toml")
    votes, satisfaction = scheme.components
    assert (votes.kind, satisfaction.kind) == ("value_band", "value_band")
    assert votes.ratio.numerator == ["优秀票", "称职票"] and votes.ratio.denominator == "总票数"
    assert votes.otherwise is None and satisfaction.otherwise == 5
    assert [b.min for b in votes.bands] == [Decimal("0.9"), Decimal("0.8"), Decimal("0.7")]
    assert scheme.rating_columns == ["优秀票", "称职票", "总票数", "满意度"]
    assert problems(BASE) == []


def test_one_numerator_column_may_be_written_as_text():
    scheme = parse_scheme(edited('numerator = ["优秀票", "称职票"]', 'numerator = "优秀票"'), "x.toml")
    assert scheme.components[0].ratio.numerator == ["优秀票"]
    assert band_text(scheme.components[0]).startswith("优秀票÷总票数 达到90%得15分")


def test_band_text():
    """What `schemes show`, the template's comments and the result's 说明 say."""
    votes, satisfaction = parse_scheme(BASE, "x.toml").components
    assert band_text(votes) == "(优秀票+称职票)÷总票数 达到90%得15分，达到80%得12分，达到70%得10分，不足70%得0分"
    assert band_text(satisfaction) == "满意度 达到95得10分，达到90得8分，不足90得5分"


BAD = [
    # (old text, new text, the line's fragment, words of the message and fix)
    pytest.param("{ min = 0.9, points = 15 }, { min = 0.8, points = 12 }",
                 "{ min = 0.8, points = 12 }, { min = 0.9, points = 15 }", "{ min = 0.8, points = 12 }, { min = 0.9",
                 ("bands 第2个的 min", "从高到低", "上一档 0.8，这一档 0.9"), id="bands from low to high"),
    pytest.param("{ min = 0.8, points = 12 }, { min = 0.7", "{ min = 0.8, points = 12 }, { min = 0.8",
                 "{ min = 0.8, points = 12 }, { min = 0.8", ("逐档减小",), id="two bands with one min"),
    pytest.param("{ min = 0.9, points = 15 }", "{ min = 90, points = 15 }", "{ min = 90, points = 15 }",
                 ("0 到 1 之间的比例（实为 90）", "90% 写作 0.9"), id="a percentage for a share"),
    pytest.param("{ min = 0.9, points = 15 }", "{ min = 0.9, points = 16 }", "{ min = 0.9, points = 16 }",
                 ("这一档 16 分，超过本项目满分 max 15",), id="band points above max"),
    pytest.param("otherwise = 5", "otherwise = 12", "otherwise = 12", ("otherwise", "超过本项目满分 max 10"),
                 id="otherwise above max"),
    pytest.param("{ min = 95, points = 10 }", "{ min = 105, points = 10 }", "{ min = 105, points = 10 }",
                 ("min 105 不在评分列的范围 0–100", "谁也达不到"), id="a min beyond column_max"),
    pytest.param("{ min = 0.9, points = 15 }", "{ upto = 0.9, points = 15 }", "{ upto = 0.9, points = 15 }",
                 ("bands 第1个的 upto", "写 min", "不写 upto"), id="a rank band's upto"),
    pytest.param("{ min = 0.9, points = 15 }", "{ points = 15 }", "{ points = 15 }",
                 ("缺少 min",), id="a band without min"),
    pytest.param('denominator = "总票数"', 'denominator = "称职票"', 'denominator = "称职票"',
                 ("分母「称职票」也在分子中",), id="denominator among the numerator"),
    pytest.param('numerator = ["优秀票", "称职票"]', 'numerator = ["优秀票", "优秀票"]', 'numerator = ["优秀票", "优秀票"]',
                 ("分子中「优秀票」写了两次",), id="a column twice"),
    pytest.param('kind = "value_band"\nmax = 15\n', 'kind = "value_band"\nmax = 15\ncolumn = "得票率"\n', 'column = "得票率"',
                 ("二选一", "column", "ratio"), id="column and ratio"),
    pytest.param('kind = "value_band"\nmax = 15\n', 'kind = "value_band"\nmax = 15\ncolumn_max = 2\n', "column_max = 2",
                 ("比值在 0 到 1 之间，不用写 column_max",), id="column_max with a ratio"),
    pytest.param('kind = "value_band"\nmax = 15\n', 'kind = "value_band"\nmax = 15\ngroup_by = "类别"\n', 'group_by = "类别"',
                 ("不分组", "rank_band"), id="group_by"),
    pytest.param('kind = "value_band"\nmax = 15\n', 'kind = "rated"\nmax = 15\n', "ratio = {",
                 ("ratio（按比例分档）只用于 value_band",), id="ratio on another kind"),
]


@pytest.mark.parametrize("old, new, fragment, words", BAD)
def test_a_wrong_band_is_reported_at_its_line(old, new, fragment, words):
    text = edited(old, new)
    line = line_of(text, fragment)
    found = [p for p in problems(text) if p.line == line and all(w in p.where + p.message + "。" + p.fix for w in words)]
    assert found, (line, words, [p.text() for p in problems(text)])
    assert found[0].level == "error"
    with pytest.raises(Exception):
        parse_scheme(text, "x.toml")


def test_bands_are_required():
    text = edited("bands = [{ min = 0.9, points = 15 }, { min = 0.8, points = 12 }, { min = 0.7, points = 10 }]\n", "")
    [p] = [p for p in problems(text) if "value_band 需要 bands" in p.message]
    assert p.line == line_of(text, 'name = "民主测评"')  # a problem of the whole component: at its name


def test_a_rank_band_still_needs_upto_and_not_min():
    rank = '''
[[components]]
name = "领导测评分"
kind = "rank_band"
column = "测评得分"
max = 90
bands = [{ upto = 0.25, points = 90 }, { min = 0.55, points = 80 }]
otherwise = 70
'''
    text = BASE + rank
    [p] = [p for p in problems(text) if "bands 第2个的 min" in p.where]
    assert "写 upto" in p.message and p.line == line_of(text, "{ min = 0.55")
