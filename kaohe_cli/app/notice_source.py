"""Where a notice's grades come from: the newest run of a period, or the newest `kaohe quota`
result of a year or quarter, read from the archive with the scheme it was made with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kaohe_cli.app.config import Config
from kaohe_cli.app.run_scheme import codes_within, resolve_ref, scheme_matching, scheme_of_run, workspace_scheme
from kaohe_cli.domain.period import Period
from kaohe_cli.domain.workdays import format_cn_time
from kaohe_cli.errors import NotFound, SeveralSchemes
from kaohe_cli.scheme import load_scheme
from kaohe_cli.scheme.loader import scheme_hash
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.store.archive import RunInfo, open_archive

__all__ = ["Source", "ledger_of", "load_source", "scheme_filter", "source_scheme", "stale_summary"]


@dataclass
class Source:
    """Where a notice's grades come from: a period's run, or a `quota` result of a year/quarter."""

    scheme_id: str
    scheme_name: str
    created_at: str
    run: RunInfo | None = None
    summary: object | None = None  # archive.SummaryInfo

    @property
    def label(self) -> str:
        when = format_cn_time(self.created_at)
        if self.run is not None:
            return f"第 {self.run.id} 次评分记录，{when}"
        return f"kaohe quota 的汇总结果，{when}"


def scheme_filter(ref: str | None, cfg: Config) -> tuple[str | None, Scheme | None]:
    """`--scheme` as a run filter: (scheme id, the scheme when given as a file)."""
    if not ref:
        return None, None
    looks_like_file = ref.lower().endswith(".toml") or "/" in ref or "\\" in ref
    if not looks_like_file:
        return ref, None
    path = Path(resolve_ref(ref, cfg.root))
    scheme = load_scheme(path)
    return scheme.id, scheme


def _run_scheme(run: RunInfo, given: Scheme | None, cfg: Config, warnings: list[str]) -> Scheme | None:
    """The scheme the run was scored with, for the components' maxima and the lowest grade."""
    found = scheme_of_run(run, given=given, workspace=workspace_scheme(cfg))
    if found is not None and scheme_hash(found) != run.scheme_hash:
        warnings.append(
            f"方案 {run.scheme_id} 的内容与评分时不同（方案已修改），各考核项目的满分按当前方案填写，请核对"
        )
    if found is None:
        warnings.append(
            f"找不到评分所用的方案文件（{run.scheme_id}），考核项目的满分一栏填“—”；"
            "可用 --scheme 给出方案文件路径"
        )
    return found


def load_source(db: Path, period: Period, scheme_id: str | None) -> tuple[Source, pd.DataFrame, dict]:
    """The grades a notice is made from: (where from, scores, standing decisions).

    A year or quarter that `kaohe quota` has summed is read from its newest result; a period
    the scheme scores itself (a month, or the year of a yearly scheme) from its newest run,
    unless a `quota` result of it is newer.
    """
    with open_archive(db, readonly=True) as arc:
        with arc.snapshot():
            run = arc.latest_run(period.code, scheme_id)
            summary = None
            if period.kind != "month":
                summary = _latest_summary(arc, period, scheme_id or (run.scheme_id if run else None))
            if summary is not None and (run is None or summary.created_at >= run.created_at):
                rows = arc.summary_rows(summary.id)
                source = Source(summary.scheme_id, summary.scheme_name, summary.created_at, summary=summary)
                return source, rows, {}
            if run is None:
                which = f"方案 {scheme_id} " if scheme_id else ""
                if period.kind == "month":
                    hint = f"请先运行 kaohe score … --period {period.code}，或用 --db 指定档案库"
                else:
                    flag = "--year" if period.kind == "year" else "--quarter"
                    hint = f"请先运行 kaohe quota {flag} {period.code} 汇总该期，或用 --db 指定档案库"
                raise NotFound(f"档案 {db.name} 中没有{which}{period.code}（{period.label}）的评分记录或汇总结果", hint)
            scores = arc.scores(run.id)
            decisions = arc.decisions(run.scheme_id, run.period)
    return Source(run.scheme_id, run.scheme_name, run.created_at, run=run), scores, decisions


def _latest_summary(arc, period: Period, scheme_id: str | None):
    if scheme_id is not None:
        return arc.latest_summary(period.code, scheme_id)
    found = arc.summaries(period.code)
    names = {s.scheme_id: s.scheme_name for s in found}
    if len(names) > 1:
        listing = "、".join(f"{k}（{v}）" for k, v in names.items())
        raise SeveralSchemes(f"档案中{period.label}有{len(names)}个方案的汇总结果：{listing}",
                             f"请加 --scheme 指定其一，例如 --scheme {next(iter(names))}")
    return found[-1] if found else None


def source_scheme(source: Source, given: Scheme | None, cfg: Config, warnings: list[str]) -> Scheme | None:
    """The scheme `source` was made with (None when it cannot be found)."""
    if source.run is not None:
        return _run_scheme(source.run, given, cfg, warnings)
    summary = source.summary
    return scheme_matching(summary.scheme_id, summary.scheme_hash, given=given, workspace=workspace_scheme(cfg))


def stale_summary(db: Path, period: Period, source: Source) -> list[str]:
    """A warning when a period of the year was scored again after its `quota` result."""
    codes = codes_within(period)
    with open_archive(db, readonly=True) as arc:
        newer = sorted({r.period for r in arc.runs(scheme_id=source.scheme_id)
                        if r.period in codes and r.created_at > source.created_at})
        decided = [d for d in arc.decision_log(source.scheme_id, period.code) if d["decided_at"] > source.created_at]
    out = []
    if newer:
        flag = "--year" if period.kind == "year" else "--quarter"
        out.append(f"{'、'.join(newer)} 在{period.label}汇总之后重新评分过，公示仍按汇总时的结果；"
                   f"如需按新结果公示，请先重新运行 kaohe quota {flag} {period.code}")
    if decided:
        flag = "--year" if period.kind == "year" else "--quarter"
        out.append(f"汇总之后又记录了集体研究决定，请先重新运行 kaohe quota {flag} {period.code}")
    return out


def ledger_of(db: Path, source: Source) -> pd.DataFrame | None:
    """The ledger lines of `source`'s run; None for a `quota` result, which keeps none."""
    if source.run is None:
        return None
    with open_archive(db, readonly=True) as arc:
        return arc.ledger(source.run.id)
