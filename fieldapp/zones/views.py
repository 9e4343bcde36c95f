"""The admin's zones page: upload the agency's zones (GeoJSON) and set the targets per zone and priority."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.errors import Invalid, ServiceError
from fieldapp.roles import ADMIN
from fieldapp.web.access import allow
from fieldapp.web.forms import as_number, form_errors, load
from fieldapp.zones import services
from fieldapp.zones.schemas import TargetsSchema

bp = Blueprint("zones", __name__)


def _page(errors=None, status=200):
    zones = services.all_zones()
    return render_template("zones/admin.html", zones=zones, priorities=services.PRIORITIES,
                           default_minutes=services.default_minutes(), errors=errors or {}), status


@bp.route("/admin/zones", methods=["GET"])
@allow(ADMIN)
def admin():
    return _page()


@bp.route("/admin/zones/upload", methods=["POST"])
@allow(ADMIN)
def upload():
    file = request.files.get("file")
    try:
        if file is None or not file.filename:
            raise Invalid(_("Choose a GeoJSON file of the zones."), fields={"file": [_("Choose a file.")]})
        summary = services.upload(file.read(), by=current_user)
    except ServiceError as error:
        _shown, status = form_errors(error)  # the problems are listed beside the upload form
        return _page({"upload": error.fields.get("zones") or [error.message]}, status)
    said = {"added": _("added %(names)s", names=", ".join(summary["added"])),
            "kept": _("kept %(names)s", names=", ".join(summary["kept"])),
            "removed": _("removed %(names)s", names=", ".join(summary["removed"]))}
    flash(_("Zones saved: %(changes)s.", changes="; ".join(said[what] for what, names in summary.items() if names)),
          "success")
    return redirect(url_for("zones.admin"))


@bp.route("/admin/zones/targets", methods=["POST"])
@allow(ADMIN)
def targets():
    rows = []
    for zone in services.all_zones():
        for priority in services.PRIORITIES:
            rows.append({"zone_id": zone.id, "priority": priority,
                         "minutes": as_number(request.form.get(f"target-{zone.id}-{priority}", ""))})
    data, errors = load(TargetsSchema(), {"targets": rows})
    if errors:
        fields = {}
        for key, message in errors.items():  # targets.3.minutes -> the form's field
            parts = key.split(".")
            if len(parts) == 3 and parts[1].isdigit():
                row = rows[int(parts[1])]
                fields[f"target-{row['zone_id']}-{row['priority']}"] = message
        return _page({"targets": fields, "": _("Check the targets marked below.")}, 422)
    services.set_targets(data["targets"], by=current_user)
    flash(_("Targets saved."), "success")
    return redirect(url_for("zones.admin"))
