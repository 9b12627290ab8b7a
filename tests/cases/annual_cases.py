"""Hand-computed acceptance cases for the annual aggregation (`kaohe quota --year`).

Written from shared/SCHEMES.md and shared/DESIGN.md only, never from the implementation
(kaohe_cli/engine/annual.py, kaohe_cli/engine/).  Each case lists its periods (one workbook each),
scored into one archive with `kaohe score`, then one or more `kaohe quota --year` runs with
their options and the expected JSON: every subject's `total` (2-decimal text) and `grade`
(建议等次 text; a person with none of the annual grades gets the default 称职, a unit ""), and, where given, `ties` (the subjects that must
appear in the tie report; [] = no ties) and `missing` (the periods of the year not archived).

Rules used throughout (SCHEMES.md, "Rules shared by every scheme"):
- each period's total is rounded once (ROUND_HALF_UP, 2 places); means use those rounded
  totals, and the annual score is rounded once more, half up;
- quotas: floor(N × p), N = subjects of the quota group who receive a grade (不确定等次 out);
- ties across a quota edge -> 并列待定, nobody below takes the place; competition ranks.

Case layout:
    {"id", "scheme", "year", "why",
     "periods": [{"period": "2023-01", "sheets": {sheet: rows}}, ...],
     "runs": [{"args": [extra quota args], "expect": {subject: {"total", "grade"}},
               "ties": [...] (optional), "missing": [...] (optional)}, ...]}
"""

from datetime import date

# ======================================================================================
# zhujian
# ======================================================================================

ZJ_PERSON = ["工号", "姓名", "科室", "分管领导", "年休假天数", "参加工作时间", "参评"]
ZJ_KAOQIN = ["工号", "姓名", "迟到", "早退", "脱岗", "旷工", "事假", "病假", "年休假"]
JISHI = ["工号", "姓名", "事项", "次数", "日期", "说明"]
JIANGCHENG = ["对象", "对象类型", "事项", "级别", "次数", "分值", "责任", "文号", "事由", "日期"]

ALL_MONTHS = [f"2023-{m:02d}" for m in range(1, 13)]


def _months_except(*present):
    return [m for m in ALL_MONTHS if m not in present]


_Z1_ROSTER = [
    ZJ_PERSON,
    ["9000", "周建国", "局领导", None, 0, None, "否"],
    ["9001", "孙志强", "局领导", "周建国", 0, None, "是"],
    ["1001", "何丽", "规划股", "孙志强", 0, None, "是"],
    ["1002", "罗斌", "规划股", "孙志强", 0, None, "是"],
    ["1003", "高洁", "建管股", "孙志强", 0, None, "是"],
    ["1004", "郭涛", "建管股", "孙志强", 0, None, "是"],
    ["1005", "林芳", "办公室", "孙志强", 0, None, "是"],
]

ZHUJIAN_MEAN_BONUS = {
    "id": "annual-zhujian-mean-bonus-cap-leader",
    "scheme": "zhujian",
    "year": 2023,
    "why": """Three months archived (01, 05, 09): the other nine are missing; each person's annual
mean is over the months they have.  Nobody takes leave and every 年休假天数 is 0, so the leave
arithmetic gives 0 (A = 0, U = 0).  9000 周建国 is 参评=否 (not scored); 9001 孙志强 is the
scored 分管领导 of everybody else.  1005 林芳 is not in the September roster.

Monthly totals (100 − deductions; annual items do not enter them):
  9001: Jan 100, May 100, Sep 迟到1 -> 99          mean 299/3    = 99.666…
  1001: Jan 迟到1 99, May 100, Sep 迟到2 98        mean 297/3    = 99
  1002: Jan 100, May 脱岗1 99, Sep 100             mean 299/3    = 99.666…
  1003: Jan 履职不力0.99 -> 99.01, May 100, Sep 履职不力1 -> 99   mean 298.01/3 = 99.33666…
  1004: Jan 旷工0.5天 = 1 half day ×2 -> 98, May 100, Sep 100      mean 298/3    = 99.333…
  1005: Jan 履职不力0.99 -> 99.01, May 100 (absent in Sep)         mean 199.01/2 = 99.505
Annual events (capped bonuses: 通报表扬 12/8/5/3, 参加活动 +1; 通报批评 −12/−8/−5/−3, no cap):
  Jan 1001 个人 通报表扬 省委省政府 (省政府〔2023〕3号): 1001 +12 (individual: the leader gets nothing)
  Jan 规划股 集体 通报表扬 县委县政府 (县委〔2023〕5号): 1001 +5, 1002 +5, leader 9001 +5
  May 1003 and 1004, two 个人 rows 通报批评 县级部门 under ONE 文号 (县住建〔2023〕9号):
      1003 −3, 1004 −3, leader 9001 −3 once (once per 文号/事项/级别)
  May 办公室 集体 通报批评 州委州政府 (州政府〔2023〕18号): 1005 −8, leader 9001 −8
  May 记实 1002 参加活动 ×2 (+2), 1005 文体活动 (+1), 1004 知识竞赛 (+1)  (aliases of 参加活动)
  Sep 1001 个人 通报表扬 省委省政府 (省政府〔2023〕41号) +12 and 省级部门 (省住建〔2023〕30号) +8
  Sep 规划股 and 建管股, two 集体 rows 通报表扬 州级部门 under ONE 文号 (州住建〔2023〕22号):
      1001, 1002, 1003, 1004 +5 each, leader 9001 +5 once
Annual score = mean + min(30, bonuses) − deductions, rounded once, half up:
  9001: 99.666… + (5+5) − (3+8)            = 98.666… -> 98.67
  1001: 99 + min(30, 12+5+12+8+5 = 42)     = 129.00
  1002: 99.666… + (5+2+5 = 12)             = 111.666… -> 111.67
  1003: 99.33666… + 5 − 3                  = 101.33666… -> 101.34
  1004: 99.333… + (5+1) − 3                = 102.333… -> 102.33
  1005: 99.505 + 1 − 8                     = 92.505 -> 92.51 (half up; banker's rounding would give 92.50)
N = 6 -> floor(30% × 6) = floor(1.8) = 1 优秀预备人选: 1001 (129.00).  Everyone else 称职, the
default annual grade of a person with none of the annual grades (issue 14).""",
    "periods": [
        {
            "period": "2023-01",
            "sheets": {
                "人员": _Z1_ROSTER,
                "考勤": [
                    ZJ_KAOQIN,
                    ["9001", "孙志强", 0, 0, 0, 0, 0, 0, 0],
                    ["1001", "何丽", 1, 0, 0, 0, 0, 0, 0],
                    ["1002", "罗斌", 0, 0, 0, 0, 0, 0, 0],
                    ["1003", "高洁", 0, 0, 0, 0, 0, 0, 0],
                    ["1004", "郭涛", 0, 0, 0, 0.5, 0, 0, 0],
                    ["1005", "林芳", 0, 0, 0, 0, 0, 0, 0],
                ],
                "奖惩": [
                    JIANGCHENG,
                    ["1003", "个人", "履职不力", None, 1, 0.99, None, None, "报表差错", "2023-01-12"],
                    ["1005", "个人", "履职不力", None, 1, 0.99, None, None, "文件流转延误", "2023-01-13"],
                    ["1001", "个人", "通报表扬", "省委省政府", 1, None, None, "省政府〔2023〕3号", "抗震安居工程", "2023-01-16"],
                    ["规划股", "集体", "通报表扬", "县委县政府", 1, None, None, "县委〔2023〕5号", "城市规划修编", "2023-01-20"],
                ],
            },
        },
        {
            "period": "2023-05",
            "sheets": {
                "人员": _Z1_ROSTER,
                "考勤": [
                    ZJ_KAOQIN,
                    ["9001", "孙志强", 0, 0, 0, 0, 0, 0, 0],
                    ["1001", "何丽", 0, 0, 0, 0, 0, 0, 0],
                    ["1002", "罗斌", 0, 0, 1, 0, 0, 0, 0],
                    ["1003", "高洁", 0, 0, 0, 0, 0, 0, 0],
                    ["1004", "郭涛", 0, 0, 0, 0, 0, 0, 0],
                    ["1005", "林芳", 0, 0, 0, 0, 0, 0, 0],
                ],
                "记实": [
                    JISHI,
                    ["1002", "罗斌", "参加活动", 2, "2023-05-04", "青年节活动"],
                    ["1005", "林芳", "文体活动", 1, "2023-05-12", "歌咏比赛"],
                    ["1004", "郭涛", "知识竞赛", 1, "2023-05-25", "法律知识竞赛"],
                ],
                "奖惩": [
                    JIANGCHENG,
                    ["1003", "个人", "通报批评", "县级部门", 1, None, None, "县住建〔2023〕9号", "工地巡查不到位", "2023-05-10"],
                    ["1004", "个人", "通报批评", "县级部门", 1, None, None, "县住建〔2023〕9号", "工地巡查不到位", "2023-05-10"],
                    ["办公室", "集体", "通报批评", "州委州政府", 1, None, None, "州政府〔2023〕18号", "公文处理差错", "2023-05-18"],
                ],
            },
        },
        {
            "period": "2023-09",
            "sheets": {
                "人员": [r for r in _Z1_ROSTER if r[0] != "1005"],
                "考勤": [
                    ZJ_KAOQIN,
                    ["9001", "孙志强", 1, 0, 0, 0, 0, 0, 0],
                    ["1001", "何丽", 2, 0, 0, 0, 0, 0, 0],
                    ["1002", "罗斌", 0, 0, 0, 0, 0, 0, 0],
                    ["1003", "高洁", 0, 0, 0, 0, 0, 0, 0],
                    ["1004", "郭涛", 0, 0, 0, 0, 0, 0, 0],
                ],
                "奖惩": [
                    JIANGCHENG,
                    ["1003", "个人", "履职不力", None, 1, 1, None, None, "台账不全", "2023-09-05"],
                    ["1001", "个人", "通报表扬", "省委省政府", 1, None, None, "省政府〔2023〕41号", "保障房建设", "2023-09-08"],
                    ["1001", "个人", "通报表扬", "省级部门", 1, None, None, "省住建〔2023〕30号", "工程质量安全", "2023-09-12"],
                    ["规划股", "集体", "通报表扬", "州级部门", 1, None, None, "州住建〔2023〕22号", "安全生产月", "2023-09-20"],
                    ["建管股", "集体", "通报表扬", "州级部门", 1, None, None, "州住建〔2023〕22号", "安全生产月", "2023-09-20"],
                ],
            },
        },
    ],
    "runs": [
        {
            "args": [],
            "expect": {
                "9001": {"total": "98.67", "grade": "称职"},
                "1001": {"total": "129.00", "grade": "优秀预备人选"},
                "1002": {"total": "111.67", "grade": "称职"},
                "1003": {"total": "101.34", "grade": "称职"},
                "1004": {"total": "102.33", "grade": "称职"},
                "1005": {"total": "92.51", "grade": "称职"},
            },
            "ties": [],
            "missing": _months_except("2023-01", "2023-05", "2023-09"),
        }
    ],
}


