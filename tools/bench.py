#!/usr/bin/env python3
"""`make bench`: how fast is `kaohe score`, compared with the floor of reading and writing?

Usage::

    python tools/bench.py [--sizes 1000,10000,20000] [--runs 3] [--json bench_out/bench.json]
                          [--no-variant] [--skip-quota] [--notice-sizes 2000,3000,20000] [--skip-notice]

For every size it measures, on the same generated workbook (tools/bench_data.py):

- `kaohe score FILE --scheme caizheng --period 2023-03 -o OUT --db DB --force` end to end, as a
  separate process: median wall time of `--runs` runs, and the child's peak RSS;
- each stage in one separate process (import time excluded): read (`read_workbook`),
  prepare (`app.prepare.prepare`, which reads again: the row "normalise+validate+events" is
  prepare minus read), engine (`score_period`), write workbook (`write_result`) and write
  archive (`scoring.archive_result`), each with its own peak RSS where the OS lets us reset the
  high-water mark (Linux);
- THE FLOOR, as a separate process: every sheet read with python-calamine
  (`CalamineWorkbook.from_path(...).get_sheet_by_name(n).to_python()`), and the 汇总 and 明细
  rows of kaohe's own output written again with plain xlsxwriter (same rows, same columns,
  strings and numbers, no scoring, no formats). Ratios are kaohe / floor.

Then `kaohe quota --year 2023` over 12 archived months of 10,000 staff (the row says 未实现
while the command does not exist), `kaohe notice --feedback` (结果反馈, one letter a person,
and with `--merge` one document) for the archived month of each of `--notice-sizes` staff
(default 2,000, 3,000 and 20,000): wall time, letters a second and peak RSS of the process,
and `kaohe --help` start-up (median of 5).

Prints a table and writes JSON. Never part of `make test`. Peak memory needs `os.wait4`
(Linux, macOS); elsewhere it is skipped with a note.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import marshal
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent
OUT = ROOT / "bench_out"
PERIOD = "2023-03"
SCHEME = "caizheng"
QUOTA_STAFF = 10_000
HELP_RUNS = 5
NOTICE_DATE = "2023-04-03"
NOTICE_RUNS_UP_TO = 5_000  # above this many letters a notice run is measured once, not --runs times

# (what, size, limit, unit): checked against the measured rows below.
TARGETS = [
    ("score ratio", 10_000, 1.3, "×floor"),
    ("score ratio", 20_000, 1.3, "×floor"),
    ("score rss", 10_000, 600.0, "MB"),
    ("quota", QUOTA_STAFF, 3.0, "s"),
    ("help", 0, 0.5, "s"),
    ("writer paths", 10_000, 0, ""),
    ("notice rate", 2_000, 200.0, "份/s"),  # at least: letters a second, whole process
    ("notice rate", 20_000, 200.0, "份/s"),
    ("notice rss", 3_000, 400.0, "MB"),  # at most: peak memory of the letters for 3,000 people
]
NOTICE_KINDS = (("kaohe notice --feedback", ()), ("kaohe notice --feedback --merge", ("--merge",)))


# ---- measuring a child process ---------------------------------------------------------------


@dataclass
class Proc:
    seconds: float
    rss_mb: float | None
    cpu: float | None  # user + system seconds of the child
    code: int
    stdout: str
    stderr: str


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONIOENCODING", "utf-8")
    env["COLUMNS"] = "120"
    env["NO_COLOR"] = "1"
    return env


def run_child(cmd: list[str], cwd: Path) -> Proc:
    """Run `cmd`; wall time from spawn to exit, and its own peak RSS (os.wait4) where available."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=_child_env())
        rss = cpu = None
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            # ru_maxrss is KiB on Linux and bytes on macOS.
            rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
            cpu = usage.ru_utime + usage.ru_stime
        else:
            proc.wait()
            seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Proc(seconds, rss, cpu, proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def kaohe_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "kaohe_cli", *args]


def _median(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def _max(xs: list[float | None]) -> float | None:
    xs = [x for x in xs if x is not None]
    return max(xs) if xs else None


def _tail(text: str, n: int = 6) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])


# ---- the rows of the report ------------------------------------------------------------------


