"""The mapping from export columns and per-day result kinds to scheme items: what each column is
(identity, statistic, day result…), which item it feeds, and how its numbers are converted —
written for the clerk as `conversion` (Chinese) and for code as `kind` (`results.COLUMN_KINDS`).

Default mapping (header without its unit suffix): 迟到次数 → 迟到; 早退次数 → 早退; 严重迟到次数,
旷工迟到天数/次数 → 迟到 (with a note); 旷工天数, else 旷工时长, else 旷工次数 → 旷工; 事假, 病假,
年假/年休假 → their items; other statistics → unmapped. The caller's mapping overrides it, keyed by
the full header, the sub-header or the sub-header without its unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe_cli.attendance.layout import Column, Layout
from kaohe_cli.attendance.results import (
    COMPANION,
    COUNTED,
    DAILY_TEXT,
    STATISTIC,
    STATUS_TEXT,
    STATUS_TEXT_UNUSED,
    UNMAPPED,
    ExportColumn,
    IssueLog,
)
from kaohe_cli.attendance.values import short
from kaohe_cli.domain.attendance_vocabulary import (
    ABSENT,
    ABSENT_SOURCES,
    ACCOUNT_HEADERS,
    CATEGORY_NAMES,
    DATE_HEADERS,
    DEPT_HEADERS,
    EARLY,
    GONGHAO_HEADERS,
    IDENTITY,
    IDENTITY_SUFFIXES,
    INFO,
    LATE,
    LEAVE_ITEMS,
    LEAVE_NAMES_WITHOUT_JIA,
    MISSING_WORDS,
    MONTHLY,
    NAME_HEADERS,
    OTHER_STAT_PREFIXES,
    OVERTIME_WORD,
    PUNCH_TEXT_SUFFIXES,
    RESULT_GROUP,
    STAT_BASES,
    WEEKDAYS,
    is_day_item,
    split_unit,
)
from kaohe_cli.issues import Level

_IDENTITY_ROLES = ("id", "name", "gonghao", "dept", "account", "date")


@dataclass
class ColumnPlan:
    """Every column of an export with its meaning decided, and the caller's mapping."""

    cols: list[Column]
    mapping: dict[str, str | None]  # keys normalised with `norm`
    name: Column | None
    gonghao: Column | None
    dept: Column | None
    account: Column | None
    date: Column | None
    stats: list[Column]  # numeric columns: counted, or totalled as unmapped
    texts: list[Column]  # the per-day result columns that are read
    text_is_punch: bool  # the texts are punch results (several a day), not day results
    summary_items: set[str]  # items some column feeds
    overrides: dict[str, str | None]  # kind of column → item, from the caller's mapping
    used_keys: set[str] = field(default_factory=set)  # mapping keys that named something


def plan_columns(layout: Layout, kind: str, mapping: dict[str, str | None], hpd: Decimal, log: IssueLog) -> ColumnPlan:
    """Decide what every column of the layout means and feeds; notes go to `log`."""
    cols = layout.cols
    for col in cols:
        _classify(col, kind)
    _number_days(cols)
    used_keys: set[str] = set()
    for col, text in _assign_items(cols, mapping, hpd, used_keys):
        log.add(Level.NOTE, text, "如不应计入，请在 kaohe.toml 的考勤映射中把此列设为空", col.cell,
                "export-mapped-note", header=col.header)
    for col in cols:
        if col.item and is_day_item(col.item) and col.unit in ("小时", "分钟"):
            log.add(Level.NOTE, f"「{col.header}」的单位是{col.unit}，按{col.conversion}折算",
                    "每天工作小时数可在 kaohe.toml 中修改", col.cell, "export-unit", header=col.header)

    role = {c.role: c for c in reversed(cols)}
    stats = [c for c in cols if c.role in ("stat", "other")]
    day_cols = [c for c in cols if c.role == "day"]
    daytext = [c for c in cols if c.role == "daytext"]
    punch = [c for c in cols if c.role == "punchtext"]
    overrides: dict[str, str | None] = {}
    for col in cols:
        if col.overridden and col.category:
            overrides.setdefault("absent" if col.category.startswith("absent_") else col.category, col.item)
    return ColumnPlan(
        cols=cols, mapping=mapping, name=role.get("name"), gonghao=role.get("gonghao"),
        dept=role.get("dept"), account=role.get("account"), date=role.get("date"),
        stats=stats, texts=day_cols or daytext or punch,
        text_is_punch=not day_cols and not daytext and bool(punch),
        summary_items={c.item for c in stats if c.item}, overrides=overrides, used_keys=used_keys,
    )


# ----------------------------------------------------------------------------- what a column is


