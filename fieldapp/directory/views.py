
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.directory import services
from fieldapp.directory.models import CATEGORIES, STATUS_LABELS
from fieldapp.directory.schemas import OrganizationSchema, ServiceQuerySchema, ServiceSchema
from fieldapp.errors import ServiceError
from fieldapp.roles import ADMIN
from fieldapp.web import forms
from fieldapp.web.access import ANY_ROLE, allow

bp = Blueprint("directory", __name__)

@bp.route("/directory", methods=["GET"])
@allow(ANY_ROLE)
def index():
    q, category = request.args.get("q", "").strip(), request.args.get("category", "")
    include_inactive = request.args.get("include_inactive", "")
    payload = {key: value for key, value in (("q", q), ("category", category),
                                             ("include_inactive", include_inactive)) if value}
    query, errors = forms.load(ServiceQuerySchema(), payload)
    results = [] if errors else services.search_services(**query)
    empty_directory = not results and services.count_services() == 0
    return render_template("directory/index.html", results=results, q=q, category=category,
                           include_inactive=bool(query and query["include_inactive"]), errors=errors,
                           searched=bool(payload), empty_directory=empty_directory,
                           categories=CATEGORIES, statuses=STATUS_LABELS), 422 if errors else 200


def _render_manage(*, org_form=None, org_errors=None, service_form=None, service_errors=None, status=200):
    return render_template(
        "directory/manage.html", organizations=services.list_organizations(),
        services=services.search_services(include_inactive=True, limit=None), categories=CATEGORIES,
        statuses=STATUS_LABELS, org_form=org_form or {}, org_errors=org_errors or {},
        service_form=service_form or {}, service_errors=service_errors or {}), status


@bp.route("/directory/manage", methods=["GET"])
@allow(ADMIN)
def manage():
    return _render_manage()


def _organization_payload(form) -> dict:
    """The organization form (create and edit) as the API's body."""
    return {"name": form.get("name", "").strip(), "description": form.get("description", ""),
            "website": form.get("website", "").strip() or None}


@bp.route("/directory/organizations", methods=["POST"])
@allow(ADMIN)
def create_organization():
    form = request.form.to_dict()
    data, errors = forms.load(OrganizationSchema(), _organization_payload(form))
    status = 422
    if not errors:
        try:
            organization = services.create_organization(data, by=current_user)
        except ServiceError as error:
            errors, status = forms.form_errors(error)
        else:
            flash(_("Added %(name)s. Now add its services.", name=organization.name), "success")
            return redirect(url_for("directory.manage"))
    return _render_manage(org_form=form, org_errors=errors, status=status)


def _service_payload(form) -> dict:
    payload = {
        "organization_id": form.get("organization_id", ""), "name": form.get("name", "").strip(),
        "description": form.get("description", ""), "category": form.get("category", ""),
        "status": form.get("status", ""), "eligibility_description": form.get("eligibility_description", ""),
        "phone": form.get("phone", "").strip() or None, "hours": form.get("hours", "").strip() or None,
        "address": form.get("address", "").strip() or None, "latitude": forms.as_number(form.get("latitude", "")),
        "longitude": forms.as_number(form.get("longitude", "")), "part2_program": bool(form.get("part2_program")),
    }
    # An unchosen select is a missing field, so the message says what to do ("Choose a category.").
    return {key: value for key, value in payload.items()
            if not (key in ("organization_id", "category", "status") and value == "")}


@bp.route("/directory/services", methods=["POST"])
@allow(ADMIN)
def create_service():
    form = request.form.to_dict()
    data, errors = forms.load(ServiceSchema(), _service_payload(form))
    status = 422
    if not errors:
        try:
            service = services.create_service(data, by=current_user)
        except ServiceError as error:
            errors, status = forms.form_errors(error)
        else:
            flash(_("Added %(service)s (%(organization)s) to the directory.", service=service.name,
                    organization=service.organization.name), "success")
            return redirect(url_for("directory.manage"))
    return _render_manage(service_form=form, service_errors=errors, status=status)


@bp.route("/directory/services/<uuid:service_id>", methods=["POST"])
@allow(ADMIN)
def change_service_status(service_id):
    """Mark a service active, inactive, temporarily closed or defunct."""
    service = services.get_service(service_id)
    data, errors = forms.load(ServiceSchema(partial=True), {"status": request.form.get("status", "")})
    if errors:
        flash(_("Choose a status for %(name)s.", name=service.name), "error")
    else:
        before = service.status
        try:
            service = services.update_service(service.id, data, by=current_user)
        except ServiceError as error:
            forms.flash_refusal(error)
        else:
            if service.status == before:
                flash(_("%(name)s was already %(status)s.", name=service.name, status=service.status), "info")
            else:
                flash(_("%(name)s is now %(status)s.", name=service.name, status=service.status), "success")
    return redirect(url_for("directory.manage"))


FIELD_LABELS = {"organization_id": "organization", "name": "name", "category": "category", "status": "status",
                "description": "what it offers", "eligibility_description": "who it serves", "phone": "phone",
                "hours": "hours", "address": "address", "latitude": "latitude", "longitude": "longitude",
                "part2_program": "42 CFR Part 2"}


def _service_form(service) -> dict:
    """A service's fields as the edit form holds them (text; an unticked box is absent)."""
    form = {name: "" if getattr(service, name) is None else str(getattr(service, name))
            for name in ("organization_id", "name", "description", "category", "status",
                         "eligibility_description", "phone", "hours", "address", "latitude", "longitude")}
    if service.part2_program:
        form["part2_program"] = "1"
    return form


@bp.route("/directory/services/<uuid:service_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def edit_service(service_id):
    """Change any field of a service (its organization included), checked as when it was added; audited."""
    service = services.get_service(service_id)
    before = form = _service_form(service)
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form.to_dict()
        data, errors = forms.load(ServiceSchema(), _service_payload(form))
        status = 422
        if not errors:
            try:
                changed = services.update_service(service.id, data, by=current_user)
            except ServiceError as error:
                errors, status = forms.form_errors(error)
            else:
                after = _service_form(changed)
                fields = [FIELD_LABELS[name] for name in FIELD_LABELS if before.get(name) != after.get(name)]
                flash(_("Saved %(name)s: changed %(join)s.", name=changed.name, join=', '.join(fields)) if fields
                      else _("Nothing to save: %(name)s was already like this.", name=changed.name),
                      "success" if fields else "info")
                return redirect(url_for("directory.manage", _anchor="services"))
    return render_template("directory/edit_service.html", service=service, service_form=form, service_errors=errors,
                           organizations=services.list_organizations(), categories=CATEGORIES,
                           statuses=STATUS_LABELS), status


@bp.route("/directory/organizations/<uuid:org_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def edit_organization(org_id):
    """Change an organization's name, description or website; the name stays unique; audited."""
    organization = services.get_organization(org_id, field="org_id")
    form = {"name": organization.name, "description": organization.description or "",
            "website": organization.website or ""}
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form.to_dict()
        data, errors = forms.load(OrganizationSchema(), _organization_payload(form))
        status = 422
        if not errors:
            try:
                services.update_organization(organization.id, data, by=current_user)
            except ServiceError as error:
                errors, status = forms.form_errors(error)
            else:
                flash(_("Saved %(name)s.", name=organization.name), "success")
                return redirect(url_for("directory.manage", _anchor="organizations"))
    return render_template("directory/edit_organization.html", organization=organization, org_form=form,
                           org_errors=errors), status
