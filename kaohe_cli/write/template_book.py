"""The input workbook for a scheme: the sheets and headers it needs, with drop-downs.

Written with xlsxwriter: headers with a comment each, drop-down lists for 事项, 级别,
对象类型, 责任 and 是/否 columns (lists live on a hidden sheet `_选项`), frozen header rows and
an A4 print set-up. With a roster, the people are copied in and pre-filled in 考勤 and 评分.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from kaohe_cli.domain.period import Period
from kaohe_cli.scheme.bands import band_text
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.text import join_names, num
from kaohe_cli.write.xlsx_style import close_book, open_book

ROWS = 2000  # rows prepared with drop-downs

COMMENTS = {
    "工号": "职工的唯一编号，按文本填写可保留前导零（如 0012）",
    "姓名": "姓名；重名时其他表请用工号",
    "科室": "所在科室（部门、股室、处室）",
    "类别": "人员类别，如 机关/事业，科级干部/中层干部/一般工作人员；按类别分配名额时必填",
    "分管领导": "分管领导的工号或姓名（按分管领导分组、连带扣分时使用）",
    "岗位": "岗位（可选）",
    "职务": "职务（可选）",
    "参加工作时间": "参加工作日期，用于计算年休假天数，如 2008-07-01",
    "年休假天数": "本年应休年休假天数；留空则按参加工作时间计算",
    "入职日期": "入职或调入日期；当期新入职人员按方案处理",
    "参评": "是 或 否；否 表示只作为分管领导等被引用，不参加评分",
    "单位": "单位（处室、部室）名称",
    "类型": "处室 / 直属单位 等",
    "人数": "实有人数（计算奖金时使用）",
    "参评先进": "是 或 否；否 表示参加考核但不参与先进评比",
    "对象": "工号、姓名；对象类型为集体时填科室名称；单位方案填单位名称，多个用、分隔",
    "对象类型": "个人 / 集体 / 全体，缺省为个人",
    "事项": "从下拉列表选择方案中的事项",
    "级别": "按事项选择级别（见「填写说明」）",
    "次数": "次数，缺省为1；旷工和请假按天数，半天写0.5",
    "分值": "视情计分事项填写每次的分值（正数）；固定分值的事项留空",
    "责任": "主要 / 次要（单位方案的通报批评、工作失误）",
    "文号": "书面依据的文号，如 财政通〔2023〕15号；须有书面依据的加分没有文号不计分",
    "事由": "事由；同一事由多级表彰只按最高计",
    "日期": "事项发生或发文日期，如 2023-03-15",
    "说明": "说明（可选）",
    "状态": "逐日考勤：从下拉列表选择事项（旷工、事假…），每人每天一行；正常出勤的日子不用填",
    "天数": "全天填 1，半天填 0.5；留空按 1 天",
    "测评得分": "民主测评或领导测评得分",
    "不称职票": "民主测评中的不称职票数",
}


def template_sheets(scheme: Scheme) -> list[tuple[str, list[str]]]:
    """(sheet name, headers) in the order the clerk fills them."""
    sheets: list[tuple[str, list[str]]] = []
    if scheme.is_unit:
        sheets.append(("单位", ["单位", "类型", "人数", "分管领导", "参评先进"]))
        if scheme.leaders_from == "roster" and any(r for r in ()):  # pragma: no cover
            pass
        sheets.append(("人员", ["工号", "姓名", "科室", "职务"]))
    else:
        roster = ["工号", "姓名", "科室", "类别", "分管领导", "岗位", "职务", "参评"]
        for a in (scheme.annual.allowances if scheme.annual else []):
            roster += [c for c in (a.by_years.column if a.by_years else None, a.column) if c and c not in roster]
        if any(w.new_workdays_lt for r in scheme.rules for w in r.when.tables()):
            roster.append("入职日期")
        sheets.append(("人员", roster))
        att = [it.name for it in scheme.attendance_items]
        if att and _needs_daily(scheme):  # a consecutive-days rule reads dates: one row per day
            sheets.append(("考勤", ["工号", "姓名", "日期", "状态", "天数"]))
        elif att:
            sheets.append(("考勤", ["工号", "姓名"] + att))
        sheets.append(("记实", ["工号", "姓名", "事项", "次数", "分值", "日期", "说明"]))
    ev = ["对象"] + ([] if scheme.is_unit else ["对象类型"]) + ["事项", "级别", "次数", "分值"]
    if any(it.level_field == "责任" for it in scheme.items):
        ev.append("责任")
    ev += ["文号", "事由", "日期"]
    sheets.append(("奖惩", ev))
    cols = scheme.rating_columns
    if cols:
        sheets.append(("评分", (["单位"] if scheme.is_unit else ["工号", "姓名"]) + cols))
    return sheets


def _needs_daily(scheme: Scheme) -> bool:
    """Whether a rule counts consecutive days, which only a dated (one row per day) 考勤 sheet gives."""
    rules = list(scheme.rules) + list(scheme.annual.rules if scheme.annual else [])
    return any(w.consecutive for r in rules for w in r.when.tables())


TEMPLATE_SCHEME_HEADER = "方案编号"
"""Header of the cell on the template's hidden `_选项` sheet that records the scheme id."""