@dataclass
class Row:
    stage: str
    size: str
    seconds: float | None = None
    floor: float | None = None
    ratio: float | None = None
    rss_mb: float | None = None
    note: str = ""
    runs: list[float] = field(default_factory=list)
    cpu: float | None = None  # CPU seconds (user + system): steadier than wall time on a busy machine
    floor_cpu: float | None = None
    cpu_ratio: float | None = None
    ok: bool | None = None  # a check rather than a timing (writer paths)
    rate: float | None = None  # letters a second (notice)

    def finish(self) -> "Row":
        if self.seconds is not None and self.floor:
            self.ratio = self.seconds / self.floor
        if self.cpu is not None and self.floor_cpu:
            self.cpu_ratio = self.cpu / self.floor_cpu
        return self


# ---- child: stages in process ----------------------------------------------------------------


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux ≥ 4.0: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def child_stages(file: Path, runs: int, workdir: Path, out_json: Path, shape_out: Path) -> None:
    t0 = time.perf_counter()
    from kaohe_cli import __version__
    from kaohe_cli.engine.core import score_period
    from kaohe_cli.domain.period import parse_period
    from kaohe_cli.app.prepare import prepare
    from kaohe_cli.read import read_workbook
    from kaohe_cli.scheme import load_scheme, scheme_hash
    from kaohe_cli.app.score import Scored, archive_result, count_workdays
    from kaohe_cli.write.result_xlsx import RunInfo, write_result

    import_s = time.perf_counter() - t0
    scheme = load_scheme(SCHEME)
    period = parse_period(PERIOD)
    can_reset = _reset_peak()
    gc.disable()  # as in `kaohe score`, whose commands run with the cyclic collector paused
    times: dict[str, list[float]] = {k: [] for k in ("read", "prepare", "engine", "write", "archive")}
    cpus: dict[str, list[float]] = {k: [] for k in times}
    peaks: dict[str, list[float | None]] = {k: [] for k in times}
    counts: dict[str, int] = {}
    out_xlsx = workdir / "stages-out.xlsx"

    def timed(name: str, fn):
        gc.collect()
        if can_reset:
            _reset_peak()
        start, cpu0 = time.perf_counter(), time.process_time()
        value = fn()
        times[name].append(time.perf_counter() - start)
        cpus[name].append(time.process_time() - cpu0)
        peaks[name].append(_peak_mb() if can_reset else None)
        return value

    for _ in range(runs):
        wb = timed("read", lambda: read_workbook(file))
        counts["cells"] = sum(len(r) for s in wb.sheets for r in s.rows)
        del wb
        prep = timed("prepare", lambda: prepare(file, scheme, period))
        result = timed("engine", lambda: score_period(prep, count_workdays=count_workdays))
        run = RunInfo([(file.name, "0" * 64)], __version__, "2023-04-01T00:00:00+08:00", scheme_hash(scheme), {})
        out_xlsx.unlink(missing_ok=True)
        timed("write", lambda: write_result(result, out_xlsx, run))
        db = workdir / "stages.db"
        for p in workdir.glob("stages.db*"):
            p.unlink()
        timed("archive", lambda: archive_result(Scored(file, result, run), db))
        counts.update(subjects=len(result.table), ledger=len(result.ledger), issues=len(result.issues))
        last = (result, run)
        del prep, result
    _dump_shape(out_xlsx, shape_out)
    paths = _compare_writer_paths(*last, out_xlsx, workdir / "stages-styled.xlsx")
    out_json.write_text(json.dumps({
        "import_s": import_s, "times": times, "cpus": cpus, "peaks": peaks, "counts": counts, "writer_paths": paths,
        "process_peak_mb": _peak_mb() if not can_reset else None,
    }), encoding="utf-8")


def _compare_writer_paths(result, run, plain: Path, styled: Path) -> dict:
    """Acceptance: the same values whichever writer path is used. Sheets above `BIG` rows are
    written plainly for speed; write this result again with every sheet styled, and compare
    every cell of every sheet (value and type, as calamine reads them)."""
    import python_calamine

    from kaohe_cli.write import result_xlsx, xlsx_style

    saved = xlsx_style.BIG
    xlsx_style.BIG = 10**12
    try:
        styled.unlink(missing_ok=True)
        result_xlsx.write_result(result, styled, run)
    finally:
        xlsx_style.BIG = saved

    def values(path: Path) -> dict:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}

    a, b = values(plain), values(styled)
    plain_sheets = [n for n in a if len(a[n]) - 1 > saved]
    differing = [n for n in a if a.get(n) != b.get(n)] + [n for n in b if n not in a]
    return {"identical": not differing, "differing": differing, "plain_sheets": plain_sheets,
            "cells": sum(len(r) for rows in a.values() for r in rows)}


