"""Tables → typed frames: the roster, the units, ratings and attendance, with Issues.

Every cell that is read is checked here; every problem becomes an `Issue` naming the file,
sheet and A1 cell, with a concrete fix. Nothing raises for bad data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import itemgetter
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from kaohe_cli.issues import Issue, error, note, warning
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.text import a1, clean, col_letter, join_names, norm, num, suggest

YES = {"是", "Y", "y", "yes", "YES", "1", "参评", "√", "TRUE", "true"}
NO = {"否", "N", "n", "no", "NO", "0", "不参评", "×", "FALSE", "false"}

# Attendance statuses that are not events.
NORMAL_STATUSES = {
    norm(s) for s in ("正常", "出勤", "正常出勤", "休息", "公休", "节假日", "法定节假日", "周末", "出差", "外出", "补卡", "调休", "√", "")
}


def cell_of(table: Table, row: int, column: str) -> str:
    col = table.columns.get(column)
    if col is None:
        col = table.extra_columns.get(norm(column), 0)
    return a1(row, col)


def where(table: Table, row: int, column: str) -> dict:
    return {"file": table.file, "sheet": table.sheet, "cell": cell_of(table, row, column)}


def source_text(table: Table, row: int, column: str) -> str:
    return f"{table.sheet}!{cell_of(table, row, column)}"


def get(table: Table, values: list, column: str):
    col = table.columns.get(column)
    if col is None:
        col = table.extra_columns.get(norm(column))
    if col is None or col >= len(values):
        return None
    return values[col]


def text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return clean(v)


def gid(v) -> str:
    """A 工号 cell as text ('' when blank or unreadable)."""
    value, _ = V.parse_id(v)
    return value or ""


def yes_no(table: Table, row: int, values: list, column: str, default: bool, issues: list[Issue]) -> bool:
    raw = norm(text(get(table, values, column)))
    if raw == "":
        return default
    if raw in YES:
        return True
    if raw in NO:
        return False
    issues.append(error(
        f"「{column}」应填 是 或 否，实际为「{raw}」", f"请把 {column} 改为 是 或 否", **where(table, row, column)
    ))
    return default


# ---- the roster ------------------------------------------------------------------------


@dataclass
class Roster:
    """People by 工号, with a name index for resolving bare names and leader labels."""

    people: pd.DataFrame  # index 工号; 姓名 科室 类别 分管领导 职务 岗位 参加工作时间 年休假天数 入职日期 参评 _row
    by_name: dict[str, list[str]] = field(default_factory=dict)
    depts: set[str] = field(default_factory=set)
    table: Table | None = None

    @classmethod
    def empty(cls) -> "Roster":
        return cls(pd.DataFrame(columns=["姓名", "科室", "类别", "分管领导", "参评", "_row"]))

    def members(self, dept_key: str) -> pd.DataFrame:
        """The roster people of one 科室 (by normalised name). The positions of every 科室 are
        found once per roster; a 科室's frame is cut only when asked for."""
        positions = self.__dict__.get("_dept_positions")
        if positions is None:
            keys = map_unique(self.people["科室"], norm) if len(self.people) else pd.Series([], dtype=object)
            positions = self.__dict__["_dept_positions"] = keys.groupby(keys, sort=False).indices
        found = positions.get(dept_key)
        return self.people.iloc[found] if found is not None else self.people.iloc[0:0]

    def resolve(self, ref: str) -> tuple[str | None, list[str]]:
        """A 工号 or a 姓名 → (工号, []) or (None, candidates 工号 when ambiguous)."""
        key = norm(ref)
        if key in self.people.index:
            return key, []
        ids = self.by_name.get(key, [])
        if len(ids) == 1:
            return ids[0], []
        return None, ids

    def unknown_person_issue(self, ref: str, loc: dict, what: str = "人员") -> Issue:
        _, ids = self.resolve(ref)
        if ids:
            options = "、".join(f"{self.people.at[i, '姓名']}（工号{i}，{self.people.at[i, '科室']}）" for i in ids)
            return error(f"姓名「{ref}」在人员表中有{len(ids)}人重名", f"请改填工号：{options}", **loc)
        names = list(self.by_name)
        key = str(ref).strip()
        zeros = [i for i in self.people.index if key.isdigit() and str(i).lstrip("0") == key.lstrip("0") and str(i) != key]
        if zeros:  # 101 typed for 0101: Excel drops leading zeros of a number
            near = [f"{i}（{self.people.at[i, '姓名']}）" for i in zeros[:3]]
        else:
            near = suggest(ref, names + list(self.people.index))
        hint = f"是否为：{'、'.join(near)}？" if near else ""
        return error(
            f"{what}「{ref}」不在人员表中", (hint + "请核对姓名或工号，或在人员表中补充此人").lstrip(), **loc
        )


