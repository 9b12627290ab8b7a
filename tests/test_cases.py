"""Hand-computed acceptance cases (tests/cases/*_cases.py), scored end to end.

Each case gives the input rows of every sheet and, worked out by hand from SCHEMES.md,
every subject's 总分 and 等次 (and sometimes 名次, component scores and flags).
"""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest

from kaohe_cli.domain.points import fmt_cents, fmt_micro
from kaohe_cli.scheme import load_scheme
from kaohe_cli.app.score import score_file
from kaohe_cli.text import norm
from tests.helpers import write_book

MODULES = ["zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"]


def _cases():
    out = []
    for m in MODULES:
        try:
            mod = importlib.import_module(f"tests.cases.{m}_cases")
        except ModuleNotFoundError:
            continue
        for case in mod.CASES:
            out.append(pytest.param(case, id=case["id"]))
    return out


@pytest.mark.parametrize("case", _cases())
def test_case(case, tmp_path):
    path = write_book(tmp_path / f"{case['id']}.xlsx", case["sheets"])
    scored = score_file(path, load_scheme(case["scheme"]), case["period"])
    table = scored.result.table
    got = {norm(s): s for s in table.index}
    problems = []
    for key, exp in case["expect"].items():
        s = got.get(norm(key))
        if s is None:
            problems.append(f"{key}: not scored")
            continue
        total = fmt_cents(table.at[s, "cents"])
        if "总分" in exp and Decimal(total) != Decimal(str(exp["总分"])):
            problems.append(f"{key}: 总分 {total} != {exp['总分']}")
        if "等次" in exp and table.at[s, "grade"] != exp["等次"]:
            problems.append(f"{key}: 等次 {table.at[s, 'grade']!r} != {exp['等次']!r}")
        if "名次" in exp and int(table.at[s, "rank"]) != int(exp["名次"]):
            problems.append(f"{key}: 名次 {table.at[s, 'rank']} != {exp['名次']}")
    for key, comps in case.get("expect_components", {}).items():
        s = got.get(norm(key))
        for comp, val in comps.items():
            have = Decimal(fmt_micro(table.at[s, comp]))
            if have != Decimal(str(val)):
                problems.append(f"{key}: {comp} {have} != {val}")
    for key, flags in case.get("expect_flags", {}).items():
        s = got.get(norm(key))
        text = " ".join(table.at[s, "flags"]) + " " + table.at[s, "remarks"]
        for f in flags:
            if f not in text:
                problems.append(f"{key}: flag {f} missing in {text!r}")
    assert not problems, "\n".join(problems) + "\n\n" + case.get("why", "")
    assert len(table) == len(case["expect"]), "every scored subject must be listed in the case"
