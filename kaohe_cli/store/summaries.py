"""Results of `kaohe quota` in the archive: a year's or quarter's summed grades, kept for its 公示 and letters.

Each result is one row of `summaries` (which period runs it summed, with which quotas) and its
ranked rows in `summary_rows`; a newer result of the same period is added, never replaces one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import count, repeat
from typing import Any

import pandas as pd

from kaohe_cli.store.cells import as_int, as_texts, dumps, read_frame
from kaohe_cli.store.schema import SUMMARY_COLUMNS, Query, Work

__all__ = ["SummaryInfo", "insert_summary", "read_latest_summary", "read_summaries", "read_summary_rows"]


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


_SUMMARY_SELECT = (
    "SELECT id, period, scheme_id, scheme_name, scheme_hash, subject_kind, run_ids, tool_version, "
    "options, created_at FROM summaries"
)


def _summary_info(row: tuple) -> SummaryInfo:
    return SummaryInfo(
        id=row[0], period=row[1], scheme_id=row[2], scheme_name=row[3], scheme_hash=row[4], subject_kind=row[5],
        run_ids=json.loads(row[6]), tool_version=row[7], options=json.loads(row[8]), created_at=row[9],
    )


def insert_summary(meta: Mapping[str, Any], rows: pd.DataFrame, created_at: str) -> Work:
    """Convert one `quota` result now; the returned work inserts it and returns its id.

    `meta`: period, scheme_id, scheme_name, scheme_hash, subject_kind, run_ids, tool_version,
    options. `rows`: the columns of `summary_rows` (without summary_id and seq), in order.
    """
    head = (
        str(meta["period"]), str(meta["scheme_id"]), str(meta["scheme_name"]), str(meta["scheme_hash"]),
        str(meta["subject_kind"]), dumps(list(meta.get("run_ids") or []), "run_ids"),
        str(meta.get("tool_version") or ""), dumps(dict(meta.get("options") or {}), "options"), created_at,
    )
    cols = list(SUMMARY_COLUMNS)
    values = [[as_int(v, "名次") for v in rows[c]] if c == "rank" else as_texts(rows[c]) for c in cols]

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

    return work


def read_latest_summary(query: Query, period: str, scheme_id: str | None = None) -> SummaryInfo | None:
    """The newest `quota` result of a year or quarter, or None."""
    sql = _SUMMARY_SELECT + " WHERE period = ?" + (" AND scheme_id = ?" if scheme_id else "") + " ORDER BY id DESC LIMIT 1"
    rows = query(sql, (period, scheme_id) if scheme_id else (period,))
    return _summary_info(rows[0]) if rows else None


def read_summaries(query: Query, period: str) -> list[SummaryInfo]:
    """Every `quota` result of a year or quarter, oldest first."""
    return [_summary_info(r) for r in query(_SUMMARY_SELECT + " WHERE period = ? ORDER BY id", (period,))]


def read_summary_rows(query: Query, summary_id: int) -> pd.DataFrame:
    """The rows of one `quota` result, in rank order as written."""
    rows = query(f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM summary_rows WHERE summary_id = ? ORDER BY seq", (summary_id,))
    return read_frame(rows, SUMMARY_COLUMNS, ints=("rank",))