_ROSTER_TEXT = ("科室", "类别", "分管领导", "职务", "岗位")


def read_roster(table: Table, *, need_dept: bool = True) -> tuple[Roster, list[Issue]]:
    """The 人员 sheet → Roster, column by column: each distinct cell value is parsed once.

    A row needs a 工号 or a 姓名 to count; its problems are reported in row order, as a
    row-by-row reading would: 工号 (unreadable, blank, repeated: the row is dropped), then
    姓名, 科室, 参评, the dates and 年休假天数 (the row is kept).
    """
    found: list[tuple[int, int, Issue]] = []  # (sheet row, order within the row, issue)
    frame = _frame(table, ["工号", "姓名", "参评", "参加工作时间", "入职日期", "年休假天数", *_ROSTER_TEXT])
    sheet_rows = frame["_row"].to_numpy()
    n = len(frame)

    def column(name: str) -> np.ndarray:
        return frame[name].to_numpy() if name in frame.columns else np.full(n, None, dtype=object)

    def per_value(name: str, parse, blank=None, dtype=object):
        """`parse(value)` once per distinct value → (per-row results, per-row flag: parse failed)."""
        codes, uniques = factorize_cells(column(name))
        results = [parse(u) for u in uniques]
        values = _take([v for v, _ in results], codes, blank=blank, dtype=dtype)
        failed = _take([bad for _, bad in results], codes, blank=False, dtype=bool)
        return values, failed

    def report(mask: np.ndarray, order: int, make) -> None:
        for i in np.flatnonzero(mask):
            found.append((int(sheet_rows[i]), order, make(i)))

    raw_ids = column("工号")
    ids, id_bad = per_value("工号", lambda v: ((V.parse_id(v)[0] or ""), V.parse_id(v)[1] is not None), blank="")
    names, _ = per_value("姓名", lambda v: (text(v), False), blank="")
    keep = (ids != "") | (names != "")
    report(keep & id_bad, 0, lambda i: V.parse_id(raw_ids[i], **where(table, int(sheet_rows[i]), "工号"))[1])
    report(keep & ~id_bad & (ids == ""), 0,
           lambda i: error("工号为空", "每个人都要有工号；请补填", **where(table, int(sheet_rows[i]), "工号")))
    keep &= ~id_bad & (ids != "")
    kept = np.flatnonzero(keep)
    again = pd.Series(ids[kept]).duplicated(keep="first").to_numpy()
    repeated = np.zeros(n, dtype=bool)
    repeated[kept[again]] = True
    first_row = dict(zip(ids[kept[~again]], sheet_rows[kept[~again]]))
    report(repeated, 0, lambda i: error(
        f"工号「{ids[i]}」重复（第{int(first_row[ids[i]]) + 1}行已有）", "工号必须唯一；请核对后修改其中一行",
        **where(table, int(sheet_rows[i]), "工号")))
    keep &= ~repeated

    report(keep & (names == ""), 1, lambda i: error("姓名为空", "请补填姓名", **where(table, int(sheet_rows[i]), "姓名")))
    texts = {c: per_value(c, lambda v: (text(v), False), blank="")[0] for c in _ROSTER_TEXT}
    if need_dept:
        report(keep & (texts["科室"] == ""), 2,
               lambda i: error("科室为空", "请补填此人所在科室", **where(table, int(sheet_rows[i]), "科室")))

    yes, yes_bad = per_value("参评", _yes_no_value, blank=True, dtype=bool)
    raw_yes = column("参评")
    report(keep & yes_bad, 3, lambda i: error(
        f"「参评」应填 是 或 否，实际为「{norm(text(raw_yes[i]))}」", "请把 参评 改为 是 或 否", **where(table, int(sheet_rows[i]), "参评")))

    dates = {}
    for order, col in ((4, "参加工作时间"), (5, "入职日期")):
        raw = column(col)
        dates[col], bad = per_value(col, _date_value)
        report(keep & bad, order, lambda i, raw=raw, col=col: V.parse_date(raw[i], **where(table, int(sheet_rows[i]), col))[1])

    raw_leave = column("年休假天数")
    leave, leave_bad = per_value("年休假天数", _leave_value)
    report(keep & leave_bad, 6, lambda i: _leave_issue(raw_leave[i], where(table, int(sheet_rows[i]), "年休假天数")))

    issues = [issue for _, _, issue in sorted(found, key=lambda t: (t[0], t[1]))]
    rows = np.flatnonzero(keep)
    people = pd.DataFrame({
        "工号": ids[rows], "姓名": names[rows], "科室": texts["科室"][rows], "类别": texts["类别"][rows],
        "分管领导": texts["分管领导"][rows], "职务": texts["职务"][rows], "岗位": texts["岗位"][rows],
        "参评": yes[rows].astype(bool), "_row": sheet_rows[rows].astype("int64"),
        "参加工作时间": dates["参加工作时间"][rows], "入职日期": dates["入职日期"][rows], "年休假天数": leave[rows],
    })
    people = people.set_index("工号", drop=False)
    people.index.name = None
    by_name: dict[str, list[str]] = {}
    for gid, name in zip(people.index, people["姓名"]):
        by_name.setdefault(norm(name), []).append(gid)
    roster = Roster(people, by_name, {norm(d) for d in people["科室"] if d}, table)
    people["leader_id"] = [_leader_id(roster, lab) for lab in people["分管领导"]]
    if not people.empty and not people["参评"].any():
        issues.append(error("人员表中没有参评的人", "请把参评列改为 是，或删去该列", file=table.file, sheet=table.sheet))
    return roster, issues


