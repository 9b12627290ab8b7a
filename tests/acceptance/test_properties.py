"""Properties of scoring that hold for every input, checked on small generated workbooks.

Inputs are generated for three schemes (caizheng monthly, zhujian monthly, jinjiang quarterly),
written to a real .xlsx and scored through `kaohe_cli.app.score.score_file`, exactly as
`kaohe score` does. Each property keeps to at most 25 examples.

Properties (from shared/SCHEMES.md, "Rules shared by every scheme"):
- one more deduction event never raises that person's total, and changes nobody else's;
- no bonus cap is exceeded (caizheng: each category ≤ 5 after caps, 加分 ≤ 25);
- no quota is exceeded (好 ≤ floor(N × 40%) per 分管领导 group; jinjiang 优秀/良好 per 类别);
- the order of input rows (roster, attendance, events, ratings) changes no total or grade;
- every point of a total is on a ledger line (the 总分 written on 汇总 is the sum of the counted,
  non-annual lines, rounded half away from zero; the counted 明细 lines add up to the same);
- scoring the same file twice writes the same 汇总 (and 明细, 科室, 问题).
"""

from __future__ import annotations

import copy
import tempfile
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe_cli.errors import InputErrors
from kaohe_cli.domain.points import SCALE
from kaohe_cli.scheme import load_scheme
from kaohe_cli.app.score import score_file
from tests.helpers import write_book
from tests.written_result import counted_line_sums, half_up, written_line_sums, written_totals

PROPS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

PERIODS = {"caizheng": "2023-05", "zhujian": "2023-05", "jinjiang": "2023Q2"}
DEPTS = ["预算科", "国库科", "综合科"]
JC = ["对象", "对象类型", "事项", "级别", "次数", "分值", "责任", "文号", "事由", "日期"]


@lru_cache(maxsize=None)
def scheme(scheme_id: str):
    return load_scheme(scheme_id)