_Z2_ROSTER = [
    ZJ_PERSON,
    ["9100", "吴海", "局领导", None, None, date(1990, 7, 1), "否"],
    ["2001", "孙丽", "办公室", "吴海", 10, date(1990, 1, 1), "是"],
    ["2002", "马超", "办公室", "吴海", None, date(2013, 12, 31), "是"],
    ["2003", "朱琳", "规划股", "吴海", None, date(2014, 1, 1), "是"],
    ["2004", "胡军", "规划股", "吴海", None, date(2003, 7, 1), "是"],
    ["2005", "郭芳", "建管股", "吴海", None, date(2023, 2, 1), "是"],
    ["2006", "林涛", "建管股", "吴海", None, date(2022, 12, 31), "是"],
    ["2007", "何静", "建管股", "吴海", None, date(2004, 1, 1), "是"],
]

ZHUJIAN_LEAVE = {
    "id": "annual-zhujian-leave-arithmetic",
    "scheme": "zhujian",
    "year": 2023,
    "why": """Leave arithmetic (SCHEMES.md §1, 默认 reading).  A = roster 年休假天数 when given, otherwise
from 参加工作时间: completed years on 2023-12-31, ≥1 -> 5, ≥10 -> 10, ≥20 -> 15, <1 -> 0.
U = 年休假 + 事假 days of the year (病假 is not in U).  Bonus max(0, A − U) (in the cap of 30),
deduction max(0, U − A).  Months 2023-03 and 2023-07 archived; every monthly total is 100
except 2001's March (迟到1 -> 99).
  2001: 年休假天数 10 given (参加工作时间 1990-01-01 would give 15; the column wins) -> A 10;
        U = 事假1 + 年休假3 (Mar) + 年休假2 (Jul) = 6 -> +4;  mean (99+100)/2 = 99.5 -> 103.50
  2002: 2013-12-31 -> 10 completed years -> A 10; U = 事假2.5 + 年休假10 = 12.5 (病假5 not counted)
        -> −2.5 -> 97.50
  2003: 2014-01-01 -> 9 completed years -> A 5; U = 0 (病假3 not counted) -> +5 -> 105.00
  2004: 2003-07-01 -> 20 years -> A 15; U = 年休假5 -> +10; plus two 通报表扬 省委省政府 (+12 +12)
        -> bonuses 34 -> capped 30 -> 130.00
  2005: 2023-02-01 -> 0 completed years -> A 0; U = 事假1 + 事假0.5 = 1.5 -> −1.5 -> 98.50
  2006: 2022-12-31 -> exactly 1 completed year -> A 5; U = 年休假3 + 事假4 = 7 -> −2 -> 98.00
  2007: 2004-01-01 -> 19 years -> A 10; U = 0 (病假2 not counted) -> +10 -> 110.00
N = 7 -> floor(2.1) = 2 优秀预备人选: 2004 (130.00) and 2007 (110.00).""",
    "periods": [
        {
            "period": "2023-03",
            "sheets": {
                "人员": _Z2_ROSTER,
                "考勤": [
                    ZJ_KAOQIN,
                    ["2001", "孙丽", 1, 0, 0, 0, 1, 0, 3],
                    ["2002", "马超", 0, 0, 0, 0, 2.5, 5, 0],
                    ["2003", "朱琳", 0, 0, 0, 0, 0, 3, 0],
                    ["2004", "胡军", 0, 0, 0, 0, 0, 0, 5],
                    ["2005", "郭芳", 0, 0, 0, 0, 1, 0, 0],
                    ["2006", "林涛", 0, 0, 0, 0, 0, 0, 3],
                    ["2007", "何静", 0, 0, 0, 0, 0, 0, 0],
                ],
            },
        },
        {
            "period": "2023-07",
            "sheets": {
                "人员": _Z2_ROSTER,
                "考勤": [
                    ZJ_KAOQIN,
                    ["2001", "孙丽", 0, 0, 0, 0, 0, 0, 2],
                    ["2002", "马超", 0, 0, 0, 0, 0, 0, 10],
                    ["2003", "朱琳", 0, 0, 0, 0, 0, 0, 0],
                    ["2004", "胡军", 0, 0, 0, 0, 0, 0, 0],
                    ["2005", "郭芳", 0, 0, 0, 0, 0.5, 0, 0],
                    ["2006", "林涛", 0, 0, 0, 0, 4, 0, 0],
                    ["2007", "何静", 0, 0, 0, 0, 0, 2, 0],
                ],
                "奖惩": [
                    JIANGCHENG,
                    ["2004", "个人", "通报表扬", "省委省政府", 1, None, None, "省政府〔2023〕55号", "防汛抢险", "2023-07-10"],
                    ["2004", "个人", "通报表扬", "省委省政府", 1, None, None, "省委〔2023〕61号", "乡村振兴", "2023-07-21"],
                ],
            },
        },
    ],
    "runs": [
        {
            "args": [],
            "expect": {
                "2001": {"total": "103.50", "grade": "称职"},
                "2002": {"total": "97.50", "grade": "称职"},
                "2003": {"total": "105.00", "grade": "称职"},
                "2004": {"total": "130.00", "grade": "优秀预备人选"},
                "2005": {"total": "98.50", "grade": "称职"},
                "2006": {"total": "98.00", "grade": "称职"},
                "2007": {"total": "110.00", "grade": "优秀预备人选"},
            },
            "ties": [],
            "missing": _months_except("2023-03", "2023-07"),
        }
    ],
}


