"""Encounters (what happens on scene), referrals and follow-ups (docs/metrics.md)."""

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import and_, case, func, select

from fieldapp.calls.models import Call
from fieldapp.directory.models import CATEGORIES, Service
from fieldapp.encounters import constants as encounter_constants
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import sql
from fieldapp.metrics.buckets import buckets_for
from fieldapp.metrics.common import grouped_counts, share
from fieldapp.metrics.filters import Filters
from fieldapp.notes.models import FollowUp
from fieldapp.referrals import constants as referral_constants
from fieldapp.referrals.models import Referral

OUTCOMES = tuple(encounter_constants.OUTCOMES)


def encounters(session, filters: Filters) -> dict:
    """One grouped query over the period's encounters; every encounter metric is a sum of its rows."""
    buckets = buckets_for(filters)
    bucket = sql.bucket_index(Call.received_at, buckets.edges)
    e = Encounter
    keys = (bucket.label("bucket"), e.outcome, e.hospitalization_type, e.probable_cause, e.diverted,
            e.use_of_force, e.force_type, e.enforcement_action)
    rows = grouped_counts(session, select(*keys).select_from(e).join(Call, Call.id == e.call_id)
                          .where(*filters.call_conditions()))
    total = sum(row.n for row in rows)
    outcomes, hospital, force_types = Counter(), Counter(), Counter()
    over_time = [Counter() for _ in buckets.starts]
    pc = Counter()
    force = enforcement = 0
    for row in rows:
        outcomes[row.outcome] += row.n
        over_time[row.bucket][row.outcome] += row.n
        if row.outcome == "hospitalized":
            hospital[row.hospitalization_type or "not_recorded"] += row.n
        if row.probable_cause:
            pc["total"] += row.n
            pc["arrested" if row.outcome == "arrested" else "diverted" if row.diverted else "other"] += row.n
        if row.use_of_force:
            force += row.n
            force_types[row.force_type or "not_recorded"] += row.n
        enforcement += row.n if row.enforcement_action else 0
    without = total - outcomes["arrested"] - outcomes["hospitalized"]
    return {
        "total": total,
        "outcomes": {code: {"count": outcomes[code], "share": share(outcomes[code], total)} for code in OUTCOMES},
        "resolved_without_arrest_or_hospitalization": {"count": without, "share": share(without, total)},
        "hospitalizations": {code: hospital[code] for code in encounter_constants.HOSPITALIZATION_TYPES},
        "involuntary_holds": {"count": hospital["involuntary"], "share": share(hospital["involuntary"], total)},
        "probable_cause": {"total": pc["total"], "arrested": pc["arrested"], "diverted": pc["diverted"],
                           "neither": pc["other"], "diversion_rate": share(pc["diverted"], pc["total"])},
        "use_of_force": {"count": force, "share": share(force, total),
                         "by_type": {code: force_types[code] for code in encounter_constants.FORCE_TYPES}},
        "enforcement_action": {"count": enforcement, "share": share(enforcement, total)},
        "over_time": {"unit": buckets.unit, "buckets": [
            {"start": day.isoformat(), "label": label, "counts": {code: counts[code] for code in OUTCOMES}}
            for day, label, counts in zip(buckets.starts, buckets.labels, over_time, strict=True)]},
    }


# --- referrals and follow-ups --------------------------------------------------------------

def referrals(session, filters: Filters) -> dict:
    consent_declined = (Referral.consent_type == "declined").label("consent_declined")
    rows = grouped_counts(session, select(Service.category, Service.part2_program, Referral.status, consent_declined)
                          .select_from(Referral).join(Encounter, Encounter.id == Referral.encounter_id)
                          .join(Call, Call.id == Encounter.call_id).join(Service, Service.id == Referral.service_id)
                          .where(*filters.call_conditions()))
    by_category = defaultdict(Counter)
    by_status, totals = Counter(), Counter()
    for row in rows:
        by_category[row.category][row.status] += row.n
        by_status[row.status] += row.n
        totals["total"] += row.n
        totals["consent_declined"] += row.n if row.consent_declined else 0
        totals["part2"] += row.n if row.part2_program else 0
        totals["open"] += row.n if row.status in referral_constants.OPEN else 0
    made = totals["total"] - totals["consent_declined"]
    completed = by_status[referral_constants.COMPLETED]
    categories = sorted(by_category, key=lambda code: (-sum(by_category[code].values()), code))
    return {
        "total": totals["total"], "consent_declined": totals["consent_declined"], "made": made,
        "completed": completed, "completion_rate": share(completed, made), "open": totals["open"],
        "to_part2_programs": totals["part2"],
        "by_status": {code: by_status[code] for code in referral_constants.STATUS_LABELS},
        "by_category": [{"category": code, "label": CATEGORIES.get(code, code),
                         "total": sum(by_category[code].values()),
                         "by_status": {status: by_category[code][status]
                                       for status in referral_constants.STATUS_LABELS}}
                        for code in categories],
    }


def follow_ups(session, filters: Filters, now: datetime) -> dict:
    done, due = FollowUp.done_at, FollowUp.due_at

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(func.count().label("total"),
               count(and_(done.is_not(None), done <= due)).label("on_time"),
               count(and_(done.is_not(None), done > due)).label("late"),
               count(and_(done.is_(None), due < now)).label("overdue"),
               count(and_(done.is_(None), due >= now)).label("not_yet_due"))
        .select_from(FollowUp).join(Encounter, Encounter.id == FollowUp.encounter_id)
        .join(Call, Call.id == Encounter.call_id).where(*filters.call_conditions())).one()
    judged = row.on_time + row.late + row.overdue
    return {"total": row.total, "on_time": row.on_time, "late": row.late, "overdue": row.overdue,
            "not_yet_due": row.not_yet_due, "on_time_rate": share(row.on_time, judged)}
