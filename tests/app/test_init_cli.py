"""`kaohe init [DIR]`: a kaohe.toml that load_config reads back, never overwritten by accident."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.app.config import load_config
from kaohe_cli.scheme.loader import builtin_text

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    return "".join(text.split())


def test_writes_a_kaohe_toml_that_load_config_accepts(tmp_path):
    ws = tmp_path / "考核2023"
    result = invoke(
        "init", str(ws), "--unit-name", "某某县财政局", "--scheme", "caizheng",
        "--contact-person", "赵六", "--contact-phone", "0123-4567890",
        "--contact-address", "局机关三楼人事股", "--posted-at", "机关一楼公示栏", "--archive", "档案/kaohe.db",
    )
    assert result.exit_code == 0, result.output
    cfg = load_config(ws / "kaohe.toml")
    assert cfg.unit_name == "某某县财政局"
    assert cfg.scheme == "caizheng"
    assert (cfg.contact.person, cfg.contact.phone) == ("赵六", "0123-4567890")
    assert (cfg.contact.address, cfg.contact.posted_at) == ("局机关三楼人事股", "机关一楼公示栏")
    assert cfg.archive_path() == ws.resolve() / "档案" / "kaohe.db"
    assert cfg.notice_days == 5 and cfg.templates_dir == ""
    assert "已写出" in result.output


def test_default_folder_is_the_current_one_and_nothing_is_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init"], input="")
    assert result.exit_code == 0, result.output
    cfg = load_config(tmp_path / "kaohe.toml")
    assert (cfg.unit_name, cfg.scheme, cfg.archive) == ("", "", "kaohe.db")
    assert "未填写单位名称" in flat(result.output)


def test_refuses_to_overwrite_without_force(tmp_path):
    assert invoke("init", str(tmp_path), "--unit-name", "甲局").exit_code == 0
    before = (tmp_path / "kaohe.toml").read_text(encoding="utf-8")
    again = invoke("init", str(tmp_path), "--unit-name", "乙局")
    assert again.exit_code == 1
    assert "已存在" in flat(again.output) and "--force" in again.output
    assert (tmp_path / "kaohe.toml").read_text(encoding="utf-8") == before
    forced = invoke("init", str(tmp_path), "--unit-name", "乙局", "--force")
    assert forced.exit_code == 0, forced.output
    assert load_config(tmp_path / "kaohe.toml").unit_name == "乙局"
    assert [p.name for p in tmp_path.iterdir()] == ["kaohe.toml"]  # no temporary files left


def test_unknown_builtin_scheme_is_refused_with_the_choices(tmp_path):
    result = invoke("init", str(tmp_path), "--scheme", "caizhen")
    assert result.exit_code == 1
    said = flat(result.output)
    assert "没有内置方案「caizhen」" in said and "caizheng" in said
    assert not (tmp_path / "kaohe.toml").exists()


def test_scheme_file_in_the_workspace_is_stored_relative(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    (ws / "方案").mkdir(parents=True)
    (ws / "方案" / "本局.toml").write_text(builtin_text("zhujian"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "ws", "--scheme", "方案/本局.toml")
    assert result.exit_code == 0, result.output
    assert load_config(ws / "kaohe.toml").scheme == "方案/本局.toml"


def test_missing_or_invalid_scheme_file_is_refused(tmp_path):
    missing = invoke("init", str(tmp_path), "--scheme", "无此方案.toml")
    assert missing.exit_code == 1 and "找不到方案文件" in flat(missing.output)
    (tmp_path / "坏.toml").write_text('id = "x"\n', encoding="utf-8")
    invalid = invoke("init", str(tmp_path), "--scheme", "坏.toml")
    assert invalid.exit_code == 1 and "坏.toml" in flat(invalid.output)
    assert not (tmp_path / "kaohe.toml").exists()


def test_archive_outside_the_workspace_is_refused(tmp_path):
    result = invoke("init", str(tmp_path / "ws"), "--archive", "../别处/kaohe.db")
    assert result.exit_code == 1
    assert "工作区" in flat(result.output)
    assert not (tmp_path / "ws" / "kaohe.toml").exists()


@pytest.mark.parametrize("name", ['某"局"', "C:\\某局", "某局\n第二行", "张&<三>"])
def test_any_text_round_trips(tmp_path, name):
    result = invoke("init", str(tmp_path), "--unit-name", name, "--contact-person", name)
    assert result.exit_code == 0, result.output
    cfg = load_config(tmp_path / "kaohe.toml")
    assert cfg.unit_name == name.strip() and cfg.contact.person == name.strip()


def test_dir_that_is_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "f").write_text("", encoding="utf-8")
    result = invoke("init", str(tmp_path / "f"))
    assert result.exit_code == 2


def test_unknown_key_in_kaohe_toml_is_reported_with_a_suggestion(tmp_path, monkeypatch):
    assert invoke("init", str(tmp_path), "--unit-name", "某局").exit_code == 0
    toml = tmp_path / "kaohe.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("unit_name =", "unit_nam ="), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("notice", "--publicize", "--period", "2023-03")
    assert result.exit_code == 1
    said = flat(result.output)
    assert "未知的键「unit_nam」" in said and "是否想写「unit_name」" in said
    assert "Traceback" not in result.output


def test_bad_notice_days_in_kaohe_toml_is_reported(tmp_path, monkeypatch):
    assert invoke("init", str(tmp_path)).exit_code == 0
    toml = tmp_path / "kaohe.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("notice_days = 5", "notice_days = 0"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("notice", "--publicize", "--period", "2023-03")
    assert result.exit_code == 1
    assert "notice_days" in result.output and "1–60" in result.output


def test_help_is_chinese_and_shows_the_folder():
    result = invoke("init", "--help")
    assert result.exit_code == 0
    assert "[文件夹]" in result.output and "工作区" in result.output