_Z3_ROSTER = [ZJ_PERSON, ["9200", "潘志", "局领导", None, 0, None, "否"]] + [
    [f"30{i:02d}", name, "办公室" if i <= 5 else "建管股", "潘志", 0, None, "是"]
    for i, name in enumerate(["程刚", "魏红", "吕明", "丁宁", "任杰", "蒋华", "沈梅", "韩冰", "杨帆", "谢军"], start=1)
]

_Z3_PERIODS = [
    {
        "period": "2023-06",
        "sheets": {
            "人员": _Z3_ROSTER,
            "考勤": [ZJ_KAOQIN]
            + [[r[0], r[1], late, 0, 0, 0, 0, 0, 0] for r, late in zip(_Z3_ROSTER[2:], [0, 1, 2, 0, 3, 4, 5, 6, 7, 8])],
            "记实": [JISHI, ["3004", "丁宁", "参加活动", 3, "2023-06-09", "机关运动会"]],
            "奖惩": [
                JIANGCHENG,
                ["3004", "个人", "通报批评", "县委县政府", 1, None, None, "县政府〔2023〕27号", "信访件处置不当", "2023-06-15"],
            ],
        },
    },
]

_Z3_WHY = """One month (2023-06) archived; 10 scored people (9200 潘志 is 参评=否), 年休假天数 0, no leave.
Monthly totals: 3001 100, 3002 迟到1 99, 3003 迟到2 98, 3004 100, 3005 97, 3006 96, 3007 95,
3008 94, 3009 93, 3010 92 (迟到 0…8).  3004's annual items: 通报批评 县委县政府 −5 (individual; its
leader 潘志 is not scored) and 参加活动 ×3 (+3) -> 100 + 3 − 5 = 98.00, tied with 3003 (98.00).
N = 10 -> floor(3.0) = 3 优秀预备人选.  3001 and 3002 take two places; 3003 and 3004 are tied at
the edge for the last place -> both 并列待定 (zhujian has one annual designation, so the text is
plain 并列待定), nobody below takes it."""


def _z3_expect(g3003, g3004):
    exp = {
        "3001": {"total": "100.00", "grade": "优秀预备人选"},
        "3002": {"total": "99.00", "grade": "优秀预备人选"},
        "3003": {"total": "98.00", "grade": g3003},
        "3004": {"total": "98.00", "grade": g3004},
    }
    for i, t in zip(range(5, 11), ["97.00", "96.00", "95.00", "94.00", "93.00", "92.00"]):
        exp[f"30{i:02d}"] = {"total": t, "grade": "称职"}
    return exp


ZHUJIAN_TIE = {
    "id": "annual-zhujian-tie-at-edge",
    "scheme": "zhujian",
    "year": 2023,
    "why": _Z3_WHY,
    "periods": _Z3_PERIODS,
    "runs": [
        {
            "args": [],
            "expect": _z3_expect("并列待定", "并列待定"),
            "ties": ["3003", "3004"],
            "missing": _months_except("2023-06"),
        },
    ],
}

ZHUJIAN_TIE_DECIDE = {
    "id": "annual-zhujian-tie-then-decide",
    "scheme": "zhujian",
    "year": 2023,
    
    "why": _Z3_WHY + """
Then quota run 1 without options (the tie, as in annual-zhujian-tie-at-edge) and quota run 2 with
--decide 3004=优秀预备人选 (the 集体研究决定): 3004 gets it, the quota (3) is full, so 3003 gets
称职 (the default annual grade) and no tie is left to report.""",
    "periods": _Z3_PERIODS,
    "runs": [
        {
            "args": [],
            "expect": _z3_expect("并列待定", "并列待定"),
            "ties": ["3003", "3004"],
        },
        {
            "args": ["--decide", "3004=优秀预备人选"],
            "expect": _z3_expect("称职", "优秀预备人选"),
            "ties": [],
        },
    ],
}

# ======================================================================================
# caizheng
# ======================================================================================

CZ_KAOQIN = ["工号", "姓名", "迟到"]
CZ_KAOQIN_LEAVE = ["工号", "姓名", "迟到", "事假", "病假"]


def _late_sheet(names, lates):
    return [CZ_KAOQIN] + [[k, names[k], n] for k, n in lates.items()]


_C1_NAMES = {
    "C101": "王磊", "C102": "李强", "C103": "张敏", "C104": "刘芳", "C105": "陈刚",
    "C106": "杨静", "C107": "赵伟", "C108": "黄丽", "C109": "周军", "C110": "吴娟",
}
_C1_DEPT = {
    "C101": "预算科", "C102": "预算科", "C103": "预算科", "C104": "国库科", "C105": "国库科",
    "C106": "国库科", "C107": "综合科", "C108": "综合科", "C109": "综合科", "C110": "综合科",
}
_C1_ROSTER = [["工号", "姓名", "科室", "类别", "分管领导", "参评"], ["9000", "钱志远", "局领导", None, None, "否"]] + [
    [k, _C1_NAMES[k], _C1_DEPT[k], "科员", "钱志远", "是"] for k in _C1_NAMES
]
_C1_TAIL = {"C107": 12, "C108": 13, "C109": 14, "C110": 15}  # 88, 87, 86, 85 every month

