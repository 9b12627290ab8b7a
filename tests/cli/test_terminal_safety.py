"""Hostile text never drives the terminal (issue 15): it is printed as visible escapes.

A workbook cell holding `_x001B_[2J` is a real ESC once read. Printed raw, a name, a 科室, a
事项, a 事由, a 文号, a sheet or file name could clear the screen (`ESC [2J`), retitle the
window (`ESC ]0;…BEL`), start a sequence with the one-character C1 CSI (U+009B), or reverse
the text after it (U+202E). Required (kaohe_cli/cli/_ui.py, kaohe_cli/text.py):

- no raw control character (C0 but newline, DEL, C1) and no raw bidirectional control in
  anything printed, stdout or stderr, plain lines, tables, trees, error panels, whatever the
  command; on a terminal with colours on, the only ESC characters are rich's SGR codes `ESC[…m`;
- the escaped form is visible where the value was: `张三\\x1b[2J`, `李四\\u202eabc`;
- a line break inside a value does not start a new line (it prints as a space);
- `--json` is valid JSON with no raw control or bidirectional character, and its values,
  decoded, are the original text; the result workbook keeps the original text too.

The commands run as real processes (`python -m kaohe_cli`, 60 columns, output captured) and
through typer's CliRunner.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import write_book

REPO = Path(__file__).resolve().parents[2]
WAIT = 180.0

CLEAR = "\x1b[2J"  # erase the screen
TITLE = "\x1b]0;title\x07"  # set the window title (OSC … BEL)
CSI = "\x9b"  # C1: a one-character CSI
DEL = "\x7f"
RLO = "\u202e"  # right-to-left override

NAME1 = "张三" + CLEAR
DEPT1 = "办公室" + TITLE
NAME2 = "李四" + RLO + "abc"
DEPT2 = "办公室" + CSI + "31m"
NAME3 = "王五" + DEL
LOG_NOTE = "迟交" + CLEAR + "\n✓ 伪造的一行\t制表符"  # a line break and a tab in a value (the reader folds them too)
EVIDENCE = "市财〔2023〕3号" + CLEAR
REASON = "信息宣传" + TITLE + RLO
EVIDENCE2 = "市财〔2023〕17号" + CSI + "2J"
REASON2 = "通报表扬" + DEL + "\u2066隔离\u2069"
EVENTS_SHEET = "奖惩" + RLO + "\x1bc"  # ESC c: reset the terminal
# A file name cannot hold control characters on Windows.
BOOK = "2023-03" + TITLE + ".xlsx" if os.name != "nt" else "2023-03.xlsx"

# What must never be printed raw: C0 but newline (tab included: nothing kaohe prints is laid
# out with tabs), DEL, C1, the bidirectional controls, the line and paragraph separators.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
SGR = re.compile(r"\x1b\[[0-9;]*m")

ROSTER = [
    ["工号", "姓名", "科室", "类别", "分管领导"],
    ["001", NAME1, DEPT1, "机关", "004"],
    ["002", NAME2, DEPT2, "机关", "004"],
    ["003", NAME3, "预算科", "机关", "004"],
    ["004", "赵六", "局领导", "机关", ""],
]
ATTENDANCE = [["工号", "姓名", "迟到", "早退"], ["001", NAME1, 1, 0], ["002", NAME2, 0, 0],
              ["003", NAME3, 0, 1], ["004", "赵六", 0, 0]]
WORKLOG = [["工号", "姓名", "事项", "次数", "日期", "说明"], ["001", NAME1, "月记逾期", 1, "2023-03-05", LOG_NOTE]]
EV_HEAD = ["对象", "对象类型", "事项", "级别", "次数", "分值", "文号", "事由", "日期"]
EVENT = ["002", "个人", "个人受奖", "市", 1, "", EVIDENCE, REASON, "2023-03-10"]
EVENT2 = ["001", "个人", "个人受奖", "市", 1, "", EVIDENCE2, REASON2, "2023-03-20"]


def book(path: Path, *events: list) -> Path:
    """A caizheng month whose every kind of text holds control or bidirectional characters."""
    return write_book(path, {"人员": ROSTER, "考勤": ATTENDANCE, "记实": WORKLOG,
                             EVENTS_SHEET: [["2023年3月奖惩情况"], EV_HEAD, *events]})


def visible(text: str) -> str:
    """How kaohe prints a value: each such character as `\\x1b`, `\\u202e`; a line break or tab as a space."""
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(" ")
        elif RAW.match(ch):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def assert_safe(text: str, colour: bool = False) -> str:
    """No raw control or bidirectional character; with colour, only rich's SGR codes. The text without them."""
    if colour:
        assert SGR.search(text), "colours were expected on a forced terminal"
        text = SGR.sub("", text)
    assert "\x1b" not in text, ascii(text)
    found = RAW.findall(text)
    assert not found, f"raw {found!r} in {ascii(text)}"
    return text


