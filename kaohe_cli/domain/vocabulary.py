"""The input-workbook contract as data: sheets, their columns, and the synonyms of each; and the
words written in cells that mean something (是/否, 对象类型, attendance statuses, "none").

This encodes the table "Input workbook" in DESIGN.md. To accept another spelling, add it to a
`synonyms` tuple below; nothing else changes. Names are compared after `kaohe_cli.text.norm`
(trimmed, full-width → half-width, whitespace dropped), and a header may carry a trailing unit
in brackets or a required-marker star: `迟到(次)`, `工号*` and `工　号` all mean `工号`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kaohe_cli.text import norm


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an input sheet: its canonical name, other accepted names, and meaning."""

    name: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    doc: str = ""  # Chinese, for hints and for `kaohe template`

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)

    def describe(self) -> str:
        """`工号（或：编号、职工号）` for messages."""
        if not self.synonyms:
            return self.name
        return f"{self.name}（或：{'、'.join(self.synonyms)}）"


@dataclass(frozen=True)
class SheetSpec:
    """One input sheet: its name and synonyms, what one row is, and its columns.

    `one_of` lists groups of columns of which at least one must be present (e.g. a row names
    a person by `工号` or by `姓名`). `open_columns` is true where unknown headers are data
    (attendance items, rated components) rather than noise.
    """

    name: str
    synonyms: tuple[str, ...] = ()
    row_is: str = ""
    columns: tuple[ColumnSpec, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    open_columns: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def describe(self) -> str:
        if not self.synonyms:
            return self.name
        return f"{self.name}（或：{'、'.join(self.synonyms)}）"


def _col(name: str, *synonyms: str, required: bool = False, doc: str = "") -> ColumnSpec:
    return ColumnSpec(name, tuple(synonyms), required, doc)


# Columns shared by several sheets.
_ID = _col("工号", "编号", "职工号", "人员编号", "工作证号", doc="人员的唯一编号，可保留前导 0")
_NAME = _col("姓名", "人员姓名", "职工姓名", doc="人员姓名；仅在花名册中唯一时才可代替工号")
_UNIT = _col("单位", "单位名称", "部门名称", doc="单位或科室的名称")
_DATE = _col("日期", "发生日期", "时间", doc="如 2023-03-05")
_COUNT = _col("次数", "数量", doc="默认 1")
_ITEM = _col("事项", "项目", "考核事项", "事项名称", required=True, doc="须为方案中的事项名称")
_NOTE = _col("说明", "备注", doc="")

# Attendance items that may appear as summary columns (one count per person).
ATTENDANCE_ITEMS: tuple[ColumnSpec, ...] = (
    _col("迟到", "迟到次数"),
    _col("早退", "早退次数"),
    _col("脱岗", "脱岗次数", "离岗", "空岗"),
    _col("旷工", "旷工天数", "旷工次数"),
    _col("事假", "事假天数"),
    _col("病假", "病假天数"),
    _col("年休假", "年假", "年休假天数", "休假", "公休假"),
    _col("婚假"),
    _col("产假"),
    _col("丧假"),
    _col("探亲假"),
    _col("缺卡", "缺卡次数", "未打卡", "漏打卡"),
    _col("出差", "公出", "外出"),
)

SHEETS: dict[str, SheetSpec] = {
    spec.name: spec
    for spec in (
        SheetSpec(
            "人员",
            ("花名册", "人员名单", "人员信息", "人员花名册"),
            "一行一人",
            (
                _col(_ID.name, *_ID.synonyms, required=True, doc=_ID.doc),
                _col(_NAME.name, *_NAME.synonyms, required=True, doc=_NAME.doc),
                _col("科室", "部门", "股室", "处室", "所在科室", "所在部门", required=True),
                _col("类别", "人员类别", "人员类型", "身份"),
                _col("分管领导", "分管领导工号", doc="分管领导的工号或姓名"),
                _col("岗位", "岗位名称"),
                _col("职务", "职务名称"),
                _col("参加工作时间", "参工时间", "工作时间"),
                _col("年休假天数", "应休年假天数", "年假天数"),
                _col("入职日期", "入职时间", "调入日期"),
                _col("参评", "是否参评", "参加考核", doc="是/否"),
            ),
        ),
        SheetSpec(
            "单位",
            ("单位名单", "单位信息", "单位列表"),
            "一行一个单位",
            (
                _col(_UNIT.name, *_UNIT.synonyms, required=True, doc=_UNIT.doc),
                _col("类型", "单位类型", "类别"),
                _col("人数", "职工人数", "在编人数"),
                _col("分管领导", "分管领导姓名"),
                _col("参评先进", "是否参评先进", doc="是/否"),
            ),
        ),
        SheetSpec(
            "考勤",
            ("考勤表", "出勤", "出勤表", "考勤统计", "考勤汇总", "考勤明细"),
            "汇总：一行一人；明细：一行一人一天",
            (
                _ID,
                _NAME,
                _col("日期", "考勤日期", "打卡日期"),
                _col("状态", "考勤状态", "考勤结果", "出勤状态", "类型"),
                _col("天数", "请假天数"),
                _col("时长", "小时数", "时长(小时)"),
                *ATTENDANCE_ITEMS,
            ),
            one_of=(("工号", "姓名"),),
            open_columns=True,
        ),
        SheetSpec(
            "记实",
            ("工作记实", "工作日志", "月记", "记实表", "工作纪实", "纪实"),
            "一行一个事件",
            (_ID, _NAME, _ITEM, _COUNT, _DATE, _NOTE),
            one_of=(("工号", "姓名"),),
        ),
        SheetSpec(
            "奖惩",
            ("加减分", "奖励惩戒", "奖惩记录", "奖惩情况", "加分扣分"),
            "一行一个事件",
            (
                _col("对象", "奖惩对象", "被考核对象", "工号/姓名", required=True,
                     doc="工号、姓名，或科室/单位名称"),
                _col("对象类型", "类型", doc="个人/集体，默认个人"),
                _ITEM,
                _col("级别", "等级", "层级"),
                _COUNT,
                _col("分值", "分数", "加减分值", doc="视情事项填写"),
                _col("责任", "责任类型", doc="主要/次要"),
                _col("文号", "文件号", "依据文号", "发文字号"),
                _col("事由", "原因", "事迹", "说明"),
                _DATE,
            ),
        ),
        SheetSpec(
            "评分",
            ("测评", "领导评分", "民主测评", "评分表", "测评表"),
            "一行一个被考核对象",
            (
                _ID,
                _NAME,
                _UNIT,
                _col("测评得分", "测评分", "民主测评得分"),
                _col("不称职票", "不称职票数"),
            ),
            one_of=(("工号", "姓名", "单位"),),
            open_columns=True,
        ),
    )
}


def sheet_spec(name: str) -> SheetSpec:
    """The spec of a canonical sheet name (or one of its synonyms)."""
    key = norm(name)
    for spec in SHEETS.values():
        if key in {norm(n) for n in spec.names}:
            return spec
    raise KeyError(name)


_UNIT_TAIL = re.compile(r"\((?:天|日|次|个|项|票|人|分|小时|时|h|元|%|天数|次数)\)$")


def header_keys(text: object) -> tuple[str, ...]:
    """The keys a header is matched by: its `norm` form, then without a unit or star.

    `工　号` → ('工号',); `迟到（次）` → ('迟到(次)', '迟到'); `*工号` → ('*工号', '工号').
    """
    key = norm(text)
    keys = [key] if key else []
    bare = key.strip("*")
    bare = _UNIT_TAIL.sub("", bare)
    if bare and bare != key:
        keys.append(bare)
    return tuple(keys)


# ---- words written in cells ----------------------------------------------------------------

# How 是 and 否 are written in a yes/no column (参评, 参评先进); a blank cell takes the column's default.
YES_WORDS = frozenset({"是", "Y", "y", "yes", "YES", "1", "参评", "√", "TRUE", "true"})
NO_WORDS = frozenset({"否", "N", "n", "no", "NO", "0", "不参评", "×", "FALSE", "false"})

# Written in a number cell of a 考勤 sheet (a count, 天数) for none: read as 0, never as unreadable text.
NONE_MARKS = frozenset({"", "-", "--", "—"})

# 状态 of a detail 考勤 sheet that are no event (compared after `norm`); any other status is
# looked up among the scheme's attendance items.
NORMAL_STATUSES = frozenset(
    norm(s) for s in (
        "正常", "出勤", "正常出勤", "休息", "公休", "节假日", "法定节假日", "周末", "出差", "外出", "补卡", "调休", "√", "",
    )
)

# Headers of a summary 考勤 sheet that say who a row is or how many days were due, never an
# attendance item (a header is also compared after `norm`).
ATTENDANCE_NON_ITEM_COLUMNS = frozenset({
    "工号", "姓名", "科室", "部门", "类别", "序号", "职务", "岗位", "备注", "分管领导", "考勤组", "出勤天数", "应出勤天数",
    "实际出勤天数",
})

# 对象类型 of an event row (奖惩): who it reaches, and the words that say so (compared after `norm`).
PERSONAL, COLLECTIVE, EVERYONE = "个人", "集体", "全体"
TARGET_KINDS: dict[str, str] = {
    "个人": PERSONAL, "本人": PERSONAL, "集体": COLLECTIVE, "科室": COLLECTIVE, "部门": COLLECTIVE,
    "股室": COLLECTIVE, "处室": COLLECTIVE, "全体": EVERYONE, "单位": EVERYONE, "全员": EVERYONE,
}


__all__ = [
    "ATTENDANCE_ITEMS",
    "ATTENDANCE_NON_ITEM_COLUMNS",
    "COLLECTIVE",
    "EVERYONE",
    "NONE_MARKS",
    "NORMAL_STATUSES",
    "NO_WORDS",
    "PERSONAL",
    "SHEETS",
    "TARGET_KINDS",
    "YES_WORDS",
    "ColumnSpec",
    "SheetSpec",
    "header_keys",
    "sheet_spec",
]
