"""Schemes are data: `kaohe schemes list/show/export`, and a broken scheme file (issue 2).

A scheme file with an error must stop `kaohe check` with exit 1 and a Chinese message that
names where in the TOML the error is (line and key path), never with a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.scheme import builtin_ids, load_scheme, scheme_hash
from kaohe_cli.scheme.loader import builtin_text, parse_scheme
from tests.helpers import write_book

ENV = {"COLUMNS": "400"}
SCHEMES = ["zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"]


def invoke(args: list[str]):
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def test_builtin_ids_are_the_six_schemes():
    assert builtin_ids() == SCHEMES


def test_list_shows_all_six():
    result = invoke(["schemes", "list"])
    assert result.exit_code == 0, result.output
    for sid in SCHEMES:
        s = load_scheme(sid)
        row = next((line for line in result.output.splitlines() if line.split()[:1] == [sid]), "")
        assert s.name in row, (sid, row)
    assert "kaohe schemes export" in result.output


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_show(scheme_id):
    s = load_scheme(scheme_id)
    result = invoke(["schemes", "show", scheme_id])
    assert result.exit_code == 0, result.output
    out = result.output
    assert s.name in out and scheme_hash(s) in out
    for comp in s.components:
        assert comp.name in out, comp.name
    for item in s.items:
        assert item.name in out, item.name
    for grade in s.grading.grades:
        assert grade.name in out, grade.name


def test_show_unit_scheme_names_units_as_targets():
    result = invoke(["schemes", "show", "gonghui"])
    row = next(line for line in result.output.splitlines() if line.startswith("表彰 "))
    assert "单位" in row and "各得50%" in row and "个人" not in row, row


def test_show_a_scheme_file(tmp_path):
    path = tmp_path / "我的方案.toml"
    path.write_text(builtin_text("kexie"), encoding="utf-8")
    result = invoke(["schemes", "show", str(path)])
    assert result.exit_code == 0 and load_scheme("kexie").name in result.output


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_export_round_trips(tmp_path, scheme_id):
    result = invoke(["schemes", "export", scheme_id])
    assert result.exit_code == 0
    text = result.stdout
    builtin = load_scheme(scheme_id)
    assert scheme_hash(parse_scheme(text, "导出.toml")) == scheme_hash(builtin)
    # … and through a file, the way a user edits and uses it.
    path = tmp_path / f"{scheme_id}-副本.toml"
    path.write_text(text, encoding="utf-8")
    assert scheme_hash(load_scheme(path)) == scheme_hash(builtin)
    assert scheme_hash(load_scheme(str(path))) == scheme_hash(builtin)


def test_export_unknown_scheme():
    result = invoke(["schemes", "export", "caizhen"])
    assert result.exit_code == 1
    assert "没有内置方案「caizhen」" in result.output and "caizheng" in result.output


def test_scheme_hash_ignores_formatting():
    text = builtin_text("caizheng")
    reformatted = "# 我的修改\n\n" + re.sub(r"^(\w+) = ", r"\1=", text, flags=re.M).replace("\n[[", "\n\n[[")
    assert reformatted != text
    assert scheme_hash(parse_scheme(reformatted, "x")) == scheme_hash(load_scheme("caizheng"))
    changed = text.replace('name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 2',
                           'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 3')
    assert changed != text
    assert scheme_hash(parse_scheme(changed, "x")) != scheme_hash(load_scheme("caizheng"))


# ---- broken scheme files ----------------------------------------------------------------------

BASE = builtin_text("caizheng")


def _edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def _line_of(text: str, fragment: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


BROKEN = {
    # unknown key with a near-miss name → suggestion, at its line
    "unknown-key": (
        _edit("same_reason_highest = true", "same_reason_higest = true"),
        "same_reason_higest",
        ["未知的键「same_reason_higest」", "是否想写「same_reason_highest」", "same_reason_higest："],
    ),
    "unknown-key-in-item": (
        _edit('name = "月记逾期"\n', 'name = "月记逾期"\naliasses = ["月记迟交"]\n'),
        "aliasses",
        ["第18个「月记逾期」的 aliasses", "是否想写「aliases」"],
    ),
    # points and range both set: the item's table
    "points-and-range": (
        _edit('name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 2',
              'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 2\nrange = [1, 3]'),
        'name = "月记缺交"',
        ["「月记缺交」", "points 与 range 只能二选一"],
    ),
    # an item refers to a component that does not exist
    "unknown-component": (
        _edit('name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"',
              'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工做"'),
        'component = "常规工做"',
        ["「月记缺交」的 component", "「常规工做」不在 components 中", "常规工作"],
    ),
    # a rule refers to an item that does not exist
    "unknown-item-in-rule": (
        _edit('when = { items = ["限时办结不力"] }', 'when = { items = ["限时办结不利"] }'),
        '"限时办结不利"',
        ["when.items", "事项「限时办结不利」不存在", "限时办结不力"],
    ),
    # a bonus cap category no item belongs to
    "unknown-cap-category": (
        _edit('"科室受奖" = 5,', '"科室奖" = 5,'),
        '"科室奖" = 5',
        ["[bonus_caps] categories.\"科室奖\"", "没有任何加分事项"],
    ),
    # a value of the wrong kind
    "bad-literal": (
        _edit('name = "月记缺交"\nkind = "deduction"', 'name = "月记缺交"\nkind = "deduct"'),
        'kind = "deduct"',
        ["「月记缺交」的 kind", "取值「deduct」不在允许范围内", "deduction（扣分）"],
    ),
}


def _workbook(folder: Path) -> Path:
    return write_book(folder / "x.xlsx", {"人员": [["工号", "姓名", "科室"], ["001", "张三", "办公室"]]})


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_scheme_file_is_located(tmp_path, monkeypatch, case):
    text, line_fragment, expected = BROKEN[case]
    monkeypatch.chdir(tmp_path)
    _workbook(tmp_path)
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    result = invoke(["check", "x.xlsx", "--scheme", "bad.toml"])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "方案文件 bad.toml" in out
    assert f"第{_line_of(text, line_fragment)}行" in out, out
    for part in expected:
        assert part in out, (part, out)
    for english in ("Input should", "Value error", "Field required", "Extra inputs", "(at line"):
        assert english not in out, (english, out)  # pydantic's and tomllib's own English never shows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "x.xlsx"]


def test_toml_syntax_error_names_line_and_column(tmp_path, monkeypatch):
    text = _edit('name = "月记缺交"', 'name = "月记缺交')
    monkeypatch.chdir(tmp_path)
    _workbook(tmp_path)
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    result = invoke(["check", "x.xlsx", "--scheme", "bad.toml"])
    assert result.exit_code == 1, result.output
    line = _line_of(text, 'name = "月记缺交')
    assert re.search(rf"方案文件 bad.toml 第{line}行第\d+列不是合法的 TOML", result.output), result.output
    assert "引号" in result.output
    assert "Unterminated" not in result.output and "at line" not in result.output  # tomllib's English is not shown


def test_duplicate_grade_points_at_the_second_one(tmp_path):
    text = _edit('{ name = "良好"', '{ name = "好"')
    with pytest.raises(Exception) as info:
        parse_scheme(text, "bad.toml")
    message = info.value.text()
    second = [i for i, line in enumerate(text.splitlines(), 1) if 'name = "好"' in line][1]
    assert f"第{second}行" in message and "等次「好」重复" in message, message


def test_scheme_file_not_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _workbook(tmp_path)
    (tmp_path / "bad.toml").write_bytes(BASE.encode("gbk"))
    result = invoke(["check", "x.xlsx", "--scheme", "bad.toml"])
    assert result.exit_code == 1 and "不是 UTF-8 编码" in result.output


def test_scheme_file_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _workbook(tmp_path)
    result = invoke(["check", "x.xlsx", "--scheme", "nope.toml"])
    assert result.exit_code == 1 and "找不到方案文件 nope.toml" in result.output


def test_edited_scheme_file_is_used(tmp_path, monkeypatch):
    """An exported scheme with changed points scores with them (the file, not the built-in)."""
    monkeypatch.chdir(tmp_path)
    text = _edit('name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\npoints = 2',
                 'name = "月记缺交"\nkind = "deduction"\ncomponent = "常规工作"\nrange = [1, 3]')
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    write_book(tmp_path / "2023-03.xlsx", {
        "人员": [["工号", "姓名", "科室"], ["001", "张三", "办公室"]],
        "记实": [["工号", "事项", "分值"], ["001", "月记缺交", 4]],
    })
    result = invoke(["check", "2023-03.xlsx", "--scheme", "mine.toml"])
    assert result.exit_code == 1
    assert "「月记缺交」的分值 4 超出范围 1–3" in result.output


def test_show_puts_a_counted_item_where_it_counts():
    """口头请假 counts as 旷工, whose points come off 机关日常工作: its 归属 says so (it said 另扣)."""
    from pathlib import Path

    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    path = Path(__file__).resolve().parents[2] / "examples" / "schemes" / "02-town-cadre-1000.toml"
    out = CliRunner().invoke(app, ["schemes", "show", str(path)], env={"COLUMNS": "200"}).output
    row = next(line for line in out.splitlines() if line.startswith("口头请假"))
    assert "机关日常工作" in row and "另扣" not in row
