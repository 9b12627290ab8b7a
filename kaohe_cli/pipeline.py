"""One input workbook → `Prepared` (the engine's input), gathering every Issue on the way.

readers → normalize → events. Nothing here prints; errors are collected, and the caller
decides (check: report; score: refuse to write when there is any error).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli import events as E
from kaohe_cli import normalize as N
from kaohe_cli.engine import ledger as L
from kaohe_cli.engine.core import Prepared
from kaohe_cli.issues import Issue, error, note, warning
from kaohe_cli.period import Period
from kaohe_cli.readers import attendance_exports as X
from kaohe_cli.readers.tables import find_sheet, read_table
from kaohe_cli.readers.workbook import RawSheet, Workbook, read_workbook
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.text import join_names, norm

EVENT_SHEETS = ("记实", "奖惩")


@dataclass
class Options:
    """Run options that change how inputs are read."""

    hours_per_day: Decimal = Decimal(8)
    export_mapping: dict[str, str | None] = field(default_factory=dict)


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
) -> Prepared:
    """Read and check one workbook (plus optional punch-clock exports) for the engine."""
    options = options or Options()
    wb = read_workbook(path)
    file = wb.file
    issues: list[Issue] = list(wb.issues)
    tables: dict[str, object] = {}
    sheets: dict[str, RawSheet] = {}
    for canonical in ("人员", "单位", "考勤", "记实", "奖惩", "评分"):
        sheet, probs = _find(wb, canonical)
        issues.extend(probs)
        if sheet is None:
            continue
        sheets[canonical] = sheet
        if canonical == "考勤" and X.detect_export(sheet):
            continue  # read below as an export
        table, probs = read_table(sheet, canonical)
        issues.extend(probs)
        if table is not None:
            tables[canonical] = table

    # ---- subjects ----------------------------------------------------------------------
    roster = N.Roster.empty()
    units = None
    if "人员" in tables:
        roster, probs = N.read_roster(tables["人员"], need_dept=not scheme.is_unit)
        issues.extend(probs)
    elif not scheme.is_unit:
        issues.append(_missing_sheet(file, "人员", "花名册、人员名单"))
    if scheme.is_unit:
        if "单位" in tables:
            units, probs = N.read_units(tables["单位"])
            issues.extend(probs)
            subjects = units.copy()
            subjects["分管领导_id"] = [N._leader_id(roster, lab) for lab in subjects["分管领导"]]
        else:
            issues.append(_missing_sheet(file, "单位", "单位名单"))
            subjects = pd.DataFrame(columns=["单位", "名称", "类型", "分管领导", "参评先进", "人数"])
    else:
        people = roster.people
        subjects = people[people["参评"].astype(bool)] if len(people) else people
    ctx = E.Context(scheme, period, subjects, roster, units, file)

    # ---- events ------------------------------------------------------------------------
    parts: list[pd.DataFrame] = []
    seq = 0
    for canonical in EVENT_SHEETS:
        if canonical in tables:
            lines, probs = E.event_lines(ctx, tables[canonical], seq)
            seq += len(tables[canonical].records) + 1
            parts.append(lines)
            issues.extend(probs)

    # ---- attendance --------------------------------------------------------------------
    att_people: set[str] | None = None
    if scheme.is_unit:
        if "考勤" in sheets:
            issues.append(note("单位考核方案不使用考勤表，已忽略", "", file=file, sheet=sheets["考勤"].name))
    else:
        att_sources: list[tuple[str, object]] = []
        if "考勤" in sheets:
            att_sources.append(("sheet", sheets["考勤"]))
        for extra in attendance:
            xwb = read_workbook(Path(extra))
            found = [s for s in xwb.sheets if X.detect_export(s)]
            if not found:
                issues.append(error(
                    "这个文件不是钉钉或企业微信的考勤导出表", "请给出钉钉“月度汇总”“每日统计”或企业微信“概况统计与打卡明细”的导出文件",
                    file=xwb.file,
                ))
            for s in found:
                att_sources.append(("export", s))
        for kind, sheet in att_sources:
            if X.detect_export(sheet):
                exp = X.read_export(sheet, hours_per_day=options.hours_per_day, mapping=options.export_mapping or None)
                lines, people_seen, probs = export_lines(ctx, exp)
            else:
                table = tables.get("考勤")
                if table is None:
                    continue
                att, probs = N.read_attendance(table, scheme, roster)
                lines = E.attendance_lines(ctx, att, table)
                people_seen = att.people
            parts.append(lines)
            issues.extend(probs)
            att_people = (att_people or set()) | people_seen
        if att_people is not None and scheme.attendance_items:
            missing = [s for s in subjects.index if s not in att_people]
            for s in missing[:30]:
                issues.append(warning(
                    f"{subjects.at[s, '姓名']}（{s}）没有考勤记录，按无缺勤计", "如有缺勤请在考勤表中补上此人",
                    file=file, sheet=sheets["考勤"].name if "考勤" in sheets else "考勤",
                ))
            if len(missing) > 30:
                issues.append(warning(f"另有{len(missing) - 30}人没有考勤记录，按无缺勤计", "请核对考勤表", file=file))
        elif scheme.attendance_items and "考勤" not in sheets and not attendance:
            issues.append(note(
                "工作簿中没有考勤表，本期不计考勤扣分", "如需计考勤，请加「考勤」工作表或用 --attendance 给出考勤导出文件", file=file,
            ))

    # ---- ratings -----------------------------------------------------------------------
    rating_cols = scheme.rating_columns
    ratings = N.Ratings(pd.DataFrame(index=subjects.index), pd.DataFrame(index=subjects.index), {})
    needs = any(c.kind in ("rated", "input", "rank_band") for c in scheme.components)
    if "评分" in tables:
        resolver = _unit_resolver(units) if scheme.is_unit else _person_resolver(roster)
        ratings, probs = N.read_ratings(tables["评分"], rating_cols, resolver, "单位" if scheme.is_unit else "工号")
        issues.extend(probs)
        lines, probs = E.rating_lines(ctx, ratings, tables["评分"])
        parts.append(lines)
        issues.extend(probs)
    elif needs:
        issues.append(_missing_sheet(file, "评分", "测评、领导评分", extra=f"需要的列：{join_names(rating_cols)}"))

    ledger = L.concat(parts)
    if scheme.same_reason_highest and len(ledger):
        ledger = E.dedupe_same_reason(ledger)
    if not scheme.is_unit and len(subjects) == 0 and "人员" in tables:
        issues.append(error("人员表中没有参评人员", "请填写人员表", file=file, sheet=tables["人员"].sheet))
    return Prepared(scheme, period, subjects, ledger, ratings.values, ratings.cells, issues, file)


def _find(wb: Workbook, canonical: str) -> tuple[RawSheet | None, list[Issue]]:
    issues: list[Issue] = []
    return find_sheet(wb, canonical, issues), issues


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


# ---- punch-clock exports ------------------------------------------------------------------


def export_lines(ctx: E.Context, exp) -> tuple[pd.DataFrame, set[str], list[Issue]]:
    """An `AttendanceExport` → attendance ledger lines, matching people to the roster."""
    issues: list[Issue] = list(exp.issues)
    roster = ctx.roster
    people = roster.people
    seen: set[str] = set()
    cols: dict[str, list] = {"subject": [], "item": [], "quantity": [], "source": []}
    not_scored: dict[str, Decimal] = {}
    for p in exp.people:
        loc = {"file": exp.file, "sheet": exp.sheet, "cell": f"A{p.row + 1}"}
        gid = None
        if p.gonghao:
            gid = p.gonghao if p.gonghao in people.index else None
            if gid is None:
                issues.append(error(
                    f"考勤导出中的工号「{p.gonghao}」（{p.name}）不在人员表中", "请在人员表中补充此人，或核对工号", **loc
                ))
                continue
        else:
            ids = roster.by_name.get(norm(p.name), [])
            if p.dept and len(ids) > 1:
                ids = [i for i in ids if norm(people.at[i, "科室"]) == norm(p.dept)] or ids
            if len(ids) == 1:
                gid = ids[0]
            elif len(ids) > 1:
                issues.append(roster.unknown_person_issue(p.name, loc))
                continue
            else:
                issues.append(error(
                    f"考勤导出中的「{p.name}」（{p.dept or '无部门'}）不在人员表中",
                    "请在人员表中补充此人；如姓名写法不同请统一，或在导出中加入工号列", **loc,
                ))
                continue
        seen.add(gid)
        for item_name, qty in p.counts.items():
            if not qty:
                continue
            item = ctx.scheme.item(item_name)
            if item is None or not item.attendance:
                not_scored[item_name] = not_scored.get(item_name, Decimal(0)) + qty
                continue
            cols["subject"].append(gid)
            cols["item"].append(item.name)
            cols["quantity"].append(float(qty))
            cols["source"].append(p.sources.get(item_name, f"{exp.sheet}!A{p.row + 1}"))
    for header, total in exp.unmapped:
        issues.append(note(
            f"考勤导出列「{header}」没有对应的考核事项，未计分（合计 {_dec(total)}）",
            "如需计分，请在 kaohe.toml 的 [attendance.mapping] 中指定对应事项", file=exp.file, sheet=exp.sheet,
        ))
    for item_name, total in not_scored.items():
        issues.append(note(
            f"考勤导出中的「{item_name}」不是本方案的考勤计分事项，未计分（合计 {_dec(total)}）", "", file=exp.file, sheet=exp.sheet,
        ))
    att = N.AttendanceLines(cols["subject"], cols["item"], cols["quantity"], cols["source"], [""] * len(cols["subject"]), seen)
    lines = E.attendance_lines(ctx, att, None)
    if len(lines):
        lines["file"] = exp.file
    return lines, seen, issues


def _dec(d: Decimal) -> str:
    return format(Decimal(d).normalize(), "f")
