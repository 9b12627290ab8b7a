"""Publishing one run's notices as a set, all of them or none, through a staging folder.

A run's files are made in a hidden staging folder `.kaohe-notice-<12 hex>` and published
as a set:

- When the output folder does not exist yet, the stage sits beside it (in its parent) and
  becomes it by one folder rename.
- When it exists (and may hold other files, e.g. the 公示 beside the 结果反馈), the stage
  sits inside it. Every target is checked first; then the files the set replaces are
  moved aside into the stage (`.old`), which is where a file open in Word, WPS or Excel on
  Windows refuses; then the new files are moved in. Any failure moves everything back, so
  the old set stays as it was and no new file is left visible.

A stage holds a lock file (`.lock`) for as long as its run lives; the OS releases the
lock when the process dies, even by kill -9. Each run removes the stages it finds beside
its own that are older than itself and not locked; one that died while publishing first
gets its `.old` files put back, unless it had finished (`.done`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

from kaohe_cli.errors import KaoheError, OutputExists, os_reason
from kaohe_cli.write.fileout import check_target, started_on_clock_of

_STAGE_PREFIX = ".kaohe-notice-"
_STAGE_NAME = re.compile(r"\.kaohe-notice-[0-9a-f]{12}")
_LOCK, _OLD, _DONE = ".lock", ".old", ".done"
_LOCKED_HINT = "文件可能正在 Excel/WPS 中打开，请关闭后重试"


def _lock_fd(fd: int) -> None:
    """Lock an open file without waiting; OSError when another process (or descriptor) holds it."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # Windows: a byte-range lock, released by the system when the process ends
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _unlock_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        else:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def hold_lock(path: Path) -> int:
    """Create and lock `path`; the descriptor keeps it locked until `release_lock`."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock_fd(fd)
    except OSError:
        os.close(fd)
        raise
    return fd


def release_lock(fd: int) -> None:
    _unlock_fd(fd)
    with contextlib.suppress(OSError):
        os.close(fd)


def _in_use(stage: Path) -> bool:
    """Whether a live process holds `stage`'s lock."""
    try:
        fd = os.open(stage / _LOCK, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:  # e.g. a sharing violation on Windows: someone has it open
        return True
    try:
        _lock_fd(fd)
    except OSError:
        return True
    else:
        _unlock_fd(fd)
        return False
    finally:
        os.close(fd)


def _restore_old(stage: Path) -> bool:
    """Put back the files a publish moved aside into `stage/.old` (into the stage's folder),
    unless that publish finished. True when nothing is left to put back."""
    old = stage / _OLD
    if not old.is_dir() or (stage / _DONE).exists():
        return True
    left = False
    for entry in list(os.scandir(old)):
        try:
            os.replace(entry.path, stage.parent / entry.name)
        except OSError:
            left = True
    return not left


def remove_stale_stages(folders: Iterable[Path], keep: Path | None = None) -> list[Path]:
    """Remove the staging folders that dead runs left in `folders`; return those removed.

    A stage is stale when it was last modified before this process started and no live
    process holds its lock. Our start time is taken to the folder's own clock through the
    mtime of `keep` (our fresh stage), as `fileout.remove_stale_temps` does.
    """
    started = started_on_clock_of(keep)
    removed = []
    for folder in dict.fromkeys(folders):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not _STAGE_NAME.fullmatch(entry.name) or (keep is not None and entry.name == keep.name):
                continue
            stage = Path(entry.path)
            try:
                if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime >= started:
                    continue
            except OSError:
                continue
            if _in_use(stage) or not _restore_old(stage):
                continue
            shutil.rmtree(stage, ignore_errors=True)
            if not stage.exists():
                removed.append(stage)
    return removed


def _present(folder: Path) -> dict[str, str]:
    """The names in `folder`, by their case-folded form (Windows and macOS ignore case)."""
    try:
        return {e.name.casefold(): e.name for e in os.scandir(folder)}
    except OSError:
        return {}


def refuse_existing(out_dir: Path, names: list[str], force: bool) -> list[str]:
    """The names already in `out_dir`; refused without `force` (and a folder in the way always)."""
    present = _present(out_dir) if out_dir.is_dir() else {}
    found = [present[n.casefold()] for n in names if n.casefold() in present]
    for name in found:
        check_target(out_dir / name, force)
    return found


class _MoveFailed(Exception):
    def __init__(self, name: str, exc: OSError, replacing: bool) -> None:
        super().__init__(name)
        self.name, self.exc, self.replacing = name, exc, replacing


def _is_lock_error(exc: OSError) -> bool:
    return (isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY, errno.ETXTBSY)
            or getattr(exc, "winerror", None) in (5, 32, 33))


_WINDOWS_RETRIES = (0.05, 0.2)  # a virus scanner or indexer may hold a new file for a moment


def _move(src: Path, dst: Path, name: str, replacing: bool) -> None:
    for wait in (*_WINDOWS_RETRIES, None) if os.name == "nt" else (None,):
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if wait is None:
                raise _MoveFailed(name, exc, replacing) from exc
            time.sleep(wait)
        except OSError as exc:
            raise _MoveFailed(name, exc, replacing) from exc


