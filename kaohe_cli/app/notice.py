"""Notices for one period, from the archive: 公示, 结果反馈 and 诫勉谈话通知.

`make_notices` reads the latest run of the period, builds the template contexts documented
in `kaohe_cli.write.notices`, renders them and moves the files into place:

- The template is read and compiled once; the letters are rendered one at a time, each
  written before the next (the merged document too, letter by letter), so memory does not
  grow with the number of people.
- Everything is rendered into a hidden staging folder first (Word documents, HTML previews,
  the merged document, PDFs). Only when every file is ready is the set published, all of it
  or none (see "writing" below): a failure part-way (a broken template, LibreOffice missing,
  a letter open in WPS) leaves the folder as it was. An existing file is never replaced
  without `force`; staging folders of killed runs are removed by the next run.
- The 公示 lists 序号, 姓名, 科室 and 等次 of every graded subject in rank order — never
  scores, ranks or the ledger. Subjects graded 不确定等次, or given no grade, are left out.
- The publicity period starts on the notice date when that is a working day, otherwise on
  the next one, and runs the given number of working days on the Chinese calendar.

Problems the user should know about but that do not stop the notices (a year the holiday
calendar lacks, no unit name, an edited scheme) come back as `warnings`; nothing here prints.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

from kaohe_cli.store.archive import RunInfo, open_archive
from kaohe_cli.app.config import Config
from kaohe_cli.engine.grading import NO_GRADE, TIED
from kaohe_cli.errors import (
    ConverterMissing, KaoheError, NotFound, OutputExists, SchemeError, SeveralSchemes, Undecided, UsageError,
    os_reason,
)
from kaohe_cli.write.fileout import check_target
from kaohe_cli.packaged import templates_dir
from kaohe_cli.app.decide import apply_to_scores
from kaohe_cli.domain.period import Period, parse_period
from kaohe_cli.app.run_scheme import resolve_ref, scheme_matching, scheme_of_run, workspace_scheme
from kaohe_cli.scheme import load_scheme
from kaohe_cli.scheme.loader import scheme_hash
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.domain.workdays import format_cn_date, format_cn_time, publicity_period, uncovered_years
from kaohe_cli.write import notices

__all__ = [
    "KINDS",
    "NoticeOptions",
    "NoticeOutcome",
    "builtin_templates_dir",
    "feedback_contexts",
    "make_notices",
    "parse_notice_date",
    "publicity_context",
    "safe_filename",
    "talk_contexts",
]

KINDS = ("publicize", "feedback", "talk")
KIND_NAMES = {"publicize": "公示", "feedback": "结果反馈", "talk": "诫勉谈话通知"}

BLANK = "________"  # an unfilled value, left for the clerk to write in by hand
TALK_GRADE = "不称职"  # DESIGN.md: a 诫勉谈话 notice for each person graded 不称职
UNGRADED = frozenset({"", NO_GRADE})
PDF_BATCH = 50  # documents per LibreOffice run (keeps the command line short on Windows)
_NAME_PART_MAX = 60  # characters kept of each part of a file name


@dataclass
class NoticeOptions:
    """What `kaohe notice` asks for; every value already parsed."""

    kind: str  # publicize | feedback | talk
    period: str  # as typed: 2023-03, 2023Q1, 2023
    notice_date: date  # 成文日期; the publicity period starts here (or on the next working day)
    scheme: str | None = None  # narrows the runs: a scheme id, or a scheme file
    days: int | None = None  # publicity working days; None → kaohe.toml notice_days
    out_dir: Path | None = None  # None → <workspace>/notices/<period>/
    merge: bool = False
    html: bool = False
    pdf: bool = False
    force: bool = False
    draft: bool = False  # 公示 of a period with 并列待定: a copy marked 征求意见稿 for the committee
    all_grades: bool = False  # 公示 of a year or quarter: every grade, not only the top grade(s)


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


@dataclass
class NoticeOutcome:
    """What was written, for the command to report."""

    kind: str
    period: Period
    source: Source
    template: Path
    out_dir: Path
    documents: list[Path] = field(default_factory=list)  # the .docx files written
    previews: list[Path] = field(default_factory=list)  # .html
    pdfs: list[Path] = field(default_factory=list)
    people: int = 0  # people listed (公示) or given a notice
    start: date | None = None  # publicity period (公示 only)
    end: date | None = None
    days: int | None = None
    warnings: list[str] = field(default_factory=list)
    nobody: str = ""  # why nothing was written, when nothing was


# --- inputs -----------------------------------------------------------------------------


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_notice_date(text: str) -> date:
    """`--date`: 2023-09-27, 2023/9/27, 2023.9.27, 2023年9月27日 or 20230927."""
    from kaohe_cli.text import to_halfwidth

    t = to_halfwidth(str(text)).strip().replace(" ", "")
    for pattern in _DATE_FORMS:
        m = pattern.match(t)
        if m:
            try:
                return date(*(int(g) for g in m.groups()))
            except ValueError:
                break
    raise UsageError(f"无法识别的日期「{text}」", "请写成 2023-09-27 或 2023年9月27日")


def builtin_templates_dir() -> Path:
    """The folder of the default templates, shipped inside the package."""
    return templates_dir()


def _template(kind: str, cfg: Config, warnings: list[str]) -> Path:
    name = notices.TEMPLATE_FILES[kind]
    user_dir = cfg.templates_path()
    if user_dir is not None:
        if not user_dir.is_dir():
            warnings.append(f"kaohe.toml 中的模板文件夹 {cfg.templates_dir} 不存在，已使用内置模板")
        elif (user_dir / name).is_file():
            return user_dir / name
    return builtin_templates_dir() / name


# --- values -----------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell read back from the archive as text; missing → ''."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def _rank(value: object) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value: object) -> str:
    """A Decimal for print: `30`, `2.5` (no exponent, no trailing zeros)."""
    return format(Decimal(str(value)).normalize(), "f")


def _signed_deduction(value: str) -> str:
    """扣分 is archived as a magnitude; the letter shows it as −1.5 (0 stays 0)."""
    v = value or "0"
    try:
        magnitude = Decimal(v)
    except InvalidOperation:
        return v
    if magnitude == 0:
        return "0"
    return v if magnitude < 0 else f"-{v}"


def _rank_order(scores: pd.DataFrame) -> pd.DataFrame:
    """Best rank first; equal ranks keep the archive's (roster) order; no rank last."""
    key = [(_rank(r) is None, _rank(r) or 0, i) for i, r in enumerate(scores["rank"])]
    order = sorted(range(len(scores)), key=lambda i: key[i])
    return scores.iloc[order].reset_index(drop=True)


