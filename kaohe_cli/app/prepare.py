"""One input workbook → `Prepared` (the engine's input), gathering every Issue on the way.

readers → normalize → events. Nothing here prints; errors are collected, and the caller
decides (check: report; score: refuse to write when there is any error).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli.events import build as E
from kaohe_cli.normalize import frames as N
from kaohe_cli.engine import ledger as L
from kaohe_cli.engine.core import Prepared
from kaohe_cli.errors import InputErrors
from kaohe_cli.issues import Issue, error, note, warning
from kaohe_cli.normalize.frames import get
from kaohe_cli.domain.period import Period
from kaohe_cli.attendance import exports as X
from kaohe_cli.read.tables import find_sheet, read_table
from kaohe_cli.read.workbook import BackgroundRead, RawSheet, Workbook, read_in_background, read_workbook
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.text import a1, join_names, norm, num, suggest

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
    reader: BackgroundRead | None = None,
) -> Prepared:
    """Read and check one workbook (plus optional punch-clock exports) for the engine.

    `reader`: a read of `path` already under way (kaohe check has looked at the file first).
    """
    options = options or Options()
    # The file is parsed in a background thread, small sheets first: the roster, events and
    # ratings are worked on while the big 考勤 sheet is still being parsed.
    reader = reader or read_in_background(path)
    wb = reader.workbook()
    file = wb.file
    issues: list[Issue] = []
    tables: dict[str, object] = {}
    sheets: dict[str, RawSheet] = {}
    attendance_slot = 0  # where the 考勤 table's own issues go, read last but reported in order
    for canonical in ("人员", "单位", "考勤", "记实", "奖惩", "评分"):
        sheet, probs = _find(wb, canonical)
        issues.extend(probs)
        if sheet is None:
            continue
        sheets[canonical] = sheet
        if canonical == "考勤":
            attendance_slot = len(issues)
            continue  # read below: as a table, as an export, or not at all with --attendance
        table, probs = read_table(sheet, canonical)
        issues.extend(probs)
        if table is not None:
            tables[canonical] = table

    # ---- subjects ----------------------------------------------------------------------
    # A CSV file holds one sheet, named after the file: "add a sheet" cannot be done there.
    csv_hint = "CSV 文件只有一张表，表名就是文件名（如 人员.csv）；多张表请用 .xlsx 工作簿" if Path(path).suffix.lower() == ".csv" else ""
    roster = N.Roster.empty()
    units = None
    if "人员" in tables:
        roster, probs = N.read_roster(tables["人员"], need_dept=not scheme.is_unit)
        issues.extend(probs)
    elif not scheme.is_unit:
        issues.append(_missing_sheet(file, "人员", "花名册、人员名单", extra=csv_hint))
    if scheme.is_unit:
        if "单位" in tables:
            units, probs = N.read_units(tables["单位"])
            issues.extend(probs)
            subjects = units.copy()
            subjects["分管领导_id"] = [N._leader_id(roster, lab) for lab in subjects["分管领导"]]
        else:
            issues.append(_missing_sheet(file, "单位", "单位名单", extra=csv_hint))
            subjects = pd.DataFrame(columns=["单位", "名称", "类型", "分管领导", "参评先进", "人数"])
    else:
        people = roster.people
        subjects = people[people["参评"].astype(bool)] if len(people) else people
    ctx = E.Context(scheme, period, subjects, roster, units, file)

    # ---- the scheme the workbook was made for -------------------------------------------
    wrong = _wrong_scheme(wb, scheme, [tables[c] for c in EVENT_SHEETS if c in tables])
    if wrong is not None:
        raise InputErrors([wrong], "工作簿与所选考核方案不符")

    # ---- events ------------------------------------------------------------------------
    parts: list[pd.DataFrame] = []
    seq = 0
    for canonical in EVENT_SHEETS:
        if canonical in tables:
            lines, probs = E.event_lines(ctx, tables[canonical], seq)
            seq += len(tables[canonical].records) + 1
            parts.append(lines)
            issues.extend(probs)

    # ---- ratings -----------------------------------------------------------------------
    # (Read before attendance, whose big sheet may still be parsing; reported after it.)
    rating_issues: list[Issue] = []
    rating_parts: list[pd.DataFrame] = []
    rating_cols = scheme.rating_columns
    ratings = N.Ratings(pd.DataFrame(index=subjects.index), pd.DataFrame(index=subjects.index), {})
    needs = any(c.kind in ("rated", "input", "rank_band") for c in scheme.components)
    if "评分" in tables:
        resolver = _unit_resolver(units) if scheme.is_unit else _person_resolver(roster)
        ratings, probs = N.read_ratings(tables["评分"], rating_cols, resolver, "单位" if scheme.is_unit else "工号")
        rating_issues.extend(probs)
        lines, probs = E.rating_lines(ctx, ratings, tables["评分"])
        rating_parts.append(lines)
        rating_issues.extend(probs)
    elif needs:
        rating_issues.append(_missing_sheet(file, "评分", "测评、领导评分", extra=f"需要的列：{join_names(rating_cols)}"))

    # ---- attendance --------------------------------------------------------------------
    # Sources: the --attendance export files when given, else the 考勤 sheet (a clerk's table or
    # a pasted export), else an export pasted into the workbook under its own name (月度汇总…).
    # With --attendance, a pasted export is ignored, and a clerk's 考勤 sheet keeps only the
    # items no export gives (脱岗…): nothing is counted twice, nothing typed is lost.
    att_people: set[str] | None = None
    if scheme.is_unit:
        if "考勤" in sheets:
            issues.append(note("单位考核方案不使用考勤表，已忽略", "", file=file, sheet=sheets["考勤"].name))
    else:
        own = sheets.get("考勤")
        if own is not None and not attendance and not is_export(own):
            table, probs = read_table(own, "考勤")
            issues[attendance_slot:attendance_slot] = probs
            if table is not None:
                tables["考勤"] = table
        pasted = [] if own is not None else [s for s in wb.sheets if s not in sheets.values() and is_export(s)]
        exports: list[RawSheet] = []
        for extra in attendance:
            xwb = read_workbook(Path(extra))
            found = [s for s in xwb.sheets if is_export(s)]
            if not found:
                issues.append(error(
                    "这个文件不是钉钉或企业微信的考勤导出表", "请给出钉钉“月度汇总”“每日统计”或企业微信“概况统计与打卡明细”的导出文件",
                    file=xwb.file,
                ))
            exports.extend(found)
        typed: RawSheet | None = None  # the clerk's own 考勤 table
        replaced: list[RawSheet] = []  # workbook exports that --attendance replaces
        if own is not None and not is_export(own):
            typed = own
        elif attendance:
            replaced = [own] if own is not None else pasted
        else:
            exports = [own] if own is not None else pasted

        covered: set[str] = set()  # items the exports give (present even when 0)
        seen_in: dict[str, str] = {}  # person → the first source that has them
        twice: dict[tuple[str, str], list[str]] = {}

        def take(lines: pd.DataFrame, people_seen: set[str], label: str, overlap: bool = True) -> None:
            nonlocal att_people
            parts.append(lines)
            for s in people_seen:
                if overlap and s in seen_in and seen_in[s] != label:
                    twice.setdefault((seen_in[s], label), []).append(s)
                seen_in.setdefault(s, label)
            att_people = (att_people or set()) | people_seen

        for sheet in exports:
            exp = X.read_export(sheet, hours_per_day=options.hours_per_day, mapping=options.export_mapping or None)
            lines, people_seen, probs = export_lines(ctx, exp)
            issues.extend(_period_issues(exp, period) + probs)
            covered.update(k for p in exp.people for k in p.counts)
            take(lines, people_seen, f"{sheet.file}:{sheet.name}")
        if typed is not None:
            table = tables.get("考勤")
            if table is None and attendance:  # not read above when --attendance is given
                table, probs = read_table(typed, "考勤")
                issues.extend(probs)
            if table is not None:
                att, probs = N.read_attendance(table, scheme, roster, period)
                issues.extend(probs)
                lines = E.attendance_lines(ctx, att, table)
                if attendance:
                    kept = lines[~lines["item"].isin(covered)] if len(lines) else lines
                    headers = list(table.columns) + list(table.extra_columns)
                    sheet_items = {it.name for h in headers if (it := scheme.item(h)) is not None and it.attendance}
                    sheet_items |= set(lines["item"]) if len(lines) else set()
                    issues.append(_replaced_items_issue(typed, exports, sheet_items, kept, covered))
                    # only items no export gives: an overlap of people is expected, not a double count
                    take(kept, set(kept["subject"]) if len(kept) else set(), f"{typed.file}:{typed.name}", overlap=False)
                else:
                    take(lines, att.people, f"{typed.file}:{typed.name}")
        for sheet in replaced:
            issues.append(warning(
                f"已用 --attendance 给出的考勤导出（{_labels(exports)}）代替本工作簿中的考勤导出「{sheet.name}」，该表未计分",
                "两份导出只计其一，以免重复扣分；如需两份相加，请都用 --attendance 给出",
                file=sheet.file, sheet=sheet.name, code="attendance-replaced",
            ))
        for (first, second), ids in twice.items():
            names = [f"{roster.people.at[s, '姓名']}（{s}）" for s in ids]
            issues.append(warning(
                f"{len(ids)}人在两份考勤中都有记录，已相加：{join_names(names)}（{first} 与 {second}）",
                "如两份考勤有重叠，请只给出一份，或导出时按考勤组分开", file=second.split(":", 1)[0],
                sheet=second.split(":", 1)[1],
            ))
        if att_people is not None and scheme.attendance_items:
            first_source = exports[0] if exports else typed
            where = {"file": first_source.file, "sheet": first_source.name} if first_source else {"file": file}
            missing = [s for s in subjects.index if s not in att_people]
            for s in missing[:30]:
                issues.append(warning(
                    f"{subjects.at[s, '姓名']}（{s}）没有考勤记录，按无缺勤计", "如有缺勤请在考勤表或考勤导出中补上此人", **where,
                ))
            if len(missing) > 30:
                issues.append(warning(f"另有{len(missing) - 30}人没有考勤记录，按无缺勤计", "请核对考勤表", **where))
        elif scheme.attendance_items and not exports and typed is None and not attendance:
            issues.append(note(
                "工作簿中没有考勤表，本期不计考勤扣分", "如需计考勤，请加「考勤」工作表或用 --attendance 给出考勤导出文件", file=file,
            ))

    issues.extend(rating_issues)
    parts.extend(rating_parts)

    _DETECTED.clear()  # do not keep the raw sheets alive through the engine and the writers
    issues[0:0] = _formulas_in_use(reader.finish().issues, sheets, tables)  # the file's own, as read
    ledger = L.concat(parts)
    if scheme.same_reason_highest and len(ledger):
        ledger = E.dedupe_same_reason(ledger)
    if not scheme.is_unit and len(subjects) == 0 and "人员" in tables:
        issues.append(error("人员表中没有参评人员", "请填写人员表", file=file, sheet=tables["人员"].sheet))
    return Prepared(scheme, period, subjects, ledger, ratings.values, ratings.cells, issues, file)


_DETECTED: dict[int, tuple[object, bool]] = {}


def is_export(sheet: RawSheet) -> bool:
    """Whether a sheet is a punch-clock export, judged on its first rows only (cheap on 220,000 rows)."""
    hit = _DETECTED.get(id(sheet))
    if hit is not None and hit[0] is sheet:
        return hit[1]
    head = RawSheet(sheet.file, sheet.name, sheet.rows[:40], [m for m in sheet.merged if m[0] < 40])
    found = bool(X.detect_export(head))
    if len(_DETECTED) > 64:
        _DETECTED.clear()
    _DETECTED[id(sheet)] = (sheet, found)
    return found


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


def _wrong_scheme(wb: Workbook, scheme: Scheme, event_tables: list) -> Issue | None:
    """One clear error when the workbook belongs to another scheme, instead of a flood of
    unknown items: the scheme its template recorded, or the built-in scheme that knows most
    of its 事项 while the chosen one knows fewer than half."""
    from kaohe_cli.scheme import load_scheme
    from kaohe_cli.scheme.loader import builtin_ids
    from kaohe_cli.write.template_book import TEMPLATE_SCHEME_HEADER

    recorded = _template_scheme(wb, TEMPLATE_SCHEME_HEADER)
    if recorded and recorded != scheme.id:
        other = _builtin_name(recorded)
        return error(
            f"这个工作簿是用方案 {recorded}{other}的模板生成的，现在选用的却是方案 {scheme.id}（{scheme.name}）",
            f"请改用 --scheme {recorded}；如确实要按 {scheme.id} 考核，请用 kaohe template --scheme {scheme.id} 重新生成模板后填写",
            file=wb.file,
        )
    items = [str(get(t, vals, "事项") or "").strip() for t in event_tables for _, vals in t.records]
    items = [i for i in items if i]
    if len(items) < 3 or recorded == scheme.id:
        return None
    known = sum(scheme.item(i) is not None for i in items)
    if known * 2 >= len(items):
        return None
    best, best_known = None, known
    for sid in builtin_ids():
        if sid == scheme.id:
            continue
        other = load_scheme(sid)
        k = sum(other.item(i) is not None for i in items)
        if k > best_known and k * 5 >= len(items) * 4:
            best, best_known = other, k
    if best is None:
        return None
    return error(
        f"这个工作簿的{len(items)}个事项中，方案 {scheme.id}（{scheme.name}）只认识{known}个，"
        f"方案 {best.id}（{best.name}）认识{best_known}个：看起来是按 {best.id} 填写的",
        f"请改用 --scheme {best.id}；如确实要按 {scheme.id} 考核，请按 kaohe template --scheme {scheme.id} 的事项填写",
        file=wb.file,
    )


def _template_scheme(wb: Workbook, header: str) -> str:
    for sheet in wb.sheets:
        if sheet.name != "_选项":
            continue
        rows = sheet.rows
        if not rows:
            return ""
        for c, h in enumerate(rows[0]):
            if str(h or "").strip() == header and len(rows) > 1 and c < len(rows[1]):
                return str(rows[1][c] or "").strip()
    return ""


def _builtin_name(scheme_id: str) -> str:
    from kaohe_cli.errors import SchemeError
    from kaohe_cli.scheme import load_scheme

    try:
        return f"（{load_scheme(scheme_id).name}）"
    except SchemeError:
        return ""


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
    """An `AttendanceExport` → attendance ledger lines, matching people to the roster.

    A person is matched by 工号 (a 工号 that lost its leading zeros in Excel still matches
    when the name agrees), else, without a 工号 column (WeCom), by 姓名, told apart by 部门
    when the roster has namesakes. Someone the roster does not know is an error at their cell.
    Unmapped columns are already reported by the reader, once per column.
    """
    issues: list[Issue] = list(exp.issues)
    seen: set[str] = set()
    cols: dict[str, list] = {"subject": [], "item": [], "quantity": [], "source": []}
    not_scored: dict[str, Decimal] = {}
    if not len(ctx.roster.people):
        return L.empty(), seen, issues  # no roster: its missing sheet is the one error to report
    zeros: dict[str, list[str]] = {}  # 工号 without leading zeros → roster 工号, built when first needed
    names = dict(zip(ctx.roster.people.index, map(norm, ctx.roster.people["姓名"])))  # 工号 → 姓名
    for p in exp.people:
        gid, probs = _match_person(ctx.roster, exp, p, names, zeros)
        issues.extend(probs)
        if gid is None:
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
            cols["source"].append(p.sources.get(item_name, f"{exp.sheet}!{p.cells.get('姓名', f'A{p.row + 1}')}"))
    scored_items = join_names([i.name for i in ctx.scheme.attendance_items]) or "无"
    for item_name, total in not_scored.items():
        unit = "天" if item_name in X.DAY_ITEMS or item_name.endswith("假") else "次"
        issues.append(note(
            f"考勤导出中的「{item_name}」合计 {num(total)} {unit}，不是本方案的考勤计分事项，未计分",
            f"本方案的考勤事项：{scored_items}", file=exp.file, sheet=exp.sheet,
        ))
    att = N.AttendanceLines(cols["subject"], cols["item"], cols["quantity"], cols["source"], [""] * len(cols["subject"]), seen)
    lines = E.attendance_lines(ctx, att, None)
    if len(lines):
        lines["file"] = exp.file
    return lines, seen, issues


def _match_person(
    roster: N.Roster, exp, p, names: dict[str, str], zeros: dict[str, list[str]]
) -> tuple[str | None, list[Issue]]:
    """One export person → (工号 in the roster, issues); None when they cannot be matched."""
    people = roster.people
    name_cell = p.cells.get("姓名", f"A{p.row + 1}")
    at = f"{exp.sheet}!{name_cell}"
    who = f"{p.name}（{'工号 ' + p.gonghao if p.gonghao else (p.dept or '无部门')}）"
    loc = {"file": exp.file, "sheet": exp.sheet, "cell": name_cell}
    namesakes = roster.by_name.get(norm(p.name), [])
    if p.gonghao:
        gid = norm(p.gonghao)
        if gid not in names:
            if gid.isdigit() and not zeros:
                for i in people.index:
                    if str(i).isdigit():
                        zeros.setdefault(str(i).lstrip("0"), []).append(i)
            same = zeros.get(gid.lstrip("0"), []) if gid.isdigit() else []
            same = [i for i in same if names[i] == norm(p.name)]
            if len(same) == 1:
                return same[0], [note(
                    f"考勤导出中{p.name}的工号「{p.gonghao}」按人员表的「{same[0]}」计（导出时丢了前导零）",
                    "导出或另存时请把工号列设为文本格式", file=exp.file, sheet=exp.sheet,
                    cell=p.cells.get("工号", name_cell),
                )]
            also = "；人员表中有同名的 " + "、".join(f"{people.at[i, '姓名']}（工号 {i}，{people.at[i, '科室']}）"
                                                for i in namesakes) if namesakes else ""
            id_cell = p.cells.get("工号", name_cell)
            return None, [error(
                f"考勤导出中的{who}不在人员表中{also}",
                f"请在人员表中补上{p.name}，或核对导出表 {exp.sheet}!{id_cell} 的工号", file=exp.file, sheet=exp.sheet,
                cell=id_cell, code="export-unknown-person",
            )]
        if names[gid] != norm(p.name):
            return gid, [warning(
                f"考勤导出中工号「{gid}」的姓名为「{p.name}」，人员表中为「{people.at[gid, '姓名']}」，已按工号计入",
                f"请核对导出表 {at} 与人员表，确认是同一人", **loc,
            )]
        return gid, []
    ids = namesakes
    if len(ids) > 1 and p.dept:
        ids = [i for i in ids if _same_dept(p.dept, people.at[i, "科室"])] or ids
    if len(ids) == 1:
        return ids[0], []
    if len(ids) > 1:
        options = "、".join(f"{people.at[i, '姓名']}（工号 {i}，{people.at[i, '科室']}）" for i in ids)
        return None, [error(
            f"考勤导出中的{who}在人员表中有{len(ids)}人同名，按部门也无法区分：{options}",
            f"请在导出中加入工号列，或使人员表的科室与导出的部门一致（导出表 {at}）", code="export-ambiguous-person", **loc,
        )]
    near = suggest(p.name, list(roster.by_name))
    maybe = f"是否为：{'、'.join(near)}？" if near else ""
    return None, [error(
        f"考勤导出中的{who}不在人员表中",
        f"{maybe}请在人员表中补上{p.name}（导出表 {at}），或统一姓名的写法", code="export-unknown-person", **loc,
    )]


def _same_dept(export_dept: str, roster_dept: object) -> bool:
    """导出的部门 (often a path: 财政局/办公室) names the roster's 科室."""
    a, b = norm(export_dept), norm(roster_dept)
    if not a or not b:
        return False
    return a == b or re.split(r"[/\\>＞\-—|]", a)[-1] == b


