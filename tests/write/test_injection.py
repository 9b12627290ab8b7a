"""Formula injection: names, departments, 事由 and 文号 that look like formulas.

The input holds `=HYPERLINK(...)`, `+SUM(1,2)`, `-1+1`, `@cmd` and `=1+1` as text. The rule
(docs/SECURITY.md) for every output:

- graded workbook: the exact text, stored as a text cell (openpyxl data_type 's'), never a
  formula, in 汇总, 明细 and 问题;
- `--json` of check and score: a formula-like text carries one leading apostrophe
  (`'=1+1`); plain numbers such as "-3" do not; stripping one apostrophe gives the raw text;
- the archive: the raw text, exactly as typed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.cli._ui import safe_json, safe_text
from tests.helpers import write_book

LINK = '=HYPERLINK("http://x","y")'
HOSTILE = [LINK, "+SUM(1,2)", "-1+1", "@cmd", "=1+1"]
FILE = "=1+1 月报.xlsx"  # a file name can be hostile too: it shows in 明细 and 问题
FORMULA_START = re.compile(r"[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

PEOPLE = {"001": LINK, "002": "-1+1", "003": "=1+1"}
DEPTS = {"001": "+SUM(1,2)", "002": "@cmd", "003": "办公室"}
REASONS = [LINK, "@cmd", "+SUM(1,2)", "=1+1"]
EVIDENCE = ["=1+1", "-1+1"]


def book(path: Path) -> Path:
    """003 has no attendance row: its warning message then begins with the name `=1+1`."""
    return write_book(path, {
        "人员": [["工号", "姓名", "科室", "分管领导"]] + [[s, PEOPLE[s], DEPTS[s], "王局"] for s in PEOPLE],
        "考勤": [["工号", "姓名", "迟到"], ["001", None, 1], ["002", None, 0]],
        "记实": [["工号", "事项", "分值", "日期", "说明"], ["002", "履职不力", 2, "2023-03-09", REASONS[3]]],
        "奖惩": [
            ["对象", "事项", "级别", "文号", "事由", "日期"],
            ["001", "通报表扬", "县级部门", EVIDENCE[0], REASONS[0], "2023-03-10"],
            ["003", "通报批评", "县级部门", EVIDENCE[1], REASONS[1], "2023-03-11"],
            ["002", "参加活动", None, None, REASONS[2], "2023-03-12"],
        ],
    })


@pytest.fixture()
def scored(tmp_path, monkeypatch):
    """check --json, then score --json: (folder, check output, score output)."""
    monkeypatch.chdir(tmp_path)
    book(tmp_path / FILE)
    runner = CliRunner()
    args = [FILE, "--scheme", "zhujian", "--period", "2023-03", "--json"]
    checked = runner.invoke(app, ["check", *args])
    assert checked.exit_code == 0, checked.output
    res = runner.invoke(app, ["score", *args, "-o", "结果.xlsx", "--db", "kaohe.db"])
    assert res.exit_code == 0, res.output
    return tmp_path, json.loads(checked.stdout), json.loads(res.stdout)


def strings(node):
    """Every string in a JSON tree, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def assert_no_formula_like(tree) -> None:
    for s in strings(tree):
        if FORMULA_START.match(s):
            assert PLAIN_NUMBER.fullmatch(s), f"unescaped formula-like text in JSON: {s!r}"


# ---------------------------------------------------------------------------------------
# graded workbook


def test_graded_workbook_holds_text_cells_never_formulas(scored):
    folder, _, _ = scored
    wb = openpyxl.load_workbook(folder / "结果.xlsx")
    found: dict[str, set[str]] = {}
    for name in ("汇总", "明细", "问题"):
        for row in wb[name].iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and FORMULA_START.match(cell.value):
                    assert cell.data_type == "s"
                    found.setdefault(name, set()).add(cell.value)
    assert {*PEOPLE.values(), "+SUM(1,2)", "@cmd"} <= found["汇总"]
    assert {LINK, "+SUM(1,2)", "@cmd", "=1+1", "-1+1"} <= found["明细"]  # names, 事由, 文号
    assert any(v.startswith("=1+1（003）") for v in found["问题"])  # a message led by the name
    assert any(v.startswith(FILE + ":") for v in found["问题"])  # a location led by the file
    assert not [n for n in openpyxl.load_workbook(folder / "结果.xlsx").defined_names]


