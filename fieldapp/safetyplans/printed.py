"""The printed safety plan in the person's language (issue 23), whatever language the clinician's screen
speaks: English or Spanish, chosen by the person's preferred language (their record, else the call's),
with a switch to the other. The wording is fixed here, not in the UI catalogue, because it is what the
person keeps: the Stanley-Brown steps as the Spanish version of the Safety Planning Intervention words
them, and the 988 Lifeline's own Spanish name ("Línea 988 de Prevención del Suicidio y Crisis")."""

from babel.dates import format_date

from fieldapp import clock, languages

PRINTED = ("en", "es")  # the languages a plan prints in
TEXTS = {
    "en": {
        "title": "My safety plan",
        "steps": {
            "warning_signs": "Warning signs",
            "coping_strategies": "Things I can do on my own",
            "distractions": "People and places that take my mind off things",
            "people_to_ask": "People I can ask for help",
            "professionals": "Professionals and agencies I can contact",
            "safe_environment": "Making my surroundings safe",
            "reasons_for_living": "The things most important to me",
        },
        "blank": "(left blank)",
        "crisis_line": ("988 Suicide & Crisis Lifeline", "Call or text 988, any time (Spanish: press 2)"),
        "footer": "If you are in danger now, call 911. Made with {name} on {date}.",
        "switch": "Print in Spanish",
    },
    "es": {
        "title": "Mi plan de seguridad",
        "steps": {
            "warning_signs": "Señales de alerta",
            "coping_strategies": "Cosas que puedo hacer por mi cuenta",
            "distractions": "Personas y lugares que me ayudan a distraerme",
            "people_to_ask": "Personas a las que puedo pedir ayuda",
            "professionals": "Profesionales y agencias a los que puedo llamar",
            "safe_environment": "Cómo hacer más seguro mi entorno",
            "reasons_for_living": "Lo más importante para mí",
        },
        "blank": "(en blanco)",
        "crisis_line": ("Línea 988 de Prevención del Suicidio y Crisis",
                        "Llame o envíe un texto al 988, a cualquier hora (en español: oprima 2)"),
        "footer": "Si está en peligro ahora, llame al 911. Hecho con {name} el {date}.",
        "switch": "Imprimir en inglés",
    },
}


def printed_language(*tags: str | None, requested: str | None = None) -> str:
    """The language the plan prints in: the one asked for (the switch), else the first of the person's
    tags that the plan has, else English."""
    return requested if requested in PRINTED else languages.spoken_of(PRINTED, *tags)


def texts(language: str, *, author: str, signed_at) -> dict:
    chosen = TEXTS[language]
    day = format_date(signed_at.astimezone(clock.zone(clock.zone_name())).date(), "long", locale=language)
    return {**chosen, "footer": chosen["footer"].format(name=author, date=day),
            "other": next(code for code in PRINTED if code != language)}
