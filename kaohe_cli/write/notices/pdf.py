"""Notices to PDF through LibreOffice (`soffice --headless --convert-to pdf`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kaohe_cli.errors import ConverterMissing, KaoheError

PDF_TIMEOUT_SECONDS = 180


def _install_candidates() -> list[Path]:
    """Where LibreOffice usually lives when it is not on PATH (Windows, macOS)."""
    roots = [os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)")]
    roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
    found = [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
    found.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    return found


def find_soffice() -> Path | None:
    """The LibreOffice executable: on PATH, or in its usual Windows or macOS place."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for candidate in _install_candidates():
        if candidate.is_file():
            return candidate
    return None


def to_pdfs(docx_paths: Iterable[Path], out_dir: Path) -> list[Path]:
    """Convert several documents to PDF in one LibreOffice run; return the PDF paths."""
    docx_paths = [Path(p) for p in docx_paths]
    if not docx_paths:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise ConverterMissing(
            "未找到 LibreOffice，无法转换为 PDF",
            "请安装 LibreOffice（https://zh-cn.libreoffice.org/download/ ；"
            "Linux 可用 apt install libreoffice-writer），或去掉 --pdf，"
            "直接用 Word/WPS 打开 .docx 另存为 PDF",
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A private profile: a running LibreOffice window would otherwise swallow the job.
    with tempfile.TemporaryDirectory(prefix="kaohe-lo-") as profile:
        cmd = [
            str(soffice),
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *[str(p) for p in docx_paths],
        ]
        try:
            result = subprocess.run(
                cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise KaoheError(
                f"LibreOffice 转换 PDF 超时（超过 {PDF_TIMEOUT_SECONDS} 秒）",
                "请关闭所有 LibreOffice 窗口后重试",
            ) from exc
        except OSError as exc:
            raise ConverterMissing(
                f"无法启动 LibreOffice：{soffice}", "请重新安装 LibreOffice"
            ) from exc
    pdfs = [out_dir / (p.stem + ".pdf") for p in docx_paths]
    missing = [p.name for p in pdfs if not p.is_file()]
    if result.returncode != 0 or missing:
        said = (result.stderr or result.stdout or "").strip().splitlines()
        hint = "可用 Word 或 WPS 打开 .docx 另存为 PDF"
        if said:
            hint += f"；LibreOffice 提示：{said[-1]}"
        raise KaoheError(
            "LibreOffice 未能生成 PDF：" + "、".join(missing or [p.name for p in pdfs]),
            hint,
        )
    return pdfs


def to_pdf(docx_path: Path, out_dir: Path) -> Path:
    """Convert one document to PDF in `out_dir` through LibreOffice; return the PDF path."""
    return to_pdfs([docx_path], out_dir)[0]