CAIZHENG_MEAN_TIEBREAK = {
    "id": "annual-caizheng-mean-general-month-tiebreak",
    "scheme": "caizheng",
    "year": 2023,
    "why": """Months 2023-01..03; one 分管领导 group (钱志远, 参评=否) of N = 10, one 类别 科员.  No 评分
sheet -> 民主测评 15.  Totals = 100 − 迟到 (考勤工作 −1 each) + bonuses.
Monthly 好: ≥90 and at most floor(40% × 10) = 4 per month, in score order.
  Jan: C101 79 (迟到21, 一般), C102 95, C103 97, C104 96, C105 94, C106 93
       -> 好 = C103, C104, C102, C105; C106 良好 (quota full)
  Feb: C101 105 (个人受奖 国家 +5, 文号 given), C102 96, C103 90, C104 92, C105 91, C106 92
       -> 好 = C101, C102, C104, C106 (C104/C106 tie at rank 3, both inside 4); C105, C103 良好
  Mar: C101 105 (个人受奖 国家 +5), C102 94, C103 98, C104 92, C105 93, C106 91
       -> 好 = C101, C103, C102, C105; C104, C106 良好
  C107..C110: 88, 87, 86, 85 every month (良好).
Months 好: C101 2, C102 3, C103 2, C104 2, C105 2, C106 1.
Annual points (mean of the rounded monthly totals):
  C101 289/3 = 96.333 -> 96.33; C102 285/3 = 95.00; C103 285/3 = 95.00; C104 280/3 = 93.33;
  C105 278/3 = 92.666 -> 92.67; C106 276/3 = 92.00; C107 88.00; C108 87.00; C109 86.00; C110 85.00.
优秀: floor(15% × 10) = 1.  C101 had a month 一般 -> not a candidate.  C102 and C103 tie on
  points (95.00); the tie-breaker (more months 好: 3 vs 2) gives 优秀 to C102.
先进工作者: floor(10% × 10) = 1 in the 钱志远 group, ordered by annual points: C101 (96.33).  The
  一般-month rule is stated for 优秀 candidates only, and the two designations are independent.
-> C101 "先进工作者", C102 "优秀", everybody else "".""",
    "periods": [
        {
            "period": "2023-01",
            "sheets": {
                "人员": _C1_ROSTER,
                "考勤": _late_sheet(_C1_NAMES, {"C101": 21, "C102": 5, "C103": 3, "C104": 4, "C105": 6, "C106": 7, **_C1_TAIL}),
            },
        },
        {
            "period": "2023-02",
            "sheets": {
                "人员": _C1_ROSTER,
                "考勤": _late_sheet(_C1_NAMES, {"C101": 0, "C102": 4, "C103": 10, "C104": 8, "C105": 9, "C106": 8, **_C1_TAIL}),
                "奖惩": [
                    JIANGCHENG,
                    ["C101", "个人", "个人受奖", "国家", 1, None, None, "财政部〔2023〕12号", "全国财政系统先进个人", "2023-02-10"],
                ],
            },
        },
        {
            "period": "2023-03",
            "sheets": {
                "人员": _C1_ROSTER,
                "考勤": _late_sheet(_C1_NAMES, {"C101": 0, "C102": 6, "C103": 2, "C104": 8, "C105": 7, "C106": 9, **_C1_TAIL}),
                "奖惩": [
                    JIANGCHENG,
                    ["C101", "个人", "个人受奖", "国家", 1, None, None, "财政部〔2023〕31号", "全国预算管理技能竞赛一等奖", "2023-03-16"],
                ],
            },
        },
    ],
    "runs": [
        {
            "args": [],
            "expect": {
                "C101": {"total": "96.33", "grade": "先进工作者"},
                "C102": {"total": "95.00", "grade": "优秀"},
                "C103": {"total": "95.00", "grade": "称职"},
                "C104": {"total": "93.33", "grade": "称职"},
                "C105": {"total": "92.67", "grade": "称职"},
                "C106": {"total": "92.00", "grade": "称职"},
                "C107": {"total": "88.00", "grade": "称职"},
                "C108": {"total": "87.00", "grade": "称职"},
                "C109": {"total": "86.00", "grade": "称职"},
                "C110": {"total": "85.00", "grade": "称职"},
            },
            "ties": [],
            "missing": _months_except("2023-01", "2023-02", "2023-03"),
        }
    ],
}


_C2_NAMES = {
    "D201": "孙涛", "D202": "胡斌", "D203": "朱红", "D204": "高翔", "D205": "林娜",
    "D206": "郑宏", "D207": "冯刚", "D208": "邓洁", "D209": "曹阳", "D210": "彭丽",
}
_C2_DEPT = {
    "D201": "预算科", "D202": "预算科", "D203": "预算科", "D204": "国库科", "D205": "国库科",
    "D206": "国库科", "D207": "综合科", "D208": "综合科", "D209": "综合科", "D210": "综合科",
}
_C2_ROSTER = [["工号", "姓名", "科室", "分管领导", "参评"], ["9000", "钱志远", "局领导", None, "否"]] + [
    [k, _C2_NAMES[k], _C2_DEPT[k], "钱志远", "是"] for k in _C2_NAMES
]


def _xsbj(who, day):
    return [who, _C2_NAMES[who], "限时办结不力", 1, day, "审批超时"]


CAIZHENG_DEPT_XSBJ = {
    "id": "annual-caizheng-department-three-xianshi",
    "scheme": "caizheng",
    "year": 2023,
    "why": """Months 2023-01..03; one group (钱志远) of N = 10; no 类别 column.  限时办结不力 −5 (outside
deduction) and that month at most 一般.  好 quota floor(40% × 10) = 4 per month.
  Jan: D203 100, D204 99, D201 95 (限时, 一般), D202 98, D205 95 (限时, 一般), D206 97, D207 96,
       D208 94, D209 88, D210 87 -> 好 = D203, D204, D202, D206
  Feb: D203 100, D204 99, D201 97, D202 95 (限时, 一般), D205 95 (限时, 一般), D206 97, D207 96,
       D208 94, D209 88, D210 87 -> 好 = D203, D204, D201, D206 (D201/D206 tie at rank 3, inside 4)
  Mar: D203 100, D204 99, D201 95 (限时, 一般), D202 98, D205 100, D206 97, D207 96, D208 94,
       D209 88, D210 87 -> 好 = D203, D205, D204, D202
预算科 has 3 限时办结不力 in the year (D201 Jan, D202 Feb, D201 Mar): none of D201, D202, D203
may be 优秀 or 先进工作者.  国库科 has only 2 (D205 Jan, Feb): not excluded.
Annual points: D201 287/3 = 95.67, D202 291/3 = 97.00, D203 100.00, D204 99.00, D205 290/3 = 96.67,
  D206 97.00, D207 96.00, D208 94.00, D209 88.00, D210 87.00.
优秀 floor(1.5) = 1: D203 excluded (科室), D205 excluded (一般 months) -> D204 (99.00).
先进工作者 floor(1.0) = 1: D203 excluded (科室) -> D204 (99.00).
-> D204 "优秀、先进工作者"; everyone else "".""",
    "periods": [
        {
            "period": "2023-01",
            "sheets": {
                "人员": _C2_ROSTER,
                "考勤": _late_sheet(_C2_NAMES, {"D201": 0, "D202": 2, "D203": 0, "D204": 1, "D205": 0,
                                                "D206": 3, "D207": 4, "D208": 6, "D209": 12, "D210": 13}),
                "记实": [JISHI, _xsbj("D201", "2023-01-18"), _xsbj("D205", "2023-01-20")],
            },
        },
        {
            "period": "2023-02",
            "sheets": {
                "人员": _C2_ROSTER,
                "考勤": _late_sheet(_C2_NAMES, {"D201": 3, "D202": 0, "D203": 0, "D204": 1, "D205": 0,
                                                "D206": 3, "D207": 4, "D208": 6, "D209": 12, "D210": 13}),
                "记实": [JISHI, _xsbj("D202", "2023-02-14"), _xsbj("D205", "2023-02-22")],
            },
        },
        {
            "period": "2023-03",
            "sheets": {
                "人员": _C2_ROSTER,
                "考勤": _late_sheet(_C2_NAMES, {"D201": 0, "D202": 2, "D203": 0, "D204": 1, "D205": 0,
                                                "D206": 3, "D207": 4, "D208": 6, "D209": 12, "D210": 13}),
                "记实": [JISHI, _xsbj("D201", "2023-03-09")],
            },
        },
    ],
    "runs": [
        {
            "args": [],
            "expect": {
                "D201": {"total": "95.67", "grade": "称职"},
                "D202": {"total": "97.00", "grade": "称职"},
                "D203": {"total": "100.00", "grade": "称职"},
                "D204": {"total": "99.00", "grade": "优秀、先进工作者"},
                "D205": {"total": "96.67", "grade": "称职"},
                "D206": {"total": "97.00", "grade": "称职"},
                "D207": {"total": "96.00", "grade": "称职"},
                "D208": {"total": "94.00", "grade": "称职"},
                "D209": {"total": "88.00", "grade": "称职"},
                "D210": {"total": "87.00", "grade": "称职"},
            },
            "ties": [],
        }
    ],
}


