"""The graded workbook, read back with openpyxl: golden values, text safety, print setup, traceability.

Two hand cases are scored through the CLI (`kaohe score … -o OUT.xlsx --db DB`):

- `caizheng` (person scheme) — GOLDEN_CAIZHENG below, worked out by hand from SCHEMES.md §2:
  Group 钱局 (9001, 参评=否), N=6 → 好 quota floor(6 × 40%) = 2.
  1001 `=HYPERLINK("x")` 预算科: 100 + 科室受奖 省 3 (collective, 预算科) + 个人受奖 国家 5 + 市 2 = 7 → capped 5
        → 加分 8 → 108.00, rank 1, 好; 备注 names the cap.
  1002 `+SUM(1,2)` 预算科: 考勤 30 − 迟到 2 = 28; 科室受奖 3 + 克难有为 2 → 103.00, rank 2.
  1006 李四 预算科: 100 + 科室受奖 3 → 103.00, rank 2.  1002 and 1006 stand on places 2-3 across
        the edge of 2 → both 并列待定.
  1003 `-1+1` 国库科: 考勤 30 − 迟到 1 − 旷工 0.5 天 (1 half day × 2) = 27 → 97.00, rank 4, 良好.
  1004 `@cmd` 国库科: 明查暗访 通报 −3 outside components → 扣分 3 → 97.00, rank 4, 良好.
  1005 张三 国库科: 午间饮酒 −5 → 考勤 25; 公益活动 without 文号 earns nothing (计入 否) → 95.00, rank 6, 良好.
  科室: 预算科 3 people, mean (108+103+103)/3 = 104.67, max 108, min 103, 好 1, 并列待定 2;
        国库科 3 people, mean (97+97+95)/3 = 96.33, max 97, min 95, 良好 3.

- `mubiao` (unit scheme) — the hand case `mubiao-veto-keeps-score-and-rank` of tests/cases.

The expected 汇总/科室 values and cell types live in tests/golden/*.json. After a deliberate
change of the workbook layout, regenerate them with
`python -m tests.acceptance.test_result_workbook --update-golden`, read the diff, and commit it; the
hand-computed totals asserted below must still hold.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.scheme import load_scheme, scheme_hash
from tests.helpers import write_book

GOLDEN_DIR = Path(__file__).parents[1] / "golden"
SHEETS = ["汇总", "明细", "科室", "问题", "说明"]
FORMULA_LIKE = ['=HYPERLINK("x")', "+SUM(1,2)", "-1+1", "@cmd"]

PERSON = ["工号", "姓名", "科室", "类别", "分管领导", "参评"]
KAOQIN = ["工号", "姓名", "迟到", "早退", "脱岗", "旷工"]
JISHI = ["工号", "姓名", "事项", "次数", "日期", "说明"]
JIANGCHENG = ["对象", "对象类型", "事项", "级别", "次数", "分值", "责任", "文号", "事由", "日期"]

CAIZHENG_SHEETS = {
    "人员": [
        PERSON,
        ["9001", "钱局", "局领导", None, None, "否"],
        ["1001", '=HYPERLINK("x")', "预算科", "科员", "钱局", "是"],
        ["1002", "+SUM(1,2)", "预算科", "科员", "钱局", "是"],
        ["1003", "-1+1", "国库科", "科员", "钱局", "是"],
        ["1004", "@cmd", "国库科", "科员", "钱局", "是"],
        ["1005", "张三", "国库科", "科员", "钱局", "是"],
        ["1006", "李四", "预算科", "科员", "钱局", "是"],
    ],
    "考勤": [
        KAOQIN,
        ["1001", '=HYPERLINK("x")', 0, 0, 0, 0],
        ["1002", "+SUM(1,2)", 2, 0, 0, 0],
        ["1003", "-1+1", 1, 0, 0, 0.5],
        ["1004", "@cmd", 0, 0, 0, 0],
        ["1005", "张三", 0, 0, 0, 0],
        ["1006", "李四", 0, 0, 0, 0],
    ],
    "记实": [
        JISHI,
        ["1005", "张三", "午间饮酒", 1, "2023-05-12", None],
    ],
    "奖惩": [
        JIANGCHENG,
        ["预算科", "集体", "科室受奖", "省", 1, None, None, "省财政厅〔2023〕15号", "预算绩效先进", "2023-05-16"],
        ["1001", "个人", "个人受奖", "国家", 1, None, None, "财政部〔2023〕9号", "会计领军人才", "2023-05-08"],
        ["1001", "个人", "个人受奖", "市", 1, None, None, "市政府〔2023〕17号", "招商服务先进", "2023-05-09"],
        ["1002", "个人", "克难有为", None, 1, None, None, "市财政局〔2023〕32号", "债务化解攻坚", "2023-05-11"],
        ["1004", "个人", "明查暗访", "通报", 1, None, None, "市纪委〔2023〕6号", "上班时间离岗", "2023-05-09"],
        ["1005", "个人", "公益活动", None, 1, None, None, None, "义务植树", "2023-05-17"],
    ],
}

# Hand-computed (see the module docstring): 工号 → (总分, 名次, 等次, 加分, 扣分).
CAIZHENG_EXPECT = {
    "1001": ("108.00", 1, "好", "8", "0"),
    "1002": ("103.00", 2, "并列待定", "5", "0"),
    "1006": ("103.00", 2, "并列待定", "3", "0"),
    "1003": ("97.00", 4, "良好", "0", "0"),
    "1004": ("97.00", 4, "良好", "0", "3"),
    "1005": ("95.00", 6, "良好", "0", "0"),
}


def _mubiao_case() -> dict:
    from tests.cases.mubiao_cases import CASES

    return next(c for c in CASES if c["id"] == "mubiao-veto-keeps-score-and-rank")


CASES = {
    "caizheng": {"scheme": "caizheng", "period": "2023-05", "sheets": CAIZHENG_SHEETS},
    "mubiao": {"scheme": "mubiao", "period": "2023", "sheets": None},  # filled lazily from tests/cases
}


def case_sheets(name: str) -> dict:
    case = CASES[name]
    return copy.deepcopy(case["sheets"] if case["sheets"] is not None else _mubiao_case()["sheets"])


def score_with_cli(name: str, folder: Path) -> tuple[Path, Path, Path]:
    """Write the case's input, score it with `kaohe score`, return (input, output, db)."""
    case = CASES[name]
    folder.mkdir(parents=True, exist_ok=True)
    src = write_book(folder / f"{name}-2023.xlsx", case_sheets(name))
    out = folder / f"{name}-结果.xlsx"
    db = folder / "kaohe.db"
    res = CliRunner().invoke(
        app, ["score", str(src), "--scheme", case["scheme"], "--period", case["period"], "-o", str(out), "--db", str(db)]
    )
    assert res.exit_code == 0, res.output
    return src, out, db


