"""`kaohe schemes guide` gives the installed package's own copy of the guide, and it is the
guide the repository shows (docs/方案编写指南.md links to it)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.packaged import guide_text

ROOT = Path(__file__).resolve().parents[2]


def test_the_guide_command_prints_the_packaged_guide():
    res = CliRunner().invoke(app, ["schemes", "guide"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# 方案编写指南")
    assert "kaohe schemes guide > 方案编写指南.md" in res.stdout
    assert res.stdout.rstrip("\n") == guide_text().rstrip("\n")


def test_the_repository_guide_is_the_packaged_one():
    assert (ROOT / "docs" / "方案编写指南.md").read_text(encoding="utf-8") == guide_text()


def test_scheme_errors_point_to_the_guide_command_not_to_a_repository_path():
    res = CliRunner().invoke(app, ["schemes", "check", str(ROOT / "pyproject.toml")])
    assert res.exit_code == 1
    assert "kaohe schemes guide" in res.output
    assert "docs/" not in res.output
