"""What a clerk sees when output goes to a file, a pipe or a narrow window, on any code page.

Most CLI tests run in-process through typer's CliRunner, whose streams are UTF-8, with
COLUMNS=400: they cannot see a message cut to "…" or a crash on a character the console's
encoding lacks. These run `python -m kaohe_cli` as a real process, the way
`kaohe check 2023-03.xlsx > 检查.txt` runs on Chinese Windows: PYTHONIOENCODING=cp936 (GBK),
60 columns, stdout and stderr redirected to a file that is then decoded as GBK (strictly: the
file must open in Notepad or WPS).

Required (kaohe_cli/cli/_ui.py):
- every issue's level, location, text and hint on one line, whole; nothing ends in "…";
- a character outside GBK (✓, a rare name character such as 𠀀, an emoji) gets a readable
  stand-in (√, ?) and never a UnicodeEncodeError;
- `--json` and `schemes export` are UTF-8 bytes whatever the console's encoding.
"""

from __future__ import annotations

import io
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.helpers import write_book
from tests.normalize.test_cli_check import ROSTER  # the same four people: 张三 001, 李四, 王五, 赵六 (leader)

REPO = Path(__file__).resolve().parents[2]
WAIT = 180.0

RARE = "张\U00020000"  # 张𠀀: U+20000 (CJK Extension B) is not in GBK
DUP_HINT = "请改填工号：张三（工号001，办公室）、张三（工号005，预算科）"

ATTENDANCE = [["工号", "姓名", "迟到", "早退"], ["001", "张三", 1, 0], ["002", "李四", 0, 0],
              ["003", "王五", 0, 1], ["004", "赵六", 0, 0]]
WORKLOG = [["工号", "姓名", "事项", "次数", "日期", "说明"], ["001", "张三", "月记逾期", 1, "2023-03-05", ""]]
EV_HEAD = ["对象", "对象类型", "事项", "级别", "次数", "分值", "文号", "事由", "日期"]
GOOD_EVENT = ["002", "个人", "个人受奖", "市", 1, "", "市财〔2023〕3号", "信息宣传", "2023-03-10"]


def events(*rows: list) -> list[list]:
    return [["2023年3月奖惩情况"], EV_HEAD, *rows]  # a title row: the first event is row 3


def good_book(path: Path, name: str = "张三") -> Path:
    """A clean caizheng month; person 001 is called `name`."""
    roster = [r[:] for r in ROSTER]
    att = [r[:] for r in ATTENDANCE]
    log = [r[:] for r in WORKLOG]
    roster[1][1] = att[1][1] = log[1][1] = name
    return write_book(path, {"人员": roster, "考勤": att, "记实": log, "奖惩": events(GOOD_EVENT)})


def bad_book(path: Path) -> Path:
    """Two people named 张三 and a 奖惩 row naming 张三 (the longest hint), plus two more errors."""
    roster = [*ROSTER, ["005", "张三", "预算科", "机关", "004"]]
    att = [*ATTENDANCE, ["005", "张三", 0, 0]]
    ev = events(
        ["张三", "个人", "个人受奖", "市", 1, "", "市财〔2023〕3号", "", "2023-03-10"],
        ["002", "个人", "个人受将", "市", 1, "", "市财〔2023〕3号", "", "2023-03-10"],
        ["003", "个人", "个人受奖", "县", 1, "", "市财〔2023〕3号", "", "2023-03-10"],
    )
    return write_book(path, {"人员": roster, "考勤": att, "记实": WORKLOG, "奖惩": ev})


