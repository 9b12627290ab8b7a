from typer.testing import CliRunner

from kaohe_cli.cli.main import app


def test_help_is_chinese():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "考核" in result.output


def _fresh(code: str) -> str:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                         env={**__import__("os").environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_help_renderer_is_loaded_only_for_help_and_then_in_chinese():
    """A plain command does not pay for typer's help renderer; help still has Chinese panels."""
    plain = _fresh(
        "import sys\nfrom kaohe_cli.cli.main import app\n"
        "try:\n    app(['schemes', 'list'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print('LOADED' if 'typer.rich_utils' in sys.modules else 'NOT LOADED')"
    )
    assert plain.rstrip().endswith("NOT LOADED")
    shown = _fresh("from kaohe_cli.cli.main import app\napp(['score', '--help'], prog_name='kaohe')")
    assert "选项" in shown and "参数" in shown and "显示帮助后退出" in shown
    assert "Options" not in shown and "Arguments" not in shown


def test_after_import_hook_runs_only_for_its_module_even_with_a_shared_loader(tmp_path, monkeypatch):
    """Modules in a zip share one loader: the hook must still call back for its module only."""
    import importlib
    import sys
    import zipfile

    from kaohe_cli.cli.main import _AfterImport

    archive = tmp_path / "pkgs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("kaohezip/__init__.py", "")
        z.writestr("kaohezip/a.py", "X = 1\n")
        z.writestr("kaohezip/b.py", "Y = 2\n")
    monkeypatch.syspath_prepend(str(archive))
    seen = []
    hook = _AfterImport("kaohezip.a", lambda m: seen.append(m.__name__))
    sys.meta_path.insert(0, hook)
    try:
        importlib.import_module("kaohezip.a")
        importlib.import_module("kaohezip.b")
    finally:
        if hook in sys.meta_path:
            sys.meta_path.remove(hook)
        for name in ("kaohezip.a", "kaohezip.b", "kaohezip"):
            sys.modules.pop(name, None)
    assert seen == ["kaohezip.a"]
    assert hook not in sys.meta_path  # one shot
