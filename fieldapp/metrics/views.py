"""The program manager's dashboard: every metric of docs/metrics.md with charts and the period before."""

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp import clock
from fieldapp.directory.models import CATEGORIES
from fieldapp.encounters.constants import FORCE_TYPES, HOSPITALIZATION_TYPES
from fieldapp.encounters.constants import OUTCOMES as OUTCOME_LABELS
from fieldapp.extensions import db
from fieldapp.i18n import formats
from fieldapp.metrics import charts, definitions, section1947, services, zone_times
from fieldapp.metrics.buckets import UNIT_NAMES
from fieldapp.metrics.filters import FilterSchema, filters_from
from fieldapp.metrics.presets import PRESETS
from fieldapp.metrics.program import labels as program_labels
from fieldapp.people.constants import GENDERS, RACE_ETHNICITY
from fieldapp.referrals.constants import STATUS_LABELS as REFERRAL_STATUSES
from fieldapp.roles import ADMIN, PROGRAM_MANAGER
from fieldapp.units.models import Unit
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("metrics", __name__)


def filter_form():
    """The filters from the query string; on a mistake, the errors (the page shows the form as typed)."""
    data, errors = forms.load(FilterSchema(), request.args.to_dict())
    return filters_from(data if not errors else {}, clock.zone_name()), errors


def typed(filters, errors) -> dict:
    """What the filter form shows: what was typed when it has a mistake, else the period shown."""
    if errors:
        return {key: request.args.get(key, "") for key in ("from", "to", "unit_id", "call_type")}
    return {key: "" if value is None else str(value) for key, value in filters.as_dict().items()}


def preset_links(filters) -> list[tuple[str, str]]:
    """(label, query arguments) of each named period, with the unit and call type kept."""
    kept = {key: value for key, value in (("unit_id", filters.unit_id), ("call_type", filters.call_type)) if value}
    return [(label, {"preset": code, **kept}) for code, label in PRESETS.items()]


def query_args(filters) -> dict:
    """The filters as query-string arguments, for links to the API and the exports."""
    return {key: value for key, value in filters.as_dict().items() if value is not None}


def filter_choices() -> dict:
    units = db.session.scalars(select(Unit).order_by(Unit.call_sign)).all()
    return {"units": units}


@bp.route("/metrics")
@allow(PROGRAM_MANAGER, ADMIN)
def dashboard():
    filters, errors = filter_form()
    if errors:  # explained on the page, the form as typed; no figures for a period that is not one
        return render_template("metrics/dashboard.html", filters=filters, errors=errors, typed=typed(filters, errors),
                               presets=preset_links(filters), export_args={}, **filter_choices()), 400
    report = services.report(db.session, filters)
    current = report["current"]
    return render_template(
        "metrics/dashboard.html", filters=filters, previous=filters.previous(), errors=errors, report=report,
        m=current, p=report["previous"], charts=chart_context(current), any_data=services.has_any_call(db.session),
        OUTCOME_LABELS=OUTCOME_LABELS, HOSPITALIZATION_TYPES=HOSPITALIZATION_TYPES, FORCE_TYPES=FORCE_TYPES,
        REFERRAL_STATUSES=REFERRAL_STATUSES, CATEGORIES=CATEGORIES, GENDERS=GENDERS, RACE_ETHNICITY=RACE_ETHNICITY,
        AGE_GROUPS=services.AGE_GROUP_LABELS, REASONS=services.NOT_SERVED_REASONS, export_args=query_args(filters),
        typed=typed(filters, errors), presets=preset_links(filters), PROGRAM=program_labels(),
        s1947=section1947.figures(db.session, filters), zt=zone_times.figures(db.session, filters),
        ZONE_STEPS=zone_times.STEPS, **filter_choices())


def chart_context(current: dict) -> dict:
    over_time = current["encounters"]["over_time"]["buckets"]
    outcomes = list(OUTCOME_LABELS)
    histogram = current["times"]["response_distribution"]
    categories = current["referrals"]["by_category"]
    return {
        "outcomes": charts.stacked_columns([bucket["label"] for bucket in over_time], outcomes,
                                           [bucket["counts"] for bucket in over_time]),
        "response": charts.columns([bucket["label"].replace(" min", "") for bucket in histogram],
                                   [bucket["count"] for bucket in histogram], "response"),
        "referrals": charts.stacked_rows([str(CATEGORIES.get(category["category"], category["category"]))
                                          for category in categories], list(REFERRAL_STATUSES),
                                         [category["by_status"] for category in categories]),
    }


@bp.route("/metrics/definitions")
@allow(PROGRAM_MANAGER, ADMIN)
def definitions_page():
    """Every figure's definition (docs/metrics.md), the page the dashboard's figures link to."""
    return render_template("metrics/definitions.html", body=definitions.rendered())


@bp.app_template_global("defined")
def defined(part: str) -> str:
    """The link to where a part of the dashboard is defined."""
    return url_for("metrics.definitions_page", _anchor=definitions.ANCHORS[part])


@bp.app_template_global("bucket_unit")
def bucket_unit(unit: str) -> str:
    """A chart's bucket ("week") as the sentence around it says it, in the user's language."""
    return str(UNIT_NAMES.get(unit, unit))


@bp.app_template_global("chart_fill")
def chart_fill(cls: str) -> str:
    return charts.FILLS.get(cls, "#0b5cad")


@bp.app_template_filter("metric_duration")
def metric_duration(seconds) -> str:
    """1080.0 -> '18 min 0 s'; 5400 -> '1 h 30 min'."""
    if seconds is None:
        return "–"
    seconds = round(seconds)
    if seconds < 3600:
        return _("%(minutes)s min %(seconds)s s", minutes=seconds // 60, seconds=seconds % 60)
    return _("%(hours)s h %(minutes)s min", hours=seconds // 3600, minutes=format(seconds % 3600 // 60, "02d"))


@bp.app_template_filter("metric_share")
def metric_share(fraction) -> str:
    """0.255 -> '25.5%' / '25,5 %' (fieldapp.i18n.formats, the user's locale)."""
    return "–" if fraction is None else formats.format_share(fraction)


@bp.app_template_filter("metric_change")
def metric_change(current, previous) -> str:
    """'+12 (+15%)' against the previous period, for counts."""
    if current is None or previous is None:
        return ""
    difference = current - previous
    if not previous:
        return formats.format_signed(difference)
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    return f"{formats.format_signed(difference)} ({sign}{formats.format_share(abs(difference) / previous, 0)})"
