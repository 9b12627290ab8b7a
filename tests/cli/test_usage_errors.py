"""Command-line usage errors are Chinese, exit with code 2, and name what is wrong.

click/typer build these messages in English; kaohe_cli/cli/_usage.py translates them
where they are shown, through typer's rich error panel and through the plain path alike.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest
import typer
import typer.core
from typer.testing import CliRunner

from kaohe_cli.cli._command import KaoheCommand
from kaohe_cli.cli.main import app
from kaohe_cli.cli._usage import EXCEL_HINT, message

REPO = Path(__file__).resolve().parents[2]

# Names the user types or reads as they are: the program, commands, metavars, file suffixes.
ALLOWED = {
    "kaohe", "xlsx", "who", "files", "scheme", "dir", "folder", "excel", "wps",
    "init", "schemes", "template", "check", "score", "notice", "explain", "quota", "diff", "history",
    "demo", "decide", "list", "show", "export", "new", "guide",
}


def english_words(text: str, *own: str) -> list[str]:
    """Runs of 3+ ASCII letters that are neither an option (--year) nor an allowed name."""
    text = re.sub(r"--?[A-Za-z][\w-]*", " ", text)
    allowed = ALLOWED | {w.lower() for w in own}
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in allowed]


def flat(text: str) -> str:
    """The text without the error panel's borders and without any whitespace (rich wraps lines)."""
    lines = [line.strip().strip("│|").strip() for line in text.splitlines()]
    return re.sub(r"\s+", "", "".join(lines))


def has(text: str, phrase: str) -> bool:
    return re.sub(r"\s+", "", phrase) in flat(text)


def invoke(args: list[str]):
    return CliRunner().invoke(app, args, prog_name="kaohe")


# (arguments, a phrase the message must contain, values the user typed that may appear)
CASES = [
    (["scor", "x.xlsx"], "没有命令「scor」。您是不是要用「score」？", ["scor"]),
    (["explain"], "缺少参数「", []),
    (["explain", "张三"], "缺少选项「--period / -p」", []),
    (["quota", "--year", "abc"], "选项「--year / -y」的值「abc」无效：应为整数", ["abc"]),
    (["check", "--foo", "x.xlsx"], "没有选项「--foo」", []),
    (["check", "--attendanc", "x.xlsx"], "没有选项「--attendanc」。您是不是要用「--attendance」？", []),
    (["explain", "张三", "--period"], "选项「--period」后面需要跟一个值", []),
    (["explain", "张三", "李四", "-p", "2023-03"], "多出了参数「李四」", []),
    (["explain", "张三", "-p", "2023", "--json=yes"], "选项「--json」是开关，不能带值", []),
    (["schemes", "nope"], "没有命令「nope」。可用的命令：", ["nope"]),
    (["--foo"], "没有选项「--foo」", []),
]


