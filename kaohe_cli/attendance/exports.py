"""Recognise DingTalk / WeCom punch-clock exports and read them into attendance counts.

Three layouts are known (see ``shared/ATTENDANCE-EXPORTS.md``)::

    EXPORT_KINDS = ("钉钉月度汇总", "钉钉每日统计", "企业微信日报")

API::

    detect_export(sheet) -> str | None
        The kind of export a `RawSheet` holds, or None. Decided by header and title text only
        (DingTalk / WeCom vocabulary such as 考勤组, UserId, 上班缺卡次数, 异常统计, 假勤统计),
        never by column position. A clerk's own 考勤 sheet (工号, 姓名, 迟到, 早退…) is not an
        export.

    read_export(sheet, *, hours_per_day=Decimal(8), mapping=None) -> AttendanceExport
        Reads the export. Raises `kaohe_cli.errors.UnreadableFile` only when the sheet is not an
        export at all; every data problem becomes an `Issue` in `AttendanceExport.issues`.

``sheet`` is a `kaohe_cli.read.workbook.RawSheet` or anything with the same fields
(``file``, ``name``, ``rows``, ``merged``). Blank cells may be ``None`` or ``''``.
``hours_per_day`` must be positive (else `kaohe_cli.errors.ConfigError`).

Layout: the header starts at the row holding 姓名, plus group rows just above it that are not
titles, and runs down over the rows merged with it (or, with no merge list, the next rows whose
姓名 cell is blank), up to 4 rows. A group label fills its merged range; with no merge list it
is carried rightwards over empty cells that have a sub-header below. Rows above the header are
titles: the first "A 至 B" date range in them is the period; 报表生成时间 is ignored. Day
columns under 考勤结果 are numbered from their label ("1", or "1" over "日"); a bare weekday
label ("六", "日") takes the day after its left neighbour. Data rows without 姓名 are skipped
with a warning; 合计 / 总计 rows and notes ("注：…") are skipped.

People: one per 工号; without one, per UserId / 账号; else per 姓名 + 部门. Person-day rows
are added up per person; a person on two rows of a monthly summary is added up with a warning.

Results::

    AttendanceExport
        kind, file, sheet
        period_start, period_end   from the title (统计日期：2026-03-01 至 2026-03-31), else, for
                                   the per-day kinds, the first and last 日期; else None
        columns    every column read other than identity/metadata columns, as `ExportColumn`
                   (header "请假/事假(天)", 0-based col, item or None, unit, conversion in Chinese)
        unmapped   [(header, total)] for columns that feed no scheme item and have a non-zero
                   total over all people, once per column, in the column's own unit; per-day
                   result cells add entries such as ("考勤结果/外勤(次)", 3) for kinds of
                   result that no column covers
        people     `ExportPerson` per person, in order of first appearance
        issues     `Issue` values: notes and warnings, and errors only for numbers that cannot
                   be right (below)

    ExportPerson
        row       0-based sheet row of the person's first data row
        gonghao   工号 as text ('' when the export has none); leading zeros kept, 1001.0 → "1001"
        name, dept, account (UserId / 账号, '' when absent)
        cells     "姓名" / "工号" / "部门" / "账号" → A1 cell of the person's first data row
        counts    scheme item → Decimal: 迟到, 早退 (times), 旷工 (days, steps of 0.5), 事假,
                  病假, 年休假 (days), plus any item named in ``mapping``. An item is present
                  (possibly 0) whenever the export has a column or per-day cells for it.
        sources   item → "工作表!J5", or a compact list/range of cells ("考勤结果!K5,N5:P5"),
                  for non-zero counts only

Default mapping (header, normalised with `kaohe_cli.text.norm`, unit suffix stripped):

    迟到次数 → 迟到; 早退次数 → 早退; 严重迟到次数, 旷工迟到天数/次数 → 迟到 (with a note);
    旷工天数 → 旷工; else 旷工时长(分钟) → 旷工; else 旷工次数 → 旷工 (1 次 = 1 天, with a note);
    事假 → 事假; 病假 → 病假; 年假/年休假 → 年休假; 缺卡, 外勤, 出差, 外出, 补卡, 地点/设备异常,
    other leave types, overtime → unmapped (listed, never counted).
    出勤天数, 休息天数, 工作时长, 打卡次数, 异常合计 are attendance statistics and the 时长 columns
    beside a 次数 column are companions: both are shown in `columns` but never counted or listed.

``mapping`` overrides it: keys are export headers, matched after `norm` against the full
header ("请假/事假(小时)"), the sub-header ("事假(小时)") or the sub-header without its unit
("事假"); per-day result kinds ("缺卡", "外勤", "婚假"…) can be keyed too. "缺卡次数" and "缺卡"
name every 缺卡 column (上班缺卡次数 and 下班缺卡次数) and the 缺卡 day results. A value is a scheme
item name, or None to leave the column unmapped. A key that names nothing in the export gets a
note (export-mapping-unused).

Units and conversions:

- The unit comes from the header suffix (天) (小时) (分钟) (次); "…次数" is times, "…天数" days,
  and 迟到时长 / 早退时长 / 严重迟到时长 / 旷工迟到时长 / 旷工时长 without a suffix are minutes.
  A unit written in a cell ("3天", "4小时", "2次") wins over the header's. "--", "-" and
  blank cells are 0.
- Day items (旷工, 事假, 病假, 年休假, any …假): hours ÷ hours_per_day, minutes ÷
  (hours_per_day × 60). Leave is kept exact (to 4 decimal places).
- 旷工 is summed exactly per person, then rounded once to the nearest 0.5 day, halves up
  (0.25 → 0.5, 0.75 → 1); a note is issued whenever the rounding changes the value.
- Count items keep the raw number (旷工迟到天数 counts as times).

Bounds (`kaohe_cli.read.values.LIMITS`): a NaN or infinite number in a numeric column is an
error at its cell (a formula error in the export, or a hand edit), and so is a person's count
of an item beyond 10,000 times, or days of an item beyond the days of the export's period
(from its title or dates; 366 when it has neither). The item is then counted as 0.

Per-day result cells (钉钉月度汇总 考勤结果 day columns; 每日统计 上班N打卡结果; 企业微信
考勤结果 / 打卡状态) are parsed for items that have no summary column: "正常", "休息\\n(-)",
"正常班:病假\\n(-)" (1 day), "病假3.5小时", "事假半天", "迟到10分钟,早退5分钟", "旷工" (1 day),
"缺卡", "外勤"… Unreadable results get one warning per distinct text and are not counted.
Only in the monthly summary, when both a summary column and day cells exist, the summary
column is used and every person/item that disagrees gets a warning at the summary cell
(counts exactly; days within 0.01; 旷工 after rounding). In the person-day kinds the result
text is a fallback only, and punch results of one day count 旷工 and leave at most once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kaohe_cli.errors import ConfigError, UnreadableFile
from kaohe_cli.issues import Issue, Level
from kaohe_cli.domain.points import shown
from kaohe_cli.read.values import LIMITS
from kaohe_cli.text import a1, clean, norm, to_halfwidth

MONTHLY = "钉钉月度汇总"
DAILY = "钉钉每日统计"
WECOM = "企业微信日报"
EXPORT_KINDS = (MONTHLY, DAILY, WECOM)

LATE, EARLY, ABSENT = "迟到", "早退", "旷工"
PERSONAL_LEAVE, SICK_LEAVE, ANNUAL_LEAVE = "事假", "病假", "年休假"
DEFAULT_ITEMS = (LATE, EARLY, ABSENT, PERSONAL_LEAVE, SICK_LEAVE, ANNUAL_LEAVE)
DAY_ITEMS = frozenset({ABSENT, PERSONAL_LEAVE, SICK_LEAVE, ANNUAL_LEAVE})

DAY_TOLERANCE = Decimal("0.01")
_PLACES = Decimal("0.0001")


# ----------------------------------------------------------------------------- results


@dataclass
class ExportColumn:
    """One column of an export that carries numbers or per-day results."""

    header: str  # display header, group and sub-header joined with "/": "请假/事假(天)"
    col: int  # 0-based column index in the sheet
    item: str | None  # scheme item it feeds, or None
    unit: str  # 天, 小时, 分钟, 次 or ''
    conversion: str  # how it is used, in Chinese: "小时÷8=天", "不对应考核事项，只列出合计"…


@dataclass
class ExportPerson:
    """What the export holds for one person."""

    row: int  # 0-based sheet row of the first data row of this person
    gonghao: str
    name: str
    dept: str
    counts: dict[str, Decimal] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    account: str = ""  # DingTalk UserId or WeCom 账号, '' when absent
    cells: dict[str, str] = field(default_factory=dict)  # "姓名"/"工号"/"部门" → A1 of the first row


@dataclass
class AttendanceExport:
    """A read export: its kind, period, columns, people and problems."""

    kind: str
    file: str
    sheet: str
    period_start: date | None
    period_end: date | None
    columns: list[ExportColumn]
    unmapped: list[tuple[str, Decimal]]
    people: list[ExportPerson]
    issues: list[Issue]


# ----------------------------------------------------------------------------- vocabulary

_NAME_HEADERS = {"姓名", "员工姓名"}
_GONGHAO_HEADERS = {"工号", "员工工号", "职工号"}
_DEPT_HEADERS = {"部门", "所属部门"}
_ACCOUNT_HEADERS = {"userid", "账号", "帐号"}
_DATE_HEADERS = {"日期", "时间", "workdate"}

_IDENTITY = {
    "序号", "考勤组", "职位", "职务", "班次", "所属规则", "最早", "最晚", "关联的审批单",
    "审批单", "假勤申请", "备注", "打卡时间", "打卡地址", "打卡地点", "打卡备注", "打卡设备",
}
_IDENTITY_SUFFIXES = ("打卡时间", "打卡地址", "打卡地点", "打卡备注", "打卡设备", "打卡图片")
_PUNCH_TEXT_SUFFIXES = ("打卡结果", "打卡状态")
_INFO = {
    "出勤天数", "应出勤天数", "休息天数", "工作时长", "标准工作时长", "实际工作时长", "打卡次数",
    "异常合计", "出勤班次",
}
_MINUTE_DURATIONS = {"迟到时长", "早退时长", "严重迟到时长", "旷工迟到时长", "旷工时长"}

# Kinds of statistic columns, by header without its unit suffix.
_STAT_BASES = {
    "迟到次数": "late",
    "迟到时长": "late_minutes",
    "严重迟到次数": "severe_late",
    "严重迟到时长": "late_minutes",
    "旷工迟到天数": "absent_late",
    "旷工迟到次数": "absent_late",
    "旷工迟到时长": "late_minutes",
    "早退次数": "early",
    "早退时长": "early_minutes",
    "旷工天数": "absent_days",
    "旷工时长": "absent_minutes",
    "旷工次数": "absent_count",
}
_LEAVE_ITEMS = {"事假": PERSONAL_LEAVE, "病假": SICK_LEAVE, "年假": ANNUAL_LEAVE, "年休假": ANNUAL_LEAVE}
_LEAVE_NAMES_WITHOUT_JIA = {"调休"}

# Detection markers (header text without unit suffix).
_MONTHLY_STRONG = {
    "考勤组", "userid", "出勤天数", "休息天数", "工作时长", "迟到时长", "早退时长", "严重迟到次数",
    "严重迟到时长", "旷工迟到天数", "旷工迟到次数", "上班缺卡次数", "下班缺卡次数", "出差时长",
    "外出时长", "休息日加班", "节假日加班", "工作日加班", "考勤结果",
}
_MONTHLY_WEAK = {"迟到次数", "早退次数", "旷工天数"}
_DAILY_MARKERS = {"考勤组", "userid", "workdate", "班次", "关联的审批单"}
_WECOM_MARKERS = {"考勤概况", "异常统计", "假勤统计", "基础信息", "所属规则", "异常合计", "假勤申请", "打卡状态"}

_UNIT_SUFFIX = re.compile(r"\((天|日|小时|h|分钟|分|min|次|个)\)$", re.IGNORECASE)
_UNIT_ALIASES = {"日": "天", "h": "小时", "分": "分钟", "min": "分钟", "个": "次"}
_DATE_PAT = r"(\d{2,4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_PERIOD = re.compile(_DATE_PAT + r"\s*(?:至|到|~|～|—|－|-)\s*" + _DATE_PAT)
_ONE_DATE = re.compile(_DATE_PAT)
_WEEKDAYS = set("一二三四五六日天")
_SKIP_NAMES = {"合计", "总计", "小计", "姓名"}
_BLANK_TEXT = {"", "-", "--", "—", "——", "/", "无"}


def _unit(text: str) -> str:
    key = text.lower() if text.isascii() else text
    return _UNIT_ALIASES.get(key, text)


def _split_unit(leaf: str) -> tuple[str, str]:
    """'事假(小时)' → ('事假', '小时'); '迟到次数' → ('迟到次数', '次')."""
    m = _UNIT_SUFFIX.search(leaf)
    if m:
        return leaf[: m.start()], _unit(m.group(1))
    if leaf.endswith("次数"):
        return leaf, "次"
    if leaf.endswith("天数"):
        return leaf, "天"
    if leaf in _MINUTE_DURATIONS:
        return leaf, "分钟"
    return leaf, ""


_HUGE = 20  # Decimal.adjusted() from which a number is shown and kept as it is, not rounded


def _fmt(value: Decimal) -> str:
    """Decimal as short text: 2, 0.5, 0.4375."""
    if not value.is_finite() or value.adjusted() >= _HUGE:
        return shown(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _tidy(value: Decimal) -> Decimal:
    if not value.is_finite() or value.adjusted() >= _HUGE:
        return value  # far beyond any count: refused by the bounds, never rounded (it cannot be)
    value = value.quantize(_PLACES, rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _round_half_day(days: Decimal) -> Decimal:
    return _tidy((days * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2)


def _is_day_item(item: str) -> bool:
    return item in DAY_ITEMS or item.endswith("假")


# ----------------------------------------------------------------------------- layout


@dataclass
class _Col:
    col: int
    path: tuple[str, ...]
    cell: tuple[int, int]  # where the sub-header text is written
    header: str = ""
    leaf: str = ""
    base: str = ""
    unit: str = ""
    role: str = "id"  # id | name | gonghao | dept | account | date | info | stat | companion | day | daytext | punchtext | other
    category: str = ""  # for stat-like columns: late, severe_late, leave:事假, missing, …
    item: str | None = None
    day: int | None = None
    conversion: str = ""
    overridden: bool = False  # the item comes from the caller's mapping


@dataclass
class _Layout:
    rows: list[list[object]]
    width: int
    first: int  # first header row (0-based)
    last: int  # last header row
    cols: list[_Col]
    titles: list[str]


def _header_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return norm(value)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _merged(sheet) -> list[tuple[int, int, int, int]]:
    out = []
    for rng in getattr(sheet, "merged", None) or []:
        if len(rng) == 2:  # calamine's ((r1, c1), (r2, c2))
            (r1, c1), (r2, c2) = rng
        else:
            r1, c1, r2, c2 = rng
        out.append((int(r1), int(c1), int(r2), int(c2)))
    return out


def _title_like(cells: list[str], row: int, merged: list[tuple[int, int, int, int]], width: int) -> bool:
    filled = [c for c, text in enumerate(cells) if text]
    if not filled:
        return False
    text = "".join(cells)
    if any(k in text for k in ("统计日期", "统计时间", "报表生成时间", "生成时间")) or _PERIOD.search(text):
        return True
    if len(filled) == 1:
        c = filled[0]
        for r1, c1, r2, c2 in merged:
            if r1 == row and c1 == c and c2 - c1 + 1 >= max(2, width // 2):
                return True
        return c == 0 and width > 2
    return False


def _layout(sheet) -> _Layout | None:
    raw = [list(r) for r in (getattr(sheet, "rows", None) or [])]
    width = max((len(r) for r in raw), default=0)
    rows = [r + [None] * (width - len(r)) for r in raw]
    merged = _merged(sheet)
    texts = [[_header_text(v) for v in r] for r in rows[:40]]

    name_at = None
    for r, cells in enumerate(texts):
        for c, text in enumerate(cells):
            if text in _NAME_HEADERS:
                name_at = (r, c)
                break
        if name_at:
            break
    if name_at is None:
        return None
    first, name_col = name_at

    # Rows above the 姓名 row that hold group labels (not titles) belong to the header.
    while first > 0 and first > name_at[0] - 3:
        cells = texts[first - 1]
        if not any(cells) or _title_like(cells, first - 1, merged, width):
            break
        first -= 1

    last = name_at[0]
    for r1, c1, r2, c2 in merged:
        if first <= r1 <= name_at[0] and r2 > last and r2 <= name_at[0] + 3:
            last = r2
    if last == name_at[0]:
        r = name_at[0] + 1
        while r < len(texts) and r <= name_at[0] + 3:
            cells = texts[r]
            if cells[name_col] or not any(cells):
                break
            last = r
            r += 1

    # Fill header cells from merged ranges, then carry group labels rightwards.
    grid: list[list[str]] = [list(texts[r]) if r < len(texts) else [""] * width for r in range(first, last + 1)]
    origin: list[list[tuple[int, int]]] = [[(first + i, c) for c in range(width)] for i in range(len(grid))]
    covered = [[False] * width for _ in grid]
    for r1, c1, r2, c2 in merged:
        if r2 < first or r1 > last:
            continue
        top = texts[r1][c1] if r1 < len(texts) and c1 < width else ""
        for r in range(max(r1, first), min(r2, last) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                covered[r - first][c] = True
                if top and not grid[r - first][c]:
                    grid[r - first][c] = top
                    origin[r - first][c] = (r1, c1)
    for i in range(len(grid) - 1):
        for c in range(1, width):
            if grid[i][c] or covered[i][c]:
                continue
            below = any(grid[j][c] for j in range(i + 1, len(grid)))
            left_is_group = grid[i][c - 1] and any(grid[j][c - 1] for j in range(i + 1, len(grid)))
            if below and left_is_group and not _top_only(grid, i, c - 1):
                grid[i][c] = grid[i][c - 1]
                origin[i][c] = origin[i][c - 1]

    cols = []
    for c in range(width):
        path: list[str] = []
        cell = (first, c)
        for i in range(len(grid)):
            text = grid[i][c]
            if text and (not path or path[-1] != text):
                path.append(text)
                cell = origin[i][c]
        if path:
            cols.append(_Col(col=c, path=tuple(path), cell=cell))

    titles = [clean(" ".join(str(v) for v in rows[r] if not _is_blank(v))) for r in range(first)]
    return _Layout(rows=rows, width=width, first=first, last=last, cols=cols, titles=titles)


def _top_only(grid: list[list[str]], i: int, c: int) -> bool:
    """True when the label at (i, c) is a stand-alone header spread down by a vertical merge."""
    return all(grid[j][c] == grid[i][c] for j in range(i + 1, len(grid)) if grid[j][c])


def _bases(layout: _Layout) -> set[str]:
    out = set()
    for col in layout.cols:
        for part in col.path:
            base = _split_unit(part)[0]
            out.add(base.lower() if base.isascii() else base)
    return out


def _kind_of(layout: _Layout) -> str | None:
    bases = _bases(layout)
    title = "".join(layout.titles)
    leaves = {c.path[-1].lower() if c.path[-1].isascii() else c.path[-1] for c in layout.cols}
    has_date = bool(leaves & _DATE_HEADERS)

    wecom = len(bases & _WECOM_MARKERS)
    if "概况统计与打卡明细" in title or wecom >= 2:
        return WECOM
    punch = any(re.fullmatch(r"(上|下)班\d打卡(结果|时间)", b) for b in bases)
    daily = len(bases & _DAILY_MARKERS) + (1 if punch else 0)
    if has_date and ("每日统计" in title or daily >= 2):
        return DAILY
    strong = len(bases & _MONTHLY_STRONG)
    weak = len(bases & _MONTHLY_WEAK)
    titled = "月度汇总" in title and "统计日期" in title  # DingTalk's own title row
    if not has_date and (strong >= 2 or (titled and strong + weak >= 1)):
        return MONTHLY
    return None


def detect_export(sheet) -> str | None:
    """The kind of punch-clock export this sheet holds (one of EXPORT_KINDS), or None."""
    layout = _layout(sheet)
    return _kind_of(layout) if layout else None


# ----------------------------------------------------------------------------- columns


def _mapping_lookup(
    mapping: dict[str, str | None], col: _Col, used: set[str] | None = None
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


def _classify(col: _Col, kind: str) -> None:
    leaf = col.path[-1]
    col.leaf = leaf
    col.header = "/".join(col.path)
    col.base, col.unit = _split_unit(leaf)
    base = col.base
    low = base.lower() if base.isascii() else base
    groups = col.path[:-1]

    if kind == MONTHLY and (
        any(g == "考勤结果" for g in groups) or (not groups and _day_number(leaf) is not None)
    ):
        # Under 考勤结果 a day may be labelled "1", "六", or "1" over "日" on a third header row.
        numbers = [_day_number(p) for p in col.path if p != "考勤结果"]
        col.role, col.day = "day", next((n for n in numbers if n), 0)
        return
    if leaf in _NAME_HEADERS:
        col.role = "name"
    elif leaf in _GONGHAO_HEADERS:
        col.role = "gonghao"
    elif leaf in _DEPT_HEADERS:
        col.role = "dept"
    elif low in _ACCOUNT_HEADERS:
        col.role = "account"
    elif low in _DATE_HEADERS:
        col.role = "date"
    elif leaf == "考勤结果":
        col.role = "daytext" if kind != MONTHLY else "id"
    elif leaf.endswith(_PUNCH_TEXT_SUFFIXES):
        col.role = "punchtext"
    elif base in _IDENTITY or base.endswith(_IDENTITY_SUFFIXES):
        col.role = "id"
    elif base in _INFO:
        col.role = "info"
    elif base in _STAT_BASES:
        col.role, col.category = "stat", _STAT_BASES[base]
    elif "缺卡" in base or "未打卡" in base:
        col.role, col.category = "stat", "missing"
    elif "加班" in base:
        col.role, col.category = "stat", "加班"
    elif base in _LEAVE_ITEMS or base.endswith("假") or base in _LEAVE_NAMES_WITHOUT_JIA:
        col.role, col.category = "stat", f"leave:{base}"
        if not col.unit:
            col.unit = "天"
            col.conversion = "单位未注明，按天计"
    else:
        for word in ("外勤", "出差", "外出", "补卡", "地点异常", "设备异常"):
            if base.startswith(word):
                col.role, col.category = "stat", word
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
    if label and label[0] in _WEEKDAYS and len(label) <= 3:
        return 0  # a weekday label; the day number is inferred from its neighbours
    return None


def _assign_items(
    cols: list[_Col], mapping: dict[str, str | None], hpd: Decimal, used: set[str] | None = None
) -> list[tuple[_Col, str]]:
    """Decide which item every statistic column feeds. Returns (column, note) pairs."""
    notes: list[tuple[_Col, str]] = []
    stats = [c for c in cols if c.role in ("stat", "other", "info")]
    cats = {c.category for c in stats}
    absent_source = next((k for k in ("absent_days", "absent_minutes", "absent_count") if k in cats), None)
    for col in stats:
        cat = col.category
        if col.role == "stat":
            if cat == "late":
                col.item = LATE
            elif cat == "early":
                col.item = EARLY
            elif cat in ("severe_late", "absent_late"):
                col.item = LATE
                notes.append((col, f"「{col.leaf}」按默认对应计入“迟到”次数"))
            elif cat in ("late_minutes", "early_minutes"):
                col.role = "companion"
            elif cat.startswith("absent_"):
                if cat == absent_source:
                    col.item = ABSENT
                    if cat == "absent_count":
                        notes.append((col, f"「{col.leaf}」没有旷工时长，按每次1天计入“旷工”"))
                else:
                    col.role = "companion"
            elif cat.startswith("leave:"):
                col.item = _LEAVE_ITEMS.get(cat[6:])
        found, target = _mapping_lookup(mapping, col, used)
        if found:
            col.item = target or None
            col.overridden = True
            # An explicit choice: the column is now counted, or listed as unmapped.
            if col.role == "companion" or (col.role in ("info", "other") and target):
                col.role = "stat"
        _describe(col, hpd)
    return notes


def _describe(col: _Col, hpd: Decimal) -> None:
    hpd_text = _fmt(hpd)
    unit_note = col.conversion
    if col.role == "info":
        text = "出勤统计，不计入考核"
    elif col.role == "companion":
        text = "与次数列同列，只用于核对"
    elif col.role in ("stat", "other") and col.item is None:
        text = "不对应考核事项，只列出合计"
    elif col.item is not None and _is_day_item(col.item):
        if col.unit == "小时":
            text = f"小时÷{hpd_text}=天"
        elif col.unit == "分钟":
            text = f"分钟÷{_fmt(hpd * 60)}=天"
        elif col.unit == "次":
            text = "每次按1天计"
        else:
            text = "天数"
        if col.item == ABSENT:
            text += "，四舍五入到0.5天"
    elif col.item is not None:
        text = "按次计" if col.unit in ("次", "天", "") else f"原值（{col.unit}）"
        if col.item == LATE and col.category in ("severe_late", "absent_late"):
            text += "，计入迟到"
    else:
        text = ""
    col.conversion = f"{text}（{unit_note}）" if unit_note and text else text


# ----------------------------------------------------------------------------- values


_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(天|日|小时|h|分钟|分|min|次|个)?$", re.IGNORECASE)


def _amount(value: object) -> tuple[Decimal, str] | None:
    """A cell as (number, unit written in the cell or ''); blanks are 0; None when unreadable."""
    if _is_blank(value):
        return Decimal(0), ""
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        return None
    if isinstance(value, int):
        return Decimal(value), ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        try:
            return Decimal(repr(value)), ""
        except InvalidOperation:
            return None
    text = norm(value).replace(",", "")
    if text in _BLANK_TEXT:
        return Decimal(0), ""
    m = _AMOUNT.match(text)
    if not m:
        return None
    return Decimal(m.group(1)), _unit(m.group(2)) if m.group(2) else ""


def _convert(value: Decimal, unit: str, target: str, hpd: Decimal) -> Decimal:
    """Convert between 天, 小时 and 分钟; anything else is returned as it is."""
    minutes_per = {"天": hpd * 60, "小时": Decimal(60), "分钟": Decimal(1)}
    if unit in minutes_per and target in minutes_per and unit != target:
        return value * minutes_per[unit] / minutes_per[target]
    return value


def _cell_text(value: object) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _gonghao(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value) if not _is_blank(value) else ""


# ----------------------------------------------------------------------------- per-day text

_KEYWORDS = (
    ("严重迟到", "severe_late"),
    ("旷工迟到", "absent_late"),
    ("迟到", "late"),
    ("早退", "early"),
    ("旷工", "absent"),
    ("缺卡", "missing"),
    ("未打卡", "missing"),
    ("外勤", "外勤"),
    ("出差", "出差"),
    ("外出", "外出"),
    ("加班", "加班"),
    ("补卡", "补卡"),
    ("地点异常", "地点异常"),
    ("设备异常", "设备异常"),
    ("节假日", "rest"),
    ("休息日", "rest"),
    ("休息", "rest"),
    ("正常", "normal"),
    ("未排班", "rest"),
    ("不在考勤组", "rest"),
    ("无需打卡", "rest"),
    ("请假", "leave:请假"),
    ("调休", "leave:调休"),
)
_LEAVE_WORD = re.compile(r"^([\u4e00-\u9fff]{0,3}?假)")
_DAY_AMOUNT = re.compile(r"^(半天|\d+(?:\.\d+)?(?:天|日|小时|h|分钟|分|min|次|个)?)", re.IGNORECASE)
_PUNCH_PREFIX = re.compile(r"^(上班|下班)\d?")
_PARENS = re.compile(r"\(([^()]*)\)")
_TIMES_INSIDE = re.compile(r"^[-—\s]*$|:")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_CATEGORY_NAMES = {
    "late": "迟到", "severe_late": "严重迟到", "absent_late": "旷工迟到", "early": "早退",
    "absent": "旷工", "missing": "缺卡",
}


@dataclass(frozen=True)
class _DayEntry:
    category: str
    count: Decimal = Decimal(0)  # occurrences
    days: Decimal = Decimal(0)  # for 旷工 and leave


def _parse_day_text(value: object, hpd: Decimal) -> tuple[tuple[_DayEntry, ...], tuple[str, ...]]:
    """'正常班:迟到10分钟,早退5分钟\\n(08:27,18:25)' → entries; also the unreadable parts."""
    if _is_blank(value):
        return (), ()
    # Brackets holding punch times "(08:17,18:30)" or "(-)" differ on every day: drop them
    # before the (cached) parse. Others, like "(半天)" or "(10分钟)", are read as written.
    text = str(value).replace("（", "(").replace("）", ")")
    text = _PARENS.sub(lambda m: "," if _TIMES_INSIDE.search(m.group(1)) else m.group(1), text)
    return _parse_day_words(text, hpd)


@lru_cache(maxsize=4096)
def _parse_day_words(text: str, hpd: Decimal) -> tuple[tuple[_DayEntry, ...], tuple[str, ...]]:
    text = _CLOCK.sub("", to_halfwidth(text).replace("：", ":"))  # stray punch times
    entries: list[_DayEntry] = []
    unknown: list[str] = []
    for token in re.split(r"[,;、\n]+", text):
        token = re.sub(r"\s+", "", token)
        if ":" in token:  # "正常班:迟到10分钟": drop the shift name
            token = token.rsplit(":", 1)[1]
        if token in _BLANK_TEXT:
            continue
        rest = token
        while rest:
            rest = _PUNCH_PREFIX.sub("", rest, count=1)
            if not rest:
                break
            category = None
            for word, cat in _KEYWORDS:
                if rest.startswith(word):
                    category, rest = cat, rest[len(word):]
                    break
            if category is None:
                m = _LEAVE_WORD.match(rest)
                if m:
                    category, rest = f"leave:{m.group(1)}", rest[m.end():]
            if category is None:
                unknown.append(token)
                break
            times: Decimal | None = None  # "2次"
            length: tuple[Decimal, str] | None = None  # "10分钟", "3.5小时", "1天", "半天"
            while m := _DAY_AMOUNT.match(rest):
                rest = rest[m.end():]
                parsed = (Decimal("0.5"), "天") if m.group(1) == "半天" else _amount(m.group(1))
                if parsed is None:
                    continue
                if parsed[1] in ("", "次"):
                    times = times if times is not None else parsed[0]
                else:
                    length = length or parsed
            if category in ("rest", "normal"):
                continue
            if category == "absent" or category.startswith("leave:"):
                if length is not None:
                    days = _convert(length[0], length[1], "天", hpd)
                else:
                    days = times if times is not None else Decimal(1)
                entries.append(_DayEntry(category, Decimal(1), days))
            else:
                entries.append(_DayEntry(category, times if times is not None else Decimal(1)))
    return tuple(entries), tuple(unknown)


def _day_item(
    category: str, mapping: dict[str, str | None], overrides: dict[str, str | None], used: set[str] | None = None
) -> str | None:
    """The item a per-day result kind feeds: the caller's mapping by its name ("缺卡", or
    "缺卡次数"), else the override of a column of the same kind ("严重迟到次数" → severe_late),
    else the default."""
    name = _CATEGORY_NAMES.get(category, category[6:] if category.startswith("leave:") else category)
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
        return _LEAVE_ITEMS.get(category[6:])
    return None


def _day_label(category: str) -> tuple[str, str]:
    """Display name and unit of an unmapped per-day result kind."""
    if category.startswith("leave:"):
        return category[6:], "天"
    return _CATEGORY_NAMES.get(category, category), "次"


# ----------------------------------------------------------------------------- people


@dataclass
class _Acc:
    row: int
    gonghao: str
    name: str
    dept: str
    account: str
    summary: dict[str, Decimal] = field(default_factory=dict)
    summary_cells: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    day: dict[str, Decimal] = field(default_factory=dict)
    day_cells: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    has_day_text: bool = False
    day_cell_range: list[tuple[int, int]] = field(default_factory=list)

    def add(self, which: str, item: str, value: Decimal, cell: tuple[int, int]) -> None:
        values = self.summary if which == "summary" else self.day
        cells = self.summary_cells if which == "summary" else self.day_cells
        values[item] = values.get(item, Decimal(0)) + value
        if value:
            cells.setdefault(item, []).append(cell)


def _compact(sheet: str, cells: list[tuple[int, int]]) -> str:
    """[(4, 10), (4, 13), (4, 14), (4, 15)] → '工作表!K5,N5:P5' (runs along a row or a column)."""
    runs: list[list[tuple[int, int]]] = []  # [first cell, last cell]
    for r, c in sorted(set(cells)):
        if runs and runs[-1][1] == (r, c - 1):
            runs[-1][1] = (r, c)
        else:
            runs.append([(r, c), (r, c)])
    stacked: list[list[tuple[int, int]]] = []
    for first, last in sorted(runs, key=lambda run: (run[0][1], run[0][0])):
        if first == last and stacked:
            top, bottom = stacked[-1]
            if top[1] == bottom[1] == first[1] and bottom[0] == first[0] - 1:
                stacked[-1][1] = first
                continue
        stacked.append([first, last])
    parts = [a1(*a) if a == b else f"{a1(*a)}:{a1(*b)}" for a, b in sorted(stacked)]
    return f"{sheet}!{','.join(parts)}"


def _date_of(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if _is_blank(value) or not isinstance(value, str):
        return None
    m = _ONE_DATE.search(to_halfwidth(value))
    return _make_date(*m.groups()) if m else None


def _make_date(y: str, mo: str, d: str) -> date | None:
    year = int(y)
    if year < 100:
        year += 2000
    try:
        return date(year, int(mo), int(d))
    except ValueError:
        return None


# ----------------------------------------------------------------------------- reading


def read_export(
    sheet,
    *,
    hours_per_day: Decimal = Decimal(8),
    mapping: dict[str, str | None] | None = None,
) -> AttendanceExport:
    """Read a DingTalk / WeCom export into per-person counts (see the module docstring)."""
    hpd = Decimal(str(hours_per_day))
    if hpd <= 0:
        raise ConfigError(f"每天工作小时数必须大于0，现为 {hours_per_day}", "请在 kaohe.toml 中改为如 8")
    file, name = getattr(sheet, "file", ""), getattr(sheet, "name", "")
    layout = _layout(sheet)
    kind = _kind_of(layout) if layout else None
    if kind is None:
        raise UnreadableFile(
            "这张工作表不是钉钉或企业微信的考勤导出表",
            "请选择钉钉“月度汇总”“每日统计”或企业微信“概况统计与打卡明细”导出的工作表",
            where=f"{file}:{name}" if file else name,
        )
    return _Reader(sheet, layout, kind, hpd, {norm(k): v for k, v in (mapping or {}).items()}).read()


class _Reader:
    def __init__(self, sheet, layout: _Layout, kind: str, hpd: Decimal, mapping: dict[str, str | None]):
        self.file = getattr(sheet, "file", "")
        self.sheet = getattr(sheet, "name", "")
        self.layout = layout
        self.kind = kind
        self.hpd = hpd
        self.mapping = mapping
        self.issues: list[Issue] = []
        self.per_day = kind in (DAILY, WECOM)

    # -- issues

    def _issue(self, level: Level, message: str, hint: str, cell: tuple[int, int] | None, code: str, **extra) -> None:
        self.issues.append(
            Issue(level, message, hint, file=self.file, sheet=self.sheet,
                  cell=a1(*cell) if cell else "", code=code, extra=extra)
        )

    # -- main

    def read(self) -> AttendanceExport:
        lay = self.layout
        for col in lay.cols:
            _classify(col, self.kind)
        self._number_days()
        self.used_keys: set[str] = set()
        for col, text in _assign_items(lay.cols, self.mapping, self.hpd, self.used_keys):
            self._issue(Level.NOTE, text, "如不应计入，请在 kaohe.toml 的考勤映射中把此列设为空", col.cell,
                        "export-mapped-note", header=col.header)
        for col in lay.cols:
            if col.item and _is_day_item(col.item) and col.unit in ("小时", "分钟"):
                self._issue(Level.NOTE, f"「{col.header}」的单位是{col.unit}，按{col.conversion}折算",
                            "每天工作小时数可在 kaohe.toml 中修改", col.cell, "export-unit", header=col.header)

        role = {c.role: c for c in reversed(lay.cols)}
        self.name_col = role.get("name")
        self.gonghao_col = role.get("gonghao")
        self.dept_col = role.get("dept")
        self.account_col = role.get("account")
        self.date_col = role.get("date")
        self.stat_cols = [c for c in lay.cols if c.role in ("stat", "other")]
        day_cols = [c for c in lay.cols if c.role == "day"]
        daytext = [c for c in lay.cols if c.role == "daytext"]
        punch = [c for c in lay.cols if c.role == "punchtext"]
        self.text_cols = day_cols or daytext or punch
        self.text_is_punch = not day_cols and not daytext and bool(punch)
        summary_items = {c.item for c in self.stat_cols if c.item}
        self.overrides: dict[str, str | None] = {}
        for col in lay.cols:
            if col.overridden and col.category:
                kind = "absent" if col.category.startswith("absent_") else col.category
                self.overrides.setdefault(kind, col.item)
        self.summary_items = summary_items

        self.col_totals: dict[int, Decimal] = {}
        self.col_units: dict[int, str] = {}
        self.col_numeric: dict[int, bool] = {}
        self.day_unmapped: dict[str, Decimal] = {}
        self.day_unmapped_cell: dict[str, tuple[int, int]] = {}
        self.unknown_text: dict[str, tuple[int, int]] = {}
        self.unknown_count: dict[str, int] = {}
        self.severe_in_text: tuple[int, int] | None = None
        self.dates: list[date] = []

        people = self._rows()
        result_people = self._finish(people)
        columns = self._columns()
        unmapped = self._unmapped()
        self._unknown_text_issues()
        self._unused_mapping_issues()
        start, end = self._period()
        if not result_people:
            self._issue(Level.WARNING, "考勤导出表中没有人员数据", "请确认导出时选择了人员和日期范围",
                        (lay.last, 0), "export-no-data")
        return AttendanceExport(
            kind=self.kind, file=self.file, sheet=self.sheet, period_start=start, period_end=end,
            columns=columns, unmapped=unmapped, people=result_people, issues=self.issues,
        )

    def _number_days(self) -> None:
        """Weekend day columns may be labelled 六 / 日: number them after their left neighbour."""
        previous = 0
        for col in self.layout.cols:
            if col.role != "day":
                continue
            if not col.day:
                col.day = previous + 1
                col.header = f"{col.header}({col.day}日)"
            previous = col.day

    # -- rows

    def _rows(self) -> dict[tuple, _Acc]:
        lay = self.layout
        people: dict[tuple, _Acc] = {}
        seen_rows: dict[tuple, int] = {}
        for r in range(lay.last + 1, len(lay.rows)):
            row = lay.rows[r]
            if all(_is_blank(v) for v in row):
                continue
            name = clean(row[self.name_col.col]) if self.name_col else ""
            if name in _SKIP_NAMES or name.startswith(("注", "说明")) or ":" in name or "：" in name:
                continue
            if not name:
                self._issue(Level.WARNING, "这一行有数据但没有姓名，已跳过", "请补上姓名或删除这一行",
                            (r, self.name_col.col), "export-no-name")
                continue
            gonghao = _gonghao(row[self.gonghao_col.col]) if self.gonghao_col else ""
            dept = clean(row[self.dept_col.col]) if self.dept_col else ""
            account = _gonghao(row[self.account_col.col]) if self.account_col else ""
            if gonghao:
                key: tuple = ("工号", gonghao)
            elif account:
                key = ("账号", account)
            else:
                key = ("姓名", name, dept)
            acc = people.get(key)
            if acc is None:
                acc = people[key] = _Acc(r, gonghao, name, dept, account)
            elif not self.per_day:
                self._issue(Level.WARNING, f"{name} 在汇总表中出现了不止一行（另见第{seen_rows[key] + 1}行），各行已相加",
                            "请确认此人没有在两个考勤组中重复统计", (r, self.name_col.col), "export-duplicate-person")
            seen_rows[key] = r
            if self.date_col:
                d = _date_of(row[self.date_col.col])
                if d:
                    self.dates.append(d)
            self._read_stats(acc, r, row)
            self._read_text(acc, r, row)
        return people

    def _read_stats(self, acc: _Acc, r: int, row: list) -> None:
        for col in self.stat_cols:
            value = row[col.col]
            parsed = _amount(value)
            if parsed is None and isinstance(value, float):  # NaN or infinity: never a number
                self._issue(Level.ERROR, f"「{col.header}」的值不是有效数字（{shown(value)}）",
                            "请在钉钉或企业微信中重新导出，或改为正确的数字", (r, col.col), "export-bad-number")
                continue
            if parsed is None:
                if col.role == "other":
                    self.col_numeric[col.col] = False
                    continue
                self._issue(Level.WARNING, f"「{col.header}」的值“{_cell_text(value)}”不是数字，按0计",
                            "请填写数字，如 1.5、3天、2次", (r, col.col), "export-bad-value")
                continue
            number, cell_unit = parsed
            if number < 0:
                self._issue(Level.WARNING, f"「{col.header}」的值 {_fmt(number)} 是负数，按0计",
                            "请核对导出表", (r, col.col), "export-bad-value")
                continue
            if not _is_blank(value) and col.role == "other":
                self.col_numeric.setdefault(col.col, True)
            unit = cell_unit or col.unit
            if col.item:
                if _is_day_item(col.item):
                    days = number if unit in ("次", "") else _convert(number, unit, "天", self.hpd)
                    acc.add("summary", col.item, days, (r, col.col))
                else:
                    acc.add("summary", col.item, number, (r, col.col))
            else:
                if not number:
                    continue
                target = self.col_units.setdefault(col.col, col.unit or cell_unit)
                self.col_totals[col.col] = self.col_totals.get(col.col, Decimal(0)) + _convert(
                    number, unit, target, self.hpd)

    def _read_text(self, acc: _Acc, r: int, row: list) -> None:
        if not self.text_cols:
            return
        row_days: dict[str, tuple[Decimal, tuple[int, int]]] = {}
        for col in self.text_cols:
            value = row[col.col]
            if _is_blank(value):
                continue
            acc.has_day_text = True
            acc.day_cell_range.append((r, col.col))
            entries, unknown = _parse_day_text(value, self.hpd)
            for token in unknown:
                self.unknown_text.setdefault(token, (r, col.col))
                self.unknown_count[token] = self.unknown_count.get(token, 0) + 1
            for entry in entries:
                cell = (r, col.col)
                if entry.category == "severe_late" or entry.category == "absent_late":
                    self.severe_in_text = self.severe_in_text or cell
                item = _day_item(entry.category, self.mapping, self.overrides, self.used_keys)
                is_days = entry.category == "absent" or entry.category.startswith("leave:")
                if item is None:
                    label, unit = _day_label(entry.category)
                    amount = entry.days if is_days else entry.count
                    if self.text_is_punch and is_days:
                        key = f"unmapped:{label}"
                        prev = row_days.get(key)
                        if prev is None or amount > prev[0]:
                            row_days[key] = (amount, cell)
                        continue
                    self._add_day_unmapped(label, unit, amount, cell)
                    continue
                amount = entry.days if (is_days and _is_day_item(item)) else entry.count
                if self.text_is_punch and is_days:
                    prev = row_days.get(item)
                    if prev is None or amount > prev[0]:
                        row_days[item] = (amount, cell)
                    continue
                acc.add("day", item, amount, cell)
        for key, (amount, cell) in row_days.items():
            if key.startswith("unmapped:"):
                self._add_day_unmapped(key[9:], "天", amount, cell)
            else:
                acc.add("day", key, amount, cell)

    def _add_day_unmapped(self, label: str, unit: str, amount: Decimal, cell: tuple[int, int]) -> None:
        key = f"{label}({unit})"
        self.day_unmapped[key] = self.day_unmapped.get(key, Decimal(0)) + amount
        self.day_unmapped_cell.setdefault(key, cell)

    # -- people

    def _finish(self, people: dict[tuple, _Acc]) -> list[ExportPerson]:
        text_items = set()
        if self.text_cols:
            text_items = set(DEFAULT_ITEMS) | {v for v in self.mapping.values() if v}
        out = []
        crosscheck = self.kind == MONTHLY and any(c.role == "day" for c in self.layout.cols)
        if self.text_cols and not self.summary_items:
            where = self.text_cols[0]
            self._issue(Level.NOTE, "本表没有迟到、早退、旷工、请假等统计列，按逐日考勤结果计数",
                        "如导出时能勾选统计列，结果更可靠", where.cell, "export-no-summary")
        if self.severe_in_text and LATE not in self.summary_items:
            self._issue(Level.NOTE, "逐日考勤结果中的“严重迟到”“旷工迟到”按默认对应计入“迟到”次数",
                        "如不应计入，请在 kaohe.toml 的考勤映射中修改", self.severe_in_text, "export-mapped-note")
        for acc in people.values():
            counts: dict[str, Decimal] = {}
            sources: dict[str, str] = {}
            items = list(dict.fromkeys(
                [i for i in DEFAULT_ITEMS if i in self.summary_items or i in text_items]
                + sorted((self.summary_items | text_items) - set(DEFAULT_ITEMS))
            ))
            for item in items:
                if item in self.summary_items:
                    value = acc.summary.get(item, Decimal(0))
                    cells = acc.summary_cells.get(item, [])
                    if crosscheck and acc.has_day_text:
                        self._crosscheck(acc, item, value)
                else:
                    value = acc.day.get(item, Decimal(0))
                    cells = acc.day_cells.get(item, [])
                if self._beyond(acc, item, value, cells):
                    counts[item] = Decimal(0)
                    continue
                if item == ABSENT:
                    rounded = _round_half_day(value)
                    if rounded != _tidy(value):
                        cell = cells[0] if cells else (acc.row, self.name_col.col)
                        self._issue(Level.NOTE,
                                    f"{acc.name} 旷工合计 {_fmt(_tidy(value))} 天，按四舍五入到0.5天计为 {_fmt(rounded)} 天",
                                    f"旷工以半天为单位；每天按{_fmt(self.hpd)}小时折算", cell, "export-rounded",
                                    name=acc.name)
                    value = rounded
                counts[item] = _tidy(value)
                if value and cells:
                    sources[item] = _compact(self.sheet, cells)
            id_cells = {label: a1(acc.row, col.col)
                        for label, col in (("姓名", self.name_col), ("工号", self.gonghao_col),
                                           ("部门", self.dept_col), ("账号", self.account_col)) if col}
            out.append(ExportPerson(row=acc.row, gonghao=acc.gonghao, name=acc.name, dept=acc.dept,
                                    counts=counts, sources=sources, account=acc.account, cells=id_cells))
        return out

    def _max_days(self) -> int:
        """The days of the export's period (its title, else its dates); a year's 366 when unknown."""
        if not hasattr(self, "_days"):
            start, end = self._period()
            self._days = (end - start).days + 1 if start and end and end >= start else LIMITS["year"]
        return self._days

    def _beyond(self, acc: _Acc, item: str, value: Decimal, cells: list[tuple[int, int]]) -> bool:
        """An error when a person's count or days of `item` cannot be right (`LIMITS`)."""
        if _is_day_item(item):
            largest, unit = self._max_days(), "天"
            start, end = self._period()
            why = (f"导出表的统计期 {start.isoformat()} 至 {end.isoformat()} 共 {largest} 天" if start and end
                   else f"一年最多 {largest} 天")
        else:
            largest, unit, why = LIMITS["count"], "次", f"一个考核期内最多 {LIMITS['count']} 次"
        if value.is_finite() and abs(value) <= largest:
            return False
        cell = cells[0] if cells else (acc.row, self.name_col.col)
        self._issue(Level.ERROR, f"{acc.name} 的{item}合计 {_fmt(value)} {unit}，超出合理范围（{why}）",
                    "请核对导出表中此人的数字，常见原因是导出后手工改错或多输了几位", cell, "beyond-limit",
                    name=acc.name, item=item)
        return True

    def _crosscheck(self, acc: _Acc, item: str, summary: Decimal) -> None:
        from_days = acc.day.get(item, Decimal(0))
        if item == ABSENT:
            a, b = _round_half_day(summary), _round_half_day(from_days)
            same = a == b
        elif _is_day_item(item):
            same = abs(summary - from_days) <= DAY_TOLERANCE
        else:
            same = summary == from_days
        if same:
            return
        unit = "天" if _is_day_item(item) else "次"
        cells = acc.summary_cells.get(item)
        cell = cells[0] if cells else self._summary_cell(acc, item)
        day_cells = acc.day_cells.get(item) or acc.day_cell_range
        where = _compact(self.sheet, day_cells).split("!", 1)[1] if day_cells else ""
        self._issue(
            Level.WARNING,
            f"{acc.name} 的{item}：汇总列为 {_fmt(_tidy(summary))} {unit}，逐日考勤结果合计 {_fmt(_tidy(from_days))} {unit}"
            + (f"（{where}）" if where else ""),
            "两者不一致，已按汇总列计；请在钉钉中核对此人的考勤记录",
            cell, "export-crosscheck", name=acc.name, item=item,
            summary=str(_tidy(summary)), days=str(_tidy(from_days)),
        )

    def _summary_cell(self, acc: _Acc, item: str) -> tuple[int, int]:
        for col in self.stat_cols:
            if col.item == item:
                return (acc.row, col.col)
        return (acc.row, self.name_col.col)

    # -- columns and unmapped

    def _columns(self) -> list[ExportColumn]:
        out = []
        for col in self.layout.cols:
            if col.role in ("id", "name", "gonghao", "dept", "account", "date"):
                continue
            if col.role == "other" and not self.col_numeric.get(col.col, False):
                continue  # a text column we do not know: metadata
            if col.role == "day":
                text = "逐日考勤结果，用于核对汇总列" if self.summary_items else "逐日考勤结果，解析后计数"
                out.append(ExportColumn(col.header, col.col, None, "", text))
                continue
            if col.role in ("daytext", "punchtext"):
                used = col in self.text_cols
                text = ("考勤结果文字，统计列缺失的事项按它计数" if used else "考勤结果文字，未使用")
                out.append(ExportColumn(col.header, col.col, None, "", text))
                continue
            unit = col.unit or self.col_units.get(col.col, "")
            out.append(ExportColumn(col.header, col.col, col.item, unit, col.conversion))
        return out

    def _unmapped(self) -> list[tuple[str, Decimal]]:
        out: list[tuple[str, Decimal]] = []
        covered: list[str] = []
        for col in self.stat_cols:
            covered.append(col.base)
            if col.item is not None or (col.role == "other" and not self.col_numeric.get(col.col, False)):
                continue
            total = _tidy(self.col_totals.get(col.col, Decimal(0)))
            if not total:
                continue
            out.append((col.header, total))
            unit = col.unit or self.col_units.get(col.col, "")
            self._unmapped_issue(col.header, col.category, total, unit, col.cell)
        if any(c.role == "day" for c in self.layout.cols) or not self.text_cols:
            group = "考勤结果"
        else:
            group = "打卡结果" if self.text_is_punch else self.text_cols[0].leaf
        has_leave_column = any(c.category.startswith("leave:") for c in self.stat_cols)
        for key, total in self.day_unmapped.items():
            label = key.split("(", 1)[0]
            if any(label in base for base in covered) or (label == "请假" and has_leave_column) or not total:
                continue
            header = f"{group}/{key}"
            total = _tidy(total)
            out.append((header, total))
            category = "missing" if label == "缺卡" else label
            self._unmapped_issue(header, category, total, key[len(label) + 1:-1], self.day_unmapped_cell[key])
        return out

    def _unmapped_issue(self, header: str, category: str, total: Decimal, unit: str, cell) -> None:
        amount = f"{_fmt(total)}{(' ' + unit) if unit else ''}"
        if category == "missing":
            self._issue(Level.WARNING, f"「{header}」合计 {amount}，缺卡不对应考核事项，未计分",
                        "缺卡是否按迟到、旷工处理由考核办决定；如需计分，请在 kaohe.toml 的考勤映射中为此列指定事项",
                        cell, "export-unmapped", header=header, total=str(total))
        elif category.startswith("leave:") or header.endswith("假(天)"):
            self._issue(Level.NOTE, f"「{header}」合计 {amount}，此假别不扣分，只列出",
                        "如需计分，请在 kaohe.toml 的考勤映射中为此列指定事项", cell, "export-unmapped",
                        header=header, total=str(total))
        else:
            self._issue(Level.NOTE, f"「{header}」合计 {amount}，不对应考核事项，未计分",
                        "如需计分，请在 kaohe.toml 的考勤映射中为此列指定事项", cell, "export-unmapped",
                        header=header, total=str(total))

    def _unused_mapping_issues(self) -> None:
        """A mapping key that named nothing in this export is a likely typo: say so."""
        unused = [k for k in self.mapping if k not in self.used_keys]
        if not unused:
            return
        cell = (self.layout.last, self.name_col.col if self.name_col else 0)
        self._issue(Level.NOTE, f"考勤映射中的「{'」「'.join(unused)}」在本导出中没有对应的列或考勤结果，未使用",
                    "请核对 kaohe.toml [attendance.mapping] 中的列名，应与导出表头一致，如 上班缺卡次数、事假(小时)",
                    cell, "export-mapping-unused", keys=unused)

    def _unknown_text_issues(self) -> None:
        for token, cell in self.unknown_text.items():
            n = self.unknown_count[token]
            self._issue(Level.WARNING, f"考勤结果“{token}”无法识别，未计入（共 {n} 处）",
                        "请核对此单元格；可识别的写法如 正常、迟到10分钟、早退5分钟、旷工、缺卡、事假1天、病假3.5小时",
                        cell, "export-unknown-text", token=token, times=n)

    def _period(self) -> tuple[date | None, date | None]:
        for title in self.layout.titles:
            m = _PERIOD.search(to_halfwidth(title))
            if m:
                g = m.groups()
                start, end = _make_date(*g[:3]), _make_date(*g[3:])
                if start and end:
                    return start, end
        if self.dates:
            return min(self.dates), max(self.dates)
        return None, None
