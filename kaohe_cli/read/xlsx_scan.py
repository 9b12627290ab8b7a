"""Bound each worksheet of an .xlsx by scanning its XML, streaming, before calamine parses it.

A fast scan (a few regular-expression passes at C speed) handles the markup Excel and common
writers produce; anything it does not model falls back to an exact scan that follows
calamine's own rules for cell positions. Both also list formula cells without a cached value.
"""

from __future__ import annotations

import posixpath
import re
import zipfile

from kaohe_cli.read.scan import Scan, check_cells, chunks


def scan_xlsx(
    zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], label: str, max_cells: int
) -> dict[str, Scan]:
    """Scan every worksheet part; return scans keyed by sheet name (where known)."""
    sheet_parts = _xlsx_sheet_parts(zf, names)
    by_part: dict[str, str] = {part: name for name, part in sheet_parts}
    parts = [p for _, p in sheet_parts if p in names]
    parts += [
        n for n in names if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")
    ]
    scans: dict[str, Scan] = {}
    for part in dict.fromkeys(parts):
        sheet = by_part.get(part, "")
        scan = _scan_sheet_xml(zf, names[part], label, sheet, max_cells)
        scan.size = names[part].file_size
        if sheet:
            scans[sheet] = scan
    return scans


def _xlsx_sheet_parts(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> list[tuple[str, str]]:
    """(sheet name, part path) from xl/workbook.xml and its relationships; [] if unclear."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels_root = ElementTree.fromstring(zf.read(rels_name)) if rels_name in names else None
    except Exception:  # noqa: BLE001 - calamine reports a broken workbook.xml itself
        return []
    targets: dict[str, str] = {}
    if rels_root is not None:
        for el in rels_root.iter():
            if el.tag.rsplit("}", 1)[-1] == "Relationship" and el.get("Id"):
                targets[el.get("Id")] = el.get("Target") or ""
    out = []
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rid or "")
        if not target:
            continue
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = posixpath.normpath(posixpath.join("xl", target))
        out.append((el.get("name") or "", part))
    return out


# The fast scan reads only cells written `<c r="A1" …>`; anything else (no `r`, another quote
# style or spacing, lowercase or odd references, a namespace prefix) gets the exact scan.
_PREFIXED = re.compile(rb":(?:c|row|sheetData)[\s/>]")
_REF_AT = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*>')
# <f>…</f> followed by no or an empty <v>, then </c>: a formula with no cached value.
_F_NO_VALUE = re.compile(rb"<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v\s*>\s*</v>)?\s*</c>")
_T_STR = re.compile(rb'\st="str"')
# Rows are bounded by their digit count in the fast scan (rows < 10**digits); when that bound
# times the exact width exceeds this many times max_cells, the rows are bounded exactly.
_ROW_BOUND_SLACK = 4


def _letters_upto(s: str) -> str:
    """Regex for column letters that do not come after `s`."""
    n = len(s)
    alts = [f"[A-Z]{{1,{n - 1}}}"] if n > 1 else []
    for i, ch in enumerate(s):
        if ch > "A":
            rest = n - i - 1
            alts.append(s[:i] + f"[A-{chr(ord(ch) - 1)}]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    alts.append(s)
    return "(?:" + "|".join(alts) + ")"


def _digits_above(s: str) -> str:
    """Regex for row numbers greater than `s` (a number without leading zeros)."""
    n = len(s)
    alts = [f"[1-9][0-9]{{{n},}}"]
    for i, ch in enumerate(s):
        if ch < "9":
            rest = n - i - 1
            alts.append(s[:i] + f"[{chr(ord(ch) + 1)}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "0*(?:" + "|".join(alts) + ")"


def _beyond_pattern(col: str, digits: int) -> re.Pattern[bytes]:
    """A cell tag that is odd, or whose column is after `col` or whose row has more digits."""
    if not col:
        return re.compile(rb"<c[\s/>]")
    normal = f'{_letters_upto(col)}[0-9]{{1,{max(digits, 1)}}}"'
    return re.compile(f'<c(?: r="(?!{normal})|(?! r=")[\\s/>])'.encode())


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


class _NeedExact(Exception):
    """The fast scan met markup it does not model; use the exact scan."""


def _scan_sheet_xml(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, sheet: str, max_cells: int
) -> Scan:
    try:
        return _scan_sheet_fast(zf, info, label, sheet, max_cells)
    except _NeedExact:
        return _scan_sheet_exact(zf, info, label, sheet, max_cells)


def _scan_sheet_fast(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, sheet: str, max_cells: int
) -> Scan:
    """Bound the used range and find formulas without values in a few C-speed passes.

    The search pattern only matches a cell whose column is after the widest seen so far, whose
    row number has more digits than any seen so far, or whose markup is unusual; for an
    ordinary sheet it matches a handful of times. The width found is exact; the height is
    bounded by its digit count, and made exact by a second pass only when that matters.
    """
    scan = Scan()
    col_s, digits = "", 0
    pattern = _beyond_pattern(col_s, digits)
    for chunk in chunks(zf, info, b"</c>"):
        if _PREFIXED.search(chunk):
            raise _NeedExact
        pos = 0
        while True:
            m = pattern.search(chunk, pos)
            if m is None:
                break
            ref = _REF_AT.match(chunk, m.start())
            if ref is None:
                raise _NeedExact
            pos = m.end()
            if ref.group(0).endswith(b"/>"):
                continue  # an empty (formatted) cell: calamine skips it too
            for hit in (ref, _last_cell_ref(chunk)):
                if hit is None:
                    continue
                letters, number = hit.group(1).decode(), hit.group(2).lstrip(b"0")
                if (len(letters), letters) > (len(col_s), col_s):
                    col_s = letters
                digits = max(digits, len(number))
                scan.max_col = max(scan.max_col, _col_index(letters))
                scan.max_row = max(scan.max_row, int(number or b"0") - 1)
            check_cells(scan, label, sheet, max_cells)
            pattern = _beyond_pattern(col_s, digits)
        for m in _F_NO_VALUE.finditer(chunk):
            start = chunk.rfind(b"<c ", 0, m.start())
            ref = _REF_AT.match(chunk, start) if start >= 0 else None
            if ref is None:
                continue
            if b"<v" in m.group(0) and _T_STR.search(ref.group(0)):
                continue  # t="str" with an empty <v>: the cached value is ""
            scan.formulas.append((int(ref.group(2)) - 1, _col_index(ref.group(1).decode())))
    if scan.max_col >= 0 and 10**digits * (scan.max_col + 1) > _ROW_BOUND_SLACK * max_cells:
        scan.max_row = _exact_max_row(zf, info, scan.max_row)
        check_cells(scan, label, sheet, max_cells)
    return scan


def _exact_max_row(zf: zipfile.ZipFile, info: zipfile.ZipInfo, known: int) -> int:
    """The largest row of any non-empty cell (all cells are known to be `<c r="A1" …>`)."""
    row_s = str(known + 1) if known >= 0 else "0"
    pattern = re.compile(f'<c r="[A-Z]+{_digits_above(row_s)}"[^>/]*>'.encode())
    for chunk in chunks(zf, info, b"</c>"):
        pos = 0
        while True:
            m = pattern.search(chunk, pos)
            if m is None:
                break
            for hit in (_REF_AT.match(chunk, m.start()), _last_cell_ref(chunk)):
                if hit is not None and not hit.group(0).endswith(b"/>"):
                    number = hit.group(2).lstrip(b"0").decode() or "0"
                    if (len(number), number) > (len(row_s), row_s):
                        row_s = number
            pattern = re.compile(f'<c r="[A-Z]+{_digits_above(row_s)}"[^>/]*>'.encode())
            pos = m.end()
    return int(row_s) - 1


def _last_cell_ref(chunk: bytes) -> re.Match[bytes] | None:
    end = len(chunk)
    for _ in range(64):
        i = chunk.rfind(b'<c r="', 0, end)
        if i < 0:
            return None
        m = _REF_AT.match(chunk, i)
        if m and not m.group(0).endswith(b"/>"):
            return m
        end = i
    return None


_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|v|f|is|sheetData)(?=[\s/>])([^>]*?)(/?)>")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_ATTR_T_STR = re.compile(rb"""(?:^|\s)t\s*=\s*["']str["']""")


def _scan_sheet_exact(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, sheet: str, max_cells: int
) -> Scan:
    """Follow calamine's own rules for cell positions (explicit `r`, else counted)."""
    scan = Scan()
    row_i = col_i = 0
    in_cell = False
    pos: tuple[int, int] | None = None
    has_f = has_v = t_str = v_seen = False
    for chunk in chunks(zf, info, b">"):
        text_from = 0
        for m in _TAG.finditer(chunk):
            closing, name, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
            if name == b"row":
                if closing:
                    row_i, col_i = row_i + 1, 0
                    continue
                r = _ATTR_R.search(attrs)
                if r and r.group(2) and not r.group(1):
                    row_i = int(r.group(2)) - 1
                if empty:
                    row_i, col_i = row_i + 1, 0
            elif name == b"c":
                if closing:
                    if in_cell:
                        _end_cell(scan, pos, has_f, has_v, t_str, v_seen, label, sheet, max_cells)
                    in_cell = False
                    col_i += 1
                    continue
                r = _ATTR_R.search(attrs)
                pos = None
                if r and r.group(1) and r.group(2):
                    pos = (int(r.group(2)) - 1, _col_index(r.group(1).decode().upper()))
                    col_i = pos[1]
                elif r is None:
                    pos = (row_i, col_i)
                t_str = bool(_ATTR_T_STR.search(attrs))
                has_f = has_v = v_seen = False
                if empty:
                    col_i += 1
                else:
                    in_cell = True
            elif not in_cell:
                continue
            elif name == b"f" and not closing:
                has_f = True
            elif name == b"is" and not closing:
                has_v = True
            elif name == b"v":
                if closing:
                    if chunk[text_from : m.start()].strip():
                        has_v = True
                else:
                    v_seen = True
            text_from = m.end()
    return scan


def _end_cell(scan, pos, has_f, has_v, t_str, v_seen, label, sheet, max_cells) -> None:
    if pos is None:
        return
    if has_v or (t_str and v_seen):
        if pos[0] > scan.max_row or pos[1] > scan.max_col:
            scan.max_row = max(scan.max_row, pos[0])
            scan.max_col = max(scan.max_col, pos[1])
            check_cells(scan, label, sheet, max_cells)
    elif has_f:
        scan.formulas.append(pos)
