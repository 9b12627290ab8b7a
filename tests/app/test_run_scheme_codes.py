"""Which periods a summed period is made of, when a command looks for its runs without --scheme."""

from __future__ import annotations

import pytest

from kaohe_cli.app.run_scheme import codes_within
from kaohe_cli.domain.period import parse_period


@pytest.mark.parametrize("target, expected", [
    ("2023Q2", {"2023Q2", "2023-04", "2023-05", "2023-06"}),
    ("2023H1", {"2023H1", "2023Q1", "2023Q2", *(f"2023-0{m}" for m in range(1, 7))}),
    ("2023", {"2023", "2023H1", "2023H2", "2023Q1", "2023Q2", "2023Q3", "2023Q4",
              *(f"2023-{m:02d}" for m in range(1, 13))}),
    ("2023-2024", {"2023-2024", "2023-2024T1", "2023-2024T2", "2023-09", "2023-10", "2023-11", "2023-12",
                   *(f"2024-0{m}" for m in range(1, 9))}),
    ("2023-03", {"2023-03"}),
])
def test_a_summed_period_is_made_of_its_months_and_every_period_inside_it(target, expected):
    assert codes_within(parse_period(target)) == expected
