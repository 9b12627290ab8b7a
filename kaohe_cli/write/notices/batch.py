"""One run's notices on disk: every letter rendered into a staging folder, one at a time,
converted to PDF when asked, then published as a set (`publish.py`).

The template is read and compiled once; each letter is written before the next is rendered
(the merged document too, letter by letter), so memory does not grow with the number of
people. Nothing is published until every file is ready.
"""

from __future__ import annotations

from pathlib import Path

from kaohe_cli.errors import ConverterMissing
from kaohe_cli.write.notices.pdf import find_soffice, to_pdfs
from kaohe_cli.write.notices.publish import refuse_existing, staging
from kaohe_cli.write.notices.template import NoticeTemplate

PDF_BATCH = 50  # documents per LibreOffice run (keeps the command line short on Windows)


def _require_soffice() -> None:
    if find_soffice() is None:
        raise ConverterMissing(
            "未找到 LibreOffice，无法转换为 PDF，未写出任何文件",
            "请安装 LibreOffice（https://zh-cn.libreoffice.org/download/），"
            "或去掉 --pdf，再用 Word/WPS 打开 .docx 另存为 PDF",
        )


def write_notices(
    template: Path, jobs: list[tuple[str, dict]], out_dir: Path, *, merged_stem: str,
    merge: bool = False, html: bool = False, pdf: bool = False, force: bool = False,
) -> tuple[list[Path], list[Path], list[Path]]:
    """Render `jobs` (file stem, context) one at a time into a stage, then publish them in
    `out_dir` as a set: (docx, html, pdf) as published.

    With `merge`, all letters go into one document `<merged_stem>.docx`, each a section
    numbered from 1. `html` adds a preview beside each document, `pdf` a PDF (LibreOffice).
    An existing file is refused without `force`, before any work is done."""
    docx_names = [f"{merged_stem}.docx"] if merge else [f"{stem}.docx" for stem, _ in jobs]
    suffixes = [".docx"] + ([".html"] if html else []) + ([".pdf"] if pdf else [])
    names = [Path(n).stem + s for n in docx_names for s in suffixes]
    refuse_existing(out_dir, names, force)  # before doing any work
    if pdf:
        _require_soffice()
    compiled = NoticeTemplate(template)  # read once; a broken template fails before any folder
    with staging(out_dir) as stage:
        folder = stage.path
        if merge:
            target = folder / docx_names[0]
            compiled.write_merged(
                (ctx for _, ctx in jobs), target, restart_page_numbers=True,
                html=target.with_suffix(".html") if html else None, expected=len(jobs),
            )
            rendered = [target]
        else:
            rendered = []
            for stem, ctx in jobs:  # each letter is on disk before the next is rendered
                target = folder / f"{stem}.docx"
                compiled.write(ctx, target, html=target.with_suffix(".html") if html else None)
                rendered.append(target)
        if pdf:
            for i in range(0, len(rendered), PDF_BATCH):
                to_pdfs(rendered[i : i + PDF_BATCH], folder)
        finals = stage.publish(names, force)
    return ([f for f in finals if f.suffix == ".docx"], [f for f in finals if f.suffix == ".html"],
            [f for f in finals if f.suffix == ".pdf"])