def env(colour: bool = False, columns: int = 60) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if k not in ("PYTHONUTF8", "PYTHONIOENCODING", "FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE",
                      "TTY_INTERACTIVE", "COLUMNS", "LINES", "TERM", "COLORTERM")}
    e.update(PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
             PYTHONIOENCODING="utf-8", COLUMNS=str(columns))
    if colour:
        e.update(FORCE_COLOR="1", TERM="xterm-256color")
    else:
        e.update(NO_COLOR="1")
    return e


def kaohe(cwd: Path, *args: str, colour: bool = False, columns: int = 60) -> tuple[int, str, str]:
    """Run kaohe as a process: (exit code, stdout, stderr), both checked and freed of SGR codes."""
    proc = subprocess.run([sys.executable, "-m", "kaohe_cli", *args], cwd=cwd, env=env(colour, columns),
                          capture_output=True, timeout=WAIT)
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in out + err, out + err
    # With colours on, every stream with something on it has some (an empty one has none).
    return proc.returncode, assert_safe(out, colour and bool(out)), assert_safe(err, colour and bool(err))


def kaohe_json(cwd: Path, *args: str):
    """`--json`: the raw bytes hold no raw control or bidirectional character; the decoded data."""
    proc = subprocess.run([sys.executable, "-m", "kaohe_cli", *args, "--json"], cwd=cwd, env=env(),
                          capture_output=True, timeout=WAIT)
    raw = proc.stdout.decode("utf-8")
    assert_safe(raw)
    assert_safe(proc.stderr.decode("utf-8"))
    return proc.returncode, json.loads(raw)


