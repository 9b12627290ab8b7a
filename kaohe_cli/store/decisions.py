"""Committee decisions (集体研究决定) in the archive: recorded one row each, never changed.

The latest row per subject of a (scheme, period) is the standing decision; a row with grade ''
revokes it, and the earlier rows are kept so the log shows every decision and its revocation.
What a decision does to the grades is `app.decide`'s business, not the archive's.
"""

from __future__ import annotations

from collections.abc import Mapping

from kaohe_cli.store.schema import Query, Work

__all__ = ["insert_decisions", "read_decision_log", "read_standing_decisions"]


def insert_decisions(
    scheme_id: str, period: str, grades: Mapping[str, str], note: str, displace: bool, decided_at: str
) -> Work:
    """The work that records one decision per subject of `grades` (grade '' revokes)."""
    rows = [(scheme_id, period, subject, grade, note or "", decided_at, int(displace)) for subject, grade in grades.items()]
    return lambda conn: conn.executemany(
        "INSERT INTO decisions (scheme_id, period, subject, grade, note, decided_at, displace) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def read_decision_log(query: Query, scheme_id: str, period: str) -> list[dict]:
    """Every decision and revocation of a period, oldest first."""
    rows = query(
        "SELECT subject, grade, note, decided_at, id, displace FROM decisions "
        "WHERE scheme_id = ? AND period = ? ORDER BY id",
        (scheme_id, period),
    )
    return [{"subject": s, "grade": g, "note": n, "decided_at": at, "id": i, "displace": bool(dp)}
            for s, g, n, at, i, dp in rows]


def read_standing_decisions(query: Query, scheme_id: str, period: str) -> dict[str, dict]:
    """The standing decision per subject: {subject: {grade, note, decided_at, id, displace}}.

    The latest row per subject counts; a revoked decision (grade '') is left out.
    """
    latest = {d["subject"]: d for d in read_decision_log(query, scheme_id, period)}
    return {s: {k: v for k, v in d.items() if k != "subject"} for s, d in latest.items() if d["grade"]}
