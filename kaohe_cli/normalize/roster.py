"""The 人员 sheet → `Roster`: people by 工号, with the look-ups every later stage uses.

A person is found by 工号 or by a unique 姓名 (`Roster.resolve`); an unknown or ambiguous
reference becomes an `Issue` that names the candidates (`Roster.unknown_person_issue`). The
sheet is read column by column; its problems are reported in row order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from kaohe_cli.domain.vocabulary import NO_WORDS, YES_WORDS
from kaohe_cli.issues import Issue, error
from kaohe_cli.normalize.cells import Columns, map_unique, text
from kaohe_cli.read import values as V
from kaohe_cli.read.tables import Table
from kaohe_cli.text import norm, suggest


@dataclass
class Roster:
    """People by 工号, with a name index for resolving bare names and leader labels."""

    people: pd.DataFrame  # index 工号; 姓名 科室 类别 分管领导 职务 岗位 参加工作时间 年休假天数 入职日期 参评 _row
    by_name: dict[str, list[str]] = field(default_factory=dict)
    depts: set[str] = field(default_factory=set)
    table: Table | None = None
    # 科室 key → positions of its people in `people`; found on the first `members` call.
    _dept_positions: dict | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def empty(cls) -> "Roster":
        return cls(pd.DataFrame(columns=["姓名", "科室", "类别", "分管领导", "参评", "_row"]))

    def members(self, dept_key: str) -> pd.DataFrame:
        """The roster people of one 科室 (by normalised name). The positions of every 科室 are
        found once per roster; a 科室's frame is cut only when asked for."""
        if self._dept_positions is None:
            keys = map_unique(self.people["科室"], norm) if len(self.people) else pd.Series([], dtype=object)
            self._dept_positions = keys.groupby(keys, sort=False).indices
        found = self._dept_positions.get(dept_key)
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


def leader_id(roster: Roster, label: str) -> str:
    """The 工号 a 分管领导 cell names ('' when blank or not found)."""
    if not label:
        return ""
    gid, _ = roster.resolve(label)
    return gid or ""


_ROSTER_TEXT = ("科室", "类别", "分管领导", "职务", "岗位")


def read_roster(table: Table, *, need_dept: bool = True) -> tuple[Roster, list[Issue]]:
    """The 人员 sheet → Roster, column by column: each distinct cell value is parsed once.

    A row needs a 工号 or a 姓名 to count; its problems are reported in row order, as a
    row-by-row reading would: 工号 (unreadable, blank, repeated: the row is dropped), then
    姓名, 科室, 参评, the dates and 年休假天数 (the row is kept).
    """
    cols = Columns(table, ["工号", "姓名", "参评", "参加工作时间", "入职日期", "年休假天数", *_ROSTER_TEXT])
    ids, names, keep = _kept_ids(cols)
    cols.report(keep & (names == ""), 1, lambda i: error("姓名为空", "请补填姓名", **cols.where(i, "姓名")))
    texts = {c: cols.per_value(c, _text_value, blank="")[0] for c in _ROSTER_TEXT}
    if need_dept:
        cols.report(keep & (texts["科室"] == ""), 2,
                    lambda i: error("科室为空", "请补填此人所在科室", **cols.where(i, "科室")))

    yes, yes_bad = cols.per_value("参评", _yes_no_value, blank=True, dtype=bool)
    raw_yes = cols.column("参评")
    cols.report(keep & yes_bad, 3, lambda i: error(
        f"「参评」应填 是 或 否，实际为「{norm(text(raw_yes[i]))}」", "请把 参评 改为 是 或 否", **cols.where(i, "参评")))

    dates = {}
    for order, col in ((4, "参加工作时间"), (5, "入职日期")):
        raw = cols.column(col)
        dates[col], bad = cols.per_value(col, _date_value)
        cols.report(keep & bad, order, lambda i, raw=raw, col=col: V.parse_date(raw[i], **cols.where(i, col))[1])

    raw_leave = cols.column("年休假天数")
    leave, leave_bad = cols.per_value("年休假天数", _leave_value)
    cols.report(keep & leave_bad, 6, lambda i: _leave_issue(raw_leave[i], cols.where(i, "年休假天数")))

    issues = cols.issues()
    rows = np.flatnonzero(keep)
    people = pd.DataFrame({
        "工号": ids[rows], "姓名": names[rows], "科室": texts["科室"][rows], "类别": texts["类别"][rows],
        "分管领导": texts["分管领导"][rows], "职务": texts["职务"][rows], "岗位": texts["岗位"][rows],
        "参评": yes[rows].astype(bool), "_row": cols.rows[rows].astype("int64"),
        "参加工作时间": dates["参加工作时间"][rows], "入职日期": dates["入职日期"][rows], "年休假天数": leave[rows],
    })
    roster = _roster(people, table)
    if not people.empty and not people["参评"].any():
        issues.append(error("人员表中没有参评的人", "请把参评列改为 是，或删去该列", file=table.file, sheet=table.sheet))
    return roster, issues


def _kept_ids(cols: Columns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record: 工号, 姓名, and whether the row is kept. A row with a 工号 or a 姓名 counts; its
    工号 is reported when unreadable, blank or repeated, and the row is then dropped."""
    raw_ids = cols.column("工号")
    ids, id_bad = cols.per_value("工号", _id_value, blank="")
    names, _ = cols.per_value("姓名", _text_value, blank="")
    keep = (ids != "") | (names != "")
    cols.report(keep & id_bad, 0, lambda i: V.parse_id(raw_ids[i], **cols.where(i, "工号"))[1])
    cols.report(keep & ~id_bad & (ids == ""), 0,
                lambda i: error("工号为空", "每个人都要有工号；请补填", **cols.where(i, "工号")))
    keep &= ~id_bad & (ids != "")
    kept = np.flatnonzero(keep)
    again = pd.Series(ids[kept]).duplicated(keep="first").to_numpy()
    repeated = np.zeros(cols.n, dtype=bool)
    repeated[kept[again]] = True
    first_row = dict(zip(ids[kept[~again]], cols.rows[kept[~again]]))
    cols.report(repeated, 0, lambda i: error(
        f"工号「{ids[i]}」重复（第{int(first_row[ids[i]]) + 1}行已有）", "工号必须唯一；请核对后修改其中一行",
        **cols.where(i, "工号")))
    return ids, names, keep & ~repeated


def _roster(people: pd.DataFrame, table: Table) -> Roster:
    """The kept rows → Roster: indexed by 工号, with the name index and each 分管领导's 工号."""
    people = people.set_index("工号", drop=False)
    people.index.name = None
    by_name: dict[str, list[str]] = {}
    for person, name in zip(people.index, people["姓名"]):
        by_name.setdefault(norm(name), []).append(person)
    roster = Roster(people, by_name, {norm(d) for d in people["科室"] if d}, table)
    people["leader_id"] = [leader_id(roster, lab) for lab in people["分管领导"]]
    return roster


def _id_value(v) -> tuple[str, bool]:
    """(工号, unreadable) for one cell; blank → ''."""
    value, issue = V.parse_id(v)
    return value or "", issue is not None


def _text_value(v) -> tuple[str, bool]:
    return text(v), False


def _date_value(v) -> tuple[date | None, bool]:
    """(date, unreadable) for one cell; blank → None."""
    if v is None or v == "":
        return None, False
    d, issue = V.parse_date(v)
    return d, issue is not None


def _yes_no_value(v) -> tuple[bool, bool]:
    """(参评, unreadable) for one cell; blank is 是."""
    raw = norm(text(v))
    if raw == "" or raw in YES_WORDS:
        return True, False
    if raw in NO_WORDS:
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
