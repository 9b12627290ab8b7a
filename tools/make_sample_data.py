#!/usr/bin/env python3
"""生成 kaohe 的示例数据：六个内置方案各一个虚构机关的输入工作簿。

用法::

    python tools/make_sample_data.py kaohe_cli/sample_data

所有单位、人名、文号和事由都是随机组合的虚构内容。随机种子固定，
工作簿属性（创建/修改时间）固定，压缩包内时间戳由 xlsxwriter 固定为 1980-01-01，
所以重复运行得到逐字节相同的文件。本脚本独立运行，不导入 kaohe_cli。
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

SEED = 20230401
YEAR = 2023
FIXED_TIME = dt.datetime(2024, 1, 2, 9, 0, 0)

# 2023 年法定节假日中的工作日（周一至周五），用于让事件日期落在上班日。
HOLIDAYS = {
    dt.date(2023, 1, 2),
    *(dt.date(2023, 1, d) for d in range(23, 28)),
    dt.date(2023, 4, 5),
    *(dt.date(2023, 5, d) for d in range(1, 4)),
    dt.date(2023, 6, 22),
    dt.date(2023, 6, 23),
    dt.date(2023, 9, 29),
    *(dt.date(2023, 10, d) for d in range(2, 7)),
}


# ---------------------------------------------------------------------------
# 通用工具
# ---------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet: a header row and data rows (None means an empty cell)."""

    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)

    def add(self, **values) -> None:
        unknown = set(values) - set(self.header)
        if unknown:
            raise KeyError(f"{self.name}: unknown columns {sorted(unknown)}")
        self.rows.append([values.get(h) for h in self.header])


@dataclass(eq=False)
class Person:
    gh: str
    name: str
    dept: str
    cat: str
    title: str
    leader: str = ""
    work_start: dt.date | None = None
    hire: dt.date | None = None
    leave_days: int | None = None
    scored: bool = True
    risk: float = 1.0
    ability: float = 0.86
    start: dt.date = dt.date(2000, 1, 1)
    end: dt.date | None = None

    def active(self, first: dt.date, last: dt.date) -> bool:
        return self.start <= last and (self.end is None or self.end >= first)


def num(x: float) -> int | float:
    """A number as int when it is whole, else as float with at most 2 decimals."""
    x = round(float(x), 2)
    return int(x) if x == int(x) else x


def half(x: float) -> float:
    """Round to the nearest 0.5."""
    return math.floor(x * 2 + 0.5) / 2


def clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, _days_in_month(year, month))


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def quarter_range(year: int, q: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 3 * q - 2, 1), month_range(year, 3 * q)[1]


def workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    d = first
    while d <= last:
        if d.weekday() < 5 and d not in HOLIDAYS:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def poisson(rng: random.Random, lam: float) -> int:
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def draw_risk(rng: random.Random) -> float:
    """Most people rarely slip; a few slip often."""
    r = rng.random()
    return 0.3 if r < 0.6 else (1.0 if r < 0.9 else 3.0)


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = [1.0 / (i + 6) for i in range(len(SURNAMES))]
GIVEN_A = (
    "伟刚勇毅俊峰强军平东文辉力明永健广志兴良海山波宁贵福生龙全国胜学祥才发武新利清飞彬富"
    "顺杰涛昌成康光达安岩中进林坚和博诚振思群承乐松善磊民友河哲江超浩亮政鸣朋斌栋维启翔旭"
    "鹏泽晨辰家树德盛雄钧航弘"
)
GIVEN_B = (
    "秀娟英华慧巧美娜静淑惠翠雅芝玉萍红玲芬芳燕彩春菊兰凤洁梅琳云莲雪荣霞香月媛艳瑞佳嘉琼"
    "珍莉桂晶妍茜秋珊婷婉颖露瑶怡丹蓉琴蕊薇岚馨韵悦冰欣筠晓欢芸菲宜舒丽阳"
)


# Combinations the generator can produce that read as a well-known person or a common word.
AVOID_NAMES = {"王刚", "黄龙", "刘海", "王生", "高超", "江山", "金星", "杨柳", "白云", "林海"}


