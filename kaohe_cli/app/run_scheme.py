"""Which scheme a command that reads the archive works with, when none is named.

`--scheme` on the archive-reading commands (quota, notice, explain, diff) only narrows the
runs used. Without it, the runs of the period (or of the year or quarter being summed) name
their scheme: one scheme is taken as it is, several are a usage error that lists them with
their names and the flag to add.

A run records the scheme it was scored with (its id, name and content hash, and since this
version the whole validated scheme in its options), so a scheme edited or renamed since, or a
scheme file that is not at hand, can still be used exactly as it was.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from kaohe_cli.store.archive import RunInfo, open_archive
from kaohe_cli.errors import NotFound, SchemeError, SeveralSchemes
from kaohe_cli.domain.period import CALENDAR_ORDER, SCHOOL_ORDER, Period, containing
from kaohe_cli.scheme import load_scheme
from kaohe_cli.scheme.loader import builtin_ids, scheme_hash
from kaohe_cli.scheme.model import Scheme

__all__ = ["codes_within", "resolve_ref", "scheme_for", "scheme_matching", "scheme_of_run", "schemes_of_runs", "stored_scheme", "workspace_scheme"]


def codes_within(target: Period) -> set[str]:
    """The period codes a summed period is made of, itself included: its months and every
    quarter, half-year or term that lies inside it (a year: 12 months, 4 quarters, 2 halves)."""
    months = target.months()
    inside = {m.code for m in months}
    codes = {target.code} | inside
    order = SCHOOL_ORDER if target.kind in SCHOOL_ORDER[1:] else CALENDAR_ORDER
    for kind in order[1:order.index(target.kind)] if target.kind in order else []:
        for m in months:
            part = containing(m, kind, target.start_month)
            if {x.code for x in part.months()} <= inside:
                codes.add(part.code)
    return codes


def resolve_ref(ref: str, root: Path | None) -> str:
    """A scheme file named relative to the workspace, where it is not found as given."""
    if root is not None and ref.lower().endswith(".toml") and not Path(ref).is_absolute() and not Path(ref).exists():
        candidate = root / ref
        if candidate.exists():
            return str(candidate)
    return ref


def stored_scheme(run: RunInfo) -> Scheme | None:
    """The scheme exactly as the run used it, where the run recorded it."""
    data = (run.options or {}).get("scheme")
    if not isinstance(data, dict):
        return None
    try:
        scheme = Scheme.model_validate(data)
    except ValueError:  # recorded by another version: fall back to the files at hand
        return None
    return scheme if scheme_hash(scheme) == run.scheme_hash else None


def schemes_of_runs(runs: list[RunInfo]) -> dict[str, str]:
    """{scheme id: scheme name} of the runs, in the order first met."""
    out: dict[str, str] = {}
    for r in runs:
        out.setdefault(r.scheme_id, r.scheme_name)
    return out


def _listing(schemes: dict[str, str]) -> str:
    return "、".join(f"{sid}（{name}）" for sid, name in schemes.items())


def scheme_for(db: Path, target: Period, ref: str | None, cfg) -> Scheme:
    """The scheme of the runs within `target`: the one given, or the one the archive holds.

    `ref` (from `--scheme`) wins. Otherwise the newest run of each scheme in the periods of
    `target` is looked at: with one scheme, that scheme (as recorded, else the built-in or the
    workspace's scheme file of the same content); with several, the workspace's default scheme
    where it is one of them, else a usage error listing them.
    """
    if ref:
        return load_scheme(resolve_ref(ref, cfg.root))
    codes = codes_within(target)
    with open_archive(db, readonly=True) as arc:
        runs = [r for r in arc.runs() if r.period in codes]
    if not runs:
        raise NotFound(
            f"档案 {Path(db).name} 中没有{target.label}的任何评分记录",
            f"请先用 kaohe score 评分{target.label}的各考核期，或用 --db 指定档案库",
        )
    schemes = schemes_of_runs(runs)
    chosen = next(iter(schemes)) if len(schemes) == 1 else None
    workspace = workspace_scheme(cfg)
    if chosen is None and workspace is not None and workspace.id in schemes:
        chosen = workspace.id
    if chosen is None:
        first = next(iter(schemes))
        raise SeveralSchemes(
            f"档案中{target.label}有{len(schemes)}个考核方案的评分记录：{_listing(schemes)}",
            f"请加 --scheme 指定其一，例如 --scheme {first}",
        )
    newest = [r for r in runs if r.scheme_id == chosen][-1]
    found = scheme_of_run(newest, workspace=workspace)
    if found is None:
        raise SchemeError(
            f"档案中{target.label}的评分所用方案 {chosen}（{schemes[chosen]}）不是内置方案，手头也没有它的方案文件",
            f"请加 --scheme 给出评分时所用的方案文件，例如 --scheme {chosen}.toml",
        )
    return found


def scheme_of_run(run: RunInfo, *, given: Scheme | None = None, workspace: Scheme | None = None) -> Scheme | None:
    """The scheme a run was scored with: recorded, given, the workspace's, or built in.

    A candidate of the same id and content hash is preferred; failing that, one of the same
    id (the scheme was edited since), and None when no candidate has the run's id.
    """
    stored = stored_scheme(run)
    if stored is not None:
        return stored
    return scheme_matching(run.scheme_id, run.scheme_hash, given=given, workspace=workspace)


def scheme_matching(scheme_id: str, content_hash: str, *, given: Scheme | None = None,
                    workspace: Scheme | None = None) -> Scheme | None:
    """Of the schemes at hand (given, the workspace's, the built-in one of that id), the one with
    this id and content hash; else one with this id (edited since); else None."""
    candidates = [s for s in (given, workspace) if s is not None]
    if scheme_id in builtin_ids():
        candidates.append(load_scheme(scheme_id))
    same_id = [s for s in candidates if s.id == scheme_id]
    for s in same_id:
        if scheme_hash(s) == content_hash:
            return s
    return same_id[0] if same_id else None


def workspace_scheme(cfg) -> Scheme | None:
    """The scheme `kaohe.toml` names, where it loads; None otherwise."""
    if not getattr(cfg, "scheme", ""):
        return None
    with contextlib.suppress(SchemeError):
        return load_scheme(resolve_ref(cfg.scheme, cfg.root))
    return None