def sheet_snapshot(ws) -> list[list]:
    """Every non-trailing-blank row as [[value, data_type], …] (None for an empty cell)."""
    rows = []
    for row in ws.iter_rows():
        cells = [[c.value, c.data_type] if c.value is not None else None for c in row]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def snapshot(out: Path) -> dict:
    wb = openpyxl.load_workbook(out)
    return {
        "sheets": wb.sheetnames,
        "汇总": sheet_snapshot(wb["汇总"]),
        "科室": sheet_snapshot(wb["科室"]),
        "明细_headers": [c.value for c in wb["明细"][1]],
        "问题_headers": [c.value for c in wb["问题"][1]],
        "说明_keys": [r[0] for r in wb["说明"].iter_rows(values_only=True)],
    }


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"result_{name}.json"


def regenerate_golden(folder: Path | None = None) -> list[Path]:
    """Rewrite tests/golden/result_*.json from the current writer. Review the diff before committing."""
    import tempfile

    written = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(folder or tmp)
        for name in CASES:
            _, out, _ = score_with_cli(name, base / name)
            snap = snapshot(out)
            # 说明 holds the run time and the input hash: keep only its stable keys.
            snap["说明_keys"] = [k for k in snap["说明_keys"] if k not in ("生成时间",)]
            path = golden_path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_golden_text(snap), encoding="utf-8")
            written.append(path)
    return written


