"""Nested aggregation: scored periods → intermediate periods (半年、季度、学期) → the year, and the
year's composition from weighted parts (平时 50% + 民主测评 25% + …).

Pure, like `engine/annual.py`, which calls it. Each level is summed up by its own `spec` (an
`[annual]` or a `[[annual.stages]]` table): `aggregate` mean or weights, `missing` (what a
sub-period without a score counts as), and `max` (the level's cap). Exact Decimal throughout:
nothing is rounded between levels; grades of an intermediate period are given from its score
rounded half-up to cents, as a period's grade is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from kaohe_cli.domain.period import KIND_NAMES, Period
from kaohe_cli.engine.grading import assign_grades
from kaohe_cli.errors import PeriodError, UsageError
from kaohe_cli.issues import Issue, note
from kaohe_cli.scheme.model import Annual, Grading, Scheme
from kaohe_cli.text import join_names, num

_MISSING_TEXT = {"present": "按已有各期计算", "zero": "缺期按0分计", "refuse": "缺期不汇总"}


def uses_nesting(scheme: Scheme, target: Period) -> bool:
    """Does the year (or `target`) need the nested path? Schemes without the new keys keep the old one."""
    a = scheme.annual
    if a is None:
        return False
    return bool(a.stages or a.parts or a.weights or a.missing != "present" or a.max is not None
                or a.aggregate == "weights")


def spec_for(annual: Annual, target: Period):
    """The table that says how `target` is summed up: its stage, else `[annual]` itself."""
    for st in annual.stages:
        if st.period == target.kind:
            return st
    return annual


def is_stage(annual: Annual | None, target: Period) -> bool:
    return annual is not None and any(st.period == target.kind for st in annual.stages)


def grading_for(scheme: Scheme, target: Period) -> Grading:
    """The grading of `target`: its stage's, else `[annual].grading`, else the scheme's."""
    a = scheme.annual
    if a is not None and is_stage(a, target):
        st = spec_for(a, target)
        if st.grading is not None:
            return st.grading
    return (a.grading if a and a.grading else None) or scheme.grading


@dataclass
class Nested:
    """The periods of `target` summed up: exact score (None: no period at all), periods present,
    and the grades and scores of the level just below `target` (its last stage), if any."""

    score: pd.Series
    n: pd.Series
    below: pd.DataFrame  # subject × stage code → exact score (None where absent)
    grades: pd.DataFrame  # subject × stage code → grade ("" where absent)
    issues: list[Issue] = field(default_factory=list)


def nest(scores: pd.DataFrame, codes: list[str], scheme: Scheme, target: Period, names: pd.Series,
         kept: dict[str, pd.Series]) -> Nested:
    """`scores` (subject, period, cents) of the scored periods `codes` → `target` summed up.

    `kept`: stage code → subject → grade, from a kept `quota` result of that stage (the
    committee's decisions included); a stage without one is graded here from its cut-offs.
    """
    annual = scheme.annual
    idx = names.index
    exact = scores.assign(v=[Decimal(int(c)) / 100 for c in scores["cents"]])
    frame = exact.pivot_table(index="subject", columns="period", values="v", aggfunc="last")
    frame = frame.reindex(index=idx, columns=codes).astype(object)
    frame = frame.where(frame.notna(), None)
    n = frame.notna().sum(axis=1).astype(int)
    issues: list[Issue] = []
    below = pd.DataFrame(index=idx)
    grades = pd.DataFrame(index=idx)
    stages = [st for st in annual.stages if _shorter(st.period, target)]
    for st in stages:
        groups = target.parts(st.period)
        below = pd.DataFrame({g.code: combine(frame[[c for c in codes_of(g, frame.columns)]], st, g, names)
                              for g in groups}, index=idx)
        frame, codes = below, [g.code for g in groups]
    if stages:
        grades, more = _stage_grades(below, stages[-1], kept)
        issues.extend(more)
    score = combine(frame, spec_for(annual, target), target, names)
    return Nested(score, n, below, grades, issues)


def _shorter(kind: str, target: Period) -> bool:
    try:
        return len(target.parts(kind)) > 1
    except PeriodError:
        return False


def codes_of(group: Period, columns) -> list[str]:
    """The columns (period codes) that lie within `group`."""
    inside = {m.code for m in group.months()} | {p.code for k in ("quarter", "half", "term")
                                                  for p in _safe_parts(group, k)}
    return [c for c in columns if c in inside]


def _safe_parts(group: Period, kind: str) -> list[Period]:
    try:
        return group.parts(kind)
    except PeriodError:
        return []


def combine(frame: pd.DataFrame, spec, target: Period, names: pd.Series) -> pd.Series:
    """Each subject's sub-period scores (columns in time order, None = no score) → one exact score.

    mean: Σ x / k; weights: Σ wᵢxᵢ / Σ wᵢ. `missing` present: over the sub-periods present
    (k = those present); zero: a missing one counts 0 (k = all); refuse: a missing one is an
    error. `max` caps the result.
    """
    cols = list(frame.columns)
    if spec.aggregate == "weights":
        if len(spec.weights) != len(cols):
            raise PeriodError(
                f"{target.label}由{len(cols)}个考核期组成，而方案的 weights 有{len(spec.weights)}个权重",
                f"请在方案中给出{len(cols)}个权重（按时间顺序），或改用 aggregate = \"mean\"")
        weights = [Decimal(w) for w in spec.weights]
    else:
        weights = [Decimal(1)] * len(cols)
    out = {}
    for s, row in zip(frame.index, frame.itertuples(index=False)):
        present = [(w, Decimal(v)) for w, v in zip(weights, row) if v is not None and not pd.isna(v)]
        if spec.missing == "refuse" and len(present) < len(cols):
            lacking = [c for c, v in zip(cols, row) if v is None or pd.isna(v)]
            raise UsageError(
                f"{names.get(s, s)}（{s}）缺少{join_names(lacking)}的得分，方案规定缺期不汇总{target.label}",
                "请先评分这些考核期；或在方案中改为 missing = \"present\"（按已有各期）或 \"zero\"（缺期按0分）")
        if not present:
            out[s] = None
            continue
        total_w = sum((w for w, _ in present), Decimal(0)) if spec.missing == "present" else sum(weights, Decimal(0))
        value = sum((w * v for w, v in present), Decimal(0)) / total_w
        if spec.max is not None and value > Decimal(spec.max):
            value = Decimal(spec.max)
        out[s] = value
    return pd.Series(out, dtype=object).reindex(frame.index)


def cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _stage_grades(below: pd.DataFrame, stage, kept: dict[str, pd.Series]) -> tuple[pd.DataFrame, list[Issue]]:
    """Each stage period's grades: kept by `quota --period`, else from the stage's cut-offs."""
    grades = pd.DataFrame(index=below.index)
    computed = []
    for code in below.columns:
        if code in kept:
            grades[code] = kept[code].reindex(below.index).fillna("")
            continue
        col = below[code]
        have = col[col.notna()]
        if stage.grading is None or not len(have):
            grades[code] = ""
            continue
        got = assign_grades(stage.grading, have.map(cents).astype("int64")).grades
        grades[code] = got.reindex(below.index).fillna("")
        computed.append(code)
    issues = []
    if computed and stage.grading is not None:
        issues.append(note(f"{join_names(computed)}没有保存的{KIND_NAMES[stage.period]}汇总结果，其等次按方案分数线由各期得分算出",
                           f"如需集体研究决定这些等次，请先用 kaohe quota --period {computed[0]} 汇总并保存"))
    return grades, issues


def compose(annual: Annual, periods: pd.Series, ratings: pd.DataFrame | None,
            names: pd.Series) -> tuple[pd.Series, dict[str, list[str]]]:
    """The year's score from `[[annual.parts]]`: Σ weight × part; and each subject's 备注 text
    of the composition. A ratings part needs every subject's value of each of its columns."""
    idx = periods.index
    needed = {c for p in annual.parts for c in p.rating_columns}
    if needed and ratings is None:
        raise UsageError(f"方案的年度得分包括{join_names([p.name for p in annual.parts if p.source == 'ratings'])}，"
                         "需要年终评分表", f"请用 --ratings 年终评分.xlsx 给出评分（工作表「评分」，列：工号、姓名、{'、'.join(sorted(needed))}）")
    lacking = []
    for c in sorted(needed):
        col = ratings[c] if c in ratings.columns else pd.Series(None, index=idx, dtype=object)
        for s in idx:
            v = col.get(s)
            if v is None or pd.isna(v):
                lacking.append(f"{names.get(s, s)}（{s}）的「{c}」")
    if lacking:
        raise UsageError(f"年终评分表缺少{join_names(lacking)}", "请在「评分」工作表补齐这些评分后重新运行")
    total = pd.Series(Decimal(0), index=idx, dtype=object)
    texts: dict[str, list[str]] = {s: [] for s in idx}
    for part in annual.parts:
        w = Decimal(part.weight)
        if part.source == "periods":
            values = periods.map(lambda v: v if v is not None else Decimal(0))
        else:
            values = pd.Series(Decimal(0), index=idx, dtype=object)
            for c, cw in part.rating_columns.items():
                values = values + ratings[c].reindex(idx).map(Decimal) * Decimal(cw)
        total = total + values * w
        for s in idx:
            texts[s].append(f"{part.name}{num(values[s].quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}×{num(w * 100)}%")
    return total, {s: ["年度得分＝" + "＋".join(t)] for s, t in texts.items()}
