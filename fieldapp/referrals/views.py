"""Pages for referrals: making one from an encounter, the clinicians' queue, one referral's loop."""

import contextlib
import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from fieldapp import visibility
from fieldapp.directory import services as directory
from fieldapp.directory.models import CATEGORIES
from fieldapp.directory.schemas import ServiceQuerySchema
from fieldapp.encounters import services as encounters
from fieldapp.encounters.schemas import EncounterSchema
from fieldapp.errors import ServiceError
from fieldapp.referrals import constants as c
from fieldapp.referrals import services
from fieldapp.referrals.form import referral_payload
from fieldapp.referrals.schemas import ReferralCreateSchema, ReferralQuerySchema, ReferralSchema, ReferralStatusSchema
from fieldapp.roles import ADMIN, CLINICIAN, OFFICER
from fieldapp.web import forms
from fieldapp.web.access import allow
from fieldapp.web.pages import seen_as

bp = Blueprint("referrals", __name__)

# --- making a referral ---------------------------------------------------------------------

def _choices(q, category, chosen):
    """Active services matching the search, the chosen one kept in the list after a new search."""
    query, errors = forms.load(ServiceQuerySchema(), {key: value for key, value in
                                                      (("q", q), ("category", category)) if value})
    found = [] if errors else directory.search_services(**query)
    if chosen and all(str(service.id) != chosen for service in found):
        with contextlib.suppress(ServiceError):  # a stale or made-up id: the service check names it
            found.insert(0, directory.get_service(chosen))
    return found, errors


@bp.route("/encounters/<uuid:encounter_id>/referrals/new", methods=["GET", "POST"])
@allow(OFFICER, CLINICIAN)
def new(encounter_id):
    encounter = encounters.get_encounter(current_user, encounter_id, audit_read=request.method == "GET")
    form = request.form if request.method == "POST" else request.args
    errors, status = {}, 200
    if request.method == "POST" and form.get("action") != "search":
        data, errors = forms.load(ReferralCreateSchema(), referral_payload(form))
        status = 422
        if not errors:
            try:
                referral, created = services.make_referral(encounter.id, data, by=current_user)
            except ServiceError as error:
                errors, status = forms.form_errors(error)
            else:
                flash(_("Referred to %(service)s.", service=referral.service.name) if created
                      else _("This referral was already saved."),
                      "success")
                return redirect(url_for("referrals.show", referral_id=referral.id))
    q, category = form.get("q", "").strip(), form.get("category", "")
    choices, search_errors = _choices(q, category, form.get("service_id"))
    form_id = form["id"] if request.method == "POST" and form.get("id") and not errors.get("id") else str(uuid.uuid4())
    encounter.referrals = services.for_encounter(current_user, encounter)
    return render_template(
        "referrals/new.html", encounter=seen_as(EncounterSchema, visibility.ENCOUNTER, encounter), form=form,
        form_id=form_id, errors={**search_errors, **errors}, choices=choices, q=q, category=category,
        categories=CATEGORIES), status


# --- the queue and one referral ------------------------------------------------------------

# the queue's "Due" choices
DUE_WITHIN = {"week": (7, _l("Due within 7 days")), "month": (30, _l("Due within 30 days"))}


