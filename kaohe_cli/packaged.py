"""Files that ship inside the package (notice templates, sample workbooks, the scheme guide), found through
`importlib.resources`, so an installed kaohe reads its own copies and never the repository's."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["guide_text", "packaged", "sample_dir", "templates_dir"]


def packaged(*parts: str) -> Path:
    """The path of a file or folder shipped in the `kaohe_cli` package."""
    return Path(str(resources.files("kaohe_cli").joinpath(*parts)))


def templates_dir() -> Path:
    """The built-in notice templates (公示、结果反馈、诫勉谈话通知)."""
    return packaged("templates")


def sample_dir() -> Path:
    """The sample workbooks of `kaohe demo`: one folder per built-in scheme."""
    return packaged("sample_data")


def guide_text() -> str:
    """《方案编写指南》 (docs/方案编写指南.md in the repository links to this copy)."""
    return packaged("scheme", "guide.md").read_text(encoding="utf-8")