_C3_NAMES = {
    "3301": "柏林", "3302": "鲁迅", "3303": "韦一", "3304": "昌平",
    "3305": "罗成", "3306": "秦琼", "3307": "程咬", "3308": "尉迟",
}
_C3_ROSTER = [["工号", "姓名", "科室", "分管领导", "参评"], ["9300", "杨光", "局领导", None, "否"]] + [
    [k, _C3_NAMES[k], "预算科" if int(k) <= 3304 else "综合科", "杨光", "是"] for k in _C3_NAMES
]


def _c3_kaoqin(lates, leave):
    rows = [CZ_KAOQIN_LEAVE]
    for k, n in lates.items():
        sj, bj = leave.get(k, (0, 0))
        rows.append([k, _C3_NAMES[k], n, sj, bj])
    return rows


_C3_TAIL = {"3306": 15, "3307": 16, "3308": 17}  # 85, 84, 83 every month

CAIZHENG_LEAVE_QUOTA_TIE = {
    "id": "annual-caizheng-leave-quota-override-tie",
    "scheme": "caizheng",
    "year": 2023,
    "why": """Months 2023-10..12; one group (杨光) of 8; no 类别 column.  好 quota floor(40% × 8) = 3.
  Oct: 3301 100, 3302 99, 3303 98, 3304 97, 3305 96 -> 好 = 3301, 3302, 3303
  Nov: 3301 100, 3302 99, 3304 98, 3303 97, 3305 96 -> 好 = 3301, 3302, 3304
  Dec: 3301 100, 3302 99, 3303 96, 3304 96, 3305 95 -> 好 = 3301, 3302; 3303/3304 tie across the
       edge -> 并列待定 that month, which counts as 良好 for the annual tie-breaker
  3306 85, 3307 84, 3308 83 every month.
Months 好: 3303 1, 3304 1.
Annual points: 3301 100.00, 3302 99.00, 3303 291/3 = 97.00, 3304 291/3 = 97.00,
  3305 287/3 = 95.666 -> 95.67, 3306 85.00, 3307 84.00, 3308 83.00.
Leave (事假 + 病假 in 考勤): 3301 5 + 5 + 2.5 = 12.5 > 12 -> 不确定等次 (out of every N);
  3302 7 + 5 = 12, not above 12 -> graded.
N = 7.  --quota 优秀=2 (a count): 3302 (99.00) is 优秀; 3303 and 3304 tie on points and on months
  好 (1 each) across the edge of the second place -> both 并列待定（优秀）.
先进工作者: floor(10% × 7) = 0 -> none.""",
    "periods": [
        {
            "period": "2023-10",
            "sheets": {
                "人员": _C3_ROSTER,
                "考勤": _c3_kaoqin({"3301": 0, "3302": 1, "3303": 2, "3304": 3, "3305": 4, **_C3_TAIL},
                                   {"3301": (5, 0), "3302": (7, 0)}),
            },
        },
        {
            "period": "2023-11",
            "sheets": {
                "人员": _C3_ROSTER,
                "考勤": _c3_kaoqin({"3301": 0, "3302": 1, "3303": 3, "3304": 2, "3305": 4, **_C3_TAIL},
                                   {"3301": (0, 5)}),
            },
        },
        {
            "period": "2023-12",
            "sheets": {
                "人员": _C3_ROSTER,
                "考勤": _c3_kaoqin({"3301": 0, "3302": 1, "3303": 4, "3304": 4, "3305": 5, **_C3_TAIL},
                                   {"3301": (2.5, 0), "3302": (0, 5)}),
            },
        },
    ],
    "runs": [
        {
            "args": ["--quota", "优秀=2"],
            "expect": {
                "3301": {"total": "100.00", "grade": "不确定等次"},
                "3302": {"total": "99.00", "grade": "优秀"},
                "3303": {"total": "97.00", "grade": "并列待定（优秀）"},
                "3304": {"total": "97.00", "grade": "并列待定（优秀）"},
                "3305": {"total": "95.67", "grade": "称职"},
                "3306": {"total": "85.00", "grade": "称职"},
                "3307": {"total": "84.00", "grade": "称职"},
                "3308": {"total": "83.00", "grade": "称职"},
            },
            "ties": ["3303", "3304"],
            "missing": _months_except("2023-10", "2023-11", "2023-12"),
        }
    ],
}

_C4_NAMES = {"3401": "欧阳", "3402": "司马", "3403": "诸葛", "3404": "上官", "3405": "东方"}
_C4_ROSTER = [["工号", "姓名", "科室", "分管领导", "参评"], ["9400", "慕容", "局领导", None, "否"]] + [
    [k, v, "国库科", "慕容", "是"] for k, v in _C4_NAMES.items()
]
_C4_TAIL = {"3404": 15, "3405": 16}  # 85, 84 every month

