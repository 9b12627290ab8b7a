"""The ledger's money column (fen) in the archive: it round-trips, and a v2 archive (written
before lines had money) is migrated to v3 with its old lines at 0 fen, still readable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kaohe_cli.store import schema
from kaohe_cli.store.archive import SCHEMA_VERSION, open_archive
from tests.store.test_archive import make_ledger, make_meta, make_scores


def test_money_round_trips_and_defaults_to_zero(tmp_path: Path):
    """Lines with money −500 fen (−5.00 元) and 1000 fen keep them; a ledger without the
    column stores 0 on every line."""
    db = tmp_path / "kaohe.db"
    with open_archive(db) as arch:
        got = arch.ledger(arch.record_run(make_meta(), make_scores(), make_ledger(2).assign(money=[-500, 1000]), []))
        plain = arch.ledger(arch.record_run(make_meta(), make_scores(), make_ledger(2), []))
    assert got["money"].tolist() == [-500, 1000]
    assert plain["money"].tolist() == [0, 0]


def test_v2_archive_gets_the_money_column(tmp_path: Path):
    """An archive built by migrations 0→1→2 (kaohe before money) with one run of 1 line:
    after opening, user_version is 3 and that line reads back with money 0."""
    db = tmp_path / "kaohe.db"
    assert SCHEMA_VERSION == 3
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("BEGIN")
    for step in schema.MIGRATIONS[:2]:
        step(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO runs (period, scheme_id, scheme_name, scheme_hash, subject_kind, input_files,"
                 " tool_version, options, created_at) VALUES ('2023-03', 'x', 'x', 'h', 'person', '[]', '0', '{}',"
                 " '2023-04-01T00:00:00+00:00')")
    conn.execute("INSERT INTO ledger (run_id, seq, subject, points) VALUES (1, 0, 'A001', '-1')")
    conn.execute("COMMIT")
    conn.close()
    with open_archive(db) as arch:
        assert arch.schema_version == 3
        old = arch.ledger(1)
    assert old["money"].tolist() == [0]
    assert old["points"].tolist() == ["-1"]
    assert db.with_name("kaohe.db.bak-v2").exists()