def _dump_shape(result_xlsx: Path, shape_out: Path) -> None:
    """The 汇总 and 明细 cells of kaohe's output, for the floor to write again."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(result_xlsx))
    sheets = {}
    for name in ("汇总", "明细"):
        rows = book.get_sheet_by_name(name).to_python()
        sheets[name] = [[v if isinstance(v, (str, int, float)) else str(v) for v in row] for row in rows]
    shape_out.write_bytes(marshal.dumps(sheets))


# ---- child: the floor ------------------------------------------------------------------------


def child_floor(file: Path, shape: Path, workdir: Path, out_json: Path) -> None:
    t0 = time.perf_counter()
    import python_calamine
    import xlsxwriter

    import_s = time.perf_counter() - t0
    start, cpu0 = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_path(str(file))
    cells = 0
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
    del rows
    read_s, read_cpu = time.perf_counter() - start, time.process_time() - cpu0

    start = time.perf_counter()
    sheets = marshal.loads(shape.read_bytes())
    load_s = time.perf_counter() - start

    start, cpu0 = time.perf_counter(), time.process_time()
    target = workdir / "floor-out.xlsx"
    wb = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    if v:
                        ws.write_string(r, c, v)
                else:
                    ws.write_number(r, c, v)
    wb.close()
    write_s, write_cpu = time.perf_counter() - start, time.process_time() - cpu0
    out_json.write_text(json.dumps({
        "import_s": import_s, "read_s": read_s, "load_s": load_s, "write_s": write_s, "read_cpu": read_cpu, "write_cpu": write_cpu, "cells_read": cells,
        "rows": {k: len(v) for k, v in sheets.items()}, "cols": {k: max((len(r) for r in v), default=0) for k, v in sheets.items()},
    }), encoding="utf-8")


# ---- the benchmark ---------------------------------------------------------------------------


def bench_size(label: str, file: Path, runs: int, rows: list[Row], log) -> None:
    work = OUT / f"run-{label}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    # 1. stages in process (also writes the shape of kaohe's output for the floor)
    log(f"[{label}] 各阶段（进程内）…")
    stages_json, shape = work / "stages.json", work / "shape.marshal"
    p = run_child([sys.executable, str(Path(__file__).resolve()), "--child", "stages", "--file", str(file), "--runs", str(runs),
                   "--workdir", str(work), "--out", str(stages_json), "--shape", str(shape)], work)
    if p.code != 0:
        rows.append(Row("stages", label, note=f"失败 exit {p.code}: {_tail(p.stderr)}"))
        return
    st = json.loads(stages_json.read_text(encoding="utf-8"))

    # 2. the floor and 3. kaohe score end to end, interleaved so that both see the same load
    log(f"[{label}] 下限（calamine 读 + xlsxwriter 写）与 kaohe score 端到端，交替 ×{runs}…")
    floor_runs: list[dict] = []
    floor_procs: list[Proc] = []
    e2e: list[Proc] = []
    out_xlsx, db = work / "out.xlsx", work / "kaohe.db"
    for _ in range(runs):
        fj = work / "floor.json"
        fp = run_child([sys.executable, str(Path(__file__).resolve()), "--child", "floor", "--file", str(file), "--shape", str(shape),
                        "--workdir", str(work), "--out", str(fj)], work)
        if fp.code != 0:
            rows.append(Row("floor", label, note=f"失败 exit {fp.code}: {_tail(fp.stderr)}"))
            return
        floor_runs.append(json.loads(fj.read_text(encoding="utf-8")))
        floor_procs.append(fp)
        for p_ in work.glob("kaohe.db*"):
            p_.unlink()
        proc = run_child(kaohe_cmd("score", str(file), "--scheme", SCHEME, "--period", PERIOD, "-o", str(out_xlsx), "--db", str(db), "--force"), work)
        if proc.code != 0:
            rows.append(Row("kaohe score", label, note=f"失败 exit {proc.code}: {_tail(proc.stdout + proc.stderr)}"))
            return
        e2e.append(proc)
    floor_read = _median([f["read_s"] for f in floor_runs])
    floor_write = _median([f["write_s"] for f in floor_runs])
    floor_proc = _median([p.seconds for p in floor_procs])
    floor_read_cpu = _median([f["read_cpu"] for f in floor_runs])
    floor_write_cpu = _median([f["write_cpu"] for f in floor_runs])
    floor_proc_cpu = _median([p.cpu for p in floor_procs])
    shape_info = floor_runs[0]

    c = st["counts"]
    sr, lr = shape_info["rows"], shape_info["cols"]
    shape_note = f"汇总 {sr['汇总']}×{lr['汇总']}，明细 {sr['明细']}×{lr['明细']}"
    t = {k: _median(v) for k, v in st["times"].items()}
    tc = {k: _median(v) for k, v in st["cpus"].items()}
    # The first run's peaks: later runs start from memory that earlier runs freed but the allocator kept.
    pk = {k: (v[0] if v else None) for k, v in st["peaks"].items()}

    def stage(name: str, key: str, note: str, floor=None, floor_cpu=None) -> Row:
        return Row(name, label, t[key], floor, rss_mb=pk[key], note=note, runs=st["times"][key], cpu=tc[key],
                   floor_cpu=floor_cpu).finish()

    rows.append(Row("kaohe score (进程)", label, _median([p.seconds for p in e2e]), floor_proc, rss_mb=_max([p.rss_mb for p in e2e]),
                    note=f"{c['subjects']} 人，明细 {c['ledger']} 行，问题 {c['issues']} 条", runs=[p.seconds for p in e2e],
                    cpu=_median([p.cpu for p in e2e]), floor_cpu=floor_proc_cpu).finish())
    rows.append(Row("floor (进程)", label, floor_proc, rss_mb=_max([p.rss_mb for p in floor_procs]), cpu=floor_proc_cpu,
                    note=f"读 {shape_info['cells_read']} 格；写 {shape_note}", runs=[p.seconds for p in floor_procs]))
    rows.append(stage("read", "read", "read.read_workbook ÷ calamine to_python", floor_read, floor_read_cpu))
    rows.append(stage("prepare (含读)", "prepare", "app.prepare.prepare"))
    net = Row("normalise+validate+events", label, t["prepare"] - t["read"], note="prepare − read", cpu=tc["prepare"] - tc["read"])
    rows.append(net)
    rows.append(stage("engine", "engine", "engine.core.score_period"))
    rows.append(stage("write workbook", "write", "result_xlsx.write_result ÷ xlsxwriter 汇总+明细", floor_write, floor_write_cpu))
    rows.append(stage("write archive", "archive", "scoring.archive_result (SQLite)"))
    wp = st.get("writer_paths") or {}
    if wp:
        verdict = "逐格一致" if wp["identical"] else f"不一致：{'、'.join(wp['differing'])}"
        rows.append(Row("writer paths", label, note=f"{verdict}（{wp['cells']} 格；快速写出的表：{'、'.join(wp['plain_sheets']) or '无'}；对照：全部带样式写出）",
                        ok=wp["identical"]))
    keys = ("prepare", "engine", "write", "archive")
    rows.append(Row("stages total (进程内)", label, sum(t[k] for k in keys), floor_read + floor_write,
                    cpu=sum(tc[k] for k in keys), floor_cpu=floor_read_cpu + floor_write_cpu,
                    note=f"不含导入（kaohe {st['import_s']:.2f}s，下限 {shape_info['import_s']:.2f}s）").finish())


def bench_quota(runs: int, rows: list[Row], log) -> None:
    label = f"{QUOTA_STAFF}×12月"
    work = OUT / "quota"
    work.mkdir(parents=True, exist_ok=True)
    probe = run_child(kaohe_cmd("quota", "--help"), work)
    if probe.code != 0:
        listed = run_child(kaohe_cmd("--help"), work)
        missing = probe.code == 2 and ("No such command" in probe.stderr or " quota " not in listed.stdout)
        rows.append(Row("kaohe quota --year 2023", label, note="未实现" if missing else f"失败 exit {probe.code}: {_tail(probe.stderr)}"))
        return
    sys.path.insert(0, str(TOOLS))
    import bench_data as BD

    files = []
    for m in range(1, 13):
        log(f"[quota] {QUOTA_STAFF} 人 {m} 月工作簿…")
        files.append(BD.ensure(OUT / "data", QUOTA_STAFF, month=m)[0])
    db = work / "kaohe.db"
    stamp = work / "archive.stamp"
    key = _archive_key(files)
    if not (db.exists() and stamp.exists() and stamp.read_text() == key):
        for p in work.glob("kaohe.db*"):
            p.unlink()
        log("[quota] 存档 12 个月（kaohe score 批量，不计时）…")
        setup = run_child(kaohe_cmd("score", *map(str, files), "--scheme", SCHEME, "-o", str(work / "months"), "--db", str(db), "--force"), work)
        if setup.code != 0:
            rows.append(Row("kaohe quota --year 2023", label, note=f"存档失败 exit {setup.code}: {_tail(setup.stdout + setup.stderr)}"))
            return
        stamp.write_text(key)
        rows.append(Row("(setup) score 12 个月存档", label, setup.seconds, rss_mb=setup.rss_mb, note="批量评分，仅供参考"))
    log(f"[quota] kaohe quota ×{runs}…")
    procs = []
    for _ in range(runs):
        target = work / "annual.xlsx"
        target.unlink(missing_ok=True)
        proc = run_child(kaohe_cmd("quota", "--year", "2023", "--scheme", SCHEME, "--db", str(db), "-o", str(target), "--force"), work)
        if proc.code != 0:
            rows.append(Row("kaohe quota --year 2023", label, note=f"失败 exit {proc.code}: {_tail(proc.stdout + proc.stderr)}"))
            return
        procs.append(proc)
    rows.append(Row("kaohe quota --year 2023", label, _median([p.seconds for p in procs]), rss_mb=_max([p.rss_mb for p in procs]),
                    runs=[p.seconds for p in procs], cpu=_median([p.cpu for p in procs])))


def _archive_key(files: list[Path]) -> str:
    """Rebuild the quota archive (minutes at 10,000 × 12) only when the inputs or the schema change."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.with_suffix(".json").read_bytes())
    archive = ROOT / "kaohe_cli" / "store" / "schema.py"  # the schema; scoring changes barely move quota's time
    if archive.exists():
        h.update(archive.read_bytes())
    return h.hexdigest()