CAIZHENG_PENDING_MONTH = {
    "id": "annual-caizheng-pending-month-counts-as-lianghao",
    "scheme": "caizheng",
    "year": 2023,
    "why": """Months 2023-04..06; one group (慕容) of N = 5; no 类别.  好 quota floor(40% × 5) = 2.
  Apr: 3402 99, 3401 97, 3403 97 -> 好 = 3402; 3401/3403 tie across the edge of the 2nd place
       -> both 并列待定 that month ("A month that is still 并列待定 counts as 良好")
  May: 3401 99, 3402 98, 3403 90 -> 好 = 3401, 3402
  Jun: 3401 95, 3402 94, 3403 93 -> 好 = 3401, 3402
  3404 85, 3405 84 every month.
Annual points: 3401 291/3 = 97.00, 3402 291/3 = 97.00, 3403 280/3 = 93.33, 3404 85.00, 3405 84.00.
--quota 优秀=1 (floor(15% × 5) would be 0).  3401 and 3402 tie on points; months 好: 3402 3,
3401 2 (its April 并列待定 counts as 良好) -> 3402 优秀, 3401 "".  (Counting the pending month
as 好 would leave them tied -> 并列待定.)  先进工作者: floor(10% × 5) = 0.""",
    "periods": [
        {"period": "2023-04", "sheets": {"人员": _C4_ROSTER, "考勤": _late_sheet(_C4_NAMES, {"3401": 3, "3402": 1, "3403": 3, **_C4_TAIL})}},
        {"period": "2023-05", "sheets": {"人员": _C4_ROSTER, "考勤": _late_sheet(_C4_NAMES, {"3401": 1, "3402": 2, "3403": 10, **_C4_TAIL})}},
        {"period": "2023-06", "sheets": {"人员": _C4_ROSTER, "考勤": _late_sheet(_C4_NAMES, {"3401": 5, "3402": 6, "3403": 7, **_C4_TAIL})}},
    ],
    "runs": [
        {
            "args": ["--quota", "优秀=1"],
            "expect": {
                "3401": {"total": "97.00", "grade": "称职"},
                "3402": {"total": "97.00", "grade": "优秀"},
                "3403": {"total": "93.33", "grade": "称职"},
                "3404": {"total": "85.00", "grade": "称职"},
                "3405": {"total": "84.00", "grade": "称职"},
            },
            "ties": [],
        }
    ],
}

# ======================================================================================
# jinjiang
# ======================================================================================

JJ_PERSON = ["工号", "姓名", "科室", "类别"]
JJ_KAOQIN = ["工号", "姓名", "迟到", "旷工", "病假", "事假"]
JJ_PINGFEN = ["工号", "常规工作", "重点项目", "奖惩附加分", "测评得分"]

_JJ_NAMES = {
    "4101": "林晓", "4102": "陈辉", "4103": "黄珊", "4104": "吴斌",
    "4201": "郑琳", "4202": "王涛", "4203": "李梅", "4204": "张健",
}
_JJ_ROSTER = [JJ_PERSON] + [
    [k, v, "党政办" if k[1] == "1" else "经济办", "中层干部" if k[1] == "1" else "一般工作人员"]
    for k, v in _JJ_NAMES.items()
]


def _jj_quarter(q, ratings, kaoqin):
    """ratings: 工号 -> (常规, 重点 or None, 奖惩附加分, 测评得分); kaoqin: 工号 -> (迟到, 旷工)."""
    return {
        "period": f"2023Q{q}",
        "sheets": {
            "人员": _JJ_ROSTER,
            "考勤": [JJ_KAOQIN] + [[k, _JJ_NAMES[k], *kaoqin.get(k, (0, 0)), 0, 0] for k in _JJ_NAMES],
            "评分": [JJ_PINGFEN] + [[k, *ratings[k]] for k in _JJ_NAMES],
        },
    }


_JJ_G = {  # 一般工作人员, same ratings every quarter except G1 (4201)
    "4202": (44, 35, 0, 90),
    "4203": (40, 30, 0, 85),
    "4204": (35, 25, -3, 80),
}

JINJIANG_YEAR = {
    "id": "annual-jinjiang-mean-of-quarters-category-quota",
    "scheme": "jinjiang",
    "year": 2023,
    "why": """Four quarters; two categories of N = 4.  Quarter score = (常规 + 重点 + 考勤 + 奖惩) × 0.6 +
领导测评分 × 0.4, rounded once.  Bands for N = 4: r ≤ 1 -> 90, r ≤ 2.2 -> 80, else 70.
Year = mean of the four rounded quarter totals, rounded half up; graded with the quarter's rules
inside each 类别: 优秀 (≥90) ≤ floor(25% × 4) = 1, then 良好 (≥75, those pushed out of 优秀
included) ≤ floor(30% × 4) = 1, then ≥60 称职, below 60 不称职.
中层干部 (测评 Q1/Q3/Q4: 4101 95, 4102 90, 4103 85, 4104 80; Q2: 4102 95, 4101 90, ...):
  4101: Q1 48+38+10+4 = 100 -> 60 + 36 = 96.00; Q2 47.5+37+10+3 = 97.5 -> 58.5 + 32 = 90.50;
        Q3 46+38+10+2 = 96 -> 57.6 + 36 = 93.60; Q4 45.5+36.5+10+1.2 = 93.2 -> 55.92 + 36 = 91.92
        -> 372.02/4 = 93.005 -> 93.01 (half up; banker's would give 93.00) -> 优秀
  4102: Q1 47+37+10+3 = 97 -> 58.2 + 32 = 90.20; Q2 48+38+10+2 = 98 -> 58.8 + 36 = 94.80;
        Q3 46+36+10+2 = 94 -> 56.4 + 32 = 88.40; Q4 47+37+10+2 = 96 -> 57.6 + 32 = 89.60
        -> 363.00/4 = 90.75 -> ≥90 but 优秀 full -> 良好
  4103: 42+33+0 each; Q1 迟到2 (考勤 8) -> 83 -> 49.8 + 28 = 77.80; Q2–Q4 85 -> 51 + 28 = 79.00
        -> 314.80/4 = 78.70 -> 良好 full -> 称职
  4104: 30+20 and 奖惩 −8; Q1/Q2/Q4 52 -> 31.2 + 28 = 59.20; Q3 旷工1天 (考勤 5) 47 -> 28.2 + 28 = 56.20
        -> 233.80/4 = 58.45 -> 不称职
一般工作人员 (测评 every quarter: 4201 95, 4202 90, 4203 85, 4204 80):
  4201: Q1 46+36+10 = 92 -> 55.2 + 36 = 91.20; Q2 常规 80 with no 重点 (rated 0–90) +10+2 = 92 -> 91.20;
        Q3 迟到3: 89 -> 53.4 + 36 = 89.40; Q4 迟到4: 88 -> 52.8 + 36 = 88.80
        -> 360.60/4 = 90.15 -> 优秀
  4202: 44+35+10 = 89 -> 53.4 + 32 = 85.40 every quarter -> 85.40 -> 良好
  4203: 40+30+10 = 80 -> 48 + 28 = 76.00 -> 良好 full -> 称职
  4204: 35+25+10−3 = 67 -> 40.2 + 28 = 68.20 -> 称职
(A single quota over all 8 would give 优秀 to 4101 and 4102 and not to 4201.)""",
    "periods": [
        _jj_quarter(1, {"4101": (48, 38, 4, 95), "4102": (47, 37, 3, 90), "4103": (42, 33, 0, 85),
                        "4104": (30, 20, -8, 80), "4201": (46, 36, 0, 95), **_JJ_G},
                    {"4103": (2, 0)}),
        _jj_quarter(2, {"4101": (47.5, 37, 3, 90), "4102": (48, 38, 2, 95), "4103": (42, 33, 0, 85),
                        "4104": (30, 20, -8, 80), "4201": (80, None, 2, 95), **_JJ_G},
                    {}),
        _jj_quarter(3, {"4101": (46, 38, 2, 95), "4102": (46, 36, 2, 90), "4103": (42, 33, 0, 85),
                        "4104": (30, 20, -8, 80), "4201": (46, 36, 0, 95), **_JJ_G},
                    {"4104": (0, 1), "4201": (3, 0)}),
        _jj_quarter(4, {"4101": (45.5, 36.5, 1.2, 95), "4102": (47, 37, 2, 90), "4103": (42, 33, 0, 85),
                        "4104": (30, 20, -8, 80), "4201": (46, 36, 0, 95), **_JJ_G},
                    {"4201": (4, 0)}),
    ],
    "runs": [
        {
            "args": [],
            "expect": {
                "4101": {"total": "93.01", "grade": "优秀"},
                "4102": {"total": "90.75", "grade": "良好"},
                "4103": {"total": "78.70", "grade": "称职"},
                "4104": {"total": "58.45", "grade": "不称职"},
                "4201": {"total": "90.15", "grade": "优秀"},
                "4202": {"total": "85.40", "grade": "良好"},
                "4203": {"total": "76.00", "grade": "称职"},
                "4204": {"total": "68.20", "grade": "称职"},
            },
            "ties": [],
            "missing": [],
        }
    ],
}

