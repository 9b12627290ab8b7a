"""The commented skeleton scheme written by `kaohe schemes new`: every key of a small scheme
with a Chinese comment, loading as it is (a test checks that it does)."""

from __future__ import annotations

SKELETON = '''\
# 考核方案样板（kaohe schemes new 生成）。以 # 开头的是说明，可以删去。
# 键（等号左边）一律用英文；值（等号右边）的文本用英文双引号括起来，可以写中文。
# 取值可写英文或中文，如 period = "月度" 与 period = "month" 相同。
# 改好后运行：kaohe schemes check 本文件；写法详见《方案编写指南》（kaohe schemes guide > 方案编写指南.md 导出）。

id = "{id}"                  # 方案编号：小写字母开头，只用小写字母、数字、- 和 _
name = "{name}"              # 方案名称，显示在结果和通知书上
source = ""                  # 依据的文件，如 "某某局平时考核办法（2024）"
subject = "个人"             # 考核对象：个人 / 单位
period = "月度"              # 考核周期：月度 / 季度 / 半年度 / 年度 / 学期 / 学年
description = ""             # 一句话说明计分办法

# ---- 考核项目：每个项目有满分，扣分类事项从中扣，扣完为止 ----
[[components]]
name = "基础分"              # 项目名称
kind = "扣分"                # 扣分（满分扣完为止）/ 评分（在评分表中打分）/ 录入（录入加减分）/ 排名（按排名分档）/ 分档（按数值分档）
max = 100                    # 满分
description = "基础分100分，扣完为止"

# ---- 事项目录：每个可能发生的事情一项 ----
[[items]]
name = "迟到"                # 事项名称（记实、奖惩、考勤表中写的名称）
aliases = ["迟到次数"]       # 别名：表中写这些名称也认
kind = "扣分"                # 扣分 / 加分 / 标记（只记录，不计分）
component = "基础分"         # 从哪个考核项目中扣（加分事项不写）
unit = "次"                  # 次 / 天
points = 1                   # 每次（每天）的分值，只写大小，加减由 kind 决定
attendance = true            # 可以作为考勤表的一列
description = "每次扣1分"

[[items]]
name = "工作失误"
kind = "扣分"
component = "基础分"
range = [1, 5]               # 视情扣分：分值填在奖惩表的「分值」列，须在此范围内
evidence = false             # true：须填文号，没有文号不计分
description = "视情节扣1至5分"

[[items]]
name = "通报表扬"
kind = "加分"
points = 2
category = "表扬"            # 加分类别，用于加分封顶（不写时为事项名称）
description = "每次加2分"

# ---- 加分封顶 ----
[bonus_caps]
categories = {{ "表扬" = 6 }}  # 每个类别最多加几分
total = 10                   # 加分合计最多几分

# ---- 规则：条件成立时对等次或得分的处理 ----
[[rules]]
name = "迟到超过5次，当期不称职"  # 规则名称，写进备注
when = {{ quantity_of = ["迟到"], gt = 5 }}  # 条件：迟到次数大于5
action = "定等次"            # 定等次 / 至多 / 不得评 / 不确定等次 / 该项不得分 / 总分为0
grade = "不称职"             # 定等次、至多 要写等次；须是下面声明过的等次

# ---- 等次：从高到低；不评等次的方案可以删去整个 [grading] ----
[grading]
grades = [
  {{ name = "优秀", min = 90, quota = "20%" }},  # min：分数线（含）；quota：名额，比例或人数
  {{ name = "称职", min = 70 }},
  {{ name = "基本称职", min = 60 }},
  {{ name = "不称职" }},                         # 最后一个等次不写分数线
]
'''


def skeleton(scheme_id: str = "wode", name: str = "我的考核方案") -> str:
    return SKELETON.format(id=scheme_id, name=name)