def test_graded_workbook_keeps_the_exact_text(scored):
    folder, _, _ = scored
    ws = openpyxl.load_workbook(folder / "结果.xlsx")["汇总"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header_at = next(i for i, r in enumerate(rows) if "工号" in r)
    head = rows[header_at]
    body = {r[head.index("工号")]: r for r in rows[header_at + 1 :] if r[head.index("工号")]}
    assert {s: body[s][head.index("姓名")] for s in PEOPLE} == PEOPLE
    assert {s: body[s][head.index("科室")] for s in PEOPLE} == DEPTS


# ---------------------------------------------------------------------------------------
# --json


def test_check_json_escapes_formula_like_text(scored):
    _, checked, _ = scored
    assert_no_formula_like(checked)
    assert checked["file"] == "'" + FILE
    messages = [i["message"] for i in checked["issues"]]
    assert "'=1+1（003）没有考勤记录，按无缺勤计" in messages
    assert any(i["location"].startswith("'" + FILE + ":") for i in checked["issues"])


def test_score_json_escapes_names_and_leaves_numbers(scored):
    _, _, report = scored
    assert_no_formula_like(report)
    people = report["top"] + report["bottom"]
    assert {p["subject"]: p["name"] for p in people} == {s: "'" + n for s, n in PEOPLE.items()}
    assert report["file"] == "'" + FILE
    totals = {p["subject"]: p["total"] for p in people}
    assert totals == {"001": "99.00", "002": "98.00", "003": "100.00"}


def test_escaping_rule_is_reversible_and_spares_numbers():
    def unescape(s: str) -> str:
        return s[1:] if re.match(r"'+[=+\-@\t\r]", s) else s

    for raw in [*HOSTILE, "'=1+1", "''@x", "'-3", "\t=1", "\r@", "-", "张三", "'引号", "", "-3", "-1.50", "+2", "1e5"]:
        escaped = safe_text(raw)
        assert unescape(escaped) == raw
        assert not FORMULA_START.match(escaped) or PLAIN_NUMBER.fullmatch(escaped)
    assert safe_text("-3") == "-3" and safe_text("-1.50") == "-1.50"
    assert safe_text("-1+1") == "'-1+1"
    assert safe_json({"=k": [LINK, 3, None, ("@a",)]}) == {"'=k": ["'" + LINK, 3, None, ["'@a"]]}


# ---------------------------------------------------------------------------------------
# archive


def test_archive_keeps_raw_text(scored):
    folder, _, _ = scored
    con = sqlite3.connect(folder / "kaohe.db")
    try:
        people = dict(con.execute("SELECT subject, name FROM scores"))
        depts = dict(con.execute("SELECT subject, dept FROM scores"))
        reasons = {r for (r,) in con.execute("SELECT reason FROM ledger WHERE reason != ''")}
        evidence = {r for (r,) in con.execute("SELECT evidence FROM ledger WHERE evidence != ''")}
        files = {r for (r,) in con.execute("SELECT file FROM ledger")}
    finally:
        con.close()
    assert people == PEOPLE
    assert depts == DEPTS
    assert set(REASONS) <= reasons
    assert set(EVIDENCE) <= evidence
    assert FILE in files


def test_explain_reads_raw_text_back_from_the_archive(scored):
    """The terminal is not a spreadsheet: explain prints the name as typed."""
    folder, _, _ = scored
    res = CliRunner().invoke(app, ["explain", "003", "--period", "2023-03", "--db", str(folder / "kaohe.db")])
    assert res.exit_code == 0, res.output
    assert "=1+1" in res.output and "'=1+1" not in res.output


# ---------------------------------------------------------------------------------------
# kaohe.toml: a mistyped key, and paths that would send writes outside the workspace


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    """tmp_path/ws is the workspace and the current directory, holding one clean month."""
    ws = tmp_path / "ws"
    ws.mkdir()
    monkeypatch.chdir(ws)
    write_book(ws / "2023-03.xlsx", {
        "人员": [["工号", "姓名", "科室", "分管领导"], ["001", "张三", "办公室", "王局"]],
        "考勤": [["工号", "姓名", "迟到"], ["001", "张三", 1]],
    })
    return ws


def score_here(*extra: str):
    return CliRunner().invoke(app, ["score", "2023-03.xlsx", "--scheme", "zhujian", *extra])


@pytest.mark.parametrize(("toml", "wrong", "right"), [
    ('archiv = "k.db"\n', "archiv", "archive"),
    ('unit_nme = "某局"\n', "unit_nme", "unit_name"),
    ('[contact]\nphon = "0871-1234567"\n', "phon", "phone"),
])
def test_unknown_config_key_suggests_the_right_one(workspace, toml, wrong, right):
    (workspace / "kaohe.toml").write_text(toml, encoding="utf-8")
    res = score_here()
    text = res.output.replace("\n", "")
    assert res.exit_code == 1, res.output
    assert f"未知的键「{wrong}」" in text and f"是否想写「{right}」" in text and "kaohe.toml" in text
    assert "Traceback" not in text
    assert sorted(p.name for p in workspace.iterdir()) == ["2023-03.xlsx", "kaohe.toml"]


@pytest.mark.parametrize("where", ["../outside.db", "{outside}/abs.db", "link/inside-looking.db"])
def test_config_archive_outside_the_workspace_is_refused(workspace, where):
    outside = workspace.parent / "elsewhere"
    outside.mkdir()
    if where.startswith("link/"):
        try:
            (workspace / "link").symlink_to(outside, target_is_directory=True)
        except (OSError, NotImplementedError):
            pytest.skip("cannot make a symlink here")
    value = where.format(outside=outside.as_posix())
    (workspace / "kaohe.toml").write_text(f'archive = "{value}"\n', encoding="utf-8")
    before = sorted(p.name for p in workspace.iterdir())
    res = score_here()
    text = res.output.replace("\n", "")
    assert res.exit_code == 1, res.output
    assert "工作区" in text and "之外" in text and "archive" in text and "Traceback" not in text
    assert sorted(p.name for p in workspace.iterdir()) == before  # no output, no archive
    assert not list(outside.iterdir()) and not (workspace.parent / "outside.db").exists()


def test_config_output_dir_outside_the_workspace_is_refused(workspace):
    (workspace / "kaohe.toml").write_text('output_dir = "../results"\n', encoding="utf-8")
    res = score_here()
    assert res.exit_code == 1 and "output_dir" in res.output.replace("\n", "")
    assert not (workspace.parent / "results").exists()


def test_explicit_db_outside_the_workspace_is_allowed(workspace):
    """The clerk typing a path is deliberate; a file handed around by USB stick is not."""
    (workspace / "kaohe.toml").write_text('archive = "../outside.db"\n', encoding="utf-8")
    res = score_here("--db", "../outside.db")
    assert res.exit_code == 0, res.output
    outside = workspace.parent / "outside.db"
    con = sqlite3.connect(outside)
    try:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    finally:
        con.close()
    assert not (workspace / "kaohe.db").exists()