def score(scheme_id: str, sheets: dict, folder: Path | None = None):
    """Score generated sheets; a generator that makes an invalid workbook is a bug in the test."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_book(Path(folder or tmp) / "in.xlsx", sheets)
        try:
            return score_file(path, scheme(scheme_id), PERIODS[scheme_id])
        except InputErrors as exc:  # pragma: no cover - shows what the generator got wrong
            raise AssertionError("generated input was refused:\n" + "\n".join(
                f"{i.location} {i.message}" for i in exc.issues if i.is_error)) from None


# ---- generators -------------------------------------------------------------------------

CZ_COMPONENT_ITEMS = [
    "值班迟到早退脱岗", "会议迟到早退", "会议无故缺席", "午间饮酒", "服务对象投诉属实",
    "月记逾期", "月记缺交", "小结工作未完成", "不服从临时工作安排",
    "重点工作态度消极或质量不符", "重点工作未按时完成", "重点工作被通报批评",
]
CZ_OUTSIDE = [("因工作不力被省市通报", None), ("影响安定团结", None), ("明查暗访", "通报"),
              ("明查暗访", "查处"), ("重大失职", None), ("限时办结不力", None)]
CZ_BONUS = [("个人受奖", "国家"), ("个人受奖", "省"), ("个人受奖", "市"), ("个人受奖", "局"),
            ("克难有为", None), ("对外宣传", "国家"), ("对外宣传", "省"), ("对外宣传", "市"),
            ("公益活动", None), ("公益活动获名次", None)]
CZ_DEPT_BONUS = ["国家", "省", "市", "局"]
REASONS = ["甲事", "乙事", "丙事"]

halves = st.integers(0, 4).map(lambda n: n / 2)  # 0, 0.5 … 2 days


@st.composite
def people(draw, min_size=2, max_size=8, leaders=("甲领导", "乙领导", "")):
    """Scored people; 1001 (员工1) is sometimes also the 分管领导 of others (a scored leader)."""
    n = draw(st.integers(min_size, max_size))
    choices = list(leaders) + (["员工1"] if draw(st.booleans()) else [])
    out = []
    for i in range(n):
        leader = draw(st.sampled_from(choices))
        out.append({"id": str(1001 + i), "name": f"员工{i + 1}", "dept": draw(st.sampled_from(DEPTS)),
                    "leader": "甲领导" if leader == "员工1" and i == 0 else leader})
    return out


def _leader_rows():
    return [["9001", "甲领导", "局领导", None, None, "否"], ["9002", "乙领导", "局领导", None, None, "否"]]


@st.composite
def caizheng_input(draw):
    ps = draw(people())
    ids = [p["id"] for p in ps]
    depts = sorted({p["dept"] for p in ps})
    roster = [["工号", "姓名", "科室", "类别", "分管领导", "参评"]] + _leader_rows() + [
        [p["id"], p["name"], p["dept"], None, p["leader"] or None, "是"] for p in ps]
    att = [["工号", "姓名", "迟到", "早退", "脱岗", "旷工"]] + [
        [p["id"], p["name"], draw(st.integers(0, 4)), draw(st.integers(0, 2)), draw(st.integers(0, 1)), draw(halves)]
        for p in ps]
    log = [["工号", "姓名", "事项", "次数", "日期", "说明"]]
    names = {p["id"]: p["name"] for p in ps}
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.sampled_from(ids))
        by_name = draw(st.booleans())  # a row may name the person by 姓名 only
        log.append([None if by_name else i, names[i] if by_name else None, draw(st.sampled_from(CZ_COMPONENT_ITEMS)),
                    draw(st.integers(1, 4)), "2023-05-10", None])
    jc = [JC]
    for k in range(draw(st.integers(0, 10))):
        item, level = draw(st.sampled_from(CZ_BONUS))
        doc = draw(st.sampled_from([f"市财政局〔2023〕{k + 1}号", f"市财政局〔2023〕{k + 1}号", None]))
        jc.append([draw(st.sampled_from(ids)), "个人", item, level, draw(st.integers(1, 3)), None, None, doc,
                   draw(st.sampled_from(REASONS)), "2023-05-12"])
    for k in range(draw(st.integers(0, 3))):
        jc.append([draw(st.sampled_from(depts)), "集体", "科室受奖", draw(st.sampled_from(CZ_DEPT_BONUS)), 1, None, None,
                   f"省财政厅〔2023〕{k + 50}号", draw(st.sampled_from(REASONS)), "2023-05-15"])
    for _ in range(draw(st.integers(0, 3))):
        item, level = draw(st.sampled_from(CZ_OUTSIDE))
        jc.append([draw(st.sampled_from(ids)), "个人", item, level, draw(st.integers(1, 2)), None, None, None, "查实", "2023-05-20"])
    for _ in range(draw(st.integers(0, 2))):
        jc.append([draw(st.sampled_from(depts)), "集体", draw(st.sampled_from(["下班未关电器", "因此造成安全事故"])), None,
                   1, None, None, None, "节能检查", "2023-05-22"])
    sheets = {"人员": roster, "考勤": att, "记实": log, "奖惩": jc}
    if draw(st.booleans()):
        sheets["评分"] = [["工号", "测评得分", "不称职票"]] + [
            [p["id"], draw(st.integers(70, 100)), draw(st.integers(0, 3))] for p in ps]
    return sheets


ZJ_LEVELS = ["省委省政府", "州委州政府", "县委县政府", "县级部门"]


@st.composite
def zhujian_input(draw):
    ps = draw(people())
    ids = [p["id"] for p in ps]
    depts = sorted({p["dept"] for p in ps})
    roster = [["工号", "姓名", "科室", "类别", "分管领导", "参评"]] + _leader_rows() + [
        [p["id"], p["name"], p["dept"], None, p["leader"] or None, "是"] for p in ps]
    if draw(st.booleans()):
        att = [["工号", "姓名", "迟到", "早退", "脱岗", "旷工", "事假", "病假", "年休假"]] + [
            [p["id"], p["name"], draw(st.integers(0, 5)), draw(st.integers(0, 2)), draw(st.integers(0, 2)),
             draw(halves), draw(halves), draw(halves), draw(halves)] for p in ps]
    else:  # detail form: one status per person-day
        att = [["工号", "姓名", "日期", "状态", "天数"]]
        for day in range(1, draw(st.integers(1, 12)) + 1):
            status = draw(st.sampled_from(["迟到", "早退", "脱岗", "旷工", "事假", "病假", "年休假"]))
            p = draw(st.sampled_from(ps))
            days = draw(st.sampled_from([0.5, 1])) if status in ("旷工", "事假", "病假", "年休假") else None
            att.append([p["id"], p["name"], f"2023-05-{day:02d}", status, days])
    jc = [JC]
    for _ in range(draw(st.integers(0, 4))):
        jc.append([draw(st.sampled_from(ids)), "个人", "履职不力", None, 1, draw(st.integers(1, 40)) / 2, None, None,
                   "审批延误", "2023-05-21"])
    for k in range(draw(st.integers(0, 3))):
        collective = draw(st.booleans())
        target = draw(st.sampled_from(depts)) if collective else draw(st.sampled_from(ids))
        item = draw(st.sampled_from(["通报表扬", "通报批评"]))
        jc.append([target, "集体" if collective else "个人", item, draw(st.sampled_from(ZJ_LEVELS)), 1, None, None,
                   f"县委〔2023〕{k + 1}号", "专项工作", "2023-05-12"])
    for _ in range(draw(st.integers(0, 2))):
        jc.append([draw(st.sampled_from(ids)), "个人", "参加活动", None, draw(st.integers(1, 2)), None, None, None,
                   "运动会", "2023-05-08"])
    return {"人员": roster, "考勤": att, "奖惩": jc}


JJ_CATEGORIES = ["科级干部", "中层干部", "一般工作人员"]


@st.composite
def jinjiang_input(draw):
    n = draw(st.integers(2, 9))
    ps = [{"id": str(3001 + i), "name": f"干部{i + 1}", "dept": draw(st.sampled_from(DEPTS)),
           "cat": draw(st.sampled_from(JJ_CATEGORIES))} for i in range(n)]
    ids = [p["id"] for p in ps]
    roster = [["工号", "姓名", "科室", "类别"]] + [[p["id"], p["name"], p["dept"], p["cat"]] for p in ps]
    att = [["工号", "姓名", "迟到", "旷工", "病假", "事假"]] + [
        [p["id"], p["name"], draw(st.integers(0, 11)), draw(st.sampled_from([0, 0.5, 1, 2, 2.5])),
         draw(st.integers(0, 20)), draw(st.integers(0, 25))] for p in ps]
    ratings = [["工号", "常规工作", "重点项目", "奖惩附加分", "测评得分"]]
    for p in ps:
        if draw(st.booleans()):
            ratings.append([p["id"], draw(st.integers(0, 100)) / 2, draw(st.integers(0, 80)) / 2,
                            draw(st.integers(-12, 12)), draw(st.integers(80, 99))])
        else:  # no 重点项目 this quarter: 常规 rated 0–90
            ratings.append([p["id"], draw(st.integers(0, 180)) / 2, None, draw(st.integers(-12, 12)),
                            draw(st.integers(80, 99))])
    jc = [JC]
    for k in range(draw(st.integers(0, 2))):
        jc.append([draw(st.sampled_from(ids)), "个人", draw(st.sampled_from(["效能告诫", "立案调查", "处分"])), None, 1,
                   None, None, f"晋纪〔2023〕{k + 1}号", "核查", "2023-05-10"])
    return {"人员": roster, "考勤": att, "评分": ratings, "奖惩": jc}


INPUTS = {"caizheng": caizheng_input(), "zhujian": zhujian_input(), "jinjiang": jinjiang_input()}


@st.composite
def any_input(draw, schemes=("caizheng", "zhujian", "jinjiang")):
    sid = draw(st.sampled_from(schemes))
    return sid, draw(INPUTS[sid])


def subject_ids(sheets: dict) -> list[str]:
    return [r[0] for r in sheets["人员"][1:] if r[-1] != "否" or len(r) < 6]


def extra_deduction(draw, sid: str, sheets: dict) -> tuple[dict, str]:
    """A copy of `sheets` with one more deduction event for one scored person."""
    out = copy.deepcopy(sheets)
    who = draw(st.sampled_from([r[0] for r in sheets["人员"][1:] if not (len(r) == 6 and r[5] == "否")]))
    if sid == "caizheng":
        if draw(st.booleans()):
            out["记实"].append([who, None, draw(st.sampled_from(CZ_COMPONENT_ITEMS)), 1, "2023-05-30", None])
        else:
            item, level = draw(st.sampled_from(CZ_OUTSIDE))
            out["奖惩"].append([who, "个人", item, level, 1, None, None, None, "追加", "2023-05-30"])
    elif sid == "zhujian":
        out["奖惩"].append([who, "个人", "履职不力", None, 1, draw(st.integers(1, 40)) / 2, None, None, "追加", "2023-05-30"])
    else:
        out["奖惩"].append([who, "个人", draw(st.sampled_from(["迟到", "旷工"])), None, 1, None, None, None, "追加",
                           "2023-05-30"])
    return out, who


# ---- properties ---------------------------------------------------------------------------


@settings(PROPS, max_examples=15)
@given(st.data())
def test_an_extra_deduction_never_raises_a_total(data):
    sid, sheets = data.draw(any_input())
    more, who = extra_deduction(data.draw, sid, sheets)
    before = score(sid, sheets).result.table["total"]
    after = score(sid, more).result.table["total"]
    assert int(after[who]) <= int(before[who]), (sid, who, int(before[who]), int(after[who]))
    others = before.index.drop(who)
    pd.testing.assert_series_equal(after[others], before[others], check_names=False)


@PROPS
@given(caizheng_input())
def test_bonus_caps_are_never_exceeded(sheets):
    r = score("caizheng", sheets).result
    caps = scheme("caizheng").bonus_caps
    assert caps.total is not None and caps.categories
    limit_total = int(Decimal(caps.total) * SCALE)
    assert (r.table["加分"] <= limit_total).all(), r.table["加分"]
    assert (r.table["加分"] >= 0).all()
    led = r.ledger[r.ledger["counted"] & ~r.ledger["annual"] & (r.ledger["component"] == "")]
    bonus = led[led["kind"].isin(["bonus", "cap"]) & ~led["category"].isin(["合计", "扣分"])]
    per_cat = bonus.groupby(["subject", "category"])["points"].sum()
    for (subject, cat), pts in per_cat.items():
        cap = caps.categories.get(cat)
        assert cap is not None, f"bonus category {cat!r} has no cap in caizheng"
        assert 0 <= int(pts) <= int(Decimal(cap) * SCALE), (subject, cat, int(pts))
    # the total cap line, if any, is what brings the sum of capped categories down to 25
    capped_sum = per_cat.groupby(level="subject").sum().reindex(r.table.index, fill_value=0)
    total_lines = led[(led["kind"] == "cap") & (led["category"] == "合计")].groupby("subject")["points"].sum()
    final = capped_sum.add(total_lines, fill_value=0)
    assert (final.reindex(r.table.index, fill_value=0) == r.table["加分"]).all()


def _floor_pct(n: int, pct: int) -> int:
    return n * pct // 100


@PROPS
@given(any_input(schemes=("caizheng", "jinjiang")))
def test_quotas_are_never_exceeded(case):
    sid, sheets = case
    r = score(sid, sheets).result
    col = "分管领导" if sid == "caizheng" else "类别"
    groups = r.subjects[col].fillna("").astype(str).replace("", "未指定")
    grades = r.table["grade"]
    limits = {"好": 40} if sid == "caizheng" else {"优秀": 25, "良好": 30}
    for g, members in grades.groupby(groups):
        n = int((members != "不确定等次").sum())
        for grade, pct in limits.items():
            assert int((members == grade).sum()) <= _floor_pct(n, pct), (sid, g, grade, n, list(members))
    # a quota grade always meets its threshold
    mins = {g.name: g.min for g in scheme(sid).grading.grades}
    for s, grade in grades.items():
        if grade in limits:
            assert Decimal(int(r.table.at[s, "cents"])) / 100 >= Decimal(mins[grade]), (s, grade)


def _shuffled(data, sheets: dict) -> dict:
    out = {}
    for name, rows in sheets.items():
        body = data.draw(st.permutations(rows[1:]), label=f"order of {name}")
        out[name] = [rows[0]] + list(body)
    return out


@settings(PROPS, max_examples=15)
@given(st.data())
def test_row_order_changes_no_total_or_grade(data):
    sid, sheets = data.draw(any_input())
    a = score(sid, sheets).result.table
    b = score(sid, _shuffled(data, sheets)).result.table
    b = b.reindex(a.index)
    pd.testing.assert_series_equal(a["total"], b["total"])
    pd.testing.assert_series_equal(a["grade"], b["grade"])
    pd.testing.assert_series_equal(a["rank"], b["rank"])


@settings(PROPS, max_examples=20)
@given(any_input())
def test_every_point_of_a_total_is_on_a_ledger_line(case):
    """The total written in the result is the sum of the subject's counted ledger lines.

    The engine makes `table["total"]` as `counted.groupby("subject")["points"].sum()`, so the
    first assertion, which does the same, can only catch the table being altered afterwards. The
    promise itself is checked independently: the lines are added up here one by one (plain ints,
    then Decimal), rounded half away from zero here, and compared with the engine's rounded
    `cents` and with the 总分 that the workbook shows; the 明细 lines marked 计入 = 是 in the
    workbook must add up to the same, exactly. Hand-computed totals: tests/acceptance/test_cases.py.
    """
    from kaohe_cli.app.score import write_outputs

    sid, sheets = case
    with tempfile.TemporaryDirectory() as tmp:
        scored = score(sid, sheets, Path(tmp))
        r = scored.result
        led = r.ledger
        counted = led[led["counted"] & ~led["annual"]]
        sums = counted.groupby("subject")["points"].sum().reindex(r.table.index, fill_value=0)
        assert (sums.astype("int64") == r.table["total"]).all(), pd.DataFrame({"ledger": sums, "total": r.table["total"]})
        assert set(led["subject"]) <= set(r.table.index), "a ledger line for someone who is not scored"
        # every scored subject of the roster is in the table, and only they
        assert sorted(r.table.index) == sorted(subject_ids(sheets))

        lines = counted_line_sums(r)
        cents = {str(s): Decimal(int(c)) / 100 for s, c in r.table["cents"].items()}
        assert cents == {s: half_up(v) for s, v in lines.items()}, (sid, lines, cents)
        out = write_outputs(scored, Path(tmp) / "out.xlsx", None).output
        written = written_totals(out)
        on_sheet = written_line_sums(out)
    assert written == {s: half_up(v) for s, v in lines.items()}, (sid, "汇总 总分 is not the sum of the ledger", written, lines)
    assert set(on_sheet) <= set(lines), (sid, "明细 has lines for someone who is not scored", on_sheet)
    assert {s: on_sheet.get(s, Decimal(0)) for s in lines} == lines, (sid, "明细 lines do not add up", on_sheet, lines)


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb:
        rows = list(ws.iter_rows(values_only=True))
        if ws.title == "说明":
            rows = [r for r in rows if r[0] != "生成时间"]
        out[ws.title] = rows
    return out


@settings(PROPS, max_examples=10)
@given(any_input())
def test_scoring_the_same_file_twice_gives_the_same_workbook(case):
    from kaohe_cli.app.score import write_outputs

    sid, sheets = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_book(folder / "in.xlsx", sheets)
        first = write_outputs(score_file(path, scheme(sid), PERIODS[sid]), folder / "a.xlsx", None)
        second = write_outputs(score_file(path, scheme(sid), PERIODS[sid]), folder / "b.xlsx", None)
        va, vb = _values(first.output), _values(second.output)
    assert va["汇总"] == vb["汇总"]
    assert va == vb


@pytest.mark.parametrize("sid", list(PERIODS))
def test_generators_make_valid_scored_inputs(sid):
    """The sheet layout the generators use is accepted by each scheme (a fixed, minimal example)."""
    r = score(sid, _fixed_example(sid)).result
    assert sorted(r.table.index) == sorted(subject_ids(_fixed_example(sid)))


def _fixed_example(sid: str) -> dict:
    if sid == "jinjiang":
        return {
            "人员": [["工号", "姓名", "科室", "类别"], ["3001", "甲", "预算科", "科级干部"], ["3002", "乙", "国库科", "科级干部"]],
            "考勤": [["工号", "姓名", "迟到", "旷工", "病假", "事假"], ["3001", "甲", 1, 0, 0, 0], ["3002", "乙", 0, 0, 0, 0]],
            "评分": [["工号", "常规工作", "重点项目", "奖惩附加分", "测评得分"], ["3001", 40, 30, 2, 90], ["3002", 80, None, 0, 85]],
            "奖惩": [JC],
        }
    roster = [["工号", "姓名", "科室", "类别", "分管领导", "参评"]] + _leader_rows() + [
        ["1001", "员工1", "预算科", None, "甲领导", "是"], ["1002", "员工2", "国库科", None, "", "是"]]
    return {"人员": roster, "奖惩": [JC]}


def test_same_reason_choice_ignores_row_order():
    """Found by test_row_order_changes_no_total_or_grade: one 事由 at one level on two rows with 次数 1
    and 3 gave 101 or 103 depending on which row came first. The row worth most must count (103)."""
    roster = [["工号", "姓名", "科室", "类别", "分管领导", "参评"], ["1001", "员工1", "预算科", None, None, "是"]]
    one = ["1001", "个人", "对外宣传", "市", 1, None, None, "驻马店日报1", "甲事", "2023-05-12"]
    three = ["1001", "个人", "对外宣传", "市", 3, None, None, "驻马店日报2", "甲事", "2023-05-12"]
    first = score("caizheng", {"人员": roster, "奖惩": [JC, one, three]}).result.table.at["1001", "total"]
    second = score("caizheng", {"人员": roster, "奖惩": [JC, three, one]}).result.table.at["1001", "total"]
    assert int(first) == int(second) == 103 * SCALE
