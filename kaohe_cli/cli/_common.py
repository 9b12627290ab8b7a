"""Options and look-ups shared by several commands."""

from __future__ import annotations

from pathlib import Path

import typer

SCHEME_HELP = "考核方案：内置编号（kaohe schemes list）或方案文件路径；缺省取 kaohe.toml 的 scheme"
DB_HELP = "档案库路径（SQLite），缺省为工作区的 kaohe.db"
PERIOD_HELP = "考核期：月度 2023-03，季度 2023Q2，年度 2023；缺省从文件名判断"

SchemeOpt = typer.Option(None, "--scheme", "-s", help=SCHEME_HELP)
DbOpt = typer.Option(None, "--db", help=DB_HELP)
PeriodOpt = typer.Option(None, "--period", "-p", help=PERIOD_HELP)
JsonOpt = typer.Option(False, "--json", help="以 JSON 输出结果，供脚本使用")
ForceOpt = typer.Option(False, "--force", help="允许覆盖已存在的输出文件")


def config():
    from kaohe_cli.app.config import load_config

    return load_config()


def scheme_of(ref: str | None, cfg):
    from kaohe_cli.errors import UsageError
    from kaohe_cli.app.run_scheme import resolve_ref
    from kaohe_cli.scheme import load_scheme

    ref = ref or cfg.scheme
    if not ref:
        raise UsageError("没有指定考核方案", "请加 --scheme 方案编号（如 --scheme caizheng），或在 kaohe.toml 中设置 scheme")
    return load_scheme(resolve_ref(ref, cfg.root))


def archived_scheme(ref: str | None, cfg, db: Path, target):
    """The scheme of the archived runs within `target`; `--scheme` only narrows (run_scheme.scheme_for)."""
    from kaohe_cli.app.run_scheme import scheme_for

    return scheme_for(db, target, ref, cfg)


def db_path(given: Path | None, cfg) -> Path:
    if given is not None:
        return given
    return cfg.archive_path()


def parse_quotas(items: list[str] | None, cfg) -> dict[str, str]:
    from kaohe_cli.errors import UsageError
    from kaohe_cli.scheme.model import parse_quota

    out = dict(cfg.quotas)
    for raw in items or []:
        name, sep, value = raw.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"名额「{raw}」格式不对", "应写成 等次=比例 或 等次=人数，例如 --quota 优秀=15% 或 --quota 先进=3")
        try:
            parse_quota(value)
        except ValueError as exc:
            raise UsageError(str(exc), "例如 --quota 优秀=15%") from None
        out[name.strip()] = value.strip()
    return out


# Files a batch such as data/*.xlsx catches that are no workbooks of the clerk's: the owner
# files Excel and WPS keep beside an open workbook (~$2023-03.xlsx, .~2023-03.xlsx), and
# hidden or system files (.DS_Store, Thumbs.db, desktop.ini).
_NOT_WORKBOOKS = ("~$", ".~", ".")
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


def input_files(files: list[Path]) -> list[Path]:
    """The input files as given, less owner, hidden and system files (skipped with one line)."""
    from kaohe_cli.errors import UnreadableFile, UsageError

    skipped = [f for f in files if f.name.startswith(_NOT_WORKBOOKS) or f.name.lower() in _SYSTEM_FILES]
    if skipped:
        from kaohe_cli.cli._ui import err_console, escape

        names = "、".join(f.name for f in skipped[:5]) + (f"等{len(skipped)}个" if len(skipped) > 5 else "")
        err_console.print(f"已跳过 {escape(names)}：这是 Excel/WPS 打开工作簿时留下的临时文件或系统文件，不是考核工作簿")
        files = [f for f in files if f not in skipped]
        if not files:
            raise UsageError("给出的文件都是 Excel/WPS 的临时文件或系统文件", "请给出考核工作簿，例如 data/2023-03.xlsx")
    out = []
    for f in files:
        if not f.exists():
            raise UnreadableFile(f"找不到文件 {f}", "请检查文件名和路径")
        if f.is_dir():
            raise UnreadableFile(f"{f} 是文件夹", "请给出工作簿文件，例如 data/2023-03.xlsx")
        out.append(f)
    return out
