"""Calls by the person's preferred language, and how many needed an interpreter (issue 23).

Counted from the calls themselves (a few grouped rows per period, in both of ``compute_together``'s
sources): by the language subtag of the call's BCP 47 tag (``es-MX`` counts as ``es``), "not_recorded"
for none and "other" for free text that is no tag.
"""

from collections import Counter

from sqlalchemy import select

from fieldapp import languages as tags
from fieldapp.calls.models import Call
from fieldapp.metrics.common import grouped_counts, share
from fieldapp.metrics.filters import Periods

NOT_RECORDED, OTHER = "not_recorded", "other"


def languages(session, periods: Periods) -> list[dict]:
    period = periods.index(Call.received_at).label("period")
    rows = grouped_counts(session, select(period, Call.preferred_language, Call.interpreter_needed)
                          .where(*periods.call_conditions()))
    spoken = [Counter() for _ in periods.items]
    interpreter = [0 for _ in periods.items]
    for index, tag, needed, n in rows:
        spoken[int(index)][tags.primary(tag) or (OTHER if tag else NOT_RECORDED)] += n
        interpreter[int(index)] += n if needed else 0
    return [figures(counted, needed) for counted, needed in zip(spoken, interpreter, strict=True)]


def figures(counted: Counter, needed: int) -> dict:
    total = sum(counted.values())
    order = sorted((code for code in counted if code not in (NOT_RECORDED, OTHER)), key=lambda code: -counted[code])
    rows = [{"code": code, "count": counted[code], "share": share(counted[code], total)}
            for code in [*order, OTHER, NOT_RECORDED] if counted[code] or code == NOT_RECORDED]
    return {"calls": total, "by_language": rows,
            "interpreter_needed": {"count": needed, "share": share(needed, total)}}
