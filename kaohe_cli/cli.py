"""The `kaohe` command. Commands live in `kaohe_cli/commands/`, one module each."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="kaohe",
    help="机关单位考核工具：从考勤、记实、奖惩、评分工作簿算出考核得分、等次、名额与公示。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def main() -> None:
    app()