@pytest.mark.parametrize("args, phrase, own", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_error_is_chinese_with_exit_code_2(args, phrase, own):
    result = invoke(args)
    out = result.output
    assert result.exit_code == 2, out
    assert has(out, phrase), out
    command = " ".join(["kaohe", *[a for a in args[:1] if a in ALLOWED and a != "scor"]])
    assert f"用法：{command} [选项]" in out, out
    assert f"用 '{command} -h' 查看帮助。" in out, out
    assert "错误" in out
    assert english_words(out, *own) == [], out


def test_unknown_subcommand_lists_the_commands_when_none_is_close():
    out = invoke(["schemes", "nope"]).output
    listed = re.search(r"可用的命令：(.*?)。", flat(out))
    assert listed is not None, out
    assert sorted(listed.group(1).split("、")) == ["check", "export", "guide", "list", "new", "show"]


def test_group_usage_line_translates_command_and_args():
    out = invoke(["scor", "x.xlsx"]).output
    assert "用法：kaohe [选项] 命令 [参数]..." in out, out
    assert not re.search(r"Usage|OPTIONS|COMMAND|ARGS|Try|for help|Error", out), out


def _without_rich(monkeypatch) -> None:
    """typer's plain path: click's `show()` instead of the rich panel."""
    if hasattr(typer.core, "HAS_RICH"):
        monkeypatch.setattr(typer.core, "HAS_RICH", False)
    if hasattr(typer.core, "rich"):  # typer < 0.16
        monkeypatch.setattr(typer.core, "rich", None)


@pytest.mark.parametrize("args, phrase, own", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_error_without_rich(monkeypatch, args, phrase, own):
    _without_rich(monkeypatch)
    result = invoke(args)
    out = result.output
    assert result.exit_code == 2, out
    assert "╭" not in out and "│" not in out  # really the plain path
    assert out.startswith("用法：kaohe"), out
    assert "查看帮助。" in out
    assert "\n错误：" in out, out
    assert phrase in out, out
    assert english_words(out, *own) == [], out


def test_plain_help_is_chinese_too(monkeypatch):
    _without_rich(monkeypatch)
    result = invoke(["explain", "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("用法：kaohe explain [选项]"), result.output
    assert "选项" in result.output and "Options" not in result.output and "Usage" not in result.output


def test_rich_help_usage_line_is_chinese():
    result = invoke(["explain", "--help"])
    assert result.exit_code == 0
    assert "用法：kaohe explain [选项]" in result.output
    assert "Usage" not in result.output and "OPTIONS" not in result.output


# --- a real process: the console entry, a GBK console (cp936), a narrow one, a file as output ---


def run_kaohe(tmp_path: Path, *args: str, columns: int = 60, rich: bool = True) -> tuple[int, str]:
    env = dict(os.environ, PYTHONIOENCODING="cp936", COLUMNS=str(columns),
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    env.pop("FORCE_COLOR", None)
    if not rich:
        env["TYPER_USE_RICH"] = "0"
    log = tmp_path / "out.txt"
    with open(log, "wb") as sink:
        proc = subprocess.run([sys.executable, "-m", "kaohe_cli", *args], cwd=tmp_path, env=env,
                              stdout=sink, stderr=subprocess.STDOUT, timeout=120)
    return proc.returncode, log.read_bytes().decode("cp936")


SUBPROCESS_CASES = [
    (("scor", "x.xlsx"), "没有命令「scor」。您是不是要用「score」？", ["scor"]),
    (("explain", "张三"), "缺少选项「--period / -p」", []),
    (("quota", "--year", "abc"), "选项「--year / -y」的值「abc」无效：应为整数", ["abc"]),
    (("check", "--foo", "x.xlsx"), "没有选项「--foo」", []),
]


@pytest.mark.parametrize("args, phrase, own", SUBPROCESS_CASES, ids=[" ".join(c[0]) for c in SUBPROCESS_CASES])
def test_process_with_gbk_output_to_a_file(tmp_path, args, phrase, own):
    code, out = run_kaohe(tmp_path, *args)
    assert code == 2, out
    assert has(out, phrase), out
    assert has(out, f"用法：kaohe {args[0] if args[0] != 'scor' else '[选项]'}"), out  # not "python -m kaohe_cli"
    assert "python" not in out
    assert english_words(out, *own) == [], out


def test_process_very_narrow_and_without_rich(tmp_path):
    code, out = run_kaohe(tmp_path, "explain", "张三", "李四", "-p", "2023-03", columns=24)
    assert code == 2, out
    assert has(out, "多出了参数「李四」"), out
    assert english_words(out) == [], out
    code, out = run_kaohe(tmp_path, "explain", "张三", "--period", rich=False)
    assert code == 2, out
    assert has(out, "选项「--period」后面需要跟一个值"), out
    assert has(out, "用 'kaohe explain -h' 查看帮助。"), out
    assert english_words(out) == [], out


# --- paths: click's checks, in Chinese, with the hint about a file open in Excel/WPS ---


def test_unreadable_input_file_hints_at_excel(tmp_path, monkeypatch):
    """An existing input that cannot be read (no permission; or locked) is a usage error in Chinese."""
    monkeypatch.chdir(tmp_path)
    Path("2023-03.xlsx").write_bytes(b"")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if Path(p).name == "2023-03.xlsx" else real_access(p, mode, *a, **k))
    result = invoke(["check", "2023-03.xlsx"])
    assert result.exit_code == 2, result.output
    assert has(result.output, "无法读取「2023-03.xlsx」"), result.output
    assert has(result.output, EXCEL_HINT), result.output
    assert english_words(result.output) == [], result.output


def test_path_checks_of_a_typer_app_are_chinese(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    demo = typer.Typer()

    @demo.command(cls=KaoheCommand)
    def run(src: Path = typer.Argument(..., exists=True, dir_okay=False),
            out: Path = typer.Option(None, "--out", "-o", file_okay=False)) -> None:
        pass

    runner = CliRunner()
    missing = runner.invoke(demo, ["无此文件.xlsx"], prog_name="kaohe")
    assert missing.exit_code == 2
    assert has(missing.output, "无此文件.xlsx」不存在，请检查文件名和路径"), missing.output
    os.mkdir("文件夹")
    folder = runner.invoke(demo, ["文件夹"], prog_name="kaohe")
    assert folder.exit_code == 2
    assert has(folder.output, "是文件夹，这里应给出文件"), folder.output
    Path("a.xlsx").write_bytes(b"")
    file_as_dir = runner.invoke(demo, ["a.xlsx", "-o", "a.xlsx"], prog_name="kaohe")
    assert file_as_dir.exit_code == 2
    assert has(file_as_dir.output, "选项「--out / -o」："), file_as_dir.output
    assert has(file_as_dir.output, "是文件，这里应给出文件夹"), file_as_dir.output
    for result in (missing, folder, file_as_dir):
        assert english_words(result.output, "src") == [], result.output


def test_file_that_cannot_be_opened_hints_at_excel():
    locked = typer.BadParameter("'结果.xlsx': Permission denied", param_hint="'--output' / '-o'")
    text = message(locked)
    assert text.startswith("选项「--output / -o」：无法打开文件「结果.xlsx」"), text
    assert EXCEL_HINT in text
    unknown = typer.BadParameter("'结果.xlsx': The process cannot access the file because it is being used by another process")
    assert EXCEL_HINT in message(unknown)
    assert english_words(text) == []


class Level(str, Enum):
    good = "好"
    fair = "一般"


def test_choice_and_range_values_are_chinese():
    demo = typer.Typer()

    @demo.command(cls=KaoheCommand)
    def run(level: Level = typer.Option(Level.good, "--level"), days: int = typer.Option(5, "--days", min=1, max=30)) -> None:
        pass

    bad_choice = CliRunner().invoke(demo, ["--level", "优秀"], prog_name="kaohe")
    assert bad_choice.exit_code == 2
    assert has(bad_choice.output, "选项「--level」的值「优秀」无效：应为以下之一：「好」、「一般」"), bad_choice.output
    out_of_range = CliRunner().invoke(demo, ["--days", "99"], prog_name="kaohe")
    assert out_of_range.exit_code == 2
    assert has(out_of_range.output, "选项「--days」的值「99」无效："), out_of_range.output
    for result in (bad_choice, out_of_range):
        assert english_words(result.output, "level", "days", "run") == [], result.output


def test_our_own_chinese_usage_messages_pass_through():
    err = typer.BadParameter("应写成 等次=比例")
    assert "应写成 等次=比例" in message(err)


def test_help_names_value_types_in_chinese_and_the_root_help_fits_80_columns():
    """`<str>` and `<path>` read as 文本 and 路径; a switch shows no type; at 80 columns the
    one-line description of kaohe does not leave its 。 alone on a line."""
    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    res = CliRunner().invoke(app, ["explain", "--help"], env={"COLUMNS": "100"})
    assert res.exit_code == 0
    assert "<文本>" in res.output and "<路径>" in res.output
    assert "<str>" not in res.output and "<path>" not in res.output and "<bool>" not in res.output
    root = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"})
    assert not [ln for ln in root.output.splitlines() if ln.strip() == "。"]
