"""Demographic vocabularies (self-reported; "not_recorded" whenever not asked or declined)."""

GENDERS = {
    "woman": "Woman", "man": "Man", "nonbinary": "Non-binary", "another": "Another gender",
    "not_recorded": "Not recorded",
}
# OMB SPD 15 (2024) minimum categories; several may apply.
RACE_ETHNICITY = {
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "asian": "Asian",
    "black": "Black or African American",
    "hispanic_latino": "Hispanic or Latino",
    "middle_eastern_north_african": "Middle Eastern or North African",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander",
    "white": "White",
    "not_recorded": "Not recorded",
}
