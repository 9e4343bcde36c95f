"""Demographic vocabularies (self-reported; "not_recorded" whenever not asked or declined)."""

from flask_babel import lazy_gettext as _l

GENDERS = {
    "woman": _l("Woman"), "man": _l("Man"), "nonbinary": _l("Non-binary"), "another": _l("Another gender"),
    "not_recorded": _l("Not recorded"),
}
# OMB SPD 15 (2024) minimum categories; several may apply.
RACE_ETHNICITY = {
    "american_indian_alaska_native": _l("American Indian or Alaska Native"),
    "asian": _l("Asian"),
    "black": _l("Black or African American"),
    "hispanic_latino": _l("Hispanic or Latino"),
    "middle_eastern_north_african": _l("Middle Eastern or North African"),
    "native_hawaiian_pacific_islander": _l("Native Hawaiian or Pacific Islander"),
    "white": _l("White"),
    "not_recorded": _l("Not recorded"),
}
