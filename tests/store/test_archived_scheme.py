"""Commands that read the archive take the scheme from it; `--scheme` only narrows.

Every test runs in an empty folder without kaohe.toml, as a clerk would after installing
kaohe, scoring the packaged zhujian sample months (45–50 people each).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.packaged import sample_dir

ZHUJIAN = sample_dir() / "zhujian"
CAIZHENG = sample_dir() / "caizheng"


def _run(*args):
    """(exit code, output with line breaks removed: a narrow console may fold any text)."""
    res = CliRunner().invoke(app, [str(a) for a in args])
    return res.exit_code, res.output.replace("\n", "")


@pytest.fixture
def clerk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert not (tmp_path / "kaohe.toml").exists()
    return tmp_path


def _score(folder: Path, scheme: str, *books: Path, extra=()):
    for b in books:
        code, out = _run("score", b, "--scheme", scheme, "-o", folder / f"{scheme}-{b.stem}.xlsx", *extra)
        assert code == 0, out


def test_quota_without_scheme_uses_the_one_scheme_of_the_archive(clerk):
    _score(clerk, "zhujian", ZHUJIAN / "2023-01.xlsx", ZHUJIAN / "2023-02.xlsx", ZHUJIAN / "2023-03.xlsx")
    code, out = _run("quota", "--year", "2023")
    assert code == 0, out
    assert "住建局干部职工量化考核" in out
    assert (clerk / "2023-zhujian-年度汇总.xlsx").is_file()
    code, out = _run("notice", "--publicize", "--period", "2023-03", "--date", "2023-04-03")
    assert code == 0, out
    assert (clerk / "notices" / "2023-03" / "公示-2023-03.docx").is_file()


def test_several_schemes_in_a_year_are_listed_with_names_and_the_flag(clerk):
    _score(clerk, "zhujian", ZHUJIAN / "2023-03.xlsx")
    _score(clerk, "caizheng", CAIZHENG / "2023-03.xlsx")
    code, out = _run("quota", "--year", "2023")
    assert code == 2, out
    assert "caizheng（财政局平时考核积分制）" in out and "zhujian（住建局干部职工量化考核）" in out
    assert "--scheme" in out
    assert not list(clerk.glob("*年度汇总.xlsx"))
    # The same for a single period read by notice and explain.
    code, out = _run("notice", "--publicize", "--period", "2023-03")
    assert code == 2 and "财政局平时考核积分制" in out and "--scheme" in out
    code, out = _run("explain", "0132", "--period", "2023-03")
    assert code == 2 and "住建局干部职工量化考核" in out
    # --scheme narrows: each scheme's runs alone.
    code, out = _run("quota", "--year", "2023", "--scheme", "caizheng")
    assert code == 0, out
    assert (clerk / "2023-caizheng-年度汇总.xlsx").is_file()


def test_the_workspace_scheme_chooses_among_several(clerk):
    _score(clerk, "zhujian", ZHUJIAN / "2023-03.xlsx")
    _score(clerk, "caizheng", CAIZHENG / "2023-03.xlsx")
    (clerk / "kaohe.toml").write_text('scheme = "zhujian"\n', encoding="utf-8")
    code, out = _run("quota", "--year", "2023")
    assert code == 0, out
    assert (clerk / "2023-zhujian-年度汇总.xlsx").is_file()


def test_a_year_with_no_runs_says_what_to_score(clerk):
    _score(clerk, "zhujian", ZHUJIAN / "2023-03.xlsx")
    code, out = _run("quota", "--year", "2022")
    assert code == 1
    assert "2022年度" in out and "kaohe score" in out


def test_a_custom_scheme_is_used_as_recorded_after_its_file_is_gone(clerk):
    """A scheme file scored once is kept in the run: quota needs neither the file nor --scheme.

    The custom scheme is zhujian with another id and 基础分 100 → 90, so a person without
    deductions totals 90 in every month, and the year (mean of months + year-end points) is
    computed from the recorded scheme, not from the built-in one.
    """
    text = (Path(__file__).resolve().parents[2] / "kaohe_cli" / "scheme" / "builtin" / "zhujian.toml").read_text(
        encoding="utf-8")
    custom = text.replace('id = "zhujian"', 'id = "benju"').replace('name = "住建局干部职工量化考核"', 'name = "本局量化考核"')
    scheme_file = clerk / "本局方案.toml"
    scheme_file.write_text(custom, encoding="utf-8")
    for b in (ZHUJIAN / "2023-01.xlsx", ZHUJIAN / "2023-02.xlsx"):
        code, out = _run("score", b, "--scheme", scheme_file, "-o", clerk / f"{b.stem}.xlsx")
        assert code == 0, out
    scheme_file.unlink()
    code, out = _run("quota", "--year", "2023")
    assert code == 0, out
    assert "本局量化考核" in out
    assert (clerk / "2023-benju-年度汇总.xlsx").is_file()


def test_a_custom_scheme_recorded_by_an_older_version_needs_its_file(clerk):
    """Runs without the recorded scheme (older archives) ask for the file by its id."""
    text = (Path(__file__).resolve().parents[2] / "kaohe_cli" / "scheme" / "builtin" / "zhujian.toml").read_text(
        encoding="utf-8")
    scheme_file = clerk / "本局方案.toml"
    scheme_file.write_text(text.replace('id = "zhujian"', 'id = "benju"'), encoding="utf-8")
    code, out = _run("score", ZHUJIAN / "2023-01.xlsx", "--scheme", scheme_file, "-o", clerk / "r.xlsx")
    assert code == 0, out
    with sqlite3.connect(clerk / "kaohe.db") as conn:
        conn.execute("UPDATE runs SET options = '{}'")
    moved = clerk / "方案" / "本局方案.toml"
    moved.parent.mkdir()
    shutil.move(scheme_file, moved)
    code, out = _run("quota", "--year", "2023")
    assert code == 1, out
    assert "benju" in out and "--scheme" in out
    code, out = _run("quota", "--year", "2023", "--scheme", moved)
    assert code == 0, out
