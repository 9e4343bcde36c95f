"""The audit log page (admins). Reading the log is itself audited (CJIS Security Policy 5.4)."""

from datetime import date, timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fieldapp import clock
from fieldapp.audit import services
from fieldapp.auditlog.schemas import AuditQuerySchema
from fieldapp.extensions import db
from fieldapp.i18n.formats import format_number
from fieldapp.roles import ADMIN
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("audit", __name__)

TEXT_FIELDS = ("username", "action", "object_type", "object_id")
PER_PAGE = 50
MAX_PAGE = 100_000
# Object types whose rows link to a page an admin may open.
PAGES = {"encounters": ("encounters.show", "encounter_id"), "people": ("people.show", "person_id"),
         "referrals": ("referrals.show", "referral_id"), "calls": ("calls.show", "call_id")}
# What each outcome of a row (fieldapp.audit.services.record) is called on the page; the code stays in the row.
OUTCOMES = {"success": _l("success"), "failure": _l("failure"), "denied": _l("denied"), "locked": _l("locked"),
            "second_factor_needed": _l("second factor needed")}


def _day_start(text: str, *, days_after=0):
    """Midnight (agency time) of a YYYY-MM-DD day, plus ``days_after`` days, as ISO 8601."""
    day = date.fromisoformat(text) + timedelta(days=days_after)
    return clock.local_time(day).isoformat()


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
                errors[name] = _("Enter a date like 2026-11-24.")
    query, schema_errors = forms.load(AuditQuerySchema(), payload)
    errors = {**schema_errors, **errors}
    page = args.get("page", "1").strip() or "1"
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        errors["page"] = _("A page is a whole number from 1 to %(max)s.", max=format_number(MAX_PAGE))
    if errors:
        errors.setdefault("", _("Please correct the fields marked below."))
        return None, errors
    return {**query, "page": int(page)}, {}


def readable(details, prefix="") -> list[tuple[str, str]]:
    """An audit row's details as (key, value) lines: nested objects flattened ("status from: made"),
    lists joined with commas, nothing printed as a raw dict."""
    lines = []
    for key, value in sorted((details or {}).items()):
        name = f"{prefix}{key}".replace("_", " ")
        if isinstance(value, dict):
            lines.extend(readable(value, f"{name} ") if value else [(name, "—")])
        elif isinstance(value, list | tuple):
            lines.append((name, ", ".join(str(item) for item in value) if value else "—"))
        elif isinstance(value, bool):
            lines.append((name, _("yes") if value else _("no")))
        else:
            lines.append((name, "—" if value is None or value == "" else str(value)))
    return lines


@bp.route("/admin/audit")
@allow(ADMIN)
def index():
    query, errors = _query(request.args)
    rows, total, page = [], 0, 1
    if not errors:
        page = query.pop("page")
        total, rows = services.page_of(page, PER_PAGE, **query)
        details = {k: str(v) for k, v in query.items()}
        if page > 1:
            details["page"] = page
        services.record("audit.search", user=current_user, details=details)
        db.session.commit()
    last_page = max(1, -(-total // PER_PAGE))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/index.html", rows=rows, form=request.args, errors=errors, pages=PAGES,
                           total=total, page=page, last_page=last_page, per_page=PER_PAGE, args=args,
                           readable=readable, outcomes=OUTCOMES), 422 if errors else 200