def bench_notices(sizes: list[int], runs: int, rows: list[Row], log) -> None:
    """`kaohe notice --feedback` (one letter a person, then `--merge`) for a scored month of
    each size: wall time from spawn to exit, letters a second, and the child's peak RSS."""
    sys.path.insert(0, str(TOOLS))
    import bench_data as BD

    for n in sizes:
        label = str(n)
        work = OUT / "notice" / label
        work.mkdir(parents=True, exist_ok=True)
        log(f"[notice] {n} 人工作簿…")
        file, _ = BD.ensure(OUT / "data", n)
        db, stamp = work / "kaohe.db", work / "archive.stamp"
        key = _archive_key([file])
        if not (db.exists() and stamp.exists() and stamp.read_text() == key):
            for p in work.glob("kaohe.db*"):
                p.unlink()
            log(f"[notice] 存档 {n} 人的一个月（kaohe score，不计时）…")
            setup = run_child(kaohe_cmd("score", str(file), "--scheme", SCHEME, "--period", PERIOD,
                                        "-o", str(work / "score.xlsx"), "--db", str(db), "--force"), work)
            if setup.code != 0:
                rows.append(Row("kaohe notice --feedback", label, note=f"存档失败 exit {setup.code}: {_tail(setup.stdout + setup.stderr)}"))
                continue
            stamp.write_text(key)
        times = runs if n <= NOTICE_RUNS_UP_TO else 1
        for stage, extra in NOTICE_KINDS:
            log(f"[notice] {stage} {n} 人 ×{times}…")
            procs: list[Proc] = []
            out = work / ("merged" if extra else "letters")
            failed = None
            for _ in range(times):
                shutil.rmtree(out, ignore_errors=True)
                proc = run_child(kaohe_cmd("notice", "--feedback", "--period", PERIOD, "--date", NOTICE_DATE,
                                           "--db", str(db), "-o", str(out), *extra), work)
                if proc.code != 0:
                    failed = f"失败 exit {proc.code}: {_tail(proc.stdout + proc.stderr)}"
                    break
                procs.append(proc)
            if failed:
                rows.append(Row(stage, label, note=failed))
                continue
            written = sorted(out.glob("*.docx"))
            size_mb = sum(p.stat().st_size for p in written) / 1e6
            seconds = _median([p.seconds for p in procs])
            rate = n / seconds if seconds else None
            what = f"{len(written)} 个文件" if not extra else "1 个文件"
            rows.append(Row(stage, label, seconds, rss_mb=_max([p.rss_mb for p in procs]), runs=[p.seconds for p in procs],
                            cpu=_median([p.cpu for p in procs]), rate=rate,
                            note=f"{rate:.0f} 份/秒（整个进程：启动、读档案、生成、发布）；{what}，共 {size_mb:.1f} MB"
                                 + ("" if times > 1 else "；运行 1 次")))
        shutil.rmtree(work / "letters", ignore_errors=True)  # 20,000 files: do not keep them around
        shutil.rmtree(work / "merged", ignore_errors=True)