def _date_value(v) -> tuple[date | None, bool]:
    """(date, unreadable) for one cell; blank → None."""
    if v is None or v == "":
        return None, False
    d, issue = V.parse_date(v)
    return d, issue is not None


def _yes_no_value(v) -> tuple[bool, bool]:
    """(参评, unreadable) for one cell; blank is 是."""
    raw = norm(text(v))
    if raw == "" or raw in YES:
        return True, False
    if raw in NO:
        return False, False
    return True, True


def _leave_value(v) -> tuple[Decimal | None, bool]:
    """(年休假天数, has a problem) for one cell: blank → None; a negative number or one beyond
    `LIMITS["allowance"]` is kept, and reported."""
    if v is None or v == "":
        return None, False
    n, issue = V.parse_number(v)
    return n, issue is not None or n < 0 or n > V.LIMITS["allowance"]


def _leave_issue(v, loc: dict) -> Issue:
    n, issue = V.parse_number(v, **loc)
    if issue is not None:
        return issue
    if n > V.LIMITS["allowance"]:
        return V.beyond_limit(n, V.LIMITS["allowance"], why=f"一年最多 {V.LIMITS['allowance']} 天", unit="天",
                              column="年休假天数", hint="年休假天数是每年可休的天数，通常为 5、10 或 15", **loc)
    return error("年休假天数不能为负数", "请填0或正数", **loc)


def _leader_id(roster: Roster, label: str) -> str:
    if not label:
        return ""
    gid, _ = roster.resolve(label)
    return gid or ""


# ---- units ------------------------------------------------------------------------------


