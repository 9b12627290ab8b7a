"""Hostile files through the command line: `kaohe check` and `kaohe score` refuse them fast.

Every file is built inside its test. For each one both commands run in an empty folder
(the current directory, so the default archive `kaohe.db` and the default output beside
the input would land there) and must:

- exit 1 with a Chinese message that names the file, and no traceback;
- write nothing: the folder holds exactly what it held before (no output, no kaohe.db);
- finish within a generous bound (CI shares two cores; the point is "no hang, no blow-up").

The .xlsm with a macro project and an external link is the exception: it is read like any
workbook (cached values only, nothing run or fetched) and scores normally.
"""

from __future__ import annotations

import io
import json
import re
import struct
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from tests.helpers import fail_sheet_in_reading, write_book

TIME_BOUND = 10.0  # seconds per command; generous on purpose
SCHEME = ["--scheme", "zhujian", "--period", "2023-03"]
CJK = re.compile(r"[\u4e00-\u9fff]")

ROSTER = [["工号", "姓名", "科室", "分管领导"], ["001", "张三", "办公室", "王局"], ["002", "李四", "办公室", "王局"]]
ATTENDANCE = [["工号", "姓名", "迟到"], ["001", "张三", 0], ["002", "李四", 1]]


# ---------------------------------------------------------------------------------------
# builders


def valid_book(path: Path) -> Path:
    """A clean zhujian month: two people, one late arrival."""
    return write_book(path, {"人员": ROSTER, "考勤": ATTENDANCE})


def rezip(src: Path, dst: Path, *, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> Path:
    """Copy the zip `src` to `dst`, replacing some parts and adding others."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in replace:
                data = replace[info.filename]
            zout.writestr(info.filename, data)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def sheet_part(book: Path, sheet: str) -> str:
    """The zip part of `sheet` in a book written by xlsxwriter (sheets are numbered in order)."""
    return f"xl/worksheets/sheet{['人员', '考勤'].index(sheet) + 1}.xml"


def entity_bomb_prolog(root: str) -> str:
    """A DOCTYPE whose last entity expands to 10**9 copies of 'lol' (billion laughs)."""
    lines = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        lines.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    return f"<!DOCTYPE {root} [" + "".join(lines) + "]>"


def with_prolog(xml: str, prolog: str) -> bytes:
    """Insert `prolog` after the XML declaration of `xml`."""
    decl_end = xml.index("?>") + 2
    return (xml[:decl_end] + "\n" + prolog + xml[decl_end:]).encode("utf-8")


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors) holding up to three streams.

    Streams are padded to the 4096-byte mini-stream cutoff so that all of them live in
    regular sectors: sector 0 is the FAT, sector 1 the directory, data follows.
    """
    assert 1 <= len(streams) <= 3
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fatsect, end]
    data = b""
    placed = []
    for name, blob in streams.items():
        blob = blob.ljust(4096, b"\0")
        count = -(-len(blob) // 512)
        first = len(fat)
        fat += [first + i + 1 for i in range(count - 1)] + [end]
        data += blob.ljust(count * 512, b"\0")
        placed.append((name, first, len(blob)))
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            raw, len(raw), kind, 1, free, right, child, b"\0" * 16, 0, 0, 0, start, size,
        )

    directory = entry("Root Entry", 5, free, 1, end, 0)
    for i, (name, start, size) in enumerate(placed, start=1):
        directory += entry(name, 2, i + 1 if i < len(placed) else free, free, start, size)
    directory = directory.ljust(512, b"\0")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, 1, 1, 0, 4096, end, 0, end, 0,
    ) + struct.pack("<109I", 0, *([free] * 108))
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + data


# ---------------------------------------------------------------------------------------
# running the commands


@pytest.fixture()
def here(tmp_path, monkeypatch) -> Path:
    """An empty folder that is the current directory (no kaohe.toml, default kaohe.db)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def flat(text: str) -> str:
    """Command output with rich's line wrapping undone."""
    return text.replace("\n", "")


def run(args: list[str]):
    started = time.monotonic()
    res = CliRunner().invoke(app, args)
    return res, time.monotonic() - started


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def assert_refused_by_both(folder: Path, name: str, *words: str) -> None:
    """check and score: exit 1, Chinese message naming the file, nothing written, fast."""
    before = listing(folder)
    for args in (["check", name, *SCHEME], ["score", name, *SCHEME], ["score", name, *SCHEME, "--json"]):
        res, seconds = run(args)
        text = flat(res.output)
        assert res.exit_code == 1, (args, res.output)
        assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
        assert "Traceback" not in text
        assert name in text, text
        assert CJK.search(text.replace(name, "")), text
        for word in words:
            assert word in text, (word, text)
        assert listing(folder) == before, f"{args[0]} wrote something"
        assert seconds < TIME_BOUND, f"{args[0]} took {seconds:.1f} s"


