"""The SQLite archive: every run of `kaohe score`, with its scores, ledger and issues.

One file, `kaohe.db`. Scoring a period again adds a run and keeps the old one, so `diff`
can compare the last two and nothing is ever lost. Committee decisions on ties (`quota`)
are kept here too.

Rules this module keeps:

- Points are exact. `total`, `bonus`, `deduction`, `quantity` and `points` are stored and
  returned as text exactly as given ("95.50" stays "95.50"); `Decimal` values are stored as
  `str(value)`. A numeric column of points or totals is refused (int64 would be engine
  micro-points, float is inexact); a float `quantity` is written in its shortest form.
- Each run is written in ONE transaction (`BEGIN IMMEDIATE`), so a crash or a killed
  process never leaves half a run. WAL mode and a long busy timeout let two kaohe processes
  write to the same archive: the second one waits.
- The schema version is `PRAGMA user_version`; `PRAGMA application_id` marks the file as a
  kaohe archive. An older archive is backed up to `kaohe.db.bak-v{old}` and migrated in
  place; a newer one is refused with `ArchiveTooNew`.
- Connections are closed deterministically (`close()` / `with`), so on Windows the file can
  be moved or deleted afterwards.
- Nothing here prints. Failures are `ArchiveError`, `ArchiveTooNew`, `NotFound` or
  `SeveralSchemes` (a usage error: `--scheme` chooses).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count, repeat
from pathlib import Path
from typing import Any

import pandas as pd

from kaohe_cli.errors import ArchiveError, ArchiveTooNew, NotFound, SeveralSchemes

SCHEMA_VERSION = 2
"""The schema this version of kaohe writes (`PRAGMA user_version`)."""

APPLICATION_ID = 0x4B414F48  # "KAOH": `PRAGMA application_id` of every kaohe archive

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another writer before giving up."""

SUBJECT_KINDS = ("person", "unit")

SCORE_COLUMNS = (
    "subject", "name", "dept", "category", "leader", "rank", "total", "grade", "remarks",
    "bonus", "deduction", "components", "extra",
)
LEDGER_COLUMNS = (
    "subject", "item", "level", "component", "kind", "category", "quantity", "points", "rule",
    "evidence", "reason", "date", "source", "file", "annual", "note", "counted", "event",
)
"""The documented ledger columns, then two the engine keeps: `counted` (the line counts in
the period total; default True) and `event` (index of the input event; default missing)."""
ISSUE_FIELDS = ("level", "file", "sheet", "cell", "message", "hint", "code")
META_REQUIRED = (
    "period", "scheme_id", "scheme_name", "scheme_hash", "subject_kind", "input_files",
    "tool_version",
)
META_OPTIONAL = ("options", "note")

_SCORE_DECIMALS = {"total", "bonus", "deduction"}
_SCORE_JSON = {"components", "extra"}

_HINT_DB = "请确认 --db 指向 kaohe 的档案文件，默认为工作目录下的 kaohe.db"
_HINT_LOCKED = "另一个程序正在写入档案，请稍后重试；如仍失败，请关闭其他正在运行的 kaohe"


# --------------------------------------------------------------------------------------
# Schema and migrations
# --------------------------------------------------------------------------------------

