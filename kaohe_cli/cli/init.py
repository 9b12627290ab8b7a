"""kaohe init [DIR] — a workspace with kaohe.toml."""

from __future__ import annotations

from pathlib import Path

import typer

from kaohe_cli.cli._ui import console, err_console, escape, handle_errors


@handle_errors
def init(
    folder: Path = typer.Argument(Path("."), metavar="[文件夹]", help="工作区文件夹，缺省为当前文件夹；不存在时自动创建", show_default=False),
    unit_name: str = typer.Option("", "--unit-name", help="单位名称，用于公示和通知的落款，如 某某县财政局", show_default=False),
    scheme: str = typer.Option("", "--scheme", "-s", help="默认考核方案：内置编号（kaohe schemes list）或方案文件路径", show_default=False),
    contact_person: str = typer.Option("", "--contact-person", help="受理异议的联系人", show_default=False),
    contact_phone: str = typer.Option("", "--contact-phone", help="联系电话", show_default=False),
    contact_address: str = typer.Option("", "--contact-address", help="书面异议材料的送达地点", show_default=False),
    posted_at: str = typer.Option("", "--posted-at", help="公示张贴地点，如 机关一楼公示栏", show_default=False),
    archive: str = typer.Option("kaohe.db", "--archive", help="档案库文件，相对于工作区"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的 kaohe.toml"),
) -> None:
    """建立工作区：写出 kaohe.toml（单位名称、默认方案、公示联系方式、档案库路径、补充节假日）。不会提问，未给出的项目留空，可稍后编辑。"""
    from kaohe_cli.app.workspace import WorkspaceSettings, init_workspace

    settings = WorkspaceSettings(
        unit_name=unit_name,
        scheme=scheme,
        contact_person=contact_person,
        contact_phone=contact_phone,
        contact_address=contact_address,
        posted_at=posted_at,
        archive=archive,
    )
    path = init_workspace(folder, settings, force=force)
    console.print(f"[green]✓[/] 已写出 {escape(str(path))}")
    if not unit_name.strip():
        err_console.print("[yellow]提示：[/]未填写单位名称，公示落款将留空；请编辑 kaohe.toml 的 unit_name")
    if not (contact_person.strip() and contact_phone.strip()):
        err_console.print("[yellow]提示：[/]未填写联系人或联系电话，公示中将留作下划线；请编辑 kaohe.toml 的 \\[contact]")
    example = escape(scheme.strip() or "caizheng")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {escape(str(folder))}，"
    console.print(f"下一步：{where}kaohe template --scheme {example} -o 2023-03.xlsx，填写后 kaohe score 2023-03.xlsx")
