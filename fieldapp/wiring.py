"""Every link from a lower part up to a higher one, made at start-up in one place.

Dependencies point down the layers (``setup.cfg``, ``[importlinter:contract:layers]``). Where a lower
part must reach a higher one, it declares a hook (``fieldapp.hooks``) and this module connects the
higher part's function to it; ``create_app`` calls ``connect`` once per app (connecting twice keeps one).
Read this file to see who is told of what.
"""

from flask import Flask

from fieldapp.accounts import services as accounts
from fieldapp.calls import briefing as call_briefing
from fieldapp.calls import constants as call_constants
from fieldapp.calls import fanout
from fieldapp.calls import location as call_location
from fieldapp.calls import services as calls
from fieldapp.casefile import briefing
from fieldapp.directory import models as directory_models
from fieldapp.encounters import constants as encounter_constants
from fieldapp.encounters import services as encounters
from fieldapp.errors import answer_errors_under
from fieldapp.integrations.crisisline import status as crisis_line
from fieldapp.integrations.fhir import outcome as fhir_outcome
from fieldapp.integrations.webhooks import services as webhooks
from fieldapp.live import services as live
from fieldapp.people import constants as people_constants
from fieldapp.people import services as people
from fieldapp.positions import services as positions
from fieldapp.push import services as push
from fieldapp.referrals import constants as referral_constants
from fieldapp.units import services as units
from fieldapp.zones import services as zones


def connect(app: Flask) -> None:
    # A call's change goes out, in this order: the live stream, the crew's phones, the CAD, the 988 center.
    fanout.call_changed.connect(live.publish)
    fanout.call_changed.connect(push.call_changed)
    fanout.call_changed.connect(webhooks.call_changed)
    fanout.call_changed.connect(crisis_line.call_changed)
    # Errors of the FHIR endpoints are FHIR OperationOutcomes.
    answer_errors_under("/api/v1/fhir/", fhir_outcome.answer)
    # A unit's new position goes out on the live stream, to dispatch's map.
    positions.position_recorded.connect(live.publish_position)
    # Sign-ins that end take their push subscriptions with them.
    accounts.sessions_ended.connect(push.end_subscriptions)
    # A unit's status is derived from its active calls.
    units.active_calls.provide(calls.active_calls)
    # A unit's crew sees the people it met, on the encounters of its calls.
    people.met_by_crew.provide(encounters.people_met_by_crew)
    # A call's briefing (the call page, the record page, the API): earlier contacts at the place or with the people.
    call_briefing.briefing_of.provide(briefing.briefing)
    # What was logged on a call (the call page lists it).
    call_briefing.encounters_of.provide(briefing.logged_on)
    # New zones: every call's zone is found again from its coordinates (issue 20).
    zones.zones_changed.connect(call_location.rezone_all)
    # The parts' vocabularies (code -> label tables), for every page's templates: CALL_TYPES,
    # STATUS_LABELS, ...; E.OUTCOMES, P.GENDERS, R.STATUS_LABELS, D.CATEGORIES, ...
    app.jinja_env.globals.update(call_constants.TEMPLATE_GLOBALS)
    app.jinja_env.globals.update(E=encounter_constants, P=people_constants, R=referral_constants,
                                 D=directory_models)
