"""Atomic, non-clobbering output files.

Every output is written to a temporary file in the target's directory and renamed into
place only when complete, so Ctrl-C or a crash never leaves a partial file. An existing
file is never replaced unless the caller passes `force`.

The temporary file is named `.<stem>.<8 random characters>.tmp<suffix>` beside the target.
A run killed outright (SIGKILL, power cut) cannot remove it; the next run writing the same
target removes such files when they were last modified before that run started.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Iterator

from kaohe_cli.errors import OutputExists, UnsafePath, os_reason

# When this process (first) imported this module: a temp file (or a notice staging folder,
# `write.notices.publish`) last modified before then belongs to an earlier run; a live
# writer touches its own while it writes. The one start time of the process for every
# output; read it through `started_on_clock_of`.
_STARTED = time.time()
# Outputs get the permissions a plain `open(..., "w")` would give them, not mkstemp's 0600:
# results are shared with colleagues and posted. Read once, while nothing else runs.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    except OSError as exc:
        raise _not_written(path, exc, started=False) from None
    tmp = Path(tmp_name)
    # Everything from here on is inside the try, so Ctrl-C at any point removes the temp file.
    # (Ctrl-C in the two statements above leaves one; the next run removes it.)
    try:
        os.close(fd)
        remove_stale_temps(path, keep=tmp)
        yield tmp
        hold_for_tests("before-rename")
        if path.exists() and not force:
            # Another run wrote it meanwhile: never clobber silently.
            raise OutputExists(f"输出文件 {path} 已被另一次运行写出", "如要覆盖请加 --force")
        _give_mode(tmp, path)
        _sync(tmp, os.O_RDWR)  # the data on disk before the rename makes it visible (power cut)
        os.replace(tmp, path)
        _sync(path.parent, os.O_RDONLY)  # and the rename itself (POSIX; a no-op on Windows)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _not_written(path, exc) from None
        raise


def hold_for_tests(point: str) -> None:
    """A hook for signal tests: with KAOHE_TEST_HOLD=<point> the process says so on stderr
    (`KAOHE-HOLD <point>`) and waits there, up to a minute, for the signal the test sends.
    A test then waits for that line instead of guessing with a sleep."""
    if os.environ.get("KAOHE_TEST_HOLD") != point:
        return
    import sys
    import threading

    sys.stderr.write(f"KAOHE-HOLD {point}\n")
    sys.stderr.flush()
    pause = threading.Event()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # short waits: Ctrl-C still arrives on Windows
        pause.wait(0.05)


def _sync(target: Path, flags: int) -> None:
    """fsync a file or folder; best effort (folders cannot be opened on Windows)."""
    try:
        fd = os.open(target, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _give_mode(tmp: Path, path: Path) -> None:
    """The replaced file's permissions, or the umask's default for a new file."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_UMASK
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def _not_written(path: Path, exc: OSError, started: bool = True) -> OutputExists:
    """A Chinese message for an OS failure while creating, writing or renaming the output."""
    if isinstance(exc, PermissionError):
        return OutputExists(
            f"无法写出 {path.name}：没有写入权限，或文件正被其他程序（Excel、WPS）打开",
            "请关闭该文件、确认文件夹可写后重试，或用 -o 指定另一个文件名；原有文件未被改动",
        )
    if started and isinstance(exc, FileNotFoundError):
        return OutputExists(
            f"无法写出 {path.name}：临时文件在写出过程中被删除（可能同时有另一次运行在写同一文件）",
            "请确认只有一次运行在写该文件后重试",
        )
    return OutputExists(
        f"无法写出 {path.name}：{os_reason(exc)}",
        f"请检查 {path.parent} 是否存在、可写，磁盘是否有空间，或用 -o 指定另一个位置；原有文件未被改动",
    )


def started_on_clock_of(keep: Path | None) -> float:
    """When this process started, on the clock of the file system that holds `keep` (a file
    or folder this run has just made): its mtime, less the time since we started. A file
    server whose clock differs from ours then does not make a live writer's file look old.
    Without `keep`, or when it cannot be read, our own clock."""
    started = _STARTED
    if keep is not None:
        with contextlib.suppress(OSError):
            started = keep.stat().st_mtime - (time.time() - _STARTED)
    return started


def remove_stale_temps(path: Path, keep: Path | None = None) -> list[Path]:
    """Delete temp files that earlier, killed runs left beside `path`; return what was deleted.

    Only names atomic_output makes for this very target are considered, and only those last
    modified before this process started. The start time is converted to the folder's own
    clock through the mtime of `keep` (our fresh temp file), so a file server whose clock
    differs from ours does not make a live writer's temp file look old.
    """
    pattern = re.compile(rf"\.{re.escape(path.stem)}\.[a-z0-9_]{{8}}\.tmp{re.escape(path.suffix)}")
    started = started_on_clock_of(keep)
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name) or (keep is not None and entry.name == keep.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < started:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


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
