"""The section 1947 report (issue 21; docs/billing.md): what Medicaid's community-based mobile crisis benefit
asks of a program (Social Security Act section 1947; CMS State Health Official letter 21-008):

- the share of responses (calls a unit reached, received in the period) with a licensed
  behavioral-health professional on scene (``fieldapp.units.crews``: the crew of the shift open on the
  unit when it reached the scene);
- the hours of the period covered by a staffed unit (any shift open), and by one with a licensed
  professional on it;
- response times (received -> first on scene), median and 90th percentile, overall and for the
  responses with a professional on scene.

Shown by the dashboard and the printable report as their own block (templates/metrics/_section1947.html).
"""

from datetime import datetime

from sqlalchemy import and_, case, or_, select

from fieldapp.accounts.licensure import LICENSED
from fieldapp.accounts.models import User
from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.metrics import sql
from fieldapp.metrics.common import grouped_quantiles, share
from fieldapp.metrics.filters import Filters
from fieldapp.roles import CLINICIAN
from fieldapp.units.crews import latest_started, not_ended_by
from fieldapp.units.models import Shift


def _hours(intervals: list[tuple[datetime, datetime]]) -> float:
    """Hours covered by the union of the intervals."""
    total, reach = 0.0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += (end - start).total_seconds()
            reach = end
        elif end > reach:
            total += (end - reach).total_seconds()
            reach = end
    return round(total / 3600, 1)


def coverage(session, filters: Filters, now: datetime) -> dict:
    start, end = filters.start, min(filters.end, now)
    query = (select(Shift.started_at, Shift.ended_at, User.role, User.bh_role)
             .join(User, Shift.clinician_id == User.id)
             .where(Shift.started_at < end, or_(Shift.ended_at.is_(None), Shift.ended_at > start)))
    if filters.unit_id:
        query = query.where(Shift.unit_id == filters.unit_id)
    staffed, professional = [], []
    for started, ended, role, bh_role in session.execute(query):
        interval = (max(started, start), min(ended or end, end))
        if interval[1] <= interval[0]:
            continue
        staffed.append(interval)
        if role == CLINICIAN and bh_role == LICENSED:
            professional.append(interval)
    period = round(max(0.0, (end - start).total_seconds()) / 3600, 1)
    covered, with_professional = _hours(staffed), _hours(professional)
    return {"period_hours": period, "staffed_hours": covered, "staffed_share": share(covered, period),
            "professional_hours": with_professional, "professional_share": share(with_professional, period)}


def _facts(filters: Filters):
    """One row per response (a call a unit reached, received in the period): its response time in seconds
    (at least 0: device clocks), whether the crew of the shift open on the unit when it reached the scene had
    a licensed clinician (``fieldapp.units.crews``: the unit's latest shift started by then, if not yet
    ended; one index probe per response), and the response time again where it had (else NULL)."""
    span = sql.float_seconds_between(Call.received_at, Call.first_on_scene_at)
    query = (select(case((span < 0, 0.0), else_=span).label("response"), Call.first_on_scene_at,
                    latest_started(Call.unit_id, Call.first_on_scene_at).label("shift_id"))
             .where(Call.received_at >= filters.start, Call.received_at < filters.end,
                    Call.first_on_scene_at.is_not(None)))
    if filters.unit_id:
        query = query.where(Call.unit_id == filters.unit_id)
    if filters.call_type:
        query = query.where(Call.call_type == filters.call_type)
    inner = query.subquery("responses")
    professional = and_(not_ended_by(inner.c.first_on_scene_at),
                        User.role == CLINICIAN, User.bh_role == LICENSED)
    return (select(inner.c.response, case((professional, 1), else_=0).label("professional"),
                   case((professional, inner.c.response)).label("professional_response"))
            .select_from(inner).outerjoin(Shift, Shift.id == inner.c.shift_id)
            .outerjoin(User, User.id == Shift.clinician_id).subquery("facts"))


def figures(session, filters: Filters, *, now: datetime | None = None) -> dict:
    """The section's figures; the percentiles computed in the database (``grouped_quantiles``)."""
    now = now or utcnow()
    none = {"n": 0, "median": None, "p90": None}
    empty = {"rows": 0, "professional": 0, "response": none, "professional_response": none}
    found = grouped_quantiles(session, _facts(filters), [], ["response", "professional_response"],
                              sums=("professional",)).get((), empty)
    return {
        "responses": found["rows"], "with_professional": found["professional"],
        "professional_share": share(found["professional"], found["rows"]),
        "response_times": found["response"],
        "professional_response_times": found["professional_response"],
        "coverage": coverage(session, filters, now),
    }