def _golden_text(snap: dict) -> str:
    """JSON with one sheet row per line, so a diff shows which row changed."""
    parts = []
    for key, value in snap.items():
        if key in ("汇总", "科室"):
            rows = ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in value)
            parts.append(f"  {json.dumps(key, ensure_ascii=False)}: [\n{rows}\n  ]")
        else:
            parts.append(f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, tuple[Path, Path, Path]]:
    base = tmp_path_factory.mktemp("books")
    return {name: score_with_cli(name, base / name) for name in CASES}


def _load(path: Path):
    return openpyxl.load_workbook(path)


def _header_index(ws, row: int = 1) -> dict[str, int]:
    return {c.value: c.column - 1 for c in ws[row] if c.value is not None}


def _dec(v) -> Decimal:
    return Decimal(str(v))


# ---- golden values --------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_summary_and_dept_sheets_match_golden(books, name):
    _, out, _ = books[name]
    want = json.loads(golden_path(name).read_text(encoding="utf-8"))
    got = snapshot(out)
    got["说明_keys"] = [k for k in got["说明_keys"] if k not in ("生成时间",)]
    assert got["sheets"] == SHEETS
    for key in ("sheets", "明细_headers", "问题_headers", "说明_keys"):
        assert got[key] == want[key], key
    for sheet in ("汇总", "科室"):
        assert len(got[sheet]) == len(want[sheet]), sheet
        for r, (g, w) in enumerate(zip(got[sheet], want[sheet]), 1):
            assert g == w, f"{sheet} row {r}: {g} != {w}"


def test_caizheng_golden_is_the_hand_computation(books):
    """The golden file itself must agree with the hand computation in the docstring."""
    _, out, _ = books["caizheng"]
    ws = _load(out)["汇总"]
    head = _header_index(ws, 2)
    assert list(head) == ["名次", "工号", "姓名", "科室", "类别", "考勤工作", "常规工作", "重点工作", "民主测评",
                          "加分", "扣分", "总分", "等次", "备注"]
    got = {}
    order = []
    for row in ws.iter_rows(min_row=3, values_only=True):
        sid = row[head["工号"]]
        order.append(sid)
        got[sid] = (
            _dec(row[head["总分"]]).quantize(Decimal("0.01")), row[head["名次"]], row[head["等次"]],
            _dec(row[head["加分"]]), _dec(row[head["扣分"]]),
        )
    want = {k: (Decimal(t), r, g, Decimal(b), Decimal(d)) for k, (t, r, g, b, d) in CAIZHENG_EXPECT.items()}
    assert got == want
    assert order == ["1001", "1002", "1006", "1003", "1004", "1005"], "best rank first, roster order among equals"
    remarks = {row[head["工号"]]: row[head["备注"]] or "" for row in ws.iter_rows(min_row=3, values_only=True)}
    assert "封顶" in remarks["1001"]
    assert "并列" in remarks["1002"] and "并列" in remarks["1006"]
    dept = _load(out)["科室"]
    dh = _header_index(dept)
    rows = {r[dh["科室"]]: r for r in dept.iter_rows(min_row=2, values_only=True) if r[0]}
    assert (rows["预算科"][dh["人数"]], rows["预算科"][dh["平均分"]], rows["预算科"][dh["最高分"]],
            rows["预算科"][dh["最低分"]]) == (3, 104.67, 108, 103)
    assert (rows["预算科"][dh["好"]], rows["预算科"][dh["并列待定"]]) == (1, 2)
    assert (rows["国库科"][dh["人数"]], rows["国库科"][dh["平均分"]], rows["国库科"][dh["良好"]]) == (3, 96.33, 3)


