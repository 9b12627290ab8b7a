"""Documentation that cannot rot (STYLE.md §9).

- Every command and subcommand, and every one of their options and arguments, has Chinese
  help text, and `--help` shows it.
- The README's command list (the code block under "## 命令") names exactly the top-level
  commands that `kaohe --help` lists.

Commands are discovered from the app, so a new command is checked without editing this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from kaohe_cli.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
ENV = {"COLUMNS": "400"}  # wide enough that no help line is wrapped
CJK = re.compile(r"[\u4e00-\u9fff]")


def _walk(command, path: tuple[str, ...] = ()):
    """(path, command) for the root, every command and every subcommand."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not getattr(sub, "hidden", False):
            yield from _walk(sub, (*path, name))


ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = list(_walk(ROOT_COMMAND))
IDS = [" ".join(p) or "kaohe" for p, _ in COMMANDS]


def _help_output(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


def test_commands_are_discovered():
    names = {p[0] for p, _ in COMMANDS if p}
    assert {"schemes", "template", "check", "score", "explain"} <= names
    assert ("schemes", "list") in [p for p, _ in COMMANDS]


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_command_has_chinese_help(path, command):
    description = (command.help or "").strip()
    assert CJK.search(description), f"kaohe {' '.join(path)}: no Chinese description"
    out = _help_output(path)
    first_line = description.splitlines()[0].strip()
    assert first_line in out, f"--help does not show {first_line!r}"


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_every_option_and_argument_has_chinese_help(path, command):
    ctx = ROOT_COMMAND.make_context("kaohe", ["--help"], resilient_parsing=True)
    params = command.get_params(ctx)  # includes the --help option itself
    assert params
    missing = [p.name for p in params if not CJK.search(getattr(p, "help", None) or "")]
    assert not missing, f"no Chinese help for: {missing}"
    out = _help_output(path)
    for p in params:
        if getattr(p, "hidden", False):
            continue
        # The help text is shown (rich may compress runs of spaces, so compare its first words).
        shown = re.sub(r"\s+", " ", p.help.strip())[:12]
        assert shown in re.sub(r"\s+", " ", out), f"--help does not show the help of {p.name}: {shown!r}"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## 命令\s*$(.*?)(?=^## )", text, re.S | re.M)
    assert section, "README has no '## 命令' section"
    block = re.search(r"^```[^\n]*\n(.*?)^```", section.group(1), re.S | re.M)
    assert block, "no code block under '## 命令'"
    names = []
    for line in block.group(1).splitlines():
        m = re.match(r"\s*kaohe\s+([a-z][a-z-]*)", line)
        if m:
            names.append(m.group(1))
    return names


def _help_commands() -> list[str]:
    """The command names `kaohe --help` shows in its 命令 panel."""
    out = _help_output(())
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if re.search(r"─ 命令 ─", line))
    names = []
    for line in lines[start + 1:]:
        if line.startswith("╰"):
            break
        m = re.match(r"│\s+([a-z][a-z-]*)\s{2,}\S", line)
        if m:
            names.append(m.group(1))
    return names


def test_help_lists_every_registered_command():
    registered = sorted(p[0] for p, _ in COMMANDS if len(p) == 1)
    assert sorted(_help_commands()) == registered


def test_readme_command_block_parses():
    names = _readme_commands()
    assert names and len(names) == len(set(names)), names


def test_readme_command_list_matches_help():
    assert sorted(_readme_commands()) == sorted(_help_commands())