# ---------------------------------------------------------------------------------------
# entity bombs


@pytest.mark.parametrize("where", ["sharedStrings", "sheet"])
def test_billion_laughs(here, where):
    src = valid_book(here / "src.xlsx")
    if where == "sharedStrings":
        name = "xl/sharedStrings.xml"
        xml = part(src, name)
        bomb = with_prolog(xml.replace("<t>张三</t>", "<t>&lol9;</t>"), entity_bomb_prolog("sst"))
    else:
        name = sheet_part(src, "人员")
        xml = part(src, name)
        cell = '<c r="F1" t="inlineStr"><is><t>&lol9;</t></is></c>'
        xml = xml.replace("</row>", cell + "</row>", 1)
        bomb = with_prolog(xml, entity_bomb_prolog("worksheet"))
    assert b"&lol9;" in bomb
    rezip(src, here / "实体炸弹.xlsx", replace={name: bomb})
    src.unlink()
    assert_refused_by_both(here, "实体炸弹.xlsx", "实体", name.rsplit("/", 1)[-1])


# ---------------------------------------------------------------------------------------
# zip containers


def test_zip_bomb_by_declared_size(here):
    """Two parts that claim 1.5 GiB each (total 3 GiB): refused from the directory alone.

    Compressing gigabytes of zeros would make the test slow; the sizes are forged in the
    local and central headers instead, which is all the size check may look at.
    """
    src = valid_book(here / "src.xlsx")
    data = bytearray(src.read_bytes())
    src.unlink()
    forged = {b"xl/sharedStrings.xml", b"xl/worksheets/sheet1.xml"}
    claim = 3 << 29  # 1.5 GiB
    patched = 0
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + name_len]) in forged:
            struct.pack_into("<I", data, pos + 24, claim)  # central: uncompressed size
            local = struct.unpack_from("<I", data, pos + 42)[0]
            struct.pack_into("<I", data, local + 22, claim)  # local header: the same
            patched += 1
        pos = data.find(b"PK\x01\x02", pos + 46)
    assert patched == 2
    (here / "压缩炸弹.xlsx").write_bytes(bytes(data))
    with zipfile.ZipFile(here / "压缩炸弹.xlsx") as z:
        assert sum(i.file_size for i in z.infolist()) > 1 << 30
    assert_refused_by_both(here, "压缩炸弹.xlsx", "1 GiB", "压缩炸弹")


