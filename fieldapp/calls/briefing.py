"""A call's briefing: what is known before it about its place and people (earlier calls, encounters,
cautions, and for clinicians the people's open referrals and follow-ups).

It is built from records of parts above calls, so the case file provides it
(``fieldapp.casefile.briefing.briefing``, connected by ``fieldapp.wiring``); the call page and the
briefing API ask through this slot."""

from fieldapp.hooks import Slot

briefing_of = Slot("calls.briefing_of", "briefing(user, call_id) -> dict: fieldapp.casefile.briefing.briefing")
