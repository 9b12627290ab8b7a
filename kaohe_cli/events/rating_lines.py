"""The 评分 sheet's numbers → ledger lines, with their range checks and bottom-rank penalties.

A rated component (`rated`) is a score from 0 to its maximum; an input component (`input`) a
signed value within its range, clipped when the scheme says so; a rank band (`rank_band`) needs
its column filled, a value band (`value_band`) its column (within `column_max`) or every column
of its ratio (numbers ≥ 0, a denominator above 0 and at least the numerator). A penalty
(`penalties`) takes points off the bottom N of a ranked column, within groups; a blank in that
column is never dropped silently.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from kaohe_cli.domain.groups import group_labels
from kaohe_cli.domain.points import SCALE, micro_array, to_micro
from kaohe_cli.events import ledger as L
from kaohe_cli.events.context import Context
from kaohe_cli.issues import Issue, error, note, warning
from kaohe_cli.normalize.ratings import Ratings
from kaohe_cli.read.tables import Table
from kaohe_cli.scheme.model import Component
from kaohe_cli.text import join_names, norm, num


def rating_lines(ctx: Context, ratings: Ratings, table: Table | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Rated and input components → ledger lines; range checks; bottom-rank penalties."""
    scheme = ctx.scheme
    issues: list[Issue] = []
    parts: list[pd.DataFrame] = []
    sheet = table.sheet if table is not None else "评分"
    if any(c.kind in ("rated", "rank_band", "value_band") for c in scheme.components):
        issues.extend(_missing_subjects(ctx, ratings, sheet))
    for comp in scheme.components:
        if comp.kind in ("rated", "input", "rank_band"):
            parts.extend(_component_lines(ctx, comp, ratings, table, sheet, issues))
        if comp.kind == "value_band":
            issues.extend(_value_band_cells(ctx, comp, ratings, table, sheet))
    for comp in scheme.components:
        if comp.kind in ("rank_band", "value_band") and comp.column_max is not None and comp.ratio is None:
            issues.extend(_out_of_range(ctx, ratings, comp.rating_columns[0], comp.column_max))
        for pen in comp.penalties:
            issues.extend(_out_of_range(ctx, ratings, pen.column, pen.column_max))
            if pen.also_column:
                issues.extend(_out_of_range(ctx, ratings, pen.also_column, None, whole=True))
            parts.append(_penalty_lines(ctx, comp.name, pen, ratings))
            issues.extend(_blank_ranking(ctx, pen, ratings))
    return L.concat(parts), issues


def _missing_subjects(ctx: Context, ratings: Ratings, sheet: str) -> list[Issue]:
    """Every scored subject needs a 评分 row when a component is rated or banded."""
    missing = [s for s in ctx.subjects.index if s not in ratings.rows]
    if not missing:
        return []
    names = [_label(ctx, s) for s in missing]
    return [error(
        f"评分表缺少{len(missing)}个考核对象：{join_names(names)}",
        "每个参评对象在评分表中要有一行", file=ctx.file, sheet=sheet,
    )]


def _component_lines(ctx: Context, comp: Component, ratings: Ratings, table: Table | None, sheet: str,
                     issues: list[Issue]) -> list[pd.DataFrame]:
    """One rated, input or rank-band component's column: its blanks checked, its lines made."""
    idx = ctx.subjects.index
    vals, cells = ratings.values, ratings.cells
    col = comp.column if comp.kind == "rank_band" or (comp.kind == "rated" and comp.column) else comp.name
    if col not in vals.columns or (table is not None and col not in table.columns and norm(col) not in table.extra_columns):
        issues.append(error(
            f"评分表缺少「{col}」列", f"请在评分表表头加上「{col}」", file=ctx.file, sheet=sheet,
            cell=f"{'A'}{(table.header_row + 1) if table is not None else 1}",
        ))
        return []
    v = vals[col].reindex(idx)
    c = cells[col].reindex(idx).fillna("") if col in cells.columns else pd.Series("", index=idx)
    present = pd.Series([s in ratings.rows for s in idx], index=idx)
    blank = v.isna() & present
    if comp.kind == "rank_band" or (comp.kind == "rated" and comp.blank == "error"):
        for s in blank[blank].index:
            issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」为空",
                                      f"请填写0–{num(comp.max)}之间的分数" if comp.kind == "rated" else "请填写测评得分"))
    if comp.kind == "rank_band":
        return []
    if comp.kind == "rated" and comp.scale is not None:
        return _scaled_lines(ctx, comp, col, v, c, issues)
    if comp.kind == "rated":
        return _rated_lines(ctx, comp, col, v, c, vals, issues)
    return _input_lines(ctx, comp, col, v, c, issues)


