"""The attendance part of `prepare`: which sources count, and their ledger lines.

Sources: the --attendance export files when given, else the 考勤 sheet (a clerk's table or a
pasted export), else an export pasted into the workbook under its own name (月度汇总…). With
--attendance, a pasted export is ignored, and a clerk's 考勤 sheet keeps only the items no
export gives (脱岗…): nothing is counted twice, nothing typed is lost. An export's people are
matched to the roster by 工号, else by 姓名 (`export_lines`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli import events as E
from kaohe_cli import normalize as N
from kaohe_cli.attendance import exports as X
from kaohe_cli.domain.attendance_vocabulary import DAY_ITEMS, DEFAULT_ITEMS
from kaohe_cli.domain.period import Period
from kaohe_cli.events import ledger as L
from kaohe_cli.issues import Issue, error, note, warning
from kaohe_cli.read.sheets import RawSheet, Workbook
from kaohe_cli.read.tables import Table, read_table
from kaohe_cli.read.workbook import read_workbook
from kaohe_cli.text import join_names, norm, num, suggest


def is_export(sheet: RawSheet) -> bool:
    """Whether a sheet is a punch-clock export, judged on its first rows only (cheap on 220,000 rows)."""
    head = RawSheet(sheet.file, sheet.name, sheet.rows[:40], [m for m in sheet.merged if m[0] < 40])
    return bool(X.detect_export(head))


@dataclass
class Attendance:
    """The attendance ledger lines of one workbook and the issues met making them.

    `own_table` is the workbook's own 考勤 table when it is read as the source (no --attendance);
    its reading issues, `own_table_issues`, are reported where the 考勤 sheet was found.
    """

    parts: list[pd.DataFrame] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    own_table: Table | None = None
    own_table_issues: list[Issue] = field(default_factory=list)


class _Tally:
    """Attendance lines gathered from every source, and who was seen in which source."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []
        self.people: set[str] | None = None  # everyone with attendance; None: no source was counted
        self.seen_in: dict[str, str] = {}  # person → the first source that has them
        self.twice: dict[tuple[str, str], list[str]] = {}  # (first source, second source) → people

    def take(self, lines: pd.DataFrame, people_seen: set[str], label: str, overlap: bool = True) -> None:
        self.parts.append(lines)
        for s in people_seen:
            if overlap and s in self.seen_in and self.seen_in[s] != label:
                self.twice.setdefault((self.seen_in[s], label), []).append(s)
            self.seen_in.setdefault(s, label)
        self.people = (self.people or set()) | people_seen

    def twice_warnings(self, roster: N.Roster) -> list[Issue]:
        out = []
        for (first, second), ids in self.twice.items():
            names = [f"{roster.people.at[s, '姓名']}（{s}）" for s in ids]
            out.append(warning(
                f"{len(ids)}人在两份考勤中都有记录，已相加：{join_names(names)}（{first} 与 {second}）",
                "如两份考勤有重叠，请只给出一份，或导出时按考勤组分开", file=second.split(":", 1)[0],
                sheet=second.split(":", 1)[1],
            ))
        return out


def read_attendance_sources(
    ctx: E.Context, wb: Workbook, sheets: dict[str, RawSheet], attendance: list[Path] | tuple, options
) -> Attendance:
    """Attendance lines for a person scheme: `sheets` are the sheets found by canonical name."""
    out = Attendance()
    own = sheets.get("考勤")
    own_export = own is not None and is_export(own)
    typed = own if own is not None and not own_export else None  # the clerk's own 考勤 table
    if typed is not None and not attendance:
        out.own_table, out.own_table_issues = read_table(typed, "考勤")
    pasted = [] if own is not None else [s for s in wb.sheets if s not in sheets.values() and is_export(s)]
    exports = _given_exports(attendance, out.issues)
    replaced: list[RawSheet] = []  # workbook exports that --attendance replaces
    if typed is None and attendance:
        replaced = [own] if own is not None else pasted
    elif typed is None:
        exports = [own] if own is not None else pasted

    tally = _Tally()
    covered = _count_exports(ctx, exports, options, tally, out.issues)
    if typed is not None:
        _count_typed(ctx, typed, out.own_table, exports, covered, bool(attendance), tally, out.issues)
    for sheet in replaced:
        out.issues.append(warning(
            f"已用 --attendance 给出的考勤导出（{_labels(exports)}）代替本工作簿中的考勤导出「{sheet.name}」，该表未计分",
            "两份导出只计其一，以免重复扣分；如需两份相加，请都用 --attendance 给出",
            file=sheet.file, sheet=sheet.name, code="attendance-replaced",
        ))
    out.issues.extend(tally.twice_warnings(ctx.roster))
    out.issues.extend(_without_attendance(ctx, exports, typed, tally, bool(attendance)))
    out.parts = tally.parts
    return out


