"""Atomic, non-clobbering output files.

Every output is written to a temporary file in the target's directory and renamed into
place only when complete, so Ctrl-C or a crash never leaves a partial file. An existing
file is never replaced unless the caller passes `force`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from kaohe_cli.errors import OutputExists, UnsafePath


def check_target(path: Path, force: bool, inputs: list[Path] | tuple = ()) -> None:
    """Refuse to write over an input file, or over an existing output without --force."""
    target = path.resolve()
    for inp in inputs:
        try:
            if Path(inp).resolve() == target:
                raise OutputExists(f"输出文件 {path.name} 与输入文件相同", "输入文件从不被修改；请用 -o 指定另一个输出文件")
        except OSError:
            continue
    if path.exists() and not force:
        raise OutputExists(f"输出文件 {path} 已存在", "如要覆盖请加 --force，或用 -o 指定另一个文件名")
    if path.exists() and path.is_dir():
        raise OutputExists(f"{path} 是一个文件夹", "请用 -o 指定文件名")


@contextlib.contextmanager
def atomic_output(path: Path, *, force: bool = False, inputs: list[Path] | tuple = ()) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it over `path` when the block succeeds."""
    check_target(path, force, inputs)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if path.exists() and not force:
            # Another run wrote it meanwhile: never clobber silently.
            raise OutputExists(f"输出文件 {path} 已被另一次运行写出", "如要覆盖请加 --force")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def confined(path: Path, root: Path, what: str) -> Path:
    """A path from configuration must stay inside the workspace."""
    full = path if path.is_absolute() else root / path
    if not inside(full, root):
        raise UnsafePath(
            f"配置中的{what}「{path}」在工作区 {root} 之外",
            "配置文件不能让 kaohe 写到工作区以外；如确需如此，请在命令行中明确给出该路径",
        )
    return full