def invoke(cwd: Path, monkeypatch, *args: str) -> tuple[int, str]:
    """Run kaohe in this process through typer's CliRunner (stdout and stderr together)."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "60"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, assert_safe(result.output)


def line_with(text: str, *parts: str) -> str:
    lines = [ln for ln in text.splitlines() if all(p in ln for p in parts)]
    assert lines, f"no line holds all of {parts!r}:\n{text}"
    return lines[0]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """An archive with two scores of the hostile month (the second adds an event: diff has rows)."""
    ws = tmp_path_factory.mktemp("ts")
    book(ws / BOOK, EVENT)
    xml = _shared_strings(ws / BOOK)
    assert "_x001B_[2J" in xml  # the cell text as a workbook holds it: the form of issue 15
    for extra in ([], ["--force"]):  # what these print is tested by test_score
        if extra:
            book(ws / BOOK, EVENT, EVENT2)
        proc = subprocess.run([sys.executable, "-m", "kaohe_cli", "score", BOOK, "--scheme", "caizheng", "--period",
                               "2023-03", "--db", "k.db", *extra], cwd=ws, env=env(), capture_output=True, timeout=WAIT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return ws


def _shared_strings(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("xl/sharedStrings.xml").decode("utf-8")


@pytest.fixture
def bad(tmp_path):
    """A month with errors whose messages quote hostile cells, in a hostile sheet."""
    book(tmp_path / "bad.xlsx",
         ["002", "个人", "个人受奖" + CLEAR, "市", 1, "", "x", "", "2023-03-10"],
         [CSI + "赵" + DEL, "个人", "个人受奖", "市", 1, "", "x", "", "2023-03-10"])
    return tmp_path


# ---- the text function ----------------------------------------------------------------------


def test_terminal_safe_escapes_every_kind_and_keeps_the_rest():
    from kaohe_cli.text import terminal_safe

    assert terminal_safe("张三" + CLEAR) == "张三\\x1b[2J"
    assert terminal_safe(TITLE) == "\\x1b]0;title\\x07"
    assert terminal_safe(CSI + DEL + "\x00\x85") == "\\x9b\\x7f\\x00\\x85"
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    assert terminal_safe(bidi) == "".join(f"\\u{ord(c):04x}" for c in bidi)
    assert terminal_safe("a\u2028b\u2029") == "a\\u2028b\\u2029"
    # Layout stays; a carriage return (which lets a line overwrite itself) does not.
    assert terminal_safe("一\n二\t三\r四") == "一\n二\t三\\x0d四"
    # In a value nothing breaks the line: line breaks and tabs are spaces, the rest escaped.
    assert terminal_safe("一\r\n二\n三\r四\t五\x0b", one_line=True) == "一 二 三 四 五\\x0b"
    plain = "C:\\数据\\2023-03.xlsx 张三 𠀀 😀 ✓"
    assert terminal_safe(plain) is plain and terminal_safe(plain, one_line=True) is plain
    assert terminal_safe(terminal_safe(TITLE + RLO)) == terminal_safe(TITLE + RLO)  # idempotent
    assert visible(LOG_NOTE) == terminal_safe(LOG_NOTE, one_line=True)  # this file's model of it


def test_safe_rich_text_keeps_styles_on_the_same_characters():
    from rich.text import Text

    from kaohe_cli.cli._ui import safe_rich_text

    text = Text("ab" + CLEAR + "cd")
    text.stylize("bold", 1, 3)  # "b" and the ESC
    text.stylize("red", 3, 7)  # "[2Jc"
    safe = safe_rich_text(text)
    assert safe.plain == "ab\\x1b[2Jcd"
    assert [(s.start, s.end, s.style) for s in safe.spans] == [(1, 6, "bold"), (6, 10, "red")]
    assert safe.plain[1:6] == "b\\x1b" and safe.plain[6:10] == "[2Jc"
    untouched = Text("张三", style="bold")
    assert safe_rich_text(untouched) is untouched


# ---- the consoles: a net under every print ----------------------------------------------------


def _terminal(width: int = 100):
    from kaohe_cli.cli._ui import SafeConsole

    buf = io.StringIO()
    return SafeConsole(file=buf, force_terminal=True, color_system="truecolor", width=width,
                       highlight=False, emoji=False), buf


def test_safe_console_escapes_markup_text_tables_trees_and_rules():
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    con, buf = _terminal()
    con.print(f"[bold]{NAME1}[/] 响铃\x07")  # markup: BEL would be dropped silently by rich
    con.print(Text(NAME2, style="red"))
    table = Table(title=DEPT1)
    table.add_column("姓名" + CSI)
    table.add_row(Text(NAME3))
    table.add_row(REASON)
    con.print(table)
    tree = Tree(DEPT2)
    tree.add(Text(EVIDENCE, style="dim"))
    con.print(tree)
    con.rule(EVENTS_SHEET)
    out = assert_safe(buf.getvalue(), colour=True)
    for value in (NAME1, NAME2, NAME3, DEPT1, DEPT2, REASON, EVIDENCE, EVENTS_SHEET, "姓名" + CSI):
        assert visible(value) in out, (visible(value), out)
    assert "响铃\\x07" in out


def test_the_consoles_of_every_command_are_safe(capsys):
    """What a command prints without `escape` (a value in markup by mistake) is escaped all the same."""
    from kaohe_cli.cli._ui import console, err_console

    console.print(f"[bold]{NAME1}[/] {DEPT2}")
    err_console.print(NAME2, REASON)
    captured = capsys.readouterr()
    assert assert_safe(captured.out) == f"{visible(NAME1)} {visible(DEPT2)}\n"
    assert assert_safe(captured.err) == f"{visible(NAME2)} {visible(REASON)}\n"


def test_a_listing_table_is_laid_out_on_the_escaped_text():
    """Cells are escaped before the table measures them: every row of the table is as wide as its border."""
    from rich.cells import cell_len

    from kaohe_cli.cli._ui import Listing

    con, buf = _terminal(100)
    t = Listing(NAME1, ["姓名", "科室", "事由"], short=["姓名"])
    t.add_row(NAME1, DEPT1, LOG_NOTE)
    t.add_row(NAME2, DEPT2, REASON)
    t.print(con)
    out = assert_safe(buf.getvalue(), colour=True)
    rows = [ln for ln in out.splitlines() if ln[:1] in "┏┃┡│└"]
    assert len(rows) >= 5 and len({cell_len(r) for r in rows}) == 1, out
    for value in (NAME1, DEPT1, NAME2, DEPT2, REASON, LOG_NOTE):
        assert visible(value) in out, (visible(value), out)


def test_print_issues_plain_lines(monkeypatch):
    from kaohe_cli.cli import _ui
    from kaohe_cli.issues import error

    con, buf = _terminal(60)  # narrow: plain lines, in colour
    monkeypatch.setattr(_ui, "console", con)
    _ui.print_issues([error(f"姓名「{NAME1}」有误：{LOG_NOTE}", f"请核对「{NAME2}」", file=BOOK, sheet=EVENTS_SHEET,
                            cell="A3")], title=BOOK)
    out = assert_safe(buf.getvalue(), colour=True)
    assert out.splitlines() == [
        f"{visible(BOOK)}：",
        f"错误  {visible(BOOK)}:{visible(EVENTS_SHEET)}!A3  姓名「{visible(NAME1)}」有误：{visible(LOG_NOTE)}"
        f"  建议：请核对「{visible(NAME2)}」",
    ]


def test_print_json_escapes_c1_and_bidi(capsysbinary):
    from kaohe_cli.cli._ui import print_json

    data = {"name": NAME2, "dept": DEPT2, "note": LOG_NOTE, "all": TITLE + DEL + "\u2028\u200f", NAME1: [REASON]}
    print_json(data)
    raw = capsysbinary.readouterr().out.decode("utf-8")
    assert_safe(raw)
    assert "\\u202e" in raw and "\\u009b" in raw and "\\u007f" in raw and "\\u001b" in raw
    assert json.loads(raw) == data


# ---- the commands, as processes ----------------------------------------------------------------


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_check_errors_quoting_hostile_cells(bad, colour):
    code, out, err = kaohe(bad, "check", "bad.xlsx", "--scheme", "caizheng", "--period", "2023-03", colour=colour)
    assert code == 1, out + err
    line_with(out, "错误", f"bad.xlsx:{visible(EVENTS_SHEET)}!C3", f"未知事项「{visible('个人受奖' + CLEAR)}」")
    line_with(out, "错误", f"bad.xlsx:{visible(EVENTS_SHEET)}!A4", f"人员「{visible(CSI + '赵' + DEL)}」不在人员表中")
    assert "✗ bad.xlsx：2 个错误" in out


def test_check_json_keeps_the_original_text(bad):
    code, data = kaohe_json(bad, "check", "bad.xlsx", "--scheme", "caizheng", "--period", "2023-03")
    assert code == 1
    messages = {i["message"] for i in data["issues"]}
    assert f"未知事项「个人受奖{CLEAR}」" in messages and f"人员「{CSI}赵{DEL}」不在人员表中" in messages, messages
    assert {i["sheet"] for i in data["issues"]} == {EVENTS_SHEET}


@pytest.mark.parametrize("colour, columns", [(False, 60), (True, 60), (True, 120)], ids=["plain", "colour", "table"])
def test_score(tmp_path, colour, columns):
    book(tmp_path / BOOK, EVENT)
    code, out, err = kaohe(tmp_path, "score", BOOK, "--scheme", "caizheng", "--period", "2023-03", "--no-archive",
                           "-o", "结果.xlsx", colour=colour, columns=columns)
    assert code == 0, out + err
    for name in (NAME1, NAME2, NAME3):
        line_with(out, visible(name))
    line_with(out, "已写出 结果.xlsx")
    # The result workbook keeps the original text; only what is printed is escaped.
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "结果.xlsx")).get_sheet_by_name("汇总")
    cells = {c for row in sheet.to_python() for c in row if isinstance(c, str)}
    assert {NAME1, NAME2, NAME3} <= cells


def test_score_json(tmp_path):
    book(tmp_path / BOOK, EVENT)
    code, data = kaohe_json(tmp_path, "score", BOOK, "--scheme", "caizheng", "--period", "2023-03", "--no-archive")
    assert code == 0
    assert {x["name"] for x in data["top"] + data["bottom"]} >= {NAME1, NAME2, NAME3}


@pytest.mark.parametrize("colour, columns", [(False, 60), (True, 120)], ids=["plain", "tree"])
def test_explain(ws, colour, columns):
    code, out, err = kaohe(ws, "explain", "001", "--period", "2023-03", "--db", "k.db", colour=colour, columns=columns)
    assert code == 0, out + err
    line_with(out, visible(NAME1), visible(DEPT1))
    # The line break inside the 说明 does not start a line of its own: no faked line.
    line_with(out, "月记逾期", f"事由 {visible(LOG_NOTE)}")
    assert not any(ln.lstrip("│├└─ ").startswith("✓ 伪造") for ln in out.splitlines()), out
    line_with(out, f"文号 {visible(EVIDENCE2)}", f"事由 {visible(REASON2)}")
    line_with(out, f"来源 {visible(EVENTS_SHEET)}!")

    code, out, err = kaohe(ws, "explain", "002", "--period", "2023-03", "--db", "k.db", colour=colour, columns=columns)
    assert code == 0, out + err
    line_with(out, visible(NAME2), visible(DEPT2))
    line_with(out, f"文号 {visible(EVIDENCE)}", f"事由 {visible(REASON)}")


def test_explain_json(ws):
    code, data = kaohe_json(ws, "explain", "002", "--period", "2023-03", "--db", "k.db")
    assert code == 0
    assert (data["name"], data["dept"]) == (NAME2, DEPT2)
    lines = [ln for g in data["groups"] for ln in g["lines"]]
    assert any(ln.get("evidence") == EVIDENCE and ln.get("reason") == REASON for ln in lines), lines


@pytest.mark.parametrize("colour, columns", [(False, 60), (True, 120)], ids=["plain", "table"])
def test_history(ws, colour, columns):
    code, out, err = kaohe(ws, "history", "--db", "k.db", colour=colour, columns=columns)
    assert code == 0, out + err
    assert visible(BOOK) in out
    code, out, err = kaohe(ws, "history", "001", "--db", "k.db", colour=colour, columns=columns)
    assert code == 0, out + err
    line_with(out, "2023-03", visible(NAME1))
    code, out, err = kaohe(ws, "history", NAME2, "--db", "k.db", colour=colour, columns=columns)
    assert code == 0, out + err
    line_with(out, "2023-03", visible(NAME2))  # the person was found by the typed name


def test_history_json(ws):
    code, data = kaohe_json(ws, "history", "--db", "k.db")
    assert code == 0 and {f["name"] for r in data for f in r["input_files"]} == {BOOK}
    code, data = kaohe_json(ws, "history", "001", "--db", "k.db")
    assert code == 0 and {r["name"] for r in data["records"]} == {NAME1}
    code, data = kaohe_json(ws, "history", "002", "--db", "k.db")
    assert code == 0 and {r["name"] for r in data["records"]} == {NAME2}
    assert {r["dept"] for r in data["records"]} == {DEPT2}


def test_diff(ws):
    code, out, err = kaohe(ws, "diff", "--period", "2023-03", "--db", "k.db")
    assert code == 0, out + err
    line_with(out, "001", visible(NAME1))
    line_with(out, "+", "001", "个人受奖", visible(EVIDENCE2))
    code, data = kaohe_json(ws, "diff", "--period", "2023-03", "--db", "k.db")
    assert code == 0
    assert [(r["evidence"], r["reason"]) for r in data["added"]] == [(EVIDENCE2, REASON2)]
    assert {c["name"] for c in data["changed"]} == {NAME1}


def test_quota(ws):
    code, out, err = kaohe(ws, "quota", "--year", "2023", "--db", "k.db", "-o", "年度.xlsx")
    assert code == 0, out + err
    for name, subject in ((NAME1, "001"), (NAME2, "002"), (NAME3, "003")):
        line_with(out, f"{visible(name)}（{subject}）")


def test_notice_lists_files_named_after_people(ws):
    code, out, err = kaohe(ws, "notice", "--feedback", "--period", "2023-03", "--db", "k.db", "--date", "2023-04-03",
                           "-o", "通知")
    assert code == 0, out + err
    assert "已生成结果反馈 4 份" in out
    assert "警告：" in err  # the unit name is not set: a warning on stderr, checked too
    # The files are named after the people: whatever of a name a file name keeps is escaped.
    files = sorted(p.name for p in (ws / "通知").glob("*.docx"))
    assert len(files) == 4
    for f in files:
        assert visible(f) in out, (f, out)
    assert any(RLO in f for f in files) == ("\\u202e" in out)


def test_usage_errors_quote_what_was_typed(ws):
    code, out, err = kaohe(ws, "quota", "--year", "20" + CLEAR)
    assert code == 2, out + err
    assert "「20\\x1b[2J」无效" in err
    code, out, err = kaohe(ws, "chek" + RLO, colour=True)
    assert code == 2, out + err
    assert "没有命令「chek\\u202e」" in err
    who = "某人" + TITLE + "\n✓ 伪造的一行"
    code, out, err = kaohe(ws, "explain", who, "--period", "2023-03", "--db", "k.db")
    assert code != 0, out + err
    line_with(err, "错误：", visible(who))  # "not found" quotes the name as typed, on its line
    assert not any(ln.startswith("✓ 伪造") for ln in (out + err).splitlines()), out + err


@pytest.mark.skipif(os.name == "nt", reason="a Windows file name cannot hold a line break or ESC")
def test_a_file_name_cannot_fake_a_line(bad):
    name = "bad" + CLEAR + "\n✓ 伪造.xlsx：没有错误\n.xlsx"
    (bad / "bad.xlsx").rename(bad / name)
    code, out, err = kaohe(bad, "check", name, "--scheme", "caizheng", "--period", "2023-03")
    assert code == 1, out + err
    line_with(out, "错误", f"{visible(name)}:{visible(EVENTS_SHEET)}!C3")
    line_with(out, f"✗ {visible(name)}：2 个错误")
    assert not any(ln.startswith("✓") for ln in out.splitlines()), out


def test_a_hostile_scheme_file(tmp_path):
    """A scheme file's texts are printed escaped; its list of errors keeps one error a line."""
    from kaohe_cli.scheme.loader import builtin_text

    text = builtin_text("caizheng")
    name = "财政局" + CLEAR + "积分制" + RLO
    assert 'name = "财政局平时考核积分制"' in text and 'name = "考勤工作"' in text
    text = text.replace('name = "财政局平时考核积分制"', 'name = "财政局\\u001b[2J积分制\\u202e"', 1)
    (tmp_path / "好.toml").write_text(text, encoding="utf-8")
    code, out, err = kaohe(tmp_path, "schemes", "show", "好.toml")
    assert code == 0, out + err
    assert out.splitlines()[0].startswith(visible(name) + "（caizheng，")
    # Two unknown keys: two errors, each on its own line; a line break in a key is a space.
    assert 'id = "caizheng"\n' in text
    bad = text.replace('id = "caizheng"\n', 'id = "caizheng"\n"键\\u009b" = 1\n"另一个\\n✓ 键" = 2\n', 1)
    (tmp_path / "坏.toml").write_text(bad, encoding="utf-8")
    code, out, err = kaohe(tmp_path, "schemes", "show", "坏.toml")
    assert code != 0, out + err
    lines = err.splitlines()
    assert lines[0].startswith("错误：方案文件 坏.toml 有 ") and lines[0].endswith("处错误："), err
    assert len(lines) == 3 and all(ln.startswith("  - ") for ln in lines[1:]), err
    assert f"「键{visible(CSI)}」" in err and "「另一个 ✓ 键」" in err, err


