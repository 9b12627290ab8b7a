#!/usr/bin/env python3
"""Seeded input workbooks for `make bench`: scheme caizheng, one month, N staff.

Usage::

    python tools/bench_data.py bench_out/data --sizes 1000,10000,20000 [--variant] [--months 1-12]

Each workbook has the sheets 人员, 考勤 (per-day detail), 记实, 奖惩 and 评分:

- 人员: N scored staff in 科室 of 10–20 people; 科室 are grouped under 分管领导 of about 100
  people each; the leaders are in the roster too, with 参评=否.
- 考勤: one row per person and working day (22 days), about 3 % of them abnormal
  (迟到/早退/脱岗/旷工/事假/病假; 旷工 and the leaves have 天数 0.5 or 1).
- 奖惩: about 5 % of staff with one valid caizheng item (级别 where the item has levels, 文号
  for every bonus), plus a few collective 科室受奖 rows.
- 记实: about 10 % of staff with a work-log event (月记逾期, 月记缺交…).
- 评分: 测评得分 and 不称职票 for everyone scored.

The same (size, seed, month, variant) always gives the same cells; workbook properties are
fixed, and xlsxwriter fixes the zip timestamps, so the files are byte-for-byte reproducible.
Written with xlsxwriter in constant_memory mode.

The *variant* is an independently shaped workbook for the acceptance check "independent
workbook": another seed, sheet and column synonyms in another column order, a title row above
every header (merged across the table), 工号 as numbers and dates as text.

This script does not import kaohe_cli: the item names below are copied by hand from
`kaohe_cli/scheme/builtin/caizheng.toml`, so the generator cannot drift with the engine.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

GENERATOR_VERSION = 1
VARIANT_LAYOUT_VERSION = 2  # 2: merged title rows
YEAR = 2023
DEFAULT_SEED = 20230301
VARIANT_SEED = 9_700_417
FIXED_TIME = dt.datetime(2024, 1, 2, 9, 0, 0)
WORKDAYS_PER_MONTH = 22
ABNORMAL_SHARE = 0.03
EVENT_SHARE = 0.05  # 奖惩
LOG_SHARE = 0.10  # 记实
GROUP_SIZE = 100  # people per 分管领导

# ---- names ---------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
GIVEN = "伟刚勇毅俊峰强军平东文辉力明永健志兴良海波宁福生学祥才武新利清飞彬富顺杰涛成康光达安秀娟英华慧巧美娜静淑惠雅芝玉萍红玲芬芳燕春兰凤洁梅琳云雪荣霞香月艳瑞佳"
DEPT_BASES = (
    "办公室", "预算", "国库", "综合", "税政", "经济建设", "农业农村", "社会保障", "科教文", "行政政法",
    "资产管理", "债务管理", "会计", "监督检查", "政府采购", "绩效管理", "法规", "信息", "人事", "机关党委",
)
CATEGORIES = (("公务员", 0.6), ("参照管理", 0.25), ("事业编制", 0.15))

# ---- caizheng items (see kaohe_cli/scheme/builtin/caizheng.toml) ----------------------------

# status, weight, 天数 choices (None: the 天数 cell is 1 like a normal day)
ABNORMAL = (
    ("迟到", 30, None),
    ("早退", 15, None),
    ("脱岗", 10, None),
    ("旷工", 5, (0.5, 1)),
    ("事假", 25, (0.5, 1)),
    ("病假", 15, (0.5, 1)),
)
BONUS_LEVELS = ("国家", "省", "市", "局")
# item, weight, levels (or None), needs 文号
REWARDS = (
    ("个人受奖", 14, BONUS_LEVELS, True),
    ("克难有为", 6, None, True),
    ("对外宣传", 10, ("国家", "省", "市"), True),
    ("公益活动", 14, None, True),
    ("公益活动获名次", 4, None, True),
    ("会议迟到早退", 10, None, False),
    ("会议无故缺席", 5, None, False),
    ("值班迟到早退脱岗", 6, None, False),
    ("工作时间从事无关活动", 4, None, False),
    ("重点工作被通报批评", 4, None, True),
    ("因工作不力被省市通报", 4, None, True),
    ("推诿失职造成不良影响", 3, None, False),
    ("明查暗访", 5, ("通报", "媒体曝光", "查处"), True),
    ("重大失职", 2, None, True),
    ("应急任务推诿", 3, None, False),
    ("限时办结不力", 2, None, False),
)
LOGS = (
    ("月记逾期", 50),
    ("月记缺交", 15),
    ("小结工作未完成", 10),
    ("临时工作未按时完成", 10),
    ("重点工作未按时完成", 10),
    ("重点报表材料未按要求上报", 5),
)
REASONS = (
    "全市财政系统信息宣传", "预算执行进度督查", "政府采购专项检查", "优化营商环境专项", "防汛值守",
    "国有资产清查", "直达资金监控", "乡村振兴帮扶", "文明城市创建", "会计信息质量检查",
)
ISSUERS = ("财办", "财政通", "市委宣", "市政办", "局党组")


@dataclass
class Person:
    gid: object  # str (main) or int (variant)
    name: str
    dept: str
    category: str
    leader: object
    scored: bool = True


@dataclass
class Dataset:
    """Rows of every sheet, as plain Python values, in a fixed header order."""

    people: list[Person]
    attendance: list[tuple]  # (gid, name, date, status, days)
    logs: list[tuple]  # (gid, name, item, count, date, note)
    events: list[tuple]  # (target, target_kind, item, level, count, doc, reason, date)
    ratings: list[tuple]  # (gid, name, score, votes)
    depts: list[str] = field(default_factory=list)
    leaders: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "人员": len(self.people),
            "参评": sum(p.scored for p in self.people),
            "分管领导": self.leaders,
            "科室": len(self.depts),
            "考勤": len(self.attendance),
            "考勤异常": sum(1 for r in self.attendance if r[3] != "正常"),
            "记实": len(self.logs),
            "奖惩": len(self.events),
            "评分": len(self.ratings),
        }


def workdays(year: int, month: int) -> list[dt.date]:
    """The first 22 Monday–Friday dates of the month (all of them when fewer)."""
    days = [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    return [d for d in days if d.weekday() < 5][:WORKDAYS_PER_MONTH]


def _weighted(rng: random.Random, table, weight_at: int = 1):
    total = sum(row[weight_at] for row in table)
    x = rng.random() * total
    for row in table:
        x -= row[weight_at]
        if x < 0:
            return row
    return table[-1]


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.15 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def build(n_staff: int, *, seed: int = DEFAULT_SEED, month: int = 3, numeric_ids: bool = False,
          roster_seed: int | None = None) -> Dataset:
    """The rows of one month. `roster_seed` fixes the people (for a year of months)."""
    rng = random.Random(roster_seed if roster_seed is not None else seed)
    # 科室 of 10–20 people, grouped under leaders of about GROUP_SIZE people.
    dept_sizes: list[int] = []
    left = n_staff
    while left > 0:
        size = min(left, rng.randint(10, 20))
        if 0 < left - size < 10:
            size = left  # no tiny last 科室
        dept_sizes.append(size)
        left -= size
    depts = [f"{DEPT_BASES[i % len(DEPT_BASES)]}{i // len(DEPT_BASES) + 1}科" for i in range(len(dept_sizes))]
    groups: list[list[int]] = [[]]
    in_group = 0
    for i, size in enumerate(dept_sizes):
        if in_group >= GROUP_SIZE:
            groups.append([])
            in_group = 0
        groups[-1].append(i)
        in_group += size
    first_id = 2_000_001 if numeric_ids else 100_001

    def make_id(k: int):
        return first_id + k if numeric_ids else f"0{first_id + k}"

    leaders = [Person(make_id(k), _name(rng), "局领导", "公务员", "", scored=False) for k in range(len(groups))]
    leader_of_dept: dict[int, object] = {}
    for g, members in enumerate(groups):
        for i in members:
            leader_of_dept[i] = leaders[g].gid
    people: list[Person] = list(leaders)
    k = len(leaders)
    for i, size in enumerate(dept_sizes):
        for _ in range(size):
            cat = _weighted(rng, CATEGORIES)[0]
            people.append(Person(make_id(k), _name(rng), depts[i], cat, leader_of_dept[i]))
            k += 1
    staff = [p for p in people if p.scored]

    # The month's events: a separate stream, so a year of months shares one roster.
    rng = random.Random(seed * 100 + month)
    days = workdays(YEAR, month)
    attendance = []
    for p in staff:
        for d in days:
            if rng.random() < ABNORMAL_SHARE:
                status, _, choices = _weighted(rng, ABNORMAL)
                n = rng.choice(choices) if choices else 1
            else:
                status, n = "正常", 1
            attendance.append((p.gid, p.name, d, status, n))

    logs = []
    for p in staff:
        if rng.random() < LOG_SHARE:
            item = _weighted(rng, LOGS)[0]
            count = 2 if rng.random() < 0.1 else 1
            logs.append((p.gid, p.name, item, count, rng.choice(days), f"{month}月{item}"))

    doc_no = {iss: rng.randint(1, 20) for iss in ISSUERS}

    def doc() -> str:
        iss = rng.choice(ISSUERS)
        doc_no[iss] += rng.randint(1, 3)
        return f"{iss}〔{YEAR}〕{doc_no[iss]}号"

    events = []
    for p in staff:
        if rng.random() >= EVENT_SHARE:
            continue
        item, _, levels, needs_doc = _weighted(rng, REWARDS)
        level = rng.choice(levels) if levels else ""
        events.append((
            p.gid, "个人", item, level, 1, doc() if needs_doc else "",
            f"{rng.choice(REASONS)}（{p.gid}）", rng.choice(days),
        ))
    for _ in range(max(2, n_staff // 2000)):
        dept = rng.choice(depts)
        events.append((dept, "集体", "科室受奖", rng.choice(BONUS_LEVELS), 1, doc(), f"{dept}{rng.choice(REASONS)}表彰", rng.choice(days)))

    ratings = []
    for p in staff:
        score = round(min(100.0, max(60.0, rng.gauss(90, 4))), 1)
        votes = 0 if rng.random() < 0.9 else rng.randint(1, 5)
        ratings.append((p.gid, p.name, score, votes))
    return Dataset(people, attendance, logs, events, ratings, depts, len(leaders))


# ---- writing -------------------------------------------------------------------------------


@dataclass
class Layout:
    """How one workbook spells its sheets and columns."""

    sheets: dict[str, str]  # canonical sheet → name written
    columns: dict[str, list[tuple[str, str]]]  # canonical sheet → [(field, header written)], in order
    title_rows: bool = False
    dates_as_text: bool = False


MAIN_LAYOUT = Layout(
    sheets={s: s for s in ("人员", "考勤", "记实", "奖惩", "评分")},
    columns={
        "人员": [("gid", "工号"), ("name", "姓名"), ("dept", "科室"), ("category", "类别"), ("leader", "分管领导"), ("scored", "参评")],
        "考勤": [("gid", "工号"), ("name", "姓名"), ("date", "日期"), ("status", "状态"), ("days", "天数")],
        "记实": [("gid", "工号"), ("name", "姓名"), ("item", "事项"), ("count", "次数"), ("date", "日期"), ("note", "说明")],
        "奖惩": [("target", "对象"), ("kind", "对象类型"), ("item", "事项"), ("level", "级别"), ("count", "次数"),
                 ("doc", "文号"), ("reason", "事由"), ("date", "日期")],
        "评分": [("gid", "工号"), ("name", "姓名"), ("score", "测评得分"), ("votes", "不称职票")],
    },
)


def variant_layout(rng: random.Random) -> Layout:
    """Synonyms for sheets and headers, columns shuffled, a title row above every header."""
    base = {
        "人员": [("gid", "职工号"), ("name", "姓名"), ("dept", "部门"), ("category", "人员类别"), ("leader", "分管领导"), ("scored", "是否参评")],
        "考勤": [("gid", "职工号"), ("name", "姓名"), ("date", "考勤日期"), ("status", "考勤结果"), ("days", "天数")],
        "记实": [("gid", "工号"), ("name", "姓名"), ("item", "考核事项"), ("count", "次数"), ("date", "发生日期"), ("note", "备注")],
        "奖惩": [("target", "奖惩对象"), ("kind", "对象类型"), ("item", "事项"), ("level", "等级"), ("count", "数量"),
                 ("doc", "文件号"), ("reason", "事由"), ("date", "日期")],
        "评分": [("gid", "工号"), ("name", "姓名"), ("score", "测评分"), ("votes", "不称职票数")],
    }
    cols = {}
    for sheet, fields in base.items():
        fields = list(fields)
        rng.shuffle(fields)
        cols[sheet] = fields
    return Layout(
        sheets={"人员": "花名册", "考勤": "考勤表", "记实": "工作记实", "奖惩": "加减分", "评分": "测评"},
        columns=cols, title_rows=True, dates_as_text=True,
    )


def _excel_serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


def write(ds: Dataset, path: Path, layout: Layout, month: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": f"{YEAR}年{month}月考核数据（基准测试）", "author": "kaohe bench", "created": FIXED_TIME})
    head = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    titles = {"人员": "人员名单", "考勤": f"{YEAR}年{month}月考勤明细", "记实": "工作记实", "奖惩": "奖惩情况", "评分": "民主测评"}

    def sheet(canonical: str, records):
        ws = wb.add_worksheet(layout.sheets[canonical])
        fields = layout.columns[canonical]
        row = 0
        if layout.title_rows:
            ws.merge_range(0, 0, 0, len(fields) - 1, f"{titles[canonical]}（{YEAR}年{month}月）", head)
            row = 1
        for c, (_, header) in enumerate(fields):
            ws.write_string(row, c, header, head)
        for rec in records:
            row += 1
            for c, (f, _) in enumerate(fields):
                v = rec[f]
                if v is None or v == "":
                    continue
                if isinstance(v, dt.date):
                    if layout.dates_as_text:
                        ws.write_string(row, c, f"{v.year}/{v.month}/{v.day}")
                    else:
                        ws.write_number(row, c, _excel_serial(v), date_fmt)
                elif isinstance(v, str):
                    ws.write_string(row, c, v)
                else:
                    ws.write_number(row, c, v)

    sheet("人员", ({"gid": p.gid, "name": p.name, "dept": p.dept, "category": p.category, "leader": p.leader,
                    "scored": "是" if p.scored else "否"} for p in ds.people))
    sheet("考勤", ({"gid": g, "name": n, "date": d, "status": s, "days": k} for g, n, d, s, k in ds.attendance))
    sheet("记实", ({"gid": g, "name": n, "item": i, "count": c, "date": d, "note": t} for g, n, i, c, d, t in ds.logs))
    sheet("奖惩", ({"target": t, "kind": k, "item": i, "level": lv, "count": c, "doc": doc, "reason": r, "date": d}
                   for t, k, i, lv, c, doc, r, d in ds.events))
    sheet("评分", ({"gid": g, "name": n, "score": s, "votes": v} for g, n, s, v in ds.ratings))
    wb.close()


# ---- cached files ---------------------------------------------------------------------------


def file_name(n_staff: int, *, variant: bool = False, month: int = 3) -> str:
    tag = "-variant" if variant else ""
    return f"{YEAR}-{month:02d}-caizheng-{n_staff}{tag}.xlsx"


def ensure(folder: Path, n_staff: int, *, variant: bool = False, month: int = 3, seed: int | None = None) -> tuple[Path, dict]:
    """Write the workbook unless an identical one (same parameters) is already there."""
    seed = seed if seed is not None else (VARIANT_SEED if variant else DEFAULT_SEED)
    path = folder / file_name(n_staff, variant=variant, month=month)
    meta_path = path.with_suffix(".json")
    params = {"generator": GENERATOR_VERSION, "staff": n_staff, "seed": seed, "month": month, "variant": variant}
    if variant:
        params["variant_layout"] = VARIANT_LAYOUT_VERSION
    if path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except ValueError:
            meta = {}
        if meta.get("params") == params:
            return path, meta
    # A year of months keeps one roster: the roster comes from the base seed, events from `seed`.
    base_seed = VARIANT_SEED if variant else DEFAULT_SEED
    ds = build(n_staff, seed=seed, month=month, numeric_ids=variant, roster_seed=base_seed)
    layout = variant_layout(random.Random(seed + 1)) if variant else MAIN_LAYOUT
    write(ds, path, layout, month)
    meta = {"params": params, "counts": ds.counts(), "bytes": path.stat().st_size}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return path, meta


def _sizes(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def _months(text: str) -> list[int]:
    if "-" in text:
        a, b = text.split("-", 1)
        return list(range(int(a), int(b) + 1))
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成基准测试用的 caizheng 月度输入工作簿（固定随机种子）")
    ap.add_argument("folder", type=Path)
    ap.add_argument("--sizes", default="1000,10000,20000", help="人数，逗号分隔")
    ap.add_argument("--months", default="3", help="月份，如 3 或 1-12")
    ap.add_argument("--variant", action="store_true", help="另外生成 1 万人的异构工作簿（另一种子、列序、标题行、数字工号）")
    args = ap.parse_args(argv)
    for n in _sizes(args.sizes):
        for m in _months(args.months):
            path, meta = ensure(args.folder, n, month=m)
            print(path, meta["counts"], flush=True)
    if args.variant:
        path, meta = ensure(args.folder, 10_000, variant=True)
        print(path, meta["counts"], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
