"""Points by band: the bands of `rank_band` (by rank) and `value_band` (by a value), their checks
and the Chinese text that describes them.

- `rank_band`: each band `{ upto, points }`; rank r ≤ upto × N of the group.
- `value_band`: the value is a 评分 column (`column`, default the component's name, within
  `column_max` when given), or a share of columns (`ratio = { numerator = ["优秀票", "称职票"],
  denominator = "总票数" }`, 0..1). Each band `{ min, points }`, listed from high to low with
  strictly decreasing `min`; the first band whose `min` the value **reaches** (value ≥ min: the
  Chinese 以上 includes the number, 《刑法》第99条 and common usage) gives its points, else
  `otherwise` (default 0). Every points ≤ the component's `max`.

`value_band_problems` reads a component's raw table (as `scheme/checks.py` does: it tolerates
values of the wrong type, the model reports those) and says each problem at its key.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import field_validator

from kaohe_cli.scheme.bounds import StrictModel, data_number as _number
from kaohe_cli.text import num


class Ratio(StrictModel):
    """按比例分档的比值：分子各列之和 ÷ 分母列（优秀票 + 称职票）÷ 总票数，作 0–1 的比例与各档 min 比较。"""

    numerator: list[str]  # 评分表的列，相加作分子（一列也可写成文本）
    denominator: str  # 评分表的列，作分母（须大于 0）

    @field_validator("numerator", mode="before")
    @classmethod
    def _one_column(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("numerator")
    @classmethod
    def _not_empty(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("numerator 至少要有一列（如 [\"优秀票\", \"称职票\"]）")
        return v

    def text(self) -> str:
        """`(优秀票+称职票)÷总票数`."""
        top = "+".join(self.numerator)
        return f"({top})÷{self.denominator}" if len(self.numerator) > 1 else f"{top}÷{self.denominator}"


def value_text(comp) -> str:
    """What a value band compares: `(优秀票+称职票)÷总票数`, or the column's name."""
    return comp.ratio.text() if comp.ratio is not None else (comp.column or comp.name)


def bound_text(comp, bound: Decimal) -> str:
    """A band's `min` as written in Chinese text: a share as a percentage (90%), a value as is."""
    return f"{num(bound * 100)}%" if comp.ratio is not None else num(bound)


def band_text(comp) -> str:
    """The bands of a rank or value band component in one Chinese line (`schemes show`, templates)."""
    if comp.kind == "value_band":
        bands = "，".join(f"达到{bound_text(comp, b.min)}得{num(b.points)}分" for b in comp.bands)
        last = comp.bands[-1].min if comp.bands else None
        rest = f"，不足{bound_text(comp, last)}得{num(comp.otherwise or 0)}分" if last is not None else ""
        return f"{value_text(comp)} {bands}{rest}"
    if comp.kind == "rank_band":
        within = f"在「{comp.group_by}」内" if comp.group_by else ""
        bands = "，".join(f"前{num(b.upto * 100)}%得{num(b.points)}分" for b in comp.bands)
        return f"按{comp.column}{within}排名：{bands}，其余得{num(comp.otherwise)}分"
    return ""


# ---- checks, each at its key ------------------------------------------------------------------


def _list(value) -> list:
    return value if isinstance(value, list) else []


def band_problems(comp: dict) -> list[tuple[tuple, str, str]]:
    """(key path inside the component, message, fix) for the band keys of one component's table:
    `ratio` only in value_band, each band's `upto` (rank_band) or `min` (value_band), and for a
    value band the order, the range and the points of its bands."""
    kind = comp.get("kind")
    out: list[tuple[tuple, str, str]] = []
    if comp.get("ratio") is not None and kind != "value_band":
        out.append((("ratio",), "ratio（按比例分档）只用于 value_band（按数值分档）类考核项目",
                    "请删去 ratio，或把 kind 改为 \"value_band\""))
    # a band's keys as given (a dumped model writes the absent one as None)
    bands = [{k: v for k, v in b.items() if v is not None} if isinstance(b, dict) else {} for b in _list(comp.get("bands"))]
    if kind == "rank_band":
        for j, b in enumerate(bands):
            if "min" in b:
                out.append((("bands", j, "min"), "按排名分档（rank_band）的每一档写 upto（名次比例），不写 min",
                            "请改为 upto = 0.25 这样的名次比例；按数值分档请把 kind 改为 \"value_band\""))
            elif "upto" not in b:
                out.append((("bands", j), "按排名分档（rank_band）的这一档缺少 upto（名次不超过人数的多少）",
                            "请写成 { upto = 0.25, points = 10 }"))
    if kind == "value_band":
        out.extend(_value_bands(comp, bands))
    return out


