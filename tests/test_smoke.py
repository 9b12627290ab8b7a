from typer.testing import CliRunner

from kaohe_cli.cli import app


def test_help_is_chinese():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "考核" in result.output
