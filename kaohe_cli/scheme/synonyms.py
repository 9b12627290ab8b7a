"""Chinese words a clerk may write in a scheme file, in one place.

- `VALUES`: per key, the Chinese words accepted for an enumerated value (`period = "月度"` is
  `period = "month"`). `translate` applies them to the raw TOML data before validation, so the
  model only ever holds the English values. To accept another word, add it here.
- `BOOL_WORDS`: 是/否 for true/false, for every key the model declares as a boolean.
- `KEYS`: Chinese keys and the English key to write instead (a key is never translated: the
  loader suggests it, so that a scheme file keeps one spelling of each key).
- `WITHIN`: keys whose words apply only inside one table (`source` of `[[annual.parts]]`).
- `label(key, value)`: `month（月度）` for messages that list the allowed values.
"""

from __future__ import annotations

from kaohe_cli.text import norm

# key → {Chinese word: English value}. The first word of each English value is its label.
VALUES: dict[str, dict[str, str]] = {
    "period": {
        "月度": "month", "月": "month", "每月": "month",
        "季度": "quarter", "季": "quarter", "每季度": "quarter",
        "半年度": "half", "半年": "half", "上半年": "half", "下半年": "half",
        "年度": "year", "年": "year", "每年": "year",
        "学期": "term", "学年": "schoolyear", "学年度": "schoolyear",
    },
    "subject": {"个人": "person", "人员": "person", "单位": "unit", "部门": "unit", "科室": "unit"},
    "kind": {
        "扣分": "deduction", "加分": "bonus", "标记": "marker", "记录": "marker",
        "评分": "rated", "录入": "input", "排名": "rank_band", "排名分档": "rank_band",
        "按数值分档": "value_band", "数值分档": "value_band", "分档": "value_band", "按比例分档": "value_band",
    },
    "action": {
        "定等次": "force_grade", "确定等次": "force_grade",
        "不得评": "not_eligible", "不得评为": "not_eligible",
        "不确定等次": "no_grade",
        "该项不得分": "zero_component", "项目不得分": "zero_component",
        "至多": "ceiling", "最高": "ceiling",
        "总分为0": "zero_total", "总分为零": "zero_total", "总分计0分": "zero_total",
        "仅标记": "flag", "只标记": "flag", "标记": "flag", "标记不计分": "flag", "标记(不计分)": "flag",
        "列出": "flag",
        "扣分": "deduct", "一次性扣分": "deduct", "加分": "bonus", "一次性加分": "bonus",
    },
    "scope": {"本期": "period", "考核期": "period", "月度": "period", "季度": "period", "年度": "annual", "全年": "annual"},
    "unit": {"次": "次", "天": "天", "日": "天", "节": "节", "课时": "节", "节课": "节", "周": "周", "星期": "周",
             "小时": "小时", "工时": "小时"},
    "tier_mode": {"累进": "progressive", "超额累进": "progressive", "分段累进": "progressive",
                  "全额": "whole", "全额累进": "whole", "全部按所达档次": "whole"},
    "rounding": {"向下取整": "floor", "去尾": "floor", "四舍五入": "round", "向上取整": "ceil", "进一": "ceil"},
    "aggregate": {"平均": "mean", "取平均": "mean", "单期": "single", "仅一期": "single", "加权": "weights", "加权平均": "weights"},
    "missing": {"按已有各期": "present", "按已有": "present", "按实有": "present", "按0分": "zero", "计0分": "zero",
                "缺期按0分": "zero", "拒绝": "refuse", "不汇总": "refuse", "报错": "refuse"},
    "source": {"各期": "periods", "各期汇总": "periods", "平时": "periods", "平时考核": "periods",
               "评分": "ratings", "评分表": "ratings", "年终评分": "ratings", "测评": "ratings"},
    "blank": {"报错": "error", "错误": "error", "视为0": "absent", "缺项": "absent"},
    "leaders_from": {"人员表": "roster", "人员": "roster", "花名册": "roster", "单位表": "units", "单位": "units"},
    "individual": {"本人": "self", "个人": "self", "分管领导": "leader"},
    "collective": {"成员": "members", "全体成员": "members", "科室成员": "members", "分管领导": "leader"},
}

# Keys whose words apply only inside one table: `source` is the 依据 text of the scheme itself,
# and an enumerated value only in `[[annual.parts]]`.
WITHIN: dict[str, str] = {"source": "parts"}