# ======================================================================================
# mubiao
# ======================================================================================

MB_UNIT = ["单位", "类型", "人数", "分管领导", "参评先进"]
MB_RATING = ["单位", "责任清单", "一岗双责", "意识形态", "制度执行", "预算执行", "兜底条款", "考核办评价", "领导小组评价"]
MB_EVENT = ["对象", "事项", "级别", "次数", "分值", "责任", "文号", "事由", "日期"]

_MB_PERIODS = [
    {
        "period": "2023",
        "sheets": {
            "单位": [
                MB_UNIT,
                ["综合业务处", "处室", 6, "", "是"],
                ["办公室", "处室", 8, "", "否"],
                ["公务用车处", "处室", 12, "", "是"],
                ["房产基建处", "处室", 7, "", "是"],
                ["计划财务处", "处室", 5, "", "是"],
            ],
            "评分": [
                MB_RATING,
                ["综合业务处", 60, 10, 4, 4, 2, 5, 5, 10],
                ["办公室", 58, 10, 4, 4, 2, 5, 5, 10],
                ["公务用车处", 55.5, 10, 4, 4, 2, 5, 5, 10],
                ["房产基建处", 52, 9, 4, 4, 2, 5, 5, 9],
                ["计划财务处", 50, 8, 3, 3, 2, 4, 4, 8],
            ],
            "奖惩": [
                MB_EVENT,
                ["综合业务处", "严重违纪违法", "", 1, None, "", "市纪委〔2023〕18号", "处内干部严重违纪被查处", date(2023, 11, 2)],
            ],
        },
    }
]

MUBIAO_XIANJIN = {
    "id": "annual-mubiao-xianjin-quota-exclusions",
    "scheme": "mubiao",
    "year": 2023,
    
    "why": """One annual period; rated components only (sum of the eight 评分 cells).
  综合业务处 60+10+4+4+2+5+5+10 = 100.00 (rank 1), 严重违纪违法 -> 一票否决, never 先进
  办公室     58+10+4+4+2+5+5+10 = 98.00 (rank 2), 参评先进=否, never 先进
  公务用车处 55.5+10+4+4+2+5+5+10 = 95.50 (rank 3)
  房产基建处 52+9+4+4+2+5+5+9 = 90.00 (rank 4)
  计划财务处 50+8+3+3+2+4+4+8 = 82.00 (rank 5, last overall, never 先进)
Run 1, --quota 先进=2: the eligible units in score order are 公务用车处, 房产基建处 -> both 先进.
Run 2, --quota 先进=3: the third place would go to 计划财务处, but it is ranked last -> only 2 先进.""",
    "periods": _MB_PERIODS,
    "runs": [
        {
            "args": ["--quota", "先进=2"],
            "expect": {
                "综合业务处": {"total": "100.00", "grade": ""},
                "办公室": {"total": "98.00", "grade": ""},
                "公务用车处": {"total": "95.50", "grade": "先进"},
                "房产基建处": {"total": "90.00", "grade": "先进"},
                "计划财务处": {"total": "82.00", "grade": ""},
            },
            "ties": [],
            "missing": [],
        },
        {
            "args": ["--quota", "先进=3"],
            "expect": {
                "综合业务处": {"total": "100.00", "grade": ""},
                "办公室": {"total": "98.00", "grade": ""},
                "公务用车处": {"total": "95.50", "grade": "先进"},
                "房产基建处": {"total": "90.00", "grade": "先进"},
                "计划财务处": {"total": "82.00", "grade": ""},
            },
            "ties": [],
        },
    ],
}

MUBIAO_LAST = {
    "id": "annual-mubiao-last-never-xianjin",
    "scheme": "mubiao",
    "year": 2023,
    "why": """One annual period; rated components only, every unit 参评先进=是, no events.
  综合业务处 58+10+4+4+2+5+5+8   = 96.00 (rank 1)
  公务用车处 56+10+4+4+2+5+5+8   = 94.00 (rank 2)
  房产基建处 57+9+4+4+2+5+4+9    = 94.00 (rank 2, competition rank)
  计划财务处 50+8+3+3+2+4+4+6    = 80.00 (rank 4, last overall)
--quota 先进=4: the three units above the last are 先进 (the tie is inside the quota); the last
unit is never 先进, so only 3 are given.""",
    "periods": [
        {
            "period": "2023",
            "sheets": {
                "单位": [
                    MB_UNIT,
                    ["综合业务处", "处室", 6, "", "是"],
                    ["公务用车处", "处室", 12, "", "是"],
                    ["房产基建处", "处室", 7, "", "是"],
                    ["计划财务处", "处室", 5, "", "是"],
                ],
                "评分": [
                    MB_RATING,
                    ["综合业务处", 58, 10, 4, 4, 2, 5, 5, 8],
                    ["公务用车处", 56, 10, 4, 4, 2, 5, 5, 8],
                    ["房产基建处", 57, 9, 4, 4, 2, 5, 4, 9],
                    ["计划财务处", 50, 8, 3, 3, 2, 4, 4, 6],
                ],
                "奖惩": [MB_EVENT],
            },
        }
    ],
    "runs": [
        {
            "args": ["--quota", "先进=4"],
            "expect": {
                "综合业务处": {"total": "96.00", "grade": "先进"},
                "公务用车处": {"total": "94.00", "grade": "先进"},
                "房产基建处": {"total": "94.00", "grade": "先进"},
                "计划财务处": {"total": "80.00", "grade": ""},
            },
            "ties": [],
            "missing": [],
        }
    ],
}

# ======================================================================================
# gonghui
# ======================================================================================

