"""Committee decisions as the grading shows them: the 备注 of a decided grade and of a place taken.

Used wherever decided grades are shown (a period graded again, the annual step), so the texts
are written once.
"""

from __future__ import annotations

from kaohe_cli.domain.workdays import format_cn_time
from kaohe_cli.engine.grading import DecisionConflict


def person_label(subject: str, names: dict[str, str]) -> str:
    """`张三（0132）`, or the 工号 alone when the name is unknown."""
    name = names.get(subject, "")
    return f"{name}（{subject}）" if name and name != subject else subject


def decision_remark(decision: dict) -> str:
    """`集体研究决定：优秀（2024年1月10日 15:02，会议纪要〔2024〕2号）`."""
    when = format_cn_time(decision.get("decided_at", ""))
    note = decision.get("note") or ""
    return f"集体研究决定：{decision['grade']}（{when}" + (f"，{note}" if note else "") + "）"


def displacement_remarks(conflicts: list[DecisionConflict], names: dict[str, str]) -> dict[str, list[str]]:
    """备注 for both sides of a decision taken with `--displace`."""
    out: dict[str, list[str]] = {}
    for c in conflicts:
        if c.kind not in ("displaces", "over_quota"):
            continue
        who = "、".join(person_label(s, names) for s in c.decided)
        lost = "、".join(person_label(s, names) for s in c.losers)
        for s in c.decided:
            text = f"经集体研究决定占用「{c.grade}」名额" + (f"，{lost}因此未获该等次" if lost else "，超出名额")
            out.setdefault(s, []).append(text)
        for s in c.losers:
            out.setdefault(s, []).append(f"因集体研究决定（{who}定为{c.grade}），未获「{c.grade}」名额")
    return out
