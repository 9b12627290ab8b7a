"""Make the demo's DingTalk 月度汇总 export for the caizheng March roster.

    python tools/make_export_sample.py [ROSTER.xlsx] [OUT.xlsx]

Defaults: kaohe_cli/sample_data/caizheng/2023-03.xlsx → kaohe_cli/sample_data/exports/钉钉月度汇总-2023-03.xlsx.

The layout is DingTalk's monthly summary as described in shared/ATTENDANCE-EXPORTS.md: two
merged title rows (统计日期, 报表生成时间), a two-row header with 请假 and 考勤结果 merged over
their sub-headers (the other headers merged down over both rows), data from row 5, zero values
left blank, one 考勤结果 column per day with weekends labelled 六 / 日.

Everyone on the roster has a row (leaders who are not assessed punch the clock too). The
迟到 / 早退 / 旷工 counts come from the workbook's own 考勤 sheet, so the export describes the
same month; 迟到 is split into 迟到次数 and 严重迟到次数 for one person. 脱岗 is not something a
punch clock records, so it has no column. On top of that, a few people get leave (事假 and 调休
in hours, 病假 / 年假 / 婚假 in days), 上班缺卡 / 下班缺卡, 外勤 and 出差 days. The per-day result
cells agree with the summary columns. Everything is drawn from a fixed seed, and the file is
written with fixed properties and zip times: the same roster always gives the same bytes.
"""

from __future__ import annotations

import random
import sys
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path

import python_calamine
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
ROSTER = ROOT / "kaohe_cli" / "sample_data" / "caizheng" / "2023-03.xlsx"
OUT = ROOT / "kaohe_cli" / "sample_data" / "exports" / "钉钉月度汇总-2023-03.xlsx"

START, END = date(2023, 3, 1), date(2023, 3, 31)
GENERATED = "2023-04-03 09:12"
CREATED = datetime(2023, 4, 3, 9, 12)
SEED = 20230331
WEEKDAY = "一二三四五六日"

STATS = [
    "出勤天数", "休息天数", "工作时长", "迟到次数", "迟到时长", "严重迟到次数", "严重迟到时长", "旷工迟到天数",
    "早退次数", "早退时长", "上班缺卡次数", "下班缺卡次数", "旷工天数", "出差时长", "外出时长",
]
LEAVE = ["事假(小时)", "病假(天)", "年假(天)", "调休(小时)", "婚假(天)", "产假(天)", "陪产假(天)", "丧假(天)"]
IDENTITY = ["姓名", "考勤组", "部门", "工号", "职位", "UserId"]


def _rows(book: Path, sheet: str) -> list[dict]:
    wb = python_calamine.CalamineWorkbook.from_path(str(book))
    grid = wb.get_sheet_by_name(sheet).to_python()
    header = [str(h).strip() for h in grid[0]]
    return [dict(zip(header, r)) for r in grid[1:] if any(v not in ("", None) for v in r)]


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value or "").strip()