# --- contexts (pure) ----------------------------------------------------------------------


def _common(cfg: Config, period: Period, sign_date: date) -> dict:
    return {
        "unit_name": cfg.unit_name.strip() or BLANK,
        "period_label": period.label,
        "sign_date": format_cn_date(sign_date),
    }


def publicity_context(
    scores: pd.DataFrame, cfg: Config, period: Period, sign_date: date, start: date, end: date, days: int
) -> dict:
    """The 公示 context: graded subjects in rank order, 序号/姓名/科室/等次 only."""
    people = []
    for rec in _rank_order(scores).to_dict("records"):
        grade = _text(rec.get("grade"))
        if grade in UNGRADED:
            continue
        people.append({
            "no": len(people) + 1,
            "name": _text(rec.get("name")) or _text(rec.get("subject")),
            "dept": _text(rec.get("dept")),
            "grade": grade,
        })
    contact = cfg.contact
    return {
        **_common(cfg, period, sign_date),
        "title": f"关于{period.label}考核等次的公示",
        "people": people,
        "start_date": format_cn_date(start),
        "end_date": format_cn_date(end),
        "days": days,
        "contact_person": contact.person.strip(),
        "contact_phone": contact.phone.strip(),
        "contact_address": contact.address.strip(),
        "posted_at": contact.posted_at.strip(),
    }


def feedback_items(ledger: pd.DataFrame) -> dict[str, list[dict]]:
    """Per subject: every deduction and bonus line counted in the period total, for 结果反馈."""
    if ledger is None or ledger.empty:
        return {}
    counted = ledger["counted"].map(lambda v: str(v).lower() in ("1", "true")) if "counted" in ledger else True
    annual = ledger["annual"].map(lambda v: str(v).lower() in ("1", "true")) if "annual" in ledger else False
    lines = ledger[ledger["kind"].isin(["deduction", "bonus"]) & counted & ~annual]
    out: dict[str, list[dict]] = {}
    for rec in lines.to_dict("records"):
        item = _text(rec.get("item"))
        level = _text(rec.get("level"))
        points = _text(rec.get("points"))
        out.setdefault(_text(rec.get("subject")), []).append({
            "item": f"{item}（{level}）" if level else item,
            "count": _quantity(_text(rec.get("quantity"))),
            "points": _signed(points),
            "reason": _text(rec.get("reason")),
            "evidence": _text(rec.get("evidence")),
        })
    return out


