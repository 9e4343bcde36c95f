"""Response times per zone and priority against the agency's targets (issue 20; docs/metrics.md).

For the calls received in the period (and of the filter's unit and call type), grouped by the zone their
coordinates lie in (``Call.zone_id``; "Outside every zone" for the rest) and priority: the median and 90th
percentile of each step, from the same milestone times the other response figures use (the timeline's
``recorded_at``, so the device's time where the crew recorded the step; ``fieldapp.calls.services.
note_milestone``):

- received -> dispatched (the queue time), dispatched -> en route, en route -> on scene,
  received -> on scene (the response time);
- the share of the calls a unit reached whose response time was within the target of their zone and
  priority (``fieldapp.zones``; ``RESPONSE_TARGET_MINUTES`` outside every zone).

A step missing a time, or with a negative one (device clocks), is left out of that step's figures only.
Percentiles are PostgreSQL's ``percentile_cont`` (``metrics.common.grouped_quantiles``), as everywhere else,
computed in the database: the 90 days of a large program are ~125,000 calls, which are not read row by row.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, select

from fieldapp.calls.models import Call
from fieldapp.metrics import sql
from fieldapp.metrics.common import grouped_quantiles, share
from fieldapp.metrics.filters import Filters
from fieldapp.zones import services as zones
from fieldapp.zones.models import Zone

STEPS = (("queue", _l("Received → dispatched"), "received_at", "first_assigned_at"),
         ("to_en_route", _l("Dispatched → en route"), "first_assigned_at", "first_en_route_at"),
         ("travel", _l("En route → on scene"), "first_en_route_at", "first_on_scene_at"),
         ("response", _l("Received → on scene"), "received_at", "first_on_scene_at"))
KEYS = ["zone_id", "name", "priority"]
OUTSIDE = "Outside every zone"


def _target_seconds(table: dict):
    """The target of a call's zone and priority, in seconds, as a SQL expression (``zones.target_of``'s)."""
    whens = [(and_(Call.zone_id.is_(None) if zone_id is None else Call.zone_id == zone_id, Call.priority == priority),
              zones.target_of(zone_id, priority, table) * 60) for zone_id, priority in table]
    return case(*whens, else_=zones.default_minutes() * 60) if whens else zones.default_minutes() * 60


def _facts(filters: Filters, table: dict):
    """One row per call in scope: its zone and priority, each step in seconds (NULL when a time is missing
    or the step is negative) and whether a unit reached it within the target."""
    spans = {key: sql.float_seconds_between(getattr(Call, start), getattr(Call, end))
             for key, _, start, end in STEPS}
    steps = [case((span >= 0, span)).label(key) for key, span in spans.items()]
    within = case((and_(spans["response"] >= 0, spans["response"] <= _target_seconds(table)), 1), else_=0)
    query = (select(Call.zone_id, Zone.name, Call.priority, *steps, within.label("within"))
             .outerjoin(Zone, Zone.id == Call.zone_id)
             .where(Call.received_at >= filters.start, Call.received_at < filters.end))
    if filters.unit_id:
        query = query.where(Call.unit_id == filters.unit_id)
    if filters.call_type:
        query = query.where(Call.call_type == filters.call_type)
    return query.subquery("zone_facts")


def figures(session, filters: Filters) -> dict:
    """{"rows": [{zone, priority, target_minutes, calls, steps: {step: {n, median, p90}}, reached,
    within_target, within_share}], "default_minutes"}, rows by zone name (outside last) then priority."""
    table = zones.targets()
    found = grouped_quantiles(session, _facts(filters, table), KEYS, [key for key, *_ in STEPS], sums=("within",))
    rows = []
    for (zone_id, name, priority), group in sorted(found.items(), key=lambda item: (
            item[0][1] is None, item[0][1] or "", item[0][2])):
        steps = {key: group[key] for key, *_ in STEPS}
        reached = steps["response"]["n"]
        rows.append({"zone": name or OUTSIDE, "zone_id": zone_id, "priority": priority,
                     "target_minutes": zones.target_of(zone_id, priority, table), "calls": group["rows"],
                     "steps": steps, "reached": reached, "within_target": group["within"],
                     "within_share": share(group["within"], reached)})
    return {"rows": rows, "default_minutes": zones.default_minutes()}