GONGHUI_AWARDS = {
    "id": "annual-gonghui-awards",
    "scheme": "gonghui",
    "year": 2023,
    "why": """One annual period; 100-point deduction component, no bonuses, no veto.
  办公室     no events                                      = 100.00 -> 一等奖 (1 department)
  组织部     部室工作未完成 −2                               = 98.00  -> 二等奖
  宣教调研室 重点工作延迟完成 −3                             = 97.00  -> 二等奖 (2 departments)
  民管法工部 重点工作未完成 −5                               = 95.00  -> 酌情奖励 (≥90)
  生活保障部 重点工作未完成 ×2 −10                           = 90.00  -> 酌情奖励 (exactly 90)
  女职工部   重点工作未完成 ×2 −10, 学习例会迟到早退 −0.5     = 89.50  -> "" (below 90)
  经审办     上级交办未完成 ×4 −20                           = 80.00  -> \"\"""",
    "periods": [
        {
            "period": "2023",
            "sheets": {
                "单位": [
                    MB_UNIT,
                    ["办公室", "部室", 5, "陈志强", "是"],
                    ["组织部", "部室", 4, "陈志强", "是"],
                    ["宣教调研室", "部室", 3, "林晓燕", "是"],
                    ["民管法工部", "部室", 4, "林晓燕", "是"],
                    ["生活保障部", "部室", 3, "林晓燕", "是"],
                    ["女职工部", "部室", 3, "陈志强", "是"],
                    ["经审办", "部室", 2, "陈志强", "是"],
                ],
                "奖惩": [
                    MB_EVENT,
                    ["组织部", "部室工作未完成", "", 1, None, "", "", "档案整理未完成", date(2023, 12, 20)],
                    ["宣教调研室", "重点工作延迟完成", "", 1, None, "", "区总督办〔2023〕5号", "宣讲活动延迟", date(2023, 9, 30)],
                    ["民管法工部", "重点工作未完成", "", 1, None, "", "区总督办〔2023〕3号", "法律援助站未建成", date(2023, 12, 10)],
                    ["生活保障部", "重点工作未完成", "", 2, None, "", "区总督办〔2023〕4号", "两项帮扶任务未完成", date(2023, 12, 10)],
                    ["女职工部", "重点工作未完成", "", 2, None, "", "区总督办〔2023〕6号", "两项维权任务未完成", date(2023, 12, 10)],
                    ["女职工部", "学习例会迟到早退", "", 1, None, "", "", "1人次迟到", date(2023, 5, 11)],
                    ["经审办", "上级交办未完成", "", 4, None, "", "市总交办〔2023〕9号", "四项审计任务未完成", date(2023, 11, 15)],
                ],
            },
        }
    ],
    "runs": [
        {
            "args": [],
            "expect": {
                "办公室": {"total": "100.00", "grade": "一等奖"},
                "组织部": {"total": "98.00", "grade": "二等奖"},
                "宣教调研室": {"total": "97.00", "grade": "二等奖"},
                "民管法工部": {"total": "95.00", "grade": "酌情奖励"},
                "生活保障部": {"total": "90.00", "grade": "酌情奖励"},
                "女职工部": {"total": "89.50", "grade": ""},
                "经审办": {"total": "80.00", "grade": ""},
            },
            "ties": [],
            "missing": [],
        }
    ],
}

# ======================================================================================
# kexie
# ======================================================================================

KX_ROSTER = ["工号", "姓名", "科室", "职务"]
KX_RATING = ["工号", "姓名", "个人部分"]
KX_NAMES = {"K101": "王建国", "K102": "李红梅", "K103": "张伟", "K104": "赵敏", "K105": "钱磊", "K106": "孙丽", "K107": "周涛"}


def _kexie_period(ratings):
    return [
        {
            "period": "2023",
            "sheets": {
                "人员": [KX_ROSTER] + [[k, v, "科普部", "科员"] for k, v in KX_NAMES.items()],
                "评分": [KX_RATING] + [[k, KX_NAMES[k], r] for k, r in ratings.items()],
                "奖惩": [JIANGCHENG],
            },
        }
    ]


KEXIE_QUOTA = {
    "id": "annual-kexie-excellent-quota",
    "scheme": "kexie",
    "year": 2023,
    "why": """One annual period; no events, so 公共部分 = 40 and total = 40 + 个人部分 (rated 0–60).
N = 7 (no 类别 column) -> 优秀 ≤ floor(15% × 7) = floor(1.05) = 1.
  K101 40+58    = 98.00 -> 优秀
  K102 40+55    = 95.00 -> ≥90 but the quota is full -> 称职
  K103 40+50.5  = 90.50 -> 称职
  K104 40+35    = 75.00 -> 称职
  K105 40+29.5  = 69.50 -> 基本称职
  K106 40+20    = 60.00 -> 基本称职 (exactly 60)
  K107 40+19.99 = 59.99 -> 不称职""",
    "periods": _kexie_period({"K101": 58, "K102": 55, "K103": 50.5, "K104": 35, "K105": 29.5, "K106": 20, "K107": 19.99}),
    "runs": [
        {
            "args": [],
            "expect": {
                "K101": {"total": "98.00", "grade": "优秀"},
                "K102": {"total": "95.00", "grade": "称职"},
                "K103": {"total": "90.50", "grade": "称职"},
                "K104": {"total": "75.00", "grade": "称职"},
                "K105": {"total": "69.50", "grade": "基本称职"},
                "K106": {"total": "60.00", "grade": "基本称职"},
                "K107": {"total": "59.99", "grade": "不称职"},
            },
            "ties": [],
            "missing": [],
        }
    ],
}

KEXIE_TIE = {
    "id": "annual-kexie-tie-at-edge",
    "scheme": "kexie",
    "year": 2023,
    "why": """As above, N = 7 -> 优秀 quota 1.  K101 and K102 are tied at 98.00 across the edge -> both
并列待定 (one quota grade, so the text is plain 并列待定); nobody below takes the place (K103 95.00 -> 称职).
  K101 40+58 = 98.00, K102 40+58 = 98.00, K103 40+55 = 95.00, K104 40+45 = 85.00,
  K105 40+40 = 80.00, K106 40+30 = 70.00 (称职, exactly 70), K107 40+25 = 65.00 (基本称职).""",
    "periods": _kexie_period({"K101": 58, "K102": 58, "K103": 55, "K104": 45, "K105": 40, "K106": 30, "K107": 25}),
    "runs": [
        {
            "args": [],
            "expect": {
                "K101": {"total": "98.00", "grade": "并列待定"},
                "K102": {"total": "98.00", "grade": "并列待定"},
                "K103": {"total": "95.00", "grade": "称职"},
                "K104": {"total": "85.00", "grade": "称职"},
                "K105": {"total": "80.00", "grade": "称职"},
                "K106": {"total": "70.00", "grade": "称职"},
                "K107": {"total": "65.00", "grade": "基本称职"},
            },
            "ties": ["K101", "K102"],
        }
    ],
}


CASES = [
    ZHUJIAN_MEAN_BONUS,
    ZHUJIAN_LEAVE,
    ZHUJIAN_TIE,
    ZHUJIAN_TIE_DECIDE,
    CAIZHENG_MEAN_TIEBREAK,
    CAIZHENG_DEPT_XSBJ,
    CAIZHENG_LEAVE_QUOTA_TIE,
    CAIZHENG_PENDING_MONTH,
    JINJIANG_YEAR,
    MUBIAO_XIANJIN,
    MUBIAO_LAST,
    GONGHUI_AWARDS,
    KEXIE_QUOTA,
    KEXIE_TIE,
]
