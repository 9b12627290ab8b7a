"""Reliability of `kaohe score` as a real process: killed, interrupted, run twice at once.

- A writer killed (SIGKILL; TerminateProcess on Windows) at several points of writing leaves
  the earlier output byte for byte, or — when the kill comes after the rename — the complete
  new one; never a partial file. The archive stays consistent (integrity_check, and the run
  count is the old one or one more). A killed run can leave its temp file
  `.<stem>.<8 chars>.tmp.xlsx`; the next run writing the same output removes it.
- Two concurrent runs on one archive both finish and both runs are recorded.
- An existing output without --force is refused, naming --force; nothing is written.
- The input file is never written: its bytes and mtime do not change.
- Ctrl-C (SIGINT) stops with exit code 130 and 已中断, and leaves no partial output.
- Outputs get ordinary permissions (not mkstemp's 0600); write failures are Chinese messages.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import stat
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.write.fileout import remove_stale_temps
from tests.helpers import write_book

REPO = Path(__file__).resolve().parents[2]
SCHEME = ["--scheme", "zhujian", "--period", "2023-03"]
SHEETS = ["汇总", "明细", "科室", "问题", "说明"]
WAIT = 180.0  # seconds: an upper bound for any one subprocess on a slow, shared CI machine


# ---------------------------------------------------------------------------------------
# builders and helpers


def big_book(path: Path, people: int) -> Path:
    """A zhujian month large enough that writing the graded workbook takes a while."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("人员")
    for c, head in enumerate(["工号", "姓名", "科室", "分管领导"]):
        ws.write_string(0, c, head)
    for i in range(people):
        for c, v in enumerate([f"{i:05d}", f"人员{i}", f"科室{i % 40}", "王局"]):
            ws.write_string(i + 1, c, v)
    ws = wb.add_worksheet("考勤")
    for c, head in enumerate(["工号", "迟到", "早退", "旷工"]):
        ws.write_string(0, c, head)
    for i in range(people):
        ws.write_string(i + 1, 0, f"{i:05d}")
        ws.write_number(i + 1, 1, i % 3)
        ws.write_number(i + 1, 2, i % 2)
        ws.write_number(i + 1, 3, (i % 4) / 2)
    wb.close()
    return path


def small_book(path: Path) -> Path:
    return write_book(path, {
        "人员": [["工号", "姓名", "科室", "分管领导"], ["001", "张三", "办公室", "王局"], ["002", "李四", "办公室", "王局"]],
        "考勤": [["工号", "姓名", "迟到"], ["001", "张三", 2], ["002", "李四", 0]],
    })


def kaohe(cwd: Path, *args: str, hold: str = "", **popen) -> subprocess.Popen:
    """`python -m kaohe_cli ARGS` in `cwd`, as a separate process; `hold` names a point where
    it stops and says `KAOHE-HOLD <point>` on stderr (kaohe_cli.write.fileout.hold_for_tests)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
               PYTHONIOENCODING="utf-8", COLUMNS="200")
    if hold:
        env["KAOHE_TEST_HOLD"] = hold
    return subprocess.Popen([sys.executable, "-m", "kaohe_cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=WAIT)
    return proc.returncode, (out + err).decode("utf-8", "replace")


def temps(folder: Path, output: Path) -> list[Path]:
    """Temp files atomic_output makes for `output` (`.<stem>.<8 chars>.tmp<suffix>`)."""
    pattern = re.compile(rf"\.{re.escape(output.stem)}\.[a-z0-9_]{{8}}\.tmp{re.escape(output.suffix)}")
    return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))


def wait_for(condition, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the process ended before {what}: {finish(proc)}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


def run_count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        con.close()


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def complete_result(path: Path) -> bool:
    """A whole graded workbook: a valid zip whose every part reads, with all five sheets."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    return openpyxl.load_workbook(path, read_only=True).sheetnames == SHEETS


# ---------------------------------------------------------------------------------------
# a writer killed while it writes


