"""The dispatchers' board pages: the live list, assigning from it, and the search of closed calls.

Registered on the calls blueprint by ``fieldapp.calls.views`` (endpoints ``calls.board``, ...).
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fieldapp.calls import dispatch, services
from fieldapp.calls import map as map_views
from fieldapp.calls.schemas import AssignSchema
from fieldapp.errors import ServiceError
from fieldapp.roles import ADMIN, DISPATCHER
from fieldapp.schemas import BaseSchema, Day, Int, Text
from fieldapp.units import services as units
from fieldapp.web import forms
from fieldapp.web.access import allow


def _board(*, poll):
    now = dispatch.board_now()
    return {"rows": dispatch.board_rows(current_user, poll=poll, now=now), "views": units.unit_views(),
            "server_now": now}


@allow(DISPATCHER, ADMIN)
def board():
    response = current_app.make_response(render_template("calls/board.html", map_settings=map_views.settings(),
                                                         **_board(poll=False)))
    response.csp_img_src = map_views.tile_origin()  # the map's tiles (fieldapp.security.headers)
    return response


@allow(DISPATCHER, ADMIN)
def board_live():
    """The board's contents alone, fetched by the page every few seconds."""
    return render_template("calls/_board.html", **_board(poll=True))


@allow(DISPATCHER)
def assign_sheet(call_id):
    """Choose a unit for a call: units listed available first, a confirm step for a busy one. The call
    page's Assign form posts here too (``back=call``: back to the call), so a busy unit is confirmed
    the same way wherever it is chosen. The confirm step is a question, answered 200 (not a refusal)."""
    call = services.get_call(current_user, call_id)
    warning, chosen, status = None, None, 200
    back = "call" if request.values.get("back") == "call" else "board"
    if request.method == "POST":
        data, errors = forms.load(AssignSchema(), {
            "unit_id": forms.as_number(request.form.get("unit_id", "")),
            "confirm_busy": request.form.get("confirm_busy") == "yes"})
        if errors:
            flash("Choose a unit.", "error")
            status = 422
        else:
            chosen = data["unit_id"]
            try:
                call = services.assign(call.id, chosen, by=current_user, confirm_busy=data["confirm_busy"])
            except ServiceError as error:
                if error.code == "unit_busy":
                    warning = error.message
                else:
                    _, status = forms.form_errors(error)
                    flash(error.message, "error")
                call = services.get_call(current_user, call_id, audit_read=False)
            else:
                flash(f"Call {call.id} assigned to {call.unit.call_sign}.", "success")
                return redirect(url_for("calls.show", call_id=call.id) if back == "call" else url_for("calls.board"))
    choices, distances = dispatch.unit_choices(call)
    return render_template("calls/assign.html", call=call, choices=choices, distances=distances,
                           warning=warning, chosen=chosen, back=back), status


class ClosedSearchSchema(BaseSchema):
    q = Text(200)
    day = Day(allow_none=True)
    page = Int(1, 10000, strict=False, message="Enter a page number from 1 to 10000.")


@allow(DISPATCHER, ADMIN)
def closed():
    """Closed calls by address, CAD id or call number, and/or the day received."""
    args = {key: request.args.get(key) for key in ("q", "day", "page")}
    payload = {key: value.strip() for key, value in args.items() if value and value.strip()}
    data, errors = forms.load(ClosedSearchSchema(), payload)
    if errors:
        return render_template("calls/closed.html", result=None, errors=errors, args=args), 400
    result = dispatch.search_closed(current_user, text=data.get("q", ""), day=data.get("day"),
                                    page=data.get("page", 1))
    query = {key: value for key, value in (("q", data.get("q")), ("day", args["day"])) if value}
    return render_template("calls/closed.html", result=result, errors={}, args=args, query=query)


def register(bp):
    bp.add_url_rule("/board", view_func=board)
    bp.add_url_rule("/board/live", view_func=board_live)
    bp.add_url_rule("/board/calls/<int:call_id>/assign", view_func=assign_sheet, methods=["GET", "POST"])
    bp.add_url_rule("/board/closed", view_func=closed)