def bench_help(rows: list[Row]) -> None:
    procs = [run_child(kaohe_cmd("--help"), OUT) for _ in range(HELP_RUNS)]
    bad = [p for p in procs if p.code != 0]
    note = f"失败 exit {bad[0].code}" if bad else f"中位数 of {HELP_RUNS}"
    rows.append(Row("kaohe --help", "—", _median([p.seconds for p in procs]), rss_mb=_max([p.rss_mb for p in procs]), note=note,
                    runs=[p.seconds for p in procs], cpu=_median([p.cpu for p in procs])))


def check_targets(rows: list[Row]) -> list[dict]:
    def find(stage: str, size: str) -> Row | None:
        return next((r for r in rows if r.stage == stage and r.size == size), None)

    out = []
    for what, size, limit, unit in TARGETS:
        cpu_value = None
        if what.startswith("score"):
            r = find("kaohe score (进程)", str(size))
            value = None if r is None else (r.ratio if what == "score ratio" else r.rss_mb)
            cpu_value = None if r is None or what != "score ratio" else r.cpu_ratio
            name = f"score {size:,} {'≤ %.1f× floor' % limit if what == 'score ratio' else '峰值内存 ≤ %d MB' % limit}"
        elif what == "writer paths":
            r = find("writer paths", str(size))
            name = f"score {size:,} 两种写出路径结果一致"
            status = "未测" if r is None else ("达标" if r.ok else "未达标")
            out.append({"target": name, "limit": None, "unit": unit, "value": None if r is None else r.ok,
                        "status": status, "cpu_value": None})
            continue
        elif what.startswith("notice"):
            found = [r for r in rows if r.stage.startswith("kaohe notice") and r.size == str(size)]
            if what == "notice rate":
                rates = [r.rate for r in found if r.rate is not None]
                value = min(rates) if rates else None
                name = f"notice {size:,} 人 ≥ {limit:g} 份/秒（单独与合并中较慢者）"
                status = "未测" if value is None else ("达标" if value >= limit else "未达标")
            else:
                peaks = [r.rss_mb for r in found if r.rss_mb is not None]
                value = max(peaks) if peaks else None
                name = f"notice {size:,} 人峰值内存 ≤ {limit:g} MB"
                status = "未测" if value is None else ("达标" if value <= limit else "未达标")
            out.append({"target": name, "limit": limit, "unit": unit, "value": value, "status": status, "cpu_value": None})
            continue
        elif what == "quota":
            r = find("kaohe quota --year 2023", f"{QUOTA_STAFF}×12月")
            value = None if r is None else r.seconds
            name = f"quota ≤ {limit:g} s"
        else:
            r = find("kaohe --help", "—")
            value = None if r is None else r.seconds
            name = f"--help ≤ {limit:g} s"
        if value is None:
            status = "未实现" if (r is not None and r.note == "未实现") else "未测"
        else:
            status = "达标" if value <= limit else "未达标"
        out.append({"target": name, "limit": limit, "unit": unit, "value": value, "status": status,
                    "cpu_value": cpu_value if what == "score ratio" else None})
    return out