_SCHEMA_V1 = """
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    period        TEXT NOT NULL,
    scheme_id     TEXT NOT NULL,
    scheme_name   TEXT NOT NULL,
    scheme_hash   TEXT NOT NULL,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('person', 'unit')),
    input_files   TEXT NOT NULL,          -- JSON [{"name": ..., "sha256": ...}]
    tool_version  TEXT NOT NULL,
    options       TEXT NOT NULL,          -- JSON object
    created_at    TEXT NOT NULL,          -- ISO-8601 with UTC offset
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_period_scheme ON runs (period, scheme_id);

CREATE TABLE scores (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,         -- row order as given
    subject     TEXT NOT NULL,
    name        TEXT,
    dept        TEXT,
    category    TEXT,
    leader      TEXT,
    rank        INTEGER,
    total       TEXT,                     -- Decimal as text, exact
    grade       TEXT,
    remarks     TEXT,
    bonus       TEXT,
    deduction   TEXT,
    components  TEXT NOT NULL,            -- JSON {component: "12.5"}
    extra       TEXT NOT NULL             -- JSON object
);
CREATE INDEX scores_run_subject ON scores (run_id, subject);

CREATE TABLE ledger (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,          -- row order as given
    subject    TEXT NOT NULL,
    item       TEXT,
    level      TEXT,
    component  TEXT,
    kind       TEXT,
    category   TEXT,
    quantity   TEXT,                      -- Decimal as text, exact
    points     TEXT,                      -- Decimal as text, exact, signed
    rule       TEXT,
    evidence   TEXT,
    reason     TEXT,
    date       TEXT,
    source     TEXT,
    file       TEXT,
    annual     INTEGER NOT NULL DEFAULT 0,
    note       TEXT,
    counted    INTEGER NOT NULL DEFAULT 1,  -- 1: the line counts in the period total
    event      INTEGER                      -- index of the input event, if any
);
CREATE INDEX ledger_run_subject ON ledger (run_id, subject);

CREATE TABLE issues (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    level    TEXT,
    file     TEXT,
    sheet    TEXT,
    cell     TEXT,
    message  TEXT,
    hint     TEXT,
    code     TEXT
);
CREATE INDEX issues_run ON issues (run_id);

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id   TEXT NOT NULL,
    period      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    grade       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    decided_at  TEXT NOT NULL
);
CREATE INDEX decisions_scheme_period ON decisions (scheme_id, period, subject);
"""


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    """v0 (an empty file, or a pre-versioned kaohe archive) → v1: create the v1 tables."""
    for statement in _SCHEMA_V1.split(";"):
        if statement.strip():
            conn.execute(statement)


_SCHEMA_V2 = """
ALTER TABLE decisions ADD COLUMN displace INTEGER NOT NULL DEFAULT 0;

CREATE TABLE summaries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    period        TEXT NOT NULL,          -- the year or quarter summed: 2023, 2023Q2
    scheme_id     TEXT NOT NULL,
    scheme_name   TEXT NOT NULL,
    scheme_hash   TEXT NOT NULL,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('person', 'unit')),
    run_ids       TEXT NOT NULL,          -- JSON [run id, ...]: the period runs summed
    tool_version  TEXT NOT NULL,
    options       TEXT NOT NULL,          -- JSON object: quotas
    created_at    TEXT NOT NULL
);
CREATE INDEX summaries_period_scheme ON summaries (period, scheme_id);

CREATE TABLE summary_rows (
    summary_id   INTEGER NOT NULL REFERENCES summaries (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    subject      TEXT NOT NULL,
    name         TEXT,
    dept         TEXT,
    category     TEXT,
    rank         INTEGER,
    total        TEXT,                    -- Decimal as text, exact
    mean         TEXT,
    bonus        TEXT,
    deduction    TEXT,
    grade        TEXT,
    eligibility  TEXT,
    remarks      TEXT
);
CREATE INDEX summary_rows_summary ON summary_rows (summary_id, seq);
"""


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """v1 → v2: decisions may displace (`--displace`) and be revoked (grade ''), and the
    annual or quarterly results of `quota` are kept (`summaries`) for the annual 公示."""
    for statement in _SCHEMA_V2.split(";"):
        if statement.strip():
            conn.execute(statement)


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [_migrate_0_to_1, _migrate_1_to_2]
"""`MIGRATIONS[v]` upgrades an archive from version v to v+1, inside one transaction.

A new schema version appends one function here and raises `SCHEMA_VERSION`. A new archive
is built by running every migration from 0, so this list is the one source of the schema.
"""


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    """One recorded run of `kaohe score` (a row of `runs`)."""

    id: int
    period: str
    scheme_id: str
    scheme_name: str
    scheme_hash: str
    subject_kind: str
    input_files: list[dict] = field(hash=False)  # [{"name": ..., "sha256": ...}]
    tool_version: str
    options: dict = field(hash=False)
    created_at: str  # ISO-8601 with UTC offset, e.g. "2023-04-03T09:30:00+08:00"
    note: str


@dataclass(frozen=True)
class SummaryInfo:
    """One recorded result of `kaohe quota` for a year or quarter (a row of `summaries`)."""

    id: int
    period: str
    scheme_id: str
    scheme_name: str
    scheme_hash: str
    subject_kind: str
    run_ids: list[int] = field(hash=False)
    tool_version: str
    options: dict = field(hash=False)
    created_at: str


