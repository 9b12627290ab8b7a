"""`counts_as` as a list of tables (私自调课：算误课，也算误班), checked at the line of each table
with the fix (`scheme/checks.py`, the model): declared items, each once, none counted as another
in turn; the single-table form loads as before and its errors name `counts_as.per_unit` as
written. The base scheme is the one of tests/scheme/test_new_keys_checks.py (旷工 −5 per 天,
口头请假 counts as 旷工, 事假 marker)."""

from __future__ import annotations

import pytest

from kaohe_cli.scheme.counting import CountsAs
from kaohe_cli.scheme.loader import parse_scheme
from tests.scheme.test_new_keys_checks import BASE, edited, found, parse_scheme_refused, problems


def _with(text: str, *tables: str) -> str:
    return text + "".join(f"\n[[items]]\n{t}\n" for t in tables)


MULTI = 'name = "私自调课"\nkind = "deduction"\nunit = "天"\ncounts_as = [\n  { item = "旷工" },\n  { item = "事假", per_unit = 2 },\n]'


def test_counts_as_list_loads_and_the_single_table_still_does():
    scheme = parse_scheme(_with(BASE, MULTI), "x.toml")
    assert [(c.item, c.per_unit) for c in scheme.item("私自调课").counts_as_list] == [("旷工", 1), ("事假", 2)]
    single = scheme.item("口头请假")
    assert isinstance(single.counts_as, CountsAs) and single.counts_as.item == "旷工"
    assert single.model_dump()["counts_as"] == {"item": "旷工", "per_unit": 1}  # as before: a table, not a list
    assert scheme.item("私自调课").rule_text() == "私自调课 按「旷工」计，也按「事假」计，每天折合2"


@pytest.mark.parametrize("new, words", [
    ('{ item = "旷功" }', ["事项「旷功」不存在"]),
    ('{ item = "旷工" }', ["两次列出「旷工」"]),
    ('{ item = "口头请假" }', ["「口头请假」本身又按「旷工」计"]),
])
def test_each_counts_as_of_a_list_at_its_line(new, words):
    """The second table of the list, on its own line, is where the problem is."""
    text = _with(BASE, MULTI.replace('{ item = "事假", per_unit = 2 }', new))
    line = max(i for i, row in enumerate(text.splitlines(), 1) if row == f"  {new},")
    p = found(text, line, *words)
    assert "counts_as 第2个的 item" in p.where
    assert parse_scheme_refused(text)


def test_counts_as_errors_name_the_key_as_written():
    """An empty list is refused; a bad per_unit of the single table is named `counts_as.per_unit`
    (no word of the one-or-many choice in it), of a list `counts_as 第2个的 per_unit`."""
    empty = _with(BASE, 'name = "私自调课"\nkind = "deduction"\ncounts_as = []')
    assert any("空列表" in p.message for p in problems(empty)) and parse_scheme_refused(empty)
    one = edited('counts_as = { item = "旷工" }', 'counts_as = { item = "旷工", per_unit = 0 }')
    p = found(one, 'per_unit = 0', "大于 0")
    assert p.where.endswith("counts_as.per_unit") and "choice" not in p.where
    many = _with(BASE, MULTI.replace("per_unit = 2", "per_unit = 0"))
    p = found(many, "per_unit = 0", "大于 0")
    assert p.where.endswith("counts_as 第2个的 per_unit") and "choice" not in p.where