def test_killed_writer_never_leaves_a_partial_output(tmp_path):
    book = big_book(tmp_path / "2023-03.xlsx", 2000)
    out, db = tmp_path / "结果.xlsx", tmp_path / "kaohe.db"
    args = ["score", book.name, *SCHEME, "-o", out.name, "--db", db.name, "--force"]

    # The earlier output, and the timeline of one undisturbed write.
    proc = kaohe(tmp_path, *args)
    wait_for(lambda: temps(tmp_path, out), proc, "the temp file appears")
    began = time.monotonic()
    wait_for(lambda: not temps(tmp_path, out), proc, "the temp file is renamed")
    writing = time.monotonic() - began
    assert finish(proc)[0] == 0
    earlier = out.read_bytes()
    assert complete_result(out)
    runs = run_count(db)
    assert runs == 1

    allowed = {book.name, out.name, db.name, db.name + "-wal", db.name + "-shm", db.name + "-verified"}
    outcomes = {}
    # Kill once right after the rename (the archive is being written then), then at several
    # points of the write.
    for point in ("after rename", 0.0, 0.3, 0.6, 0.9):
        proc = kaohe(tmp_path, *args)
        wait_for(lambda: temps(tmp_path, out), proc, "the temp file appears")
        if point == "after rename":
            wait_for(lambda: not temps(tmp_path, out), proc, "the rename")
        else:
            time.sleep(point * writing)
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: nothing can clean up
        proc.communicate(timeout=WAIT)

        now = out.read_bytes()
        left_temps = temps(tmp_path, out)
        if now == earlier:
            outcomes[point] = "old"
            # Only the killed run's own temp file: the run before it was cleaned up by it.
            assert len(left_temps) <= 1, left_temps
        else:
            assert complete_result(out), f"partial output after a kill at {point}"
            outcomes[point] = "new"
            assert left_temps == []
            earlier = now
        left = {p.name for p in tmp_path.iterdir()} - allowed - {p.name for p in left_temps}
        assert not left, f"unexpected files after a kill at {point}: {left}"
        assert integrity(db) == "ok"
        count = run_count(db)
        assert count in (runs, runs + 1), (point, runs, count)
        runs = count

    # The kills early in the write really hit the write (else this test proves nothing).
    assert outcomes["after rename"] == "new" and outcomes[0.0] == outcomes[0.3] == "old", outcomes
    stale = temps(tmp_path, out)
    assert outcomes[0.9] == "new" or len(stale) == 1, (outcomes, stale)

    # The next run completes, and removes the temp files the killed runs left.
    code, text = finish(kaohe(tmp_path, *args))
    assert code == 0, text
    assert temps(tmp_path, out) == []
    assert all(not p.exists() for p in stale)
    assert complete_result(out) and out.read_bytes() != earlier
    assert integrity(db) == "ok" and run_count(db) == runs + 1


def test_stale_temp_cleanup_spares_other_targets_and_fresh_files(tmp_path):
    target = tmp_path / "结果.xlsx"
    old = tmp_path / ".结果.abcd_123.tmp.xlsx"
    fresh = tmp_path / ".结果.zzzz9999.tmp.xlsx"
    other = tmp_path / ".另一个.abcd_123.tmp.xlsx"
    user = tmp_path / ".结果.my notes.tmp.xlsx"  # not a name atomic_output makes
    for p in (old, fresh, other, user):
        p.write_bytes(b"x")
    past = time.time() - 3600
    for p in (old, other, user):
        os.utime(p, (past, past))
    assert remove_stale_temps(target) == [old]
    assert not old.exists() and fresh.exists() and other.exists() and user.exists()


# ---------------------------------------------------------------------------------------
# two runs at once


