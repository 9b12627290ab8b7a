"""A new workspace: the folder that holds `kaohe.toml` (and, by default, `kaohe.db`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kaohe_cli.app.config import CONFIG_NAME, Config, Contact, render_config
from kaohe_cli.errors import ConfigError, OutputExists, UsageError
from kaohe_cli.write.fileout import atomic_output, confined, inside

__all__ = ["WorkspaceSettings", "init_workspace"]


@dataclass
class WorkspaceSettings:
    """What `kaohe init` writes into kaohe.toml; blank means "fill in later"."""

    unit_name: str = ""
    scheme: str = ""  # built-in id or scheme file; checked before writing
    contact_person: str = ""
    contact_phone: str = ""
    contact_address: str = ""
    posted_at: str = ""
    archive: str = "kaohe.db"


def _scheme_ref(ref: str, root: Path) -> str:
    """Check that `ref` names a usable scheme; return it as kaohe.toml should hold it.

    A file is looked for in the workspace first, then from the current folder. A file inside
    the workspace is written relative to it, so the workspace can be moved.
    """
    from kaohe_cli.scheme import load_scheme

    ref = ref.strip()
    looks_like_file = ref.lower().endswith(".toml") or "/" in ref or "\\" in ref
    if not looks_like_file:
        load_scheme(ref)  # SchemeError lists the built-in ids
        return ref
    given = Path(ref)
    candidates = [given] if given.is_absolute() else [root / given, given]
    found = next((p for p in candidates if p.is_file()), candidates[0])
    load_scheme(found)  # missing or invalid → SchemeError
    if inside(found, root):
        return found.resolve().relative_to(root.resolve()).as_posix()
    return str(found.resolve())


def _archive_ref(ref: str, root: Path) -> str:
    ref = ref.strip() or "kaohe.db"
    full = confined(Path(ref), root, "档案库路径（--archive）")
    if full.is_dir():
        raise UsageError(f"档案库路径 {ref} 是一个文件夹", "请给出文件名，例如 --archive kaohe.db")
    if Path(ref).is_absolute():
        return full.resolve().relative_to(root.resolve()).as_posix()
    return Path(ref).as_posix()


def init_workspace(folder: Path, settings: WorkspaceSettings, *, force: bool = False) -> Path:
    """Write `folder/kaohe.toml` atomically; refuse to replace one without `force`."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} 是一个文件，不是文件夹", "请给出工作区文件夹，例如 kaohe init 考核2023")
    target = folder / CONFIG_NAME
    if target.exists() and not force:
        raise OutputExists(
            f"{target} 已存在，未作改动",
            "可直接编辑该文件；如要重新生成（原内容将被覆盖）请加 --force",
        )
    root = folder.resolve()
    scheme = _scheme_ref(settings.scheme, root) if settings.scheme.strip() else ""
    archive = _archive_ref(settings.archive, root)
    contact = Contact(
        person=settings.contact_person.strip(),
        phone=settings.contact_phone.strip(),
        address=settings.contact_address.strip(),
        posted_at=settings.posted_at.strip(),
    )
    text = render_config(settings.unit_name.strip(), scheme, contact, archive)
    try:  # what load_config will read back
        Config.model_validate(tomllib.loads(text))
    except Exception as exc:  # pragma: no cover - render_config escapes every value
        raise ConfigError(f"生成的 {CONFIG_NAME} 无效：{exc}", "这是程序错误，请反馈") from exc
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_output(target, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target
