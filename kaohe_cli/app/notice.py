"""Notices for one period, from the archive: 公示, 结果反馈 and 诫勉谈话通知 — the use case.

`make_notices` decides which notice, for which period and which people, and the publicity
dates; where the grades come from is `notice_source`, the template contexts are
`notice_context`, and the files are written by `kaohe_cli.write.notices.batch`:

- The template is read and compiled once; the letters are rendered one at a time, each
  written before the next (the merged document too, letter by letter), so memory does not
  grow with the number of people.
- Everything is rendered into a hidden staging folder first (Word documents, HTML previews,
  the merged document, PDFs). Only when every file is ready is the set published, all of it
  or none (`kaohe_cli.write.notices.publish`): a failure part-way (a broken template,
  LibreOffice missing, a letter open in WPS) leaves the folder as it was. An existing file
  is never replaced without `force`; staging folders of killed runs are removed by the next run.
- The 公示 lists 序号, 姓名, 科室 and 等次 of every graded subject in rank order — never
  scores, ranks or the ledger. Subjects a rule took out of the grading (不确定等次, or the rule's
  own words: 不参加年度考核), or given no grade, are left out.
- The publicity period starts on the notice date when that is a working day, otherwise on
  the next one, and runs the given number of working days on the Chinese calendar.

Problems the user should know about but that do not stop the notices (a year the holiday
calendar lacks, no unit name, an edited scheme) come back as `warnings`; nothing here prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from kaohe_cli.app.config import Config
from kaohe_cli.app.decide import apply_to_scores
from kaohe_cli.app.notice_context import (
    UNGRADED, cell_text, feedback_contexts, feedback_items, is_ungraded, publicity_context, talk_contexts,
)
from kaohe_cli.app.notice_source import Source, ledger_of, load_source, scheme_filter, source_scheme, stale_summary
from kaohe_cli.domain.period import Period, parse_period
from kaohe_cli.domain.workdays import publicity_period, uncovered_years
from kaohe_cli.engine.actions import ungraded_texts
from kaohe_cli.engine.grading import TIED
from kaohe_cli.errors import Undecided, UsageError
from kaohe_cli.packaged import templates_dir
from kaohe_cli.scheme.model import Scheme
from kaohe_cli.write.notices import TEMPLATE_FILES
from kaohe_cli.write.notices.batch import write_notices

__all__ = [
    "KINDS",
    "KIND_NAMES",
    "NoticeOptions",
    "NoticeOutcome",
    "builtin_templates_dir",
    "default_out_dir",
    "feedback_contexts",
    "make_notices",
    "parse_notice_date",
    "publicity_context",
    "safe_filename",
    "talk_contexts",
]

KINDS = ("publicize", "feedback", "talk")
KIND_NAMES = {"publicize": "公示", "feedback": "结果反馈", "talk": "诫勉谈话通知"}

TALK_GRADE = "不称职"  # DESIGN.md: a 诫勉谈话 notice for each person graded 不称职
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
    name = TEMPLATE_FILES[kind]
    user_dir = cfg.templates_path()
    if user_dir is not None:
        if not user_dir.is_dir():
            warnings.append(f"kaohe.toml 中的模板文件夹 {cfg.templates_dir} 不存在，已使用内置模板")
        elif (user_dir / name).is_file():
            return user_dir / name
    return builtin_templates_dir() / name


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
    parts = [prefix, safe_filename(cell_text(rec.get("subject")))]
    name = cell_text(rec.get("name"))
    if name and name != cell_text(rec.get("subject")):
        parts.append(safe_filename(name))
    stem = "-".join(parts)
    unique, n = stem, 2
    while unique.casefold() in taken:  # Windows and macOS ignore case
        unique = f"{stem}-{n}"
        n += 1
    taken.add(unique.casefold())
    return unique


# --- where, when and whom ----------------------------------------------------------------


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


def _top_grades(scheme: Scheme | None, scores: pd.DataFrame) -> list[str]:
    """The grade or grades an annual 公示 lists by default: the top one, or every designation."""
    if scheme is not None:
        grading = (scheme.annual.grading if scheme.annual and scheme.annual.grading else None) or scheme.grading
        return list(grading.names) if grading.independent else grading.names[:1]
    seen = [cell_text(r.get("grade")) for r in scores.to_dict("records") if not is_ungraded(r)]
    seen = list(dict.fromkeys(seen))
    return seen[:1]


def _top_title(period: Period, top: list[str]) -> str:
    names = "、".join(top)
    if all(g.endswith("人选") for g in top):
        return f"关于{period.label}考核{names}的公示"
    return f"关于{period.label}考核拟确定为{names}等次人员的公示"


# --- the whole job ----------------------------------------------------------------------


def make_notices(cfg: Config, db: Path, opts: NoticeOptions) -> NoticeOutcome:
    """Render the notices `opts` asks for from the latest run of its period."""
    if opts.kind not in KINDS:
        raise UsageError(f"未知的通知类型 {opts.kind}", "请选择 --publicize、--feedback 或 --talk")
    if opts.merge and opts.kind == "publicize":
        raise UsageError("公示只有一份文件，不需要 --merge", "--merge 用于 --feedback 或 --talk")
    period = parse_period(opts.period)
    source, scores, scheme, warnings = _grades(cfg, Path(db), period, opts.scheme)
    template = _template(opts.kind, cfg, warnings)
    out_dir = Path(opts.out_dir) if opts.out_dir is not None else default_out_dir(cfg, period)
    outcome = NoticeOutcome(kind=opts.kind, period=period, source=source, template=template, out_dir=out_dir,
                            warnings=warnings)
    if not cfg.unit_name.strip():
        warnings.append(
            "未设置单位名称：落款处留作下划线。请在 kaohe.toml 中填写 unit_name"
            "（或用 kaohe init --unit-name 某某局 生成 kaohe.toml）"
        )
    if opts.kind == "publicize":
        _publicize(cfg, opts, scheme, scores, outcome)
    else:
        _letters(cfg, Path(db), opts, scheme, scores, outcome)
    return outcome


def _grades(
    cfg: Config, db: Path, period: Period, scheme_ref: str | None
) -> tuple[Source, pd.DataFrame, Scheme | None, list[str]]:
    """The grades of `period` (standing decisions applied), where they come from, the scheme
    they were made with, and the warnings so far."""
    scheme_id, given_scheme = scheme_filter(scheme_ref, cfg)
    source, scores, decisions = load_source(db, period, scheme_id)
    warnings: list[str] = []
    scheme = source_scheme(source, given_scheme, cfg, warnings)
    if source.run is not None:
        if decisions and scheme is not None:
            scores = apply_to_scores(scheme, source.run, scores, decisions)
    else:
        warnings.extend(stale_summary(db, period, source))
    return source, scores, scheme, warnings


def _refuse_tied(scores: pd.DataFrame, period: Period) -> None:
    """A 公示 needs every tie decided first (`kaohe decide`); `--draft` is for the meeting."""
    tied = [(cell_text(r["subject"]), cell_text(r["name"]))
            for r in scores.to_dict("records") if TIED in cell_text(r.get("grade"))]
    if not tied:
        return
    who = "、".join(f"{n}（{s}）" if n and n != s else s for s, n in tied[:20])
    more = f"等{len(tied)}人" if len(tied) > 20 else ""
    raise Undecided(
        f"{period.label}仍有{len(tied)}人并列待定：{who}{more}，未经集体研究决定不能公示",
        f"请集体研究后记录决定：kaohe decide --period {period.code} 工号=等次 --note 会议纪要文号；"
        "会前可加 --draft 生成征求意见稿",
    )


def _publicize(cfg: Config, opts: NoticeOptions, scheme: Scheme | None, scores: pd.DataFrame,
               outcome: NoticeOutcome) -> None:
    """The 公示: who is listed, the publicity period, and the one document."""
    period = outcome.period
    if not opts.draft:
        _refuse_tied(scores, period)
    title = None
    if outcome.source.summary is not None and not opts.all_grades:
        top = _top_grades(scheme, scores)
        shown = set(top) | {f"{TIED}（{g}）" for g in top} | ({TIED} if opts.draft else set())
        scores = scores[[any(part in shown for part in cell_text(g).split("、")) for g in scores["grade"]]]
        title = _top_title(period, top)
    days = opts.days if opts.days is not None else cfg.notice_days
    holidays, workdays = cfg.calendar.extra_holidays, cfg.calendar.extra_workdays
    start, end = publicity_period(opts.notice_date, days, extra_holidays=holidays, extra_workdays=workdays)
    outcome.warnings.extend(_calendar_warnings(cfg, opts.notice_date, end))
    ctx = publicity_context(scores, cfg, period, opts.notice_date, start, end, days,
                            ungraded=UNGRADED | ungraded_texts(scheme))
    if title:
        ctx["title"] = title
    if opts.draft:
        ctx["title"] += "（征求意见稿）"
    if not ctx["people"]:
        outcome.nobody = f"{period.label}没有已确定等次的考核对象，未生成公示"
    else:
        stem = f"公示-{safe_filename(period.code)}" + ("-征求意见稿" if opts.draft else "")
        _write(outcome, [(stem, ctx)], opts, stem)
    outcome.people = len(ctx["people"])
    outcome.start, outcome.end, outcome.days = start, end, days


def _letters(cfg: Config, db: Path, opts: NoticeOptions, scheme: Scheme | None, scores: pd.DataFrame,
             outcome: NoticeOutcome) -> None:
    """结果反馈 or 诫勉谈话通知: one letter per person (or one merged document)."""
    source, period = outcome.source, outcome.period
    if source.summary is not None and source.summary.subject_kind == "unit" or (
        source.run is not None and source.run.subject_kind == "unit"
    ):
        raise UsageError(
            f"方案 {source.scheme_name} 考核的是单位，没有个人的{KIND_NAMES[opts.kind]}",
            "单位考核只生成公示：kaohe notice --publicize",
        )
    if opts.kind == "feedback":
        items = feedback_items(ledger_of(db, source))
        pairs = feedback_contexts(scores, cfg, period, opts.notice_date, scheme, items)
    else:
        if scheme is not None and not scheme.grading.names and source.summary is None:
            outcome.nobody = f"方案 {source.scheme_name} 不评等次，没有“{TALK_GRADE}”的人员，未生成诫勉谈话通知"
            return
        lowest = scheme.grading.names[-1] if scheme is not None and scheme.grading.names else TALK_GRADE
        # A year's 不称职 comes from the rules (a veto forces it), not from the annual grades.
        if lowest != TALK_GRADE and source.summary is None:
            outcome.nobody = (
                f"方案 {source.scheme_name} 的等次中没有“{TALK_GRADE}”（最低等次为“{lowest}”），"
                "未生成诫勉谈话通知"
            )
            return
        pairs = talk_contexts(scores, cfg, period, opts.notice_date, TALK_GRADE)
        if not pairs:
            outcome.nobody = f"{period.label}没有等次为“{TALK_GRADE}”的人员，未生成诫勉谈话通知"
            return
    prefix = KIND_NAMES[opts.kind]
    taken: set[str] = set()
    jobs = [(_person_stem(prefix, rec, taken), ctx) for rec, ctx in pairs]
    _write(outcome, jobs, opts, f"{prefix}-合并-{safe_filename(period.code)}")
    outcome.people = len(jobs)


def _write(outcome: NoticeOutcome, jobs: list[tuple[str, dict]], opts: NoticeOptions, merged_stem: str) -> None:
    """Write `jobs` (file stem, context) as one set into the outcome's folder."""
    outcome.documents, outcome.previews, outcome.pdfs = write_notices(
        outcome.template, jobs, outcome.out_dir, merged_stem=merged_stem,
        merge=opts.merge, html=opts.html, pdf=opts.pdf, force=opts.force,
    )
