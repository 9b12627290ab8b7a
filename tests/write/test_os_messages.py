"""Operating-system failures reach the clerk in Chinese, and a read-only command writes nothing."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.errors import os_reason
from kaohe_cli.write.fileout import _not_written
from kaohe_cli.packaged import sample_dir

_WORD = re.compile(r"[A-Za-z]{3,}")


class ENGLISH:  # an English word, the program names Excel and WPS aside
    @staticmethod
    def search(text: str):
        return _WORD.search(text.replace("Excel", "").replace("WPS", ""))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.EEXIST,
                                  errno.ENAMETOOLONG, errno.EACCES, errno.EIO])
def test_every_os_reason_is_chinese(code):
    exc = OSError(code, "English text from the system")
    text = os_reason(exc)
    assert text and not ENGLISH.search(text), text
    message = _not_written(Path("out") / "结果.xlsx", exc).text()
    assert "结果.xlsx" in message and "English" not in message


def test_an_output_under_a_file_is_explained(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    res = CliRunner().invoke(app, ["score", str(sample_dir() / "zhujian" / "2023-01.xlsx"),
                                   "--scheme", "zhujian", "-o", "afile/r.xlsx", "--no-archive"])
    assert res.exit_code == 1
    text = "".join(res.output.split())
    assert "无法写出r.xlsx：路径中有同名的文件" in text
    assert not ENGLISH.search(text.replace("xlsx", "").replace("afile", ""))


def test_a_read_only_command_leaves_an_empty_archive_file_alone(tmp_path):
    empty = tmp_path / "kaohe.db"
    empty.write_bytes(b"")
    res = CliRunner().invoke(app, ["explain", "张三", "--period", "2023-01", "--db", str(empty)])
    assert res.exit_code == 1
    assert "空文件" in res.output
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaohe.db"]