def read_units(table: Table) -> tuple[pd.DataFrame, list[Issue]]:
    issues: list[Issue] = []
    rows = []
    seen: dict[str, int] = {}
    for r, vals in table.records:
        name = text(get(table, vals, "单位"))
        if not name:
            continue
        key = norm(name)
        if key in seen:
            issues.append(error(f"单位「{name}」重复（第{seen[key] + 1}行已有）", "每个单位只写一行", **where(table, r, "单位")))
            continue
        seen[key] = r
        rec = {
            "单位": key,
            "名称": name,
            "类型": text(get(table, vals, "类型")),
            "分管领导": text(get(table, vals, "分管领导")),
            "参评先进": "否" if not yes_no(table, r, vals, "参评先进", True, issues) else "是",
            "_row": r,
        }
        raw = get(table, vals, "人数")
        rec["人数"] = None
        if raw not in (None, ""):
            n, issue = V.parse_number(raw, column="人数", **where(table, r, "人数"))
            if issue is None:
                issue = V.beyond_limit(n, V.LIMITS["count"], why=f"最多 {V.LIMITS['count']} 人", column="人数",
                                       **where(table, r, "人数"))
            if issue:
                issues.append(issue)
            elif n < 0 or n != n.to_integral_value():
                issues.append(error("人数应为非负整数", "请填写部门实有人数", **where(table, r, "人数")))
            else:
                rec["人数"] = int(n)
        rows.append(rec)
    units = pd.DataFrame(rows, columns=["单位", "名称", "类型", "分管领导", "参评先进", "_row", "人数"])
    units = units.set_index("单位", drop=False)
    units.index.name = None
    return units, issues


def resolve_unit(units: pd.DataFrame, ref: str, loc: dict) -> tuple[str | None, Issue | None]:
    key = norm(ref)
    if key in units.index:
        return key, None
    near = suggest(ref, list(units.index))
    hint = f"是否为：{'、'.join(near)}？" if near else "请核对单位名称，或在单位表中补充"
    return None, error(f"单位「{ref}」不在单位表中", hint, **loc)


# ---- ratings ----------------------------------------------------------------------------


@dataclass
class Ratings:
    values: pd.DataFrame  # index subject; rating columns (float, NaN = blank)
    cells: pd.DataFrame  # index subject; source text "评分!C5"
    rows: dict[str, int]  # subject → sheet row


def read_ratings(table: Table, columns: list[str], resolve, subject_col: str) -> tuple[Ratings, list[Issue]]:
    """Read the rating columns of sheet 评分; `resolve(ref, loc) -> (id, issue)`.

    Column by column, each distinct reference and cell value looked at once; the issues come in
    the order a row-by-row reading gives (per row: the reference, then each rating column).
    """
    found: list[tuple[int, int, Issue]] = []  # (sheet row, order within the row, issue)
    colmap: dict[str, int | None] = {}
    for c in columns:
        idx = table.columns.get(c)
        if idx is None:
            idx = table.extra_columns.get(norm(c))
        colmap[c] = idx
    frame = _frame(table, ["工号", "姓名", "单位"] + [c for c in columns if colmap[c] is not None])
    sheet_rows = frame["_row"].to_numpy()
    n = len(frame)

    def column(name: str) -> np.ndarray:
        return frame[name].to_numpy() if name in frame.columns else np.full(n, None, dtype=object)

    def distinct(name: str, fn) -> np.ndarray:
        codes, uniques = factorize_cells(column(name))
        return _take([fn(u) for u in uniques], codes, blank=fn(None))

    # the reference: 单位, else 工号, else 姓名
    if subject_col == "单位":
        refs = distinct("单位", text)
    else:
        refs = distinct("工号", gid)
        by_name = distinct("姓名", text)
        refs = np.where(refs == "", by_name, refs)
    loc_col = subject_col if subject_col in table.columns else "姓名"
    verdict: dict[str, tuple[str | None, bool]] = {}  # ref → (id, refused)
    ids = np.full(n, None, dtype=object)
    for i in np.flatnonzero(refs != ""):
        ref = refs[i]
        known = verdict.get(ref)
        if known is None or known[1]:  # a refused reference is reported at every row, at its cell
            sid, issue = resolve(ref, where(table, int(sheet_rows[i]), loc_col))
            verdict[ref] = known = (sid, issue is not None)
            if issue is not None:
                found.append((int(sheet_rows[i]), 0, issue))
                continue
        ids[i] = known[0]
    taken = np.flatnonzero(ids != None)  # noqa: E711 - elementwise on an object array
    again = pd.Series(ids[taken], dtype=object).duplicated(keep="first").to_numpy()
    first_row = dict(zip(ids[taken[~again]], sheet_rows[taken[~again]]))
    for i in taken[again]:
        found.append((int(sheet_rows[i]), 0, error(
            f"「{refs[i]}」在评分表中出现两次（第{int(first_row[ids[i]]) + 1}行已有）", "每人（每单位）只写一行",
            **where(table, int(sheet_rows[i]), loc_col))))
    use = taken[~again]  # accepted rows, in row order
    sids = ids[use].tolist()
    rows = dict(zip(sids, sheet_rows[use].tolist()))

    data: dict[str, dict[str, float]] = {c: {} for c in columns}
    cells: dict[str, dict[str, str]] = {c: {} for c in columns}
    for order, c in enumerate(columns, 1):
        col = colmap[c]
        if col is None:
            continue
        letters = col_letter(col)
        cells[c] = dict(zip(sids, [f"{table.sheet}!{letters}{r + 1}" for r in sheet_rows[use].tolist()]))
        raw = column(c)
        codes, uniques = factorize_cells(raw[use])
        parsed = [_rating_value(u) for u in uniques]
        numbers = _take([v for v, _ in parsed], codes, blank=None)
        bad = _take([b for _, b in parsed], codes, blank=False, dtype=bool)
        for k in np.flatnonzero(bad):
            i = use[k]
            issue = _rating_issue(raw[i], c, file=table.file, sheet=table.sheet, cell=f"{letters}{int(sheet_rows[i]) + 1}")
            found.append((int(sheet_rows[i]), order, issue))
        filled = np.flatnonzero(numbers != None)  # noqa: E711
        data[c] = dict(zip([sids[k] for k in filled], numbers[filled].tolist()))
    issues = [issue for _, _, issue in sorted(found, key=lambda t: (t[0], t[1]))]
    values = pd.DataFrame({c: pd.Series(v, dtype="float64") for c, v in data.items()})
    cell_frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in cells.items()})
    return Ratings(values, cell_frame, rows), issues


