from typer.testing import CliRunner

from kaohe_cli.cli.main import app


def test_help_is_chinese():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "考核" in result.output


def _fresh(code: str) -> str:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                         env={**__import__("os").environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_help_renderer_is_loaded_only_for_help_and_then_in_chinese():
    """A plain command does not pay for typer's help renderer; help still has Chinese panels."""
    plain = _fresh(
        "import sys\nfrom kaohe_cli.cli.main import app\n"
        "try:\n    app(['schemes', 'list'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print('LOADED' if 'typer.rich_utils' in sys.modules else 'NOT LOADED')"
    )
    assert plain.rstrip().endswith("NOT LOADED")
    shown = _fresh("from kaohe_cli.cli.main import app\napp(['score', '--help'], prog_name='kaohe')")
    assert "选项" in shown and "参数" in shown and "显示帮助后退出" in shown
    assert "Options" not in shown and "Arguments" not in shown


def test_kaohe_leaves_other_typer_apps_alone():
    """kaohe's Chinese comes from its own command classes, not from patching typer or click: another
    typer app in the same process keeps typer's own texts."""
    import typer

    other = typer.Typer()

    @other.command()
    def run(year: int) -> None:
        pass

    result = CliRunner().invoke(other, ["abc"], prog_name="other")
    assert result.exit_code == 2
    assert "Usage: other" in result.output and "用法" not in result.output
    assert "用法：kaohe" in CliRunner().invoke(app, ["quota", "--year", "abc"], prog_name="kaohe").output
