"""The archive and the result go together, a damaged archive is refused, reading never writes.

- `score` commits the run while the workbook is still a hidden temporary file, then renames
  it into place; if the archive cannot be written no workbook appears, and if the rename fails
  the run is withdrawn (exit 1: nothing new anywhere).
- Before the first write, an archive that changed since kaohe last left it is checked with
  SQLite's quick check; a damaged one is refused with nothing appended.
- explain, diff, history, notice open the archive read-only.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.store import archive as archive_mod
from kaohe_cli.cli.main import app
from kaohe_cli.errors import ArchiveError
from kaohe_cli.packaged import sample_dir

MONTH = sample_dir() / "zhujian" / "2023-03.xlsx"


def run(*args):
    res = CliRunner().invoke(app, [str(a) for a in args])
    return res.exit_code, "".join(res.output.split())


def runs_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]


@pytest.fixture
def scored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run("score", MONTH, "--scheme", "zhujian", "-o", "first.xlsx")
    assert code == 0, out
    return tmp_path


def test_an_archive_that_cannot_be_written_leaves_no_result(scored, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ArchiveError("无法写入档案 kaohe.db：没有读写权限，或所在文件夹不可写", "请检查权限")

    monkeypatch.setattr(archive_mod.Archive, "record_run", refuse)
    code, out = run("score", MONTH, "--scheme", "zhujian", "-o", "second.xlsx")
    assert code == 1 and "无法写入档案" in out
    assert not (scored / "second.xlsx").exists()
    assert not [p for p in scored.iterdir() if p.name.startswith(".second")]
    assert runs_in(scored / "kaohe.db") == 1


def test_a_result_that_cannot_be_put_in_place_withdraws_its_run(scored, monkeypatch):
    real = os.replace

    def locked(src, dst, *a, **k):
        if Path(dst).name == "second.xlsx":
            raise PermissionError(13, "locked")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", locked)
    code, out = run("score", MONTH, "--scheme", "zhujian", "-o", "second.xlsx")
    assert code == 1 and "无法写出second.xlsx" in out and "Excel" in out
    assert not (scored / "second.xlsx").exists()
    assert runs_in(scored / "kaohe.db") == 1  # the run committed before the rename is gone


def _damage(db: Path, pages: int = 3) -> None:
    """Overwrite `pages` pages in the middle of the file with random bytes."""
    size = db.stat().st_size
    page = 4096
    count = size // page
    assert count > 8, "the archive is too small to damage in the middle"
    rng = random.Random(7)
    with db.open("r+b") as f:
        for n in rng.sample(range(2, count - 1), pages):
            f.seek(n * page)
            f.write(bytes(rng.randrange(256) for _ in range(page)))


def test_a_damaged_archive_is_refused_before_anything_is_appended(scored):
    db = scored / "kaohe.db"
    for m in ("2023-01", "2023-02"):
        assert run("score", sample_dir() / "zhujian" / f"{m}.xlsx", "--scheme", "zhujian", "-o", f"{m}.xlsx")[0] == 0
    _damage(db)
    before = db.read_bytes()
    code, out = run("score", MONTH, "--scheme", "zhujian", "-o", "again.xlsx")
    assert code == 1
    assert "已损坏" in out and "kaohe.db" in out
    assert not (scored / "again.xlsx").exists()
    assert db.read_bytes() == before


def test_an_unchanged_archive_is_not_checked_again(scored, monkeypatch):
    """The quick check costs a full read: it runs only when the file changed behind kaohe's back."""
    checks = []

    def counting_verify(self):
        checks.append(_stamp_matches(self.path))
        return original_verify(self)

    original_verify = archive_mod.Archive._verify
    monkeypatch.setattr(archive_mod.Archive, "_verify", counting_verify)
    assert run("score", sample_dir() / "zhujian" / "2023-04.xlsx", "--scheme", "zhujian", "-o", "apr.xlsx")[0] == 0
    assert checks == [True]  # stamped by the first run, unchanged since: no quick check
    (scored / "kaohe.db-verified").unlink()
    checks.clear()
    assert run("score", sample_dir() / "zhujian" / "2023-05.xlsx", "--scheme", "zhujian", "-o", "may.xlsx")[0] == 0
    assert checks == [False]  # no stamp: checked once, then stamped again
    assert _stamp_matches(scored / "kaohe.db")