def print_report(rows: list[Row], targets: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 170)
    table = Table(title="kaohe bench", show_lines=False)
    for col, just in (("阶段", "left"), ("规模", "right"), ("秒", "right"), ("下限 秒", "right"), ("倍数", "right"),
                      ("CPU 秒", "right"), ("CPU 倍数", "right"), ("峰值内存 MB", "right"), ("说明", "left")):
        table.add_column(col, justify=just)
    last = None
    for r in rows:
        if last is not None and r.size != last:
            table.add_section()
        last = r.size
        table.add_row(
            r.stage, r.size,
            "" if r.seconds is None else f"{r.seconds:.3f}",
            "" if r.floor is None else f"{r.floor:.3f}",
            "" if r.ratio is None else f"{r.ratio:.2f}×",
            "" if r.cpu is None else f"{r.cpu:.3f}",
            "" if r.cpu_ratio is None else f"{r.cpu_ratio:.2f}×",
            "" if r.rss_mb is None else f"{r.rss_mb:.0f}",
            r.note,
        )
    console.print(table)
    tt = Table(title="目标")
    for col in ("目标", "实测", "结果"):
        tt.add_column(col)
    for t in targets:
        v = t["value"]
        if isinstance(v, bool):
            shown = "一致" if v else "不一致"
        else:
            shown = "" if v is None else (f"{v:.2f}×" if t["unit"] == "×floor" else f"{v:.0f} MB" if t["unit"] == "MB"
                                          else f"{v:.0f} 份/s" if t["unit"] == "份/s" else f"{v:.3f} s")
        if t.get("cpu_value") is not None:
            shown += f"（CPU {t['cpu_value']:.2f}×）"
        style = {"达标": "green", "未达标": "bold red"}.get(t["status"], "yellow")
        tt.add_row(t["target"], shown, f"[{style}]{t['status']}[/]")
    console.print(tt)
    if not hasattr(os, "wait4"):
        console.print("[yellow]注意：此系统没有 os.wait4，未测子进程峰值内存。[/]")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > (os.cpu_count() or 1):
        console.print(f"[yellow]注意：机器负载 {load:.1f} 高于 CPU 数 {os.cpu_count()}，墙钟时间偏大；请参考 CPU 秒与 CPU 倍数。[/]")


