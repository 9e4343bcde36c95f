"""The Stanley-Brown Safety Planning Intervention's six steps, and reasons for living, as the form and
the printed plan word them (Stanley & Brown, 2012; the VA's Safety Plan Treatment Manual)."""

from fieldapp.i18n.messages import N_

# key -> (the heading the person reads, the prompt the clinician asks). English, as the signed note keeps
# them; the form shows them in the clinician's language (N_ puts them in the catalogue).
STEPS = {
    "warning_signs": (
        N_("Warning signs"),
        N_("Thoughts, images, moods, situations or behaviour that tell me a crisis may be developing")),
    "coping_strategies": (
        N_("Things I can do on my own"),
        N_("Internal coping strategies: what I can do to take my mind off my problems without contacting anyone")),
    "distractions": (
        N_("People and places that take my mind off things"),
        N_("People and social settings that provide distraction")),
    "people_to_ask": (N_("People I can ask for help"), N_("Name and phone, one per line")),
    "professionals": (
        N_("Professionals and agencies I can contact"),
        N_("Clinicians, agencies, urgent care; name and phone, one per line (and services below)")),
    "safe_environment": (
        N_("Making my surroundings safe"),
        N_("Ways to keep means (medication, firearms, ...) out of reach")),
    "reasons_for_living": (N_("The things most important to me"), N_("Reasons for living")),
}
STEP_ITEMS = 12  # lines a step may hold: a plan fits on one printed page
ITEM_CHARS = 300
SERVICES_MAX = 8
CRISIS_LINE = (N_("988 Suicide & Crisis Lifeline"), "Call or text 988, any time (Spanish: press 2)")