def _rating_value(v) -> tuple[float | None, bool]:
    """(number, unreadable) for one rating cell; blank → None. A number beyond
    `LIMITS["rating"]` is unreadable too: it is reported and not used."""
    if v is None or (isinstance(v, str) and v.strip() == ""):
        return None, False
    n, issue = V.parse_number(v)
    if issue is not None or abs(n) > V.LIMITS["rating"]:
        return None, True
    return float(n), False


def _rating_issue(v, column: str, **loc) -> Issue:
    """The error of a rating cell `_rating_value` refused."""
    n, issue = V.parse_number(v, **loc)
    if issue is None:
        issue = V.beyond_limit(n, V.LIMITS["rating"], why=f"评分表的分数和票数绝对值最大 {V.LIMITS['rating']}",
                               column=column, **loc)
    return issue


def _subject_ref(table: Table, vals: list, subject_col: str) -> str:
    if subject_col == "单位":
        return text(get(table, vals, "单位"))
    g = gid(get(table, vals, "工号"))
    if g:
        return g
    return text(get(table, vals, "姓名"))


# ---- attendance -------------------------------------------------------------------------


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


_ID_COLUMNS = {"工号", "姓名", "科室", "部门", "类别", "序号", "职务", "岗位", "备注", "分管领导", "考勤组", "出勤天数", "应出勤天数", "实际出勤天数"}


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
        out = _take([p if p in in_roster else "" for p in parsed], codes)
        has_code = _take([p != "" for p in parsed], codes, blank=False, dtype=bool)
        code_text = _take(parsed, codes)
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
        out[need_name] = _take([unique_names.get(k, "") for k in keys], codes)
        name_given[need_name] = _take([k != "" for k in keys], codes, blank=False, dtype=bool)
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


def _take(per_unique: list, codes: np.ndarray, blank: object = "", dtype=object) -> np.ndarray:
    """Values per distinct cell → values per row (`codes` from factorize; -1 is a blank cell)."""
    table = np.empty(len(per_unique) + 1, dtype=dtype)
    table[:-1] = per_unique
    table[-1] = blank
    return table[codes]