SUMMARY_COLUMNS = (
    "subject", "name", "dept", "category", "rank", "total", "mean", "bonus", "deduction", "grade",
    "eligibility", "remarks",
)

_SUMMARY_SELECT = (
    "SELECT id, period, scheme_id, scheme_name, scheme_hash, subject_kind, run_ids, tool_version, "
    "options, created_at FROM summaries"
)


def _summary_info(row: tuple) -> SummaryInfo:
    return SummaryInfo(
        id=row[0], period=row[1], scheme_id=row[2], scheme_name=row[3], scheme_hash=row[4], subject_kind=row[5],
        run_ids=json.loads(row[6]), tool_version=row[7], options=json.loads(row[8]), created_at=row[9],
    )


_RUN_SELECT = (
    "SELECT id, period, scheme_id, scheme_name, scheme_hash, subject_kind, input_files, "
    "tool_version, options, created_at, note FROM runs"
)


def _run_info(row: tuple) -> RunInfo:
    return RunInfo(
        id=row[0], period=row[1], scheme_id=row[2], scheme_name=row[3], scheme_hash=row[4],
        subject_kind=row[5], input_files=json.loads(row[6]), tool_version=row[7],
        options=json.loads(row[8]), created_at=row[9], note=row[10],
    )


def _now() -> str:
    """The current local time, ISO-8601 with its UTC offset (tests replace this)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def _text(value: Any) -> str | None:
    """A cell as stored text. Strings are kept exactly; `Decimal` becomes `str(value)`."""
    if type(value) is str:
        return value
    if _is_missing(value):
        return None
    if isinstance(value, str):  # str subclasses, and str-valued enums such as issues.Level
        inner = getattr(value, "value", None)
        return inner if isinstance(inner, str) else str.__str__(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time():
            return value.date().isoformat()  # a date read from a workbook cell
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    inner = getattr(value, "value", None)  # other enums
    if isinstance(inner, str):
        return inner
    if isinstance(value, float):
        return float.__repr__(value)  # also numpy.float64, whose repr is "np.float64(…)"
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):  # numpy scalars
        return _text(value.item())
    return str(value)


def _texts(values: Iterable[Any]) -> list[str | None]:
    # Fast paths for the two common types; everything else goes through _text.
    return [
        v if type(v) is str else str(v) if type(v) is Decimal and v.is_finite() else _text(v)
        for v in values
    ]


def _flag(value: Any) -> int:
    if value is True or value is False:
        return int(value)
    return 0 if _is_missing(value) or not value else 1


def _int(value: Any, what: str) -> int | None:
    """An integer cell (rank, event index), or None when missing."""
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ArchiveError(f"无法写入档案：{what}不是整数：{value!r}", "应为整数或留空；这是程序错误，请反馈")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "value"):  # enums
        return value.value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in the archive")


# One encoder for every cell: json.dumps with options builds a new encoder per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default).encode


def _dumps(value: Any, what: str) -> str:
    try:
        return _ENCODE(value)
    except (TypeError, ValueError) as exc:
        raise ArchiveError(f"无法写入档案：{what} 含有无法保存的值（{exc}）", "这是程序错误，请反馈") from exc


def _json_cells(values: Iterable[Any], what: str) -> list[str]:
    out = []
    encode = _ENCODE
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            value = {}
        try:
            out.append(encode(value))
        except (TypeError, ValueError):
            out.append(_dumps(value, what))  # raises with the message
    return out


def _check_columns(
    frame: pd.DataFrame, known: tuple[str, ...], exact: set[str], what: str
) -> None:
    unknown = [str(c) for c in frame.columns if c not in known]
    if unknown:
        raise ArchiveError(
            f"无法写入档案：{what}有未知的列 {', '.join(unknown)}",
            f"可用的列：{', '.join(known)}；这是程序错误，请反馈",
        )
    if "subject" not in frame.columns:
        raise ArchiveError(f"无法写入档案：{what}缺少 subject 列", "这是程序错误，请反馈")
    for name in sorted(exact & set(frame.columns)):
        dtype = frame[name].dtype
        if len(frame) and pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            # int64 here is almost surely engine micro-points; float is inexact. Refuse both.
            raise ArchiveError(
                f"无法写入档案：{what}的 {name} 列是数值类型（{dtype}），分值须为 Decimal 或文本",
                "请先用 kaohe_cli.domain.points.fmt_micro 或 from_micro 转换；这是程序错误，请反馈",
            )


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    if name in frame.columns:
        return frame[name].tolist()
    return [None] * len(frame)


def _frame(
    rows: list[tuple],
    columns: tuple[str, ...],
    *,
    ints: tuple[str, ...] = (),
    bools: tuple[str, ...] = (),
    json_cols: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Rows read back as a frame: text columns are `str` dtype (missing → NaN), ranks `Int64`."""
    frame = pd.DataFrame.from_records(rows, columns=list(columns), coerce_float=False)
    for name in columns:
        if name in ints:
            frame[name] = frame[name].astype("Int64")
        elif name in bools:
            frame[name] = frame[name].astype(bool)
        elif name in json_cols:
            frame[name] = pd.Series([json.loads(v) for v in frame[name]], index=frame.index, dtype=object)
        elif frame[name].dtype != "str":
            frame[name] = frame[name].astype("str")
    return frame