def write_template(scheme: Scheme, path: Path, *, period: Period | None = None, roster: pd.DataFrame | None = None,
                   scheme_ref: str | None = None) -> None:
    wb = open_book(path)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "font_name": "宋体"})
    text = wb.add_format({"num_format": "@", "font_name": "宋体"})
    plain = wb.add_format({"font_name": "宋体"})

    # Sheet order: 填写说明 first (the book opens on it), the data sheets, the dropdown lists
    # `_选项` hidden and last. The lists' ranges are known before their sheet exists.
    _guide(wb, scheme, period, head, scheme_ref)
    options = _option_lists(scheme)
    refs = {name: f"=_选项!${_col(c)}$2:${_col(c)}${max(len(v), 1) + 1}" for c, (name, v) in enumerate(options.items())}

    for sheet_name, headers in template_sheets(scheme):
        ws = wb.add_worksheet(sheet_name)
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, head)
            comment = _comment(scheme, sheet_name, h) or COMMENTS.get(h, "")
            if comment:
                ws.write_comment(0, c, comment, {"x_scale": 2, "y_scale": 1.2})
            width = max(8, sum(2 if ord(ch) > 0x2E80 else 1 for ch in h) + 4)
            if h in ("事项", "事由", "说明"):
                width = 24
            ws.set_column(c, c, width, text if h in ("工号", "文号", "对象") else plain)
            valid = _validation(h, refs)
            if valid:
                ws.data_validation(1, c, ROWS, c, valid)
        ws.freeze_panes(1, 0)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        title = f"{scheme.name} {sheet_name}" + (f"（{period.label}）" if period else "")
        ws.set_header(f"&C&\"宋体,Bold\"{title.replace('&', '&&')}")
        ws.set_footer("&C第 &P 页，共 &N 页")
        if roster is not None and len(roster):
            _prefill(ws, sheet_name, headers, roster, scheme)
    lists = wb.add_worksheet("_选项")
    for c, (name, values) in enumerate(options.items()):
        lists.write_string(0, c, name)
        for r, v in enumerate(values, 1):
            lists.write_string(r, c, v)
    # The scheme the template was made for, so scoring it with another one is caught at once.
    lists.write_string(0, len(options), TEMPLATE_SCHEME_HEADER)
    lists.write_string(1, len(options), scheme.id)
    lists.hide()
    close_book(wb)


def _comment(scheme: Scheme, sheet_name: str, h: str) -> str:
    """The header comment a scheme gives a column: a component's range or bands in 评分, an
    attendance item's unit and rule in 考勤; "" for the general comment (`COMMENTS`)."""
    if sheet_name == "评分":
        banded = next((c for c in scheme.components if c.kind == "value_band" and h in c.rating_columns), None)
        if banded is not None:
            votes = ("" if banded.ratio is None else "；填数字，须大于0" if h == banded.ratio.denominator
                     else "；填数字，没有填0")
            top = f"；范围 0–{num(banded.column_max)}" if banded.column_max is not None else ""
            return f"{banded.name}按数值分档：{band_text(banded)}{votes}{top}"
        comp = scheme.component(h)
        if comp is None:
            return ""
        extra = f"{comp.name}：{'评分' if comp.kind == 'rated' else '录入'}，范围 {num(comp.min)}–{num(comp.max)}"
        donors = [d for d in scheme.components if d.blank_to == comp.name]
        if donors:
            extra += "；" + "，".join(f"{d.name}为空时满分{num(comp.max + d.max)}" for d in donors)
        if comp.blank == "absent":
            extra += "；留空表示本期没有" + (f"，满分转入{comp.blank_to}" if comp.blank_to else "")
        return extra
    it = scheme.item(h) if sheet_name == "考勤" else None
    if it is None:
        return ""
    what = {"天": "天数，半天写0.5", "小时": "小时数，可有两位小数（如1.25）"}.get(it.unit, "次数")
    return f"{it.name}：{what}；{it.rule_text()}"