def _period_issues(exp, period: Period) -> list[Issue]:
    """The export's 统计日期 against the assessment period."""
    start, end = exp.period_start, exp.period_end
    if start is None or end is None:
        return []
    span = f"{start.isoformat()} 至 {end.isoformat()}"
    want = f"{period.label}（{period.start.isoformat()} 至 {period.end.isoformat()}）"
    loc = {"file": exp.file, "sheet": exp.sheet, "cell": "A1"}
    if end < period.start or start > period.end:
        return [error(
            f"考勤导出的统计期 {span} 不在考核期 {want} 内", "请换成考核期的导出文件，或用 --period 指定考核期",
            code="export-period", **loc,
        )]
    if start < period.start or end > period.end:
        return [warning(
            f"考勤导出的统计期 {span} 超出考核期 {want}，超出部分的考勤也已计入",
            "请在钉钉或企业微信中按考核期的日期范围重新导出", code="export-period", **loc,
        )]
    return []


def _labels(sheets: list[RawSheet]) -> str:
    return join_names([f"{s.file}:{s.name}" for s in sheets]) or "无可用导出"


def _replaced_items_issue(typed: RawSheet, exports: list[RawSheet], sheet_items: set[str], kept: pd.DataFrame,
                          covered: set[str]) -> Issue:
    """--attendance and a typed 考勤 sheet: say which items came from where."""
    order = {name: i for i, name in enumerate(X.DEFAULT_ITEMS)}
    replaced = sorted(sheet_items & covered, key=lambda i: (order.get(i, len(order)), i))
    message = f"已给出考勤导出（{_labels(exports)}）"
    if replaced:
        message += f"，「{typed.name}」表中的{join_names(replaced)}改按导出计，不重复计分"
    else:
        message += f"，「{typed.name}」表中没有导出也有的事项"
    if len(kept):
        totals = kept.groupby("item", sort=False)["quantity"].sum()
        message += "；导出中没有的" + join_names([f"「{i}」合计 {num(Decimal(str(q)))}" for i, q in totals.items()])
        message += f" 仍按「{typed.name}」表计"
    return warning(
        message, "同一事项只按一处计分；导出中没有的事项（如脱岗）可继续写在考勤表中，导出已有的请以导出为准",
        file=typed.file, sheet=typed.name, code="attendance-replaced",
    )