def test_mubiao_golden_is_the_hand_computation(books):
    _, out, _ = books["mubiao"]
    ws = _load(out)["汇总"]
    head = _header_index(ws, 2)
    assert "单位" in head and "工号" not in head and "姓名" not in head
    case = _mubiao_case()
    got = {row[head["单位"]]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert set(got) == set(case["expect"])
    for unit, exp in case["expect"].items():
        assert _dec(got[unit][head["总分"]]) == Decimal(exp["总分"]), unit
        assert got[unit][head["名次"]] == exp["名次"], unit
    for unit, flags in case["expect_flags"].items():
        for f in flags:
            assert f in (got[unit][head["备注"]] or ""), (unit, f)


# ---- text is text ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_no_cell_is_a_formula(books, name):
    _, out, _ = books[name]
    wb = _load(out)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                if isinstance(c.value, str):
                    assert c.data_type == "s", f"{ws.title}!{c.coordinate}"
    with zipfile.ZipFile(out) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(info) and b"<f " not in z.read(info), info.filename


def test_formula_like_names_stay_text(books):
    _, out, _ = books["caizheng"]
    wb = _load(out)
    summary = wb["汇总"]
    head = _header_index(summary, 2)
    names = {}
    for row in summary.iter_rows(min_row=3):
        cell = row[head["姓名"]]
        names[cell.value] = cell.data_type
    for n in FORMULA_LIKE:
        assert names.get(n) == "s", (n, names)
    ledger = wb["明细"]
    lh = _header_index(ledger)
    seen = {}
    for row in ledger.iter_rows(min_row=2):
        cell = row[lh["姓名"]]
        seen.setdefault(cell.value, set()).add(cell.data_type)
    for n in FORMULA_LIKE:
        assert seen.get(n) == {"s"}, (n, seen.get(n))


# ---- print layout ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_print_setup_frozen_panes_and_titles(books, name):
    _, out, _ = books[name]
    wb = _load(out)
    for ws in wb:
        ps = ws.page_setup
        assert ps.orientation == "landscape", ws.title
        assert int(ps.paperSize) == 9, ws.title
        if ws.title == "明细":
            # 16 columns fitted to one page wide would print at about 6 pt: printed at 90% (9.5 pt)
            # instead, running on across pages that repeat 序号, 工号, 姓名.
            fit = ws.sheet_properties.pageSetUpPr
            assert not (fit is not None and fit.fitToPage), ws.title
            assert int(ps.scale) == 90 and ws.print_title_cols == "$A:$C", ws.title
        else:
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert ps.fitToWidth in (None, 1, "1"), ws.title  # absent means 1 page wide
            assert int(ps.fitToHeight) == 0, ws.title  # as many pages tall as needed
        header_row = 2 if ws.title == "汇总" else 1
        assert ws.freeze_panes == f"A{header_row + 1}", ws.title
        assert ws.print_title_rows == f"${header_row}:${header_row}", ws.title
        widths = [d.width for d in ws.column_dimensions.values() if d.width]
        assert widths, f"{ws.title} has no column widths"


def test_summary_column_widths_fit_cjk_text(books):
    _, out, _ = books["caizheng"]
    ws = _load(out)["汇总"]
    head = _header_index(ws, 2)
    col = openpyxl.utils.get_column_letter(head["姓名"] + 1)
    longest = max(len(str(r[head["姓名"]])) for r in ws.iter_rows(min_row=3, values_only=True))
    assert ws.column_dimensions[col].width >= longest


# ---- 说明, 科室 ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_about_sheet_has_input_and_scheme_hashes(books, name):
    src, out, _ = books[name]
    ws = _load(out)["说明"]
    text = "\n".join(f"{a}\t{b}" for a, b in ws.iter_rows(values_only=True))
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    assert digest in text
    assert src.name in text
    assert scheme_hash(load_scheme(CASES[name]["scheme"])) in text
    # Fingerprints and versions only in the 技术信息 block at the end; times local and Chinese.
    keys = [a for a, _ in ws.iter_rows(values_only=True)]
    tech = keys.index("技术信息")
    before = "\n".join(f"{a}\t{b}" for a, b in list(ws.iter_rows(values_only=True))[:tech])
    assert digest not in before and "SHA" not in before and "方案指纹" in keys[tech:]
    assert re.search(r"生成时间\t\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", text)


@pytest.mark.parametrize("name", list(CASES))
def test_dept_sheet_has_a_chart(books, name):
    _, out, _ = books[name]
    assert len(_load(out)["科室"]._charts) >= 1
    with zipfile.ZipFile(out) as z:
        assert "xl/charts/chart1.xml" in z.namelist()


def test_dept_mean_rounds_half_up(tmp_path):
    """科室 平均分 is a score: ROUND_HALF_UP, never float round (80.005 → 80.01, not 80.0)."""
    from tests.cases.mubiao_cases import RATING_HEADER, UNIT_HEADER

    sheets = {
        "单位": [UNIT_HEADER, ["甲处", "处室", 5, "", "是"], ["乙处", "处室", 5, "", "是"], ["丙中心", "直属单位", 9, "", "是"]],
        # 48 + 32 = 80.00; 48.01 + 32 = 80.01 → mean 80.005 → 80.01
        "评分": [RATING_HEADER, ["甲处", 48, 8, 3, 3, 2, 4, 4, 8], ["乙处", 48.01, 8, 3, 3, 2, 4, 4, 8],
                 ["丙中心", 54, 8, 3, 3, 2, 4, 4, 8]],
    }
    src = write_book(tmp_path / "units-2023.xlsx", sheets)
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(app, ["score", str(src), "--scheme", "mubiao", "--period", "2023", "-o", str(out), "--no-archive"])
    assert res.exit_code == 0, res.output
    ws = _load(out)["科室"]
    head = _header_index(ws)
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert _dec(rows["处室"][head["平均分"]]) == Decimal("80.01")
    assert _dec(rows["直属单位"][head["平均分"]]) == Decimal("86")


# ---- 明细: unique headers, sources, reconciliation ------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_ledger_headers_are_unique(books, name):
    _, out, _ = books[name]
    heads = [c.value for c in _load(out)["明细"][1]]
    assert len(heads) == len(set(heads)), heads
    for required in ("分值", "计入", "规则", "来源"):
        assert required in heads


_SOURCE = re.compile(r"^(?P<sheet>.+)!(?P<cell>[A-Z]{1,3}[1-9][0-9]*)$")


def check_sources(input_path: Path, ledger_ws) -> int:
    """Every non-empty 来源 names a cell of the input that holds a value. Returns how many were checked."""
    src = openpyxl.load_workbook(input_path)
    head = _header_index(ledger_ws)
    checked = 0
    for row in ledger_ws.iter_rows(min_row=2, values_only=True):
        where = row[head["来源"]]
        if not where:
            continue
        m = _SOURCE.match(where)
        assert m, f"来源 {where!r} is not 工作表!A1"
        assert m["sheet"] in src.sheetnames, f"来源 {where!r}: no sheet {m['sheet']!r}"
        value = src[m["sheet"]][m["cell"]].value
        assert value is not None, f"来源 {where!r} points to an empty cell ({row})"
        checked += 1
    return checked


@pytest.mark.parametrize("name", list(CASES))
def test_every_source_is_a_real_input_cell(books, name):
    src, out, _ = books[name]
    assert check_sources(src, _load(out)["明细"]) > 0


def reconcile(wb) -> dict[str, tuple[Decimal, Decimal]]:
    """Per subject: (sum of 明细 分值 with 计入=是, 汇总 总分). Also checks 计入 values."""
    ledger, summary = wb["明细"], wb["汇总"]
    lh = _header_index(ledger)
    sh = _header_index(summary, 2)
    key = "单位" if "单位" in sh else "工号"
    sums: dict[str, Decimal] = {}
    for row in ledger.iter_rows(min_row=2, values_only=True):
        counted = row[lh["计入"]]
        assert counted in ("是", "否", "年终"), counted
        sums.setdefault(row[lh[key]], Decimal(0))
        if counted == "是":
            sums[row[lh[key]]] += _dec(row[lh["分值"]])
    out = {}
    for row in summary.iter_rows(min_row=3, values_only=True):
        out[row[sh[key]]] = (sums.get(row[sh[key]], Decimal(0)), _dec(row[sh["总分"]]))
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_counted_ledger_points_reconcile_with_totals(books, name):
    _, out, _ = books[name]
    wb = _load(out)
    pairs = reconcile(wb)
    assert pairs
    for subject, (ledger_sum, total) in pairs.items():
        assert ledger_sum.quantize(Decimal("0.01"), ROUND_HALF_UP) == total.quantize(Decimal("0.01")), subject
    # and, without weights, the 汇总 row adds up: components + 加分 − 扣分 = 总分
    ws = wb["汇总"]
    head = _header_index(ws, 2)
    names = list(head)
    comps = names[names.index("类别") + 1 if "类别" in head else names.index("单位") + 1: names.index("加分")]
    for row in ws.iter_rows(min_row=3, values_only=True):
        parts = sum((_dec(row[head[c]]) for c in comps), Decimal(0)) + _dec(row[head["加分"]]) - _dec(row[head["扣分"]])
        assert parts == _dec(row[head["总分"]]), row


def test_uncounted_bonus_is_listed_but_not_counted(books):
    _, out, _ = books["caizheng"]
    wb = _load(out)
    ws = wb["明细"]
    head = _header_index(ws)
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[head["工号"]] == "1005" and r[head["事项"]] == "公益活动"]
    assert len(rows) == 1 and rows[0][head["计入"]] == "否"
    assert rows[0][head["来源"]] == "奖惩!C7"
    issues = [r for r in wb["问题"].iter_rows(min_row=2, values_only=True)]
    assert any("奖惩!H7" in (r[1] or "") and "文号" in (r[2] or "") for r in issues), issues