# Labels of English values that no Chinese word above maps to (or a better one than the first).
_LABELS: dict[str, str] = {
    "person": "个人", "unit": "单位", "period": "本期", "annual": "年度", "marker": "标记", "rank_band": "排名分档", "value_band": "按数值分档",
    "roster": "人员表", "units": "单位表", "self": "本人", "members": "成员", "leader": "分管领导",
    "error": "报错", "absent": "视为0", "flag": "仅标记", "progressive": "累进", "whole": "全额",
    "periods": "各期", "ratings": "评分",
}

BOOL_WORDS: dict[str, bool] = {"是": True, "否": False, "真": True, "假": False, "对": True, "错": False}

# Chinese key → English key, for the suggestion of an unknown key.
KEYS: dict[str, str] = {
    "编号": "id", "方案编号": "id", "名称": "name", "方案名称": "name", "版本": "version", "依据": "source",
    "来源": "source", "考核对象": "subject", "对象": "subject", "考核期": "period", "周期": "period",
    "考核周期": "period", "说明": "description", "描述": "description", "备注": "description",
    "事项": "items", "事项目录": "items", "考核项目": "components", "项目": "components",
    "等次": "grading", "评定等次": "grading", "等次列表": "grades", "规则": "rules", "否决": "rules",
    "年度": "annual", "年终": "annual", "加分封顶": "bonus_caps", "封顶": "bonus_caps", "扣分封顶": "deduction_cap",
    "类型": "kind", "种类": "kind", "分值": "points", "分数": "points", "每次分值": "points",
    "范围": "range", "分值范围": "range", "默认": "default", "默认分值": "default", "缺省": "default",
    "别名": "aliases", "又名": "aliases", "级别": "levels", "等级": "levels", "单位": "unit", "计量单位": "unit",
    "归属": "component", "所属项目": "component", "类别": "category", "加分类别": "category",
    "文号": "evidence", "须文号": "evidence", "考勤": "attendance", "年终计": "annual",
    "满分": "max", "最高分": "max", "最低分": "min", "分数线": "min", "权重": "weight", "分组": "group",
    "条件": "when", "动作": "action", "处理": "action", "范围期": "scope", "作用期": "scope",
    "名额": "quota", "比例": "quota", "名额分组": "quota_group", "取整": "rounding",
    "对象范围": "targets", "系数": "factors", "列": "column", "等于": "equals",
    "大于": "gt", "不小于": "gte", "达到": "gte", "合计": "total", "类别封顶": "categories",
    "等次写作": "grade_text", "等次栏": "grade_text",
    "按另一事项计": "counts_as", "按事项计": "counts_as", "超出部分": "overflow", "超过部分": "overflow",
    "折合": "per_unit",
}


def label(key: str, value: str) -> str:
    """`month（月度）`: an English value with the first Chinese word for it (the value alone if none)."""
    cn = next((w for w, v in VALUES.get(key, {}).items() if v == value and w != value), None)
    return f"{value}（{cn}）" if cn else value


def translate(data: object, bool_keys: frozenset[str], parent: str = "") -> object:
    """The raw TOML data with Chinese words for enumerated values replaced by the English
    values (and 是/否 by true/false for `bool_keys`). A word not in the tables is kept, so the
    validator reports it with the allowed values. Returns a new structure; `data` is not changed.
    `parent`: the key of the table (or array of tables) `data` is (for `WITHIN`)."""
    if isinstance(data, dict):
        return {k: _value(k, v, bool_keys, parent) for k, v in data.items()}
    if isinstance(data, list):
        return [translate(v, bool_keys, parent) for v in data]
    return data


def _value(key: str, value: object, bool_keys: frozenset[str], parent: str) -> object:
    words = VALUES.get(key, {}) if WITHIN.get(key, parent) == parent else {}
    if isinstance(value, str):
        word = norm(value)
        if key in bool_keys and word in BOOL_WORDS:
            return BOOL_WORDS[word]
        return words.get(word, value)
    if isinstance(value, list) and words:  # targets.individual = ["本人", "分管领导"]
        return [words.get(norm(v), v) if isinstance(v, str) else translate(v, bool_keys, key) for v in value]
    return translate(value, bool_keys, key)


def english_key(key: str) -> str | None:
    """The English key for a Chinese one (`名称` → `name`), or None."""
    return KEYS.get(norm(key).strip("\"'"))
