"""Notices for one period, from the archive: 公示, 结果反馈 and 诫勉谈话通知.

`make_notices` reads the latest run of the period, builds the template contexts documented
in `kaohe_cli.writers.notices`, renders them and moves the files into place:

- Everything is rendered into a hidden staging folder inside the output folder first (Word
  documents, HTML previews, the merged document, PDFs). Only when every file is ready are
  they moved into place, so a failure part-way (a broken template, LibreOffice missing)
  leaves no output behind. An existing file is never replaced without `force`.
- The 公示 lists 序号, 姓名, 科室 and 等次 of every graded subject in rank order — never
  scores, ranks or the ledger. Subjects graded 不确定等次, or given no grade, are left out.
- The publicity period starts on the notice date when that is a working day, otherwise on
  the next one, and runs the given number of working days on the Chinese calendar.

Problems the user should know about but that do not stop the notices (a year the holiday
calendar lacks, no unit name, an edited scheme) come back as `warnings`; nothing here prints.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from kaohe_cli.archive import RunInfo, open_archive
from kaohe_cli.config import Config
from kaohe_cli.engine.grading import NO_GRADE, TIED
from kaohe_cli.errors import (
    ConverterMissing, KaoheError, NotFound, OutputExists, SchemeError, SeveralSchemes, Undecided, UsageError,
    os_reason,
)
from kaohe_cli.fileout import check_target
from kaohe_cli.packaged import templates_dir
from kaohe_cli.decisions import apply_to_scores
from kaohe_cli.period import Period, parse_period
from kaohe_cli.run_scheme import resolve_ref, scheme_of_run, workspace_scheme
from kaohe_cli.scheme import load_scheme
from kaohe_cli.scheme.loader import builtin_ids, scheme_hash
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.workdays import format_cn_date, format_cn_time, publicity_period, uncovered_years
from kaohe_cli.writers import notices

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


_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)


def safe_filename(text: str, limit: int = _NAME_PART_MAX) -> str:
    """`text` made safe as (part of) a file name on Windows, macOS and Linux."""
    t = _WINDOWS_BAD.sub("_", str(text))
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


@contextlib.contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A hidden folder inside `out_dir` for the files in progress; removed afterwards.

    Folders this creates for `out_dir` are removed again when the block fails and they
    are still empty.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExists(f"输出位置 {out_dir} 是一个文件，不是文件夹", "请用 -o 指定一个文件夹")
    created: list[Path] = []
    probe = out_dir
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = out_dir / f".kaohe-notice-{secrets.token_hex(6)}"
        stage.mkdir()
    except OSError as exc:
        raise KaoheError(
            f"无法创建输出文件夹 {out_dir}：{os_reason(exc)}", "请确认目录可写，或用 -o 指定其他文件夹"
        ) from exc
    ok = False
    try:
        yield stage
        ok = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if not ok:
            for folder in created:  # deepest first
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _write_html(docx: Path) -> Path:
    target = docx.with_suffix(".html")
    target.write_text(notices.docx_to_html(docx), encoding="utf-8")
    return target


def _require_soffice() -> None:
    if notices.find_soffice() is None:
        raise ConverterMissing(
            "未找到 LibreOffice，无法转换为 PDF，未写出任何文件",
            "请安装 LibreOffice（https://zh-cn.libreoffice.org/download/），"
            "或去掉 --pdf，再用 Word/WPS 打开 .docx 另存为 PDF",
        )


def _finish(stage: Path, out_dir: Path, names: list[str], force: bool) -> list[Path]:
    """Move the staged files into `out_dir`; refuse all if one appeared meanwhile."""
    finals = [out_dir / n for n in names]
    for final in finals:
        check_target(final, force)
    for name, final in zip(names, finals):
        try:
            os.replace(stage / name, final)
        except OSError as exc:
            raise KaoheError(
                f"无法写入 {final.name}（{exc.strerror or exc}）",
                "如该文件正在 Word 或 WPS 中打开，请关闭后重试",
                where=str(out_dir),
            ) from exc
    return finals


def _render_all(
    template: Path, jobs: list[tuple[str, dict]], opts: NoticeOptions, merged_stem: str, out_dir: Path
) -> tuple[list[Path], list[Path], list[Path]]:
    """Render `jobs` (stem, context) and move them into `out_dir`: (docx, html, pdf)."""
    docx_names = [f"{merged_stem}.docx"] if opts.merge else [f"{stem}.docx" for stem, _ in jobs]
    suffixes = [".docx"] + ([".html"] if opts.html else []) + ([".pdf"] if opts.pdf else [])
    names = [Path(n).stem + s for n in docx_names for s in suffixes]
    for name in names:  # refuse before doing any work
        check_target(out_dir / name, opts.force)
    if opts.pdf:
        _require_soffice()
    with _staging(out_dir) as stage:
        parts_dir = stage / "parts" if opts.merge else stage
        parts_dir.mkdir(exist_ok=True)
        rendered = [notices.render_notice(template, ctx, parts_dir / f"{stem}.docx") for stem, ctx in jobs]
        if opts.merge:
            merged = notices.merge_documents(rendered, stage / docx_names[0], restart_page_numbers=True)
            rendered = [merged]
        if opts.html:
            for docx in rendered:
                _write_html(docx)
        if opts.pdf:
            for i in range(0, len(rendered), PDF_BATCH):
                notices.to_pdfs(rendered[i : i + PDF_BATCH], stage)
        finals = _finish(stage, out_dir, names, opts.force)
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
    candidates = [s for s in (given, workspace_scheme(cfg)) if s is not None and s.id == summary.scheme_id]
    if not candidates and summary.scheme_id in builtin_ids():
        candidates.append(load_scheme(summary.scheme_id))
    for s in candidates:
        if scheme_hash(s) == summary.scheme_hash:
            return s
    return candidates[0] if candidates else None


def _stale_summary(db: Path, period: Period, source: Source) -> list[str]:
    """A warning when a period of the year was scored again after its `quota` result."""
    from kaohe_cli.run_scheme import codes_within

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