# ---- every hand case, through the library -------------------------------------------------


def _all_cases():
    import importlib

    out = []
    for m in ["zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"]:
        mod = importlib.import_module(f"tests.cases.{m}_cases")
        out += [pytest.param(c, id=c["id"]) for c in mod.CASES]
    return out


@pytest.mark.parametrize("case", _all_cases())
def test_every_hand_case_workbook_is_traceable(case, tmp_path):
    """For every hand case: sources are real cells, counted 明细 lines add up to 总分, no formulas."""
    from kaohe_cli.app.score import score_file, write_outputs

    src = write_book(tmp_path / f"{case['id']}.xlsx", case["sheets"])
    scored = score_file(src, load_scheme(case["scheme"]), case["period"])
    out = tmp_path / "out.xlsx"
    write_outputs(scored, out, None)
    wb = _load(out)
    check_sources(src, wb["明细"])
    for subject, (ledger_sum, total) in reconcile(wb).items():
        assert ledger_sum.quantize(Decimal("0.01"), ROUND_HALF_UP) == total, subject
    heads = [c.value for c in wb["明细"][1]]
    assert len(heads) == len(set(heads)), heads


if __name__ == "__main__":  # pragma: no cover - maintenance helper
    if "--update-golden" in sys.argv[1:]:
        for p in regenerate_golden():
            print(f"wrote {p}")
    else:
        print("usage: python -m tests.acceptance.test_result_workbook --update-golden")


