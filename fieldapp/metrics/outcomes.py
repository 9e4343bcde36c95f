"""Encounters (what happens on scene), referrals and follow-ups (docs/metrics.md)."""

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import Text, and_, case, cast, exists, func, select

from fieldapp.calls.models import Call
from fieldapp.directory.models import CATEGORIES, Service
from fieldapp.encounters import constants as encounter_constants
from fieldapp.encounters.models import Encounter
from fieldapp.i18n import english
from fieldapp.metrics import sql
from fieldapp.metrics.buckets import buckets_for
from fieldapp.metrics.common import grouped_counts, share
from fieldapp.metrics.filters import Periods
from fieldapp.metrics.people import outcomes_by_race
from fieldapp.notes.models import FollowUp
from fieldapp.people.models import Person
from fieldapp.referrals import constants as referral_constants
from fieldapp.referrals.models import Referral

OUTCOMES = tuple(encounter_constants.OUTCOMES)
# What an encounter marked "referred" counts as when no referral was made with it (a reason was
# stated, or it predates that rule): never as a referral outcome.
REFERRAL_NOT_MADE = "referral_not_made"


def counted_outcome():
    """The encounter's outcome as the metrics count it (SQL): 'referred' only with a referral."""
    no_referral = ~exists().where(Referral.encounter_id == Encounter.id)
    return case((and_(Encounter.outcome == "referred", no_referral), REFERRAL_NOT_MADE),
                else_=Encounter.outcome).label("outcome")
FOLLOW_UP_COUNTS = ("total", "on_time", "late", "overdue", "not_yet_due")


def encounters_and_equity(session, periods: Periods) -> list[tuple[dict, dict]]:
    """Per period, the encounter metrics and the equity table (people.outcomes_by_race).

    One grouped query over the periods' encounters, with the person's race/ethnicity: every
    encounter metric and every cell of the equity table is a sum of its rows. The rows are grouped
    by chart bucket, and each period has its own buckets, so the bucket also tells the period.
    """
    buckets = [buckets_for(period) for period in periods.items]
    edges = [edge for period in buckets for edge in period.edges[:-1]] + [periods.span.end]
    e = Encounter
    keys = (sql.bucket_index(Call.received_at, edges).label("bucket"), counted_outcome(), e.hospitalization_type,
            e.probable_cause, e.diverted, e.use_of_force, e.force_type, e.enforcement_action,
            cast(Person.race_ethnicity, Text).label("races"))
    rows = grouped_counts(session, select(*keys).select_from(e).join(Call, Call.id == e.call_id)
                          .outerjoin(Person, Person.id == e.person_id).where(*periods.call_conditions()))
    return encounters_from_rows(rows, buckets)


def encounters_from_rows(rows, buckets) -> list[tuple[dict, dict]]:
    """Per period (each with its chart ``buckets``), the encounter metrics and the equity table from the
    encounters counted by (chart bucket, outcome, ..., races)."""
    per_period, over_time, first = [], [], 0
    for period in buckets:
        count = len(period.starts)
        mine = [row for row in rows if first <= row.bucket < first + count]
        per_period.append(mine)
        over_time.append([(row.bucket - first, row.outcome, row.n) for row in mine])
        first += count
    return encounters_from_parts(per_period, over_time, buckets)


def encounters_from_parts(per_period, over_time, buckets) -> list[tuple[dict, dict]]:
    """The same from each period's rows (outcome, ..., races, n: no bucket) and, for the chart, each
    period's (bucket within the period, outcome, n): the roll-ups read the two apart, the rows by whole
    months and the chart by its buckets (fieldapp.metrics.fast)."""
    return [(_encounters(rows, period, times), outcomes_by_race(rows))
            for rows, times, period in zip(per_period, over_time, buckets, strict=True)]


def _encounters(rows, buckets, over_time_counts) -> dict:
    total = sum(row.n for row in rows)
    outcomes, hospital, force_types = Counter(), Counter(), Counter()
    over_time = [Counter() for _ in buckets.starts]
    for bucket, outcome, n in over_time_counts:
        over_time[bucket][outcome] += n
    pc = Counter()
    force = enforcement = 0
    for row in rows:
        outcomes[row.outcome] += row.n
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
        "referred_without_referral": {"count": outcomes[REFERRAL_NOT_MADE],
                                      "share": share(outcomes[REFERRAL_NOT_MADE], total)},
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

def referrals(session, periods: Periods) -> list[dict]:
    consent_declined = (Referral.consent_type == "declined").label("consent_declined")
    rows = grouped_counts(session, select(periods.index(Call.received_at).label("period"), Service.category,
                                          Service.part2_program, Referral.status, consent_declined)
                          .select_from(Referral).join(Encounter, Encounter.id == Referral.encounter_id)
                          .join(Call, Call.id == Encounter.call_id).join(Service, Service.id == Referral.service_id)
                          .where(*periods.call_conditions()))
    return [referrals_from_rows([row for row in rows if int(row.period) == index])
            for index in range(len(periods.items))]


def referrals_from_rows(rows) -> dict:
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
        "by_category": [{"category": code, "label": english(CATEGORIES.get(code, code)),
                         "total": sum(by_category[code].values()),
                         "by_status": {status: by_category[code][status]
                                       for status in referral_constants.STATUS_LABELS}}
                        for code in categories],
    }


def follow_ups(session, periods: Periods, now: datetime) -> list[dict]:
    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    inner = (select(periods.index(Call.received_at).label("period"), FollowUp.done_at, FollowUp.due_at)
             .select_from(FollowUp).join(Encounter, Encounter.id == FollowUp.encounter_id)
             .join(Call, Call.id == Encounter.call_id).where(*periods.call_conditions())).subquery("period_follow_ups")
    done, due = inner.c.done_at, inner.c.due_at
    rows = {int(row.period): row for row in session.execute(
        select(inner.c.period, func.count().label("total"),
               count(and_(done.is_not(None), done <= due)).label("on_time"),
               count(and_(done.is_not(None), done > due)).label("late"),
               count(and_(done.is_(None), due < now)).label("overdue"),
               count(and_(done.is_(None), due >= now)).label("not_yet_due"))
        .group_by(inner.c.period)).all()}
    return [follow_ups_from_totals({key: getattr(rows[index], key) if index in rows else 0
                                    for key in FOLLOW_UP_COUNTS}) for index in range(len(periods.items))]


def follow_ups_from_totals(totals: dict) -> dict:
    judged = totals["on_time"] + totals["late"] + totals["overdue"]
    return {**totals, "on_time_rate": share(totals["on_time"], judged)}