def _quantity(text: str) -> str:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")


def _signed(text: str) -> str:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    shown = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")
    return f"+{shown}" if value > 0 else shown


def feedback_contexts(
    scores: pd.DataFrame, cfg: Config, period: Period, sign_date: date, scheme: Scheme | None,
    items: dict[str, list[dict]] | None = None,
) -> list[tuple[dict, dict]]:
    """One (subject record, 结果反馈 context) per scored person, in roster order."""
    maxima = {c.name: _number(c.max) for c in scheme.components} if scheme is not None else {}
    count = len(scores)
    items = items or {}
    contact = cfg.contact
    holidays, workdays = cfg.calendar.extra_holidays, cfg.calendar.extra_workdays
    _, last = publicity_period(sign_date, cfg.notice_days, extra_holidays=holidays, extra_workdays=workdays)
    out = []
    for rec in scores.to_dict("records"):
        comps = rec.get("components") or {}
        rank = _rank(rec.get("rank"))
        ctx = {
            **_common(cfg, period, sign_date),
            "name": _text(rec.get("name")) or _text(rec.get("subject")),
            "dept": _text(rec.get("dept")),
            "components": [
                {"name": name, "max": maxima.get(name, "—"), "score": _text(score) or "0"}
                for name, score in comps.items()
            ] or ([{"name": "各期平均分", "max": "—", "score": _text(rec.get("mean"))}] if "mean" in rec else []),
            "bonus": _text(rec.get("bonus")) or "0",
            "deduction": _signed_deduction(_text(rec.get("deduction"))),
            "total": _text(rec.get("total")),
            "grade": _text(rec.get("grade")) or "未评定",
            "rank": rank if rank is not None else "—",
            "count": count,
            "items": items.get(_text(rec.get("subject")), []),
            "deadline": format_cn_date(last),
            "contact_person": contact.person.strip(),
            "contact_phone": contact.phone.strip(),
            "contact_address": contact.address.strip(),
        }
        out.append((rec, ctx))
    return out


def talk_contexts(
    scores: pd.DataFrame, cfg: Config, period: Period, sign_date: date, grade: str
) -> list[tuple[dict, dict]]:
    """One (subject record, 诫勉谈话通知 context) per person graded `grade`, in roster order."""
    contact = cfg.contact
    out = []
    for rec in scores.to_dict("records"):
        if _text(rec.get("grade")) != grade:
            continue
        ctx = {
            **_common(cfg, period, sign_date),
            "name": _text(rec.get("name")) or _text(rec.get("subject")),
            "dept": _text(rec.get("dept")),
            "total": _text(rec.get("total")),
            "grade": grade,
            "talk_time": "",
            "talk_place": "",
            "talker": "",
            "contact_person": contact.person.strip(),
            "contact_phone": contact.phone.strip(),
        }
        out.append((rec, ctx))
    return out


# --- file names -------------------------------------------------------------------------


# Removed from names: C0 and C1 control characters and DEL (ESC, BEL, …), and the
# bidirectional formatting characters — embeddings and overrides U+202A–U+202E, isolates
# U+2066–U+2069, marks U+200E, U+200F and U+061C — with which a name could make a file list
# show another name or extension than the file has. The letters themselves keep them.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)


def safe_filename(text: str, limit: int = _NAME_PART_MAX) -> str:
    """`text` made safe as (part of) a file name on Windows, macOS and Linux: control and
    bidirectional formatting characters removed, characters Windows forbids replaced by _."""
    t = _WINDOWS_BAD.sub("_", _INVISIBLE.sub("", str(text)))
    t = re.sub(r"\s+", " ", t).strip()[:limit].rstrip(" .")
    if not t:
        return "_"
    if _WINDOWS_RESERVED.match(t):
        t = "_" + t
    return t