def env(encoding: str = "cp936", columns: int = 60) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if k not in ("PYTHONUTF8", "PYTHONIOENCODING", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS")}
    e.update(PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
             PYTHONIOENCODING=encoding, COLUMNS=str(columns), NO_COLOR="1")
    return e


def kaohe(cwd: Path, *args: str, encoding: str = "cp936", columns: int = 60) -> tuple[int, str]:
    """Run kaohe with stdout and stderr redirected to one file; the file decoded as `encoding`."""
    out = cwd / f".out-{os.getpid()}.txt"
    with open(out, "wb") as f:
        code = subprocess.run([sys.executable, "-m", "kaohe_cli", *args], cwd=cwd, env=env(encoding, columns),
                              stdout=f, stderr=subprocess.STDOUT, timeout=WAIT).returncode
    raw = out.read_bytes()
    out.unlink()
    text = raw.decode(encoding)  # strict: every byte must be valid in the console's encoding
    assert "Traceback" not in text and "UnicodeEncodeError" not in text, text
    return code, text


def kaohe_json(cwd: Path, *args: str) -> tuple[int, object, str]:
    """`--json` under cp936 with stdout to a pipe: the bytes must be UTF-8."""
    proc = subprocess.run([sys.executable, "-m", "kaohe_cli", *args, "--json"], cwd=cwd, env=env(),
                          capture_output=True, timeout=WAIT)
    err = proc.stderr.decode("cp936")
    assert "Traceback" not in err, err
    return proc.returncode, json.loads(proc.stdout.decode("utf-8")), err


def line_with(text: str, *parts: str) -> str:
    """The one output line holding every part (a part split over two lines is not found)."""
    lines = [ln for ln in text.splitlines() if all(p in ln for p in parts)]
    assert lines, f"no line holds all of {parts!r}:\n{text}"
    return lines[0]


def assert_issue_lines(text: str, issues: list[dict]) -> None:
    assert issues
    for i in issues:
        parts = [i["level"], i["location"], i["message"]] + ([f"建议：{i['hint']}"] if i["hint"] else [])
        line = line_with(text, *parts)
        assert line.index(i["level"]) < line.index(i["location"]) < line.index(i["message"]), line


@pytest.fixture
def here(tmp_path):
    return tmp_path


# ---- check, score, history on good input ----------------------------------------------------


def test_check_good_input_to_a_gbk_file(here):
    good_book(here / "2023-03.xlsx")
    code, text = kaohe(here, "check", "2023-03.xlsx", "--scheme", "caizheng")
    assert code == 0, text
    assert "√ 2023-03.xlsx：没有错误" in text  # ✓ is not in GBK: its stand-in


def test_score_and_history_to_a_gbk_file_keep_long_lines_whole(here):
    good_book(here / "2023-03.xlsx")
    out = here / ("结果" * 12) / "三月考核结果-财政局平时考核积分制-全体干部职工.xlsx"
    out.parent.mkdir()
    assert len(str(out)) > 60  # longer than the console: rich would have wrapped it
    code, text = kaohe(here, "score", "2023-03.xlsx", "--scheme", "caizheng", "-o", str(out), "--db", "k.db")
    assert code == 0, text
    assert out.is_file()
    line_with(text, "√ 已写出 ", str(out), "已存档（第 1 次评分记录）")
    for name, rank in (("李四", "1"), ("赵六", "2"), ("王五", "3"), ("张三", "4")):
        assert line_with(text, name).split()[:2] == ["前列", rank], text
    assert "…" not in text

    code, text = kaohe(here, "history", "--db", "k.db")
    assert code == 0, text
    row = line_with(text, "2023-03.xlsx")
    assert row.split()[:3] == ["1", "2023-03", "caizheng（财政局平时考核积分制）"], row
    assert not re.search(r"[0-9a-f]{12}", row), "fingerprints are for --json, not the listing"
    code, text = kaohe(here, "history", "张三", "--db", "k.db")
    assert code == 0, text
    assert line_with(text, "2023-03", "财政局平时考核积分制", "001", "张三", "98.00").split()[-1] == "良好"


# ---- a bad workbook: every issue whole ------------------------------------------------------


@pytest.mark.parametrize("columns", [60, 120])
def test_bad_workbook_shows_every_issue_whole_in_a_narrow_file(here, columns):
    bad_book(here / "2023-03.xlsx")
    code, data, _ = kaohe_json(here, "check", "2023-03.xlsx", "--scheme", "caizheng")
    assert code == 1
    issues = data["issues"]
    messages = [i["message"] for i in issues]
    assert "姓名「张三」在人员表中有2人重名" in messages and "未知事项「个人受将」" in messages, messages
    assert any("没有级别「县」" in m for m in messages), messages

    code, text = kaohe(here, "check", "2023-03.xlsx", "--scheme", "caizheng", columns=columns)
    assert code == 1, text
    assert "…" not in text
    line = line_with(text, "错误", "2023-03.xlsx:奖惩!A3", "姓名「张三」在人员表中有2人重名", f"建议：{DUP_HINT}")
    assert cell_len(line) > columns  # one line, wider than the console
    assert_issue_lines(text, issues)
    assert "× 2023-03.xlsx：3 个错误" in text  # ✗ → ×


def test_bad_workbook_through_a_pipe_and_through_score(here):
    bad_book(here / "2023-03.xlsx")
    proc = subprocess.run([sys.executable, "-m", "kaohe_cli", "check", "2023-03.xlsx", "--scheme", "caizheng"],
                          cwd=here, env=env(), capture_output=True, timeout=WAIT)
    text = proc.stdout.decode("cp936")
    assert proc.returncode == 1 and "…" not in text
    line_with(text, "错误", "2023-03.xlsx:奖惩!A3", f"建议：{DUP_HINT}")

    code, text = kaohe(here, "score", "2023-03.xlsx", "--scheme", "caizheng", "--db", "k.db")
    assert code == 1, text
    line_with(text, "错误", "2023-03.xlsx:奖惩!A3", "姓名「张三」在人员表中有2人重名", f"建议：{DUP_HINT}")
    line_with(text, "× 2023-03.xlsx 有错误，未写出任何文件。", "可先用 kaohe check 检查")
    assert not (here / "k.db").exists() and not list(here.glob("*考核结果*"))


# ---- characters outside GBK -----------------------------------------------------------------


def test_a_name_outside_gbk_never_crashes_and_json_keeps_it(here):
    good_book(here / "2023-03.xlsx", RARE)
    code, text = kaohe(here, "check", "2023-03.xlsx", "--scheme", "caizheng")
    assert code == 0, text
    code, text = kaohe(here, "score", "2023-03.xlsx", "--scheme", "caizheng", "--db", "k.db")
    assert code == 0, text
    assert line_with(text, "张?").split()[:2] == ["前列", "4"]  # 𠀀 → ?

    code, data, _ = kaohe_json(here, "score", "2023-03.xlsx", "--scheme", "caizheng", "--db", "k.db", "--force")
    assert code == 0
    assert RARE in [x["name"] for x in data["top"] + data["bottom"]]
    code, data, _ = kaohe_json(here, "history", "001", "--db", "k.db")
    assert code == 0 and {r["name"] for r in data["records"]} == {RARE}
    assert data["records"][0]["scheme_name"] == "财政局平时考核积分制"


def test_control_characters_in_a_name_print_escaped_to_a_gbk_file(here):
    """A name holding ESC [2J (clear screen) and U+202E (right-to-left override): visible escapes,
    in every encoding (tests/cli/test_terminal_safety.py has the rest)."""
    name = "张三\x1b[2J\u202e"
    good_book(here / "2023-03.xlsx", name)
    code, text = kaohe(here, "score", "2023-03.xlsx", "--scheme", "caizheng", "--db", "k.db")
    assert code == 0, text
    assert "\x1b" not in text and "\u202e" not in text
    assert line_with(text, "张三\\x1b[2J\\u202e").split()[:2] == ["前列", "4"]


def test_an_issue_naming_characters_outside_gbk(here):
    who = RARE + "\U0001F600"  # and an emoji
    write_book(here / "2023-03.xlsx", {"人员": ROSTER, "考勤": ATTENDANCE, "记实": WORKLOG,
                                       "奖惩": events([who, "个人", "个人受奖", "市", 1, "", "市财〔2023〕3号", "", "2023-03-10"])})
    code, text = kaohe(here, "check", "2023-03.xlsx", "--scheme", "caizheng")
    assert code == 1, text
    line_with(text, "错误", "2023-03.xlsx:奖惩!A3", "人员「张??」不在人员表中", "建议：")
    code, data, _ = kaohe_json(here, "check", "2023-03.xlsx", "--scheme", "caizheng")
    assert code == 1
    assert [i["message"] for i in data["issues"]] == [f"人员「{who}」不在人员表中"]


def test_json_is_utf8_even_when_the_console_is_gbk(here):
    """A failure reported as JSON too: UTF-8 on stdout, the Chinese summary in GBK on stderr."""
    code, data, err = kaohe_json(here, "check", "没有.xlsx", "--scheme", "caizheng")
    assert code != 0
    assert data["ok"] is False and "找不到文件" in data["error"]
    assert "找不到文件" in err


def test_schemes_export_is_utf8_and_loads_back(here):
    with open(here / "我的方案.toml", "wb") as f:
        proc = subprocess.run([sys.executable, "-m", "kaohe_cli", "schemes", "export", "caizheng"],
                              cwd=here, env=env(), stdout=f, timeout=WAIT)
    assert proc.returncode == 0
    from kaohe_cli.scheme import load_scheme
    from kaohe_cli.scheme.loader import builtin_text

    assert (here / "我的方案.toml").read_bytes().decode("utf-8") == builtin_text("caizheng")
    assert load_scheme(here / "我的方案.toml").name == "财政局平时考核积分制"
    code, text = kaohe(here, "schemes", "show", "我的方案.toml")
    assert code == 0 and "财政局平时考核积分制" in text


def test_fallback_handler():
    from kaohe_cli.cli._ui import ERRORS

    assert "✓ ✗ → … 张\U00020000\U0001F600".encode("gbk", ERRORS).decode("gbk") == "√ × → … 张??"
    assert "✓ ✗ → … — 张".encode("ascii", ERRORS).decode("ascii") == "OK x -> ... -- ?"
    assert "✓ 张\U00020000".encode("utf-8", ERRORS).decode("utf-8") == "✓ 张\U00020000"  # nothing to replace


# ---- the other commands, narrow and in GBK --------------------------------------------------


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A workspace with two scores of 2023-03 (the second adds an event): diff has rows."""
    ws = tmp_path_factory.mktemp("工作区")
    code, text = kaohe(ws, "init", ".", "--scheme", "caizheng", "--unit-name", "某某县财政局")
    assert code == 0, text
    good_book(ws / "2023-03.xlsx")
    code, text = kaohe(ws, "score", "2023-03.xlsx")
    assert code == 0, text
    long_reason = "在全市财政系统信息宣传工作中成绩突出被市财政局通报表扬并推荐参加省级评选活动"
    write_book(ws / "2023-03.xlsx", {"人员": ROSTER, "考勤": ATTENDANCE, "记实": WORKLOG, "奖惩": events(
        GOOD_EVENT, ["001", "个人", "个人受奖", "市", 1, "", "市财〔2023〕17号", long_reason, "2023-03-20"])})
    code, text = kaohe(ws, "score", "2023-03.xlsx", "--force")
    assert code == 0, text
    return ws, long_reason


def test_explain_lines_are_whole(workspace):
    ws, reason = workspace
    code, text = kaohe(ws, "explain", "张三", "--period", "2023-03")
    assert code == 0, text
    line_with(text, "个人受奖", "文号 市财〔2023〕17号", f"事由 {reason}", "来源 奖惩!")
    line_with(text, "迟到", "来源 考勤!C2")
    assert "…" not in text


def test_diff_rows_are_whole(workspace):
    ws, reason = workspace
    code, text = kaohe(ws, "diff", "--period", "2023-03")
    assert code == 0, text
    line_with(text, "第 1 次", "→ 第 2 次")
    line_with(text, "001", "张三", "98.00")
    line_with(text, "+", "001", "个人受奖", "市财〔2023〕17号", "奖惩!")
    assert "…" not in text


def test_quota_and_notice_are_whole(workspace):
    ws, _ = workspace
    code, text = kaohe(ws, "quota", "--year", "2023")
    assert code == 0, text
    line_with(text, "警告", "缺少11个考核期的评分记录：2023-01、2023-02、2023-04", "2023-12", "建议：年度得分按已有考核期计算")
    line_with(text, "√ 已写出 ", str(ws / "2023-caizheng-年度汇总.xlsx"))
    code, text = kaohe(ws, "notice", "--publicize", "--period", "2023-03", "--date", "2023-04-03")
    assert code == 0, text
    folder = ws / "notices" / "2023-03"
    assert (folder / "公示-2023-03.docx").is_file()
    line_with(text, str(folder / "公示-2023-03.docx"))
    line_with(text, "√ 已生成公示 1 份，在 ", str(folder))
    assert "…" not in text


# ---- a wide terminal: tables fold, never cut -------------------------------------------------


def _columns_of(output: str, count: int) -> list[str]:
    """The text of each table column, its folded pieces joined (borders and padding dropped)."""
    cols = [""] * count
    for line in output.splitlines():
        if line.startswith(("│", "|")) and not set(line) <= set("|-+│─┼├┤ "):
            cells = line.replace("|", "│").split("│")[1:-1]
            if len(cells) == count:
                for k, cell in enumerate(cells):
                    cols[k] += cell.strip()
    return cols


@pytest.mark.parametrize("width", [80, 120])
def test_issue_table_on_a_terminal_folds_every_cell(monkeypatch, width):
    from rich.console import Console

    from kaohe_cli.cli import _ui
    from kaohe_cli.issues import error, warning

    long_location = "2023年第一季度各科室干部职工考核数据（修订稿）.xlsx:奖惩!C12"
    issues = [
        error("姓名「张三」在人员表中有2人重名", DUP_HINT, file="2023-03.xlsx", sheet="奖惩", cell="A3"),
        warning("事由「" + "信息宣传" * 12 + "」过长", "请精简为五十字以内，" * 4, file=long_location.split(":")[0],
                sheet="奖惩", cell="C12"),
    ]
    buf = io.StringIO()
    monkeypatch.setattr(_ui, "console", Console(file=buf, force_terminal=True, width=width, color_system=None,
                                                highlight=False, emoji=False))
    _ui.print_issues(issues, title="检查结果")
    out = buf.getvalue()
    assert "…" not in out and "┃" in out  # a real table, nothing cut
    levels, locations, messages, hints = _columns_of(out, 4)
    assert locations == "2023-03.xlsx:奖惩!A3" + long_location
    assert messages == "".join(i.message for i in issues)
    assert hints == "".join(i.hint for i in issues)
    assert levels == "错误警告"


def test_a_narrow_terminal_gets_plain_lines(monkeypatch):
    from rich.console import Console

    from kaohe_cli.cli import _ui
    from kaohe_cli.issues import error

    buf = io.StringIO()
    monkeypatch.setattr(_ui, "console", Console(file=buf, force_terminal=True, width=60, color_system=None))
    _ui.print_issues([error("姓名「张三」在人员表中有2人重名", DUP_HINT, file="2023-03.xlsx", sheet="奖惩", cell="A3")],
                     title="检查结果")
    assert buf.getvalue() == f"检查结果：\n错误  2023-03.xlsx:奖惩!A3  姓名「张三」在人员表中有2人重名  建议：{DUP_HINT}\n"
