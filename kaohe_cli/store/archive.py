"""The SQLite archive: every run of `kaohe score`, with its scores, ledger and issues.

One file, `kaohe.db`. Scoring a period again adds a run and keeps the old one, so `diff`
can compare the last two and nothing is ever lost. Committee decisions on ties (`decide`)
and the results of `quota` are kept here too.

This module opens the file and guards it; the tables are read and written by `store.runs`,
`store.decisions`, `store.summaries` and `store.queries`, through the `Archive` methods below.
Rules it keeps:

- Each write is ONE transaction (`BEGIN IMMEDIATE`), so a crash or a killed process never
  leaves half a run. WAL mode and a long busy timeout let two kaohe processes write to the
  same archive: the second one waits.
- The schema version is `PRAGMA user_version`; `PRAGMA application_id` marks the file as a
  kaohe archive. An older archive is backed up to `kaohe.db.bak-v{old}` and migrated in
  place (`store.schema.MIGRATIONS`); a newer one is refused with `ArchiveTooNew`.
- A file changed behind kaohe's back (its `kaohe.db-verified` stamp no longer matches) gets
  SQLite's quick check before the next write; a damaged one is refused.
- Reading commands open the file read-only (or, in a read-only folder, as immutable).
- Connections are closed deterministically (`close()` / `with`), so on Windows the file can
  be moved or deleted afterwards.
- Nothing here prints. Failures are `ArchiveError`, `ArchiveTooNew`, `NotFound` or
  `SeveralSchemes` (a usage error: `--scheme` chooses).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kaohe_cli.errors import ArchiveError, ArchiveTooNew, NotFound
from kaohe_cli.store import queries
from kaohe_cli.store.decisions import insert_decisions, read_decision_log, read_standing_decisions
from kaohe_cli.store.runs import (
    RunInfo, delete_run, insert_run, read_issues, read_last_runs, read_ledger, read_periods, read_run, read_runs,
    read_scores,
)
from kaohe_cli.store.schema import (
    APPLICATION_ID, ISSUE_FIELDS, LEDGER_COLUMNS, MIGRATIONS, SCHEMA_VERSION, SCORE_COLUMNS, SUMMARY_COLUMNS, Work,
)
from kaohe_cli.store.summaries import (
    SummaryInfo, insert_summary, read_latest_summary, read_summaries, read_summary_rows,
)

__all__ = [
    "APPLICATION_ID", "ISSUE_FIELDS", "LEDGER_COLUMNS", "SCHEMA_VERSION", "SCORE_COLUMNS", "SUMMARY_COLUMNS",
    "Archive", "RunInfo", "SummaryInfo", "backup_path", "open_archive",
]

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another writer before giving up."""

_HINT_DB = "请确认 --db 指向 kaohe 的档案文件，默认为工作目录下的 kaohe.db"
_HINT_LOCKED = "另一个程序正在写入档案，请稍后重试；如仍失败，请关闭其他正在运行的 kaohe"