class Stage:
    """A run's staging folder and how it is published into `out_dir`."""

    def __init__(self, path: Path, out_dir: Path, whole: bool, lock: int | None) -> None:
        self.path = path
        self.out_dir = out_dir
        self.whole = whole  # beside a missing out_dir: published by renaming the folder
        self._lock: int | None = lock
        self.keep_old = False  # old files could not be put back: keep them for the next run

    def release(self) -> None:
        if self._lock is not None:
            release_lock(self._lock)
            self._lock = None

    def publish(self, names: list[str], force: bool) -> list[Path]:
        """Move the staged `names` into `out_dir`, all of them or none."""
        finals = [self.out_dir / n for n in names]
        if not self.whole:
            self._publish_files(names, force, may_replace=True)
            return finals
        wanted = set(names)
        for entry in list(os.scandir(self.path)):  # nothing but the set goes public
            if entry.name not in wanted and entry.name != _LOCK:
                _remove_entry(entry)
        self.release()
        with contextlib.suppress(OSError):
            os.unlink(self.path / _LOCK)
        try:
            os.rename(self.path, self.out_dir)
            return finals
        except OSError:
            pass
        # The folder appeared while we worked (another run), or a scanner holds a file of the
        # stage (Windows): move the files one by one into the folder, replacing none.
        with contextlib.suppress(OSError):
            self._lock = hold_lock(self.path / _LOCK)
        try:
            self.out_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise KaoheError(
                f"无法建立输出文件夹 {self.out_dir}：{os_reason(exc)}", "请确认目录可写，或用 -o 指定其他文件夹"
            ) from exc
        self._publish_files(names, force, may_replace=False)
        return finals

    def _publish_files(self, names: list[str], force: bool, *, may_replace: bool) -> None:
        out, stage = self.out_dir, self.path
        present = _present(out)
        clashes = [present[n.casefold()] for n in names if n.casefold() in present]
        for name in clashes:
            if not may_replace:
                raise OutputExists(f"输出文件 {out / name} 已被另一次运行写出", "本次生成的通知未写出；请确认只有一次运行后重试")
            check_target(out / name, force)
        old = stage / _OLD
        moved: list[str] = []
        placed: list[str] = []
        try:
            if clashes:
                try:
                    old.mkdir()
                except OSError as exc:
                    raise _MoveFailed(clashes[0], exc, replacing=True) from exc
            for name in clashes:  # a file open in WPS on Windows refuses here, before any change
                _move(out / name, old / name, name, replacing=True)
                moved.append(name)
            for name in names:
                if os.path.lexists(out / name):
                    raise OutputExists(f"输出文件 {out / name} 已被另一次运行写出",
                                       "原有文件保持不变，本次生成的通知未写出；请确认只有一次运行后重试")
                _move(stage / name, out / name, name, replacing=False)
                placed.append(name)
        except (_MoveFailed, OutputExists) as failure:
            self._roll_back(placed, moved)
            if isinstance(failure, OutputExists):
                raise
            raise self._failure(failure) from failure.exc
        with contextlib.suppress(OSError):
            (stage / _DONE).touch()

    def _roll_back(self, placed: list[str], moved: list[str]) -> None:
        out, stage, old = self.out_dir, self.path, self.path / _OLD
        for name in reversed(placed):
            try:
                os.replace(out / name, stage / name)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(out / name)
        for name in reversed(moved):
            try:
                os.replace(old / name, out / name)
            except OSError:
                self.keep_old = True

    def _failure(self, failure: _MoveFailed) -> KaoheError:
        where = str(self.out_dir)
        kept = "原有文件保持不变" if not self.keep_old else f"有原有文件未能放回，暂存在 {self.path / _OLD}，下次运行时放回"
        verb = "替换" if failure.replacing else "写入"
        message = f"无法{verb} {failure.name}（{os_reason(failure.exc)}）：{kept}，本次生成的通知均未写出"
        hint = _LOCKED_HINT if _is_lock_error(failure.exc) else "请确认文件夹可写、磁盘有空间后重试"
        return KaoheError(message, hint, where=where)


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Stage]:
    """A locked staging folder for `out_dir` (see the module docstring); removed afterwards,
    with the stale stages of dead runs. Folders this creates on the way to `out_dir` are
    removed again when the block fails and they are still empty."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExists(f"输出位置 {out_dir} 是一个文件，不是文件夹", "请用 -o 指定一个文件夹")
    whole = not out_dir.exists()
    home = out_dir.parent if whole else out_dir
    created: list[Path] = []
    probe = home
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    path = home / f"{_STAGE_PREFIX}{secrets.token_hex(6)}"
    try:
        home.mkdir(parents=True, exist_ok=True)
        path.mkdir()
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        _remove_empty(created)
        raise KaoheError(
            f"无法创建输出文件夹 {out_dir}：{os_reason(exc)}", "请确认目录可写，或用 -o 指定其他文件夹"
        ) from exc
    try:
        lock = hold_lock(path / _LOCK)
    except OSError:  # a file system without locks: the stage is still fresh for this run's length
        lock = None
    stage = Stage(path, out_dir, whole, lock)
    remove_stale_stages([home, out_dir, out_dir.parent], keep=path)
    ok = False
    try:
        yield stage
        ok = True
    finally:
        stage.release()
        if stage.keep_old:  # only the old files, for the next run to put back
            with contextlib.suppress(OSError):
                for entry in list(os.scandir(path)):
                    if entry.name != _OLD:
                        _remove_entry(entry)
        else:
            shutil.rmtree(path, ignore_errors=True)
        if not ok:
            _remove_empty(created)


def _remove_entry(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()