def _given_exports(attendance: list[Path] | tuple, issues: list[Issue]) -> list[RawSheet]:
    """The export sheets of the --attendance files; a file with none is an error."""
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
    return exports


def _count_exports(ctx: E.Context, exports: list[RawSheet], options, tally: _Tally, issues: list[Issue]) -> set[str]:
    """Count every export; return the items they give (present even when 0)."""
    covered: set[str] = set()
    for sheet in exports:
        exp = X.read_export(sheet, hours_per_day=options.hours_per_day, mapping=options.export_mapping or None)
        lines, people_seen, probs = export_lines(ctx, exp)
        issues.extend(_period_issues(exp, ctx.period) + probs)
        covered.update(k for p in exp.people for k in p.counts)
        tally.take(lines, people_seen, f"{sheet.file}:{sheet.name}")
    return covered


def _count_typed(
    ctx: E.Context, typed: RawSheet, table: Table | None, exports: list[RawSheet], covered: set[str],
    given: bool, tally: _Tally, issues: list[Issue],
) -> None:
    """Count the clerk's 考勤 table; with --attendance (`given`), only the items no export gives."""
    if table is None and given:  # not read with the other tables when --attendance is given
        table, probs = read_table(typed, "考勤")
        issues.extend(probs)
    if table is None:
        return
    att, probs = N.read_attendance(table, ctx.scheme, ctx.roster, ctx.period)
    issues.extend(probs)
    lines = E.attendance_lines(ctx, att, table)
    label = f"{typed.file}:{typed.name}"
    if not given:
        tally.take(lines, att.people, label)
        return
    kept = lines[~lines["item"].isin(covered)] if len(lines) else lines
    headers = list(table.columns) + list(table.extra_columns)
    sheet_items = {it.name for h in headers if (it := ctx.scheme.item(h)) is not None and it.attendance}
    sheet_items |= set(lines["item"]) if len(lines) else set()
    issues.append(_replaced_items_issue(typed, exports, sheet_items, kept, covered))
    # only items no export gives: an overlap of people is expected, not a double count
    tally.take(kept, set(kept["subject"]) if len(kept) else set(), label, overlap=False)


def _without_attendance(
    ctx: E.Context, exports: list[RawSheet], typed: RawSheet | None, tally: _Tally, given: bool
) -> list[Issue]:
    """The people no source has (counted as never absent), or a note that nothing was counted."""
    subjects, scheme = ctx.subjects, ctx.scheme
    if tally.people is not None and scheme.attendance_items:
        first_source = exports[0] if exports else typed
        where = {"file": first_source.file, "sheet": first_source.name} if first_source else {"file": ctx.file}
        missing = [s for s in subjects.index if s not in tally.people]
        out = [warning(
            f"{subjects.at[s, '姓名']}（{s}）没有考勤记录，按无缺勤计", "如有缺勤请在考勤表或考勤导出中补上此人", **where,
        ) for s in missing[:30]]
        if len(missing) > 30:
            out.append(warning(f"另有{len(missing) - 30}人没有考勤记录，按无缺勤计", "请核对考勤表", **where))
        return out
    if scheme.attendance_items and not exports and typed is None and not given:
        return [note(
            "工作簿中没有考勤表，本期不计考勤扣分", "如需计考勤，请加「考勤」工作表或用 --attendance 给出考勤导出文件", file=ctx.file,
        )]
    return []


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
        unit = "天" if item_name in DAY_ITEMS or item_name.endswith("假") else "次"
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
    order = {name: i for i, name in enumerate(DEFAULT_ITEMS)}
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
