"""`make look`: render what kaohe makes, as a person would see it on paper.

Runs `kaohe demo` into look_out/demo (unless it is there already), then converts its result
workbook, annual workbook, input template and every kind of notice to PDF with LibreOffice,
and each PDF page to a PNG (pdftoppm), under look_out/. Needs LibreOffice (soffice) and
poppler-utils (pdftoppm); on Debian: apt-get install libreoffice-calc-nogui
libreoffice-writer-nogui fonts-noto-cjk poppler-utils. This is a developer's tool, not part
of kaohe: the package never shells out for its own work.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "look_out"

# What to look at, relative to the demo folder: one of each kind of output.
PICKS = [
    "结果/2023-03-考核结果.xlsx",
    "2023-zhujian-年度汇总.xlsx",
    "模板/输入模板.xlsx",
    "notices/2023/公示-2023.docx",
    "notices/2023-03/公示-2023-03.docx",
    "notices/2023-03/结果反馈-合并-2023-03.docx",
    "财政局/notices/2023Q1/公示-2023Q1-征求意见稿.docx",
    "财政局/结果/2023-03-考核结果.xlsx",
]


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        print("需要 LibreOffice（soffice）和 pdftoppm：apt-get install libreoffice-calc-nogui "
              "libreoffice-writer-nogui fonts-noto-cjk poppler-utils", file=sys.stderr)
        return 1
    demo = OUT / "demo"
    if not demo.exists():
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "kaohe_cli", "demo", str(demo)], check=True,
                       stdout=subprocess.DEVNULL)
    pdf_dir, png_dir = OUT / "pdf", OUT / "png"
    for d in (pdf_dir, png_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    for rel in PICKS:
        src = demo / rel
        if not src.exists():
            print(f"没有 {rel}，跳过", file=sys.stderr)
            continue
        stem = rel.replace("/", "_").rsplit(".", 1)[0]
        staged = pdf_dir / f"{stem}{src.suffix}"
        shutil.copyfile(src, staged)
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(pdf_dir), str(staged)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        staged.unlink()
        subprocess.run([pdftoppm, "-png", "-r", "70", str(pdf_dir / f"{stem}.pdf"), str(png_dir / stem)], check=True)
    pages = sorted(png_dir.glob("*.png"))
    print(f"{len(pages)} 页，在 {png_dir.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
