"""`kaohe diff`: what changed between the last two runs of a period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kaohe_cli.app.decide import decided_scores
from kaohe_cli.errors import NotFound
from kaohe_cli.store.archive import open_archive

_KEY = ("subject", "item", "level", "component", "kind", "quantity", "points", "evidence", "reason", "source")


@dataclass
class Diff:
    """The last two runs of a period compared: subjects whose total or grade changed, and the
    ledger lines added or removed."""

    period: str
    old_run: object
    new_run: object
    changed: list[dict]  # subject, name, old_total, new_total, old_grade, new_grade
    added: list[dict]  # ledger lines only in the new run
    removed: list[dict]  # ledger lines only in the old run


def diff_period(db, period: str, scheme_id: str | None = None) -> Diff:
    with open_archive(db, readonly=True) as arc:
        pair = arc.last_two_runs(period, scheme_id)
        if pair is None:
            raise NotFound(f"{period} 的评分记录少于两次，无法比较", "修改输入后再用 kaohe score 评分一次，即可比较")
        old, new = pair
        s_old, s_new = decided_scores(arc, old, arc.scores(old.id)), decided_scores(arc, new, arc.scores(new.id))
        l_old, l_new = arc.ledger(old.id), arc.ledger(new.id)
    a = s_old.set_index("subject")
    b = s_new.set_index("subject")
    changed = []
    for s in list(dict.fromkeys(list(b.index) + list(a.index))):
        ot, ng = (a.at[s, "total"], a.at[s, "grade"]) if s in a.index else ("", "")
        nt, gg = (b.at[s, "total"], b.at[s, "grade"]) if s in b.index else ("", "")
        if ot != nt or ng != gg:
            name = b.at[s, "name"] if s in b.index else a.at[s, "name"]
            changed.append({"subject": s, "name": name, "old_total": ot, "new_total": nt,
                            "old_grade": ng or "", "new_grade": gg or ""})
    keep = [k for k in _KEY if k in l_old.columns]
    skip = {"base", "weight"}

    def bag(frame):
        rows = [tuple("" if v != v else str(v) for v in r) for r in frame[frame["kind"].map(lambda k: k not in skip)][keep].itertuples(index=False)]
        return Counter(rows)

    bo, bn = bag(l_old), bag(l_new)
    names = {**dict(zip(a.index, a["name"])), **dict(zip(b.index, b["name"]))}
    added = [{**dict(zip(keep, r)), "name": str(names.get(r[0], "") or "")} for r in (bn - bo).elements()]
    removed = [{**dict(zip(keep, r)), "name": str(names.get(r[0], "") or "")} for r in (bo - bn).elements()]
    return Diff(period, old, new, changed, added, removed)
