"""The exports page: choose the filters and download a log or the public summary (from the API)."""

from flask import Blueprint, render_template

from fieldapp.metrics.views import filter_choices, filter_form, preset_links, typed
from fieldapp.roles import ADMIN, PROGRAM_MANAGER
from fieldapp.web.access import allow

bp = Blueprint("exports", __name__)


@bp.route("/exports")
@allow(PROGRAM_MANAGER, ADMIN)
def index():
    filters, errors = filter_form()
    return render_template("exports/index.html", filters=filters, errors=errors, typed=typed(filters, errors),
                           presets=preset_links(filters), **filter_choices()), 400 if errors else 200