def _value_band_cells(ctx: Context, comp: Component, ratings: Ratings, table: Table | None,
                      sheet: str) -> list[Issue]:
    """The cells a value band reads: each column in the sheet, no blank in a subject's row; a
    ratio's numbers ≥ 0, its denominator above 0 and not below the numerator (a share is 0..1).
    The lines themselves are the engine's (`engine/components.py` `value_band`)."""
    idx, vals, cells = ctx.subjects.index, ratings.values, ratings.cells
    out: list[Issue] = []
    cols = comp.rating_columns
    for col in cols:
        if col not in vals.columns or (table is not None and col not in table.columns and norm(col) not in table.extra_columns):
            out.append(error(f"评分表缺少「{col}」列（{comp.name}按它分档）", f"请在评分表表头加上「{col}」", file=ctx.file,
                             sheet=sheet, cell=f"A{(table.header_row + 1) if table is not None else 1}"))
    if out:
        return out
    v = vals[cols].reindex(idx)
    c = cells.reindex(index=idx, columns=cols).fillna("")
    present = [s for s in idx if s in ratings.rows]
    for s in present:
        for col in cols:
            if pd.isna(v.at[s, col]):
                why = "" if col == comp.name else f"（{comp.name}按它分档）"
                out.append(_cell_issue(ctx, c.at[s, col], f"{_label(ctx, s)}的「{col}」为空{why}",
                                       f"请填写{col}" + ("（没有请填0）" if comp.ratio is not None and col != cols[-1] else "")))
    if comp.ratio is None:
        return out
    for s in present:
        row = v.loc[s]
        if row.isna().any():
            continue
        numbers = {col: Decimal(repr(float(row[col]))) for col in cols}
        negative = [col for col in cols if numbers[col] < 0]
        den, top = cols[-1], sum((numbers[col] for col in cols[:-1]), Decimal(0))
        if negative:
            for col in negative:
                out.append(_cell_issue(ctx, c.at[s, col], f"{_label(ctx, s)}的「{col}」为 {num(numbers[col])}，不能为负数",
                                       f"请填写{col}（不小于0）"))
        elif numbers[den] == 0:
            out.append(_cell_issue(ctx, c.at[s, den], f"{_label(ctx, s)}的「{den}」为 0，无法计算{comp.ratio.text()}",
                                   f"请填写{den}（大于0）；未参加测评的，请与考核办确认如何处理"))
        elif top > numbers[den]:
            out.append(_cell_issue(ctx, c.at[s, den], f"{_label(ctx, s)}的{'、'.join(cols[:-1])}合计 {num(top)}，"
                                   f"超过「{den}」{num(numbers[den])}：{comp.ratio.text()} 不能大于 100%",
                                   f"请核对{'、'.join(cols)}"))
    return out


def _rated_lines(ctx: Context, comp: Component, col: str, v: pd.Series, c: pd.Series, vals: pd.DataFrame,
                 issues: list[Issue]) -> list[pd.DataFrame]:
    """A rated score from 0 to the component's maximum, plus the maximum of each component that
    moves its points here when blank (`blank_to`); a score outside is an error and adds no line."""
    idx = ctx.subjects.index
    has = v.notna()
    cap = pd.Series(to_micro(comp.max), index=idx)
    donors = [d for d in ctx.scheme.components if d.blank_to == comp.name]
    moved = pd.Series("", index=idx, dtype=object)
    for donor in donors:
        dcol = donor.column or donor.name
        if dcol in vals.columns:
            donor_blank = vals[dcol].reindex(idx).isna()
            cap[donor_blank] += to_micro(donor.max)
            moved[donor_blank] = moved[donor_blank].map(lambda t, n=donor.name: f"{t}、{n}" if t else n)
    micro = micro_array(v.fillna(0).to_numpy())
    bad = has & ((micro < 0) | (micro > cap.to_numpy()))
    for s in bad[bad].index:
        hi = Decimal(int(cap[s])) / SCALE
        extra = f"（{moved[s]}为空时满分{num(hi)}）" if moved[s] else ""
        issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」为 {num(Decimal(str(v[s])))}，超出 0–{num(hi)}{extra}",
                                  f"请填写0–{num(hi)}之间的分数"))
    ok = has & ~bad
    if not ok.any():
        return []
    rule = [f"{comp.name} 评分（满分{num(Decimal(int(m)) / SCALE)}）" for m in cap[ok]]
    return [L.make(subject=list(v.index[ok]), component=comp.name, kind="rated",
                   points=micro[ok.to_numpy()], quantity=v[ok].to_numpy(), rule=rule,
                   source=c[ok].to_numpy(), file=ctx.file)]