def _classify(col: Column, kind: str) -> None:
    leaf = col.path[-1]
    col.leaf = leaf
    col.header = "/".join(col.path)
    col.base, col.unit = split_unit(leaf)
    groups = col.path[:-1]
    if kind == MONTHLY and (
        any(g == RESULT_GROUP for g in groups) or (not groups and _day_number(leaf) is not None)
    ):
        # Under 考勤结果 a day may be labelled "1", "六", or "1" over "日" on a third header row.
        numbers = [_day_number(p) for p in col.path if p != RESULT_GROUP]
        col.role, col.day = "day", next((n for n in numbers if n), 0)
        return
    col.role = _identity_role(col, kind)
    if col.role == "stat":
        _classify_stat(col)


def _identity_role(col: Column, kind: str) -> str:
    """The role of an identity, metadata or text column; "stat" for any other."""
    leaf, base = col.leaf, col.base
    low = base.lower() if base.isascii() else base
    if leaf in NAME_HEADERS:
        return "name"
    if leaf in GONGHAO_HEADERS:
        return "gonghao"
    if leaf in DEPT_HEADERS:
        return "dept"
    if low in ACCOUNT_HEADERS:
        return "account"
    if low in DATE_HEADERS:
        return "date"
    if leaf == RESULT_GROUP:
        return "daytext" if kind != MONTHLY else "id"
    if leaf.endswith(PUNCH_TEXT_SUFFIXES):
        return "punchtext"
    if base in IDENTITY or base.endswith(IDENTITY_SUFFIXES):
        return "id"
    if base in INFO:
        return "info"
    return "stat"


def _classify_stat(col: Column) -> None:
    """The category of a statistic column; "other" when it is none that we know."""
    base = col.base
    if base in STAT_BASES:
        col.category = STAT_BASES[base]
    elif any(word in base for word in MISSING_WORDS):
        col.category = "missing"
    elif OVERTIME_WORD in base:
        col.category = OVERTIME_WORD
    elif base in LEAVE_ITEMS or base.endswith("假") or base in LEAVE_NAMES_WITHOUT_JIA:
        col.category = f"leave:{base}"
        if not col.unit:
            col.unit = "天"
            col.unit_note = "单位未注明，按天计"
    else:
        for word in OTHER_STAT_PREFIXES:
            if base.startswith(word):
                col.category = word
                break
        else:
            col.role, col.category = "other", "other"


def _day_number(label: str) -> int | None:
    m = re.match(r"^(\d{1,2})(?!\d)", label)
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    m = re.match(r"^\d{4}-\d{2}-(\d{2})$", label)
    if m:
        return int(m.group(1))
    if label and label[0] in WEEKDAYS and len(label) <= 3:
        return 0  # a weekday label; the day number is inferred from its neighbours
    return None


def _number_days(cols: list[Column]) -> None:
    """Weekend day columns may be labelled 六 / 日: number them after their left neighbour."""
    previous = 0
    for col in cols:
        if col.role != "day":
            continue
        if not col.day:
            col.day = previous + 1
            col.header = f"{col.header}({col.day}日)"
        previous = col.day


# ----------------------------------------------------------------------------- which item it feeds


def _mapping_lookup(
    mapping: dict[str, str | None], col: Column, used: set[str] | None = None
) -> tuple[bool, str | None]:
    keys = ["/".join(col.path), col.leaf, col.base]
    if col.category == "missing":
        # 上班缺卡次数 and 下班缺卡次数 are one kind: "缺卡次数" or "缺卡" names both.
        keys += ["缺卡次数", "缺卡"]
    for key in keys:
        if key in mapping:
            if used is not None:
                used.add(key)
            return True, mapping[key]
    return False, None


def _assign_items(
    cols: list[Column], mapping: dict[str, str | None], hpd: Decimal, used: set[str] | None = None
) -> list[tuple[Column, str]]:
    """Decide which item every statistic column feeds. Returns (column, note) pairs."""
    notes: list[tuple[Column, str]] = []
    stats = [c for c in cols if c.role in ("stat", "other", "info")]
    cats = {c.category for c in stats}
    absent_source = next((k for k in ABSENT_SOURCES if k in cats), None)
    for col in stats:
        if col.role == "stat":
            note = _default_item(col, absent_source)
            if note:
                notes.append((col, note))
        found, target = _mapping_lookup(mapping, col, used)
        if found:
            col.item = target or None
            col.overridden = True
            # An explicit choice: the column is now counted, or listed as unmapped.
            if col.role == "companion" or (col.role in ("info", "other") and target):
                col.role = "stat"
        describe(col, hpd)
    return notes


