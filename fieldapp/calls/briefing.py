"""A call's briefing: what is known before it about its place and people (earlier calls, encounters,
cautions, and for clinicians the people's open referrals and follow-ups).

It is built from records of parts above calls, so the case file provides it
(``fieldapp.casefile.briefing.briefing``, connected by ``fieldapp.wiring``); the call page and the
briefing API ask through this slot."""

from fieldapp.hooks import Slot

briefing_of = Slot("calls.briefing_of", "briefing(user, call_id) -> dict: fieldapp.casefile.briefing.briefing")

# A cleared call's page lists what was logged on it; the encounters sit above calls, so the case file
# provides them (``fieldapp.casefile.briefing.logged_on``, connected by ``fieldapp.wiring``).
encounters_of = Slot("calls.encounters_of",
                     "encounters_of(user, call) -> the call's encounters as the role sees them (dicts), or None "
                     "for a role that sees none: fieldapp.casefile.briefing.logged_on")
