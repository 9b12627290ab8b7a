"""The `kaohe` command. Commands live in `kaohe_cli/cli/`, one module each.

Command modules import only typer at load time, so `kaohe --help` starts fast; the
library (pandas, openpyxl…) is imported inside each command.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys

import typer

from kaohe_cli import __version__

app = typer.Typer(
    name="kaohe",
    help="机关单位考核工具：由考勤、记实、奖惩、评分工作簿算出得分、等次、名额和公示。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,  # a crash report must not print workbook values raw
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kaohe {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True, help="显示版本号后退出"),
) -> None:
    """机关单位考核工具：由考勤、记实、奖惩、评分工作簿算出得分、等次、名额和公示。"""


def _localise_rich_utils(ru) -> None:
    try:
        ru.OPTIONS_PANEL_TITLE = "选项"
        ru.ARGUMENTS_PANEL_TITLE = "参数"
        ru.COMMANDS_PANEL_TITLE = "命令"
        ru.ERRORS_PANEL_TITLE = "错误"
        ru.ABORTED_TEXT = "已中止。"
        ru.RICH_HELP = "用 [blue]'{command_path} {help_option}'[/] 查看帮助。"
        ru.REQUIRED_LONG_STRING = "[必填]"
        ru.DEFAULT_STRING = "[缺省：{}]"
    except Exception:  # noqa: BLE001 - cosmetic only
        pass
    from kaohe_cli.cli import _usage

    _usage.install_rich(ru)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Run `then(module)` right after `name` is first imported (one shot).

    typer imports its help renderer (`typer.rich_utils`, with rich.markdown: 50 ms) only to
    show help or a usage error; translating its texts when it loads, rather than importing
    it up front, keeps that cost off every other command.
    """

    def __init__(self, name: str, then) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module, _run=run, _then=self.then, _name=self.name):
            _run(module)
            if module.__name__ == _name:  # a zip or frozen loader serves many modules
                _then(module)

        loader.exec_module = exec_module
        return spec


def _localise_help() -> None:
    """Chinese panel titles and help-option text in `--help` (best effort across typer versions)."""
    if "typer.rich_utils" in sys.modules:
        _localise_rich_utils(sys.modules["typer.rich_utils"])
    elif not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport("typer.rich_utils", _localise_rich_utils))
    for modname in ("typer._click.core", "click.core"):
        try:
            module = __import__(modname, fromlist=["Command"])
        except ImportError:
            continue
        original = module.Command.get_help_option
        if getattr(original, "_kaohe", False):
            continue

        def get_help_option(self, ctx, _orig=original):
            opt = _orig(self, ctx)
            if opt is not None:
                opt.help = "显示帮助后退出"
            return opt

        get_help_option._kaohe = True  # type: ignore[attr-defined]
        module.Command.get_help_option = get_help_option


def _register() -> None:
    from kaohe_cli.cli import check, diff, explain, history, quota, schemes, score, template
    from kaohe_cli.cli import decide, demo, init, notice

    app.command("init", help="建立工作区：写出 kaohe.toml（单位名称、方案、公示联系方式）。")(init.init)
    app.add_typer(schemes.app, name="schemes", help="查看、导出考核方案。")
    app.command("template", help="生成某方案的输入工作簿模板（含下拉列表、表头批注）。")(template.template)
    app.command("check", help="检查输入工作簿，列出每个问题的工作表、单元格和修改建议；有错误时退出码为 1。")(check.check)
    app.command("score", help="评分：写出考核结果工作簿并存入档案库。")(score.score)
    app.command("notice", help="生成公示、结果反馈、诫勉谈话通知（Word，可转 PDF/HTML）。")(notice.notice)
    app.command("explain", help="逐项说明某人（某单位）某期得分的来源。")(explain.explain)
    app.command("quota", help="年度（季度）汇总：资格审查、一票否决、名额与并列待定。")(quota.quota)
    app.command("decide", help="记录集体研究决定：名额边缘并列待定者的等次（任何考核期）。")(decide.decide)
    app.command("diff", help="比较某考核期最近两次评分的变化。")(diff.diff)
    app.command("history", help="查看档案中的评分记录，或某人历年的考核结果。")(history.history)
    app.command("demo", help="演示：把示例工作簿复制到一个文件夹，在那里走完一整年的考核流程。")(demo.demo)


def _localise_errors() -> None:
    """Chinese usage errors (unknown command or option, missing or bad value…), exit code 2."""
    from kaohe_cli.cli import _usage

    _usage.install()


_localise_help()
_localise_errors()
_register()


def main() -> None:
    """The console entry point: run the command, then leave at once.

    Once a command has returned, everything it wrote is closed (workbooks renamed into place,
    the archive committed), so the interpreter's teardown, which frees every object one by one,
    only costs time: 0.3 s after scoring 10,000 staff (make bench). The output streams are
    flushed and the process exits with the command's code. Commands run with the cyclic
    garbage collector paused (`handle_errors`); pausing it here as well means it is not turned
    back on just before the exit, where a full collection of a big run costs another 0.1 s.
    """
    import gc

    gc.disable()
    try:
        # "kaohe", not "python -m kaohe_cli" or "kaohe.exe", in usage lines and help hints
        app(prog_name="kaohe")
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - typer's standalone mode always raises SystemExit
        code = 0
    _exit_now(code)


def _exit_now(code: object) -> None:
    import os
    import sys

    if isinstance(code, str):  # sys.exit("message"): shown, and a failure
        sys.stderr.write(code + "\n")
        code = 1
    status = 0 if code is None else code if isinstance(code, int) else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(status)