def _now() -> str:
    """The current local time, ISO-8601 with its UTC offset (tests replace this)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def open_archive(path: Path | str, *, create: bool = True, readonly: bool = False) -> Archive:
    """Open the archive at `path`, creating it (and upgrading an older one) as needed.

    With `create=False` a missing file is `NotFound`. With `readonly=True` (explain, diff,
    history, notice) nothing is created or written: the file is opened read-only, so it works on
    a read-only file or in a read-only folder; only an archive of an older format, which must
    be upgraded first, is opened for writing.
    """
    return Archive(Path(path), create=create and not readonly, readonly=readonly)


# --- backups before upgrades, and the stamp of an archive as kaohe left it ---------------------

KEEP_BACKUPS = 3
"""How many `kaohe.db.bak-*` copies (made before each format upgrade) are kept; older ones go."""

STAMP_SUFFIX = "-verified"
"""`kaohe.db-verified` records the size and time of the archive as kaohe last left it. When the
file has changed since (another program, a damaged disk), the next write first runs SQLite's
quick integrity check."""


def backup_path(path: Path, version: int) -> Path:
    """Where the copy of a version-`version` archive goes before it is migrated."""
    candidate = path.with_name(f"{path.name}.bak-v{version}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak-v{version}-{n}")
        n += 1
    return candidate


def _stamp_of(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    return [st.st_size, st.st_mtime_ns, wal_size]


def _read_stamp(path: Path) -> list[int] | None:
    try:
        data = json.loads(path.with_name(path.name + STAMP_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, list) else None


def _write_stamp(path: Path) -> None:
    """Best effort: without a stamp the next write only checks the file once more."""
    stamp = _stamp_of(path)
    if stamp is None:
        return
    with contextlib.suppress(OSError):
        path.with_name(path.name + STAMP_SUFFIX).write_text(json.dumps(stamp), encoding="utf-8")


def _prune_backups(path: Path) -> None:
    """Keep the newest `KEEP_BACKUPS` copies made before format upgrades."""
    backups = sorted(path.parent.glob(f"{path.name}.bak-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in backups[KEEP_BACKUPS:]:
        with contextlib.suppress(OSError):
            old.unlink()


# --- the open archive ---------------------------------------------------------------------------


class Archive:
    """An open archive. Use as a context manager, or call `close()`."""

    def __init__(self, path: Path, *, create: bool = True, readonly: bool = False) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._create = create
        self._readonly = readonly
        self._verified = False  # checked (or known unchanged) before this connection's first write
        self._wrote = False
        self._check_path(create)
        try:
            self._conn = self._connect()
        except sqlite3.Error as exc:
            raise self._error("打开", exc) from exc
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise

    # -- opening -----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if not self._readonly:
            return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=True)
        uri = self.path.resolve().as_uri()
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            # A WAL archive in a read-only folder cannot get its shared-memory file: read it
            # as an unchanging file (nobody can write there either).
            if "unable to open" not in str(exc) and "readonly" not in str(exc):
                raise
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)

    def _check_path(self, create: bool) -> None:
        path = self.path
        if path.is_dir():
            raise ArchiveError(f"档案路径 {path} 是一个文件夹", "请用 --db 指定档案文件，例如 kaohe.db")
        if path.exists():
            return
        if not create:
            raise NotFound(f"档案 {path} 不存在", "请先运行 kaohe score 生成档案，或用 --db 指定档案路径")
        parent = path.parent
        if not parent.exists():
            raise ArchiveError(f"档案所在的文件夹 {parent} 不存在", "请先创建该文件夹，或用 --db 指定其他路径")
        if not parent.is_dir():
            raise ArchiveError(f"档案所在的路径 {parent} 不是文件夹", "请用 --db 指定其他路径")

    def _not_a_database(self, exc: Exception) -> ArchiveError:
        return ArchiveError(f"{self.path} 不是 kaohe 档案：它不是 SQLite 数据库，或文件已损坏", _HINT_DB)

    def _prepare(self) -> None:
        conn = self._conn
        assert conn is not None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            state = self._state()  # the first read: fails here if the file is not SQLite
        except sqlite3.Error as exc:
            raise self._error("打开", exc) from exc
        self._check_state(*state)
        app_id, version, tables = state
        if not self._create and app_id != APPLICATION_ID and not tables and not version:
            raise NotFound(f"档案 {self.path} 是空文件，还没有任何评分记录",
                           "请先运行 kaohe score 评分，或用 --db 指定档案路径")
        if self._readonly:
            if version == SCHEMA_VERSION:
                return
            self._reopen_to_upgrade()
        try:
            self._wal()
            if version != SCHEMA_VERSION or app_id != APPLICATION_ID:
                self._upgrade()
        except sqlite3.Error as exc:
            raise self._error("打开", exc) from exc

    def _reopen_to_upgrade(self) -> None:
        """An archive of an older format, opened to read: it must be upgraded (a write) first."""
        if self._conn is not None:
            self._conn.close()
        self._readonly = False
        try:
            self._conn = self._connect()
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        except sqlite3.Error as exc:
            raise self._error("升级", exc) from exc

    def _wal(self) -> None:
        """Switch to WAL. On a brand-new file two processes may race for it: SQLite answers
        "locked" at once (the busy handler does not cover a journal-mode change), so retry."""
        import time

        conn = self._conn
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _state(self) -> tuple[int, int, int]:
        conn = self._conn
        assert conn is not None
        # One statement, so all three come from the same snapshot even if another process
        # is creating the archive at this moment.
        return conn.execute(
            "SELECT (SELECT application_id FROM pragma_application_id), "
            "(SELECT user_version FROM pragma_user_version), "
            "(SELECT count(*) FROM sqlite_master)"
        ).fetchone()

    def _check_state(self, app_id: int, version: int, tables: int) -> None:
        if app_id != APPLICATION_ID and (tables or version):
            raise ArchiveError(
                f"{self.path} 是 SQLite 数据库，但不是 kaohe 档案", _HINT_DB
            )
        if version > SCHEMA_VERSION:
            raise ArchiveTooNew(
                f"档案 {self.path} 由更新版本的 kaohe 写入（档案格式 v{version}，"
                f"本程序只认识 v{SCHEMA_VERSION} 及以前的格式）",
                "请升级 kaohe 后再打开此档案",
            )

    def _upgrade(self) -> None:
        """Create or migrate the schema in one write transaction, after a backup copy."""
        conn = self._conn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        try:
            app_id, version, tables = self._state()  # again: another process may have done it
            self._check_state(app_id, version, tables)
            if version < SCHEMA_VERSION:
                if tables:
                    self._backup(backup_path(self.path, version))
                    _prune_backups(self.path)
                for step in range(version, SCHEMA_VERSION):
                    try:
                        migrate = MIGRATIONS[step]
                    except IndexError:  # pragma: no cover - a packaging error
                        raise ArchiveError(f"缺少档案格式 v{step} → v{step + 1} 的升级步骤", "这是程序错误，请反馈")
                    migrate(conn)
                conn.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")
            if app_id != APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _backup(self, target: Path) -> None:
        """Copy the archive to `target` while this connection holds the write lock.

        The copy is read through a second connection: it sees the last committed state,
        which cannot change while we hold the lock (a connection cannot back up a database
        it is writing to). The backup API also copies what is still in the WAL file, which
        copying the main file alone would miss.
        """
        source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        except BaseException:
            target.unlink(missing_ok=True)  # no half-written backup left behind
            raise
        finally:
            source.close()

    # -- lifetime ----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection now (idempotent), so the file can be moved or deleted."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
            if self._wrote:
                _write_stamp(self.path)

    def _verify(self) -> None:
        """Before the first write: SQLite's quick check, when the file has changed since kaohe
        last left it (or was never stamped). A damaged archive is refused before anything is
        appended to it."""
        if self._verified:
            return
        if _read_stamp(self.path) != _stamp_of(self.path):
            try:
                rows = self._connection().execute("PRAGMA quick_check").fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._damaged() from exc
            if [r[0] for r in rows] != ["ok"]:
                raise self._damaged()
        self._verified = True

    def _damaged(self) -> ArchiveError:
        backups = sorted(self.path.parent.glob(f"{self.path.name}.bak-*"), key=lambda p: p.stat().st_mtime)
        hint = (f"请先备份损坏的 {self.path.name}，再用最近的备份 {backups[-1].name} 替换它，然后重新评分备份之后的各期"
                if backups else
                f"请先备份损坏的 {self.path.name}；可用 sqlite3 {self.path.name} \".recover\" 导出能读的数据，"
                "或换一个新档案并重新评分各期")
        return ArchiveError(f"档案 {self.path} 已损坏（SQLite 完整性检查未通过），未写入任何内容", hint)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self._conn is not None else "closed"
        return f"<Archive {self.path} {state}>"

    @property
    def schema_version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    # -- helpers -----------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ArchiveError(f"档案 {self.path} 已关闭", "这是程序错误，请反馈")
        return self._conn

    def _error(self, doing: str, exc: sqlite3.Error) -> ArchiveError:
        """A SQLite failure as an `ArchiveError` that names the file and says what to do."""
        code = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return ArchiveError(f"档案 {self.path} 被占用，无法{doing}", _HINT_LOCKED)
        if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text:
            return self._not_a_database(exc)
        if code.startswith("SQLITE_FULL"):
            return ArchiveError(f"磁盘已满，无法{doing}档案 {self.path}", "请清理磁盘空间后重试")
        if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or (
                "unable to open" in text or "readonly" in text):
            return ArchiveError(
                f"无法{doing}档案 {self.path}：没有读写权限，或所在文件夹不可写",
                "档案和它所在的文件夹都须可写（SQLite 要在旁边建日志文件）；请检查权限，或用 --db 指定其他路径",
            )
        if code.startswith("SQLITE_IOERR") or "disk I/O" in text:
            return ArchiveError(f"读写档案 {self.path} 时磁盘出错，无法{doing}",
                                "请检查磁盘（或网络盘的连接）后重试；网络盘上的档案请先复制到本机")
        if isinstance(exc, sqlite3.IntegrityError):
            return ArchiveError(f"无法{doing}档案 {self.path}：数据不完整", "这是程序错误，请反馈")
        return ArchiveError(f"无法{doing}档案 {self.path}（SQLite 错误 {code or type(exc).__name__}）",
                            "请检查磁盘空间和文件权限")

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = self._connection()
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error("读取", exc) from exc

    @contextlib.contextmanager
    def snapshot(self):
        """Several reads that see one state of the archive (a read transaction), even while
        another process records a run."""
        conn = self._connection()
        try:
            conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise self._error("读取", exc) from exc
        try:
            yield self
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")  # nothing was written: this only ends the snapshot

    def _write(self, work: Work) -> Any:
        """Run `work` in one `BEGIN IMMEDIATE` transaction; roll back on any failure."""
        conn = self._connection()
        self._verify()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error("写入", exc) from exc
        try:
            result = work(conn)
            conn.execute("COMMIT")
            self._wrote = True
            return result
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:  # pragma: no cover - the original error matters more
                    pass
            if isinstance(exc, sqlite3.Error):
                raise self._error("写入", exc) from exc
            raise

    # -- runs ----------------------------------------------------------------------------

    def record_run(
        self,
        meta: Mapping[str, Any],
        scores: pd.DataFrame,
        ledger: pd.DataFrame,
        issues: Iterable[Any] = (),
    ) -> int:
        """Store one run in one transaction and return its id (see `store.runs.insert_run`).

        `created_at` is filled here. `scores` and `ledger` keep their row order.
        """
        return self._write(insert_run(meta, scores, ledger, issues, _now()))

    def withdraw_run(self, run_id: int) -> None:
        """Remove a run that was never published (its workbook could not be put in place)."""
        self._write(delete_run(run_id))

    def runs(self, period: str | None = None, scheme_id: str | None = None) -> list[RunInfo]:
        """Recorded runs, oldest first (newest last), optionally of one period and scheme."""
        return read_runs(self._query, period, scheme_id)

    def run(self, run_id: int) -> RunInfo:
        """One run by id; `NotFound` if there is none."""
        return read_run(self._query, run_id)

    def latest_run(self, period: str, scheme_id: str | None = None) -> RunInfo | None:
        """The newest run of a period, or None. Several schemes and no `scheme_id` → SeveralSchemes."""
        found = read_last_runs(self._query, period, scheme_id, 1)
        return found[-1] if found else None

    def last_two_runs(self, period: str, scheme_id: str | None = None) -> tuple[RunInfo, RunInfo] | None:
        """(older, newer): the last two runs of a period, or None if there are fewer than two."""
        found = read_last_runs(self._query, period, scheme_id, 2)
        return (found[0], found[1]) if len(found) == 2 else None

    def periods(self, scheme_id: str | None = None) -> list[str]:
        """The periods that have at least one run, sorted as text ("2023-01" … "2023Q1")."""
        return read_periods(self._query, scheme_id)

    def scores(self, run_id: int) -> pd.DataFrame:
        """The scores of a run in their original order; components/extra are dicts, totals text."""
        return read_scores(self._query, run_id)

    def ledger(self, run_id: int, subject: str | None = None) -> pd.DataFrame:
        """The ledger of a run in its original order, optionally of one subject."""
        return read_ledger(self._query, run_id, subject)

    def issues(self, run_id: int) -> list[dict]:
        """The issues of a run, in their original order, as dicts."""
        return read_issues(self._query, run_id)

    # -- across runs (quota, history): see store.queries ---------------------------------

    def period_scores(self, run_ids: list[int]) -> pd.DataFrame:
        """Totals and grades of several runs: run_id, subject, total, grade, bonus, deduction."""
        return queries.period_scores(self._query, run_ids)

    def latest_details(self, run_ids: list[int]) -> pd.DataFrame:
        """Each subject's name, dept, category, leader and raw `extra` from the last run that has them."""
        return queries.latest_details(self._query, run_ids)

    def acted_rules(self, run_ids: list[int]) -> dict[str, set[str]]:
        """Subject → names of the rules that acted on them in any of `run_ids` (from `extra`)."""
        return queries.acted_rules(self._query, run_ids)

    def ledger_lines(self, run_ids: list[int], items: Iterable[str] = ()) -> pd.DataFrame:
        """The annual lines and the lines of `items` of several runs — what `quota` needs."""
        return queries.ledger_lines(self._query, run_ids, items)

    def latest_run_ids(self, scheme_id: str) -> dict[str, int]:
        """{period: id of its newest run} of one scheme."""
        return queries.latest_run_ids(self._query, scheme_id)

    def subject_history(self, who: str) -> pd.DataFrame:
        """Every period's result of one person or unit (latest run of each); no match → `NotFound`."""
        return queries.subject_history(self._query, who)

    # -- committee decisions -------------------------------------------------------------

    def record_decisions(
        self, scheme_id: str, period: str, grades: Mapping[str, str], note: str = "", *, displace: bool = False
    ) -> None:
        """Record committee decisions in one transaction (the latest per subject counts).

        A grade of '' revokes the subject's decision; the earlier rows are kept, so
        `decision_log` shows every decision and its revocation.
        """
        self._write(insert_decisions(scheme_id, period, grades, note, displace, _now()))

    def record_decision(
        self, scheme_id: str, period: str, subject: str, grade: str, note: str = ""
    ) -> None:
        """Record one committee decision (see `record_decisions`)."""
        self.record_decisions(scheme_id, period, {subject: grade}, note)

    def decisions(self, scheme_id: str, period: str) -> dict[str, dict]:
        """The standing committee decision per subject: {subject: {grade, note, decided_at, id, displace}}."""
        return read_standing_decisions(self._query, scheme_id, period)

    def decision_log(self, scheme_id: str, period: str) -> list[dict]:
        """Every decision and revocation of a period, oldest first."""
        return read_decision_log(self._query, scheme_id, period)

    # -- quota results -------------------------------------------------------------------

    def record_summary(self, meta: Mapping[str, Any], rows: pd.DataFrame) -> int:
        """Store the result of `quota` for a year or quarter in one transaction; return its id
        (see `store.summaries.insert_summary`)."""
        return self._write(insert_summary(meta, rows, _now()))

    def latest_summary(self, period: str, scheme_id: str | None = None) -> SummaryInfo | None:
        """The newest `quota` result of a year or quarter, or None."""
        return read_latest_summary(self._query, period, scheme_id)

    def summaries(self, period: str) -> list[SummaryInfo]:
        """Every `quota` result of a year or quarter, oldest first."""
        return read_summaries(self._query, period)

    def summary_rows(self, summary_id: int) -> pd.DataFrame:
        """The rows of one `quota` result, in rank order as written."""
        return read_summary_rows(self._query, summary_id)
