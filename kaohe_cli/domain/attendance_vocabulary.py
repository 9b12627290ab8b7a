"""The vocabulary of DingTalk / WeCom punch-clock exports as data: their kinds, column headers and day texts.

`kaohe_cli.attendance` reads exports with these tables; to accept another spelling of a header or
of a per-day result, add it here. Headers are compared after `kaohe_cli.text.norm` and, where
noted, without their unit suffix ("事假(小时)" → "事假"); ASCII headers are compared in lower case.
The input workbook's own synonyms live beside this, in `kaohe_cli.domain.vocabulary`.
"""

from __future__ import annotations

import re

# ----------------------------------------------------------------------------- kinds of export

MONTHLY = "钉钉月度汇总"
DAILY = "钉钉每日统计"
WECOM = "企业微信日报"
EXPORT_KINDS = (MONTHLY, DAILY, WECOM)

# Title words that name an export kind (with `MONTHLY_TITLE`, DingTalk writes `PERIOD_TITLE` too).
WECOM_TITLE = "概况统计与打卡明细"
DAILY_TITLE = "每日统计"
MONTHLY_TITLE = "月度汇总"
PERIOD_TITLE = "统计日期"
# Title rows: they hold one of these words or a date range.
TITLE_WORDS = ("统计日期", "统计时间", "报表生成时间", "生成时间")

# ----------------------------------------------------------------------------- scheme items

LATE, EARLY, ABSENT = "迟到", "早退", "旷工"
PERSONAL_LEAVE, SICK_LEAVE, ANNUAL_LEAVE = "事假", "病假", "年休假"
DEFAULT_ITEMS = (LATE, EARLY, ABSENT, PERSONAL_LEAVE, SICK_LEAVE, ANNUAL_LEAVE)
DAY_ITEMS = frozenset({ABSENT, PERSONAL_LEAVE, SICK_LEAVE, ANNUAL_LEAVE})


def is_day_item(item: str) -> bool:
    """True for items counted in days: 旷工 and every kind of leave (…假)."""
    return item in DAY_ITEMS or item.endswith("假")


# ----------------------------------------------------------------------------- column headers

NAME_HEADERS = {"姓名", "员工姓名"}
GONGHAO_HEADERS = {"工号", "员工工号", "职工号"}
DEPT_HEADERS = {"部门", "所属部门"}
ACCOUNT_HEADERS = {"userid", "账号", "帐号"}
DATE_HEADERS = {"日期", "时间", "workdate"}

# Identity and metadata columns: read for nothing but who the person is.
IDENTITY = {
    "序号", "考勤组", "职位", "职务", "班次", "所属规则", "最早", "最晚", "关联的审批单",
    "审批单", "假勤申请", "备注", "打卡时间", "打卡地址", "打卡地点", "打卡备注", "打卡设备",
}
IDENTITY_SUFFIXES = ("打卡时间", "打卡地址", "打卡地点", "打卡备注", "打卡设备", "打卡图片")
# Result text of one punch ("上班1打卡结果") or of one day (WeCom "打卡状态").
PUNCH_TEXT_SUFFIXES = ("打卡结果", "打卡状态")
# The group over a monthly summary's day columns, and the per-day result text column.
RESULT_GROUP = "考勤结果"
PUNCH_RESULT_GROUP = "打卡结果"
# Attendance statistics: shown, never counted.
INFO = {
    "出勤天数", "应出勤天数", "休息天数", "工作时长", "标准工作时长", "实际工作时长", "打卡次数",
    "异常合计", "出勤班次",
}
# Durations written without a unit suffix are minutes.
MINUTE_DURATIONS = {"迟到时长", "早退时长", "严重迟到时长", "旷工迟到时长", "旷工时长"}

# Kinds of statistic columns, by header without its unit suffix.
STAT_BASES = {
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
# The columns that may count 旷工, best first: the others beside it are companions.
ABSENT_SOURCES = ("absent_days", "absent_minutes", "absent_count")
LEAVE_ITEMS = {"事假": PERSONAL_LEAVE, "病假": SICK_LEAVE, "年假": ANNUAL_LEAVE, "年休假": ANNUAL_LEAVE}
LEAVE_NAMES_WITHOUT_JIA = {"调休"}
# Words of a missed punch, and of overtime, anywhere in a header.
MISSING_WORDS = ("缺卡", "未打卡")
OVERTIME_WORD = "加班"
# Other statistics, by the start of their header: listed, never counted.
OTHER_STAT_PREFIXES = ("外勤", "出差", "外出", "补卡", "地点异常", "设备异常")

# ----------------------------------------------------------------------------- detection markers

# Header text without unit suffix.
MONTHLY_STRONG = {
    "考勤组", "userid", "出勤天数", "休息天数", "工作时长", "迟到时长", "早退时长", "严重迟到次数",
    "严重迟到时长", "旷工迟到天数", "旷工迟到次数", "上班缺卡次数", "下班缺卡次数", "出差时长",
    "外出时长", "休息日加班", "节假日加班", "工作日加班", "考勤结果",
}
MONTHLY_WEAK = {"迟到次数", "早退次数", "旷工天数"}
DAILY_MARKERS = {"考勤组", "userid", "workdate", "班次", "关联的审批单"}
WECOM_MARKERS = {"考勤概况", "异常统计", "假勤统计", "基础信息", "所属规则", "异常合计", "假勤申请", "打卡状态"}
PUNCH_HEADER = re.compile(r"(上|下)班\d打卡(结果|时间)")

# ----------------------------------------------------------------------------- units, dates, rows

UNIT_SUFFIX = re.compile(r"\((天|日|小时|h|分钟|分|min|次|个)\)$", re.IGNORECASE)
UNIT_ALIASES = {"日": "天", "h": "小时", "分": "分钟", "min": "分钟", "个": "次"}
DATE_PAT = r"(\d{2,4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
PERIOD = re.compile(DATE_PAT + r"\s*(?:至|到|~|～|—|－|-)\s*" + DATE_PAT)
ONE_DATE = re.compile(DATE_PAT)
WEEKDAYS = set("一二三四五六日天")
# Rows whose 姓名 cell holds one of these, or starts with a note word, are not people.
SKIP_NAMES = {"合计", "总计", "小计", "姓名"}
NOTE_STARTS = ("注", "说明")
BLANK_TEXT = {"", "-", "--", "—", "——", "/", "无"}


def unit_name(text: str) -> str:
    """A unit as written ("h", "分", "个") → its name (小时, 分钟, 次)."""
    key = text.lower() if text.isascii() else text
    return UNIT_ALIASES.get(key, text)


def split_unit(leaf: str) -> tuple[str, str]:
    """'事假(小时)' → ('事假', '小时'); '迟到次数' → ('迟到次数', '次')."""
    m = UNIT_SUFFIX.search(leaf)
    if m:
        return leaf[: m.start()], unit_name(m.group(1))
    if leaf.endswith("次数"):
        return leaf, "次"
    if leaf.endswith("天数"):
        return leaf, "天"
    if leaf in MINUTE_DURATIONS:
        return leaf, "分钟"
    return leaf, ""


# ----------------------------------------------------------------------------- per-day results

# Words of a per-day result text, longest first where one starts another, → kind of result.
# "rest" and "normal" count nothing; "leave:…" is a kind of leave; the rest are counted.
DAY_KEYWORDS = (
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
HALF_DAY = "半天"
# Display names of the counted kinds of result (also the mapping keys that name them).
CATEGORY_NAMES = {
    "late": "迟到", "severe_late": "严重迟到", "absent_late": "旷工迟到", "early": "早退",
    "absent": "旷工", "missing": "缺卡",
}
