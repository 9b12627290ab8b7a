"""Hand-computed annual acceptance cases (tests/cases/annual_cases.py), run through the CLI.

For each case: write each period's workbook, `kaohe score` it into one archive, then run
`kaohe quota --year Y --json` once per run of the case and compare every subject's `total`
and `grade`, plus `ties` and `missing` where the case gives them.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.cases.annual_cases import CASES
from tests.helpers import write_book


def _params():
    out = []
    for case in CASES:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def _json_of(text: str):
    start = text.find("{")
    assert start >= 0, f"no JSON in output:\n{text}"
    return json.JSONDecoder().raw_decode(text[start:])[0]


def _strings(obj):
    """Every string (and int as text) inside a JSON value."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)
    elif obj is not None:
        yield str(obj)


def _run(runner, args):
    res = runner.invoke(app, [str(a) for a in args])
    out = res.stdout if hasattr(res, "stdout") else res.output
    return res, out


@pytest.mark.parametrize("case", _params())
def test_annual_case(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    db = tmp_path / "kaohe.db"
    for p in case["periods"]:
        book = write_book(tmp_path / f"{case['scheme']}-{p['period']}.xlsx", p["sheets"])
        res, out = _run(runner, ["score", book, "--scheme", case["scheme"], "--period", p["period"],
                                 "--db", db, "-o", tmp_path / f"out-{p['period']}.xlsx", "--force"])
        assert res.exit_code == 0, f"score {p['period']} failed ({res.exit_code}):\n{res.output}"

    problems = []
    for i, run in enumerate(case["runs"], start=1):
        res, out = _run(runner, ["quota", "--year", case["year"], "--scheme", case["scheme"], "--db", db,
                                 "-o", tmp_path / f"year-{i}.xlsx", "--force", "--json", *run["args"]])
        assert res.exit_code == 0, f"quota run {i} failed ({res.exit_code}):\n{res.output}"
        data = _json_of(out)
        got = {str(s["subject"]): s for s in data["subjects"]}
        tag = f"run {i} {run['args']}"
        for key, exp in run["expect"].items():
            s = got.get(key)
            if s is None:
                problems.append(f"{tag}: {key} missing from the result")
                continue
            if "total" in exp and str(s["total"]) != exp["total"]:
                problems.append(f"{tag}: {key} total {s['total']} != {exp['total']}")
            if "grade" in exp and (s.get("grade") or "") != exp["grade"]:
                problems.append(f"{tag}: {key} grade {s.get('grade')!r} != {exp['grade']!r}")
        extra = sorted(set(got) - set(run["expect"]))
        if extra:
            problems.append(f"{tag}: subjects not in the case: {extra}")
        if "ties" in run:
            ties = data.get("ties") or []
            if not run["ties"]:
                if ties:
                    problems.append(f"{tag}: expected no ties, got {ties}")
            else:
                texts = list(_strings(ties))
                for key in run["ties"]:
                    if not any(key == t or key in t for t in texts):
                        problems.append(f"{tag}: {key} not reported in ties {ties}")
                other = [k for k in got if k not in run["ties"] and any(k == t for t in texts)]
                if other:
                    problems.append(f"{tag}: ties name unexpected subjects {other}")
        if "missing" in run:
            missing = sorted(str(m) for m in (data.get("missing") or []))
            if missing != sorted(run["missing"]):
                problems.append(f"{tag}: missing {missing} != {sorted(run['missing'])}")
    assert not problems, "\n".join(problems) + "\n\n" + case["why"]
