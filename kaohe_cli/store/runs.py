"""Runs of `kaohe score` in the archive: recording one (scores, ledger, issues), withdrawing it, reading it back.

Recording converts every cell before the transaction (so the write lock is held briefly) and
gives `store.archive` one function to run inside `BEGIN IMMEDIATE`: a crash or a killed process
never leaves half a run. Reading gives `RunInfo` values and frames in the order written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import count, repeat
from typing import Any

import pandas as pd

from kaohe_cli.errors import ArchiveError, NotFound, SeveralSchemes
from kaohe_cli.store.cells import (
    as_flag, as_int, as_text, as_texts, check_columns, column, dumps, is_missing, issue_row, json_cells, read_frame,
)
from kaohe_cli.store.schema import (
    ISSUE_FIELDS, LEDGER_COLUMNS, META_OPTIONAL, META_REQUIRED, SCORE_COLUMNS, SCORE_DECIMALS, SCORE_JSON,
    SUBJECT_KINDS, Query, Work,
)
__all__ = [
    "RUN_SELECT", "RunInfo", "delete_run", "insert_run", "read_issues", "read_last_runs", "read_ledger", "read_periods",
    "read_run", "read_runs", "read_scores", "require_run", "run_info",
]


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


RUN_SELECT = (
    "SELECT id, period, scheme_id, scheme_name, scheme_hash, subject_kind, input_files, "
    "tool_version, options, created_at, note FROM runs"
)


def run_info(row: tuple) -> RunInfo:
    """A row of `RUN_SELECT` as a `RunInfo`."""
    return RunInfo(
        id=row[0], period=row[1], scheme_id=row[2], scheme_name=row[3], scheme_hash=row[4],
        subject_kind=row[5], input_files=json.loads(row[6]), tool_version=row[7],
        options=json.loads(row[8]), created_at=row[9], note=row[10],
    )


# --- recording -------------------------------------------------------------------------------


def _program_error(message: str) -> ArchiveError:
    return ArchiveError(message, "这是程序错误，请反馈")


def _meta_row(meta: Mapping[str, Any], created_at: str) -> tuple:
    """The `runs` row of a run's description, checked: every field known, each of its type."""
    missing = [k for k in META_REQUIRED if k not in meta]
    unknown = [str(k) for k in meta if k not in META_REQUIRED and k not in META_OPTIONAL]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"缺少 {', '.join(missing)}")
        if unknown:
            parts.append(f"未知的 {', '.join(unknown)}")
        raise _program_error(f"无法写入档案：运行信息{'，'.join(parts)}")
    if meta["subject_kind"] not in SUBJECT_KINDS:
        raise _program_error(f"无法写入档案：考核对象类型应为 person 或 unit，而不是 {meta['subject_kind']!r}")
    files = []
    for entry in meta["input_files"] or []:
        if not isinstance(entry, Mapping) or "name" not in entry or "sha256" not in entry:
            raise _program_error(f"无法写入档案：输入文件信息应含 name 和 sha256：{entry!r}")
        files.append({"name": str(entry["name"]), "sha256": str(entry["sha256"])})
    options = meta.get("options") or {}
    if not isinstance(options, Mapping):
        raise _program_error("无法写入档案：运行选项 options 应为字典")
    for key in ("period", "scheme_id", "scheme_name", "scheme_hash", "tool_version"):
        if not isinstance(meta[key], str):
            raise _program_error(f"无法写入档案：运行信息 {key} 应为文本，而不是 {meta[key]!r}")
    return (
        meta["period"], meta["scheme_id"], meta["scheme_name"], meta["scheme_hash"],
        meta["subject_kind"], dumps(files, "input_files"), meta["tool_version"],
        dumps(dict(options), "options"), created_at, as_text(meta.get("note")) or "",
    )


def _score_cells(scores: pd.DataFrame) -> list[list[Any]]:
    """The stored values of each of `SCORE_COLUMNS`, column by column."""
    out: list[list[Any]] = []
    for name in SCORE_COLUMNS:
        values = column(scores, name)
        if name in SCORE_JSON:
            out.append(json_cells(values, f"成绩表的 {name} 列"))
        elif name == "rank":
            out.append([as_int(v, f"成绩表第 {i + 1} 行的名次") for i, v in enumerate(values)])
        else:
            out.append(as_texts(values))
    return out


def _ledger_cells(ledger: pd.DataFrame) -> list[list[Any]]:
    """The stored values of each of `LEDGER_COLUMNS`, column by column."""
    out: list[list[Any]] = []
    n_lines = len(ledger)
    for name in LEDGER_COLUMNS:
        present = name in ledger.columns
        if name in ("annual", "counted"):
            missing_as = 0 if name == "annual" else 1
            if not present:
                out.append([missing_as] * n_lines)
            elif ledger[name].dtype == bool:
                # The engine's own flags: no per-value checks. `record_run` of the bench's
                # 10,000-staff month: ~1.04 s with this path, ~1.10-1.45 s without.
                out.append(ledger[name].to_numpy(dtype=int).tolist())
            else:
                out.append([missing_as if is_missing(v) else as_flag(v) for v in ledger[name].tolist()])
        elif name == "money":
            out.append([0] * n_lines if not present
                       else [as_int(v, f"明细账第 {i + 1} 行的 money") or 0 for i, v in enumerate(ledger[name].tolist())])
        elif name == "event":
            if not present:
                out.append([None] * n_lines)
            else:
                values = ledger[name].tolist()
                out.append([as_int(v, f"明细账第 {i + 1} 行的 event") for i, v in enumerate(values)])
        else:
            out.append(as_texts(column(ledger, name)))
    return out


