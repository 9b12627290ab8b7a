"""Whether a workbook was made for another scheme than the one chosen: one clear error instead
of a flood of unknown 事项.

The scheme its template recorded (in the hidden `_选项` sheet) decides; else the built-in
scheme that knows most of its 事项, when the chosen one knows fewer than half.
"""

from __future__ import annotations

from kaohe_cli.issues import Issue, error
from kaohe_cli.normalize.cells import get
from kaohe_cli.read.sheets import Workbook
from kaohe_cli.scheme.model import Scheme


def wrong_scheme(wb: Workbook, scheme: Scheme, event_tables: list) -> Issue | None:
    """One clear error when the workbook belongs to another scheme, instead of a flood of
    unknown items: the scheme its template recorded, or the built-in scheme that knows most
    of its 事项 while the chosen one knows fewer than half."""
    from kaohe_cli.scheme import load_scheme
    from kaohe_cli.scheme.loader import builtin_ids
    from kaohe_cli.write.template_book import TEMPLATE_SCHEME_HEADER

    recorded = _template_scheme(wb, TEMPLATE_SCHEME_HEADER)

    def ref(sid: str) -> str:  # a scheme file is named by its path, never by its id
        return sid if sid in builtin_ids() else f"方案文件路径（编号为 {sid} 的 .toml 文件）"

    if recorded and recorded != scheme.id:
        other = _builtin_name(recorded)
        return error(
            f"这个工作簿是用方案 {recorded}{other}的模板生成的，现在选用的却是方案 {scheme.id}（{scheme.name}）",
            f"请改用 --scheme {ref(recorded)}；如确实要按 {scheme.id} 考核，请用 kaohe template --scheme {ref(scheme.id)} 重新生成模板后填写",
            file=wb.file,
        )
    items = [str(get(t, vals, "事项") or "").strip() for t in event_tables for _, vals in t.records]
    items = [i for i in items if i]
    if len(items) < 3 or recorded == scheme.id:
        return None
    known = sum(scheme.item(i) is not None for i in items)
    if known * 2 >= len(items):
        return None
    best, best_known = None, known
    for sid in builtin_ids():
        if sid == scheme.id:
            continue
        other = load_scheme(sid)
        k = sum(other.item(i) is not None for i in items)
        if k > best_known and k * 5 >= len(items) * 4:
            best, best_known = other, k
    if best is None:
        return None
    return error(
        f"这个工作簿的{len(items)}个事项中，方案 {scheme.id}（{scheme.name}）只认识{known}个，"
        f"方案 {best.id}（{best.name}）认识{best_known}个：看起来是按 {best.id} 填写的",
        f"请改用 --scheme {best.id}；如确实要按 {scheme.id} 考核，请按 kaohe template --scheme {ref(scheme.id)} 的事项填写",
        file=wb.file,
    )


def _template_scheme(wb: Workbook, header: str) -> str:
    for sheet in wb.sheets:
        if sheet.name != "_选项":
            continue
        rows = sheet.rows
        if not rows:
            return ""
        for c, h in enumerate(rows[0]):
            if str(h or "").strip() == header and len(rows) > 1 and c < len(rows[1]):
                return str(rows[1][c] or "").strip()
    return ""


def _builtin_name(scheme_id: str) -> str:
    from kaohe_cli.errors import SchemeError
    from kaohe_cli.scheme import load_scheme

    try:
        return f"（{load_scheme(scheme_id).name}）"
    except SchemeError:
        return ""
