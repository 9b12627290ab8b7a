"""The archive's schema: its tables and columns, and the migrations that build and upgrade them.

`MIGRATIONS` is the one source of the schema: a new archive is built by running every step
from version 0, an older one by running the steps it lacks (`store.archive` does both, inside
one transaction, after a backup copy). The table modules (`runs`, `decisions`, `summaries`,
`queries`) reach the open archive through `Query` and `Work`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 3
"""The schema this version of kaohe writes (`PRAGMA user_version`)."""

APPLICATION_ID = 0x4B414F48  # "KAOH": `PRAGMA application_id` of every kaohe archive

Query = Callable[..., list[tuple]]
"""`Archive._query(sql, params=())`: the rows of one statement; SQLite errors become `ArchiveError`."""

Work = Callable[[sqlite3.Connection], Any]
"""What `Archive._write` runs inside one `BEGIN IMMEDIATE` transaction."""

SUBJECT_KINDS = ("person", "unit")

SCORE_COLUMNS = (
    "subject", "name", "dept", "category", "leader", "rank", "total", "grade", "remarks",
    "bonus", "deduction", "components", "extra",
)
SCORE_DECIMALS = frozenset({"total", "bonus", "deduction"})
"""Score columns of exact points: stored as text, a numeric column is refused."""
SCORE_JSON = ("components", "extra")
"""Score columns stored as JSON objects."""

LEDGER_COLUMNS = (
    "subject", "item", "level", "component", "kind", "category", "quantity", "points", "rule",
    "evidence", "reason", "date", "source", "file", "annual", "note", "counted", "event",
    "money",
)
"""The documented ledger columns, then two the engine keeps: `counted` (the line counts in
the period total; default True) and `event` (index of the input event; default missing), then `money` (the line's money in fen,
signed; default 0, and 0 on every line of an archive written before v3)."""

ISSUE_FIELDS = ("level", "file", "sheet", "cell", "message", "hint", "code")

META_REQUIRED = (
    "period", "scheme_id", "scheme_name", "scheme_hash", "subject_kind", "input_files",
    "tool_version",
)
META_OPTIONAL = ("options", "note")

SUMMARY_COLUMNS = (
    "subject", "name", "dept", "category", "rank", "total", "mean", "bonus", "deduction", "grade",
    "eligibility", "remarks",
)
"""The columns of `summary_rows` (a `quota` result), after summary_id and seq."""


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


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """v2 → v3: a ledger line keeps its money (元 of an item's or a rule's `money`) in fen."""
    conn.execute("ALTER TABLE ledger ADD COLUMN money INTEGER NOT NULL DEFAULT 0")


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [_migrate_0_to_1, _migrate_1_to_2, _migrate_2_to_3]
"""`MIGRATIONS[v]` upgrades an archive from version v to v+1, inside one transaction.

A new schema version appends one function here and raises `SCHEMA_VERSION`. A new archive
is built by running every migration from 0, so this list is the one source of the schema.
"""
