"""`overflow` (the part above N counts as another item), checked at its line with the fix
(`scheme/checks.py`, the model): the target is declared, recorded under its own name, takes a
fixed value, is not annual, and the overflows never come back in a cycle; the keys it may not
combine with are refused. The base scheme is the one of tests/scheme/test_new_keys_checks.py
(旷工 −5 per 天, 口头请假 counts as 旷工, 事假 marker, 脱岗 per person)."""

from __future__ import annotations

import pytest

from kaohe_cli.scheme.loader import parse_scheme
from tests.scheme.test_new_keys_checks import BASE, edited, found, parse_scheme_refused, problems

LEAVE = 'name = "事假"\nkind = "marker"\n'


def _with(text: str, *tables: str) -> str:
    return text + "".join(f"\n[[items]]\n{t}\n" for t in tables)


def _leave_overflow(target: str) -> str:
    return edited(LEAVE, LEAVE + f'overflow = {{ over = 3, item = "{target}" }}\n')


# (the scheme, the fragment of the line the problem is at, words of its message and fix)
REFUSED = [
    (_leave_overflow("误班"), 'item = "误班"', ["事项「误班」不存在"]),
    (_leave_overflow("事假"), 'item = "事假"', ["指向事项本身"]),
    (_leave_overflow("口头请假"), 'item = "口头请假"', ["按「旷工」计（counts_as）", "改为「旷工」"]),
    (_leave_overflow("脱岗"), 'item = "脱岗"', ["points_from", "无从取分值"]),
    (_with(_leave_overflow("评优加分"), 'name = "评优加分"\nkind = "bonus"\npoints = 1\nannual = true'),
     'item = "评优加分"', ["年终计分", "annual"]),
    (_with(_leave_overflow("视情扣分"), 'name = "视情扣分"\nkind = "deduction"\nrange = [1, 3]'),
     'item = "视情扣分"', ["range"]),
    (_with(_leave_overflow("病假"), 'name = "病假"\nkind = "marker"\nunit = "天"\noverflow = { over = 1, item = "事假" }'),
     'item = "病假" }', ["overflow 循环：事假 → 病假 → 事假", "只朝一个方向"]),
    (_with(_leave_overflow("病假"), 'name = "病假"\nkind = "marker"\nunit = "天"\noverflow = { over = 1, item = "事假" }'),
     'item = "事假" }', ["overflow 循环：病假 → 事假 → 病假"]),
]


@pytest.mark.parametrize("text, fragment, words", REFUSED, ids=[f"case{i}" for i in range(len(REFUSED))])
def test_overflow_target_at_its_line(text, fragment, words):
    p = found(text, fragment, *words)
    assert "overflow" in p.where
    assert parse_scheme_refused(text)


@pytest.mark.parametrize("table, words", [
    # an item counted as another has no total of its own
    ('name = "捎假"\nkind = "deduction"\nunit = "天"\ncounts_as = { item = "旷工" }\noverflow = { over = 1, item = "旷工" }',
     ["不能再设 overflow", "写在「旷工」上"]),
    ('name = "听课"\nkind = "deduction"\nunit = "节"\npoints = 1\nminimum = 10\noverflow = { over = 1, item = "旷工" }',
     ["不能与 minimum 同用"]),
    ('name = "记功"\nkind = "marker"\nannual = true\noverflow = { over = 1, item = "旷工" }', ["annual"]),
    ('name = "通报"\nkind = "deduction"\nlevels = [{ name = "县", points = 1 }]\noverflow = { over = 1, item = "旷工" }',
     ["levels"]),
    ('name = "病假"\nkind = "marker"\nunit = "天"\noverflow = { over = -1, item = "旷工" }', ["-1"]),
])
def test_overflow_combines_only_as_documented(table, words):
    text = _with(BASE, table)
    at = [p for p in problems(text) if p.level == "error"]
    assert any(all(w in p.message + p.fix for w in words) for p in at), [p.text() for p in at]
    assert parse_scheme_refused(text)


def test_a_chain_of_overflows_loads():
    """病假 → 事假 → 旷工 (each step to a later one, no cycle), 旷工 scored at a fixed value."""
    text = _with(_leave_overflow("旷工"), 'name = "病假"\nkind = "marker"\nunit = "天"\noverflow = { over = 3, item = "事假" }')
    assert problems(text) == []
    scheme = parse_scheme(text, "x.toml")
    assert scheme.item("病假").overflow.item == "事假" and scheme.item("事假").overflow.over == 3
