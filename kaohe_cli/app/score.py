"""`kaohe score` as library calls: prepare → engine → graded workbook → archive.

`output_targets` and `check_archive` refuse what would fail before anything is read;
`score_files` scores every file first, and the command writes (`write_scored`) only when no
file has an error, so that exit 1 means nothing was written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from kaohe_cli import __version__
from kaohe_cli.engine.core import Result, score_period
from kaohe_cli.errors import InputErrors, UsageError
from kaohe_cli.write.fileout import atomic_output, check_target
from kaohe_cli.issues import Issue, has_errors
from kaohe_cli.domain.period import resolve_period
from kaohe_cli.app.prepare import Options, file_sha256, prepare
from kaohe_cli.domain.points import fmt_cents, fmt_cents_many, fmt_micro_many
from kaohe_cli.read.background import Prefetch
from kaohe_cli.scheme import Scheme, scheme_hash
from kaohe_cli.write.result_xlsx import RunInfo, write_result


@dataclass
class Scored:
    path: Path
    result: Result
    run: RunInfo
    output: Path | None = None
    run_id: int | None = None


def count_workdays(start, end) -> int:
    from kaohe_cli.domain.workdays import count_workdays as cw

    return cw(start, end)


def score_file(
    path: Path,
    scheme: Scheme,
    period_text: str | None,
    *,
    attendance: list[Path] | tuple = (),
    quotas: dict[str, str] | None = None,
    options: Options | None = None,
    unit_name: str = "",
    reads: Prefetch | None = None,
) -> Scored:
    """Score one workbook. Raises InputErrors (with every issue) when the input has errors.

    `reads`: where a read of `path` may already be under way.
    """
    period = resolve_period(period_text, path, scheme.period)
    reader = reads.take(path) if reads is not None else None
    prep = prepare(path, scheme, period, attendance=attendance, options=options, reader=reader)
    if has_errors(prep.issues):
        raise InputErrors(prep.issues, f"{path.name} 有错误，未写出任何结果")
    result = score_period(prep, quotas=quotas, count_workdays=count_workdays)
    files = [(path.name, file_sha256(path))] + [(Path(a).name, file_sha256(Path(a))) for a in attendance]
    run = RunInfo(
        input_files=files,
        tool_version=__version__,
        created_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        scheme_hash=scheme_hash(scheme),
        options={"quotas": quotas or {}} if quotas else {},
        unit_name=unit_name,
    )
    return Scored(path, result, run)


def default_output(path: Path, period_code: str, out_dir: Path | None = None) -> Path:
    folder = out_dir or path.parent
    return folder / f"{path.stem}-考核结果.xlsx"


def output_targets(paths: list[Path], output: Path | None, out_dir: Path | None, force: bool) -> list[Path]:
    """The result file of each input: -o (a file for one input, else a folder), else beside it.

    Refuses two inputs writing one result, and results that exist (without `force`) or are inputs.
    """
    if len(paths) > 1 and output is not None and output.suffix.lower() == ".xlsx":
        raise UsageError("多个输入文件时 -o 应为文件夹", "例如 -o 结果/")
    targets = []
    for p in paths:
        if output is None:
            targets.append(default_output(p, "", out_dir))
        elif len(paths) == 1 and output.suffix:
            targets.append(output)
        else:
            targets.append(output / f"{p.stem}-考核结果.xlsx")
    _distinct_targets(paths, targets)
    for t in targets:
        check_target(t, force, paths)
    return targets


def _distinct_targets(paths: list[Path], targets: list[Path]) -> None:
    """Two inputs must not write the same result file (a.xlsx and b/a.xlsx with -o 结果/)."""
    seen: dict[Path, Path] = {}
    for p, t in zip(paths, targets):
        key = t.resolve()
        if key in seen:
            raise UsageError(
                f"{seen[key]} 和 {p} 的结果会写到同一个文件 {t}",
                "请分两次评分并用 -o 指定不同的文件，或先把其中一个输入文件改名",
            )
        seen[key] = p


def check_archive(db: Path, paths: list[Path], targets: list[Path]) -> None:
    """Fail before any result is written, not after: exit 1 must mean nothing was written."""
    from kaohe_cli.store.archive import open_archive

    real = db.resolve()
    if any(f.resolve() == real for f in [*paths, *targets]):
        raise UsageError(f"--db 指向的 {db.name} 同时是输入或结果文件", "档案库应是单独的文件，例如 --db kaohe.db")
    if db.exists() or not db.parent.is_dir():
        # An existing file must be a kaohe archive; a missing folder is reported. A new
        # archive in an existing folder is created only when the run is recorded.
        open_archive(db).close()


def score_files(
    paths: list[Path],
    scheme: Scheme,
    period_text: str | None,
    *,
    attendance: list[Path],
    quotas: dict[str, str],
    options: Options,
    unit_name: str,
    reads: Prefetch,
    started: Callable[[Path], None] = lambda path: None,
    finished: Callable[[Path], None] = lambda path: None,
) -> tuple[list[Scored], list[tuple[Path, InputErrors]]]:
    """Score every file (the next one is read while one is scored); nothing is written.

    Returns the scored files and the files with errors; `started` and `finished` are told
    about each file, for a progress display.
    """
    scored: list[Scored] = []
    failed: list[tuple[Path, InputErrors]] = []
    for i, p in enumerate(paths):
        started(p)
        if i + 1 < len(paths):
            reads.start(paths[i + 1])  # the next file is parsed while this one is scored
        try:
            scored.append(score_file(p, scheme, period_text, attendance=attendance, quotas=quotas, options=options,
                                     unit_name=unit_name, reads=reads))
        except InputErrors as exc:
            failed.append((p, exc))
        finished(p)
    return scored, failed


def write_scored(scored: Scored, output: Path, db: Path | None, *, force: bool = False) -> dict:
    """Write one scored file (`write_outputs`); its summary, with where it went, for the command."""
    write_outputs(scored, output, db, force=force)
    rep = summary(scored.result)
    rep.update({"file": scored.path.name, "output": str(output), "run_id": scored.run_id})
    return rep


def write_outputs(scored: Scored, output: Path, db: Path | None, *, force: bool = False) -> Scored:
    """Write the graded workbook atomically, then record the run in the archive.

    Committee decisions already recorded for the period are applied first, so scoring a period
    again (after a decision, or a correction) writes the workbook as the period now stands.
    """
    if db is not None and db.is_file():
        from kaohe_cli.store.archive import open_archive
        from kaohe_cli.app.decide import apply_to_result

        r = scored.result
        with open_archive(db, readonly=True) as arc:
            decisions = arc.decisions(r.scheme.id, r.period.code)
        r.issues.extend(apply_to_result(r, scored.run.options, decisions))
    # The run is committed to the archive while the workbook is still a hidden temporary
    # file, and the workbook is renamed into place only then. If the archive cannot be
    # written, no workbook appears; if the rename fails (or Ctrl-C comes between), the run
    # is withdrawn. Exit 1 leaves nothing new; exit 0 leaves both.
    run_id = None
    try:
        with atomic_output(output, force=force, inputs=[scored.path]) as tmp:
            write_result(scored.result, tmp, scored.run)
            if db is not None:
                run_id = archive_result(scored, db)
    except BaseException:
        if run_id is not None:
            _withdraw(db, run_id)
        raise
    scored.output = output
    scored.run_id = run_id
    return scored


def _withdraw(db: Path, run_id: int) -> None:
    from kaohe_cli.store.archive import open_archive
    from kaohe_cli.errors import KaoheError

    try:
        with open_archive(db) as arc:
            arc.withdraw_run(run_id)
    except KaoheError:  # pragma: no cover - the archive failing twice in a row
        pass  # the original failure is what the clerk needs to see


def archive_result(scored: Scored, db: Path) -> int:
    from kaohe_cli.store.archive import open_archive

    r = scored.result
    with open_archive(db) as arc:
        return arc.record_run(run_meta(scored), scores_frame(r), ledger_frame(r), r.issues)


def run_meta(scored: Scored) -> dict:
    r = scored.result
    return {
        "period": r.period.code,
        "scheme_id": r.scheme.id,
        "scheme_name": r.scheme.name,
        "scheme_hash": scored.run.scheme_hash,
        "subject_kind": r.scheme.subject,
        "input_files": [{"name": n, "sha256": h} for n, h in scored.run.input_files],
        "tool_version": scored.run.tool_version,
        "options": {**scored.run.options, "scheme": r.scheme.model_dump(mode="json")},
    }


def scores_frame(r: Result) -> pd.DataFrame:
    t, subj = r.table, r.subjects
    is_unit = r.scheme.is_unit
    comps = r.components
    return pd.DataFrame({
        "subject": list(t.index),
        "name": list(subj["名称"] if is_unit else subj["姓名"]),
        "dept": list(subj["类型"] if is_unit else subj["科室"]),
        "category": [""] * len(t) if is_unit else list(subj["类别"]),
        "leader": list(subj["分管领导"]),
        "rank": [int(x) for x in t["rank"]],
        "total": fmt_cents_many(t["cents"]),
        "grade": list(t["grade"]),
        "remarks": list(t["remarks"]),
        "bonus": fmt_micro_many(t["加分"]),
        "deduction": fmt_micro_many(t["扣分"]),
        "components": _components(t, comps),
        "extra": _extras(r),
    })


def _components(t: pd.DataFrame, comps: list[str]) -> list[dict]:
    cols = {c: fmt_micro_many(t[c]) for c in comps}
    return [{c: cols[c][i] for c in comps} for i in range(len(t))]


_ROSTER_EXTRA = ("年休假天数", "参加工作时间", "入职日期", "职务", "人数", "参评先进", "分管领导_id", "leader_id")


def _roster_columns(scheme: Scheme) -> list[str]:
    """The roster columns a run keeps: those later steps read, and every column a rule's
    condition names (so a `column` rule holds in the year as it did in the period)."""
    rules = list(scheme.rules) + list(scheme.annual.rules if scheme.annual else [])
    named = [c for r in rules for w in r.when.tables() for c in (w.column, w.per) if c]
    return list(dict.fromkeys([*_ROSTER_EXTRA, *named]))


def _extras(r: Result) -> list[dict]:
    """What later steps need: the exact total, the money (when the scheme has money), rules that acted, roster facts, and what the
    grades were given from (so a committee decision can grade the period again exactly)."""
    t, subj = r.table, r.subjects.reindex(r.table.index)
    roster = {col: subj[col].to_numpy() for col in _roster_columns(r.scheme) if col in subj.columns}
    grading = grading_inputs(r)
    fen = r.money_before_grades.to_numpy() if r.scheme.has_money else None
    out = []
    for i, (total, flags, rules) in enumerate(zip(fmt_micro_many(t["total"]), t["flags"], t["rules"])):
        extra = {"exact": total, "flags": list(flags), "rules": list(rules)}
        if fen is not None:  # the period's money before the grade's (元, exact text): 结果反馈 and explain add the (decided) grade's
            extra["money"] = format((Decimal(int(fen[i])) / 100).quantize(Decimal("0.01")), "f")
        if grading is not None:
            extra["grading"] = grading[i]
        for col, values in roster.items():
            v = values[i]
            if v is None or (isinstance(v, float) and v != v):
                continue
            extra[col] = v.isoformat() if hasattr(v, "isoformat") else (str(v) if not isinstance(v, (int, float)) else v)
        out.append(extra)
    return out


def grading_inputs(r: Result) -> list[dict] | None:
    """Per subject, in table order: the rule outcomes and quota groups the grades came from.

    Only what differs from the default is kept ({} for most people): a forced grade, no grade
    (`no_grade`, with `no_grade_text` when the rule says it in its own words, 不参加年度考核),
    a ceiling (index of the lowest grade allowed), grades not eligible for, and the labels of
    the roster columns the scheme's quotas are grouped by.
    """
    inputs = r.grade_inputs
    if inputs is None:
        return None
    idx = r.table.index
    grading = r.scheme.grading
    cols = [c for c in dict.fromkeys([grading.quota_group, *(g.quota_group for g in grading.grades)]) if c]
    subj = r.subjects.reindex(idx)
    labels = {c: subj[c].fillna("").astype(str).to_numpy() for c in cols if c in subj.columns}
    forced = inputs["forced"].reindex(idx).fillna("").to_numpy()
    no_grade = inputs["no_grade"].reindex(idx).fillna(False).to_numpy(dtype=bool)
    text = inputs.get("no_grade_text")
    no_grade_text = (text.reindex(idx).fillna("").to_numpy(dtype=object) if text is not None
                     else [""] * len(idx))
    ceiling = inputs["ceiling"].reindex(idx).fillna(-1).to_numpy(dtype="int64")
    blocked = {g: m.reindex(idx, fill_value=False).to_numpy(dtype=bool) for g, m in inputs["not_eligible"].items()}
    out = []
    for i in range(len(idx)):
        one: dict = {}
        if forced[i]:
            one["forced"] = str(forced[i])
        if no_grade[i]:
            one["no_grade"] = True
            if no_grade_text[i]:
                one["no_grade_text"] = str(no_grade_text[i])
        if ceiling[i] >= 0:
            one["ceiling"] = int(ceiling[i])
        ne = [g for g, m in blocked.items() if m[i]]
        if ne:
            one["not_eligible"] = ne
        if labels:
            one["groups"] = {c: str(v[i]) for c, v in labels.items()}
        out.append(one)
    return out


def ledger_frame(r: Result) -> pd.DataFrame:
    led = r.ledger
    q = led["quantity"]
    return pd.DataFrame({
        "subject": led["subject"].to_numpy(),
        "item": led["item"].to_numpy(),
        "level": led["level"].to_numpy(),
        "component": led["component"].to_numpy(),
        "kind": led["kind"].to_numpy(),
        "category": led["category"].to_numpy(),
        "quantity": _quantities(q.to_numpy(dtype=float)),
        "points": fmt_micro_many(led["points"]),
        "counted": led["counted"].to_numpy(),
        "rule": led["rule"].to_numpy(),
        "evidence": led["evidence"].to_numpy(),
        "reason": led["reason"].to_numpy(),
        "date": led["date"].to_numpy(),
        "source": led["source"].to_numpy(),
        "file": led["file"].to_numpy(),
        "annual": led["annual"].to_numpy(),
        "note": led["note"].to_numpy(),
        "money": led["money"].to_numpy(),
    })


def _quantities(q: np.ndarray) -> list[str]:
    """Ledger quantities as exact text ('' where there is none)."""
    blank = np.isnan(q)
    texts = fmt_micro_many(np.where(blank, 0, np.round(q * 1_000_000)).astype(np.int64))
    return ["" if b else t for b, t in zip(blank.tolist(), texts)]


def summary(r: Result) -> dict:
    """Counts per grade, top and bottom of the ranking — for the terminal and --json."""
    t = r.table.join(r.subjects)
    name_col = "名称" if r.scheme.is_unit else "姓名"
    counts = t["grade"].replace("", "（无）").value_counts()
    order = t.sort_values(["rank"], kind="mergesort")
    pick = lambda frame: [  # noqa: E731
        {"subject": s, "name": str(frame.at[s, name_col]), "total": fmt_cents(frame.at[s, "cents"]),
         "rank": int(frame.at[s, "rank"]), "grade": str(frame.at[s, "grade"])}
        for s in frame.index
    ]
    return {
        "period": r.period.code,
        "scheme": r.scheme.id,
        "subjects": int(len(t)),
        "grades": {str(k): int(v) for k, v in counts.items()},
        "top": pick(order.head(5)),
        "bottom": pick(order.iloc[max(5, len(order) - 5):]),
        "warnings": sum(1 for i in r.issues if not i.is_error),
    }


def to_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


__all__ = [
    "Scored", "score_file", "score_files", "write_outputs", "write_scored", "summary", "output_targets",
    "check_archive", "check_target", "Issue",
]
