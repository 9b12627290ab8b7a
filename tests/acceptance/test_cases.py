"""Hand-computed acceptance cases (tests/cases/*_cases.py), scored end to end.

Each case gives the input rows of every sheet and, worked out by hand from SCHEMES.md,
every subject's 总分 and 等次 (and sometimes 名次, component scores and flags).
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from pathlib import Path

import pytest

from kaohe_cli.domain.points import fmt_cents, fmt_micro
from kaohe_cli.scheme import load_scheme
from kaohe_cli.app.score import score_file, write_outputs
from kaohe_cli.text import norm
from tests.helpers import write_book
from tests.written_result import counted_line_sums, half_up, written_line_sums, written_totals

# Case module → how many cases it holds. A module that cannot be imported, or holds fewer or more
# cases than listed, fails (test_every_case_file_is_run) instead of quietly running less; add a
# case, then raise its count here. annual_cases.py is run by test_annual_cases.py.
CASE_COUNTS = {"zhujian": 6, "caizheng": 7, "jinjiang": 9, "mubiao": 7, "gonghui": 6, "kexie": 8}
MODULES = list(CASE_COUNTS)
CASES_DIR = Path(__file__).parents[1] / "cases"
CASE_KEYS = {"id", "scheme", "period", "why", "sheets", "expect", "expect_components", "expect_flags"}
EXPECT_KEYS = {"总分", "等次", "名次"}


def _load(module: str) -> list[dict]:
    return importlib.import_module(f"tests.cases.{module}_cases").CASES


def _cases():
    return [pytest.param(case, id=case["id"]) for m in MODULES for case in _load(m)]


ALL_CASES = _cases()


def test_every_case_file_is_run():
    """Every tests/cases/*_cases.py is listed, each holds the cases counted above, ids are unique."""
    on_disk = {p.name[: -len("_cases.py")] for p in CASES_DIR.glob("*_cases.py")} - {"annual"}
    assert on_disk == set(MODULES), f"case files not run: {sorted(on_disk - set(MODULES))}, listed but missing: {sorted(set(MODULES) - on_disk)}"
    counts = {m: len(_load(m)) for m in MODULES}
    assert counts == CASE_COUNTS
    ids = [p.id for p in ALL_CASES]
    assert len(ids) == len(set(ids)) == sum(CASE_COUNTS.values()) == 43


def _check_shape(case: dict) -> None:
    """A misspelt key would make the test below check nothing for it; refuse it instead."""
    assert set(case) <= CASE_KEYS, f"unknown case keys {sorted(set(case) - CASE_KEYS)}"
    assert case["expect"], "a case must expect something"
    for key, exp in case["expect"].items():
        assert "总分" in exp and set(exp) <= EXPECT_KEYS, f"{key}: expect keys {sorted(exp)}"
    for extra in ("expect_components", "expect_flags"):
        for key, what in case.get(extra, {}).items():
            assert key in case["expect"] and what, f"{extra} for {key}: not in expect, or empty"


@pytest.mark.parametrize("case", ALL_CASES)
def test_case(case, tmp_path):
    _check_shape(case)
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
        if s is None:
            problems.append(f"{key}: not scored")
            continue
        for comp, val in comps.items():
            if comp not in table.columns:
                problems.append(f"{key}: no component {comp}")
                continue
            have = Decimal(fmt_micro(table.at[s, comp]))
            if have != Decimal(str(val)):
                problems.append(f"{key}: {comp} {have} != {val}")
    for key, flags in case.get("expect_flags", {}).items():
        s = got.get(norm(key))
        if s is None:
            problems.append(f"{key}: not scored")
            continue
        text = " ".join(table.at[s, "flags"]) + " " + table.at[s, "remarks"]
        for f in flags:
            if f not in text:
                problems.append(f"{key}: flag {f} missing in {text!r}")
    assert not problems, "\n".join(problems) + "\n\n" + case.get("why", "")
    assert len(table) == len(case["expect"]), "every scored subject must be listed in the case"


@pytest.mark.parametrize("case", ALL_CASES)
def test_case_total_is_the_sum_of_its_ledger_lines(case, tmp_path):
    """Every point of a hand-computed 总分 is on a ledger line: the workbook's 汇总 总分, the counted
    lines of `Result.ledger` and the 明细 lines marked 计入 = 是 (each added up in the test, then
    rounded half away from zero) all equal the hand-computed 总分."""
    path = write_book(tmp_path / f"{case['id']}.xlsx", case["sheets"])
    scored = score_file(path, load_scheme(case["scheme"]), case["period"])
    is_unit = scored.result.scheme.is_unit
    ids = {norm(str(s)): str(s) for s in scored.result.table.index}
    names = scored.result.subjects["名称" if is_unit else "姓名"]
    lines = counted_line_sums(scored.result)
    out = write_outputs(scored, tmp_path / "out.xlsx", None).output
    written, on_sheet = written_totals(out), written_line_sums(out, by_name=is_unit)
    problems = []
    for key, exp in case["expect"].items():
        want = Decimal(str(exp["总分"]))
        s = ids.get(norm(key))
        if s is None:
            problems.append(f"{key}: not scored")
            continue
        shown = str(names[s]) if is_unit else s
        got = {"汇总 总分": written.get(shown), "ledger": half_up(lines[s]),
               "明细": half_up(on_sheet.get(shown, Decimal(0)))}
        problems += [f"{key}: {where} {v} != {want}" for where, v in got.items() if v != want]
    assert not problems, "\n".join(problems)
