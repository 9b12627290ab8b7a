"""Small builders shared by tests: workbooks from plain rows, CLI runner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx with one sheet per entry; the first row of each is the header."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                elif isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), datefmt)
                else:
                    ws.write_string(r, c, str(v))
    wb.close()
    return path


def fail_sheet_in_reading(monkeypatch, sheet: str, detail: str = "bad row") -> None:
    """Make calamine fail on one sheet (whichever thread parses it), as a corrupt part would."""
    from kaohe_cli.read import calamine as W

    real = W._calamine_sheet

    def failing(book, name, label, max_cells, scans):
        if name == sheet:
            raise W._calamine_failed(label, W.python_calamine.CalamineError(detail), name)
        return real(book, name, label, max_cells, scans)

    monkeypatch.setattr(W, "_calamine_sheet", failing)


def score_summary(book: Path, scheme: Path, period: str, folder: Path) -> dict[str, dict]:
    """`kaohe score BOOK --scheme SCHEME --period PERIOD` in `folder`; the 汇总 rows by 姓名,
    each {column heading: value}."""
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    out = folder / "结果.xlsx"
    res = CliRunner().invoke(app, ["score", str(book), "--scheme", str(scheme), "--period", period,
                                   "--db", str(folder / "kaohe.db"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(load_workbook(out)["汇总"].iter_rows(values_only=True))
    head = list(rows[1])
    return {r[head.index("姓名")]: {c: r[i] for i, c in enumerate(head)} for r in rows[2:] if r[head.index("工号")]}


def zhujian_with_rules(folder: Path, rules: str) -> Path:
    """`kaohe schemes export zhujian`, edited as a user would: 优秀 from 90 (not 95), no leave
    allowance and no annual grading of its own (the year is graded like a month), and `rules`
    both as period rules and as `[annual].rules`; written to `folder/mine.toml`."""
    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    res = CliRunner().invoke(app, ["schemes", "export", "zhujian"])
    assert res.exit_code == 0, res.output
    text = res.stdout
    for old, new in (('id = "zhujian"', 'id = "mine"'),
                     ('{ name = "优秀", min = 95 }', '{ name = "优秀", min = 90 }'),
                     ("\n[grading]", rules + "\n[grading]")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    text = text[: text.index("# 年休假核算")] + rules.replace("[[rules]]", "[[annual.rules]]")
    path = folder / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path



def score_then_year(folder: Path, scheme: str, months: dict[str, dict], year: str) -> tuple[str, Path]:
    """`kaohe score` each {period code: sheets} into one archive in `folder`, then `kaohe quota
    --year YEAR` (both with `--scheme SCHEME`, a built-in id or a file); every run must succeed.
    Returns the quota run's console output and its workbook."""
    from typer.testing import CliRunner

    from kaohe_cli.cli.main import app

    runner, db = CliRunner(), folder / "kaohe.db"
    for code, sheets in months.items():
        book = write_book(folder / f"{code}.xlsx", sheets)
        res = runner.invoke(app, ["score", str(book), "--scheme", scheme, "--period", code, "--db", str(db),
                                  "-o", str(folder / f"{code}-结果.xlsx")])
        assert res.exit_code == 0, res.output
    out = folder / f"{year}-年度.xlsx"
    res = runner.invoke(app, ["quota", "--year", year, "--scheme", scheme, "--db", str(db), "-o", str(out)],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return res.output, out


def sheet_rows(path: Path, sheet: str, key: str, *cols: str) -> dict:
    """{`key` column value: (the named columns)} of a result sheet whose header is on its first
    or second row (a title row above it)."""
    from openpyxl import load_workbook

    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    at = 0 if key in rows[0] else 1
    head = list(rows[at])
    return {r[head.index(key)]: tuple(r[head.index(c)] for c in cols) for r in rows[at + 1:] if r[head.index(key)]}


# A scheme with both value-band forms (a vote ratio in Chinese words, a column in English) and an
# hour item; tests/engine/test_value_band_cli.py works its scores out by hand.
VALUE_BAND_SCHEME = '''id = "fendang"
name = "按数值分档示例"
period = "month"

[[components]]
name = "民主测评"
kind = "分档"
max = 15
ratio = { numerator = ["优秀票", "称职票"], denominator = "总票数" }
bands = [{ min = 0.9, points = 15 }, { min = 0.8, points = 12 }, { min = 0.7, points = 10 }]

[[components]]
name = "满意度"
kind = "value_band"
max = 10
column_max = 100
bands = [{ min = 95, points = 10 }, { min = 90, points = 8 }]
otherwise = 5

[[items]]
name = "加班"
kind = "bonus"
unit = "小时"
points = 0.5
attendance = true
'''
