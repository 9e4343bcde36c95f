"""The case file: the pages that show and change one call's, one encounter's or one person's whole record
across parts, above the parts they compose (people, encounters, referrals, notes).

- ``briefing``: what is known before a call about its place and people (call page, record page, API);
- ``encounter_pages``: the call's record, logging an encounter (``encounter_form``, ``record_form``),
  an encounter with its referrals and notes;
- ``people_pages``: finding a person, one person's contacts, referrals and notes;
- ``notes_pages``: signing a note or an addendum on those pages (``note_form``), the follow-up queue.

The blueprints keep the names of the parts whose records they show (``encounters``, ``people``, ``notes``),
so every address and ``url_for`` name is what it was. The services, models, schemas and API of each
record stay in its own part.
"""