def _value_bands(comp: dict, bands: list[dict]) -> list[tuple[tuple, str, str]]:
    out: list[tuple[tuple, str, str]] = []
    ratio = comp.get("ratio") is not None
    if ratio and comp.get("column") is not None:
        out.append((("column",), "value_band 的分档数值二选一：column（一列的数）或 ratio（几列之比），不能都写",
                    "按一列的数分档请删去 ratio；按比例分档请删去 column"))
    if ratio and comp.get("column_max") is not None:
        out.append((("column_max",), "按比例分档（ratio）的比值在 0 到 1 之间，不用写 column_max",
                    "请删去 column_max"))
    if ratio and isinstance(comp.get("ratio"), dict):
        out.extend(_ratio_columns(comp["ratio"]))
    if comp.get("group_by") is not None:
        out.append((("group_by",), "按数值分档（value_band）每人按自己的数分档，不分组，group_by 不起作用",
                    "请删去 group_by；要在组内按名次分档，请用 kind = \"rank_band\""))
    top, most = _number(comp.get("column_max")), _number(comp.get("max"))
    previous = None
    for j, b in enumerate(bands):
        if "upto" in b:
            out.append((("bands", j, "upto"), "按数值分档（value_band）的每一档写 min（达到多少），不写 upto",
                        "请写成 { min = 0.9, points = 15 }（达到 90% 得 15 分）"))
            continue
        low = _number(b.get("min"))
        if "min" not in b:
            out.append((("bands", j), "按数值分档（value_band）的这一档缺少 min（达到多少得这一档的分）",
                        "请写成 { min = 0.9, points = 15 }"))
        elif low is not None:
            out.extend(_band_min(j, low, ratio, top, previous))
            previous = low
        points = _number(b.get("points"))
        if points is not None and most is not None and points > most:
            out.append((("bands", j, "points"), f"这一档 {num(points)} 分，超过本项目满分 max {num(most)}",
                        f"请改为不超过 {num(most)} 的分数，或调整 max"))
    rest = _number(comp.get("otherwise"))
    if rest is not None and most is not None and rest > most:
        out.append((("otherwise",), f"otherwise（不在任何一档）{num(rest)} 分，超过本项目满分 max {num(most)}",
                    f"请改为不超过 {num(most)} 的分数"))
    return out


def _ratio_columns(ratio: dict) -> list[tuple[tuple, str, str]]:
    """A ratio's columns: none twice, the denominator not among the numerator's."""
    top = ratio.get("numerator")
    top = [top] if isinstance(top, str) else [c for c in _list(top) if isinstance(c, str)]
    den = ratio.get("denominator")
    seen: set[str] = set()
    for j, col in enumerate(top):
        if col in seen:
            return [(("ratio", "numerator", j), f"分子中「{col}」写了两次", "每列只写一次")]
        seen.add(col)
    if isinstance(den, str) and den in seen:
        return [(("ratio", "denominator"), f"分母「{den}」也在分子中，比值总是不小于 1",
                 "分子写要数的票（如优秀票、称职票），分母写总票数")]
    return []


def _band_min(j: int, low: Decimal, ratio: bool, top: Decimal | None, previous: Decimal | None) -> list[tuple]:
    """One value band's `min`: within 0..1 for a ratio (0..column_max for a bounded column), and
    below the band before it (bands go from high to low)."""
    where = ("bands", j, "min")
    if ratio and not 0 <= low <= 1:
        return [(where, f"按比例分档的 min 是 0 到 1 之间的比例（实为 {num(low)}）",
                 "90% 写作 0.9，80% 写作 0.8")]
    if top is not None and not 0 <= low <= top:
        return [(where, f"min {num(low)} 不在评分列的范围 0–{num(top)}（column_max）之内，这一档谁也达不到",
                 f"请改为 0 到 {num(top)} 之间的数，或调整 column_max")]
    if previous is not None and low >= previous:
        return [(where, f"各档的 min 应从高到低排列、逐档减小（上一档 {num(previous)}，这一档 {num(low)}）",
                 "请把达到数值高的档写在前面，如 [{ min = 0.9, points = 15 }, { min = 0.8, points = 12 }]")]
    return []