def _issue_dict(issue: Any) -> dict:
    if isinstance(issue, Mapping):
        data = dict(issue)
    elif hasattr(issue, "to_dict"):
        data = issue.to_dict()
    else:
        data = {k: getattr(issue, k, None) for k in ISSUE_FIELDS}
    return {k: _text(data.get(k)) for k in ISSUE_FIELDS}


def _meta_row(meta: Mapping[str, Any]) -> tuple:
    missing = [k for k in META_REQUIRED if k not in meta]
    unknown = [str(k) for k in meta if k not in META_REQUIRED and k not in META_OPTIONAL]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"缺少 {', '.join(missing)}")
        if unknown:
            parts.append(f"未知的 {', '.join(unknown)}")
        raise ArchiveError(f"无法写入档案：运行信息{'，'.join(parts)}", "这是程序错误，请反馈")
    if meta["subject_kind"] not in SUBJECT_KINDS:
        raise ArchiveError(
            f"无法写入档案：考核对象类型应为 person 或 unit，而不是 {meta['subject_kind']!r}",
            "这是程序错误，请反馈",
        )
    files = []
    for entry in meta["input_files"] or []:
        if not isinstance(entry, Mapping) or "name" not in entry or "sha256" not in entry:
            raise ArchiveError(
                f"无法写入档案：输入文件信息应含 name 和 sha256：{entry!r}", "这是程序错误，请反馈"
            )
        files.append({"name": str(entry["name"]), "sha256": str(entry["sha256"])})
    options = meta.get("options") or {}
    if not isinstance(options, Mapping):
        raise ArchiveError("无法写入档案：运行选项 options 应为字典", "这是程序错误，请反馈")
    for key in ("period", "scheme_id", "scheme_name", "scheme_hash", "tool_version"):
        if not isinstance(meta[key], str):
            raise ArchiveError(
                f"无法写入档案：运行信息 {key} 应为文本，而不是 {meta[key]!r}", "这是程序错误，请反馈"
            )
    return (
        meta["period"], meta["scheme_id"], meta["scheme_name"], meta["scheme_hash"],
        meta["subject_kind"], _dumps(files, "input_files"), meta["tool_version"],
        _dumps(dict(options), "options"), _now(), _text(meta.get("note")) or "",
    )


# --------------------------------------------------------------------------------------
# The archive
# --------------------------------------------------------------------------------------


