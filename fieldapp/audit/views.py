"""The audit log page (admins). Reading the log is itself audited (CJIS Security Policy 5.4)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from fieldapp.accounts.roles import ADMIN
from fieldapp.audit import services
from fieldapp.audit.schemas import AuditQuerySchema
from fieldapp.core import forms
from fieldapp.extensions import db
from fieldapp.security.access import allow

bp = Blueprint("audit", __name__)

TEXT_FIELDS = ("username", "action", "object_type", "object_id")
# Object types whose rows link to a page an admin may open.
PAGES = {"encounters": ("encounters.show", "encounter_id"), "people": ("people.show", "person_id"),
         "referrals": ("referrals.show", "referral_id"), "calls": ("calls.show", "call_id")}


def _day_start(text: str, *, days_after=0):
    """Midnight (agency time) of a YYYY-MM-DD day, plus ``days_after`` days, as ISO 8601."""
    day = date.fromisoformat(text) + timedelta(days=days_after)
    return datetime.combine(day, time(), ZoneInfo(current_app.config["FIELDAPP_TIMEZONE"])).isoformat()


def _query(args):
    """(search arguments, errors) from the form: days are whole days in the agency's zone."""
    payload = {name: args.get(name, "").strip() for name in TEXT_FIELDS}
    payload = {name: value for name, value in payload.items() if value}
    errors = {}
    for name, days_after in (("since", 0), ("until", 1)):  # "until" includes the day itself
        text = args.get(name, "").strip()
        if text:
            try:
                payload[name] = _day_start(text, days_after=days_after)
            except (ValueError, OverflowError):
                errors[name] = "Enter a date like 2026-11-24."
    query, schema_errors = forms.load(AuditQuerySchema(), payload)
    errors = {**schema_errors, **errors}
    if errors:
        errors.setdefault("", "Please correct the fields marked below.")
        return None, errors
    return query, {}


@bp.route("/admin/audit")
@allow(ADMIN)
def index():
    query, errors = _query(request.args)
    rows = []
    if not errors:
        rows = services.search(**query)
        services.record("audit.search", user=current_user, details={k: str(v) for k, v in query.items()})
        db.session.commit()
    return render_template("audit/index.html", rows=rows, form=request.args, errors=errors, pages=PAGES,
                           limit=200), 422 if errors else 200