def _env() -> dict:
    versions = {}
    for mod in ("pandas", "numpy", "python_calamine", "xlsxwriter", "pydantic", "typer", "rich"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod.replace("_", "-"))
        except Exception:  # noqa: BLE001 - informational only
            versions[mod] = None
    return {
        "python": sys.version.split()[0], "executable": sys.executable, "platform": platform.platform(),
        "cpus": os.cpu_count(), "machine": platform.machine(), "versions": versions,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kaohe 性能基准：score 各阶段、与 calamine+xlsxwriter 下限之比、quota、notice、--help 启动")
    ap.add_argument("--sizes", default="1000,10000,20000", help="人数，逗号分隔（缺省 1000,10000,20000）")
    ap.add_argument("--runs", type=int, default=3, help="每项运行次数，取中位数（缺省 3）")
    ap.add_argument("--json", type=Path, default=OUT / "bench.json", help="JSON 结果路径（缺省 bench_out/bench.json）")
    ap.add_argument("--no-variant", action="store_true", help="不测 1 万人的异构工作簿")
    ap.add_argument("--skip-quota", action="store_true", help="不测 kaohe quota")
    ap.add_argument("--notice-sizes", default="2000,3000,20000", help="kaohe notice --feedback 的人数，逗号分隔（缺省 2000,3000,20000）")
    ap.add_argument("--skip-notice", action="store_true", help="不测 kaohe notice")
    # Internal: the measured child processes.
    ap.add_argument("--child", choices=("stages", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--shape", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child == "stages":
        child_stages(args.file, args.runs, args.workdir, args.out, args.shape)
        return 0
    if args.child == "floor":
        child_floor(args.file, args.shape, args.workdir, args.out)
        return 0

    sys.path.insert(0, str(TOOLS))
    import bench_data as BD

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sizes = [int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip()]
    runs = max(1, args.runs)
    OUT.mkdir(exist_ok=True)
    data = OUT / "data"
    rows: list[Row] = []
    inputs = {}
    for n in sizes:
        log(f"生成 {n} 人工作簿…")
        path, meta = BD.ensure(data, n)
        inputs[str(n)] = {"file": str(path), **meta}
        bench_size(str(n), path, runs, rows, log)
    if not args.no_variant and 10_000 in sizes:
        log("生成 1 万人异构工作簿…")
        path, meta = BD.ensure(data, 10_000, variant=True)
        inputs["10000-variant"] = {"file": str(path), **meta}
        bench_size("10000-variant", path, runs, rows, log)
    if not args.skip_quota:
        bench_quota(runs, rows, log)
    if not args.skip_notice:
        notice_sizes = [int(x.replace("_", "")) for x in args.notice_sizes.split(",") if x.strip()]
        bench_notices(notice_sizes, runs, rows, log)
    bench_help(rows)

    targets = check_targets(rows)
    print_report(rows, targets)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"env": _env(), "runs": runs, "inputs": inputs, "rows": [asdict(r) for r in rows],
                                     "targets": targets}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"JSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