@bp.route("/referrals")
@allow(CLINICIAN, ADMIN)
def index():
    """The referral queue: search by person or service; filter by status, due date, made by me."""
    args = request.args
    legacy = {"overdue": {"due": "overdue"}, "all": {"status": "all"}}.get(args.get("show"), {})  # old links
    chosen = {"q": args.get("q", "").strip(), "status": args.get("status") or legacy.get("status", "open"),
              "due": args.get("due") or legacy.get("due", ""), "mine": args.get("mine") == "1"}
    payload = {"q": chosen["q"], "mine": chosen["mine"], "overdue": chosen["due"] == "overdue",
               "status": list(c.OPEN) if chosen["status"] == "open" else
               [] if chosen["status"] == "all" else [chosen["status"]]}
    if chosen["due"] in DUE_WITHIN:
        payload["due_within_days"] = DUE_WITHIN[chosen["due"]][0]
    errors = {} if chosen["due"] in ("", "overdue", *DUE_WITHIN) else \
        {"due": _("Choose when they are due from the list.")}
    query, schema_errors = forms.load(ReferralQuerySchema(), {k: v for k, v in payload.items() if v != ""})
    errors.update({"status" if key.startswith("status") else key: message for key, message in schema_errors.items()})
    rows = []
    if errors:
        errors.setdefault("", _("Please correct the fields marked below."))
    else:
        found = services.list_referrals(current_user, **query)
        rows = [(shown, referral.person.display_name if referral.person else None)
                for shown, referral in zip(seen_as(ReferralSchema, visibility.REFERRAL, found, many=True), found,
                                           strict=True)]
    return render_template("referrals/index.html", rows=rows, chosen=chosen, errors=errors,
                           summary=queue_summary(len(rows), chosen), due_within=DUE_WITHIN), 422 if errors else 200


def queue_summary(count: int, chosen: dict) -> str:
    """ "2 open referrals made by you", "1 overdue referral", "3 referrals with status Accepted", ..."""
    status, due = chosen["status"], chosen["due"]
    if due == "overdue":
        words = [ngettext("%(num)s overdue referral", "%(num)s overdue referrals", count)]
    elif status == "open":
        words = [ngettext("%(num)s open referral", "%(num)s open referrals", count)]
    else:
        words = [ngettext("%(num)s referral", "%(num)s referrals", count)]
    if status not in ("open", "all") and status in c.STATUS_LABELS:
        words.append(_("with status %(status)s", status=c.STATUS_LABELS[status]))
    if due in DUE_WITHIN:
        words.append(str(DUE_WITHIN[due][1]).lower())
    if chosen["mine"]:
        words.append(_("made by you"))
    if chosen["q"]:
        words.append(_("matching “%(words)s”", words=chosen["q"]))
    return " ".join(words)


@bp.route("/referrals/<uuid:referral_id>")
@allow(OFFICER, CLINICIAN, ADMIN)
def show(referral_id):
    return _render_referral(services.get_referral(current_user, referral_id))


def _render_referral(referral, *, form=None, errors=None, status=200):
    form, errors = form or {}, errors or {}
    may_track = services.may_track(current_user, referral)
    person = referral.person.display_name if referral.person and visibility.sees_clinical(current_user.role) \
        else None
    return render_template(
        "referrals/show.html", referral=seen_as(ReferralSchema, visibility.REFERRAL, referral), person=person,
        next_statuses=c.TRANSITIONS.get(referral.status, ()) if may_track else (), needs_reason=c.NEEDS_REASON,
        form=form, errors=errors, event_id=form["id"] if form.get("id") and not errors.get("id") else str(uuid.uuid4()),
        part2_elements=c.PART2_ELEMENTS), status


@bp.route("/referrals/<uuid:referral_id>/status", methods=["POST"])
@allow(OFFICER, CLINICIAN)
def change_status(referral_id):
    form = request.form
    payload = {"id": form.get("id", ""), "status": form.get("status") or None,
               "reason": form.get("reason", "").strip() or None, "recorded_at": form.get("recorded_at") or None}
    data, errors = forms.load(ReferralStatusSchema(), {k: v for k, v in payload.items() if v is not None})
    status = 422
    if not errors:
        try:
            event, created = services.change_status(referral_id, data, by=current_user)
        except ServiceError as error:
            errors, status = forms.form_errors(error)
        else:
            if created:
                flash(_("Referral is now %(lower)s.", lower=c.STATUS_LABELS[event.status].lower()), "success")
            return redirect(url_for("referrals.show", referral_id=referral_id))
    referral = services.get_referral(current_user, referral_id, audit_read=False)
    return _render_referral(referral, form=form, errors=errors, status=status)
