"""The Stanley-Brown Safety Planning Intervention's six steps, and reasons for living, as the form and
the printed plan word them (Stanley & Brown, 2012; the VA's Safety Plan Treatment Manual)."""

# key -> (the heading the person reads, the prompt the clinician asks)


STEPS = {
    "warning_signs": ("Warning signs", "Thoughts, images, moods, situations or behaviour that tell me a crisis may "
                                       "be developing"),
    "coping_strategies": ("Things I can do on my own", "Internal coping strategies: what I can do to take my mind "
                                                       "off my problems without contacting anyone"),
    "distractions": ("People and places that take my mind off things", "People and social settings that provide "
                                                                       "distraction"),
    "people_to_ask": ("People I can ask for help", "Name and phone, one per line"),
    "professionals": ("Professionals and agencies I can contact", "Clinicians, agencies, urgent care; name and "
                                                                  "phone, one per line (and services below)"),
    "safe_environment": ("Making my surroundings safe", "Ways to keep means (medication, firearms, ...) out of "
                                                        "reach"),
    "reasons_for_living": ("The things most important to me", "Reasons for living"),
}
STEP_ITEMS = 12  # lines a step may hold: a plan fits on one printed page
ITEM_CHARS = 300
SERVICES_MAX = 8
CRISIS_LINE = ("988 Suicide & Crisis Lifeline", "Call or text 988, any time (Spanish: press 2)")