def _default_item(col: Column, absent_source: str | None) -> str:
    """Set the item a statistic column feeds by default; a note about it, or ''."""
    cat = col.category
    if cat == "late":
        col.item = LATE
    elif cat == "early":
        col.item = EARLY
    elif cat in ("severe_late", "absent_late"):
        col.item = LATE
        return f"「{col.leaf}」按默认对应计入“迟到”次数"
    elif cat in ("late_minutes", "early_minutes"):
        col.role = "companion"
    elif cat.startswith("absent_"):
        if cat != absent_source:
            col.role = "companion"
            return ""
        col.item = ABSENT
        if cat == "absent_count":
            return f"「{col.leaf}」没有旷工时长，按每次1天计入“旷工”"
    elif cat.startswith("leave:"):
        col.item = LEAVE_ITEMS.get(cat[6:])
    return ""


def describe(col: Column, hpd: Decimal) -> None:
    """Write how a statistic column is used: `conversion` in Chinese, and its `kind`."""
    if col.role == "info":
        text, col.kind = "出勤统计，不计入考核", STATISTIC
    elif col.role == "companion":
        text, col.kind = "与次数列同列，只用于核对", COMPANION
    elif col.role in ("stat", "other") and col.item is None:
        text, col.kind = "不对应考核事项，只列出合计", UNMAPPED
    elif col.item is not None and is_day_item(col.item):
        text, col.kind = _day_conversion(col.unit, hpd), COUNTED
        if col.item == ABSENT:
            text += "，四舍五入到0.5天"
    elif col.item is not None:
        text = "按次计" if col.unit in ("次", "天", "") else f"原值（{col.unit}）"
        if col.item == LATE and col.category in ("severe_late", "absent_late"):
            text += "，计入迟到"
        col.kind = COUNTED
    else:
        text, col.kind = "", UNMAPPED
    col.conversion = f"{text}（{col.unit_note}）" if col.unit_note and text else text


def _day_conversion(unit: str, hpd: Decimal) -> str:
    if unit == "小时":
        return f"小时÷{short(hpd)}=天"
    if unit == "分钟":
        return f"分钟÷{short(hpd * 60)}=天"
    if unit == "次":
        return "每次按1天计"
    return "天数"


def day_item(
    category: str, mapping: dict[str, str | None], overrides: dict[str, str | None], used: set[str] | None = None
) -> str | None:
    """The item a per-day result kind feeds: the caller's mapping by its name ("缺卡", or
    "缺卡次数"), else the override of a column of the same kind ("严重迟到次数" → severe_late),
    else the default."""
    name = CATEGORY_NAMES.get(category, category[6:] if category.startswith("leave:") else category)
    for key in (name, f"{name}次数"):
        if key in mapping:
            if used is not None:
                used.add(key)
            return mapping[key] or None
    if category in overrides:
        return overrides[category]
    if category in ("late", "severe_late", "absent_late"):
        return LATE
    if category == "early":
        return EARLY
    if category == "absent":
        return ABSENT
    if category.startswith("leave:"):
        return LEAVE_ITEMS.get(category[6:])
    return None


def day_label(category: str) -> tuple[str, str]:
    """Display name and unit of an unmapped per-day result kind."""
    if category.startswith("leave:"):
        return category[6:], "天"
    return CATEGORY_NAMES.get(category, category), "次"


# ----------------------------------------------------------------------------- the columns shown


def export_columns(plan: ColumnPlan, numeric: dict[int, bool], units: dict[int, str]) -> list[ExportColumn]:
    """Every column read other than identity/metadata columns, with its item and conversion.
    `numeric` and `units` are what the data rows showed of columns we do not know."""
    out = []
    for col in plan.cols:
        if col.role in _IDENTITY_ROLES:
            continue
        if col.role == "other" and not numeric.get(col.col, False):
            continue  # a text column we do not know: metadata
        if col.role == "day":
            text = "逐日考勤结果，用于核对汇总列" if plan.summary_items else "逐日考勤结果，解析后计数"
            out.append(ExportColumn(col.header, col.col, None, "", text, DAILY_TEXT))
            continue
        if col.role in ("daytext", "punchtext"):
            if col in plan.texts:
                out.append(ExportColumn(col.header, col.col, None, "", "考勤结果文字，统计列缺失的事项按它计数", STATUS_TEXT))
            else:
                out.append(ExportColumn(col.header, col.col, None, "", "考勤结果文字，未使用", STATUS_TEXT_UNUSED))
            continue
        unit = col.unit or units.get(col.col, "")
        out.append(ExportColumn(col.header, col.col, col.item, unit, col.conversion, col.kind))
    return out
