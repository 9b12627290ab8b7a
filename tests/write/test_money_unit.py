"""A money unit (元 per point): the total's value in 汇总 and in each 结果反馈 letter.

The scheme is `kaohe schemes export zhujian` with `yuan_per_point = 12.5` and `money_name =
"绩效奖金"` added, as a clerk would; every amount below is worked out by hand.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe_cli.cli.main import app
from kaohe_cli.domain.points import money
from tests.helpers import write_book

PERSON = ["工号", "姓名", "科室", "类别"]
KAOQIN = ["工号", "姓名", "旷工"]


def _scheme(folder: Path, extra: str) -> Path:
    res = CliRunner().invoke(app, ["schemes", "export", "zhujian"])
    assert res.exit_code == 0, res.output
    text = res.stdout.replace('id = "zhujian"', 'id = "pay"', 1)
    head, sep, rest = text.partition("\n[")  # top-level keys go before the first table
    path = folder / "pay.toml"
    path.write_text(head + "\n" + extra + sep + rest, encoding="utf-8")
    return path


def test_money_is_the_total_times_the_rate_rounded_to_the_fen():
    assert money(Decimal("96.00"), Decimal("12.5")) == Decimal("1200.00")
    assert money(Decimal("99.55"), Decimal("0.3")) == Decimal("29.87")  # 29.865 → half-up
    assert money(Decimal("-1.05"), Decimal("0.5")) == Decimal("-0.53")  # -0.525 → away from zero


def test_the_summary_sheet_and_the_letter_show_the_money(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = _scheme(tmp_path, 'yuan_per_point = 12.5\nmoney_name = "绩效奖金"\n')
    book = write_book(tmp_path / "2023-03.xlsx", {
        "人员": [PERSON, ["001", "张三", "办公室", "公务员"], ["002", "李四", "办公室", "公务员"]],
        "考勤": [KAOQIN, ["001", "张三", 1], ["002", "李四", 0]],
    })
    runner = CliRunner()
    res = runner.invoke(app, ["score", str(book), "--scheme", str(scheme), "--db", "kaohe.db", "-o", "out.xlsx"])
    assert res.exit_code == 0, res.output
    ws = load_workbook(tmp_path / "out.xlsx")["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    heads = list(rows[1])
    assert heads[heads.index("总分") + 1] == "绩效奖金（元）"
    got = {r[heads.index("工号")]: (r[heads.index("总分")], r[heads.index("绩效奖金（元）")]) for r in rows[2:]}
    # zhujian: 100 points, 旷工 costs 4 a day (SCHEMES.md) → 96.00 × 12.5 = 1,200.00; 100 × 12.5 = 1,250.00
    assert got == {"001": (96, 1200), "002": (100, 1250)}

    res = runner.invoke(app, ["notice", "--feedback", "--period", "2023-03", "--scheme", str(scheme),
                              "--db", "kaohe.db", "--date", "2023-04-03", "-o", "letters"])
    assert res.exit_code == 0, res.output
    letter = next(p for p in (tmp_path / "letters").rglob("*.docx") if "张三" in p.name)
    with zipfile.ZipFile(letter) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    text = re.sub(r"<[^>]+>", "", xml)
    assert "考核等次为优秀。按每分12.5元计，绩效奖金为1,200.00元。" in text


def test_without_a_rate_nothing_changes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheme = _scheme(tmp_path, "")
    book = write_book(tmp_path / "2023-03.xlsx", {
        "人员": [PERSON, ["001", "张三", "办公室", "公务员"]],
        "考勤": [KAOQIN, ["001", "张三", 0]],
    })
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--db", "kaohe.db", "-o", "out.xlsx"])
    assert res.exit_code == 0, res.output
    heads = list(list(load_workbook(tmp_path / "out.xlsx")["汇总"].iter_rows(values_only=True))[1])
    assert not any("元" in str(h) for h in heads)
