"""The encounter form's record details (templates/encounters/_record_details.html) as the API's fields.

Only what the user gave is sent, so a form that leaves them alone makes the same body as before.
Backup times are typed as HH:MM in the agency's zone, on the day of the encounter: a time later
than the moment of saving is yesterday's, and an arrival before the request is the next day's.
"""

from datetime import datetime, time, timedelta

from fieldapp import clock

CHOICES = ("primary_concern", "contact_mode", "transport_destination", "backup_reason",
           "place_of_service", "medicaid_id", "diagnosis_code")  # billing (issue 21): the last three


def record_details_payload(form) -> dict:
    payload = {name: form.get(name) for name in CHOICES if form.get(name)}
    if "declined_services" in form:
        payload["declined_services"] = True
    if form.get("officer_engaged") in ("yes", "no"):
        payload["officer_engaged"] = form.get("officer_engaged") == "yes"
    # Sections hidden by the form (data-show-if) still submit what they hold: it is not meant.
    if (form.get("transport") or "none") == "none":
        payload.pop("transport_destination", None)
    if "backup_requested" not in form:
        payload.pop("backup_reason", None)
        return payload
    payload["backup_requested"] = True
    saved = _moment(form.get("recorded_at")) or clock.utcnow()
    asked = _clock(form.get("backup_requested_time"), saved)
    arrived = _clock(form.get("backup_arrived_time"), saved)
    if isinstance(arrived, datetime) and isinstance(asked, datetime) and arrived < asked:
        arrived += timedelta(days=1)
    for name, value in (("backup_requested_at", asked), ("backup_arrived_at", arrived)):
        if value is not None:
            payload[name] = value.isoformat() if isinstance(value, datetime) else value
    return payload


def _moment(value):
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _clock(value, saved: datetime):
    """HH:MM on the local day of ``saved``; text the schema refuses when it is not a time."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        typed = time.fromisoformat(value)
    except ValueError:
        return value  # the schema answers "Enter a time ..." naming the field
    local = clock.to_local(saved)
    moment = clock.local_time(local.date(), typed)
    if moment > local + timedelta(minutes=5):
        moment -= timedelta(days=1)
    return moment