def _person_stem(prefix: str, rec: dict, taken: set[str]) -> str:
    parts = [prefix, safe_filename(_text(rec.get("subject")))]
    name = _text(rec.get("name"))
    if name and name != _text(rec.get("subject")):
        parts.append(safe_filename(name))
    stem = "-".join(parts)
    unique, n = stem, 2
    while unique.casefold() in taken:  # Windows and macOS ignore case
        unique = f"{stem}-{n}"
        n += 1
    taken.add(unique.casefold())
    return unique


# --- the archive ------------------------------------------------------------------------


def _scheme_filter(ref: str | None, cfg: Config) -> tuple[str | None, Scheme | None]:
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


def _load(db: Path, period: Period, scheme_id: str | None) -> tuple[Source, pd.DataFrame, dict]:
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


# --- writing ----------------------------------------------------------------------------
#
# A run's files are made in a hidden staging folder `.kaohe-notice-<12 hex>` and published
# as a set:
#
# - When the output folder does not exist yet, the stage sits beside it (in its parent) and
#   becomes it by one folder rename.
# - When it exists (and may hold other files, e.g. the 公示 beside the 结果反馈), the stage
#   sits inside it. Every target is checked first; then the files the set replaces are
#   moved aside into the stage (`.old`), which is where a file open in Word, WPS or Excel on
#   Windows refuses; then the new files are moved in. Any failure moves everything back, so
#   the old set stays as it was and no new file is left visible.
#
# A stage holds a lock file (`.lock`) for as long as its run lives; the OS releases the
# lock when the process dies, even by kill -9. Each run removes the stages it finds beside
# its own that are older than itself and not locked; one that died while publishing first
# gets its `.old` files put back, unless it had finished (`.done`).

_STARTED = time.time()  # when this process imported notice_build: before it made a stage
_STAGE_PREFIX = ".kaohe-notice-"
_STAGE_NAME = re.compile(r"\.kaohe-notice-[0-9a-f]{12}")
_LOCK, _OLD, _DONE = ".lock", ".old", ".done"
_LOCKED_HINT = "文件可能正在 Excel/WPS 中打开，请关闭后重试"


def _lock_fd(fd: int) -> None:
    """Lock an open file without waiting; OSError when another process (or descriptor) holds it."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # Windows: a byte-range lock, released by the system when the process ends
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _unlock_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        else:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def hold_lock(path: Path) -> int:
    """Create and lock `path`; the descriptor keeps it locked until `release_lock`."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock_fd(fd)
    except OSError:
        os.close(fd)
        raise
    return fd


def release_lock(fd: int) -> None:
    _unlock_fd(fd)
    with contextlib.suppress(OSError):
        os.close(fd)


def _in_use(stage: Path) -> bool:
    """Whether a live process holds `stage`'s lock."""
    try:
        fd = os.open(stage / _LOCK, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:  # e.g. a sharing violation on Windows: someone has it open
        return True
    try:
        _lock_fd(fd)
    except OSError:
        return True
    else:
        _unlock_fd(fd)
        return False
    finally:
        os.close(fd)


def _restore_old(stage: Path) -> bool:
    """Put back the files a publish moved aside into `stage/.old` (into the stage's folder),
    unless that publish finished. True when nothing is left to put back."""
    old = stage / _OLD
    if not old.is_dir() or (stage / _DONE).exists():
        return True
    left = False
    for entry in list(os.scandir(old)):
        try:
            os.replace(entry.path, stage.parent / entry.name)
        except OSError:
            left = True
    return not left


def remove_stale_stages(folders: Iterable[Path], keep: Path | None = None) -> list[Path]:
    """Remove the staging folders that dead runs left in `folders`; return those removed.

    A stage is stale when it was last modified before this process started and no live
    process holds its lock. Our start time is taken to the folder's own clock through the
    mtime of `keep` (our fresh stage), as `fileout.remove_stale_temps` does.
    """
    started = _STARTED
    if keep is not None:
        with contextlib.suppress(OSError):
            started = keep.stat().st_mtime - (time.time() - _STARTED)
    removed = []
    for folder in dict.fromkeys(folders):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not _STAGE_NAME.fullmatch(entry.name) or (keep is not None and entry.name == keep.name):
                continue
            stage = Path(entry.path)
            try:
                if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime >= started:
                    continue
            except OSError:
                continue
            if _in_use(stage) or not _restore_old(stage):
                continue
            shutil.rmtree(stage, ignore_errors=True)
            if not stage.exists():
                removed.append(stage)
    return removed


def _present(folder: Path) -> dict[str, str]:
    """The names in `folder`, by their case-folded form (Windows and macOS ignore case)."""
    try:
        return {e.name.casefold(): e.name for e in os.scandir(folder)}
    except OSError:
        return {}


def _refuse_existing(out_dir: Path, names: list[str], force: bool) -> list[str]:
    """The names already in `out_dir`; refused without `force` (and a folder in the way always)."""
    present = _present(out_dir) if out_dir.is_dir() else {}
    found = [present[n.casefold()] for n in names if n.casefold() in present]
    for name in found:
        check_target(out_dir / name, force)
    return found


class _MoveFailed(Exception):
    def __init__(self, name: str, exc: OSError, replacing: bool) -> None:
        super().__init__(name)
        self.name, self.exc, self.replacing = name, exc, replacing


def _is_lock_error(exc: OSError) -> bool:
    return (isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY, errno.ETXTBSY)
            or getattr(exc, "winerror", None) in (5, 32, 33))


