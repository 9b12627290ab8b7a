"""Notices as Word documents: docxtpl templates rendered in a Jinja sandbox.

The templates ship in the package (`kaohe_cli/templates/`) and are built by `tools/build_templates.py` (GB/T 9704-2012
layout). A clerk may edit them in Word or WPS; they are rendered in a sandbox
(`jinja2.sandbox.ImmutableSandboxedEnvironment`) with autoescaping, so a value such as
`张&<三>` appears literally and a template cannot reach Python internals.

Contexts — each template uses only these keys; every value is text (or a number) already
formatted for print, dates as `2023年9月27日` (`kaohe_cli.domain.workdays.format_cn_date`):

公示 (`公示.docx`, one document for the period)
    unit_name        发文单位 (signature), e.g. "某某县财政局"
    title            document title, e.g. "关于2023年第一季度考核等次的公示"
    period_label     "2023年3月" / "2023年第一季度" / "2023年度"
    people           list of {no, name, dept, grade}: 序号, 姓名, 科室, 等次 — nothing else
    start_date       first day of the publicity period
    end_date         last day of the publicity period
    days             number of working days
    contact_person   who receives objections (blank → "________")
    contact_phone    their telephone (blank → "________")
    contact_address  where written objections go (blank → the clause is left out)
    posted_at        where the notice is posted, e.g. "机关一楼公示栏" (blank → left out)
    sign_date        成文日期

结果反馈 (`结果反馈.docx`, one document per person)
    unit_name, period_label, name, dept
    components       list of {name, max, score}: 考核项目, 满分, 得分
    bonus, deduction, total, grade, rank, count, sign_date
    items            list of {item, count, points, reason, evidence}: every deduction and bonus
                     with its 事项 (and 级别), 数量, signed 分值, 事由 and 文号
    deadline         last day to object (the end of the publicity period from the notice date)
    contact_person, contact_phone, contact_address   as for 公示
    money, money_name, yuan_per_point   the total's money value ("1,234.50"), what it is called
                     and the rate, when the scheme sets `yuan_per_point` (else all blank)

诫勉谈话通知 (`诫勉谈话通知.docx`, one per person graded 不称职)
    unit_name, period_label, name, dept, total, grade,
    talk_time, talk_place, talker, contact_person, contact_phone, sign_date
    (blank talk_time, talk_place, talker, contact_person, contact_phone → "________")

Rendering rules: a missing key is a `TemplateError` naming it; `None` prints as blank;
control characters that XML cannot hold are dropped; a line break in a value becomes a line
break in Word; everything else in a value (`&<>`, `{{`, docxtpl's own `{_{`) prints as typed.

Many letters: `NoticeTemplate` reads and compiles a template once and renders one letter at
a time, each the same document `DocxTemplate.render` + `save` gives for its context (bar
values holding `{_{`, which docxtpl would garble);
`NoticeTemplate.write_merged` streams all letters into one document, one letter in memory.

The package, by responsibility:

    sandbox     the Jinja sandbox, and rendering failures told in Chinese
    template    which templates there are; `NoticeTemplate` compiles one once, renders letters
    container   the .docx zip: unchanging parts deflated once; atomic saving
    merge       many letters in one document, streamed (`merge_documents`)
    preview     HTML previews (`docx_to_html`)
    pdf         PDF through LibreOffice (`find_soffice`, `to_pdf`, `to_pdfs`)
    batch       one run's set of files: rendered into a stage, converted, published
    publish     the staging folder and its all-or-nothing publish
"""


from __future__ import annotations

from kaohe_cli.errors import TemplateError
from kaohe_cli.write.notices.merge import merge_documents
from kaohe_cli.write.notices.pdf import find_soffice, to_pdf, to_pdfs
from kaohe_cli.write.notices.preview import docx_to_html
from kaohe_cli.write.notices.template import CONTEXT_KEYS, TEMPLATE_FILES, NoticeTemplate, render_notice

__all__ = [
    "CONTEXT_KEYS",
    "TEMPLATE_FILES",
    "TemplateError",
    "docx_to_html",
    "find_soffice",
    "NoticeTemplate",
    "merge_documents",
    "render_notice",
    "to_pdf",
    "to_pdfs",
]