def test_two_concurrent_runs_on_one_archive_both_recorded(tmp_path):
    book = big_book(tmp_path / "2023-03.xlsx", 600)
    procs = [kaohe(tmp_path, "score", book.name, *SCHEME, "-o", f"结果{i}.xlsx", "--db", "kaohe.db")
             for i in (1, 2)]
    results = [finish(p) for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    assert integrity(tmp_path / "kaohe.db") == "ok"
    assert run_count(tmp_path / "kaohe.db") == 2
    con = sqlite3.connect(tmp_path / "kaohe.db")
    try:
        per_run = dict(con.execute("SELECT run_id, count(*) FROM scores GROUP BY run_id"))
    finally:
        con.close()
    assert sorted(per_run.values()) == [600, 600]
    assert complete_result(tmp_path / "结果1.xlsx") and complete_result(tmp_path / "结果2.xlsx")


# ---------------------------------------------------------------------------------------
# existing output, the input file, permissions, write failures


def test_existing_output_without_force_is_refused_and_names_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_book(tmp_path / "2023-03.xlsx")
    (tmp_path / "结果.xlsx").write_bytes(b"an earlier result")
    res = CliRunner().invoke(app, ["score", "2023-03.xlsx", *SCHEME, "-o", "结果.xlsx"])
    assert res.exit_code == 1
    text = res.output.replace("\n", "")
    assert "--force" in text and "结果.xlsx" in text and "Traceback" not in text
    assert (tmp_path / "结果.xlsx").read_bytes() == b"an earlier result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023-03.xlsx", "结果.xlsx"]  # no kaohe.db


def test_input_file_is_never_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    book = small_book(tmp_path / "2023-03.xlsx")
    past = time.time_ns() - 86_400 * 10**9  # a day ago: a rewrite would move mtime to now
    os.utime(book, ns=(past, past))
    before = (book.read_bytes(), book.stat().st_mtime_ns)
    runner = CliRunner()
    assert runner.invoke(app, ["check", book.name, *SCHEME]).exit_code == 0
    assert runner.invoke(app, ["score", book.name, *SCHEME]).exit_code == 0
    assert runner.invoke(app, ["score", book.name, *SCHEME, "--force"]).exit_code == 0
    # The output given as the input itself, even with --force: refused.
    res = runner.invoke(app, ["score", book.name, *SCHEME, "-o", book.name, "--force"])
    assert res.exit_code == 1 and "输入文件" in res.output.replace("\n", "")
    res = runner.invoke(app, ["score", f"./{book.name}", *SCHEME, "-o", str(book.resolve()), "--force"])
    assert res.exit_code == 1
    assert (book.read_bytes(), book.stat().st_mtime_ns) == before


def test_unusable_archive_is_refused_before_any_output_is_written(tmp_path, monkeypatch):
    """Exit 1 means nothing was written: the archive is checked before the workbook is written."""
    monkeypatch.chdir(tmp_path)
    book = small_book(tmp_path / "2023-03.xlsx")
    (tmp_path / "notes.db").write_bytes(b"not a database, just notes")
    runner = CliRunner()
    cases = [
        (["--db", "notes.db"], 1, "不是 kaohe 档案"),
        (["--db", "missing/kaohe.db"], 1, "不存在"),
        (["--db", book.name], 2, "输入或结果文件"),
        (["--db", "结果.xlsx"], 2, "输入或结果文件"),
    ]
    for extra, code, words in cases:
        before = listing(tmp_path)
        res = runner.invoke(app, ["score", book.name, *SCHEME, "-o", "结果.xlsx", *extra])
        assert res.exit_code == code, (extra, res.output)
        assert words in res.output.replace("\n", ""), res.output
        assert listing(tmp_path) == before, f"{extra} wrote something"


def test_two_inputs_never_write_the_same_result(tmp_path, monkeypatch):
    """a/2023-03.xlsx and b/2023-03.xlsx into one folder: refused, even with --force."""
    monkeypatch.chdir(tmp_path)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        small_book(tmp_path / folder / "2023-03.xlsx")
    before = listing(tmp_path)
    res = CliRunner().invoke(app, ["score", "a/2023-03.xlsx", "b/2023-03.xlsx", "--scheme", "zhujian",
                                   "-o", "结果", "--db", "kaohe.db", "--force"])
    assert res.exit_code == 2, res.output
    assert "同一个文件" in res.output.replace("\n", "")
    assert listing(tmp_path) == before


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under `folder`."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_output_permissions_are_ordinary_not_private(tmp_path, monkeypatch):
    """mkstemp makes 0600 files; a result shared with colleagues must follow the umask."""
    monkeypatch.chdir(tmp_path)
    small_book(tmp_path / "2023-03.xlsx")
    umask = os.umask(0o022)
    os.umask(umask)
    runner = CliRunner()
    assert runner.invoke(app, ["score", "2023-03.xlsx", *SCHEME, "-o", "结果.xlsx"]).exit_code == 0
    assert stat.S_IMODE((tmp_path / "结果.xlsx").stat().st_mode) == 0o666 & ~umask
    os.chmod(tmp_path / "结果.xlsx", 0o640)  # a mode the clerk chose is kept on --force
    assert runner.invoke(app, ["score", "2023-03.xlsx", *SCHEME, "-o", "结果.xlsx", "--force"]).exit_code == 0
    assert stat.S_IMODE((tmp_path / "结果.xlsx").stat().st_mode) == 0o640