def test_truncated_zip(here):
    data = valid_book(here / "src.xlsx").read_bytes()
    (here / "src.xlsx").unlink()
    (here / "半截.xlsx").write_bytes(data[: len(data) * 2 // 3])
    assert_refused_by_both(here, "半截.xlsx", "损坏")


def test_corrupt_zip(here):
    """The deflated data of the roster sheet is overwritten; the zip directory is intact."""
    src = valid_book(here / "src.xlsx")
    data = bytearray(src.read_bytes())
    src.unlink()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 2, start + info.compress_size - 2):
        data[i] ^= 0x5A
    (here / "损坏.xlsx").write_bytes(bytes(data))
    assert_refused_by_both(here, "损坏.xlsx", "损坏")


# ---------------------------------------------------------------------------------------
# not a readable workbook


def test_password_protected(here):
    """What Excel writes for "encrypt with password": an OLE2 file with EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack("<Q", 9000) + bytes(range(256)) * 20
    (here / "加密.xlsx").write_bytes(cfb({"EncryptionInfo": info, "EncryptedPackage": package}))
    assert_refused_by_both(here, "加密.xlsx", "加密", "取消密码")


def test_png_renamed_xlsx(here):
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\0" * 17 + b"\0" * 200
    (here / "照片.xlsx").write_bytes(png)
    assert_refused_by_both(here, "照片.xlsx", "PNG")


def test_text_renamed_xlsx(here):
    (here / "名单.xlsx").write_text("工号,姓名,科室\n001,张三,办公室\n", encoding="utf-8")
    assert_refused_by_both(here, "名单.xlsx", "文本", ".csv")


# ---------------------------------------------------------------------------------------
# absurd dimensions


def test_absurd_declared_dimension_is_read_normally(here):
    """`<dimension ref="A1:XFD1048576"/>` with a few cells: calamine ignores the claim.

    Current behaviour: the workbook is read as the cells it really has, so check passes
    and score works (quickly) with the right result.
    """
    src = valid_book(here / "src.xlsx")
    name = sheet_part(src, "人员")
    xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', part(src, name))
    assert 'ref="A1:XFD1048576"' in xml
    rezip(src, here / "2023-03.xlsx", replace={name: xml.encode()})
    src.unlink()
    res, seconds = run(["check", "2023-03.xlsx", *SCHEME])
    assert res.exit_code == 0, res.output
    assert seconds < TIME_BOUND
    res, seconds = run(["score", "2023-03.xlsx", *SCHEME, "-o", "out.xlsx", "--json"])
    assert res.exit_code == 0, res.output
    assert seconds < TIME_BOUND
    report = json.loads(res.stdout)
    assert report["subjects"] == 2
    assert {p["subject"]: p["total"] for p in report["top"]} == {"001": "100.00", "002": "99.00"}
    assert (here / "out.xlsx").exists() and (here / "kaohe.db").exists()


def test_absurd_real_used_range_is_refused(here):
    """A single real cell at XFD1048576 would make the used range 17 billion cells."""
    src = valid_book(here / "src.xlsx")
    name = sheet_part(src, "人员")
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    xml = part(src, name).replace("</sheetData>", far + "</sheetData>")
    rezip(src, here / "远处.xlsx", replace={name: xml.encode()})
    src.unlink()
    assert_refused_by_both(here, "远处.xlsx", "使用范围过大", "XFD1048576")


# ---------------------------------------------------------------------------------------
# macros and external links: read, never run


def macro_book_with_external_link(folder: Path, canary: Path, source: Path) -> Path:
    """An .xlsm whose vbaProject would create `canary` on open, and whose 考勤 cell C3
    is a formula into the external workbook `source` with the cached value 2."""
    vba = cfb({"PROJECT": (
        'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisWorkbook/&H00000000\r\n'
        f'Sub Auto_Open()\r\n  Open "{canary}" For Output As #1\r\n  Close #1\r\nEnd Sub\r\n'
    ).encode("utf-8")})
    path = folder / "宏.tmp.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    for sheet, rows in (("人员", ROSTER), ("考勤", ATTENDANCE)):
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, int):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, v)
    wb.get_worksheet_by_name("考勤").write_formula("C3", "=[1]Sheet1!$A$1", None, 2)
    wb.close()

    ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    link = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{ns}"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>2</v></cell></row>'
        "</sheetData></sheetDataSet></externalBook></externalLink>"
    )
    link_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/externalLinkPath" Target="{source.as_uri()}" '
        'TargetMode="External"/></Relationships>'
    )
    workbook = part(path, "xl/workbook.xml").replace(
        "</sheets>", '</sheets><externalReferences><externalReference r:id="rIdX1"/></externalReferences>'
    )
    rels = part(path, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        f'<Relationship Id="rIdX1" Type="{ns}/externalLink" Target="externalLinks/externalLink1.xml"/>'
        "</Relationships>",
    )
    types = part(path, "[Content_Types].xml").replace(
        "</Types>",
        '<Override PartName="/xl/externalLinks/externalLink1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
    )
    out = rezip(
        path, folder / "2023-03.xlsm",
        replace={"xl/workbook.xml": workbook.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                 "[Content_Types].xml": types.encode()},
        add={"xl/externalLinks/externalLink1.xml": link.encode(),
             "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()},
    )
    path.unlink()
    return out


def test_xlsm_with_macro_and_external_link_scores_without_running_anything(here):
    canary = here / "macro-ran.txt"
    source = here / "外部来源.xlsx"  # never created: an attempt to fetch it would fail loudly
    book = macro_book_with_external_link(here, canary, source)
    with zipfile.ZipFile(book) as z:
        names = set(z.namelist())
    assert {"xl/vbaProject.bin", "xl/externalLinks/externalLink1.xml"} <= names
    assert "externalReference" in part(book, "xl/workbook.xml")

    res, seconds = run(["check", book.name, *SCHEME])
    assert res.exit_code == 0, res.output
    assert seconds < TIME_BOUND
    res, seconds = run(["score", book.name, *SCHEME, "-o", "结果.xlsx", "--json"])
    assert res.exit_code == 0, res.output
    assert seconds < TIME_BOUND
    assert "Traceback" not in res.output

    report = json.loads(res.stdout)
    # 李四's 迟到 is the cached value of the external formula (2), not a re-evaluation.
    assert {p["subject"]: p["total"] for p in report["top"]} == {"001": "100.00", "002": "98.00"}
    assert not canary.exists() and not source.exists()
    with zipfile.ZipFile(here / "结果.xlsx") as z:
        out_names = z.namelist()
    assert not [n for n in out_names if "vba" in n.lower() or "externallink" in n.lower()]
    assert (here / "kaohe.db").exists()


# ---------------------------------------------------------------------------------------
# a sheet that fails while the rest of the file is already being worked on


def test_sheet_failing_in_the_background_read_is_refused_cleanly(here, monkeypatch):
    """score parses the biggest sheet last, in a background thread, while it reads the roster:
    a failure there is still exit 1, the file and sheet named, nothing written."""
    valid_book(here / "月报.xlsx")
    fail_sheet_in_reading(monkeypatch, "考勤", "row 3: bad cell")
    assert_refused_by_both(here, "月报.xlsx", "考勤", "无法读取")