class NameMaker:
    """Random, unique, fictitious Chinese names (surname + 1 or 2 characters)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self) -> str:
        rng = self.rng
        while True:
            surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
            pool = GIVEN_A if rng.random() < 0.55 else GIVEN_B
            if rng.random() < 0.12:
                given = rng.choice(pool)
            else:
                given = rng.choice(pool) + rng.choice(pool)
                if given[0] == given[1] and (pool is GIVEN_A or rng.random() < 0.7):
                    continue
            name = surname + given
            if name not in self.used and name not in AVOID_NAMES:
                self.used.add(name)
                return name


class DocNumbers:
    """文号 per issuer, increasing through the year: 住建通〔2023〕15号."""

    def __init__(self, rng: random.Random, prefixes: dict[str, str]):
        self.rng = rng
        self.prefixes = prefixes
        self.counters = {k: rng.randint(1, 3) for k in prefixes}

    def __call__(self, issuer: str) -> str:
        n = self.counters[issuer]
        self.counters[issuer] = n + self.rng.randint(1, 4)
        return f"{self.prefixes[issuer]}〔{YEAR}〕{n}号"


@dataclass
class Doc:
    """One document (通报, 表彰决定…) with the 奖惩 rows it gives rise to."""

    date: dt.date
    issuer: str | None  # None: the row has no 文号 (deliberately, or not needed)
    rows: list[dict]


def docs_to_rows(docs: list[Doc], numbers: DocNumbers, sheet: Sheet) -> None:
    """Number the documents in date order and append their rows to sheet."""
    for doc in sorted(docs, key=lambda d: d.date):
        wh = numbers(doc.issuer) if doc.issuer else None
        for row in doc.rows:
            values = dict(row)
            if "文号" in sheet.header:
                values.setdefault("文号", wh)
            values["日期"] = doc.date
            sheet.add(**values)


def completed_years(start: dt.date, on: dt.date) -> int:
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def career(rng: random.Random, years_lo: int, years_hi: int) -> tuple[dt.date, dt.date]:
    """(参加工作时间, 入职日期) for someone with years_lo..years_hi years of service."""
    years = rng.randint(years_lo, years_hi)
    work_start = dt.date(YEAR - years, rng.choice([7, 7, 8, 9, 12]), 1)
    if years >= 4 and rng.random() < 0.4:
        moved = rng.randint(2, years - 1)
        hire = dt.date(YEAR - moved, rng.choice([3, 4, 6, 9, 11]), rng.choice([1, 8, 15]))
    else:
        hire = work_start
    return work_start, hire


# ---------------------------------------------------------------------------
# 写工作簿
# ---------------------------------------------------------------------------

WB_OPTIONS = {
    "in_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


def _props(title: str) -> dict:
    return {
        "title": title,
        "subject": "kaohe 示例数据（虚构）",
        "author": "考核办",
        "company": "示例单位（虚构）",
        "comments": "由 tools/make_sample_data.py 生成",
        "created": FIXED_TIME,
    }


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    s = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


class _Formats:
    def __init__(self, wb):
        self.head = wb.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "bg_color": "#D9E1F2"}
        )
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.title = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})


def _put(ws, r: int, c: int, value, fmt: _Formats) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        ws.write_string(r, c, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt.date)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt.date)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(r, c, value)
    else:
        raise TypeError(f"cannot write {value!r}")


def _set_widths(ws, header: list[str], rows: list[list]) -> None:
    for c, h in enumerate(header):
        width = max([_text_width(h)] + [_text_width(row[c]) for row in rows])
        ws.set_column(c, c, min(max(width + 2, 6), 48))


def write_xlsx(path: Path, sheets: list[Sheet], title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), WB_OPTIONS)
    wb.set_properties(_props(title))
    fmt = _Formats(wb)
    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        for c, h in enumerate(sh.header):
            ws.write_string(0, c, h, fmt.head)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row):
                _put(ws, r, c, v, fmt)
        _set_widths(ws, sh.header, sh.rows)
        ws.freeze_panes(1, 0)
    wb.close()


def roster_sheet(people: list[Person], columns: list[str], name: str = "人员") -> Sheet:
    sh = Sheet(name, columns)
    getters = {
        "工号": lambda p: p.gh,
        "姓名": lambda p: p.name,
        "科室": lambda p: p.dept,
        "类别": lambda p: p.cat,
        "职务": lambda p: p.title,
        "分管领导": lambda p: p.leader or None,
        "参加工作时间": lambda p: p.work_start,
        "年休假天数": lambda p: p.leave_days,
        "入职日期": lambda p: p.hire,
        "参评": lambda p: "是" if p.scored else "否",
    }
    for p in people:
        sh.add(**{c: getters[c](p) for c in columns})
    return sh


# ---------------------------------------------------------------------------
# 1. zhujian：县住房和城乡建设局，月度量化考核（12 个月）
# ---------------------------------------------------------------------------

ZJ_DEPTS = [("办公室", 9), ("规划股", 7), ("建管股", 8), ("城建股", 8), ("房管股", 7), ("质监站", 6)]
ZJ_LEADERS = [
    ("党组书记、局长", ["办公室"]),
    ("党组成员、副局长", ["规划股", "城建股"]),
    ("党组成员、副局长", ["建管股", "质监站"]),
    ("党组成员、副局长", ["房管股"]),
]
ZJ_LZBL = [
    "施工许可审批超出承诺时限",
    "质量安全巡查记录缺失",
    "群众来电未在规定时限内回复",
    "项目月报数据报送延迟",
    "会议纪要未按要求及时上报",
    "安全生产检查台账不完整",
    "信访件未在规定时限内办结",
    "公文办理延误",
    "分管领导交办事项未按时完成",
    "房屋征收档案归档不规范",
    "农村危房改造数据录入错误",
    "督查反馈问题整改不到位",
    "建筑市场执法检查发现问题未跟踪",
    "物业投诉处理不及时",
    "业务系统数据未按时更新",
]
ZJ_LZBL_VALUES = [1, 2, 2, 3, 5, 5, 6, 8, 8, 10, 12, 15]
ZJ_SEASON = {1: 1, 2: 3, 3: 1, 4: 1.5, 5: 1, 6: 1, 7: 2.5, 8: 2.5, 9: 1, 10: 3, 11: 1, 12: 1.5}
ZJ_ISSUERS = {
    "局": "住建通",
    "县委县政府": "县委办通",
    "县级部门": "县直工委通",
    "州级部门": "州住建通",
    "州委州政府": "州委办通",
    "省级部门": "省住建厅通",
    "省委省政府": "省政府通",
    "县督查室": "县督查通",
}


def _zj_allowance(p: Person) -> int:
    if p.leave_days is not None:
        return p.leave_days
    years = completed_years(p.work_start, dt.date(YEAR, 12, 31))
    return 0 if years < 1 else 5 if years < 10 else 10 if years < 20 else 15


def _spread_days(rng, total: float, months: list[int], blocks: list[float], weights=None) -> dict[int, float]:
    """Split total days into blocks and put each block in a month."""
    out: dict[int, float] = {}
    left = total
    while left > 0:
        block = min(left, rng.choice(blocks))
        w = [weights[m] for m in months] if weights else None
        m = rng.choices(months, w)[0]
        if out.get(m, 0) + block > 15:
            continue
        out[m] = out.get(m, 0) + block
        left -= block
    return out


def build_zhujian() -> dict[str, list[Sheet]]:
    rng = random.Random(SEED + 1)
    names = NameMaker(rng)

    leaders: list[Person] = []
    for i, (title, _) in enumerate(ZJ_LEADERS):
        ws, hire = career(rng, 18, 32)
        leaders.append(
            Person(f"{i + 1:04d}", names(), "局领导", "领导班子", title, work_start=ws, hire=hire, risk=0.3)
        )
    for p in leaders[1:]:
        p.leader = leaders[0].name
    dept_leader = {d: leaders[i].name for i, (_, ds) in enumerate(ZJ_LEADERS) for d in ds}

    n_staff = sum(n for _, n in ZJ_DEPTS)
    numbers = sorted(rng.sample(range(6, 160), n_staff + 1))
    staff: list[Person] = []
    k = 0
    for dept, n in ZJ_DEPTS:
        head = {"办公室": "主任", "质监站": "站长"}.get(dept, "股长")
        for j in range(n):
            if dept == "质监站":
                cat = "事业"
            elif dept == "办公室" and j == n - 1:
                cat = "工勤"
            else:
                cat = "公务员" if rng.random() < 0.8 else "事业"
            if j == 0:
                title, (ws, hire) = head, career(rng, 12, 30)
            elif j == 1 and n >= 7:
                title, (ws, hire) = "副" + head, career(rng, 8, 25)
            else:
                title = {"公务员": "科员", "事业": "专业技术人员", "工勤": "驾驶员"}[cat]
                ws, hire = career(rng, 1, 30)
            staff.append(
                Person(
                    f"{numbers[k]:04d}", names(), dept, cat, title, dept_leader[dept],
                    work_start=ws, hire=hire, risk=draw_risk(rng),
                )
            )
            k += 1
    # 年休假天数 written in the roster for about a quarter of the staff.
    for p in leaders + staff:
        if rng.random() < 0.25:
            p.leave_days = _zj_allowance(p)
    odd = rng.sample([p for p in staff if p.leave_days is None and _zj_allowance(p) < 15], 2)
    for p in odd:  # e.g. military service counted by the personnel bureau
        p.leave_days = _zj_allowance(p) + 5

    # A new recruit from July, a transfer out after September.
    recruit = Person(
        f"{numbers[-1]:04d}", names(), "规划股", "公务员", "科员", dept_leader["规划股"],
        work_start=dt.date(YEAR, 7, 3), hire=dt.date(YEAR, 7, 3), risk=0.3,
        start=dt.date(YEAR, 7, 3),
    )
    leaver = rng.choice([p for p in staff if p.dept == "房管股" and p.title == "科员"])
    leaver.end = dt.date(YEAR, 9, 30)
    roster = leaders + staff
    roster.insert(len(leaders) + sum(n for _, n in ZJ_DEPTS[:2]), recruit)  # after 规划股

    regular = [p for p in staff if p is not leaver]
    star, weak, worst, slacker, blamed = rng.sample(regular, 5)
    star.risk, weak.risk, worst.risk = 0.3, 1.0, 3.0

    # ---- leave plan for the year: 年休假 and 事假 per month ----
    annual: dict[str, dict[int, float]] = {}
    personal: dict[str, dict[int, float]] = {}
    for p in roster:
        months = [m for m in range(1, 13) if p.active(*month_range(YEAR, m))]
        allowance = _zj_allowance(p)
        r = rng.random()
        if allowance == 0 or r < 0.15:
            used = 0.0
        elif r < 0.6:
            used = half(allowance * rng.uniform(0.3, 0.8))
        else:
            used = float(allowance)
        r2 = rng.random()
        extra = 0.0 if r2 < 0.65 else rng.choice([0.5, 1, 1, 1.5, 2]) if r2 < 0.92 else rng.choice([3, 4, 5])
        if p is slacker:
            used, extra = float(allowance), 6.0
        annual[p.gh] = _spread_days(rng, used, months, [1, 2, 3, 3, 5], ZJ_SEASON)
        personal[p.gh] = _spread_days(rng, extra, months, [0.5, 1, 1, 2])

    # ---- documents of the year (奖惩) ----
    def person_row(p: Person, item: str, level: str | None, why: str, times: int = 1) -> dict:
        return {"对象": p.name, "对象类型": "个人", "事项": item, "级别": level, "次数": times, "事由": why}

    def group_row(dept: str, item: str, level: str, why: str) -> dict:
        return {"对象": dept, "对象类型": "集体", "事项": item, "级别": level, "次数": 1, "事由": why}

    def day(m: int) -> dt.date:
        return rng.choice(workdays(*month_range(YEAR, m)))

    def pick(m: int, n: int, exclude=()) -> list[Person]:
        pool = [p for p in staff if p.active(*month_range(YEAR, m)) and p not in exclude]
        return rng.sample(pool, n)

    docs: dict[int, list[Doc]] = {m: [] for m in range(1, 13)}
    praise = "通报表扬"
    docs[2].append(Doc(day(2), "局", [
        person_row(p, praise, "县级部门", "2022年度全县住建系统先进工作者")
        for p in pick(2, 3, [worst])
    ]))
    docs[3].append(Doc(day(3), "县委县政府", [
        person_row(star, praise, "县委县政府", "2022年度全县重点项目建设先进个人")
    ]))
    docs[3].append(Doc(dt.date(YEAR, 3, 8), None, [
        person_row(p, "参加活动", None, "全县“三八”妇女节健步走活动") for p in pick(3, 6, [star])
    ] + [person_row(star, "参加活动", None, "全县“三八”妇女节健步走活动")]))
    docs[4].append(Doc(day(4), "州级部门", [
        group_row("质监站", praise, "州级部门", "2022年度全州建设工程质量安全监督工作先进集体")
    ]))
    docs[5].append(Doc(dt.date(YEAR, 5, 20), None, [
        person_row(p, "参加活动", None, "全县干部职工气排球比赛") for p in pick(5, 7)
    ]))
    docs[5].append(Doc(day(5), "县级部门", [
        person_row(blamed, "通报批评", "县级部门", "政务服务窗口值守期间长时间玩手机，被县直机关工委通报")
    ]))
    docs[6].append(Doc(day(6), "局", [
        person_row(p, praise, "县级部门", "城镇燃气安全专项排查整治工作表现突出") for p in pick(6, 2)
    ]))
    docs[7].append(Doc(day(7), "县督查室", [
        group_row("房管股", "通报批评", "县委县政府", "物业领域信访事项办理超时，被县委县政府督查室通报")
    ]))
    docs[8].append(Doc(day(8), "局", [
        group_row("城建股", praise, "县级部门", "主汛期城区排涝抢险工作表现突出")
    ]))
    docs[9].append(Doc(day(9), "省委省政府", [
        person_row(star, praise, "省委省政府", "全省城镇老旧小区改造工作先进个人")
    ]))
    docs[9].append(Doc(day(9), None, [
        person_row(p, "参加活动", None, "全县“学习贯彻党的二十大精神”知识竞赛") for p in pick(9, 3, [star])
    ] + [person_row(star, "参加活动", None, "全县“学习贯彻党的二十大精神”知识竞赛")]))
    docs[10].append(Doc(day(10), "州级部门", [
        person_row(worst, "通报批评", "州级部门", "建筑工地安全检查走过场，被州住建局通报批评")
    ]))
    docs[10].append(Doc(day(10), "县委县政府", [
        person_row(p, praise, "县委县政府", "全县安全生产工作先进个人") for p in pick(10, 2, [worst])
    ]))
    docs[11].append(Doc(day(11), "州委州政府", [
        person_row(star, praise, "州委州政府", "全州城乡人居环境整治工作先进个人")
    ]))
    docs[12].append(Doc(day(12), "县委县政府", [
        group_row("规划股", praise, "县委县政府", "全县国土空间规划编制工作先进集体")
    ]))
    docs[12].append(Doc(day(12), "局", [
        person_row(p, praise, "县级部门", "年度政务信息宣传工作先进个人") for p in pick(12, 2, [worst])
    ]))
    docs[12].append(Doc(day(12), "局", [
        person_row(pick(12, 1, [star])[0], "通报批评", "县级部门", "年终档案检查中工程档案缺失严重")
    ]))
    docs[12].append(Doc(dt.date(YEAR, 12, 29), None, [
        person_row(p, "参加活动", None, "迎新年全民健身长跑") for p in pick(12, 8)
    ]))

    numbers_ = DocNumbers(rng, ZJ_ISSUERS)
    books: dict[str, list[Sheet]] = {}
    for m in range(1, 13):
        first, last = month_range(YEAR, m)
        active = [p for p in roster if p.active(first, last)]
        people = roster_sheet(
            active, ["工号", "姓名", "科室", "类别", "职务", "分管领导", "参加工作时间", "年休假天数", "入职日期", "参评"]
        )
        att = Sheet("考勤", ["工号", "姓名", "迟到", "早退", "脱岗", "旷工", "事假", "病假", "年休假"])
        log = Sheet("记实", ["工号", "姓名", "事项", "次数", "分值", "日期", "说明"])
        rp = Sheet("奖惩", ["对象", "对象类型", "事项", "级别", "次数", "分值", "责任", "文号", "事由", "日期"])
        days = workdays(first, last)

        for p in active:
            late = poisson(rng, 0.2 * p.risk)
            early = poisson(rng, 0.05 * p.risk)
            away = poisson(rng, 0.02 * p.risk)
            absent = 0.0
            if rng.random() < 0.004 * p.risk:
                absent = rng.choice([0.5, 0.5, 1.0])
            sick = rng.choice([0.5, 1, 1, 2, 3, 5]) if rng.random() < 0.04 else 0
            if p is weak and m == 5:
                late = 3
            if p is worst and m == 11:
                late, early, absent = 4, 2, 1.5
            att.add(
                工号=p.gh, 姓名=p.name, 迟到=late, 早退=early, 脱岗=away, 旷工=num(absent),
                事假=num(personal[p.gh].get(m, 0)), 病假=num(sick), 年休假=num(annual[p.gh].get(m, 0)),
            )

        events = []
        for p in active:
            if p in leaders:
                continue
            if rng.random() < 0.1 * p.risk:
                events.append((rng.choice(days), p, rng.choice(ZJ_LZBL_VALUES), rng.choice(ZJ_LZBL)))
        if m == 5:
            events.append((rng.choice(days), weak, 15, "城市道路改造项目资料严重滞后，影响项目验收"))
            events.append((rng.choice(days), weak, 5, "分管领导交办事项未按时完成"))
        if m == 11:
            events.append((rng.choice(days), worst, 20, "在建工程安全监管缺位，被县安委办约谈"))
        if m == 8:
            events.append((rng.choice(days), slacker, 2, "汛期值班期间擅自离开，影响信息报送"))
        for d, p, value, why in sorted(events, key=lambda e: (e[0], e[1].gh)):
            log.add(工号=p.gh, 姓名=p.name, 事项="履职不力", 次数=1, 分值=num(value), 日期=d, 说明=why)

        docs_to_rows(docs[m], numbers_, rp)
        books[f"zhujian/{YEAR}-{m:02d}.xlsx"] = [people, att, log, rp]
    return books


# ---------------------------------------------------------------------------
# 2. caizheng：市财政局，积分制平时考核（2023 年 1—3 月）
# ---------------------------------------------------------------------------

CZ_DEPTS = [
    ("办公室", 9, "机关"),
    ("预算科", 12, "机关"),
    ("国库科", 10, "机关"),
    ("税政科", 8, "机关"),
    ("经济建设科", 10, "机关"),
    ("行政政法科", 9, "机关"),
    ("教科文科", 10, "机关"),
    ("社会保障科", 11, "机关"),
    ("农业农村科", 10, "机关"),
    ("财政投资评审中心", 14, "事业"),
    ("国库集中支付中心", 12, "事业"),
]
CZ_LEADERS = [
    ("党组书记、局长", ["办公室"]),
    ("党组成员、副局长", ["预算科", "税政科"]),
    ("党组成员、副局长", ["国库科", "国库集中支付中心"]),
    ("党组成员、副局长", ["经济建设科", "财政投资评审中心"]),
    ("党组成员、副局长", ["行政政法科", "教科文科"]),
    ("党组成员、总会计师", ["社会保障科", "农业农村科"]),
]
# (事项, monthly rate per person at risk 1, 说明 choices, 次数 choices)
CZ_LOG_ITEMS = [
    ("月记逾期", 0.1, ["工作月记逾期2天提交", "工作月记逾期提交", "工作月记逾期1天提交"], [1]),
    ("月记缺交", 0.015, ["未提交本月工作月记"], [1]),
    ("临时工作未按时完成", 0.02, ["局办公室交办的调研材料未按时报送", "临时抽调的专项检查材料未按时完成"], [1]),
    ("小结工作未完成", 0.01, ["月度工作小结所列事项未完成"], [1, 1, 2]),
    ("会议迟到早退", 0.05, ["局务会迟到", "全局干部大会迟到", "业务培训会早退"], [1]),
    ("会议无故缺席", 0.008, ["未请假缺席党组理论学习中心组扩大会议", "未请假缺席全局干部大会"], [1]),
    ("值班迟到早退脱岗", 0.005, ["节假日值班迟到"], [1]),
    ("值班电话无人接听", 0.004, ["值班电话抽查无人接听"], [1]),
    ("重点工作态度消极或质量不符", 0.01, ["预算评审报告质量不符合要求被退回", "专项资金绩效评价报告质量不符合要求"], [1]),
    ("重点工作未按时完成", 0.008, ["重点项目资金拨付进度未按时完成"], [1]),
    ("重点报表材料未按要求上报", 0.01, ["月度财政收支报表未按要求上报", "政府债务统计报表未按要求上报"], [1]),
    ("工作时间从事无关活动", 0.006, ["工作时间玩手机游戏被巡查发现", "工作时间浏览购物网站被巡查发现"], [1]),
    ("不服从临时工作安排", 0.003, ["不服从临时抽调安排"], [1]),
    ("服务对象投诉属实", 0.003, ["办事群众投诉服务态度生硬，经核实属实"], [1]),
]
CZ_ISSUERS = {
    "局办": "市财办",
    "局人": "市财人",
    "局党": "市财党",
    "局宣": "市财宣登",
    "局工会": "市财工会",
    "市委": "市委办",
    "市直工委": "市直工委",
    "市文明办": "市文明办",
    "市效能办": "市效能办",
    "省厅": "省财办",
    "部": "财办",
}
CZ_PRESS = {
    "国家": ["《中国财经报》", "《中国财政》杂志"],
    "省": ["《省财政简报》", "省财政厅门户网站"],
    "市": ["《市日报》", "市政府门户网站", "市融媒体中心"],
}
CZ_VOLUNTEER = {
    1: (dt.date(YEAR, 1, 14), "春节前走访慰问困难群众志愿服务"),
    2: (dt.date(YEAR, 2, 18), "文明城市创建交通文明劝导志愿服务"),
}
CZ_HARD_TASKS = [
    "牵头完成市级部门预算编审，连续加班攻坚",
    "完成专项债券项目资金拨付攻坚任务",
    "协调解决重点项目资金缺口",
    "完成财政直达资金系统切换",
    "牵头完成行政事业单位国有资产年报",
    "克服人手不足完成政府采购集中评审",
]
CZ_PRESS_TOPICS = [
    "预算绩效管理改革", "直达资金监管", "政府采购营商环境", "惠企政策兑现",
    "财会监督专项行动", "乡村振兴衔接资金", "国库集中支付电子化", "过紧日子",
]


def build_caizheng() -> dict[str, list[Sheet]]:
    rng = random.Random(SEED + 2)
    names = NameMaker(rng)
    leaders = []
    for i, (title, _) in enumerate(CZ_LEADERS):
        ws, hire = career(rng, 20, 33)
        leaders.append(
            Person(f"{i + 1:04d}", names(), "局领导", "机关", title, work_start=ws, hire=hire, scored=False, risk=0.3)
        )
    dept_leader = {d: leaders[i].name for i, (_, ds) in enumerate(CZ_LEADERS) for d in ds}
    staff: list[Person] = []
    for code, (dept, n, cat) in enumerate(CZ_DEPTS, start=1):
        head = {"办公室": "主任", "财政投资评审中心": "主任", "国库集中支付中心": "主任"}.get(dept, "科长")
        for j in range(n):
            if j == 0:
                title, (ws, hire) = head, career(rng, 12, 30)
            elif j == 1:
                title, (ws, hire) = "副" + head, career(rng, 8, 26)
            else:
                title = "科员" if cat == "机关" else "专业技术人员"
                ws, hire = career(rng, 1, 32)
            staff.append(
                Person(
                    f"{code * 100 + j + 1:04d}", names(), dept, cat, title, dept_leader[dept],
                    work_start=ws, hire=hire, risk=draw_risk(rng), ability=clip(rng.gauss(0.86, 0.05), 0.7, 0.98),
                )
            )
    recruit = Person(
        "0713", names(), "教科文科", "机关", "科员", dept_leader["教科文科"],
        work_start=dt.date(YEAR, 2, 13), hire=dt.date(YEAR, 2, 13), risk=0.3, start=dt.date(YEAR, 2, 13),
    )
    # the recruit goes at the end of 教科文科
    pos = max(i for i, p in enumerate(staff) if p.dept == "教科文科") + 1
    staff.insert(pos, recruit)
    roster = leaders + staff

    writer = rng.choice([p for p in staff if p.dept == "办公室" and p.title == "科员"])
    regular = [p for p in staff if p is not recruit and p is not writer]
    bad_jan, bad_feb, slow1, slow2, twice, exposed, reported = rng.sample(regular, 7)
    bad_feb.risk = 3.0
    planted = (bad_jan, bad_feb, slow1, slow2, exposed)  # kept out of random bonuses
    # People who write for the press now and then (信息员 of each 科室 and a few more).
    authors = rng.sample([p for p in staff if p not in planted and p is not writer], 18) + [recruit]

    numbers_ = DocNumbers(rng, CZ_ISSUERS)

    def row(target, item, level=None, why=None, times=1, kind="个人", score=None):
        return {"对象": target if isinstance(target, str) else target.name, "对象类型": kind,
                "事项": item, "级别": level, "次数": times, "分值": score, "事由": why}

    books: dict[str, list[Sheet]] = {}
    for m in (1, 2, 3):
        first, last = month_range(YEAR, m)
        days = workdays(first, last)
        active = [p for p in roster if p.active(first, last)]
        scored = [p for p in active if p.scored]
        people = roster_sheet(active, ["工号", "姓名", "科室", "类别", "分管领导", "职务", "参加工作时间", "入职日期", "参评"])
        att = Sheet("考勤", ["工号", "姓名", "迟到", "早退", "脱岗", "旷工"])
        log = Sheet("记实", ["工号", "姓名", "事项", "次数", "日期", "说明"])
        rp = Sheet("奖惩", ["对象", "对象类型", "事项", "级别", "次数", "分值", "责任", "文号", "事由", "日期"])

        for p in scored:
            late = poisson(rng, 0.3 * p.risk)
            early = poisson(rng, 0.05 * p.risk)
            away = poisson(rng, 0.03 * p.risk)
            absent = rng.choice([0.5, 0.5, 1.0]) if rng.random() < 0.003 * p.risk else 0.0
            if p is bad_jan and m == 1:
                late, absent = 3, 1.0
            if p is bad_feb and m == 2:
                late, away, absent = 4, 1, 3.0
            if p is exposed and m == 3:
                late = 3
            att.add(工号=p.gh, 姓名=p.name, 迟到=late, 早退=early, 脱岗=away, 旷工=num(absent))

        events = []
        for p in scored:
            for item, rate, whys, times in CZ_LOG_ITEMS:
                if rng.random() < rate * p.risk:
                    events.append((rng.choice(days), p, item, rng.choice(times), rng.choice(whys)))
        if m == 1:
            for item, why in [
                ("月记缺交", "未提交本月工作月记"),
                ("重点工作未按时完成", "重点项目资金拨付进度未按时完成"),
                ("会议无故缺席", "未请假缺席全局干部大会"),
                ("临时工作未按时完成", "局办公室交办的调研材料未按时报送"),
                ("工作时间从事无关活动", "工作时间浏览购物网站被巡查发现"),
            ]:
                events.append((rng.choice(days), bad_jan, item, 1, why))
        if m == 2:
            for item, times, why in [
                ("工作时间从事无关活动", 2, "工作时间玩手机游戏被巡查发现"),
                ("月记缺交", 1, "未提交本月工作月记"),
                ("临时工作未按时完成", 1, "临时抽调的专项检查材料未按时完成"),
                ("不服从临时工作安排", 1, "不服从临时抽调安排"),
                ("午间饮酒", 1, "工作日午间饮酒，下午带酒气上班"),
            ]:
                events.append((rng.choice(days), bad_feb, item, times, why))
        if m == 3:
            for item, why in [
                ("服务对象投诉属实", "办事群众投诉服务态度生硬，经核实属实"),
                ("月记缺交", "未提交本月工作月记"),
                ("重点工作未按时完成", "重点项目资金拨付进度未按时完成"),
                ("会议无故缺席", "未请假缺席全局干部大会"),
                ("临时工作未按时完成", "临时抽调的专项检查材料未按时完成"),
            ]:
                events.append((rng.choice(days), exposed, item, 1, why))
        for d, p, item, times, why in sorted(events, key=lambda e: (e[0], e[1].gh, e[2])):
            log.add(工号=p.gh, 姓名=p.name, 事项=item, 次数=times, 日期=d, 说明=why)

        docs: list[Doc] = []

        def day() -> dt.date:
            return rng.choice(days)

        def pick(n: int, exclude=()) -> list[Person]:
            return rng.sample([p for p in scored if p not in exclude], n)

        # Routine bonuses every month: articles, volunteering, hard tasks.
        for p in rng.sample([w for w in authors if w.active(first, last)], rng.randint(11, 15)):
            level = rng.choices(["市", "省", "国家"], [7, 3, 1])[0]
            outlet = rng.choice(CZ_PRESS[level])
            docs.append(Doc(day(), "局宣", [row(p, "对外宣传", level, f"{outlet}刊发{rng.choice(CZ_PRESS_TOPICS)}稿件")]))
        if m in CZ_VOLUNTEER:
            when, why = CZ_VOLUNTEER[m]
            docs.append(Doc(when, "局工会", [row(p, "公益活动", None, why) for p in pick(rng.randint(30, 38), planted)]))
        for p in pick(rng.randint(3, 5), planted):
            docs.append(Doc(day(), "局党", [row(p, "克难有为", None, rng.choice(CZ_HARD_TASKS))]))
        if m == 1:
            docs.append(Doc(day(), "省厅", [row("预算科", "科室受奖", "省", "2022年度全省预决算公开工作先进集体", kind="集体")]))
            docs.append(Doc(day(), "市直工委", [row(p, "个人受奖", "市", "2022年度市直机关优秀共产党员") for p in pick(2, planted)]))
            docs.append(Doc(day(), "部", [row(p, "个人受奖", "国家", "全国财政系统先进工作者") for p in pick(1, planted)]))
            docs.append(Doc(day(), "局党", [row(p, "克难有为", None, "牵头完成2023年市级部门预算编审，连续加班攻坚") for p in pick(1, planted)]))
            docs.append(Doc(day(), "市效能办", [row(bad_jan, "明查暗访", "通报", "工作时间浏览购物网站，被市效能办明查暗访通报")]))
        if m == 2:
            docs.append(Doc(day(), "局人", [row(p, "个人受奖", "局", "2022年度局机关“最美财政人”") for p in pick(3, planted)]))
            docs.append(Doc(day(), "局人", [row(d, "科室受奖", "局", "2022年度局机关先进科室", kind="集体")
                                            for d in ("办公室", "社会保障科")]))
            docs.append(Doc(day(), "局党", [row(p, "克难有为", None, "春节期间完成直达资金分配下达") for p in pick(2, planted)]))
            docs.append(Doc(day(), None, [row(writer, "对外宣传", "市", "《市日报》刊发惠企政策兑现稿件")]))
            docs.append(Doc(day(), "局办", [row("税政科", "下班未关电器", None, "2月16日晚内务检查发现办公室空调未关", kind="集体")]))
            docs.append(Doc(day(), "局办", [row(slow1, "限时办结不力", None, "资金支付申请超时限3个工作日未办结")]))
            docs.append(Doc(day(), "市效能办", [row(bad_feb, "明查暗访", "查处", "工作日午间饮酒被市效能办查处")]))
            docs.append(Doc(day(), "局办", [row(bad_feb, "推诿失职造成不良影响", None, "推诿办事群众，引发投诉并在网络传播")]))
        if m == 3:
            volunteers = pick(34, planted)
            docs.append(Doc(dt.date(YEAR, 3, 5), "局工会", [row(p, "公益活动", None, "“学雷锋”志愿服务进社区") for p in volunteers[:-1]]))
            docs.append(Doc(dt.date(YEAR, 3, 5), None, [row(volunteers[-1], "公益活动", None, "“学雷锋”志愿服务进社区")]))
            docs.append(Doc(day(), "市文明办", [row(p, "公益活动获名次", None, "全市“学雷锋”志愿服务风采展示二等奖") for p in volunteers[:2]]))
            docs.append(Doc(day(), "市委", [row("国库科", "科室受奖", "市", "全市国库集中支付电子化改革先进集体", kind="集体")]))
            why = "财政电子票据改革工作成绩突出"
            docs.append(Doc(dt.date(YEAR, 3, 10), "市委", [row(twice, "个人受奖", "市", why)]))
            docs.append(Doc(dt.date(YEAR, 3, 24), "省厅", [row(twice, "个人受奖", "省", why)]))
            docs.append(Doc(day(), "局宣", [row(writer, "对外宣传", "市", "《市日报》连续刊发过紧日子系列报道", times=3)]))
            docs.append(Doc(day(), "局宣", [row(writer, "对外宣传", "省", "省财政厅门户网站刊发预算绩效管理改革稿件", times=2)]))
            docs.append(Doc(day(), None, [row(p, "克难有为", None, "一季度专项债券资金拨付攻坚") for p in pick(1, planted + (writer,))]))
            docs.append(Doc(day(), "局办", [row(slow2, "限时办结不力", None, "预算调整审核超时限2个工作日未办结")]))
            docs.append(Doc(day(), "市效能办", [row(exposed, "明查暗访", "媒体曝光", "窗口服务态度生硬，被市电视台问政栏目曝光")]))
            docs.append(Doc(day(), "局办", [row(reported, "因工作不力被省市通报", None, "政府采购意向公开不及时，被省财政厅通报")]))
        docs_to_rows(docs, numbers_, rp)

        sheets = [people, att, log, rp]
        if m == 3:
            rate = Sheet("评分", ["工号", "姓名", "测评得分", "不称职票"])
            low = {bad_feb: 2, bad_jan: 3, exposed: 2, slow2: 1}
            for p in scored:
                score = clip(round(85 + (p.ability - 0.86) * 110 + rng.gauss(0, 3.0), 1), 55, 99.5)
                votes = 0
                if rng.random() < 0.08:
                    votes = 1
                if p in low:
                    score = round(clip(score - 12 - 2 * low[p], 55, 99), 1)
                    votes = max(votes, low[p])
                if p is twice:
                    votes = 2  # has votes but a high score: not in the bottom 3
                rate.add(工号=p.gh, 姓名=p.name, 测评得分=num(score), 不称职票=votes)
            sheets.append(rate)
        books[f"caizheng/{YEAR}-{m:02d}.xlsx"] = sheets
    return books


def write_caizheng_messy(path: Path, sheets: list[Sheet]) -> None:
    """March again, laid out the way a hurried clerk might keep it."""
    by_name = {s.name: s for s in sheets}

    def as_read(gh):
        """工号 without a leading zero is stored as a number."""
        return int(gh) if isinstance(gh, str) and gh.isdigit() and not gh.startswith("0") else gh

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), WB_OPTIONS)
    wb.set_properties(_props("2023年3月考核数据（整理前）"))
    fmt = _Formats(wb)

    # 花名册: title row, synonyms (编号, 部门), a full-width header, blank rows between groups
    src = by_name["人员"]
    header = ["编号" if h == "工号" else "部门" if h == "科室" else "\u3000姓名\u3000" if h == "姓名" else h
              for h in src.header]
    ws = wb.add_worksheet("花名册")
    ws.merge_range(0, 0, 0, len(header) - 1, "市财政局干部职工花名册（2023年3月）", fmt.title)
    for c, h in enumerate(header):
        ws.write_string(1, c, h, fmt.head)
    r = 2
    dept_col = src.header.index("科室")
    previous = None
    for row in src.rows:
        if previous is not None and row[dept_col] != previous and row[dept_col] in ("国库科", "社会保障科"):
            r += 1  # blank row
        previous = row[dept_col]
        for c, v in enumerate(row):
            _put(ws, r, c, as_read(v) if c == 0 else v, fmt)
        r += 1
    _set_widths(ws, header, src.rows)

    # 考勤: title row, two-row header with merged cells, blank rows, a trailing 合计 row
    src = by_name["考勤"]
    ws = wb.add_worksheet("考勤")
    items = src.header[2:]
    ncol = 2 + len(items)
    ws.merge_range(0, 0, 0, ncol - 1, "2023年3月考勤表", fmt.title)
    ws.merge_range(1, 0, 2, 0, "编号", fmt.head)
    ws.merge_range(1, 1, 2, 1, "姓名", fmt.head)
    ws.merge_range(1, 2, 1, ncol - 1, "考勤情况", fmt.head)
    for c, h in enumerate(items, start=2):
        ws.write_string(2, c, h, fmt.head)
    r = 3
    for i, row in enumerate(src.rows):
        if i in (17, 58):
            r += 1  # blank row
        for c, v in enumerate(row):
            _put(ws, r, c, as_read(v) if c == 0 else v, fmt)
        r += 1
    ws.write_string(r, 0, "合计")
    for c in range(2, ncol):
        ws.write_number(r, c, num(sum(row[c] or 0 for row in src.rows)))
    _set_widths(ws, src.header, src.rows)

    # 记实: 工号 as numbers, a full-width space in a header, one blank row
    src = by_name["记实"]
    ws = wb.add_worksheet("工作记实")
    header = ["\u3000事项" if h == "事项" else h for h in src.header]
    for c, h in enumerate(header):
        ws.write_string(0, c, h, fmt.head)
    r = 1
    for i, row in enumerate(src.rows):
        if i == len(src.rows) // 2:
            r += 1
        for c, v in enumerate(row):
            _put(ws, r, c, as_read(v) if c == 0 else v, fmt)
        r += 1
    _set_widths(ws, header, src.rows)

    # 奖惩 and 评分 as in the tidy file, apart from numeric 工号
    for name, out_name in (("奖惩", "奖惩"), ("评分", "测评")):
        src = by_name[name]
        ws = wb.add_worksheet(out_name)
        for c, h in enumerate(src.header):
            ws.write_string(0, c, h, fmt.head)
        id_col = src.header.index("工号") if "工号" in src.header else None
        for r, row in enumerate(src.rows, start=1):
            for c, v in enumerate(row):
                _put(ws, r, c, as_read(v) if c == id_col else v, fmt)
        _set_widths(ws, src.header, src.rows)
    wb.close()


# ---------------------------------------------------------------------------
# 3. jinjiang：街道办事处，季度绩效考核
# ---------------------------------------------------------------------------

JJ_LEADERS = [
    "党工委书记", "党工委副书记、办事处主任", "党工委副书记", "人大工委主任",
    "党工委委员、纪工委书记", "党工委委员、武装部长", "党工委委员、组织委员",
    "办事处副主任", "办事处副主任", "办事处副主任",
]
JJ_OFFICES = [
    ("党政综合办公室", 8, True, 1),
    ("党建工作办公室", 5, False, 6),
    ("经济发展办公室", 7, True, 7),
    ("社会事务办公室", 6, True, 8),
    ("平安建设办公室", 6, True, 4),
    ("城市建设管理办公室", 7, True, 9),
    ("财政所", 4, False, 2),
    ("退役军人服务站", 3, False, 5),
    ("便民服务中心", 4, False, 3),
]


def build_jinjiang() -> dict[str, list[Sheet]]:
    rng = random.Random(SEED + 3)
    names = NameMaker(rng)
    leaders = []
    for i, title in enumerate(JJ_LEADERS):
        ws, hire = career(rng, 14, 30)
        leaders.append(
            Person(f"J{i + 1:03d}", names(), "街道领导班子", "科级干部", title, work_start=ws, hire=hire,
                   risk=0.3, ability=clip(rng.gauss(0.89, 0.04), 0.78, 0.98))
        )
    for p in leaders[1:]:
        p.leader = leaders[0].name
    staff = []
    k = len(leaders) + 1
    for dept, n, deputy, li in JJ_OFFICES:
        for j in range(n):
            if j == 0 or (j == 1 and deputy):
                title, cat = ("主任" if j == 0 else "副主任"), "中层干部"
                if dept in ("财政所",):
                    title = "所长"
                elif dept == "退役军人服务站":
                    title = "站长"
                ws, hire = career(rng, 6, 28)
            else:
                title, cat = "工作人员", "一般工作人员"
                ws, hire = career(rng, 1, 30)
            staff.append(
                Person(f"J{k:03d}", names(), dept, cat, title, leaders[li].name, work_start=ws, hire=hire,
                       risk=draw_risk(rng), ability=clip(rng.gauss(0.85, 0.055), 0.68, 0.98))
            )
            k += 1
    recruit = Person(
        f"J{k:03d}", names(), "社会事务办公室", "一般工作人员", "工作人员", leaders[8].name,
        work_start=dt.date(YEAR, 9, 11), hire=dt.date(YEAR, 9, 11), risk=0.3, ability=0.84,
        start=dt.date(YEAR, 9, 11),
    )
    pos = max(i for i, p in enumerate(staff) if p.dept == "社会事务办公室") + 1
    staff.insert(pos, recruit)
    roster = leaders + staff
    general = [p for p in staff if p.cat == "一般工作人员" and p is not recruit]
    often_late, warned, sick, probed, truant, long_leave, poor, bonus12 = rng.sample(general, 8)
    poor.ability = 0.72
    has_key = {p.gh: (0.9 if p.cat == "科级干部" else 0.8 if p.cat == "中层干部" else 0.55) for p in roster}

    numbers_ = DocNumbers(rng, {"纪工委": "街纪工委", "党工委": "街党工委", "办事处": "街办"})
    books: dict[str, list[Sheet]] = {}
    for q in (1, 2, 3, 4):
        first, last = quarter_range(YEAR, q)
        days = workdays(first, last)
        active = [p for p in roster if p.active(first, last)]
        people = roster_sheet(active, ["工号", "姓名", "科室", "类别", "职务", "分管领导", "参加工作时间", "入职日期"])
        att = Sheet("考勤", ["工号", "姓名", "迟到", "旷工", "事假", "病假"])
        rate = Sheet("评分", ["工号", "姓名", "常规工作", "重点项目", "奖惩附加分", "测评得分"])
        rp = Sheet("奖惩", ["对象", "对象类型", "事项", "文号", "事由", "日期"])
        for p in active:
            late = poisson(rng, 0.5 * p.risk)
            absent = rng.choice([0.5, 1.0]) if rng.random() < 0.01 * p.risk else 0.0
            personal = half(rng.choice([0.5, 1, 1, 2, 3])) if rng.random() < 0.25 else 0.0
            sick_days = float(rng.choice([1, 1, 2, 3, 5, 7])) if rng.random() < 0.15 else 0.0
            if p is often_late and q == 1:
                late = 11
            if p is sick and q == 2:
                sick_days = 45.0
            if p is truant and q == 3:
                absent = 2.5
            if p is long_leave and q == 4:
                personal, sick_days = 6.0, 12.0
            if p is poor and q == 4:
                late = 6
            att.add(工号=p.gh, 姓名=p.name, 迟到=late, 旷工=num(absent), 事假=num(personal), 病假=num(sick_days))

            quality = clip(p.ability + rng.gauss(0, 0.025), 0.55, 0.99)
            if p is sick and q == 2:
                quality -= 0.08
            key = rng.random() < has_key[p.gh]
            if p is recruit:
                key = False
            if key:
                routine = clip(half(50 * quality), 0, 50)
                project = clip(half(40 * clip(quality + rng.gauss(0, 0.03), 0.5, 1.0)), 0, 40)
            else:
                routine, project = clip(half(90 * quality), 0, 90), None
            extra = 0
            if rng.random() < 0.25:
                extra = rng.choice([-3, -2, -1, 1, 1, 2, 2, 3, 4, 5, 6])
            if p is bonus12 and q == 2:
                extra = 12  # 超出 ±10，计分时截取为 10
            if p is poor and q == 4:
                routine, project, extra = 30.0, 20.0, -5
            survey = clip(round(85 + (quality - 0.86) * 120 + rng.gauss(0, 2.5), 1), 60, 99.5)
            rate.add(工号=p.gh, 姓名=p.name, 常规工作=num(routine),
                     重点项目=None if project is None else num(project), 奖惩附加分=extra, 测评得分=num(survey))

        docs = []
        if q == 2:
            docs.append(Doc(rng.choice(days), "纪工委", [
                {"对象": warned.gh, "对象类型": "个人", "事项": "效能告诫", "事由": "办理群众事项推诿拖延，给予效能告诫"}]))
        if q == 3:
            docs.append(Doc(rng.choice(days), "纪工委", [
                {"对象": probed.gh, "对象类型": "个人", "事项": "立案调查", "事由": "涉嫌违反工作纪律，纪工委立案调查"}]))
        if q == 4:
            docs.append(Doc(rng.choice(days), "党工委", [
                {"对象": probed.gh, "对象类型": "个人", "事项": "处分", "事由": "违反工作纪律，给予党内警告处分"}]))
        docs_to_rows(docs, numbers_, rp)
        books[f"jinjiang/{YEAR}Q{q}.xlsx"] = [people, att, rate, rp]
    return books


# ---------------------------------------------------------------------------
# 4. mubiao：市机关事务服务中心，处室和直属单位年度目标责任制考核
# ---------------------------------------------------------------------------

MB_UNITS = [
    ("办公室", "处室", 9, 0, "否", 0.92),
    ("综合业务处", "处室", 7, 0, "是", 0.93),
    ("公务用车处", "处室", 6, 1, "是", 0.90),
    ("计划财务处", "处室", 8, 1, "是", 0.87),
    ("房产基建处", "处室", 7, 2, "是", 0.91),
    ("市机关后勤保障中心", "直属单位", 58, 2, "是", 0.94),
    ("市机关资产事务中心", "直属单位", 24, 0, "是", 0.89),
]
MB_RATED = [("责任清单", 60), ("一岗双责", 10), ("意识形态", 4), ("制度执行", 4), ("预算执行", 2),
            ("兜底条款", 5), ("考核办评价", 5), ("领导小组评价", 10)]


def build_mubiao() -> dict[str, list[Sheet]]:
    rng = random.Random(SEED + 4)
    names = NameMaker(rng)
    heads = [names() for _ in range(3)]
    units = Sheet("单位", ["单位", "类型", "人数", "分管领导", "参评先进"])
    rate = Sheet("评分", ["单位"] + [c for c, _ in MB_RATED])
    for name, kind, n, li, ok, quality in MB_UNITS:
        units.add(单位=name, 类型=kind, 人数=n, 分管领导=heads[li], 参评先进=ok)
        values = {}
        for comp, top in MB_RATED:
            q = clip(quality + rng.gauss(0, 0.03), 0.6, 1.0)
            values[comp] = num(clip(half(top * q) if top >= 10 else round(top * q * 10) / 10, 0, top))
        rate.add(单位=name, **values)

    rp = Sheet("奖惩", ["对象", "事项", "级别", "分值", "责任", "文号", "事由", "日期"])
    numbers_ = DocNumbers(rng, {
        "国家": "国管节能", "部委": "国管人", "省委省政府": "省委办发", "省级部门": "省事管",
        "市委市政府": "市委办", "市领导": "市府办阅", "中心": "市事务中心", "市财政局": "市财预", "市监局": "市市监通",
        "中心办": "市事务中心办",
    })

    def d(m: int) -> dt.date:
        return rng.choice(workdays(*month_range(YEAR, m)))

    def r(unit, item, level=None, score=None, duty=None, why=None):
        return {"对象": unit, "事项": item, "级别": level, "分值": score, "责任": duty, "事由": why}

    docs = [
        Doc(d(3), "部委", [r("市机关资产事务中心", "集体表彰", "部委", why="全国机关事务工作先进集体")]),
        Doc(d(5), "省级部门", [r("公务用车处", "集体表彰", "省级部门", why="全省公务用车管理工作先进集体")]),
        Doc(d(6), "国家", [r("市机关后勤保障中心", "集体表彰", "国家", why="公共机构能效领跑者")]),
        Doc(d(9), "市委市政府", [r("房产基建处", "集体表彰", "市委市政府", why="全市重点工程建设立功竞赛先进集体")]),
        Doc(d(11), "市委市政府", [r("综合业务处", "集体表彰", "市委市政府", 3, why="全市节约型机关创建工作先进集体")]),
        Doc(d(4), "省委省政府", [r("市机关资产事务中心", "个人先进", "省委省政府", why="全省国有资产管理工作先进个人")]),
        Doc(d(10), "省级部门", [r("计划财务处", "个人先进", "省级部门", why="全省机关事务系统财务工作先进个人")]),
        Doc(d(7), "市领导", [r("综合业务处", "市领导批示肯定", None, 2, why="机关节能降耗经验做法获分管副市长批示肯定")]),
        Doc(d(8), "市领导", [r("计划财务处", "市领导批示肯定", None, 1, why="预算绩效评价报告获市领导批示肯定")]),
        Doc(d(12), "市领导", [r("市机关后勤保障中心", "市领导批示肯定", None, 3, why="机关食堂“光盘行动”经验获市委书记批示推广")]),
        Doc(d(6), "中心", [r("公务用车处", "中心专项评比表彰", None, 1, why="中心“最佳服务窗口”评比第一名")]),
        Doc(d(6), "中心", [r("办公室", "中心专项评比表彰", None, 0.5, why="中心“最佳服务窗口”评比第三名")]),
        Doc(d(11), "中心", [r("房产基建处", "中心专项评比表彰", None, 1.5, why="中心安全生产专项评比第一名")]),
        Doc(d(8), "市财政局", [r("计划财务处", "通报批评", None, None, "主要", "预算执行进度滞后，被市财政局通报")]),
        Doc(d(9), "市监局", [r("市机关后勤保障中心", "通报批评", None, None, "次要", "机关食堂食品安全抽检问题被市市场监管局通报")]),
        Doc(d(4), "中心办", [r("公务用车处", "工作失误", None, 1, "主要", "公务用车调度差错，影响市政府会议保障")]),
        Doc(d(10), "中心办", [r("办公室", "工作失误", None, None, "次要", "上报材料公文格式差错被退回")]),
        Doc(d(12), "中心办", [r("市机关资产事务中心", "工作失误", None, 0.5, "主要", "资产清查数据报送错误")]),
    ]
    docs_to_rows(docs, numbers_, rp)
    return {f"mubiao/{YEAR}.xlsx": [units, rate, rp]}


# ---------------------------------------------------------------------------
# 5. gonghui：区总工会机关各部室创先争优绩效考核
# ---------------------------------------------------------------------------

GH_DEPTS = [("办公室", 5, 0), ("组织部", 4, 1), ("宣教调研室", 4, 1), ("民管法工部", 3, 2),
            ("生活保障部", 4, 2), ("财务部", 3, 0), ("经审办", 2, 0)]


def build_gonghui() -> dict[str, list[Sheet]]:
    rng = random.Random(SEED + 5)
    names = NameMaker(rng)
    chair = Person("001", names(), "领导班子", "", "主席")
    vices = [Person(f"00{i + 2}", names(), "领导班子", "", "副主席") for i in range(3)]
    units = Sheet("单位", ["单位", "人数", "分管领导"])
    people = Sheet("人员", ["工号", "姓名", "科室", "职务"])
    for p in [chair] + vices:
        people.add(工号=p.gh, 姓名=p.name, 科室=p.dept, 职务=p.title)
    k = 11
    for dept, n, vi in GH_DEPTS:
        units.add(单位=dept, 人数=n, 分管领导=vices[vi].name)
        for j in range(n):
            title = ("主任" if dept in ("办公室", "宣教调研室", "经审办") else "部长") if j == 0 else "干事"
            people.add(工号=f"{k:03d}", 姓名=names(), 科室=dept, 职务=title)
            k += 1

    def d(m: int) -> dt.date:
        return rng.choice(workdays(*month_range(YEAR, m)))

    def r(unit, item, level=None, times=1, why=None):
        return {"对象": unit, "事项": item, "级别": level, "次数": times, "事由": why}

    rp = Sheet("奖惩", ["对象", "事项", "级别", "次数", "文号", "事由", "日期"])
    numbers_ = DocNumbers(rng, {"全总": "总工发", "省总": "省总工发", "市总": "市总工发", "区总": "区总工办"})
    docs = [
        Doc(d(2), "区总", [r("办公室", "学习例会未请假缺席", None, 2, "2月理论学习例会2人次未请假缺席")]),
        Doc(d(3), "区总", [r("生活保障部", "学习例会迟到早退", None, 1, "3月学习例会迟到")]),
        Doc(d(3), "区总", [r("民管法工部", "信访接待无记录未处理", None, 1, "来访职工诉求未登记")]),
        Doc(d(4), "区总", [r("财务部", "信息未及时上报", None, 2, "季度经费收支信息未及时上报")]),
        Doc(d(5), "区总", [r("组织部", "重点工作延迟完成", None, 1, "新就业形态劳动者入会集中行动延迟完成")]),
        Doc(d(5), "区总", [r("宣教调研室", "汇报记载不全", None, 1, "月度工作汇报记载不全")]),
        Doc(d(6), "区总", [r("生活保障部", "重点工作未完成", None, 1, "困难职工帮扶资金发放未按期完成")]),
        Doc(d(6), "区总", [r("生活保障部", "下基层天数不足", None, 1, "上半年下基层天数不足")]),
        Doc(d(7), "区总", [r("办公室", "内务巡查不合格", None, 1, "内务巡查档案室不合格")]),
        Doc(d(8), "区总", [r("民管法工部", "未到联系点指导", None, 1, "未按计划到联系企业指导")]),
        Doc(d(9), "区总", [r("经审办", "部室工作未完成", None, 1, "基层工会经费审计计划未完成")]),
        Doc(d(10), "区总", [r("宣教调研室", "调研报告理论文章未完成", None, 1, "年度调研报告未按期完成")]),
        Doc(d(11), "区总", [r("生活保障部", "学习例会未请假缺席", None, 3, "11月学习例会3人次未请假缺席")]),
        Doc(d(11), "区总", [r("办公室", "重要情况未及时报送", None, 1, "企业欠薪舆情未及时报送")]),
        Doc(d(12), "区总", [r("民管法工部", "上级交办未完成", None, 1, "市总交办的集体协商要约行动未完成")]),
        Doc(d(4), "省总", [r("组织部、宣教调研室", "表彰", "省总", why="全省工会职工之家建设先进集体")]),
        Doc(d(6), "市总", [r("宣教调研室", "经验交流", "市总", why="全市工会宣传工作会议作经验交流")]),
        Doc(d(9), "全总", [r("民管法工部", "创新评比获奖", "全总", why="全国工会工作创新案例")]),
        Doc(d(10), "市总", [r("财务部", "表彰", "市总", why="全市工会财务工作先进集体")]),
        Doc(d(11), "省总", [r("组织部", "经验交流", "省总", why="全省基层工会规范化建设现场会经验交流")]),
        Doc(d(12), "市总", [r("办公室、经审办", "创新评比获奖", "市总", why="全市工会创新评比三等奖")]),
    ]
    docs_to_rows(docs, numbers_, rp)
    return {f"gonghui/{YEAR}.xlsx": [units, people, rp]}


# ---------------------------------------------------------------------------
# 6. kexie：县科学技术协会，岗位责任制及效能考核
# ---------------------------------------------------------------------------

KX_STAFF = [("办公室", 3, "主任"), ("科普部", 3, "部长"), ("学会部", 2, "部长"), ("科技馆", 3, "馆长")]
KX_UNIT = "县科协"


def build_kexie() -> dict[str, list[Sheet]]:
    rng = random.Random(SEED + 6)
    names = NameMaker(rng)
    leaders = [Person(f"{i + 1:03d}", names(), "领导班子", "领导班子", t, ability=clip(rng.gauss(0.9, 0.03), 0.8, 0.98))
               for i, t in enumerate(["党组书记、主席", "党组成员、副主席", "党组成员、副主席"])]
    for p in leaders[1:]:
        p.leader = leaders[0].name
    supervisor = {"办公室": leaders[0].name, "科普部": leaders[1].name, "科技馆": leaders[1].name, "学会部": leaders[2].name}
    staff = []
    k = 4
    for dept, n, head in KX_STAFF:
        for j in range(n):
            ws, hire = career(rng, 1, 28)
            staff.append(Person(f"{k:03d}", names(), dept, "一般干部", head if j == 0 else "科员", supervisor[dept],
                                work_start=ws, hire=hire, ability=clip(rng.gauss(0.87, 0.05), 0.7, 0.98)))
            k += 1
    for p in leaders:
        p.work_start, p.hire = career(rng, 16, 30)
    roster = leaders + staff
    people = roster_sheet(roster, ["工号", "姓名", "科室", "类别", "职务", "分管领导", "参加工作时间", "入职日期"])

    careless, absent, weak = rng.sample(staff, 3)
    weak.ability = 0.5
    rate = Sheet("评分", ["工号", "姓名", "个人部分"])
    for p in roster:
        rate.add(工号=p.gh, 姓名=p.name, 个人部分=num(half(60 * clip(p.ability + rng.gauss(0, 0.02), 0.5, 0.98))))

    def d(m: int) -> dt.date:
        return rng.choice(workdays(*month_range(YEAR, m)))

    def r(p, item, level=None, times=1, score=None, why=None, kind="个人"):
        target = p if isinstance(p, str) else p.name
        return {"对象": target, "对象类型": kind, "事项": item, "级别": level, "次数": times, "分值": score, "事由": why}

    others = [p for p in staff if p not in (careless, absent, weak)]
    o = rng.sample(others, 6)
    museum = [p for p in staff if p.dept == "科技馆"]
    societies = [p for p in staff if p.dept == "学会部" and p in others]
    docs = [
        Doc(d(2), "办", [r(o[0], "集体学习迟到早退", why="2月集中学习迟到")]),
        Doc(d(3), "办", [r(absent, "集体学习缺席", why="3月集中学习无故缺席")]),
        Doc(d(4), "办", [r(weak, "学习内容未完成", times=2, why="干部网络学院必修课程2门未完成")]),
        Doc(d(6), "办", [r(weak, "读书笔记不足", times=2, why="上半年读书笔记3000字，差2000字")]),
        Doc(d(12), "办", [r(o[1], "读书笔记不足", times=1, why="全年读书笔记4000字，差1000字")]),
        Doc(d(12), "办", [r(weak, "心得体会不足", times=1, why="全年心得体会2篇，差1篇")]),
        Doc(d(3), "办", [r(careless, "迟到早退", times=2, why="考勤抽查迟到2次")]),
        Doc(d(5), "办", [r(absent, "旷工", times=1, why="未请假未到岗1天")]),
        Doc(d(6), "办", [r(careless, "未按时完成", why="全国科技工作者日活动总结未按时报送")]),
        Doc(d(7), "办", [r(careless, "工作失误", score=4, why="科普活动经费报账材料差错，退回重报")]),
        Doc(d(8), "督查", [r(absent, "被县督查办通报", why="科普大篷车进乡村任务推进滞后，被县督查办通报")]),
        Doc(d(9), "办", [r(weak, "管理纪律违规", score=2, why="公务用车使用登记不规范")]),
        Doc(d(10), "办", [r(absent, "不服从安排", why="拒不参加科普日活动现场保障")]),
        Doc(d(11), "办", [r(o[2], "中心工作未完成", why="文明城市创建包保路段问题整改未按要求完成")]),
        Doc(d(7), "办", [r(absent, "中心工作不服从", why="不服从防汛值守安排")]),
        Doc(d(9), "办", [r(careless, "廉政纪律违规", why="公务接待超标准，经查属实")]),
        Doc(d(4), "县委", [r(o[3], "个人荣誉", "县委政府", why="全县优秀共产党员")]),
        Doc(d(5), "市科协", [r(o[4], "个人荣誉", "市科协", why="全市科协系统先进工作者")]),
        Doc(d(7), "本单位", [r(p, "个人荣誉", "本单位", why="上半年科普工作先进个人") for p in o[:2]]),
        Doc(d(11), "省科协", [r(o[5], "个人荣誉", "省科协", why="全省科普工作先进个人")]),
        Doc(d(10), "市科协", [r(p, "单项工作先进", "市", why="全国科普日活动优秀组织单位") for p in museum + [leaders[1]]]),
        Doc(d(12), "县委", [r(p, "单项工作先进", "县", why="全县科技创新工作先进集体") for p in societies + [leaders[2]]]),
        Doc(d(12), "县委", [r(KX_UNIT, "单位荣誉称号", "县", why="县级文明机关", kind="全体")]),
    ]
    # 单位考核优秀 is announced early in the year (for the previous year's assessment)
    docs.append(Doc(d(3), "县委", [r(KX_UNIT, "单位考核优秀", why="2022年度县直单位目标考核优秀", kind="全体")]))
    rp = Sheet("奖惩", ["对象", "对象类型", "事项", "级别", "次数", "分值", "文号", "事由", "日期"])
    numbers_ = DocNumbers(rng, {
        "办": "县科协办", "督查": "县督查通", "县委": "县委办发", "市科协": "市科协发", "省科协": "省科协发",
        "本单位": "县科协发",
    })
    docs_to_rows(docs, numbers_, rp)
    return {f"kexie/{YEAR}.xlsx": [people, rate, rp]}


# ---------------------------------------------------------------------------

BUILDERS = [build_zhujian, build_caizheng, build_jinjiang, build_mubiao, build_gonghui, build_kexie]
TITLES = {
    "zhujian": "县住房和城乡建设局 月度量化考核数据",
    "caizheng": "市财政局 平时考核数据",
    "jinjiang": "街道办事处 季度绩效考核数据",
    "mubiao": "市机关事务服务中心 年度目标责任制考核数据",
    "gonghui": "区总工会 机关部室绩效考核数据",
    "kexie": "县科协 岗位责任制及效能考核数据",
}
MESSY = "caizheng/messy/2023-03.xlsx"


def generate(out_dir: Path) -> list[Path]:
    """Write every sample workbook under out_dir and return their paths."""
    out_dir = Path(out_dir)
    written = []
    books: dict[str, list[Sheet]] = {}
    for build in BUILDERS:
        books.update(build())
    for rel, sheets in books.items():
        path = out_dir / rel
        write_xlsx(path, sheets, f"{TITLES[rel.split('/')[0]]} {Path(rel).stem}")
        written.append(path)
    path = out_dir / MESSY
    write_caizheng_messy(path, books["caizheng/2023-03.xlsx"])
    written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 kaohe 示例数据（虚构单位与人员）")
    parser.add_argument("out_dir", nargs="?", default="kaohe_cli/sample_data", help="输出目录，默认 kaohe_cli/sample_data")
    args = parser.parse_args(argv)
    paths = generate(Path(args.out_dir))
    print(f"已生成 {len(paths)} 个工作簿，位于 {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