def _option_lists(scheme: Scheme) -> dict[str, list[str]]:
    items = [it.name for it in scheme.items]
    levels: list[str] = []
    resp: list[str] = []
    for it in scheme.items:
        for lv in it.levels:
            (resp if it.level_field == "责任" else levels).append(lv.name)
    return {
        "事项": items,
        # a day's row holds days, not hours: items in 小时 are entered on 记实
        "考勤状态": [it.name for it in scheme.attendance_items if it.unit != "小时"] or ["（本方案无考勤事项）"],
        "级别": list(dict.fromkeys(levels)) or ["（本方案无级别）"],
        "对象类型": ["个人", "集体", "全体"],
        "责任": list(dict.fromkeys(resp)) or ["主要", "次要"],
        "是否": ["是", "否"],
    }


def _validation(header: str, refs: dict[str, str]) -> dict | None:
    source = {"事项": "事项", "级别": "级别", "对象类型": "对象类型", "责任": "责任", "参评": "是否", "参评先进": "是否",
              "状态": "考勤状态"}.get(header)
    if source:
        return {
            "validate": "list", "source": refs[source], "ignore_blank": True,
            "error_title": "不在可选范围内", "error_message": f"请从下拉列表中选择{header}",
            "error_type": "warning" if header in ("级别", "状态") else "stop",
        }
    if header in ("次数", "分值", "年休假天数", "人数", "不称职票", "天数"):
        return {"validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
                "error_title": "应为数字", "error_message": f"{header}应填写不小于0的数字"}
    return None


def _prefill(ws, sheet_name: str, headers: list[str], roster: pd.DataFrame, scheme: Scheme) -> None:
    people = roster
    if sheet_name == "人员":
        for r, (_, rec) in enumerate(people.iterrows(), 1):
            for c, h in enumerate(headers):
                v = rec.get(h, "")
                if h == "参评":
                    v = "是" if rec.get("参评", True) else "否"
                if v is None or v == "" or (isinstance(v, float) and v != v):
                    continue  # leave the cell blank, not an empty text
                if hasattr(v, "isoformat"):
                    v = v.isoformat()
                if isinstance(v, Decimal):
                    v = int(v) if v == v.to_integral_value() else float(v)  # a number cell, not text
                ws.write_string(r, c, str(v)) if not isinstance(v, (int, float)) or isinstance(v, bool) else ws.write_number(r, c, v)
    elif sheet_name == "评分" or (sheet_name == "考勤" and not _needs_daily(scheme)):
        scored = people[people["参评"].astype(bool)] if "参评" in people.columns else people
        for r, (gid, rec) in enumerate(scored.iterrows(), 1):
            ws.write_string(r, 0, str(rec.get("工号", gid)))
            ws.write_string(r, 1, str(rec.get("姓名", "")))


def _guide(wb, scheme: Scheme, period: Period | None, head, scheme_ref: str | None = None) -> None:
    """`scheme_ref`: how `--scheme` names the scheme (a file's path; "" when the workspace's
    default applies and no option is needed); the id when not given."""
    ref = scheme.id if scheme_ref is None else scheme_ref
    option = f" --scheme {ref}" if ref else ""
    ws = wb.add_worksheet("填写说明")
    ws.activate()  # the book opens here; the data sheets follow, each with its header frozen
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "font_name": "宋体"})
    ws.write_string(0, 0, f"{scheme.name}（{scheme.id}）输入工作簿" + (f" — {period.label}" if period else ""), head)
    lines = [
        "1. 先填「人员」（或「单位」），再填考勤、记实、奖惩、评分；表头不要改名，可以在表头上方加标题行。",
        "2. 事项、级别、对象类型从下拉列表选择；须有书面依据的加分请填写文号。",
        *(["   本方案有按连续天数判断的规则，「考勤」表按日填写：每人每个缺勤日一行（日期、状态、天数）。"]
          if _needs_daily(scheme) else []),
        f"3. 填好后运行：kaohe check 本文件{option}，按提示修改，直到没有错误。",
        f"4. 然后运行：kaohe score 本文件{option}。",
        "",
        "事项与计分：",
    ]
    for it in scheme.items:
        where = f"（{it.component}）" if it.component else ""
        ev = "；须有文号" if it.evidence else ""
        annual = "；年终计分" if it.annual else ""
        lines.append(f"· {it.rule_text()}{where}{ev}{annual}" + (f"；别名：{join_names(it.aliases)}" if it.aliases else ""))
    for r, line in enumerate(lines, 2):
        ws.write_string(r, 0, line, wrap)
    ws.set_column(0, 0, 110)


def _col(i: int) -> str:
    from kaohe_cli.text import col_letter

    return col_letter(i)