_WINDOWS_RETRIES = (0.05, 0.2)  # a virus scanner or indexer may hold a new file for a moment


def _move(src: Path, dst: Path, name: str, replacing: bool) -> None:
    for wait in (*_WINDOWS_RETRIES, None) if os.name == "nt" else (None,):
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if wait is None:
                raise _MoveFailed(name, exc, replacing) from exc
            time.sleep(wait)
        except OSError as exc:
            raise _MoveFailed(name, exc, replacing) from exc


class _Stage:
    """A run's staging folder and how it is published into `out_dir`."""

    def __init__(self, path: Path, out_dir: Path, whole: bool, lock: int | None) -> None:
        self.path = path
        self.out_dir = out_dir
        self.whole = whole  # beside a missing out_dir: published by renaming the folder
        self._lock: int | None = lock
        self.keep_old = False  # old files could not be put back: keep them for the next run

    def release(self) -> None:
        if self._lock is not None:
            release_lock(self._lock)
            self._lock = None

    def publish(self, names: list[str], force: bool) -> list[Path]:
        """Move the staged `names` into `out_dir`, all of them or none."""
        finals = [self.out_dir / n for n in names]
        if not self.whole:
            self._publish_files(names, force, may_replace=True)
            return finals
        wanted = set(names)
        for entry in list(os.scandir(self.path)):  # nothing but the set goes public
            if entry.name not in wanted and entry.name != _LOCK:
                _remove_entry(entry)
        self.release()
        with contextlib.suppress(OSError):
            os.unlink(self.path / _LOCK)
        try:
            os.rename(self.path, self.out_dir)
            return finals
        except OSError:
            pass
        # The folder appeared while we worked (another run), or a scanner holds a file of the
        # stage (Windows): move the files one by one into the folder, replacing none.
        with contextlib.suppress(OSError):
            self._lock = hold_lock(self.path / _LOCK)
        try:
            self.out_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise KaoheError(
                f"无法建立输出文件夹 {self.out_dir}：{os_reason(exc)}", "请确认目录可写，或用 -o 指定其他文件夹"
            ) from exc
        self._publish_files(names, force, may_replace=False)
        return finals

    def _publish_files(self, names: list[str], force: bool, *, may_replace: bool) -> None:
        out, stage = self.out_dir, self.path
        present = _present(out)
        clashes = [present[n.casefold()] for n in names if n.casefold() in present]
        for name in clashes:
            if not may_replace:
                raise OutputExists(f"输出文件 {out / name} 已被另一次运行写出", "本次生成的通知未写出；请确认只有一次运行后重试")
            check_target(out / name, force)
        old = stage / _OLD
        moved: list[str] = []
        placed: list[str] = []
        try:
            if clashes:
                try:
                    old.mkdir()
                except OSError as exc:
                    raise _MoveFailed(clashes[0], exc, replacing=True) from exc
            for name in clashes:  # a file open in WPS on Windows refuses here, before any change
                _move(out / name, old / name, name, replacing=True)
                moved.append(name)
            for name in names:
                if os.path.lexists(out / name):
                    raise OutputExists(f"输出文件 {out / name} 已被另一次运行写出",
                                       "原有文件保持不变，本次生成的通知未写出；请确认只有一次运行后重试")
                _move(stage / name, out / name, name, replacing=False)
                placed.append(name)
        except (_MoveFailed, OutputExists) as failure:
            self._roll_back(placed, moved)
            if isinstance(failure, OutputExists):
                raise
            raise self._failure(failure) from failure.exc
        with contextlib.suppress(OSError):
            (stage / _DONE).touch()

    def _roll_back(self, placed: list[str], moved: list[str]) -> None:
        out, stage, old = self.out_dir, self.path, self.path / _OLD
        for name in reversed(placed):
            try:
                os.replace(out / name, stage / name)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(out / name)
        for name in reversed(moved):
            try:
                os.replace(old / name, out / name)
            except OSError:
                self.keep_old = True

    def _failure(self, failure: _MoveFailed) -> KaoheError:
        where = str(self.out_dir)
        kept = "原有文件保持不变" if not self.keep_old else f"有原有文件未能放回，暂存在 {self.path / _OLD}，下次运行时放回"
        verb = "替换" if failure.replacing else "写入"
        message = f"无法{verb} {failure.name}（{os_reason(failure.exc)}）：{kept}，本次生成的通知均未写出"
        hint = _LOCKED_HINT if _is_lock_error(failure.exc) else "请确认文件夹可写、磁盘有空间后重试"
        return KaoheError(message, hint, where=where)


