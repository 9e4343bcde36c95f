"""The page where dispatchers and program managers record eligible calls never sent to the team."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from fieldapp import clock
from fieldapp.calls.constants import SOURCES
from fieldapp.eligibility import services
from fieldapp.eligibility.constants import NOT_SENT_REASONS
from fieldapp.eligibility.schemas import NotSentCountCreateSchema
from fieldapp.i18n.formats import format_date
from fieldapp.roles import ADMIN, DISPATCHER, PROGRAM_MANAGER
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("not_sent", __name__)


@bp.route("/not-sent", methods=["GET", "POST"])
@allow(DISPATCHER, PROGRAM_MANAGER, ADMIN)
def index():
    today = clock.today()
    errors, form = {}, request.form
    if request.method == "POST":
        payload = {"day": form.get("day", ""), "count": forms.as_number(form.get("count", "")),
                   "reason": form.get("reason") or None, "source": form.get("source") or None}
        data, errors = forms.load(NotSentCountCreateSchema(), payload)
        if not errors:
            row, _ = services.record(data, by=current_user)
            flash(ngettext("Recorded %(num)s eligible call not sent on %(day)s.",
                           "Recorded %(num)s eligible calls not sent on %(day)s.", row.count,
                           day=format_date(row.day)), "success")
            return redirect(url_for("not_sent.index"))
    return render_template("eligibility/not_sent.html", errors=errors, form=form, today=today.isoformat(),
                           rows=services.listed(None, None, today), REASONS=NOT_SENT_REASONS,
                           SOURCES=SOURCES), 422 if errors else 200
