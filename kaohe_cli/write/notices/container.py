"""The .docx zip container: parts deflated once and copied into every letter, and saving a
document atomically.

A letter is a small zip of about 16 parts, all but one or two the same in every letter.
`zipfile` cannot copy a compressed member, so letters are written here: each unchanging
part is deflated once, the rest per letter, with sizes in the local headers (no data
descriptors, no zip64: a letter is far below 4 GB). The merged document goes through
`zipfile` (`merge.stream_merge`), which streams its one large member.
"""

from __future__ import annotations

import os
import secrets
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kaohe_cli.errors import KaoheError

DOCUMENT = "word/document.xml"  # the main part, which holds the letter's body


def atomic_write(out: Path, save: Callable[[str], None]) -> None:
    """Save through a temporary file in `out`'s directory, then replace `out` in one step."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name (not mkstemp, whose 0600 mode would stick to the result).
    tmp = str(out.parent / f".{out.stem}.{secrets.token_hex(6)}.tmp")
    try:
        save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise KaoheError(
            f"无法写入 {out.name}（{exc.strerror or exc}）",
            "如该文件正在 Word 或 WPS 中打开，请关闭后重试；并确认目录可写、磁盘有空间",
            where=str(out.parent),
        ) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass(frozen=True)
class ZipEntry:
    """One part of a letter, deflated: written into every letter as it is."""

    name: bytes
    crc: int
    data: bytes  # raw deflate
    size: int

    @classmethod
    def of(cls, name: str, raw: bytes) -> "ZipEntry":
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name.encode("ascii"), zlib.crc32(raw), packer.compress(raw) + packer.flush(), len(raw))


def _dos_time(when: tuple) -> tuple[int, int]:
    year, month, day, hour, minute, second = when
    return (hour << 11) | (minute << 5) | (second // 2), ((max(year, 1980) - 1980) << 9) | (month << 5) | day


def zip_bytes(entries: list[ZipEntry], when: tuple) -> bytes:
    """A zip file of `entries`, in that order, each dated `when` (a `time.localtime()[:6]`)."""
    dos_time, dos_date = _dos_time(when)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        head = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, dos_time, dos_date,
                           e.crc, len(e.data), e.size, len(e.name), 0)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, dos_time, dos_date,
                                   e.crc, len(e.data), e.size, len(e.name), 0, 0, 0, 0, 0, offset)
                       + e.name)
        out += (head, e.name, e.data)
        offset += len(head) + len(e.name) + len(e.data)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end