def _insert_sql(table: str, key: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({key}, seq, {', '.join(columns)}) VALUES ({', '.join('?' * (len(columns) + 2))})"


def insert_run(
    meta: Mapping[str, Any], scores: pd.DataFrame, ledger: pd.DataFrame, issues: Iterable[Any], created_at: str
) -> Work:
    """Check and convert one run now; the returned work inserts it and returns its id.

    `meta`: period, scheme_id, scheme_name, scheme_hash, subject_kind ('person'/'unit'),
    input_files ([{name, sha256}]), tool_version, options (dict, optional), note (optional).
    `scores` and `ledger` keep their row order. `issues` are `Issue` values or dicts with
    level, file, sheet, cell, message, hint.
    """
    run_row = _meta_row(meta, created_at)
    check_columns(scores, SCORE_COLUMNS, SCORE_DECIMALS, "成绩表")
    check_columns(ledger, LEDGER_COLUMNS, {"points"}, "明细账")
    score_cols = _score_cells(scores)
    ledger_cols = _ledger_cells(ledger)
    issue_rows = [issue_row(i) for i in issues]

    def work(conn: sqlite3.Connection) -> int:
        cur = conn.execute(
            "INSERT INTO runs (period, scheme_id, scheme_name, scheme_hash, subject_kind, "
            "input_files, tool_version, options, created_at, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            run_row,
        )
        run_id = cur.lastrowid
        conn.executemany(_insert_sql("scores", "run_id", SCORE_COLUMNS), zip(repeat(run_id), count(), *score_cols))
        conn.executemany(_insert_sql("ledger", "run_id", LEDGER_COLUMNS), zip(repeat(run_id), count(), *ledger_cols))
        conn.executemany(
            _insert_sql("issues", "run_id", ISSUE_FIELDS),
            ((run_id, seq, *row) for seq, row in enumerate(issue_rows)),
        )
        return run_id

    return work


def delete_run(run_id: int) -> Work:
    """The work that removes a run (its scores, ledger and issues go with it)."""
    return lambda conn: conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))


# --- reading ---------------------------------------------------------------------------------


def _no_run(run_id: int) -> NotFound:
    return NotFound(f"档案中没有编号为 {run_id} 的评分记录", "请用 kaohe history 查看已有的记录")


def read_runs(query: Query, period: str | None = None, scheme_id: str | None = None) -> list[RunInfo]:
    """Recorded runs, oldest first (newest last), optionally of one period and scheme."""
    where, params = [], []
    if period is not None:
        where.append("period = ?")
        params.append(period)
    if scheme_id is not None:
        where.append("scheme_id = ?")
        params.append(scheme_id)
    sql = RUN_SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
    return [run_info(r) for r in query(sql, tuple(params))]


def read_run(query: Query, run_id: int) -> RunInfo:
    """One run by id; `NotFound` if there is none."""
    rows = query(RUN_SELECT + " WHERE id = ?", (run_id,))
    if not rows:
        raise _no_run(run_id)
    return run_info(rows[0])


def require_run(query: Query, run_id: int) -> None:
    """`NotFound` unless the run exists."""
    if not query("SELECT 1 FROM runs WHERE id = ?", (run_id,)):
        raise _no_run(run_id)


def _only_scheme(query: Query, period: str) -> str | None:
    """The one scheme with runs in `period`, None if none; several → `SeveralSchemes`."""
    found = query(
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
    return schemes[0] if schemes else None


def read_last_runs(query: Query, period: str, scheme_id: str | None, limit: int) -> list[RunInfo]:
    """The last `limit` runs of a period, oldest first. Without `scheme_id` the period's one
    scheme is taken; several schemes → `SeveralSchemes`."""
    if scheme_id is None:
        scheme_id = _only_scheme(query, period)
        if scheme_id is None:
            return []
    rows = query(
        RUN_SELECT + " WHERE period = ? AND scheme_id = ? ORDER BY id DESC LIMIT ?",
        (period, scheme_id, limit),
    )
    return [run_info(r) for r in reversed(rows)]


def read_periods(query: Query, scheme_id: str | None = None) -> list[str]:
    """The periods that have at least one run, sorted as text ("2023-01" … "2023Q1")."""
    if scheme_id is None:
        rows = query("SELECT DISTINCT period FROM runs ORDER BY period")
    else:
        rows = query("SELECT DISTINCT period FROM runs WHERE scheme_id = ? ORDER BY period", (scheme_id,))
    return [r[0] for r in rows]


def read_scores(query: Query, run_id: int) -> pd.DataFrame:
    """The scores of a run in their original order; components/extra are dicts, totals text."""
    require_run(query, run_id)
    rows = query(f"SELECT {', '.join(SCORE_COLUMNS)} FROM scores WHERE run_id = ? ORDER BY seq", (run_id,))
    return read_frame(rows, SCORE_COLUMNS, ints=("rank",), json_cols=SCORE_JSON)


def read_ledger(query: Query, run_id: int, subject: str | None = None) -> pd.DataFrame:
    """The ledger of a run in its original order, optionally of one subject."""
    require_run(query, run_id)
    sql = f"SELECT {', '.join(LEDGER_COLUMNS)} FROM ledger WHERE run_id = ?"
    params: tuple = (run_id,)
    if subject is not None:
        sql += " AND subject = ?"
        params = (run_id, subject)
    rows = query(sql + " ORDER BY seq", params)
    return read_frame(rows, LEDGER_COLUMNS, ints=("event", "money"), bools=("annual", "counted"))


def read_issues(query: Query, run_id: int) -> list[dict]:
    """The issues of a run, in their original order, as dicts."""
    require_run(query, run_id)
    rows = query(f"SELECT {', '.join(ISSUE_FIELDS)} FROM issues WHERE run_id = ? ORDER BY seq", (run_id,))
    return [dict(zip(ISSUE_FIELDS, r)) for r in rows]
