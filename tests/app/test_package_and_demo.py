"""An installed kaohe is self-contained: templates and sample workbooks ship as package data,
no message names a file of the repository, and `kaohe demo` runs the whole year from them.

(.ci/run also builds the wheel, installs it in a fresh venv outside the checkout and runs
`kaohe demo` in an empty folder; these tests keep the pieces honest in the suite.)
"""

from __future__ import annotations

import ast
import fnmatch
import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kaohe_cli.packaged import sample_dir, templates_dir
from kaohe_cli.write.notices import TEMPLATE_FILES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "kaohe_cli"


def _package_data_globs() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["setuptools"]["package-data"]["kaohe_cli"]


@pytest.mark.parametrize("folder", ["templates", "sample_data"])
def test_every_packaged_file_is_declared_as_package_data(folder):
    files = [p for p in (PACKAGE / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    globs = _package_data_globs()
    undeclared = [
        p.relative_to(PACKAGE).as_posix() for p in files
        if not any(fnmatch.fnmatch(p.relative_to(PACKAGE).as_posix(), g) and
                   p.relative_to(PACKAGE).as_posix().count("/") == g.count("/") for g in globs)
    ]
    assert not undeclared, f"not in [tool.setuptools.package-data] kaohe_cli: {undeclared}"


def test_templates_and_samples_are_found_through_the_package():
    for name in TEMPLATE_FILES.values():
        assert (templates_dir() / name).is_file(), name
    assert templates_dir().parent == PACKAGE
    for scheme in ("zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"):
        assert list((sample_dir() / scheme).glob("*.xlsx")), scheme


def _message_strings(path: Path):
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_message_names_a_file_of_the_repository():
    """An installed package has no tools/, shared/, tests/ or repository-level folders."""
    bad = []
    for path in PACKAGE.rglob("*.py"):
        for line, text in _message_strings(path):
            if any(part in text for part in ("tools/", "tools\\", "shared/", "tests/", "make ")):
                bad.append(f"{path.relative_to(ROOT)}:{line}: {text[:60]}")
    assert not bad, "\n".join(bad)


def _kaohe(args, cwd: Path, **env):
    environment = {**os.environ, "COLUMNS": "100", **env}
    return subprocess.run([sys.executable, "-m", "kaohe_cli", *args], cwd=cwd, env=environment,
                          capture_output=True, timeout=300)


def test_demo_runs_the_whole_year_in_an_empty_folder(tmp_path):
    """Main unit zhujian: 12 months scored in one batch, a corrected March and its diff, the
    three kinds of notice, the annual quota without --scheme; caizheng's quarter gets a
    committee decision for each tie at a quota edge (the sample data has ties there)."""
    proc = _kaohe(["demo"], tmp_path, PYTHONIOENCODING="utf-8")
    out = proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")
    assert proc.returncode == 0, out[-3000:]
    demo = tmp_path / "kaohe-示例"
    made = [
        "kaohe.toml", "kaohe.db", "模板/输入模板.xlsx", "数据/2023-12.xlsx", "结果/2023-01-考核结果.xlsx",
        "结果/2023-12-考核结果.xlsx", "结果/2023-03-更正-考核结果.xlsx", "notices/2023-03/公示-2023-03.docx",
        "notices/2023-03/结果反馈-合并-2023-03.docx", "2023-zhujian-年度汇总.xlsx",
        "财政局/kaohe.db", "财政局/2023Q1-caizheng-季度汇总.xlsx", "街道办事处/2023-jinjiang-年度汇总.xlsx",
        "区总工会/2023-gonghui-年度汇总.xlsx", "机关事务服务中心/结果/2023-考核结果.xlsx", "县科协/结果/2023-考核结果.xlsx",
    ]
    missing = [m for m in made if not (demo / m).is_file()]
    assert not missing, missing
    assert list((demo / "notices" / "2023-11").glob("诫勉谈话通知-*.docx"))
    with sqlite3.connect(demo / "kaohe.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs WHERE period = '2023-03'").fetchone() == (2,)
        assert conn.execute("SELECT COUNT(DISTINCT period) FROM runs").fetchone() == (12,)
    with sqlite3.connect(demo / "财政局" / "kaohe.db") as conn:
        decided = conn.execute("SELECT period, note FROM decisions").fetchall()
    assert decided and all(d == ("2023Q1", "局党组会议纪要〔2023〕5号") for d in decided)
    assert "演示完成" in out
    assert "本步写出" in out
    assert "$ kaohe quota --year 2023\n" in out  # the year end needs no --scheme


def test_demo_refuses_a_folder_that_holds_files(tmp_path):
    target = tmp_path / "演示"
    target.mkdir()
    (target / "我的表.xlsx").write_bytes(b"keep")
    proc = _kaohe(["demo", "演示"], tmp_path, PYTHONIOENCODING="utf-8")
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1
    assert "已存在" in err and "kaohe demo" in err
    assert sorted(p.name for p in target.iterdir()) == ["我的表.xlsx"]
    assert (target / "我的表.xlsx").read_bytes() == b"keep"