# ---- the two writer paths ----------------------------------------------------------------


def _values(path: Path) -> dict[str, list[list]]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.mark.parametrize("source", [
    "caizheng-hand-case",
    "kaohe_cli/sample_data/caizheng/2023-03.xlsx",
    "kaohe_cli/sample_data/mubiao/2023.xlsx",
])
def test_plain_and_styled_writer_paths_give_identical_values(source, tmp_path, monkeypatch):
    """Sheets above `BIG` rows are written plainly (no per-cell styles) for speed; every value,
    text and type must be what the styled path writes — formula-like names stay text."""
    from kaohe_cli.app.score import score_file
    from kaohe_cli.write import result_xlsx, xlsx_style

    if source == "caizheng-hand-case":
        path = write_book(tmp_path / "2023-05.xlsx", CAIZHENG_SHEETS)
        scheme, period = "caizheng", "2023-05"
    else:
        path = Path(__file__).resolve().parents[2] / source
        scheme, period = source.split("/")[2], None
    scored = score_file(path, load_scheme(scheme), period)
    out = {}
    for name, big in (("plain", 0), ("styled", 10**9)):
        monkeypatch.setattr(xlsx_style, "BIG", big)
        out[name] = tmp_path / f"{name}.xlsx"
        result_xlsx.write_result(scored.result, out[name], scored.run)
    plain, styled = _values(out["plain"]), _values(out["styled"])
    assert list(plain) == SHEETS
    assert plain == styled
    assert len(plain["明细"]) > 2
    if source == "caizheng-hand-case":
        names = {row[2] for row in plain["汇总"][2:]}
        assert set(FORMULA_LIKE) <= names  # written as text on the plain path too


