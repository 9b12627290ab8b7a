"""The workspace configuration, `kaohe.toml`, validated with pydantic.

Unknown keys are errors that suggest the nearest valid key. Paths in the file are
confined to the workspace (the folder holding kaohe.toml). Like a scheme file, kaohe.toml is
refused before parsing when it is over 1 MB or nested deeper than 32 levels, and every error
(tomllib's, pydantic's) is reported in Chinese with its line or key (`kaohe_cli.scheme.loader`).
"""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal
from pathlib import Path

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, field_validator

from kaohe_cli.errors import ConfigError
from kaohe_cli.write.fileout import confined

CONFIG_NAME = "kaohe.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(_Strict):
    person: str = ""  # 联系人
    phone: str = ""  # 联系电话
    address: str = ""  # 来信来访地址
    posted_at: str = ""  # 公示张贴地点


class Attendance(_Strict):
    hours_per_day: Decimal = Decimal(8)
    mapping: dict[str, str] = {}  # export header → scheme item; "" to leave unmapped

    @field_validator("hours_per_day")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if not v.is_finite() or v <= 0 or v > 24:
            raise ValueError("每天工作小时数应大于 0、不超过 24")
        return v


class Calendar(_Strict):
    extra_holidays: list[date] = []  # 日历包未覆盖年份的节假日
    extra_workdays: list[date] = []  # 调休上班日


def _quota(value: str) -> str:
    from kaohe_cli.scheme.model import parse_quota

    parse_quota(value)  # a ValueError in Chinese names the value
    return value


class Config(_Strict):
    unit_name: str = ""  # 单位名称（公示落款）
    scheme: str = ""  # 默认方案编号或方案文件路径
    archive: str = "kaohe.db"
    output_dir: str = ""
    contact: Contact = Contact()
    quotas: dict[str, Annotated[str, AfterValidator(_quota)]] = {}  # 等次 → "15%" / "4"
    attendance: Attendance = Attendance()
    calendar: Calendar = Calendar()
    notice_days: int = 5
    templates_dir: str = ""  # 自定义通知模板文件夹；留空用内置模板

    @field_validator("notice_days")
    @classmethod
    def _days(cls, v: int) -> int:
        if not 1 <= v <= 60:
            raise ValueError(f"公示期工作日数应在 1–60 之间（实为 {v}）")
        return v


    # set after loading
    root: Path | None = None

    def archive_path(self) -> Path:
        return confined(Path(self.archive), self.root or Path.cwd(), "档案库路径（archive）")

    def output_path(self) -> Path | None:
        if not self.output_dir:
            return None
        return confined(Path(self.output_dir), self.root or Path.cwd(), "输出目录（output_dir）")

    def templates_path(self) -> Path | None:
        if not self.templates_dir:
            return None
        return confined(Path(self.templates_dir), self.root or Path.cwd(), "模板文件夹（templates_dir）")


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    candidate = here / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None = None) -> Config:
    """kaohe.toml from `path`, or from the current folder; defaults when there is none."""
    from kaohe_cli.scheme.loader import read_toml_file, toml_data

    path = path or find_config()
    if path is None:
        return Config(root=Path.cwd())
    text = read_toml_file(path, path.name, ConfigError, "配置文件")
    data = toml_data(text, path.name, ConfigError)
    data.pop("root", None)
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path.name), "请对照 kaohe init 生成的 kaohe.toml 修改") from None
    cfg.root = path.parent.resolve()
    return cfg


def _describe(exc: ValidationError, label: str) -> str:
    from kaohe_cli.scheme.loader import pydantic_message

    lines = [f"{label} 有 {exc.error_count()} 处错误："]
    for err in exc.errors()[:10]:
        loc = _key_path(err.get("loc", ()))
        if err.get("type") == "extra_forbidden":
            key = str(err["loc"][-1])
            near = difflib.get_close_matches(key, _all_keys(), n=1, cutoff=0.5)
            what = f"未知的键「{key}」" + (f"，是否想写「{near[0]}」？" if near else "")
        else:
            what = pydantic_message(err)
        lines.append(f"  - {loc or '（整个文件）'}：{what}")
    if exc.error_count() > 10:
        lines.append(f"  - ……另有 {exc.error_count() - 10} 处")
    return "\n".join(lines)


def _key_path(loc: tuple) -> str:
    """A pydantic location as a TOML key path: calendar.extra_holidays[2]."""
    out = ""
    for key in loc:
        if isinstance(key, int):
            out += f"[{key + 1}]"
        elif not str(key).startswith(("function-", "tuple[")):
            out += ("." if out else "") + str(key)
    return out


def _all_keys() -> list[str]:
    keys: set[str] = set()
    for cls in (Config, Contact, Attendance, Calendar):
        keys.update(k for k in cls.model_fields if k != "root")
    return sorted(keys)


def render_config(unit_name: str, scheme: str, contact: Contact, archive: str = "kaohe.db") -> str:
    """The text of a new kaohe.toml, with Chinese comments."""

    def q(s: str) -> str:
        return '"' + "".join(_toml_char(c) for c in s) + '"'

    return f"""# kaohe 工作区配置。命令行参数优先于这里的设置。
unit_name = {q(unit_name)}      # 单位名称，用于公示落款
scheme = {q(scheme)}            # 默认考核方案：内置编号或方案文件路径
archive = {q(archive)}          # 档案库（SQLite），相对于本文件所在文件夹
notice_days = 5                 # 公示期（工作日）
templates_dir = ""              # 自定义通知模板文件夹（公示.docx 等），相对于本文件；留空用内置模板

[contact]                       # 考核办联系方式，用于公示和通知
person = {q(contact.person)}
phone = {q(contact.phone)}
address = {q(contact.address)}
posted_at = {q(contact.posted_at)}

[quotas]                        # 人事部门下达的名额，例如 优秀 = "15%" 或 先进 = "3"

[attendance]
hours_per_day = 8               # 考勤导出中小时折算天数
[attendance.mapping]            # 考勤导出列 → 考核事项，例如 "缺卡次数" = "迟到"

[calendar]                      # 日历包未覆盖的年份：补充节假日与调休上班日
extra_holidays = []
extra_workdays = []
"""


def _toml_char(c: str) -> str:
    """One character inside a TOML basic string: quotes, backslashes and controls escaped."""
    if c == '"' or c == "\\":
        return "\\" + c
    if c in "\b\t\n\f\r":
        return {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[c]
    if ord(c) < 0x20 or ord(c) == 0x7F:
        return f"\\u{ord(c):04X}"
    return c