def _stamp_matches(path: Path) -> bool:
    return archive_mod._read_stamp(path) == archive_mod._stamp_of(path)


def test_reading_commands_open_the_archive_read_only(scored, monkeypatch):
    opened = []
    real = sqlite3.connect

    def spy(target, *a, **k):
        opened.append(str(target))
        return real(target, *a, **k)

    monkeypatch.setattr(archive_mod.sqlite3, "connect", spy)
    db = scored / "kaohe.db"
    stamp = (db.stat().st_mtime_ns, db.read_bytes())
    for args in (("history",), ("explain", "梁婉馨", "--period", "2023-03"), ("decide", "--period", "2023-03", "--list")):
        code, out = run(*args)
        assert code == 0, out
    assert opened and all(o.endswith("?mode=ro") or o.endswith("?immutable=1") for o in opened), opened
    assert (db.stat().st_mtime_ns, db.read_bytes()) == stamp


def test_a_wal_archive_in_a_read_only_folder_is_read_as_immutable(scored, monkeypatch):
    """Where SQLite cannot make the WAL's shared-memory file (a read-only folder), reading falls
    back to `immutable=1` instead of failing."""
    real = sqlite3.connect

    def no_shm(target, *a, **k):
        if str(target).endswith("?mode=ro"):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *a, **k)

    monkeypatch.setattr(archive_mod.sqlite3, "connect", no_shm)
    code, out = run("history")
    assert code == 0, out
    assert "2023-03" in out


def test_backups_before_upgrades_are_pruned_to_the_newest(tmp_path):
    db = tmp_path / "kaohe.db"
    db.write_bytes(b"")
    for i in range(5):
        backup = tmp_path / f"kaohe.db.bak-v{i}"
        backup.write_bytes(b"x")
        os.utime(backup, (1_000_000 + i, 1_000_000 + i))
    archive_mod._prune_backups(db)
    assert sorted(p.name for p in tmp_path.glob("kaohe.db.bak-*")) == ["kaohe.db.bak-v2", "kaohe.db.bak-v3", "kaohe.db.bak-v4"]


def test_a_batch_skips_excel_owner_files_and_scores_the_workbooks(tmp_path, monkeypatch):
    """data/*.xlsx catches ~$2023-03.xlsx while 2023-03.xlsx is open in Excel: it is skipped
    with one line, and both real months are scored."""
    import shutil

    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    for m in ("2023-02", "2023-03"):
        shutil.copyfile(sample_dir() / "zhujian" / f"{m}.xlsx", data / f"{m}.xlsx")
    (data / "~$2023-03.xlsx").write_bytes(b"\x00owner\x00" * 20)  # what Excel leaves: not a workbook
    (data / "Thumbs.db").write_bytes(b"\x00")
    files = sorted(data.iterdir())
    code, out = run("score", *files, "--scheme", "zhujian", "-o", "结果")
    assert code == 0, out
    assert "已跳过Thumbs.db、~$2023-03.xlsx：这是Excel/WPS" in out
    assert sorted(p.name for p in (tmp_path / "结果").iterdir()) == ["2023-02-考核结果.xlsx", "2023-03-考核结果.xlsx"]
    code, out = run("check", data / "~$2023-03.xlsx", "--scheme", "zhujian")
    assert code == 2 and "临时文件" in out


def test_check_of_an_export_with_an_error_exits_1(tmp_path, monkeypatch):
    """A DingTalk export alone, with 迟到次数 of 1,000,000 in row 5: beyond the 10,000 a period
    allows, an error, so `check` exits 1 (it used to list export issues as 提示 and exit 0)."""
    import openpyxl

    monkeypatch.chdir(tmp_path)
    wb = openpyxl.load_workbook(sample_dir() / "exports" / "钉钉月度汇总-2023-03.xlsx")
    wb.active["J5"] = 1_000_000
    wb.save(tmp_path / "钉钉-2023-03.xlsx")
    code, out = run("check", "钉钉-2023-03.xlsx")
    assert code == 1, out
    assert "1个错误" in out and "10000" in out
