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
Percentiles are PostgreSQL's ``percentile_cont`` (``metrics.sql.percentile``), as everywhere else.
"""

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fieldapp.calls.models import Call
from fieldapp.metrics.common import seconds, share
from fieldapp.metrics.filters import Filters
from fieldapp.metrics.sql import percentile
from fieldapp.zones import services as zones
from fieldapp.zones.models import Zone

STEPS = (("queue", _l("Received → dispatched"), "received_at", "first_assigned_at"),
         ("to_en_route", _l("Dispatched → en route"), "first_assigned_at", "first_en_route_at"),
         ("travel", _l("En route → on scene"), "first_en_route_at", "first_on_scene_at"),
         ("response", _l("Received → on scene"), "received_at", "first_on_scene_at"))
OUTSIDE = "Outside every zone"


def _quantiles(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(ordered), "median": seconds(percentile(ordered, 0.5)), "p90": seconds(percentile(ordered, 0.9))}


def figures(session, filters: Filters) -> dict:
    """{"rows": [{zone, priority, target_minutes, calls, steps: {step: {n, median, p90}}, reached,
    within_target, within_share}], "default_minutes"}, rows by zone name (outside last) then priority."""
    query = (select(Call.zone_id, Zone.name, Call.priority, Call.received_at, Call.first_assigned_at,
                    Call.first_en_route_at, Call.first_on_scene_at)
             .outerjoin(Zone, Zone.id == Call.zone_id)
             .where(Call.received_at >= filters.start, Call.received_at < filters.end))
    if filters.unit_id:
        query = query.where(Call.unit_id == filters.unit_id)
    if filters.call_type:
        query = query.where(Call.call_type == filters.call_type)
    groups = defaultdict(list)
    for row in session.execute(query):
        groups[(row.zone_id, row.name, row.priority)].append(row)
    table = zones.targets()
    rows = []
    for (zone_id, name, priority), calls in sorted(groups.items(), key=lambda item: (
            item[0][1] is None, item[0][1] or "", item[0][2])):
        target = zones.target_of(zone_id, priority, table)
        steps = {}
        for key, _, start, end in STEPS:
            spans = [(getattr(c, end) - getattr(c, start)).total_seconds() for c in calls
                     if getattr(c, start) is not None and getattr(c, end) is not None]
            steps[key] = _quantiles([span for span in spans if span >= 0])
        reached = steps["response"]["n"]
        within = sum(1 for c in calls if c.first_on_scene_at is not None
                     and 0 <= (c.first_on_scene_at - c.received_at).total_seconds() <= target * 60)
        rows.append({"zone": name or OUTSIDE, "zone_id": zone_id, "priority": priority, "target_minutes": target,
                     "calls": len(calls), "steps": steps, "reached": reached, "within_target": within,
                     "within_share": share(within, reached)})
    return {"rows": rows, "default_minutes": zones.default_minutes()}