def open_archive(path: Path | str, *, create: bool = True, readonly: bool = False) -> Archive:
    """Open the archive at `path`, creating it (and upgrading an older one) as needed.

    With `create=False` a missing file is `NotFound`. With `readonly=True` (explain, diff,
    history, notice) nothing is created or written: the file is opened read-only, so it works on
    a read-only file or in a read-only folder; only an archive of an older format, which must
    be upgraded first, is opened for writing.
    """
    return Archive(Path(path), create=create and not readonly, readonly=readonly)


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

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
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

    # -- writing -----------------------------------------------------------------------

    def record_run(
        self,
        meta: Mapping[str, Any],
        scores: pd.DataFrame,
        ledger: pd.DataFrame,
        issues: Iterable[Any] = (),
    ) -> int:
        """Store one run in one transaction and return its id.

        `meta`: period, scheme_id, scheme_name, scheme_hash, subject_kind ('person'/'unit'),
        input_files ([{name, sha256}]), tool_version, options (dict, optional), note
        (optional). `created_at` is filled here. `scores` and `ledger` keep their row order.
        `issues` are `Issue` values or dicts with level, file, sheet, cell, message, hint.
        """
        run_row = _meta_row(meta)
        _check_columns(scores, SCORE_COLUMNS, _SCORE_DECIMALS, "成绩表")
        _check_columns(ledger, LEDGER_COLUMNS, {"points"}, "明细账")

        # Everything is converted before the transaction, so the write lock is held briefly.
        score_cols: list[list[Any]] = []
        for name in SCORE_COLUMNS:
            values = _column(scores, name)
            if name in _SCORE_JSON:
                score_cols.append(_json_cells(values, f"成绩表的 {name} 列"))
            elif name == "rank":
                score_cols.append([_int(v, f"成绩表第 {i + 1} 行的名次") for i, v in enumerate(values)])
            else:
                score_cols.append(_texts(values))
        ledger_cols: list[list[Any]] = []
        n_lines = len(ledger)
        for name in LEDGER_COLUMNS:
            present = name in ledger.columns
            if name in ("annual", "counted"):
                missing_as = 0 if name == "annual" else 1
                if not present:
                    ledger_cols.append([missing_as] * n_lines)
                elif ledger[name].dtype == bool:  # the engine's own flags: no per-value checks
                    ledger_cols.append(ledger[name].to_numpy(dtype=int).tolist())
                else:
                    ledger_cols.append([missing_as if _is_missing(v) else _flag(v) for v in ledger[name].tolist()])
            elif name == "event":
                if not present:
                    ledger_cols.append([None] * n_lines)
                else:
                    values = ledger[name].tolist()
                    ledger_cols.append([_int(v, f"明细账第 {i + 1} 行的 event") for i, v in enumerate(values)])
            else:
                ledger_cols.append(_texts(_column(ledger, name)))
        issue_rows = [tuple(_issue_dict(i).values()) for i in issues]

        def work(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO runs (period, scheme_id, scheme_name, scheme_hash, subject_kind, "
                "input_files, tool_version, options, created_at, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                run_row,
            )
            run_id = cur.lastrowid
            conn.executemany(
                f"INSERT INTO scores (run_id, seq, {', '.join(SCORE_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (len(SCORE_COLUMNS) + 2))})",
                zip(repeat(run_id), count(), *score_cols),
            )
            conn.executemany(
                f"INSERT INTO ledger (run_id, seq, {', '.join(LEDGER_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (len(LEDGER_COLUMNS) + 2))})",
                zip(repeat(run_id), count(), *ledger_cols),
            )
            conn.executemany(
                f"INSERT INTO issues (run_id, seq, {', '.join(ISSUE_FIELDS)}) "
                f"VALUES ({', '.join('?' * (len(ISSUE_FIELDS) + 2))})",
                ((run_id, seq, *row) for seq, row in enumerate(issue_rows)),
            )
            return run_id

        return self._write(work)

    def withdraw_run(self, run_id: int) -> None:
        """Remove a run that was never published (its workbook could not be put in place)."""
        self._write(lambda conn: conn.execute("DELETE FROM runs WHERE id = ?", (run_id,)))

    def record_decisions(
        self, scheme_id: str, period: str, grades: Mapping[str, str], note: str = "", *, displace: bool = False
    ) -> None:
        """Record committee decisions in one transaction (the latest per subject counts).

        A grade of '' revokes the subject's decision; the earlier rows are kept, so
        `decision_log` shows every decision and its revocation.
        """
        at = _now()
        rows = [(scheme_id, period, subject, grade, note or "", at, int(displace)) for subject, grade in grades.items()]
        self._write(
            lambda conn: conn.executemany(
                "INSERT INTO decisions (scheme_id, period, subject, grade, note, decided_at, displace) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        )

    def record_decision(
        self, scheme_id: str, period: str, subject: str, grade: str, note: str = ""
    ) -> None:
        """Record one committee decision (see `record_decisions`)."""
        self.record_decisions(scheme_id, period, {subject: grade}, note)

    def record_summary(self, meta: Mapping[str, Any], rows: pd.DataFrame) -> int:
        """Store the result of `quota` for a year or quarter in one transaction; return its id.

        `meta`: period, scheme_id, scheme_name, scheme_hash, subject_kind, run_ids, tool_version,
        options. `rows`: the columns of `summary_rows` (without summary_id and seq), in order.
        """
        head = (
            str(meta["period"]), str(meta["scheme_id"]), str(meta["scheme_name"]), str(meta["scheme_hash"]),
            str(meta["subject_kind"]), _dumps(list(meta.get("run_ids") or []), "run_ids"),
            str(meta.get("tool_version") or ""), _dumps(dict(meta.get("options") or {}), "options"), _now(),
        )
        cols = [c for c in SUMMARY_COLUMNS]
        values = [
            [_int(v, "名次") for v in rows[c]] if c == "rank" else _texts(rows[c]) for c in cols
        ]

        def work(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO summaries (period, scheme_id, scheme_name, scheme_hash, subject_kind, run_ids, "
                "tool_version, options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                head,
            )
            sid = int(cur.lastrowid)
            conn.executemany(
                f"INSERT INTO summary_rows (summary_id, seq, {', '.join(cols)}) "
                f"VALUES (?, ?, {', '.join('?' for _ in cols)})",
                zip(repeat(sid), count(), *values),
            )
            return sid

        return self._write(work)

    def latest_summary(self, period: str, scheme_id: str | None = None) -> SummaryInfo | None:
        """The newest `quota` result of a year or quarter, or None."""
        sql = _SUMMARY_SELECT + " WHERE period = ?" + (" AND scheme_id = ?" if scheme_id else "") + " ORDER BY id DESC LIMIT 1"
        rows = self._query(sql, (period, scheme_id) if scheme_id else (period,))
        return _summary_info(rows[0]) if rows else None

    def summaries(self, period: str) -> list[SummaryInfo]:
        """Every `quota` result of a year or quarter, oldest first."""
        return [_summary_info(r) for r in self._query(_SUMMARY_SELECT + " WHERE period = ? ORDER BY id", (period,))]

    def summary_rows(self, summary_id: int) -> pd.DataFrame:
        """The rows of one `quota` result, in rank order as written."""
        rows = self._query(
            f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM summary_rows WHERE summary_id = ? ORDER BY seq", (summary_id,)
        )
        return _frame(rows, SUMMARY_COLUMNS, ints=("rank",))

    # -- reading runs ------------------------------------------------------------------

    def runs(self, period: str | None = None, scheme_id: str | None = None) -> list[RunInfo]:
        """Recorded runs, oldest first (newest last), optionally of one period and scheme."""
        where, params = [], []
        if period is not None:
            where.append("period = ?")
            params.append(period)
        if scheme_id is not None:
            where.append("scheme_id = ?")
            params.append(scheme_id)
        sql = _RUN_SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
        return [_run_info(r) for r in self._query(sql, tuple(params))]

    def run(self, run_id: int) -> RunInfo:
        """One run by id; `NotFound` if there is none."""
        rows = self._query(_RUN_SELECT + " WHERE id = ?", (run_id,))
        if not rows:
            raise NotFound(f"档案中没有编号为 {run_id} 的评分记录", "请用 kaohe history 查看已有的记录")
        return _run_info(rows[0])

    def _period_runs(self, period: str, scheme_id: str | None, limit: int) -> list[RunInfo]:
        if scheme_id is None:
            found = self._query(
                "SELECT scheme_id, MAX(scheme_name) FROM runs WHERE period = ? GROUP BY scheme_id ORDER BY scheme_id",
                (period,),
            )
            schemes = [r[0] for r in found]
            if len(schemes) > 1:
                listing = "、".join(f"{sid}（{name}）" for sid, name in found)
                raise SeveralSchemes(
                    f"档案中 {period} 有{len(schemes)}个考核方案的评分记录：{listing}",
                    f"请加 --scheme 指定其一，例如 --scheme {schemes[0]}",
                )
            if not schemes:
                return []
            scheme_id = schemes[0]
        rows = self._query(
            _RUN_SELECT + " WHERE period = ? AND scheme_id = ? ORDER BY id DESC LIMIT ?",
            (period, scheme_id, limit),
        )
        return [_run_info(r) for r in reversed(rows)]

    def latest_run(self, period: str, scheme_id: str | None = None) -> RunInfo | None:
        """The newest run of a period, or None. Several schemes and no `scheme_id` → ArchiveError."""
        found = self._period_runs(period, scheme_id, 1)
        return found[-1] if found else None

    def last_two_runs(self, period: str, scheme_id: str | None = None) -> tuple[RunInfo, RunInfo] | None:
        """(older, newer): the last two runs of a period, or None if there are fewer than two."""
        found = self._period_runs(period, scheme_id, 2)
        return (found[0], found[1]) if len(found) == 2 else None

    def periods(self, scheme_id: str | None = None) -> list[str]:
        """The periods that have at least one run, sorted as text ("2023-01" … "2023Q1")."""
        if scheme_id is None:
            rows = self._query("SELECT DISTINCT period FROM runs ORDER BY period")
        else:
            rows = self._query(
                "SELECT DISTINCT period FROM runs WHERE scheme_id = ? ORDER BY period", (scheme_id,)
            )
        return [r[0] for r in rows]

    # -- reading one run ---------------------------------------------------------------

    def _require_run(self, run_id: int) -> None:
        if not self._query("SELECT 1 FROM runs WHERE id = ?", (run_id,)):
            raise NotFound(f"档案中没有编号为 {run_id} 的评分记录", "请用 kaohe history 查看已有的记录")

    def scores(self, run_id: int) -> pd.DataFrame:
        """The scores of a run in their original order; components/extra are dicts, totals text."""
        self._require_run(run_id)
        rows = self._query(
            f"SELECT {', '.join(SCORE_COLUMNS)} FROM scores WHERE run_id = ? ORDER BY seq", (run_id,)
        )
        frame = _frame(rows, SCORE_COLUMNS, ints=("rank",), json_cols=tuple(_SCORE_JSON))
        return frame

    def ledger(self, run_id: int, subject: str | None = None) -> pd.DataFrame:
        """The ledger of a run in its original order, optionally of one subject."""
        self._require_run(run_id)
        sql = f"SELECT {', '.join(LEDGER_COLUMNS)} FROM ledger WHERE run_id = ?"
        params: tuple = (run_id,)
        if subject is not None:
            sql += " AND subject = ?"
            params = (run_id, subject)
        rows = self._query(sql + " ORDER BY seq", params)
        return _frame(rows, LEDGER_COLUMNS, ints=("event",), bools=("annual", "counted"))

    def period_scores(self, run_ids: list[int]) -> pd.DataFrame:
        """The totals and grades of several runs, for `quota` and `history`, in run and row order.

        Columns: run_id, subject, total, grade, bonus, deduction. A lean query: names and the
        `extra` JSON of twelve months of 10,000 staff would triple its time; see `latest_details`.
        """
        cols = ("run_id", "subject", "total", "grade", "bonus", "deduction")
        if not run_ids:
            return pd.DataFrame(columns=cols)
        sql = (f"SELECT {', '.join(cols)} FROM scores WHERE run_id IN ({', '.join('?' * len(run_ids))}) "
               "ORDER BY run_id, seq")
        return pd.DataFrame(self._query(sql, tuple(run_ids)), columns=list(cols))

    def latest_details(self, run_ids: list[int]) -> pd.DataFrame:
        """Each subject's row in the last of `run_ids` (by id) that has them: name, dept,
        category, leader and `extra` (raw JSON text). Index subject, ordered by that run and
        row — the order of `period_scores(...).drop_duplicates("subject", keep="last")`."""
        cols = ("subject", "name", "dept", "category", "leader", "extra")
        if not run_ids:
            return pd.DataFrame(columns=cols).set_index("subject")
        runs_q = ", ".join("?" * len(run_ids))
        sql = (f"SELECT {', '.join('s.' + c for c in cols)} FROM scores s "
               f"JOIN (SELECT subject, max(run_id) AS rid FROM scores WHERE run_id IN ({runs_q}) GROUP BY subject) l "
               "ON s.run_id = l.rid AND s.subject = l.subject ORDER BY s.run_id, s.seq")
        return pd.DataFrame(self._query(sql, tuple(run_ids)), columns=list(cols)).set_index("subject")

    def acted_rules(self, run_ids: list[int]) -> dict[str, set[str]]:
        """Subject → names of the rules that acted on them in any of `run_ids` (from `extra`)."""
        if not run_ids:
            return {}
        runs_q = ", ".join("?" * len(run_ids))
        # Only rows whose rule list is not empty are fetched and parsed.
        sql = (f"SELECT subject, extra FROM scores WHERE run_id IN ({runs_q}) "
               """AND (instr(extra, '"rules":["') > 0 OR instr(extra, '"rules": ["') > 0) ORDER BY run_id, seq""")
        out: dict[str, set[str]] = {}
        for subject, extra in self._query(sql, tuple(run_ids)):
            out.setdefault(subject, set()).update(json.loads(extra).get("rules") or [])
        return out

    def ledger_lines(self, run_ids: list[int], items: Iterable[str] = ()) -> pd.DataFrame:
        """The annual lines and the lines of `items` of several runs — what `quota` needs.

        A targeted query: the whole ledger of twelve large months would be far too slow.
        Columns: run_id, subject, item, level, kind, component, quantity, points, evidence,
        annual, counted.
        """
        cols = ("run_id", "subject", "item", "level", "kind", "component", "quantity", "points",
                "evidence", "annual", "counted")
        if not run_ids:
            return pd.DataFrame(columns=cols)
        items = list(items)
        runs_q = ", ".join("?" * len(run_ids))
        cond = "annual = 1"
        if items:
            cond += f" OR item IN ({', '.join('?' * len(items))})"
        sql = f"SELECT {', '.join(cols)} FROM ledger WHERE run_id IN ({runs_q}) AND ({cond}) ORDER BY run_id, seq"
        rows = self._query(sql, tuple(run_ids) + tuple(items))
        frame = pd.DataFrame(rows, columns=list(cols))
        frame["annual"] = frame["annual"].astype(bool)
        frame["counted"] = frame["counted"].astype(bool)
        return frame

    def issues(self, run_id: int) -> list[dict]:
        """The issues of a run, in their original order, as dicts."""
        self._require_run(run_id)
        rows = self._query(
            f"SELECT {', '.join(ISSUE_FIELDS)} FROM issues WHERE run_id = ? ORDER BY seq", (run_id,)
        )
        return [dict(zip(ISSUE_FIELDS, r)) for r in rows]

    # -- across runs -------------------------------------------------------------------

    def subject_history(self, who: str) -> pd.DataFrame:
        """Every period's result of one person or unit, matched by subject (工号/单位) or name.

        Only the latest run of each (period, scheme) counts. Columns: period, scheme_id,
        scheme_name, subject, name, dept, total, grade, rank, run_id; sorted by period.
        A name shared by two people gives a row for each. No match → `NotFound`.
        """
        rows = self._query(
            """
            SELECT r.period, r.scheme_id, r.scheme_name, s.subject, s.name, s.dept,
                   s.total, s.grade, s.rank, r.id
            FROM runs r
            JOIN (SELECT period, scheme_id, max(id) AS id FROM runs GROUP BY period, scheme_id) l
              ON l.id = r.id
            JOIN scores s ON s.run_id = r.id
            WHERE s.subject = ? OR s.name = ?
            ORDER BY r.period, r.scheme_id, s.seq
            """,
            (who, who),
        )
        if not rows:
            raise NotFound(f"档案中没有“{who}”的考核结果", "请检查工号、姓名或单位名称，或用 kaohe history 查看全部记录")
        columns = ("period", "scheme_id", "scheme_name", "subject", "name", "dept", "total", "grade", "rank", "run_id")
        return _frame(rows, columns, ints=("rank", "run_id"))

    def decisions(self, scheme_id: str, period: str) -> dict[str, dict]:
        """The standing committee decision per subject: {subject: {grade, note, decided_at, id, displace}}.

        The latest row per subject counts; a revoked decision (grade '') is left out.
        """
        latest = {d["subject"]: d for d in self.decision_log(scheme_id, period)}
        return {s: {k: v for k, v in d.items() if k != "subject"} for s, d in latest.items() if d["grade"]}

    def decision_log(self, scheme_id: str, period: str) -> list[dict]:
        """Every decision and revocation of a period, oldest first."""
        rows = self._query(
            "SELECT subject, grade, note, decided_at, id, displace FROM decisions "
            "WHERE scheme_id = ? AND period = ? ORDER BY id",
            (scheme_id, period),
        )
        return [{"subject": s, "grade": g, "note": n, "decided_at": at, "id": i, "displace": bool(dp)}
                for s, g, n, at, i, dp in rows]
