"""Reading a workbook in a background thread, and the reads a command starts ahead of time.

python-calamine parses a sheet without holding the GIL, so a big sheet (220,000 attendance
rows) is parsed while the main thread imports pandas and works on the small sheets. The
hostile-file checks still run before calamine sees a byte, in the reading thread. A sheet's
cells are waited for when first used (`RawSheet.pending`); a sheet that fails raises the same
`UnreadableFile` where it is used, and `BackgroundRead.finish` raises it too.

Speed: this overlap, with the attendance work done on arrays, took `make bench`'s 10,000-person
`kaohe score` from 6.3 s to 5.2 s (commit f1f18e8).

`Prefetch` holds the reads a command has started: `score` and `check` start their first file
before importing the rest, and the next file while the current one is worked on.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kaohe_cli.issues import file_label
from kaohe_cli.read.sheets import PendingCells, Workbook, wait_for
from kaohe_cli.read.workbook import DEFAULT_MAX_CELLS, DEFAULT_MAX_UNCOMPRESSED, read_file, read_guarded


class _Stream:
    """What a background read publishes: the workbook with its sheet list, then its end."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.finished = threading.Event()
        self.workbook: Workbook | None = None
        self.pending: list[PendingCells] = []
        self.error: BaseException | None = None

    def open(self, wb: Workbook, pending: list[PendingCells]) -> None:
        self.workbook = wb
        self.pending = pending
        self.opened.set()


class BackgroundRead:
    """`read_workbook` in a daemon thread.

    `workbook()` returns as soon as the sheet list is known; a sheet's cells are waited for
    when first used. `finish()` waits for the whole file, raises its error if any, and
    returns the workbook with its read warnings. Errors are the same `UnreadableFile`s.
    """

    def __init__(self, path: Path | str, *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
                 max_cells: int = DEFAULT_MAX_CELLS) -> None:
        self.path = Path(path)
        self.key = file_key(self.path)
        self._stream = _Stream()
        label = file_label(self.path)
        args = (self.path, label, max_uncompressed, max_cells, self._stream.open)
        self._thread = threading.Thread(target=self._run, args=(label, args), name="kaohe-read", daemon=True)
        self._thread.start()

    def _run(self, label: str, args: tuple) -> None:
        stream = self._stream
        try:
            wb = read_guarded(label, lambda: read_file(*args))
            if stream.workbook is None:  # a CSV or a read that never published its sheets
                stream.workbook = wb
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            stream.error = exc
            for cells in stream.pending:
                if not cells.ready:
                    cells.fail(exc)
        finally:
            stream.opened.set()
            stream.finished.set()

    def wait_checked(self) -> None:
        """Wait until the file has passed the hostile-file checks (or failed): they need the
        GIL, calamine's parsing does not, so a caller with imports to do does them after this."""
        wait_for(self._stream.opened)

    def workbook(self) -> Workbook:
        wait_for(self._stream.opened)
        if self._stream.workbook is None:
            assert self._stream.error is not None
            raise self._stream.error
        return self._stream.workbook

    def finish(self) -> Workbook:
        wait_for(self._stream.finished)
        if self._stream.error is not None:
            raise self._stream.error
        assert self._stream.workbook is not None
        return self._stream.workbook


def file_key(path: Path) -> tuple:
    """Which file, and which version of it: a file changed since reading began is read again."""
    try:
        st = path.stat()
        return (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return (str(path), None, None)


class Prefetch:
    """The background reads one command has started, each taken once by the step that uses it.

    At most two are kept: the file in hand and the next (a raw 10,000-person workbook is
    ~150 MB in memory). Nothing is raised by `start`: errors come out when a read is taken
    and used.
    """

    KEEP = 2

    def __init__(self) -> None:
        self.started: dict[tuple, BackgroundRead] = {}  # file_key → read, oldest first

    def start(self, path: Path | str) -> BackgroundRead:
        """Begin reading `path` in the background; a later `take(path)` gets this read."""
        reader = BackgroundRead(path)
        while len(self.started) >= self.KEEP:
            self.started.pop(next(iter(self.started)))
        self.started[reader.key] = reader
        return reader

    def take(self, path: Path | str) -> BackgroundRead:
        """The read `start` began for this very file (and version), or a new one."""
        path = Path(path)
        reader = self.started.pop(file_key(path), None)
        return reader if reader is not None else BackgroundRead(path)