def _num(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _clock(rng: random.Random, hour: int, lo: int, hi: int) -> str:
    return f"{hour:02d}:{rng.randint(lo, hi):02d}"


def build(book: Path) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """The sheet as a grid of cell values (None for blank) and its merged ranges (0-based)."""
    people = _rows(book, "人员")
    typed = {_text(r.get("工号")): r for r in _rows(book, "考勤")}
    rng = random.Random(SEED)
    days = [START + timedelta(days=i) for i in range((END - START).days + 1)]
    workdays = [d for d in days if d.weekday() < 5]

    # Extra events, each for a few people drawn from the assessed ones in roster order.
    assessed = [_text(p["工号"]) for p in people if _text(p.get("参评")) != "否"]
    picks = rng.sample(assessed, 30)
    extra: dict[str, list[str]] = {}
    plan = (["事假4小时"] * 4 + ["事假1天"] * 3 + ["病假1天"] * 3 + ["年假2天"] * 3 + ["调休4小时"] * 3
            + ["婚假3天"] + ["上班缺卡"] * 3 + ["下班缺卡"] * 3 + ["外勤2天"] * 3 + ["出差2天"] * 2
            + ["外勤1天"] * 2)
    for gonghao, what in zip(picks, plan):
        extra.setdefault(gonghao, []).append(what)
    severe = next(g for g, r in typed.items() if _num(r.get("迟到")) >= 2)

    columns: list[tuple[str | None, str]] = [(None, h) for h in IDENTITY + STATS]
    columns += [("请假", h) for h in LEAVE]
    columns += [("考勤结果", WEEKDAY[d.weekday()] if d.weekday() >= 5 else d.day) for d in days]
    width = len(columns)

    rows: list[list[object]] = [
        [f"月度汇总 统计日期：{START.isoformat()} 至 {END.isoformat()}"] + [None] * (width - 1),
        [f"报表生成时间：{GENERATED}"] + [None] * (width - 1),
    ]
    merged = [(0, 0, 0, width - 1), (1, 0, 1, width - 1)]
    upper: list[object] = []
    lower: list[object] = []
    c = 0
    while c < width:
        group, label = columns[c]
        if group is None:
            upper.append(label)
            lower.append(None)
            merged.append((2, c, 3, c))
            c += 1
            continue
        end = c
        while end + 1 < width and columns[end + 1][0] == group:
            end += 1
        for k in range(c, end + 1):
            upper.append(group if k == c else None)
            lower.append(columns[k][1])
        merged.append((2, c, 2, end))
        c = end + 1
    rows += [upper, lower]

    for person in people:
        gonghao = _text(person["工号"])
        mine = typed.get(gonghao, {})
        free = list(workdays)
        rng.shuffle(free)
        cell: dict[date, str] = {}
        stat: dict[str, float] = {}

        def add(key: str, value: float) -> None:
            stat[key] = stat.get(key, 0) + value

        def day() -> date:
            return free.pop()

        late = int(_num(mine.get("迟到")))
        for i in range(late):
            minutes = rng.choice([3, 5, 8, 12, 17, 25])
            if gonghao == severe and i == 0:
                minutes = 42
                cell[day()] = f"正常班:严重迟到{minutes}分钟\n({_clock(rng, 9, 12, 12)},{_clock(rng, 17, 31, 58)})"
                add("严重迟到次数", 1)
                add("严重迟到时长", minutes)
                continue
            cell[day()] = f"正常班:迟到{minutes}分钟\n(08:{30 + minutes:02d},{_clock(rng, 17, 31, 58)})"
            add("迟到次数", 1)
            add("迟到时长", minutes)
        for _ in range(int(_num(mine.get("早退")))):
            minutes = rng.choice([5, 10, 20, 35])
            leave = 17 * 60 + 30 - minutes
            cell[day()] = f"正常班:早退{minutes}分钟\n({_clock(rng, 8, 10, 29)},{leave // 60:02d}:{leave % 60:02d})"
            add("早退次数", 1)
            add("早退时长", minutes)
        absent = _num(mine.get("旷工"))
        while absent >= 1:
            cell[day()] = "旷工"
            add("旷工天数", 1)
            absent -= 1
        if absent:
            cell[day()] = f"正常班:旷工{absent * 8:g}小时\n({_clock(rng, 8, 10, 29)},-)"
            add("旷工天数", absent)
        for what in extra.get(gonghao, []):
            if what.startswith("事假"):
                hours = 4 if "小时" in what else 8
                cell[day()] = "正常班:事假\n(-)" if hours == 8 else f"事假4小时\n({_clock(rng, 8, 10, 29)},-)"
                add("事假(小时)", hours)
            elif what.startswith("调休"):
                cell[day()] = f"调休4小时\n(-,{_clock(rng, 17, 31, 58)})"
                add("调休(小时)", 4)
            elif what.startswith(("病假", "年假", "婚假")):
                kind, n = what[:2], int(what[2])
                for _ in range(n):
                    cell[day()] = f"正常班:{kind}\n(-)"
                add(f"{kind}(天)", n)
            elif what in ("上班缺卡", "下班缺卡"):
                punch = f"(-,{_clock(rng, 17, 31, 58)})" if what == "上班缺卡" else f"({_clock(rng, 8, 10, 29)},-)"
                cell[day()] = f"正常班:{what}\n{punch}"
                add(f"{what}次数", 1)
            elif what.startswith("外勤"):
                for _ in range(int(what[2])):
                    cell[day()] = f"外勤\n({_clock(rng, 8, 10, 29)},{_clock(rng, 17, 31, 58)})"
            elif what.startswith("出差"):
                n = int(what[2])
                for _ in range(n):
                    cell[day()] = "出差\n(-)"
                add("出差时长", n)
        away = sum(1 for d in workdays if cell.get(d, "").startswith(("旷工", "正常班:事假", "正常班:病假",
                                                                       "正常班:年假", "正常班:婚假")))
        values = {
            "姓名": _text(person["姓名"]), "考勤组": "机关考勤组", "部门": _text(person.get("科室")),
            "工号": gonghao, "职位": _text(person.get("职务")) or "科员",
            "UserId": f"{zlib.crc32(gonghao.encode()):010d}{gonghao}",
            "出勤天数": len(workdays) - away, "休息天数": len(days) - len(workdays),
            "工作时长": (len(workdays) - away) * 480,
        }
        values.update({k: v for k, v in stat.items()})
        if "出差时长" in values:
            values["出差时长"] = f"{values['出差时长']:g}天"
        row: list[object] = []
        for group, label in columns:
            if group == "考勤结果":
                continue
            value = values.get(label)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            row.append(None if value in (0, None, "") and label not in ("工号",) else value)
        for d in days:
            if d.weekday() >= 5:
                row.append("休息\n(-)")
            else:
                row.append(cell.get(d) or f"正常班:正常\n({_clock(rng, 8, 5, 29)},{_clock(rng, 17, 31, 58)})")
        rows.append(row)
    return rows, merged


def make(roster: Path = ROSTER, out: Path = OUT) -> Path:
    """Write the export with xlsxwriter: fixed properties and zip times, so byte-stable."""
    rows, merged = build(roster)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"title": "月度汇总", "author": "钉钉", "created": CREATED,
                       "comments": "由 tools/make_export_sample.py 生成（虚构数据）"})
    ws = wb.add_worksheet("月度汇总")
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    starts = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in merged}
    inside = {(r, c) for r1, c1, r2, c2 in merged for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, row in enumerate(rows):
        fmt = title if r < 2 else head if r < 4 else wrap
        for c, value in enumerate(row):
            if (r, c) in starts:
                r2, c2 = starts[(r, c)]
                ws.merge_range(r, c, r2, c2, value, fmt)
            elif (r, c) in inside:
                continue
            elif value is None:
                if r < 4:
                    ws.write_blank(r, c, None, fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value, None if r >= 4 and "\n" not in value else fmt)
            else:
                ws.write_number(r, c, value)
    ws.freeze_panes(4, 1)
    ws.set_column(0, 5, 10)
    ws.set_column(6, 28, 8)
    ws.set_column(29, len(rows[2]) - 1, 12)
    wb.close()
    return out


def main(argv: list[str]) -> None:
    roster = Path(argv[0]) if argv else ROSTER
    out = Path(argv[1]) if len(argv) > 1 else OUT
    print(make(roster, out))


if __name__ == "__main__":
    main(sys.argv[1:])
