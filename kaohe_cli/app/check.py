"""`kaohe check` as library calls: each file's issues, or what its punch-clock exports hold.

A workbook is prepared as `score` would prepare it (`prepare.prepare`) and its issues are
returned, sorted. A file that holds only punch-clock exports is described instead: what each
export was recognised as, its period, how its columns map onto the scheme's items. Nothing is
written; printing is the command's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from kaohe_cli.app.prepare import Options, prepare
from kaohe_cli.app.prepare_attendance import is_export
from kaohe_cli.attendance import exports as X
from kaohe_cli.domain.period import resolve_period
from kaohe_cli.errors import PeriodError
from kaohe_cli.issues import Issue, error, sort_issues
from kaohe_cli.read.background import BackgroundRead, Prefetch
from kaohe_cli.read.sheets import RawSheet, Workbook
from kaohe_cli.scheme.model import Scheme


@dataclass
class ExportSheet:
    """One punch-clock export as recognised: `export` (an `AttendanceExport`) and its --json view."""

    export: object
    period: str  # "<start> 至 <end>", or 未识别
    mapping: dict[str, list[str]]  # scheme item → the export columns it is counted from
    unmapped: list[dict]  # columns no item takes: header, total, unit
    info: dict


@dataclass
class FileCheck:
    """What checking one file found: a workbook's `issues`, or a file of only `exports`."""

    file: str
    issues: list[Issue] = field(default_factory=list)
    exports: list[ExportSheet] | None = None

    @property
    def errors(self) -> int:
        if self.exports is not None:
            return sum(i.is_error for e in self.exports for i in e.export.issues)
        return sum(i.is_error for i in self.issues)

    def report(self) -> dict:
        """The --json form."""
        if self.exports is not None:
            return {"file": self.file, "exports": [e.info for e in self.exports]}
        return {"file": self.file, "errors": self.errors, "issues": [i.to_dict() for i in self.issues]}


def check_files(
    paths: list[Path],
    scheme: Callable[[], Scheme],
    period_text: str | None,
    *,
    attendance: list[Path],
    options: Options,
    reads: Prefetch,
) -> Iterator[FileCheck]:
    """Check each file in turn, the next being read while this one is checked.

    `scheme` is asked for only when a file needs one (a file of exports does not).
    """
    for i, path in enumerate(paths):
        reader = reads.take(path)
        if i + 1 < len(paths):
            reads.start(paths[i + 1])
        wb = reader.finish()
        exports = [s for s in wb.sheets if is_export(s)]
        if exports and len(wb.sheets) == len(exports):
            yield FileCheck(wb.file, exports=describe_exports(wb, exports, options))
            continue
        issues = _check_workbook(path, scheme(), period_text, attendance, options, reader)
        yield FileCheck(path.name, issues=sort_issues(issues))


def _check_workbook(
    path: Path, scheme: Scheme, period_text: str | None, attendance: list[Path], options: Options,
    reader: BackgroundRead,
) -> list[Issue]:
    try:
        period = resolve_period(period_text, path, scheme.period)
    except PeriodError as exc:
        return [error(exc.message, exc.hint, file=path.name)]
    prep = prepare(path, scheme, period, attendance=attendance, options=options, reader=reader)
    return prep.issues


def describe_exports(wb: Workbook, exports: list[RawSheet], options: Options) -> list[ExportSheet]:
    """A file that is only punch-clock exports: what was recognised, and how it maps."""
    out = []
    for sheet in exports:
        exp = X.read_export(sheet, hours_per_day=options.hours_per_day, mapping=options.export_mapping or None)
        period = f"{exp.period_start} 至 {exp.period_end}" if exp.period_start else "未识别"
        units = {c.header: c.unit for c in exp.columns}
        mapping: dict[str, list[str]] = {}
        for c in exp.columns:
            if c.item:
                mapping.setdefault(c.item, []).append(c.header)
        from_days = _day_text_source(exp)
        for item in dict.fromkeys(k for p in exp.people for k in p.counts):
            if item not in mapping and from_days:
                mapping[item] = [from_days]
        unmapped = [{"header": h, "total": str(t), "unit": units.get(h) or _suffix_unit(h)} for h, t in exp.unmapped]
        info = {
            "sheet": exp.sheet, "kind": exp.kind, "period": period,
            "period_start": exp.period_start.isoformat() if exp.period_start else None,
            "period_end": exp.period_end.isoformat() if exp.period_end else None,
            "people": len(exp.people),
            "mapping": mapping,
            "columns": [{"header": c.header, "item": c.item, "unit": c.unit, "conversion": c.conversion} for c in exp.columns],
            "unmapped": unmapped,
            "issues": [i.to_dict() for i in exp.issues],
        }
        out.append(ExportSheet(exp, period, mapping, unmapped, info))
    return out


def _day_text_source(exp) -> str:
    """Where counts without a column come from: the per-day result cells, if any."""
    for c in exp.columns:
        if c.kind in ("daily_text", "status_text"):
            return f"{c.header.split('/')[0]}（逐日考勤结果）"
    return ""


def _suffix_unit(header: str) -> str:
    import re

    m = re.search(r"\((天|小时|分钟|次)\)$", header)
    return m.group(1) if m else ""