# ---- the commands, in this process ----------------------------------------------------------------


def test_in_process(ws, bad, monkeypatch):
    code, out = invoke(bad, monkeypatch, "check", "bad.xlsx", "--scheme", "caizheng", "--period", "2023-03")
    assert code == 1
    line_with(out, f"未知事项「{visible('个人受奖' + CLEAR)}」")
    runs = [
        (("explain", "001", "-p", "2023-03", "--db", "k.db"), [f"事由 {visible(LOG_NOTE)}", visible(DEPT1)]),
        (("history", "001", "--db", "k.db"), [visible(NAME1)]),
        (("history", "--db", "k.db"), [visible(BOOK)]),
        (("diff", "-p", "2023-03", "--db", "k.db"), [visible(EVIDENCE2)]),
        (("quota", "--year", "2023", "--db", "k.db", "-o", "年度-进程内.xlsx"), [visible(NAME2)]),
        (("explain", "某人" + CLEAR, "-p", "2023-03", "--db", "k.db"), [visible("某人" + CLEAR)]),
    ]
    for args, shown in runs:
        code, out = invoke(ws, monkeypatch, *args)
        assert code in (0, 1), (args, out)
        for s in shown:
            line_with(out, s)
    code, out = invoke(ws, monkeypatch, "quota", "--year", "20" + CLEAR)
    assert code == 2 and "「20\\x1b[2J」无效" in out, out


def test_usage_error_without_rich(ws, monkeypatch):
    from tests.cli.test_usage_errors import _without_rich

    _without_rich(monkeypatch)
    code, out = invoke(ws, monkeypatch, "quota", "--year", "20" + CLEAR + "\n错误：伪造")
    assert code == 2
    assert "\n错误：" in out and "「20\\x1b[2J 错误：伪造」" in out, out
    assert not any(ln.startswith("错误：伪造") for ln in out.splitlines()), out
