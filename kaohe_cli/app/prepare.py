"""One input workbook → `Prepared` (the engine's input), gathering every Issue on the way.

read → normalize → events, in named steps: find the tables, read the subjects, refuse a
workbook made for another scheme, make the event, attendance (`prepare_attendance`) and
rating lines. Nothing here prints; errors are collected, and the caller decides (check:
report; score: refuse to write when there is any error).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli import normalize as N
from kaohe_cli.app.prepare_attendance import Attendance, read_attendance_sources
from kaohe_cli.app.prepare_scheme import wrong_scheme
from kaohe_cli.domain.period import Period
from kaohe_cli.errors import InputErrors
from kaohe_cli.events import Context, Prepared, dedupe_same_reason, event_lines, rating_lines
from kaohe_cli.events import ledger as L
from kaohe_cli.issues import Issue, error, note
from kaohe_cli.read.background import BackgroundRead
from kaohe_cli.read.sheets import RawSheet, Workbook
from kaohe_cli.read.tables import Table, find_sheet, read_table
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.text import a1, join_names

EVENT_SHEETS = ("记实", "奖惩")
SHEETS = ("人员", "单位", "考勤", "记实", "奖惩", "评分")


@dataclass
class Options:
    """Run options that change how inputs are read."""

    hours_per_day: Decimal = Decimal(8)
    export_mapping: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, config) -> Options:
        """The options a `kaohe.toml` (`app.config.Config`) sets."""
        att = config.attendance
        return cls(att.hours_per_day, {k: (v or None) for k, v in att.mapping.items()})


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def prepare(
    path: Path,
    scheme: Scheme,
    period: Period,
    *,
    attendance: list[Path] | tuple = (),
    options: Options | None = None,
    reader: BackgroundRead | None = None,
) -> Prepared:
    """Read and check one workbook (plus optional punch-clock exports) for the engine.

    `reader`: a read of `path` already under way (`Prefetch.take`); without one, it is begun here.
    """
    options = options or Options()
    # The file is parsed in a background thread, small sheets first: the roster, events and
    # ratings are worked on while the big 考勤 sheet is still being parsed.
    reader = reader or BackgroundRead(path)
    wb = reader.workbook()
    found = _find_tables(wb)
    subjects = _read_subjects(wb, scheme, found)
    ctx = Context(scheme, period, subjects.frame, subjects.roster, subjects.units, wb.file)
    wrong = wrong_scheme(wb, scheme, [found.tables[c] for c in EVENT_SHEETS if c in found.tables])
    if wrong is not None:
        raise InputErrors([wrong], "工作簿与所选考核方案不符")
    event_parts, event_issues = _event_lines(ctx, found.tables)
    # Read before attendance, whose big sheet may still be parsing; reported after it.
    rated = _read_ratings(ctx, found.tables)
    if scheme.is_unit:
        att = Attendance()
        if "考勤" in found.sheets:
            att.issues.append(note("单位考核方案不使用考勤表，已忽略", "", file=wb.file, sheet=found.sheets["考勤"].name))
    else:
        att = read_attendance_sources(ctx, wb, found.sheets, attendance, options)
    tables = {**found.tables, "考勤": att.own_table} if att.own_table is not None else found.tables
    file_issues = _formulas_in_use(reader.finish().issues, found.sheets, tables)  # the file's own, as read
    ledger = L.concat(event_parts + att.parts + rated.parts)
    if scheme.same_reason_highest and len(ledger):
        ledger = dedupe_same_reason(ledger)
    issues = [*file_issues, *found.issues_before, *att.own_table_issues, *found.issues_after, *subjects.issues,
              *event_issues, *att.issues, *rated.issues]
    if not scheme.is_unit and len(subjects.frame) == 0 and "人员" in found.tables:
        issues.append(error("人员表中没有参评人员", "请填写人员表", file=wb.file, sheet=found.tables["人员"].sheet))
    return Prepared(scheme, period, subjects.frame, ledger, rated.ratings.values, rated.ratings.cells, issues, wb.file)


# ---- the tables ---------------------------------------------------------------------------


@dataclass
class _Found:
    """The sheets found by their canonical names, and the tables read from them.

    The 考勤 sheet is found but not read here (as a table, as an export, or not at all with
    --attendance: see `prepare_attendance`); its table's issues go between `issues_before`
    (up to finding 考勤) and `issues_after`, in the order of the sheets.
    """

    sheets: dict[str, RawSheet] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    issues_before: list[Issue] = field(default_factory=list)
    issues_after: list[Issue] = field(default_factory=list)


def _find_tables(wb: Workbook) -> _Found:
    found = _Found()
    issues = found.issues_before
    for canonical in SHEETS:
        sheet = find_sheet(wb, canonical, issues)
        if sheet is None:
            continue
        found.sheets[canonical] = sheet
        if canonical == "考勤":
            issues = found.issues_after
            continue
        table, probs = read_table(sheet, canonical)
        issues.extend(probs)
        if table is not None:
            found.tables[canonical] = table
    return found


# ---- subjects -----------------------------------------------------------------------------


@dataclass
class _Subjects:
    roster: N.Roster
    units: pd.DataFrame | None
    frame: pd.DataFrame  # the scored subjects
    issues: list[Issue]


def _read_subjects(wb: Workbook, scheme: Scheme, found: _Found) -> _Subjects:
    # A CSV file holds one sheet, named after the file: "add a sheet" cannot be done there.
    csv_hint = "CSV 文件只有一张表，表名就是文件名（如 人员.csv）；多张表请用 .xlsx 工作簿" if Path(wb.path).suffix.lower() == ".csv" else ""
    tables, file = found.tables, wb.file
    issues: list[Issue] = []
    roster = N.Roster.empty()
    units = None
    if "人员" in tables:
        roster, probs = N.read_roster(tables["人员"], need_dept=not scheme.is_unit)
        issues.extend(probs)
    elif not scheme.is_unit:
        issues.append(_missing_sheet(file, "人员", "花名册、人员名单", extra=csv_hint))
    if not scheme.is_unit:
        people = roster.people
        subjects = people[people["参评"].astype(bool)] if len(people) else people
    elif "单位" in tables:
        units, probs = N.read_units(tables["单位"])
        issues.extend(probs)
        subjects = units.copy()
        subjects["分管领导_id"] = [N.leader_id(roster, lab) for lab in subjects["分管领导"]]
    else:
        issues.append(_missing_sheet(file, "单位", "单位名单", extra=csv_hint))
        subjects = pd.DataFrame(columns=["单位", "名称", "类型", "分管领导", "参评先进", "人数"])
    return _Subjects(roster, units, subjects, issues)


# ---- events and ratings -------------------------------------------------------------------


def _event_lines(ctx: Context, tables: dict[str, Table]) -> tuple[list[pd.DataFrame], list[Issue]]:
    parts: list[pd.DataFrame] = []
    issues: list[Issue] = []
    seq = 0
    for canonical in EVENT_SHEETS:
        if canonical in tables:
            lines, probs = event_lines(ctx, tables[canonical], seq)
            seq += len(tables[canonical].records) + 1
            parts.append(lines)
            issues.extend(probs)
    return parts, issues


@dataclass
class _RatingsRead:
    ratings: N.Ratings
    parts: list[pd.DataFrame]
    issues: list[Issue]


def _read_ratings(ctx: Context, tables: dict[str, Table]) -> _RatingsRead:
    scheme, subjects = ctx.scheme, ctx.subjects
    rating_cols = scheme.rating_columns
    ratings = N.Ratings(pd.DataFrame(index=subjects.index), pd.DataFrame(index=subjects.index), {})
    parts: list[pd.DataFrame] = []
    issues: list[Issue] = []
    if "评分" in tables:
        resolver = _unit_resolver(ctx.units) if scheme.is_unit else _person_resolver(ctx.roster)
        ratings, probs = N.read_ratings(tables["评分"], rating_cols, resolver, "单位" if scheme.is_unit else "工号")
        issues.extend(probs)
        lines, probs = rating_lines(ctx, ratings, tables["评分"])
        parts.append(lines)
        issues.extend(probs)
    elif any(c.kind in ("rated", "input", "rank_band", "value_band") for c in scheme.components):
        issues.append(_missing_sheet(ctx.file, "评分", "测评、领导评分", extra=f"需要的列：{join_names(rating_cols)}"))
    return _RatingsRead(ratings, parts, issues)


# ---- what the file itself says -------------------------------------------------------------


def _formulas_in_use(file_issues: list[Issue], sheets: dict, tables: dict) -> list[Issue]:
    """A formula with no cached value inside a table the score reads is an error (it would be
    read as blank: a 评分 of `=88+0` written by a script silently dropping out of a rank rule);
    elsewhere in the file it stays a warning."""
    out: list[Issue] = []
    for issue in file_issues:
        if issue.code != "formula-without-value":
            out.append(issue)
            continue
        table = next((t for t in tables.values() if getattr(t, "sheet", None) == issue.sheet), None)
        raw = next((sh for sh in sheets.values() if sh.name == issue.sheet), None)
        if table is None or raw is None:
            out.append(issue)
            continue
        used_cols = set(table.columns.values()) | set(table.extra_columns.values())
        rows = {r for r, _ in table.records}
        cells = sorted(raw.formula_without_value)
        used = [(r, c) for r, c in cells if r in rows and c in used_cols]
        if not used:
            out.append(issue)
            continue
        shown = "、".join(a1(r, c) for r, c in used[:5]) + (f"等 {len(used)} 个" if len(used) > 5 else "")
        out.append(error(
            f"表中{len(used)}个公式单元格没有计算结果（{shown}）：读取时只能按空白处理，会改变得分",
            "这通常是程序生成、从未在 Excel 或 WPS 中打开过的文件；请在 Excel 或 WPS 中打开、保存后重新运行",
            file=issue.file, sheet=issue.sheet, cell=a1(*used[0]), code="formula-without-value",
        ))
        rest = [rc for rc in cells if rc not in set(used)]
        if rest:
            out.append(issue)
    return out


def _missing_sheet(file: str, name: str, synonyms: str, extra: str = "") -> Issue:
    hint = f"请加上名为「{name}」的工作表（也可叫：{synonyms}）"
    if extra:
        hint += f"；{extra}"
    return error(f"缺少「{name}」工作表", hint + "；可用 kaohe template 生成模板", file=file)


def _person_resolver(roster: N.Roster):
    def resolve(ref: str, loc: dict):
        gid, _ = roster.resolve(ref)
        if gid is None:
            return None, roster.unknown_person_issue(ref, loc)
        return gid, None

    return resolve


def _unit_resolver(units):
    def resolve(ref: str, loc: dict):
        if units is None:
            return None, error("缺少单位表，无法识别单位", "请加上「单位」工作表", **loc)
        return N.resolve_unit(units, ref, loc)

    return resolve
