"""The sample workbooks under sample_data/ are reproducible and internally consistent.

The allow-lists below restate shared/SCHEMES.md: the canonical item names (事项) of each
built-in scheme, with their levels (级别), plus the kexie names fixed for the sample data.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "kaohe_cli" / "sample_data"
TOOL = ROOT / "tools" / "make_sample_data.py"
MESSY = "caizheng/messy/2023-03.xlsx"

ZJ_LEVELS = {"省委省政府", "州委州政府", "省级部门", "县委县政府", "州级部门", "县级部门"}
CZ_AWARD = {"国家", "省", "市", "局"}
MB_LEVELS = {"国家", "部委", "省委省政府", "省级部门", "市委市政府"}
GH_LEVELS = {"全总", "省总", "市总"}

# scheme -> item -> allowed 级别 (None: the item takes no level)
ITEMS: dict[str, dict[str, set[str] | None]] = {
    "zhujian": {
        **dict.fromkeys(["履职不力", "迟到", "早退", "脱岗", "旷工", "事假", "病假", "年休假",
                         "参加活动", "文体活动", "知识竞赛"]),
        "通报表扬": ZJ_LEVELS,
        "通报批评": ZJ_LEVELS,
    },
    "caizheng": {
        **dict.fromkeys([
            "迟到", "早退", "脱岗", "旷工", "无故超假", "值班电话无人接听", "值班迟到早退脱岗",
            "值班缺岗被通报", "突发事件不到场", "会议迟到早退", "会议无故缺席", "工作时间从事无关活动",
            "午间饮酒", "服务对象投诉属实", "下班未关电器", "因此造成安全事故", "无故不参加重大活动被通报",
            "月记逾期", "月记缺交", "小结工作未完成", "不服从临时工作安排", "临时工作未按时完成",
            "泄密或网络安全事件", "重点工作态度消极或质量不符", "重点工作未按时完成", "重点工作被通报批评",
            "重点报表材料未按要求上报", "克难有为", "公益活动", "公益活动获名次", "因工作不力被省市通报",
            "推诿失职造成不良影响", "影响安定团结", "重大失职", "应急任务推诿", "限时办结不力", "情节严重",
        ]),
        "科室受奖": CZ_AWARD,
        "个人受奖": CZ_AWARD,
        "对外宣传": {"国家", "省", "市"},
        "明查暗访": {"通报", "媒体曝光", "查处"},
    },
    "jinjiang": dict.fromkeys(["迟到", "旷工", "事假", "病假", "效能告诫", "立案调查", "处分"]),
    "mubiao": {
        **dict.fromkeys(["市领导批示肯定", "经验推广", "中心专项评比表彰", "通报批评", "工作失误",
                         "严重违纪违法", "弄虚作假"]),
        "集体表彰": MB_LEVELS,
        "个人先进": MB_LEVELS,
    },
    "gonghui": {
        **dict.fromkeys([
            "重点工作未完成", "重点工作延迟完成", "部室工作未完成", "学习例会未请假缺席", "学习例会迟到早退",
            "汇报记载不全", "信访未及时到岗", "信访接待无记录未处理", "信访接待不当引发越级上访",
            "未到联系点指导", "下基层天数不足", "调研报告理论文章未完成", "信息未及时上报",
            "重要情况未及时报送", "内务巡查不合格", "上级交办未完成", "工作差错造成影响", "作风投诉属实",
            "违反计划生育规定", "重大责任事故", "违反社会治安综合治理规定", "违反党风廉政建设规定",
            "党组确定的其他否决事项",
        ]),
        "表彰": GH_LEVELS,
        "经验交流": GH_LEVELS,
        "创新评比获奖": GH_LEVELS,
    },
    "kexie": {
        **dict.fromkeys([
            "集体学习缺席", "集体学习迟到早退", "学习内容未完成", "读书笔记不足", "心得体会不足", "迟到早退",
            "旷工", "不服从安排", "未按时完成", "工作失误", "被县督查办通报", "管理纪律违规", "廉政纪律违规",
            "中心工作不服从", "中心工作未完成", "单位考核优秀",
        ]),
        "个人荣誉": {"本单位", "县委政府", "市科协", "省科协", "国家科协"},
        "单项工作先进": {"县", "市", "省", "国家"},
        "单位荣誉称号": {"县", "市", "省"},
    },
}

# Discretionary (视情) ranges of 分值, as (scheme, item, 责任 or None) -> (low, high)
SCORE_RANGES = {
    ("zhujian", "履职不力", None): (0.5, 20),
    ("mubiao", "集体表彰", None): (0, 5),
    ("mubiao", "市领导批示肯定", None): (1, 3),
    ("mubiao", "中心专项评比表彰", None): (0.5, 1.5),
    ("mubiao", "工作失误", "主要"): (0.5, 1.5),
    ("kexie", "工作失误", None): (3, 5),
    ("kexie", "管理纪律违规", None): (2, 4),
}
ATTENDANCE = {
    "zhujian": ["迟到", "早退", "脱岗", "旷工", "事假", "病假", "年休假"],
    "caizheng": ["迟到", "早退", "脱岗", "旷工"],
    "jinjiang": ["迟到", "旷工", "事假", "病假"],
}
RATED = {
    "mubiao": {"责任清单": 60, "一岗双责": 10, "意识形态": 4, "制度执行": 4, "预算执行": 2,
               "兜底条款": 5, "考核办评价": 5, "领导小组评价": 10},
    "kexie": {"个人部分": 60},
}
SHEETS = {
    "zhujian": ["人员", "考勤", "记实", "奖惩"],
    "caizheng": ["人员", "考勤", "记实", "奖惩"],
    "jinjiang": ["人员", "考勤", "评分", "奖惩"],
    "mubiao": ["单位", "评分", "奖惩"],
    "gonghui": ["单位", "人员", "奖惩"],
    "kexie": ["人员", "评分", "奖惩"],
}
EXPECTED_FILES = (
    [f"zhujian/2023-{m:02d}.xlsx" for m in range(1, 13)]
    + [f"caizheng/2023-{m:02d}.xlsx" for m in (1, 2, 3)]
    + [f"jinjiang/2023Q{q}.xlsx" for q in (1, 2, 3, 4)]
    + ["mubiao/2023.xlsx", "gonghui/2023.xlsx", "kexie/2023.xlsx", MESSY]
)
TIDY = [f for f in EXPECTED_FILES if f != MESSY]


def _load_tool():
    name = "kaohe_tools_make_sample_data"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, TOOL)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[name]


def _values(path: Path) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


_CACHE: dict[Path, dict[str, list[list]]] = {}


def _book(rel: str) -> dict[str, list[dict]]:
    """A tidy committed workbook as {sheet: [row dicts]}, with '' for blank cells."""
    path = SAMPLE / rel
    if path not in _CACHE:
        _CACHE[path] = _values(path)
    return {name: [dict(zip(rows[0], r)) for r in rows[1:]] for name, rows in _CACHE[path].items()}


def _period(rel: str) -> tuple[dt.date, dt.date]:
    stem = Path(rel).stem
    if m := re.fullmatch(r"(\d{4})-(\d{2})", stem):
        y, mo = int(m[1]), int(m[2])
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return dt.date(y, mo, 1), nxt - dt.timedelta(days=1)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", stem):
        y, q = int(m[1]), int(m[2])
        nxt = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1)
        return dt.date(y, 3 * q - 2, 1), nxt - dt.timedelta(days=1)
    y = int(stem)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample_data")
    paths = _load_tool().generate(out)
    return out, paths


def test_regenerated_values_equal_committed(regenerated):
    out, paths = regenerated
    made = sorted(p.relative_to(out).as_posix() for p in paths)
    # exports/ is made by tools/make_export_sample.py and checked in tests/attendance/test_export_scoring.py
    committed = sorted(
        p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*.xlsx") if p.relative_to(SAMPLE).parts[0] != "exports"
    )
    assert made == sorted(EXPECTED_FILES)
    assert committed == made, "sample_data/ is stale: run `make sample-data`"
    for rel in made:
        fresh, stored = _values(out / rel), _values(SAMPLE / rel)
        assert list(fresh) == list(stored), rel
        for sheet in fresh:
            assert fresh[sheet] == stored[sheet], f"{rel}:{sheet} differs from the regenerated copy"


def test_generation_is_byte_stable(regenerated, tmp_path):
    out, paths = regenerated
    again = _load_tool().generate(tmp_path)
    for first, second in zip(sorted(paths), sorted(again)):
        assert first.read_bytes() == second.read_bytes(), first.name


@pytest.mark.parametrize("rel", TIDY)
def test_sheets_items_levels_and_dates(rel):
    scheme = rel.split("/")[0]
    book = _book(rel)
    assert list(book)[: len(SHEETS[scheme])] == SHEETS[scheme]
    first, last = _period(rel)
    items = ITEMS[scheme]
    for sheet in ("记实", "奖惩"):
        for i, row in enumerate(book.get(sheet, []), start=2):
            where = f"{rel}:{sheet}!{i}"
            item = row["事项"]
            assert item in items, f"{where}: unknown 事项 {item!r}"
            levels = items[item]
            level = row.get("级别", "")
            if levels is None:
                assert level == "", f"{where}: {item} takes no 级别"
            else:
                assert level in levels, f"{where}: 级别 {level!r} not in {sorted(levels)}"
            assert isinstance(row["日期"], dt.date) and first <= row["日期"] <= last, where
            times = row.get("次数", 1.0)
            assert times == "" or (times > 0 and times * 2 == int(times * 2)), where
            key = (scheme, item, row.get("责任") or None)
            score = row.get("分值", "")
            if key in SCORE_RANGES or (scheme, item, None) in SCORE_RANGES:
                lo, hi = SCORE_RANGES.get(key) or SCORE_RANGES[(scheme, item, None)]
                assert score == "" or lo <= score <= hi, f"{where}: 分值 {score} outside {lo}–{hi}"
            else:
                assert score == "", f"{where}: {item} is not discretionary"


@pytest.mark.parametrize("rel", [f for f in TIDY if "人员" in SHEETS[f.split("/")[0]]])
def test_people_are_known(rel):
    scheme = rel.split("/")[0]
    book = _book(rel)
    roster = book["人员"]
    ids = [r["工号"] for r in roster]
    names = [r["姓名"] for r in roster]
    assert all(isinstance(g, str) and g for g in ids), "工号 are text"
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    by_id = dict(zip(ids, names))
    for sheet in ("考勤", "评分", "记实"):
        for row in book.get(sheet, []):
            assert row["工号"] in by_id, f"{rel}:{sheet}: unknown 工号 {row['工号']}"
            assert by_id[row["工号"]] == row["姓名"]
    if "分管领导" in roster[0]:
        assert {r["分管领导"] for r in roster} - {""} <= set(names)
    depts = {r["科室"] for r in roster}
    for row in book["奖惩"]:
        target = row["对象"]
        if scheme == "gonghui":
            units = {u["单位"] for u in book["单位"]}
            assert set(target.split("、")) <= units, target
        elif row["对象类型"] == "集体":
            assert target in depts, target
        elif row["对象类型"] == "全体":
            assert target == "县科协"
        else:
            assert target in by_id or target in names, target


@pytest.mark.parametrize("rel", [f for f in TIDY if f.split("/")[0] in ATTENDANCE])
def test_attendance_counts(rel):
    scheme = rel.split("/")[0]
    book = _book(rel)
    assert list(book["考勤"][0])[2:] == ATTENDANCE[scheme]
    active = {r["工号"] for r in book["人员"] if r.get("参评", "是") == "是"}
    assert {r["工号"] for r in book["考勤"]} == active
    for row in book["考勤"]:
        for item in ATTENDANCE[scheme]:
            v = row[item]
            assert v >= 0 and v * 2 == int(v * 2), (row["工号"], item, v)


@pytest.mark.parametrize("rel", [f for f in TIDY if f.split("/")[0] in ("mubiao", "kexie", "jinjiang")])
def test_rated_components_in_range(rel):
    scheme = rel.split("/")[0]
    book = _book(rel)
    rows = book["评分"]
    if scheme == "mubiao":
        assert {r["单位"] for r in rows} == {u["单位"] for u in book["单位"]}
    if scheme == "jinjiang":
        for r in rows:
            routine_max = 50 if r["重点项目"] != "" else 90
            assert 0 <= r["常规工作"] <= routine_max
            assert r["重点项目"] == "" or 0 <= r["重点项目"] <= 40
            assert isinstance(r["奖惩附加分"], float) and isinstance(r["测评得分"], float)
        return
    for r in rows:
        for comp, top in RATED[scheme].items():
            assert 0 <= r[comp] <= top, (rel, comp, r[comp])


def test_caizheng_evidence_and_ratings():
    """2–3 bonus rows lack a 文号 on purpose; 评分 comes with the quarter's last month only."""
    bonuses = {"科室受奖", "个人受奖", "克难有为", "对外宣传", "公益活动", "公益活动获名次"}
    missing = 0
    for m in (1, 2, 3):
        book = _book(f"caizheng/2023-{m:02d}.xlsx")
        missing += sum(1 for r in book["奖惩"] if r["事项"] in bonuses and r["文号"] == "")
        assert ("评分" in book) == (m == 3)
    assert 2 <= missing <= 3


