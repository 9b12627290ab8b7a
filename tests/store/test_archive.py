"""The SQLite archive: round trips are exact, runs are atomic, old and new archives are handled."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe_cli.store import archive as archive_mod
from kaohe_cli.errors import SeveralSchemes
from kaohe_cli.store.archive import APPLICATION_ID, SCHEMA_VERSION, RunInfo, open_archive
from kaohe_cli.errors import ArchiveError, ArchiveTooNew, NotFound
from kaohe_cli.issues import error, warning


# --------------------------------------------------------------------------------------
# Small builders (module level, so spawned processes can use them)
# --------------------------------------------------------------------------------------


def make_meta(**changes) -> dict:
    meta = {
        "period": "2023-03",
        "scheme_id": "caizheng",
        "scheme_name": "财政局量化考核",
        "scheme_hash": "sha256:abc",
        "subject_kind": "person",
        "input_files": [{"name": "3月.xlsx", "sha256": "0" * 64}],
        "tool_version": "0.1.0",
        "options": {"quota": {"优秀": "15%"}},
    }
    meta.update(changes)
    return meta


def make_scores(totals: dict[str, str] | None = None) -> pd.DataFrame:
    totals = totals or {"A002": "95.50", "A001": "88.00"}
    rows = []
    for i, (subject, total) in enumerate(totals.items()):
        rows.append({
            "subject": subject, "name": f"人员{subject}", "dept": "办公室", "category": "公务员",
            "leader": "王局", "rank": i + 1, "total": total, "grade": "优秀" if i == 0 else "称职",
            "remarks": "", "bonus": "1.00", "deduction": "-0.50",
            "components": {"工作实绩": "60.00", "考勤": "18.50"}, "extra": {},
        })
    return pd.DataFrame(rows)


def make_ledger(n: int, subjects: tuple[str, ...] = ("A002", "A001")) -> pd.DataFrame:
    return pd.DataFrame({
        "subject": [subjects[i % len(subjects)] for i in range(n)],
        "item": ["迟到"] * n,
        "level": [""] * n,
        "component": ["考勤"] * n,
        "kind": ["deduction"] * n,
        "category": ["考勤"] * n,
        "quantity": ["1"] * n,
        "points": [f"-{i % 7}.{i % 100:02d}" for i in range(n)],
        "rule": ["迟到 每次扣1分"] * n,
        "evidence": ["财办〔2023〕12号"] * n,
        "reason": [f"第{i}条" for i in range(n)],
        "date": ["2023-03-05"] * n,
        "source": [f"考勤!C{i + 2}" for i in range(n)],
        "file": ["3月.xlsx"] * n,
        "annual": [i % 2 == 0 for i in range(n)],
        "note": [""] * n,
    })


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _count(path: Path, sql: str) -> int:
    conn = _raw(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kaohe.db"


# --------------------------------------------------------------------------------------
# Round trip
# --------------------------------------------------------------------------------------


def test_round_trip_is_exact_and_keeps_order(db: Path, monkeypatch):
    monkeypatch.setattr(archive_mod, "_now", lambda: "2023-04-03T09:30:00+08:00")
    scores = pd.DataFrame([
        {"subject": "A010", "name": "张三", "dept": "办公室", "category": "公务员", "leader": "李局",
         "rank": 1, "total": "95.50", "grade": "优秀", "remarks": "", "bonus": Decimal("2.00"),
         "deduction": "-0.50", "components": {"工作实绩": Decimal("60.00"), "考勤": "18.50", "测评": "17.00"},
         "extra": {"平均分": "90.10"}},
        {"subject": "A002", "name": "李四", "dept": "财务科", "category": "事业", "leader": None,
         "rank": None, "total": Decimal("100"), "grade": "称职", "remarks": "新入职", "bonus": "0",
         "deduction": "0.00", "components": {"考勤": "20"}, "extra": {"资格": ["年中调入"]}},
    ])
    ledger = pd.DataFrame({
        "subject": ["A010", "A002", "A010"], "item": ["通报表扬", "迟到", "旷工"],
        "level": ["市级", "", ""], "component": ["", "考勤", "考勤"],
        "kind": ["bonus", "deduction", "deduction"], "category": ["表彰", "考勤", "考勤"],
        "quantity": [Decimal("1"), "2", "0.5"], "points": ["2.00", Decimal("-2.000"), "-1.50"],
        "rule": ["市级通报表扬 每次加2分", "迟到 每次扣1分", "旷工 每天扣3分"],
        "evidence": ["市府办〔2023〕7号", "", ""], "reason": ["抗洪", "", ""],
        "date": [dt.date(2023, 3, 5), "2023-03-06", None],
        "source": ["奖惩!C2", "考勤!D3", "考勤!E3"], "file": ["3月.xlsx"] * 3,
        "annual": [True, False, False], "note": ["", "", "半天"],
    })
    issues = [warning("迟到次数为空", "按0次计", file="3月.xlsx", sheet="考勤", cell="C7", code="empty"),
              {"level": "提示", "message": "已忽略合计行"}]
    meta = make_meta(note="更正后重算")

    with open_archive(db) as arch:
        run_id = arch.record_run(meta, scores, ledger, issues)
        run = arch.runs()[0]
        got_scores = arch.scores(run_id)
        got_ledger = arch.ledger(run_id)
        got_one = arch.ledger(run_id, subject="A010")
        got_issues = arch.issues(run_id)

    assert run == RunInfo(
        id=run_id, period="2023-03", scheme_id="caizheng", scheme_name="财政局量化考核",
        scheme_hash="sha256:abc", subject_kind="person",
        input_files=[{"name": "3月.xlsx", "sha256": "0" * 64}], tool_version="0.1.0",
        options={"quota": {"优秀": "15%"}}, created_at="2023-04-03T09:30:00+08:00", note="更正后重算",
    )
    assert list(got_scores.columns) == list(archive_mod.SCORE_COLUMNS)
    assert got_scores["subject"].tolist() == ["A010", "A002"]  # order as given, not sorted
    assert got_scores["total"].tolist() == ["95.50", "100"]
    assert got_scores["bonus"].tolist() == ["2.00", "0"]
    assert got_scores["deduction"].tolist() == ["-0.50", "0.00"]
    assert got_scores["rank"].tolist() == [1, pd.NA]
    assert pd.isna(got_scores.loc[1, "leader"])
    assert got_scores.loc[0, "components"] == {"工作实绩": "60.00", "考勤": "18.50", "测评": "17.00"}
    assert list(got_scores.loc[0, "components"]) == ["工作实绩", "考勤", "测评"]  # component order kept
    assert got_scores.loc[1, "extra"] == {"资格": ["年中调入"]}

    assert list(got_ledger.columns) == list(archive_mod.LEDGER_COLUMNS)
    assert got_ledger["item"].tolist() == ["通报表扬", "迟到", "旷工"]
    assert got_ledger["quantity"].tolist() == ["1", "2", "0.5"]
    assert got_ledger["points"].tolist() == ["2.00", "-2.000", "-1.50"]
    assert got_ledger["date"].tolist()[:2] == ["2023-03-05", "2023-03-06"]
    assert pd.isna(got_ledger.loc[2, "date"])
    assert got_ledger["annual"].tolist() == [True, False, False]
    assert got_one["item"].tolist() == ["通报表扬", "旷工"]

    assert got_issues == [
        {"level": "警告", "file": "3月.xlsx", "sheet": "考勤", "cell": "C7", "message": "迟到次数为空",
         "hint": "按0次计", "code": "empty"},
        {"level": "提示", "file": None, "sheet": None, "cell": None, "message": "已忽略合计行",
         "hint": None, "code": None},
    ]


def test_created_at_is_iso_with_timezone(db: Path):
    with open_archive(db) as arch:
        arch.record_run(make_meta(), make_scores(), make_ledger(2), [])
        created = dt.datetime.fromisoformat(arch.runs()[0].created_at)
    assert created.tzinfo is not None


def test_empty_run_reads_back_empty_frames(db: Path):
    with open_archive(db) as arch:
        run_id = arch.record_run(make_meta(), make_scores().iloc[0:0], make_ledger(0), [])
        assert arch.scores(run_id).empty
        assert list(arch.ledger(run_id).columns) == list(archive_mod.LEDGER_COLUMNS)
        assert arch.issues(run_id) == []


# --------------------------------------------------------------------------------------
# Runs, periods, history, decisions
# --------------------------------------------------------------------------------------


def test_two_runs_of_a_period_are_both_kept(db: Path):
    with open_archive(db) as arch:
        first = arch.record_run(make_meta(), make_scores({"A001": "90.00"}), make_ledger(3), [])
        arch.record_run(make_meta(period="2023-02"), make_scores(), make_ledger(1), [])
        second = arch.record_run(make_meta(note="更正"), make_scores({"A001": "91.00"}), make_ledger(4), [])

        older, newer = arch.last_two_runs("2023-03")
        assert (older.id, newer.id) == (first, second)
        assert arch.latest_run("2023-03").id == second
        assert [r.id for r in arch.runs(period="2023-03")] == [first, second]  # newest last
        assert arch.scores(first)["total"].tolist() == ["90.00"]
        assert arch.scores(second)["total"].tolist() == ["91.00"]
        assert len(arch.ledger(first)) == 3 and len(arch.ledger(second)) == 4
        assert arch.last_two_runs("2023-02") is None
        assert arch.latest_run("2023-01") is None
        assert arch.periods() == ["2023-02", "2023-03"]


def test_several_schemes_in_a_period_need_scheme(db: Path):
    with open_archive(db) as arch:
        arch.record_run(make_meta(), make_scores(), make_ledger(1), [])
        other = arch.record_run(
            make_meta(scheme_id="gonghui", subject_kind="unit"), make_scores(), make_ledger(1), []
        )
        with pytest.raises(SeveralSchemes) as caught:
            arch.latest_run("2023-03")
        assert caught.value.exit_code == 2
        assert "caizheng（财政局量化考核）" in caught.value.text() and "gonghui" in caught.value.text()
        assert "--scheme" in caught.value.hint
        with pytest.raises(SeveralSchemes):
            arch.last_two_runs("2023-03")
        assert arch.latest_run("2023-03", scheme_id="gonghui").id == other
        assert arch.periods(scheme_id="gonghui") == ["2023-03"]


def test_subject_history_uses_latest_run_of_each_period(db: Path):
    with open_archive(db) as arch:
        arch.record_run(make_meta(period="2023-01"), make_scores({"A001": "80.00"}), make_ledger(1), [])
        arch.record_run(make_meta(period="2023-02"), make_scores({"A001": "81.00"}), make_ledger(1), [])
        fixed = arch.record_run(make_meta(period="2023-02"), make_scores({"A001": "82.50"}), make_ledger(1), [])
        by_id = arch.subject_history("A001")
        by_name = arch.subject_history("人员A001")
        with pytest.raises(NotFound):
            arch.subject_history("无此人")

    assert by_id["period"].tolist() == ["2023-01", "2023-02"]
    assert by_id["total"].tolist() == ["80.00", "82.50"]
    assert by_id["run_id"].tolist()[1] == fixed
    assert by_name.equals(by_id)


def test_quota_queries_take_each_subjects_last_row_and_every_acted_rule(db: Path):
    """period_scores / latest_details / acted_rules agree with reading every row by hand."""
    def scores(rows: list[tuple[str, str, str, list[str]]]) -> pd.DataFrame:
        frame = make_scores({s: t for s, t, _, _ in rows})
        frame["name"] = [n for _, _, n, _ in rows]
        frame["extra"] = [{"exact": t, "rules": r} if r else {"exact": t} for _, t, _, r in rows]
        return frame

    with open_archive(db) as arch:
        r1 = arch.record_run(make_meta(period="2023-01"), scores([
            ("A001", "80.00", "张三", ["旷工"]), ("A002", "81.00", "李四", []), ("A003", "82.00", "王五", [])]), make_ledger(0), [])
        r2 = arch.record_run(make_meta(period="2023-02"), scores([
            ("A002", "83.00", "李四（调岗）", []), ("A001", "84.00", "张三", ["诫勉", "旷工"])]), make_ledger(0), [])
        r3 = arch.record_run(make_meta(period="2023-03"), scores([("A004", "85.00", "赵六", [])]), make_ledger(0), [])
        ids = [r1, r2, r3]
        lean = arch.period_scores(ids)
        latest = arch.latest_details(ids)
        acted = arch.acted_rules(ids)
        empty = (arch.period_scores([]), arch.latest_details([]), arch.acted_rules([]))

    assert list(lean.columns) == ["run_id", "subject", "total", "grade", "bonus", "deduction"]
    assert lean["subject"].tolist() == ["A001", "A002", "A003", "A002", "A001", "A004"]
    assert lean["total"].tolist() == ["80.00", "81.00", "82.00", "83.00", "84.00", "85.00"]
    # last rows, in the order drop_duplicates(keep="last") gives: A003 (run 1), A002, A001 (run 2), A004
    assert latest.index.tolist() == ["A003", "A002", "A001", "A004"]
    assert latest.index.tolist() == lean.drop_duplicates("subject", keep="last")["subject"].tolist()
    assert latest.loc["A002", "name"] == "李四（调岗）" and latest.loc["A003", "name"] == "王五"
    assert '"exact":"84.00"' in latest.loc["A001", "extra"]
    assert acted == {"A001": {"旷工", "诫勉"}}
    assert empty[0].empty and empty[1].empty and empty[2] == {}


def test_decisions_latest_per_subject(db: Path):
    with open_archive(db) as arch:
        arch.record_decision("caizheng", "2023", "A001", "优秀", "党组会议决定")
        arch.record_decision("caizheng", "2023", "A001", "称职", "复议")
        arch.record_decision("caizheng", "2023", "A002", "优秀")
        arch.record_decision("caizheng", "2022", "A003", "优秀")
        got = arch.decisions("caizheng", "2023")
    assert set(got) == {"A001", "A002"}
    assert got["A001"]["grade"] == "称职" and got["A001"]["note"] == "复议"
    assert got["A002"]["note"] == ""


def test_unknown_run_is_not_found(db: Path):
    with open_archive(db) as arch:
        for read in (arch.scores, arch.ledger, arch.issues, arch.run):
            with pytest.raises(NotFound):
                read(42)


# --------------------------------------------------------------------------------------
# Atomic writes and bad input
# --------------------------------------------------------------------------------------


def test_failed_run_leaves_nothing(db: Path):
    bad = make_ledger(10)
    bad.loc[7, "subject"] = None  # NOT NULL fails after the run and scores are inserted
    with open_archive(db) as arch:
        with pytest.raises(ArchiveError):
            arch.record_run(make_meta(), make_scores(), bad, [])
        assert arch.runs() == []
        arch.record_run(make_meta(), make_scores(), make_ledger(2), [])  # still writable
    assert _count(db, "SELECT count(*) FROM scores") == 2
    assert _count(db, "SELECT count(*) FROM ledger") == 2


@pytest.mark.parametrize(
    "change",
    [
        {"subject_kind": "people"},
        {"created_at": "2023-01-01"},
        {"input_files": [{"name": "a.xlsx"}]},
    ],
)
def test_bad_meta_is_refused(db: Path, change):
    with open_archive(db) as arch:
        with pytest.raises(ArchiveError):
            arch.record_run(make_meta(**change), make_scores(), make_ledger(1), [])
        assert arch.runs() == []


def test_engine_columns_counted_and_event_round_trip(db: Path):
    ledger = make_ledger(3).assign(counted=[True, False, None], event=[0, -1, None])
    with open_archive(db) as arch:
        run_id = arch.record_run(make_meta(), make_scores(), ledger, [])
        got = arch.ledger(run_id)
        default = arch.ledger(arch.record_run(make_meta(), make_scores(), make_ledger(2), []))
    assert got["counted"].tolist() == [True, False, True]  # missing counts, as in the engine
    assert got["event"].tolist() == [0, -1, pd.NA]
    assert default["counted"].tolist() == [True, True]


@pytest.mark.parametrize("points", [[1_500_000, -500_000], [1.5, -0.5]])
def test_numeric_points_are_refused(db: Path, points):
    """int64 points are engine micro-points and float is inexact: both must be converted first."""
    ledger = make_ledger(2).assign(points=points)
    with open_archive(db) as arch:
        with pytest.raises(ArchiveError, match="points"):
            arch.record_run(make_meta(), make_scores(), ledger, [])
        assert arch.runs() == []


def test_unknown_columns_are_refused(db: Path):
    with open_archive(db) as arch:
        with pytest.raises(ArchiveError, match="平均分"):
            arch.record_run(make_meta(), make_scores().assign(平均分="1"), make_ledger(1), [])


# --------------------------------------------------------------------------------------
# Opening: versions, migrations, foreign files, paths
# --------------------------------------------------------------------------------------


def test_new_archive_is_wal_and_versioned(db: Path):
    open_archive(db).close()
    conn = _raw(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        conn.close()
    assert not list(db.parent.glob("*.bak-v*"))  # nothing to back up in a new archive


def test_archive_from_newer_kaohe_is_refused(db: Path):
    with open_archive(db) as arch:
        arch.record_run(make_meta(), make_scores(), make_ledger(1), [])
    conn = _raw(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()

    with pytest.raises(ArchiveTooNew) as caught:
        open_archive(db)
    assert "升级" in caught.value.hint
    assert str(db) in caught.value.message
    assert _count(db, "PRAGMA user_version") == SCHEMA_VERSION + 1  # left untouched


def test_v0_archive_is_backed_up_and_migrated(db: Path):
    conn = _raw(db)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE legacy_runs (period TEXT, total TEXT)")
    conn.execute("INSERT INTO legacy_runs VALUES ('2022-12', '91.00')")
    conn.close()

    with open_archive(db) as arch:
        assert arch.schema_version == SCHEMA_VERSION
        arch.record_run(make_meta(), make_scores(), make_ledger(1), [])

    backup = db.with_name("kaohe.db.bak-v0")
    assert backup.exists()
    assert _count(backup, "PRAGMA user_version") == 0
    assert _count(backup, "SELECT count(*) FROM legacy_runs") == 1
    assert _count(backup, "SELECT count(*) FROM sqlite_master WHERE name = 'runs'") == 0
    assert _count(db, "SELECT count(*) FROM legacy_runs") == 1  # migration keeps old data


def _add_reviewer_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE runs ADD COLUMN reviewer TEXT NOT NULL DEFAULT ''")


def test_migration_framework_runs_new_steps_after_a_backup(db: Path, monkeypatch):
    with open_archive(db) as arch:
        run_id = arch.record_run(make_meta(), make_scores(), make_ledger(5), [])

    now = SCHEMA_VERSION
    monkeypatch.setattr(archive_mod, "SCHEMA_VERSION", now + 1)
    monkeypatch.setattr(archive_mod, "MIGRATIONS", [*archive_mod.MIGRATIONS, _add_reviewer_column])
    with open_archive(db) as arch:
        assert arch.schema_version == now + 1
        assert len(arch.ledger(run_id)) == 5
    with open_archive(db):  # already current: no second backup
        pass

    assert sorted(p.name for p in db.parent.glob("*.bak-v*")) == [f"kaohe.db.bak-v{now}"]
    backup = db.with_name(f"kaohe.db.bak-v{now}")
    assert _count(backup, "PRAGMA user_version") == now
    assert _count(backup, "SELECT count(*) FROM ledger") == 5
    assert _count(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'reviewer'") == 1


def test_failed_migration_changes_nothing(db: Path, monkeypatch):
    with open_archive(db) as arch:
        arch.record_run(make_meta(), make_scores(), make_ledger(5), [])

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE runs ADD COLUMN half_done TEXT")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(archive_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(archive_mod, "MIGRATIONS", [*archive_mod.MIGRATIONS, broken])
    with pytest.raises(RuntimeError):
        open_archive(db)
    assert _count(db, "PRAGMA user_version") == SCHEMA_VERSION
    assert _count(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'half_done'") == 0
    assert db.with_name(f"kaohe.db.bak-v{SCHEMA_VERSION}").exists()


def test_not_a_database_names_the_file(tmp_path: Path):
    path = tmp_path / "月报.xlsx"
    junk = b"PK\x03\x04" + b"not sqlite at all " * 200
    path.write_bytes(junk)
    with pytest.raises(ArchiveError) as caught:
        open_archive(path)
    assert "月报.xlsx" in caught.value.text()
    assert path.read_bytes() == junk


def test_foreign_sqlite_database_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = _raw(path)
    conn.execute("CREATE TABLE things (x)")
    conn.close()
    with pytest.raises(ArchiveError, match="不是 kaohe 档案"):
        open_archive(path)
    assert _count(path, "SELECT count(*) FROM sqlite_master") == 1


def test_path_checks(tmp_path: Path):
    with pytest.raises(ArchiveError, match="不存在"):
        open_archive(tmp_path / "no-such-dir" / "kaohe.db")
    with pytest.raises(ArchiveError, match="文件夹"):
        open_archive(tmp_path)
    with pytest.raises(NotFound):
        open_archive(tmp_path / "kaohe.db", create=False)
    assert not (tmp_path / "kaohe.db").exists()


def test_closed_archive_can_be_moved(db: Path):
    with open_archive(db) as arch:
        arch.record_run(make_meta(), make_scores(), make_ledger(10), [])
    moved = db.with_name("moved.db")
    assert not db.with_name("kaohe.db-wal").exists()  # checkpointed and removed on close
    assert not db.with_name("kaohe.db-shm").exists()
    os.replace(db, moved)  # fails on Windows if a handle is still open
    with open_archive(moved) as arch:
        assert len(arch.runs()) == 1
    moved.unlink()


def test_busy_archive_is_a_clear_error(db: Path, monkeypatch):
    open_archive(db).close()
    monkeypatch.setattr(archive_mod, "BUSY_TIMEOUT_S", 0.2)
    other = _raw(db)
    other.execute("BEGIN IMMEDIATE")  # another kaohe is writing
    try:
        with open_archive(db) as arch:
            with pytest.raises(ArchiveError, match="被占用"):
                arch.record_run(make_meta(), make_scores(), make_ledger(1), [])
            assert arch.runs() == []  # WAL: reading still works while another process writes
    finally:
        other.execute("ROLLBACK")
        other.close()
    with open_archive(db) as arch:
        arch.record_run(make_meta(), make_scores(), make_ledger(1), [])


# --------------------------------------------------------------------------------------
# Several processes
# --------------------------------------------------------------------------------------


def _record_in_child(path: str, period: str, start) -> None:
    start.wait(timeout=60)
    with open_archive(Path(path)) as arch:
        arch.record_run(make_meta(period=period), make_scores(), make_ledger(5000), [])


def test_two_processes_record_into_one_archive(db: Path):
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    workers = [
        ctx.Process(target=_record_in_child, args=(str(db), period, start))
        for period in ("2023-01", "2023-02")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    with open_archive(db) as arch:
        runs = arch.runs()
        assert sorted(r.period for r in runs) == ["2023-01", "2023-02"]
        assert [len(arch.ledger(r.id)) for r in runs] == [5000, 5000]


class _StallAfterLedger:
    """A connection wrapper that stops forever once the ledger rows are inserted."""

    def __init__(self, conn: sqlite3.Connection, inserted) -> None:
        self._conn = conn
        self._inserted = inserted

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def executemany(self, sql, rows):
        result = self._conn.executemany(sql, rows)
        if "INSERT INTO ledger" in sql:
            self._inserted.set()
            time.sleep(600)
        return result


def _record_then_stall(path: str, inserted) -> None:
    arch = open_archive(Path(path))
    arch._conn = _StallAfterLedger(arch._conn, inserted)
    arch.record_run(make_meta(period="2023-09"), make_scores(), make_ledger(5000), [])


def test_killed_writer_leaves_no_partial_run(db: Path):
    with open_archive(db) as arch:
        kept = arch.record_run(make_meta(), make_scores(), make_ledger(3), [])

    ctx = multiprocessing.get_context("spawn")
    inserted = ctx.Event()
    writer = ctx.Process(target=_record_then_stall, args=(str(db), inserted))
    writer.start()
    try:
        assert inserted.wait(timeout=60), "the writer never reached the ledger insert"
    finally:
        writer.kill()
        writer.join(timeout=30)

    with open_archive(db) as arch:
        assert [r.id for r in arch.runs()] == [kept]
        assert arch.periods() == ["2023-03"]
        arch.record_run(make_meta(period="2023-10"), make_scores(), make_ledger(3), [])  # lock is free
    assert _count(db, "SELECT count(*) FROM ledger") == 6
    assert _count(db, "SELECT count(*) FROM scores") == 4
    conn = _raw(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


# --------------------------------------------------------------------------------------
# Property: any text survives the round trip unchanged
# --------------------------------------------------------------------------------------

_tricky = st.sampled_from([
    '=HYPERLINK("http://example.com","点我")', "=1+1", "+86 123", "-1", "@SUM(A1:A9)",
    "'", '"', "\\", "''", '"引号"', "「张三」", "张三\n李四", " 前后空格 ", "", "NULL", "None",
    "nan", "95.50", "0.10", "−1", "１２３", "\t", "😀", "〔2023〕12号",
])
_han = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=8)
_text = st.one_of(_tricky, _han, st.text(max_size=20))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subject=_text, name=_text, remarks=_text, total=_text, component=_text, part=_text,
    rule=_text, evidence=_text, points=_text, message=_text, note=_text,
)
def test_text_round_trips_exactly(
    tmp_path: Path, subject, name, remarks, total, component, part, rule, evidence, points, message, note
):
    scores = pd.DataFrame([{
        "subject": subject, "name": name, "remarks": remarks, "total": total,
        "components": {component: part}, "extra": {"备注": note},
    }])
    ledger = pd.DataFrame([{"subject": subject, "rule": rule, "evidence": evidence, "points": points, "note": note}])
    with open_archive(tmp_path / "prop.db") as arch:
        run_id = arch.record_run(
            make_meta(scheme_name=name, note=note), scores, ledger, [error(message, note, cell="B2")]
        )
        got = arch.scores(run_id).iloc[0]
        row = arch.ledger(run_id).iloc[0]
        issue = arch.issues(run_id)[0]
        run = arch.runs()[-1]
    assert (got["subject"], got["name"], got["remarks"], got["total"]) == (subject, name, remarks, total)
    assert got["components"] == {component: part} and got["extra"] == {"备注": note}
    assert (row["subject"], row["rule"], row["evidence"], row["points"], row["note"]) == (
        subject, rule, evidence, points, note,
    )
    assert (issue["message"], issue["hint"], issue["level"]) == (message, note, "错误")
    assert (run.scheme_name, run.note) == (name, note)



def test_snapshot_reads_one_state_while_another_connection_records(db: Path):
    """quota reads the runs, scores, details and lines inside one snapshot."""
    with open_archive(db) as writer:
        first = writer.record_run(make_meta(period="2023-01"), make_scores(), make_ledger(2), [])
        with open_archive(db) as reader:
            with reader.snapshot():
                before = reader.period_scores([first])
                writer.record_run(make_meta(period="2023-02"), make_scores(), make_ledger(2), [])
                inside = reader._query("SELECT count(*) FROM runs")[0][0]
                assert reader.latest_run("2023-02", "caizheng") is None  # not seen inside the snapshot
            after = reader._query("SELECT count(*) FROM runs")[0][0]
    assert len(before) == 2 and inside == 1 and after == 2
