"""The billing page (program managers, admins): a period and a state's profile; the billable lines and
the refused encounters with their reasons, each downloadable as CSV (audited; docs/billing.md).

The page shows whether a Medicaid id and a diagnosis were recorded, never the values: those go only
into the billable CSV, which a claim needs (HIPAA 45 CFR 164.506, payment), and its download is audited."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.billing import profiles, services
from fieldapp.billing.rules import REASONS
from fieldapp.errors import Invalid, ServiceError
from fieldapp.exports.api import streamed
from fieldapp.metrics.filters import FilterSchema, filters_from
from fieldapp.metrics.views import filter_choices, preset_links, query_args, typed
from fieldapp.roles import ADMIN, PROGRAM_MANAGER
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("billing", __name__)


def _form():
    """(filters, profile name, errors): the period as the dashboard takes it, and the profile."""
    data, errors = forms.load(FilterSchema(), {key: value for key, value in request.args.items() if key != "profile"})
    filters = filters_from(data if not errors else {}, clock.zone_name())
    name = request.args.get("profile", "")
    names = profiles.available()
    if name and name not in names:
        errors["profile"] = _("Choose a billing profile from the list.")
        errors.setdefault("", _("Please correct the fields marked below."))
    return filters, (name or (names[0] if names else "")), names, errors


@bp.route("/billing")
@allow(PROGRAM_MANAGER, ADMIN)
def index():
    filters, name, names, errors = _form()
    context = {"filters": filters, "errors": errors, "typed": typed(filters, errors), "presets": preset_links(filters),
               "profile_name": name, "profile_names": names, "REASONS": REASONS, **filter_choices()}
    if errors or not name:
        return render_template("billing/index.html", **context), 400 if errors else 200
    try:
        found = services.report(name, filters)
    except ServiceError as error:  # a profile file that does not fit the schema: said on the page
        context["errors"] = forms.form_errors(error)[0]
        return render_template("billing/index.html", **context), 422
    return render_template("billing/index.html", found=found, args={**query_args(filters), "profile": name},
                           **context)


@bp.route("/billing/billable.csv", defaults={"which": "billable"}, endpoint="download")
@bp.route("/billing/refused.csv", defaults={"which": "refused"}, endpoint="download")
@allow(PROGRAM_MANAGER, ADMIN)
def download(which):
    filters, name, _names, errors = _form()
    if errors or not name:
        errors = errors or {"profile": _("Choose a billing profile from the list.")}
        fields = {key: [value] for key, value in errors.items() if key}
        raise Invalid(_("The billing export needs a period and a profile."), fields=fields)
    return streamed(services.billing_export(name, which, filters, by=current_user, via="web"))