def test_jinjiang_shows_clipping():
    extras = [r["奖惩附加分"] for q in range(1, 5) for r in _book(f"jinjiang/2023Q{q}.xlsx")["评分"]]
    assert sum(1 for v in extras if abs(v) > 10) == 1


def test_messy_copy_is_march_in_disguise():
    tidy = _book("caizheng/2023-03.xlsx")
    messy = _values(SAMPLE / MESSY)
    assert list(messy) == ["花名册", "考勤", "工作记实", "奖惩", "测评"]
    roster = messy["花名册"]
    assert roster[0][0].startswith("市财政局") and roster[1][:3] == ["编号", "\u3000姓名\u3000", "部门"]
    assert any(all(v == "" for v in row) for row in roster[2:]), "blank rows"
    attendance = messy["考勤"]
    assert attendance[0][0] == "2023年3月考勤表"
    assert attendance[-1][0] == "合计"

    def ident(v):
        return v if isinstance(v, str) else str(int(v))

    pairs = {(ident(r[0]), r[1]) for r in roster[2:] if r[0] != ""}
    assert pairs == {(r["工号"], r["姓名"]) for r in tidy["人员"]}
    numeric = [r[0] for r in attendance[3:-1] if isinstance(r[0], float)]
    assert numeric and all(v >= 1000 for v in numeric), "only 工号 without a leading zero are numbers"
    assert {ident(r[0]) for r in attendance[3:-1] if r[0] != ""} == {r["工号"] for r in tidy["考勤"]}
