"""kaohe demo [DIR] — the whole year on the sample workbooks that ship with the package.

The sample workbooks are copied into DIR, and every step runs there as a clerk would type
it, through the same commands (in this process): workspace, template, check, batch score,
explain, a corrected rescore and its diff, notices, the year-end quota and a committee
decision. After each step the files it made are listed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import typer

from kaohe_cli.cli._ui import console, escape, handle_errors

_SHOWN_FILES = 6


@dataclass
class _Unit:
    """One demonstration workspace: a sample unit and its scheme."""

    folder: str  # under DIR; "" is DIR itself
    scheme: str
    unit_name: str
    samples: str  # folder under the packaged sample data


_MAIN = _Unit("", "zhujian", "某某县住房和城乡建设局", "zhujian")
_OTHERS = [
    _Unit("财政局", "caizheng", "某某市财政局", "caizheng"),
    _Unit("街道办事处", "jinjiang", "某某街道办事处", "jinjiang"),
    _Unit("机关事务服务中心", "mubiao", "某某市机关事务服务中心", "mubiao"),
    _Unit("区总工会", "gonghui", "某某区总工会", "gonghui"),
    _Unit("县科协", "kexie", "某某县科学技术协会", "kexie"),
]


@handle_errors
def demo(
    folder: Path = typer.Argument(Path("kaohe-示例"), metavar="[文件夹]", help="演示文件夹（须不存在或为空）；缺省为当前目录下的 kaohe-示例", show_default=False),
) -> None:
    """把内置示例工作簿复制到演示文件夹，在那里依次运行模板、检查、批量评分、说明、更正后比较、公示与通知、年度汇总、集体研究决定和年度公示，并列出每一步写出的文件。"""
    from kaohe_cli.errors import OutputExists

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputExists(
            f"演示文件夹 {folder} 已存在且不是空文件夹",
            "演示不会改动已有文件：请换一个文件夹名，例如 kaohe demo kaohe-示例2，或先删除它",
        )
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    here = Path.cwd()
    demo = _Demo(root)
    try:
        demo.main_unit()
        for unit in _OTHERS:
            demo.other_unit(unit)
    finally:
        os.chdir(here)
    console.print(
        f"\n[bold green]演示完成[/]：共 {demo.step} 步，全部文件在 {escape(str(root))}。"
        f"\n主单位（{_MAIN.unit_name}）的工作区就是这个文件夹：kaohe.toml、档案库 kaohe.db、数据/、结果/、notices/；"
        "其他方案的示例单位各在一个子文件夹中。"
    )


class _Demo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.step = 0

    # -- the steps ------------------------------------------------------------------------

    def main_unit(self) -> None:
        """The main unit: one workspace, a whole year of monthly scoring, every notice."""
        u = _MAIN
        self._section(f"{u.unit_name}（方案 {u.scheme}）：一整年的月度考核")
        self._enter(u)
        months = self._copy_samples(u, "数据")
        self.run("生成空白输入模板（方案取自 kaohe.toml）", "template", "-o", "模板/输入模板.xlsx")
        self.run("检查三月的工作簿", "check", "数据/2023-03.xlsx")
        self.run("批量评分全年十二个月", "score", *[f"数据/{m.name}" for m in months], "-o", "结果")
        self.run("说明某人三月得分的每一分来源", "explain", "梁婉馨", "--period", "2023-03")
        corrected = self._corrected_copy(Path("数据/2023-03.xlsx"), Path("数据/2023-03-更正.xlsx"))
        self.run(f"有人提出异议：更正三月记实表（删去{corrected}）后重新评分",
                 "score", "数据/2023-03-更正.xlsx", "--period", "2023-03", "-o", "结果/2023-03-更正-考核结果.xlsx")
        self.run("比较三月两次评分的变化", "diff", "--period", "2023-03")
        self.run("三月结果公示（公示期按工作日计算）", "notice", "--publicize", "--period", "2023-03", "--date", "2023-04-03")
        self.run("三月结果反馈（每人一份，合并为一个文档）", "notice", "--feedback", "--period", "2023-03",
                 "--date", "2023-04-03", "--merge")
        self.run("十一月不称职人员的诫勉谈话通知", "notice", "--talk", "--period", "2023-11", "--date", "2023-12-04")
        self.run("年终：汇总全年、确定优秀预备人选（方案取自档案）", "quota", "--year", "2023")
        self.run("公示年度优秀预备人选", "notice", "--publicize", "--period", "2023", "--date", "2024-01-10")
        self.run("查看某人的考核记录", "history", "梁婉馨")

    def other_unit(self, u: _Unit) -> None:
        """Another scheme's sample unit in its own workspace (subfolder)."""
        self._section(f"{u.unit_name}（方案 {u.scheme}）")
        self._enter(u)
        books = self._copy_samples(u, "数据")
        if u.scheme == "caizheng":
            self._copy_file(Path(u.samples) / "messy" / "2023-03.xlsx", Path("数据/2023-03-不规范.xlsx"))
            self.run("检查格式不规范的三月工作簿（标题行、同义表头、合并单元格、合计行）",
                     "check", "数据/2023-03-不规范.xlsx", "--period", "2023-03")
        self.run("评分", "score", *[f"数据/{b.name}" for b in books], "-o", "结果")
        if u.scheme == "caizheng":
            export = self._copy_file(Path("exports") / "钉钉月度汇总-2023-03.xlsx", Path("数据/钉钉月度汇总-2023-03.xlsx"))
            self.run("识别钉钉考勤导出", "check", f"数据/{export.name}")
            self.run("用钉钉考勤导出代替考勤表评分三月（不存档）", "score", "数据/2023-03.xlsx", "--attendance",
                     f"数据/{export.name}", "--no-archive", "-o", "结果/2023-03-钉钉考勤-考核结果.xlsx")
            self.run("一季度汇总：名额与并列待定", "quota", "--quarter", "2023Q1")
            self.run("名额边缘仍有并列待定：先生成公示征求意见稿，供集体研究会议使用", "notice", "--publicize",
                     "--period", "2023Q1", "--date", "2023-04-03", "--draft")
            self._decide_ties("2023Q1")
            self.run("查看已记录的集体研究决定", "decide", "--period", "2023Q1", "--list")
            self.run("公示一季度拟确定的优秀、先进工作者", "notice", "--publicize", "--period", "2023Q1", "--date", "2023-04-06")
        elif u.scheme in ("jinjiang", "gonghui"):
            self.run("年度汇总", "quota", "--year", "2023")

    # -- helpers --------------------------------------------------------------------------

    def run(self, title: str, *args: str) -> None:
        """Run one kaohe command here, as typed, and list the files it made."""
        from kaohe_cli.cli.main import app

        self.step += 1
        shown = " ".join(a if " " not in a else f'"{a}"' for a in ("kaohe",) + args)
        console.print(f"\n[bold]第 {self.step} 步 {escape(title)}[/]\n[cyan]$ {escape(shown)}[/]")
        before = self._files()
        code = app(args=list(args), prog_name="kaohe", standalone_mode=False)
        if code not in (None, 0):
            console.print(f"[bold red]演示在第 {self.step} 步中止：命令退出码 {code}[/]")
            raise typer.Exit(code if isinstance(code, int) else 1)
        self._report(before)

    def _section(self, title: str) -> None:
        console.rule(f"[bold]{escape(title)}[/]")

    def _enter(self, u: _Unit) -> None:
        where = self.root / u.folder if u.folder else self.root
        where.mkdir(parents=True, exist_ok=True)
        os.chdir(where)
        self.run("建立工作区 kaohe.toml：单位名称、方案、公示联系方式", "init", ".", "--unit-name", u.unit_name,
                 "--scheme", u.scheme, "--contact-person", "王建华", "--contact-phone", "0000-12345678",
                 "--contact-address", "机关三楼人事科", "--posted-at", "机关一楼公示栏")

    def _copy_samples(self, u: _Unit, to: str) -> list[Path]:
        from kaohe_cli.packaged import sample_dir

        books = sorted(p for p in (sample_dir() / u.samples).glob("*.xlsx"))
        Path(to).mkdir(exist_ok=True)
        for b in books:
            shutil.copyfile(b, Path(to) / b.name)
        console.print(f"已复制示例工作簿 {len(books)} 个到 {escape(str(Path.cwd() / to))}")
        return books

    def _copy_file(self, packaged: Path, to: Path) -> Path:
        from kaohe_cli.packaged import sample_dir

        to.parent.mkdir(exist_ok=True)
        shutil.copyfile(sample_dir() / packaged, to)
        return to

    def _corrected_copy(self, source: Path, target: Path) -> str:
        """A copy of `source` with the last work-log row removed, as a clerk's correction."""
        import openpyxl

        book = openpyxl.load_workbook(source)
        sheet = book["记实"]
        row = sheet.max_row
        what = "、".join(str(c.value) for c in sheet[row][:3] if c.value not in (None, ""))
        sheet.delete_rows(row)
        book.save(target)
        return f"记实!第{row}行：{what}"

    def _decide_ties(self, period: str) -> None:
        """Record the committee's decision for every tie at a quota edge of `period`.

        The demo plays the committee: it gives each contested place to the first of the tied
        (roster order), as many as the places, then records them all in one `kaohe decide`.
        """
        from kaohe_cli.app.quota import compute
        from kaohe_cli.app.config import load_config
        from kaohe_cli.domain.period import parse_period
        from kaohe_cli.app.run_scheme import scheme_for

        cfg = load_config()
        target = parse_period(period)
        db = cfg.archive_path()
        scheme = scheme_for(db, target, None, cfg)
        chosen: dict[str, list[str]] = {}
        for _ in range(50):  # each round settles one tie; a tie needs at most its size in rounds
            trial = {s: {"grade": "、".join(g)} for s, g in chosen.items()}
            result = compute(db, scheme, target, quotas=dict(cfg.quotas), decisions=trial)
            open_ties = [(g, [m for m in members if g not in chosen.get(m, [])]) for g, members in result.ties]
            open_ties = [(g, m) for g, m in open_ties if m]
            if not open_ties:
                break
            grade, members = open_ties[0]
            chosen.setdefault(members[0], []).append(grade)
        if not chosen:
            return
        choices = [f"{s}={'、'.join(g)}" for s, g in chosen.items()]
        self.run("集体研究决定名额边缘的并列待定（演示中由排在前面的人获得名额）",
                 "decide", "--period", period, *choices, "--note", "局党组会议纪要〔2023〕5号")

    def _files(self) -> dict[Path, float]:
        return {p: p.stat().st_mtime for p in self.root.rglob("*") if p.is_file() and not _hidden(p, self.root)}

    def _report(self, before: dict[Path, float]) -> None:
        after = self._files()
        made = sorted(p for p, t in after.items() if before.get(p) != t)
        if not made:
            return
        console.print(f"[green]本步写出 {len(made)} 个文件：[/]")
        for p in made[:_SHOWN_FILES]:
            console.print(f"  {escape(str(p.relative_to(self.root)))}")
        if len(made) > _SHOWN_FILES:
            console.print(f"  ……另有 {len(made) - _SHOWN_FILES} 个")


def _hidden(path: Path, root: Path) -> bool:
    """The archive's journal files and temporary folders are not what a step made."""
    rel = path.relative_to(root)
    return any(part.startswith(".") for part in rel.parts) or path.name.endswith(("-wal", "-shm", "-journal", "-verified"))

