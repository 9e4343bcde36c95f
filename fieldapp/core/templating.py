"""Jinja filters and globals: times in the agency's zone, ages, labels."""

from flask_wtf.csrf import generate_csrf

from fieldapp import clock
from fieldapp.accounts.roles import LABELS as ROLE_LABELS
from fieldapp.calls import constants as calls


def register_template_helpers(app):
    def age(value):
        seconds = int((clock.utcnow() - value).total_seconds()) if value else 0
        if seconds < 60:
            return "just now"
        minutes = seconds // 60
        if minutes < 60:
            return f"{minutes} min ago"
        hours, minutes = divmod(minutes, 60)
        if hours < 24:
            return f"{hours} h {minutes} min ago"
        return f"{hours // 24} d {hours % 24} h ago"

    app.add_template_filter(clock.format_local, "localtime")
    app.add_template_filter(device)
    app.add_template_filter(age)
    app.add_template_global(generate_csrf, "csrf_token")
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS, CALL_TYPES=calls.CALL_TYPES, CAUTIONS=calls.CAUTIONS,
        STATUS_LABELS=calls.STATUS_LABELS, DISPOSITIONS=calls.DISPOSITIONS, PRIORITIES=calls.PRIORITIES,
        TIMEZONE=clock.zone(clock.zone_name(app)).key,  # an unknown zone fails here, at start-up
    )


def device(user_agent: str | None) -> str:
    """'Chrome on Android' from a user-agent string: enough for a person to recognise a session."""
    agent = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
                                            ("Chrome/", "Chrome"), ("Safari/", "Safari")) if key in agent), None)
    system = next((name for key, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                                           ("Windows", "Windows"), ("Mac OS", "Mac"), ("Linux", "Linux"))
                   if key in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or (agent[:40] if agent else "Unknown device")
