"""The 考勤 sheet → `AttendanceLines`: one line per (person, item) of a summary sheet, one per
abnormal row of a detail sheet (工号/姓名, 日期, 状态, 天数).

Each line names a scheme attendance item and its quantity (days or times); a column or status
that is no such item is noted and not counted. Quantities are checked against the item's unit
and `read.values.LIMITS`; detail dates outside the period are warned about.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kaohe_cli.domain.vocabulary import ATTENDANCE_NON_ITEM_COLUMNS, NONE_MARKS, NORMAL_STATUSES
from kaohe_cli.issues import Issue, error, note, warning
from kaohe_cli.normalize.cells import column_frame, factorize_cells, gid, map_unique, per_row, text, where
from kaohe_cli.normalize.roster import Roster
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.text import a1, col_letter, join_names, norm, num


@dataclass
class AttendanceLines:
    """One line per (person, item) in summary form, per abnormal row in detail form."""

    subject: list[str] = field(default_factory=list)
    item: list[str] = field(default_factory=list)
    quantity: list[float] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # everyone with an attendance row


def is_detail(table: Table) -> bool:
    return "日期" in table.columns and "状态" in table.columns


def read_attendance(table: Table, scheme, roster: Roster, period=None) -> tuple[AttendanceLines, list[Issue]]:
    """Summary or detail attendance → lines; `period` (when given) checks detail dates."""
    if is_detail(table):
        return _attendance_detail(table, scheme, roster, period)
    return _attendance_summary(table, scheme, roster, period)


def _resolve_rows(table: Table, frame: pd.DataFrame, roster: Roster, issues: list[Issue]) -> pd.Series:
    """Vectorised 工号/姓名 → 工号 for every record; '' where unresolved (with an error).

    Each distinct cell value is parsed once (220,000 attendance rows hold ~10,000 工号); a
    name is looked at only on rows without a readable 工号.
    """
    n = len(frame)
    ids = frame.get("工号")
    names = frame.get("姓名")
    known = roster.people.index
    if ids is not None:
        codes, uniques = factorize_cells(ids)
        parsed = [gid(u) for u in uniques]
        in_roster = set(known.intersection(pd.Index([p for p in parsed if p], dtype=object)))
        out = per_row([p if p in in_roster else "" for p in parsed], codes)
        has_code = per_row([p != "" for p in parsed], codes, blank=False, dtype=bool)
        code_text = per_row(parsed, codes)
    else:
        out = np.full(n, "", dtype=object)
        has_code = np.zeros(n, dtype=bool)
        code_text = out.copy()
    name_given = np.zeros(n, dtype=bool)
    need_name = ~has_code
    if names is not None and need_name.any():
        codes, uniques = factorize_cells(names[need_name])
        keys = [norm(text(u)) for u in uniques]
        unique_names = {k: v[0] for k, v in roster.by_name.items() if len(v) == 1}
        out[need_name] = per_row([unique_names.get(k, "") for k in keys], codes)
        name_given[need_name] = per_row([k != "" for k in keys], codes, blank=False, dtype=bool)
    bad = (out == "") & (has_code | name_given)
    reported: set[str] = set()
    sheet_rows = frame["_row"].to_numpy()
    for i in np.flatnonzero(bad):
        r = int(sheet_rows[i])
        if has_code[i]:
            ref, col = code_text[i], "工号"
        else:
            ref, col = text(names.iat[i]), "姓名"
        if ref in reported:
            continue
        reported.add(ref)
        if col == "工号":
            issues.append(error(f"工号「{ref}」不在人员表中", "请核对工号，或在人员表中补充此工号", **where(table, r, col)))
        else:
            issues.append(roster.unknown_person_issue(ref, where(table, r, col)))
    return pd.Series(out, index=frame.index, dtype=object)


def _numbers(table: Table, frame: pd.DataFrame, column: str, col_idx: int, issues: list[Issue], *,
             label: str = "") -> pd.Series:
    """A column to finite floats; blank → 0; text, NaN and infinity → error at its cell (and 0)."""
    raw = frame[column]
    cells = raw.to_numpy(dtype=object)
    values = pd.to_numeric(raw, errors="coerce")
    nan_cell = cells != cells  # a float NaN in the cell (a formula error), not a blank one
    blank = (raw.isna().to_numpy() & ~nan_cell) | map_unique(
        raw, lambda v: isinstance(v, str) and v.strip() in NONE_MARKS).astype(bool).to_numpy()
    bad = ~np.isfinite(values.to_numpy(dtype="float64")) & ~blank  # unreadable text, NaN, ±infinity
    for i in np.flatnonzero(bad):
        r = int(frame["_row"].iat[i])
        n, issue = V.parse_number(cells[i], file=table.file, sheet=table.sheet, cell=a1(r, col_idx), column=label)
        if issue:
            issues.append(issue)
            values.iat[i] = 0.0
        else:
            values.iat[i] = float(n)
    values = values.fillna(0.0)
    return values.where(np.isfinite(values.to_numpy(dtype="float64")), 0.0)


def _attendance_summary(table: Table, scheme, roster: Roster, period=None) -> tuple[AttendanceLines, list[Issue]]:
    issues: list[Issue] = []
    out = AttendanceLines()
    headers = {**{c: i for c, i in table.columns.items()}, **{c: i for c, i in table.extra_columns.items()}}
    item_cols: list[tuple[str, int, object]] = []
    for header, col in headers.items():
        if header in ATTENDANCE_NON_ITEM_COLUMNS or norm(header) in ATTENDANCE_NON_ITEM_COLUMNS:
            continue
        item = scheme.item(header)
        if item is None or not item.attendance:
            total = sum(_safe_float(vals[col]) for _, vals in table.records if col < len(vals))
            total = total if math.isfinite(total) else 0.0
            issues.append(note(
                f"考勤列「{header}」不在本方案的考勤计分事项中，未计分（合计 {V.shown_number(total)}）",
                f"本方案的考勤事项：{join_names([i.name for i in scheme.attendance_items]) or '无'}",
                file=table.file, sheet=table.sheet, cell=a1(table.header_row, col),
            ))
            continue
        item_cols.append((header, col, item))
    frame = column_frame(table, ["工号", "姓名"] + [h for h, _, _ in item_cols])
    subject = _resolve_rows(table, frame, roster, issues)
    out.people = set(subject[subject != ""])
    dup = subject[(subject != "") & subject.duplicated(keep="first")]
    for i in dup.index:
        r = int(frame["_row"].iat[i])
        issues.append(error(f"「{subject.iat[i]}」在考勤表中出现两次", "汇总式考勤每人只写一行", **where(table, r, "工号" if "工号" in table.columns else "姓名")))
    subjects = subject.to_numpy()
    sheet_rows = frame["_row"].to_numpy()
    for header, col, item in item_cols:
        q = _numbers(table, frame, header, col, issues, label=header)
        q = _check_quantities(table, frame, q, item, col, issues, period)
        keep = np.flatnonzero(((q != 0) & (subject != "")).to_numpy())
        letters = col_letter(col)
        out.subject.extend(subjects[keep].tolist())
        out.item.extend([item.name] * len(keep))
        out.quantity.extend(q.to_numpy(dtype=float)[keep].tolist())
        out.source.extend([f"{table.sheet}!{letters}{r + 1}" for r in sheet_rows[keep].tolist()])
        out.date.extend([""] * len(keep))
    return out, issues


def _attendance_detail(table: Table, scheme, roster: Roster, period=None) -> tuple[AttendanceLines, list[Issue]]:
    issues: list[Issue] = []
    out = AttendanceLines()
    cols = ["工号", "姓名", "日期", "状态", "天数"]
    frame = column_frame(table, cols)
    subject = _resolve_rows(table, frame, roster, issues)
    out.people = set(subject[subject != ""])
    sheet_rows = frame["_row"].to_numpy()
    # Statuses: a few distinct values over 220,000 rows, so each is looked at once.
    codes, raw_statuses = factorize_cells(frame["状态"])
    statuses = [norm(text(v)) for v in raw_statuses]
    counts = np.bincount(codes[codes >= 0], minlength=len(statuses))
    names = np.empty(len(statuses) + 1, dtype=object)  # code -1 (blank) takes the last slot
    names[:] = ""
    unknown: dict[str, list[int]] = {}  # status → its codes (several spellings normalise alike)
    hourly: dict[str, list[int]] = {}  # items in 小时: a row of a day holds no hours
    for code, s in enumerate(statuses):
        if s in NORMAL_STATUSES:
            continue
        it = scheme.item(s)
        if it is None or not it.attendance:
            unknown.setdefault(s, []).append(code)
        elif it.unit == "小时":
            hourly.setdefault(it.name, []).append(code)
        else:
            names[code] = it.name
    item_name = names[codes]
    st_col = table.columns["状态"]
    for name, group in hourly.items():
        first = int(sheet_rows[np.isin(codes, group)][0])
        issues.append(error(
            f"「{name}」按小时计，逐日考勤表每行只有天数，登记不了小时数（共{int(counts[group].sum())}行）",
            f"请在记实表中登记（事项「{name}」，次数填小时数），并从考勤表删去这些行",
            file=table.file, sheet=table.sheet, cell=a1(first, st_col),
        ))
    for s, group in unknown.items():
        first = int(sheet_rows[np.isin(codes, group)][0])
        issues.append(note(
            f"考勤状态「{s}」不在本方案的考勤计分事项中，未计分（共{int(counts[group].sum())}行）",
            f"本方案的考勤事项：{join_names([i.name for i in scheme.attendance_items]) or '无'}",
            file=table.file, sheet=table.sheet, cell=a1(first, st_col),
        ))
    counted = item_name != ""
    if "天数" in frame.columns:
        days_s = _numbers(table, frame, "天数", table.columns["天数"], issues, label="天数")
        days = days_s.where(frame["天数"].notna() & (days_s != 0), 1.0).to_numpy()
        bad = counted & ~np.isin(days, (0.5, 1.0))
        for i in np.flatnonzero(bad)[:20]:
            issues.append(error("明细式考勤的天数只能是 0.5 或 1", "半天写 0.5，全天写 1 或留空",
                                **where(table, int(sheet_rows[i]), "天数")))
    else:
        days = np.ones(len(frame))
    keep = np.flatnonzero(counted & (subject != "").to_numpy())
    subjects = subject.to_numpy()[keep]
    kept_names = item_name[keep]
    kept_rows = sheet_rows[keep]
    unit_day = {it.name: it.unit == "天" for it in scheme.items}
    per_day = np.fromiter((unit_day.get(n, False) for n in kept_names), dtype=bool, count=len(keep))
    quantity = np.where(per_day, days[keep], 1.0).astype(float)
    _check_detail_totals(table, roster, subjects, kept_names, quantity, per_day, kept_rows, st_col, period, issues)
    out.subject = subjects.tolist()
    out.item = kept_names.tolist()
    out.quantity = quantity.tolist()
    st_letters = col_letter(st_col)
    out.source = [f"{table.sheet}!{st_letters}{r + 1}" for r in kept_rows.tolist()]
    out.date = _detail_dates(table, frame["日期"].to_numpy()[keep], kept_rows, period, issues)
    return out, issues


def _check_detail_totals(table: Table, roster: Roster, subjects: np.ndarray, items: np.ndarray, quantity: np.ndarray,
                         per_day: np.ndarray, rows: np.ndarray, col: int, period, issues: list[Issue]) -> None:
    """An error for each person and item whose detail rows add up beyond `readers.values.LIMITS`
    (the days of the period, or a count), at the status cell of their first row."""
    days, count = V.days_limit(period), V.LIMITS["count"]
    if not len(quantity) or float(quantity.sum()) <= min(days, count):
        return  # nobody can be over (the usual case: a few hundred abnormal rows)
    frame = pd.DataFrame({"s": subjects, "i": items, "q": quantity})
    totals = frame.groupby(["s", "i"], sort=False)["q"].transform("sum").to_numpy()
    over = totals > np.where(per_day, days, count)
    if not over.any():
        return
    first = np.flatnonzero(over)[~frame[over].duplicated(["s", "i"]).to_numpy()]
    for i in first[:50]:
        sid, item = subjects[i], items[i]
        who = f"{roster.people.at[sid, '姓名']}（{sid}）" if sid in roster.people.index else str(sid)
        if per_day[i]:
            amount, why = f"{num(totals[i])}天", V.days_why(period)
        else:
            amount, why = f"{num(totals[i])}次", V.count_why()
        issues.append(error(
            f"{who}的「{item}」在考勤明细中合计 {amount}，超出合理范围（{why}）",
            "请核对是否有重复的考勤行，或日期是否属于本考核期",
            file=table.file, sheet=table.sheet, cell=a1(int(rows[i]), col), code="beyond-limit",
        ))


def _detail_dates(table: Table, raw: np.ndarray, rows: np.ndarray, period, issues: list[Issue]) -> list[str]:
    """ISO dates of the counted detail rows, each distinct cell value parsed once; bad dates
    are reported at their own cells, dates outside the period are warned about (first 20)."""
    date_col = table.columns["日期"]
    letters = col_letter(date_col)
    codes, uniques = factorize_cells(raw)
    iso = np.empty(len(uniques) + 1, dtype=object)  # code -1 (blank) takes the last slot
    iso[-1] = ""
    bad_codes, outside_codes = [], []
    for code, value in enumerate(uniques):
        d, issue = V.parse_date(value)
        iso[code] = d.isoformat() if d else ""
        if issue is not None:
            bad_codes.append(code)
        elif d is not None and period is not None and not period.contains(d):
            outside_codes.append(code)
    if bad_codes:
        for i in np.flatnonzero(np.isin(codes, bad_codes)):
            _, issue = V.parse_date(raw[i], file=table.file, sheet=table.sheet, cell=f"{letters}{int(rows[i]) + 1}")
            issues.append(issue)
    if outside_codes:
        outside = np.flatnonzero(np.isin(codes, outside_codes))
        for i in outside[:20]:
            issues.append(warning(
                f"日期 {iso[codes[i]]} 不在考核期 {period.label} 内，仍计入本期", "如属误填请更正日期，或删去不属于本期的考勤行",
                file=table.file, sheet=table.sheet, cell=f"{letters}{int(rows[i]) + 1}",
            ))
        if len(outside) > 20:
            issues.append(warning(
                f"另有{len(outside) - 20}行考勤日期不在考核期 {period.label} 内，仍计入本期", "请核对考勤表的日期范围",
                file=table.file, sheet=table.sheet,
            ))
    return iso[codes].tolist()


def _check_quantities(table: Table, frame: pd.DataFrame, q: pd.Series, item, col: int, issues: list[Issue],
                      period=None) -> pd.Series:
    """Errors for negative, fractional and too large quantities (`readers.values.LIMITS`: a
    count, or the days or hours of the period); the too large ones are returned as 0, so that
    nothing beyond the bounds reaches the ledger. Days go by halves, hours to 2 decimal places."""
    largest, why, unit = V.quantity_limit(item.unit, period)
    big = V.beyond(q.to_numpy(dtype="float64"), largest)
    if big.any():
        for i in np.flatnonzero(big)[:50]:
            r = int(frame["_row"].iat[i])
            issues.append(V.beyond_limit(q.iat[i], largest, why=why, unit=unit, column=item.name,
                                         file=table.file, sheet=table.sheet, cell=a1(r, col)))
        q = q.where(~big, 0.0)
    neg = q < 0
    if item.unit == "天":
        bad_step = (q * 2) % 1 != 0
        what, hint = "应为0.5的整数倍", "旷工和各类假按天计，半天写0.5"
    elif item.unit == "小时":
        bad_step = (q * 100 - (q * 100).round()).abs() > 1e-6  # 1.13 × 100 is 112.99999999999999 in floats
        what, hint = "按小时计，最多两位小数", "请填写小时数，如 1.5 或 0.25"
    else:
        bad_step = q % 1 != 0
        what, hint = "应为整数（次数）", "按次数填写整数"
    for mask, msg, h in ((neg, "不能为负数", "请填0或正数"), (bad_step & ~neg, what, hint)):
        for i in np.flatnonzero(mask.to_numpy())[:50]:
            r = int(frame["_row"].iat[i])
            issues.append(error(f"「{item.name}」{msg}，实际为 {num(q.iat[i])}", h,
                                file=table.file, sheet=table.sheet, cell=a1(r, col)))
    return q


def _safe_float(v) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return 0.0
    return x if math.isfinite(x) else 0.0