def test_rows_with_wrapped_text_get_the_height_they_need(tmp_path):
    """A 备注 longer than its 40-character column wraps: its row is made tall enough, so the
    text does not overlap the rows below (Excel and WPS do not grow such rows by themselves)."""
    from kaohe_cli.write.xlsx_style import LINE_HEIGHT, _wrapped_lines

    assert _wrapped_lines("短", 40) == 1
    assert _wrapped_lines("与3人同分并列于「好」名额边缘（彭梅菊：名额8人），待集体研究决定", 40) == 2
    assert _wrapped_lines("一\n二\n三", 40) == 3
    import openpyxl

    from kaohe_cli.packaged import sample_dir
    from kaohe_cli.app.score import score_file
    from kaohe_cli.write.result_xlsx import write_result

    scored = score_file(sample_dir() / "caizheng" / "2023-01.xlsx", load_scheme("caizheng"), None)
    out = tmp_path / "r.xlsx"
    write_result(scored.result, out, scored.run)
    ws = openpyxl.load_workbook(out)["汇总"]
    cols = [c.value for c in ws[2]]
    tall = [r for r in range(3, ws.max_row + 1) if len(str(ws.cell(r, cols.index("备注") + 1).value or "")) > 20]
    assert tall
    for r in tall:
        assert ws.row_dimensions[r].height >= 2 * LINE_HEIGHT, r


def test_every_sheet_prints_the_unit_and_what_it_is_in_its_header(tmp_path):
    import dataclasses

    import openpyxl

    from kaohe_cli.packaged import sample_dir
    from kaohe_cli.app.score import score_file
    from kaohe_cli.write.result_xlsx import write_result

    scored = score_file(sample_dir() / "caizheng" / "2023-01.xlsx", load_scheme("caizheng"), None,
                        unit_name="某某市财政局")
    out = tmp_path / "r.xlsx"
    write_result(scored.result, out, dataclasses.replace(scored.run))
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.oddHeader.left.text == "某某市财政局", ws.title
        assert "2023年1月" in (ws.oddHeader.center.text or ""), ws.title
        assert "&P" in (ws.oddFooter.center.text or ""), ws.title
        assert ws.print_title_rows, ws.title