def _scaled_lines(ctx: Context, comp: Component, col: str, v: pd.Series, c: pd.Series,
                  issues: list[Issue]) -> list[pd.DataFrame]:
    """A rating from 0 to `column_max` times `scale` (学生评分 92 × 0.15 = 13.8 of 15), exact in
    Decimal, half-up to micro-points; a rating outside its range is an error and adds no line."""
    has = v.notna()
    top = Decimal(comp.column_max)
    ok, points = [], []
    for s in v.index[has]:
        value = Decimal(repr(float(v[s])))
        if not 0 <= value <= top:
            issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」为 {num(value)}，超出 0–{num(top)}",
                                      f"请填写0–{num(top)}之间的分数"))
            continue
        ok.append(s)
        points.append(to_micro(value * comp.scale))
    if not ok:
        return []
    rule = f"{comp.name}：{col}×{num(comp.scale)}（{col}满分{num(top)}，本项满分{num(comp.max)}）"
    return [L.make(subject=ok, component=comp.name, kind="rated", points=points,
                   quantity=v[ok].to_numpy(), rule=rule, source=c[ok].to_numpy(), file=ctx.file)]


def _input_lines(ctx: Context, comp: Component, col: str, v: pd.Series, c: pd.Series,
                 issues: list[Issue]) -> list[pd.DataFrame]:
    """A signed value within the component's range; outside it, an error, or (`clip`) a line
    that takes the excess off, with a note."""
    parts = []
    has = v.notna()
    micro = micro_array(v.fillna(0).to_numpy())
    lo, hi = to_micro(comp.min), to_micro(comp.max)
    if has.any():
        parts.append(L.make(subject=list(v.index[has]), component=comp.name, kind="input",
                            points=micro[has.to_numpy()], quantity=v[has].to_numpy(),
                            rule=f"{comp.name}（{num(comp.min)}至{num(comp.max)}）", source=c[has].to_numpy(), file=ctx.file))
    out = has & ((micro < lo) | (micro > hi))
    if not out.any():
        return parts
    if not comp.clip:
        for s in out[out].index:
            issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」超出 {num(comp.min)}至{num(comp.max)}", "请修改"))
        return parts
    target = np.clip(micro, lo, hi)
    delta = (target - micro)[out.to_numpy()]
    parts.append(L.make(subject=list(v.index[out]), component=comp.name, kind="clip", points=delta,
                        rule=f"{comp.name}最高±{num(comp.max)}分，超出部分不计", source=c[out].to_numpy(), file=ctx.file))
    for s in out[out].index:
        issues.append(_cell_issue(ctx, c[s], f"{_label(ctx, s)}的「{col}」为 {num(Decimal(str(v[s])))}，按{num(comp.min)}至{num(comp.max)}截取",
                                  "方案规定加减分最高10分；如属误填请更正", level="note"))
    return parts


def _out_of_range(ctx: Context, ratings: Ratings, column: str, top, *, whole: bool = False) -> list[Issue]:
    """A ranked column (测评得分) outside 0..top, or a count (不称职票) that is not a whole number ≥ 0."""
    vals, cells = ratings.values, ratings.cells
    if column not in vals.columns:
        return []
    idx = ctx.subjects.index
    v = vals[column].reindex(idx)
    where = cells[column].reindex(idx).fillna("") if column in cells.columns else pd.Series("", index=idx)
    x = v.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (x < 0) | (x != np.floor(x)) if whole else ((x < 0) | (x > float(top)) if top is not None else x != x)
    bad &= ~np.isnan(x)
    out = []
    for s in v.index[bad]:
        value = Decimal(str(v[s]))
        if whole and (value < 0 or value != value.to_integral_value()):
            out.append(_cell_issue(ctx, where[s], f"{_label(ctx, s)}的「{column}」为 {num(value)}，应为不小于0的整数",
                                   f"请填写{column}（票数）"))
        elif top is not None and not 0 <= value <= Decimal(str(top)):
            out.append(_cell_issue(ctx, where[s], f"{_label(ctx, s)}的「{column}」为 {num(value)}，超出 0–{num(Decimal(str(top)))}",
                                   f"请填写0–{num(Decimal(str(top)))}之间的分数"))
    return out