_BOOL_KEY = {True: "\x00TRUE", False: "\x00FALSE"}
_KEY_BOOL = {v: k for k, v in _BOOL_KEY.items()}


def _is_zero_one(u) -> bool:
    try:
        return bool(u == 0 or u == 1)
    except Exception:  # noqa: BLE001 - odd objects are simply not 0/1
        return False


def factorize_cells(values) -> tuple[np.ndarray, list]:
    """`pd.factorize` for cell values (codes, distinct values; blank → -1), except that a
    logical TRUE/FALSE is never merged with the number 1/0, which Python holds equal."""
    arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniques = list(uniques)
    zero_one = [k for k, u in enumerate(uniques) if not isinstance(u, str) and _is_zero_one(u)]
    if zero_one:
        suspects = np.flatnonzero(np.isin(codes, zero_one)).tolist()
        flags = [i for i in suspects if type(arr[i]) is bool]
        if flags and len(flags) < len(suspects):  # both kinds present: tell them apart
            keys = arr.copy()
            for i in flags:
                keys[i] = _BOOL_KEY[bool(arr[i])]
            codes, uniques = pd.factorize(keys, use_na_sentinel=True)
            uniques = [_KEY_BOOL.get(u, u) if isinstance(u, str) else u for u in uniques]
    return codes, uniques


def map_unique(series: pd.Series, fn) -> pd.Series:
    """`series.map(fn)` computing `fn` once per distinct value (220,000 rows, a few hundred ids)."""
    codes, uniques = factorize_cells(series)
    values = [fn(u) for u in uniques] + [fn(None)]  # code -1 (blank) takes the last slot
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return pd.Series(out[codes], index=series.index, dtype=object)


def _frame(table: Table, columns: list[str]) -> pd.DataFrame:
    """The records' cells of `columns` (those present), column by column, plus `_row`."""
    records = table.records
    data: dict[str, object] = {"_row": np.fromiter((r for r, _ in records), dtype=np.int64, count=len(records))}
    rows = [vals for _, vals in records]
    shortest = min(map(len, rows), default=0)
    for c in columns:
        idx = table.columns.get(c, table.extra_columns.get(norm(c)))
        if idx is None:
            continue
        if idx < shortest:  # the usual rectangular grid: one C-level pass
            cells = list(map(itemgetter(idx), rows))
        else:
            cells = [vals[idx] if idx < len(vals) else None for vals in rows]
        column = np.empty(len(cells), dtype=object)
        column[:] = cells
        data[c] = column
    return pd.DataFrame(data, copy=False)


def _numbers(table: Table, frame: pd.DataFrame, column: str, col_idx: int, issues: list[Issue], *,
             label: str = "") -> pd.Series:
    """A column to finite floats; blank → 0; text, NaN and infinity → error at its cell (and 0)."""
    raw = frame[column]
    cells = raw.to_numpy(dtype=object)
    values = pd.to_numeric(raw, errors="coerce")
    nan_cell = cells != cells  # a float NaN in the cell (a formula error), not a blank one
    blank = (raw.isna().to_numpy() & ~nan_cell) | map_unique(
        raw, lambda v: isinstance(v, str) and v.strip() in ("", "-", "--", "—")).astype(bool).to_numpy()
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
        if header in _ID_COLUMNS or norm(header) in _ID_COLUMNS:
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
    frame = _frame(table, ["工号", "姓名"] + [h for h, _, _ in item_cols])
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
    frame = _frame(table, cols)
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
    for code, s in enumerate(statuses):
        if s in NORMAL_STATUSES:
            continue
        it = scheme.item(s)
        if it is None or not it.attendance:
            unknown.setdefault(s, []).append(code)
        else:
            names[code] = it.name
    item_name = names[codes]
    st_col = table.columns["状态"]
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
    count, or the days of the period); the too large ones are returned as 0, so that nothing
    beyond the bounds reaches the ledger."""
    if item.unit == "天":
        largest, why, unit = V.days_limit(period), V.days_why(period), "天"
    else:
        largest, why, unit = V.LIMITS["count"], V.count_why(), ""
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



def date_in_period(d: date | None, period) -> bool:
    return d is None or period.contains(d)