@contextlib.contextmanager
def _staging(out_dir: Path) -> Iterator[_Stage]:
    """A locked staging folder for `out_dir` (see above); removed afterwards, with the stale
    stages of dead runs. Folders this creates on the way to `out_dir` are removed again when
    the block fails and they are still empty."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExists(f"输出位置 {out_dir} 是一个文件，不是文件夹", "请用 -o 指定一个文件夹")
    whole = not out_dir.exists()
    home = out_dir.parent if whole else out_dir
    created: list[Path] = []
    probe = home
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    path = home / f"{_STAGE_PREFIX}{secrets.token_hex(6)}"
    try:
        home.mkdir(parents=True, exist_ok=True)
        path.mkdir()
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        _remove_empty(created)
        raise KaoheError(
            f"无法创建输出文件夹 {out_dir}：{os_reason(exc)}", "请确认目录可写，或用 -o 指定其他文件夹"
        ) from exc
    try:
        lock = hold_lock(path / _LOCK)
    except OSError:  # a file system without locks: the stage is still fresh for this run's length
        lock = None
    stage = _Stage(path, out_dir, whole, lock)
    remove_stale_stages([home, out_dir, out_dir.parent], keep=path)
    ok = False
    try:
        yield stage
        ok = True
    finally:
        stage.release()
        if stage.keep_old:  # only the old files, for the next run to put back
            with contextlib.suppress(OSError):
                for entry in list(os.scandir(path)):
                    if entry.name != _OLD:
                        _remove_entry(entry)
        else:
            shutil.rmtree(path, ignore_errors=True)
        if not ok:
            _remove_empty(created)


def _remove_entry(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()


def _require_soffice() -> None:
    if notices.find_soffice() is None:
        raise ConverterMissing(
            "未找到 LibreOffice，无法转换为 PDF，未写出任何文件",
            "请安装 LibreOffice（https://zh-cn.libreoffice.org/download/），"
            "或去掉 --pdf，再用 Word/WPS 打开 .docx 另存为 PDF",
        )


def _render_all(
    template: Path, jobs: list[tuple[str, dict]], opts: NoticeOptions, merged_stem: str, out_dir: Path
) -> tuple[list[Path], list[Path], list[Path]]:
    """Render `jobs` (stem, context) one at a time into a stage, then publish them in
    `out_dir` as a set: (docx, html, pdf)."""
    docx_names = [f"{merged_stem}.docx"] if opts.merge else [f"{stem}.docx" for stem, _ in jobs]
    suffixes = [".docx"] + ([".html"] if opts.html else []) + ([".pdf"] if opts.pdf else [])
    names = [Path(n).stem + s for n in docx_names for s in suffixes]
    _refuse_existing(out_dir, names, opts.force)  # before doing any work
    if opts.pdf:
        _require_soffice()
    compiled = notices.NoticeTemplate(template)  # read once; a broken template fails before any folder
    with _staging(out_dir) as stage:
        folder = stage.path
        if opts.merge:
            target = folder / docx_names[0]
            compiled.write_merged(
                (ctx for _, ctx in jobs), target, restart_page_numbers=True,
                html=target.with_suffix(".html") if opts.html else None, expected=len(jobs),
            )
            rendered = [target]
        else:
            rendered = []
            for stem, ctx in jobs:  # each letter is on disk before the next is rendered
                target = folder / f"{stem}.docx"
                compiled.write(ctx, target, html=target.with_suffix(".html") if opts.html else None)
                rendered.append(target)
        if opts.pdf:
            for i in range(0, len(rendered), PDF_BATCH):
                notices.to_pdfs(rendered[i : i + PDF_BATCH], folder)
        finals = stage.publish(names, opts.force)
    docx = [f for f in finals if f.suffix == ".docx"]
    html = [f for f in finals if f.suffix == ".html"]
    pdf = [f for f in finals if f.suffix == ".pdf"]
    return docx, html, pdf


# --- the whole job ----------------------------------------------------------------------


def default_out_dir(cfg: Config, period: Period) -> Path:
    """`notices/<period>/` in the workspace (or under kaohe.toml's output_dir)."""
    base = cfg.output_path() or cfg.root or Path.cwd()
    return base / "notices" / period.code


def _calendar_warnings(cfg: Config, first: date, last: date) -> list[str]:
    out = []
    extra = cfg.calendar.extra_holidays + cfg.calendar.extra_workdays
    for year in uncovered_years(first, last):
        given = sum(1 for d in extra if d.year == year)
        if given:
            how = f"已按 kaohe.toml 中为 {year} 年设置的 {given} 个额外节假日/调休工作日和周末计算"
        else:
            how = (
                "只按周末计算休息日；请在 kaohe.toml 的 [calendar] 中补充该年的 extra_holidays"
                "（法定节假日）和 extra_workdays（调休上班日）后重新生成"
            )
        out.append(f"节假日日历未收录 {year} 年的法定节假日安排，公示期{how}")
    return out


def _source_scheme(source: Source, given: Scheme | None, cfg: Config, warnings: list[str]) -> Scheme | None:
    if source.run is not None:
        return _run_scheme(source.run, given, cfg, warnings)
    summary = source.summary
    return scheme_matching(summary.scheme_id, summary.scheme_hash, given=given, workspace=workspace_scheme(cfg))


def _stale_summary(db: Path, period: Period, source: Source) -> list[str]:
    """A warning when a period of the year was scored again after its `quota` result."""
    from kaohe_cli.app.run_scheme import codes_within

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


def _top_grades(scheme: Scheme | None, scores: pd.DataFrame) -> list[str]:
    """The grade or grades an annual 公示 lists by default: the top one, or every designation."""
    if scheme is not None:
        grading = (scheme.annual.grading if scheme.annual and scheme.annual.grading else None) or scheme.grading
        return list(grading.names) if grading.independent else grading.names[:1]
    seen = [g for g in dict.fromkeys(_text(g) for g in scores["grade"]) if g and g not in UNGRADED]
    return seen[:1]


def _top_title(period: Period, top: list[str]) -> str:
    names = "、".join(top)
    if all(g.endswith("人选") for g in top):
        return f"关于{period.label}考核{names}的公示"
    return f"关于{period.label}考核拟确定为{names}等次人员的公示"


def make_notices(cfg: Config, db: Path, opts: NoticeOptions) -> NoticeOutcome:
    """Render the notices `opts` asks for from the latest run of its period."""
    if opts.kind not in KINDS:
        raise UsageError(f"未知的通知类型 {opts.kind}", "请选择 --publicize、--feedback 或 --talk")
    if opts.merge and opts.kind == "publicize":
        raise UsageError("公示只有一份文件，不需要 --merge", "--merge 用于 --feedback 或 --talk")
    period = parse_period(opts.period)
    scheme_id, given_scheme = _scheme_filter(opts.scheme, cfg)
    source, scores, decisions = _load(Path(db), period, scheme_id)
    warnings: list[str] = []
    scheme = _source_scheme(source, given_scheme, cfg, warnings)
    if source.run is not None:
        if decisions and scheme is not None:
            scores = apply_to_scores(scheme, source.run, scores, decisions)
    else:
        warnings.extend(_stale_summary(Path(db), period, source))
    template = _template(opts.kind, cfg, warnings)
    out_dir = Path(opts.out_dir) if opts.out_dir is not None else default_out_dir(cfg, period)
    outcome = NoticeOutcome(kind=opts.kind, period=period, source=source, template=template, out_dir=out_dir)
    if not cfg.unit_name.strip():
        warnings.append(
            "未设置单位名称：落款处留作下划线。请在 kaohe.toml 中填写 unit_name"
            "（或用 kaohe init --unit-name 某某局 生成 kaohe.toml）"
        )

    if opts.kind == "publicize":
        tied = [(_text(r["subject"]), _text(r["name"])) for r in scores.to_dict("records") if TIED in _text(r.get("grade"))]
        if tied and not opts.draft:
            who = "、".join(f"{n}（{s}）" if n and n != s else s for s, n in tied[:20])
            more = f"等{len(tied)}人" if len(tied) > 20 else ""
            raise Undecided(
                f"{period.label}仍有{len(tied)}人并列待定：{who}{more}，未经集体研究决定不能公示",
                f"请集体研究后记录决定：kaohe decide --period {period.code} 工号=等次 --note 会议纪要文号；"
                "会前可加 --draft 生成征求意见稿",
            )
        title = None
        if source.summary is not None and not opts.all_grades:
            top = _top_grades(scheme, scores)
            shown = set(top) | {f"{TIED}（{g}）" for g in top} | ({TIED} if opts.draft else set())
            scores = scores[[any(part in shown for part in _text(g).split("、")) for g in scores["grade"]]]
            title = _top_title(period, top)
        days = opts.days if opts.days is not None else cfg.notice_days
        holidays, workdays = cfg.calendar.extra_holidays, cfg.calendar.extra_workdays
        start, end = publicity_period(opts.notice_date, days, extra_holidays=holidays, extra_workdays=workdays)
        warnings.extend(_calendar_warnings(cfg, opts.notice_date, end))
        ctx = publicity_context(scores, cfg, period, opts.notice_date, start, end, days)
        if title:
            ctx["title"] = title
        if opts.draft:
            ctx["title"] += "（征求意见稿）"
        if not ctx["people"]:
            outcome.nobody = f"{period.label}没有已确定等次的考核对象，未生成公示"
        else:
            stem = f"公示-{safe_filename(period.code)}" + ("-征求意见稿" if opts.draft else "")
            outcome.documents, outcome.previews, outcome.pdfs = _render_all(
                template, [(stem, ctx)], opts, stem, out_dir
            )
        outcome.people = len(ctx["people"])
        outcome.start, outcome.end, outcome.days = start, end, days
        outcome.warnings = warnings
        return outcome

    if source.summary is not None and source.summary.subject_kind == "unit" or (
        source.run is not None and source.run.subject_kind == "unit"
    ):
        raise UsageError(
            f"方案 {source.scheme_name} 考核的是单位，没有个人的{KIND_NAMES[opts.kind]}",
            "单位考核只生成公示：kaohe notice --publicize",
        )
    if opts.kind == "feedback":
        ledger = None
        if source.run is not None:
            with open_archive(Path(db), readonly=True) as arc:
                ledger = arc.ledger(source.run.id)
        pairs = feedback_contexts(scores, cfg, period, opts.notice_date, scheme, feedback_items(ledger))
    else:
        lowest = scheme.grading.names[-1] if scheme is not None else TALK_GRADE
        # A year's 不称职 comes from the rules (a veto forces it), not from the annual grades.
        if lowest != TALK_GRADE and source.summary is None:
            outcome.nobody = (
                f"方案 {source.scheme_name} 的等次中没有“{TALK_GRADE}”（最低等次为“{lowest}”），"
                "未生成诫勉谈话通知"
            )
            outcome.warnings = warnings
            return outcome
        pairs = talk_contexts(scores, cfg, period, opts.notice_date, TALK_GRADE)
        if not pairs:
            outcome.nobody = f"{period.label}没有等次为“{TALK_GRADE}”的人员，未生成诫勉谈话通知"
            outcome.warnings = warnings
            return outcome
    prefix = KIND_NAMES[opts.kind]
    taken: set[str] = set()
    jobs = [(_person_stem(prefix, rec, taken), ctx) for rec, ctx in pairs]
    merged_stem = f"{prefix}-合并-{safe_filename(period.code)}"
    outcome.documents, outcome.previews, outcome.pdfs = _render_all(template, jobs, opts, merged_stem, out_dir)
    outcome.people = len(jobs)
    outcome.warnings = warnings
    return outcome