def test_output_that_cannot_be_replaced_is_a_chinese_error(tmp_path, monkeypatch):
    """On Windows a result open in Excel or WPS cannot be replaced (PermissionError)."""
    monkeypatch.chdir(tmp_path)
    small_book(tmp_path / "2023-03.xlsx")
    (tmp_path / "结果.xlsx").write_bytes(b"open in Excel")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    res = CliRunner().invoke(app, ["score", "2023-03.xlsx", *SCHEME, "-o", "结果.xlsx", "--force"])
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    text = res.output.replace("\n", "")
    assert "结果.xlsx" in text and "Excel" in text and "Traceback" not in text
    assert (tmp_path / "结果.xlsx").read_bytes() == b"open in Excel"
    assert temps(tmp_path, tmp_path / "结果.xlsx") == []


def test_disk_full_while_writing_is_a_chinese_error(tmp_path, monkeypatch):
    import errno

    import xlsxwriter.workbook

    monkeypatch.chdir(tmp_path)
    small_book(tmp_path / "2023-03.xlsx")
    (tmp_path / "结果.xlsx").write_bytes(b"the earlier result")

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    res = CliRunner().invoke(app, ["score", "2023-03.xlsx", *SCHEME, "-o", "结果.xlsx", "--force"])
    assert (tmp_path / "结果.xlsx").read_bytes() == b"the earlier result"  # holds already
    assert temps(tmp_path, tmp_path / "结果.xlsx") == []  # holds already
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == 1 and "结果.xlsx" in res.output.replace("\n", "")


# ---------------------------------------------------------------------------------------
# Ctrl-C


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_while_writing_stops_cleanly(tmp_path):
    """Ctrl-C at the last moment: the workbook is complete but still hidden, and its run is
    already in the archive. The process holds there (test hook) until the signal arrives, so
    the test does not depend on timing: the run is withdrawn and nothing new is visible."""
    book = big_book(tmp_path / "2023-03.xlsx", 200)
    out = tmp_path / "结果.xlsx"
    proc = kaohe(tmp_path, "score", book.name, *SCHEME, "-o", out.name, "--db", "kaohe.db",
                 hold="before-rename")
    line = proc.stderr.readline().decode("utf-8", "replace")
    assert line.strip() == "KAOHE-HOLD before-rename", line
    db = tmp_path / "kaohe.db"
    assert run_count(db) == 1 and temps(tmp_path, out)  # committed, not yet renamed
    proc.send_signal(signal.SIGINT)
    code, text = finish(proc)
    assert code == 130, text
    assert "已中断" in text and "Traceback" not in text
    assert not out.exists() and temps(tmp_path, out) == []
    assert run_count(db) == 0


def test_console_entry_flushes_everything_and_keeps_the_exit_code(tmp_path):
    """`kaohe` leaves with os._exit once the command has returned: every byte of output must
    still arrive through a pipe, and the exit code must be the command's."""
    proc = kaohe(tmp_path, "schemes", "export", "caizheng")
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    from kaohe_cli.scheme.loader import builtin_text

    assert out.decode("utf-8").rstrip("\n") == builtin_text("caizheng").rstrip("\n")  # nothing lost at the end

    code, text = finish(kaohe(tmp_path, "check", "没有这个文件.xlsx", "--scheme", "caizheng"))
    assert code == 1 and "找不到文件" in text

    small_book(tmp_path / "2023-03.xlsx")
    code, text = finish(kaohe(tmp_path, "score", "2023-03.xlsx", "--scheme", "zhujian", "--json"))
    assert code == 0, text
    assert json.loads(text[text.index("{"): text.rindex("}") + 1])["subjects"] == 2
    assert (tmp_path / "2023-03-考核结果.xlsx").exists() and (tmp_path / "kaohe.db").exists()