def _blank_ranking(ctx: Context, pen, ratings: Ratings) -> list[Issue]:
    """A blank value in the column a bottom-N penalty ranks by is never dropped silently.

    With the penalty's second condition met (不称职票 ≥ 2) the rule cannot be decided: an
    error. Otherwise a warning says what happens: the person takes no part in the ranking.
    A column blank for everyone means no rating this period (caizheng rates at quarter end).
    """
    vals, cells = ratings.values, ratings.cells
    if pen.column not in vals.columns:
        return []
    idx = ctx.subjects.index
    v = vals[pen.column].reindex(idx)
    present = pd.Series([s in ratings.rows for s in idx], index=idx)
    blank = v.isna() & present
    if not blank.any() or blank.sum() == present.sum():  # nobody rated: no ranking this period
        return []
    where = cells[pen.column].reindex(idx).fillna("") if pen.column in cells.columns else pd.Series("", index=idx)
    other = vals[pen.also_column].reindex(idx) if pen.also_column and pen.also_column in vals.columns else None
    rule = pen.text or f"{pen.column}排名后{pen.bottom}名，扣{num(pen.points)}分"
    group = f"「{pen.group_by}」组内" if pen.group_by else ""
    out = []
    for s in blank[blank].index:
        votes = None if other is None or pd.isna(other[s]) else other[s]
        if votes is not None and votes >= float(pen.also_min):
            out.append(_cell_issue(
                ctx, where[s],
                f"{_label(ctx, s)}的「{pen.column}」为空，但「{pen.also_column}」为{num(Decimal(str(votes)))}："
                f"无法判断是否适用「{rule}」",
                f"请填写{pen.column}",
            ))
        else:
            out.append(_cell_issue(
                ctx, where[s],
                f"{_label(ctx, s)}的「{pen.column}」为空：不参加{group}{pen.column}排名，「{rule}」对其不适用",
                f"如属漏填，请填写{pen.column}", level="warning",
            ))
    return out


def _penalty_lines(ctx: Context, comp_name: str, pen, ratings: Ratings) -> pd.DataFrame:
    """The bottom `pen.bottom` of the ranked column (within `pen.group_by` groups, and with
    `pen.also_column` ≥ `pen.also_min` where set) lose the penalty's points."""
    idx = ctx.subjects.index
    if pen.column not in ratings.values.columns:
        return L.empty()
    v = ratings.values[pen.column].reindex(idx)
    has = v.notna()
    if not has.any():
        return L.empty()
    grp = group_labels(ctx.subjects, pen.group_by, idx)
    frame = pd.DataFrame({"v": v[has], "g": grp[has]})
    lower = frame.groupby("g")["v"].rank(method="min", ascending=True).astype("int64") - 1
    hit = lower < pen.bottom
    if pen.also_column:
        other = ratings.values[pen.also_column].reindex(frame.index) if pen.also_column in ratings.values.columns else pd.Series(np.nan, index=frame.index)
        hit &= other.fillna(-1) >= float(pen.also_min)
    subjects = list(frame.index[hit])
    if not subjects:
        return L.empty()
    cells = ratings.cells[pen.column].reindex(subjects).fillna("") if pen.column in ratings.cells.columns else ""
    return L.make(subject=subjects, component=comp_name, kind="deduction", points=-to_micro(pen.points),
                  item=pen.text or f"{pen.column}排名靠后", rule=pen.text or f"{pen.column}排名后{pen.bottom}名，扣{num(pen.points)}分",
                  source=cells, file=ctx.file, quantity=1.0)


def _cell_issue(ctx: Context, cell_text: str, message: str, hint: str, level: str = "error") -> Issue:
    sheet, _, cell = (cell_text or "").partition("!")
    maker = {"error": error, "note": note, "warning": warning}[level]
    return maker(message, hint, file=ctx.file, sheet=sheet or "评分", cell=cell)


def _label(ctx: Context, s: str) -> str:
    if "姓名" in ctx.subjects.columns:
        return f"{ctx.subjects.at[s, '姓名']}（{s}）"
    if "名称" in ctx.subjects.columns:
        return str(ctx.subjects.at[s, "名称"])
    return str(s)
