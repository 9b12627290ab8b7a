"""Cells in and out of the archive: Python and pandas values as stored text, and rows read back as frames.

Points are exact: strings are stored exactly as given ("95.50" stays "95.50"), `Decimal` as
`str(value)`, a float `quantity` in its shortest form; a numeric column of points or totals is
refused (int64 would be engine micro-points, float is inexact). A value that cannot be stored
is an `ArchiveError` (a program error, never the user's).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from kaohe_cli.errors import ArchiveError
from kaohe_cli.store.schema import ISSUE_FIELDS

__all__ = [
    "as_flag", "as_int", "as_text", "as_texts", "check_columns", "column", "dumps", "is_missing", "issue_row",
    "json_cells", "read_frame",
]


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def as_text(value: Any) -> str | None:
    """A cell as stored text. Strings are kept exactly; `Decimal` becomes `str(value)`."""
    if type(value) is str:
        return value
    if is_missing(value):
        return None
    if isinstance(value, str):  # str subclasses, and str-valued enums such as issues.Level
        inner = getattr(value, "value", None)
        return inner if isinstance(inner, str) else str.__str__(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time():
            return value.date().isoformat()  # a date read from a workbook cell
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    inner = getattr(value, "value", None)  # other enums
    if isinstance(inner, str):
        return inner
    if isinstance(value, float):
        return float.__repr__(value)  # also numpy.float64, whose repr is "np.float64(…)"
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):  # numpy scalars
        return as_text(value.item())
    return str(value)


def as_texts(values: Iterable[Any]) -> list[str | None]:
    """`as_text` of each value."""
    # Fast paths for the two common types; everything else goes through as_text. `record_run` of
    # the bench's 10,000-staff month: ~1.04 s with them, ~1.14-1.34 s without.
    return [
        v if type(v) is str else str(v) if type(v) is Decimal and v.is_finite() else as_text(v)
        for v in values
    ]


def as_flag(value: Any) -> int:
    """A yes/no cell as 0 or 1 (missing is 0)."""
    if value is True or value is False:
        return int(value)
    return 0 if is_missing(value) or not value else 1


def as_int(value: Any, what: str) -> int | None:
    """An integer cell (rank, event index), or None when missing."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ArchiveError(f"无法写入档案：{what}不是整数：{value!r}", "应为整数或留空；这是程序错误，请反馈")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "value"):  # enums
        return value.value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in the archive")


# One encoder for every cell: json.dumps with options builds a new encoder per call. Measured on
# the bench's 10,000-staff month (tools/bench.py data; 48,003 ledger lines), `record_run` takes
# ~1.04 s with it and ~1.30 s with json.dumps per cell (a loaded 2-core machine).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default).encode


def dumps(value: Any, what: str) -> str:
    """`value` as compact JSON text; `what` names it in the error if it cannot be stored."""
    try:
        return _ENCODE(value)
    except (TypeError, ValueError) as exc:
        raise ArchiveError(f"无法写入档案：{what} 含有无法保存的值（{exc}）", "这是程序错误，请反馈") from exc


def json_cells(values: Iterable[Any], what: str) -> list[str]:
    """Each value as JSON text; a missing value is stored as `{}`."""
    out = []
    encode = _ENCODE
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            value = {}
        try:
            out.append(encode(value))
        except (TypeError, ValueError):
            out.append(dumps(value, what))  # raises with the message
    return out


def check_columns(frame: pd.DataFrame, known: tuple[str, ...], exact: Iterable[str], what: str) -> None:
    """Refuse unknown columns, a missing `subject`, and numeric columns of exact points."""
    unknown = [str(c) for c in frame.columns if c not in known]
    if unknown:
        raise ArchiveError(
            f"无法写入档案：{what}有未知的列 {', '.join(unknown)}",
            f"可用的列：{', '.join(known)}；这是程序错误，请反馈",
        )
    if "subject" not in frame.columns:
        raise ArchiveError(f"无法写入档案：{what}缺少 subject 列", "这是程序错误，请反馈")
    for name in sorted(set(exact) & set(frame.columns)):
        dtype = frame[name].dtype
        if len(frame) and pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            # int64 here is almost surely engine micro-points; float is inexact. Refuse both.
            raise ArchiveError(
                f"无法写入档案：{what}的 {name} 列是数值类型（{dtype}），分值须为 Decimal 或文本",
                "请先用 kaohe_cli.domain.points.fmt_micro 或 from_micro 转换；这是程序错误，请反馈",
            )


def column(frame: pd.DataFrame, name: str) -> list[Any]:
    """The values of a column, or None for each row where the frame lacks it."""
    if name in frame.columns:
        return frame[name].tolist()
    return [None] * len(frame)


def issue_row(issue: Any) -> tuple[str | None, ...]:
    """An `Issue`, or a dict of its fields, as the stored texts of `ISSUE_FIELDS`."""
    if isinstance(issue, Mapping):
        data = dict(issue)
    elif hasattr(issue, "to_dict"):
        data = issue.to_dict()
    else:
        data = {k: getattr(issue, k, None) for k in ISSUE_FIELDS}
    return tuple(as_text(data.get(k)) for k in ISSUE_FIELDS)


def read_frame(
    rows: list[tuple],
    columns: tuple[str, ...],
    *,
    ints: tuple[str, ...] = (),
    bools: tuple[str, ...] = (),
    json_cols: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Rows read back as a frame: text columns are `str` dtype (missing → NaN), ranks `Int64`."""
    frame = pd.DataFrame.from_records(rows, columns=list(columns), coerce_float=False)
    for name in columns:
        if name in ints:
            frame[name] = frame[name].astype("Int64")
        elif name in bools:
            frame[name] = frame[name].astype(bool)
        elif name in json_cols:
            frame[name] = pd.Series([json.loads(v) for v in frame[name]], index=frame.index, dtype=object)
        elif frame[name].dtype != "str":
            frame[name] = frame[name].astype("str")
    return frame
