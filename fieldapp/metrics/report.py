"""The printable report a program manager hands to a council: key figures, charts, the period before,
definitions in plain words. One page of HTML with print CSS (/metrics/report) and the same page as
a PDF (/metrics/report.pdf, WeasyPrint), for any period, unit and call type the dashboard takes."""

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template
from flask_babel import lazy_gettext as _l

from fieldapp.clock import utcnow
from fieldapp.encounters.constants import OUTCOMES
from fieldapp.extensions import db
from fieldapp.metrics import section1947, services, zone_times
from fieldapp.metrics.program import labels as program_labels
from fieldapp.metrics.views import chart_context, filter_choices, filter_form, preset_links, query_args, typed
from fieldapp.referrals.constants import STATUS_LABELS
from fieldapp.roles import ADMIN, PROGRAM_MANAGER
from fieldapp.web.access import allow

bp = Blueprint("metrics_report", __name__)
STYLESHEETS = ("css/metrics.css", "css/report.css")


def key_figures(m: dict) -> list[tuple]:
    """(label, how it is shown, path into a period's figures) of each key figure, in the report's order."""
    return [
        (_l("Calls received"), "count", "calls.received"),
        (_l("Calls served (a person contacted and recorded)"), "share", "calls.served_share"),
        (_l("Eligible calls served (never-sent calls counted)"), "share", "program.eligibility.served_share"),
        (_l("Calls served with police backup requested"), "share", "program.backup.rate"),
        (_l("Median response time (received to on scene)"), "duration", "times.response.median"),
        (_l("90th percentile response time"), "duration", "times.response.p90"),
        (_l("People contacted (encounters)"), "count", "encounters.total"),
        (_l("Resolved without arrest or hospitalisation"), "share",
         "encounters.resolved_without_arrest_or_hospitalization.share"),
        (_l("Involuntary holds"), "count", "encounters.involuntary_holds.count"),
        (_l("Use of force"), "count", "encounters.use_of_force.count"),
        (_l("Referrals made"), "count", "referrals.made"),
        (_l("Referrals completed"), "share", "referrals.completion_rate"),
        (_l("Follow-ups done on time"), "share", "follow_ups.on_time_rate"),
        (_l("Followed up within 48 hours"), "share", "program.follow_up_contacts.within_48h.share_attempted"),
        (_l("People served"), "count", "repeat_contacts.people"),
        (_l("People seen again within 90 days"), "share", "repeat_contacts.share"),
    ]


def program_figures() -> list[tuple]:
    """The program's record (the dashboard's program sections), as rows of the same kind."""
    names = program_labels()
    return [
        (_l("Eligible calls received"), "count", "program.eligibility.eligible"),
        (_l("Eligible calls served"), "count", "program.eligibility.eligible_served"),
        (_l("Eligible calls never sent to the team"), "count", "program.eligibility.not_sent.total"),
        (_l("Calls not eligible"), "count", "program.eligibility.ineligible"),
        *[(_l("Source: %(label)s", label=label), "count", f"program.sources.{code}")
          for code, label in names["sources"].items()],
        (_l("Call type changed on scene"), "share", "program.type_changes.share"),
        (_l("Repeat calls to an address (90 days)"), "count", "program.repeat_addresses.repeat_calls"),
        (_l("Calls served with police backup requested"), "count", "program.backup.calls_with_backup"),
        (_l("Backup response, median"), "duration", "program.times.backup_response.median"),
        (_l("Contacted, declined services"), "count", "program.declined_services.count"),
        (_l("Officer engaged with the person"), "count", "program.officer_engaged.yes"),
        *[(_l("Taken to: %(label)s", label=label), "count", f"program.transport_destinations.{code}.count")
          for code, label in names["destinations"].items()],
        (_l("Taken to a community location"), "share", "program.transport_destinations.community.share"),
        (_l("Taken to hospital"), "share", "program.transport_destinations.hospital.share"),
        *[(_l("How met: %(label)s", label=label), "count", f"program.contact_modes.{code}.count")
          for code, label in names["modes"].items()],
        (_l("Follow-up contacts"), "count", "program.follow_up_contacts.total"),
        (_l("Encounters followed up within 72 hours"), "share",
         "program.follow_up_contacts.within_72h.share_attempted"),
        (_l("Referral to accepted, median"), "duration", "program.times.referral_to_accepted.median"),
        (_l("Referral to completed, median"), "duration", "program.times.referral_to_completed.median"),
        (_l("Unit-hours on shift"), "count", "program.units.shift_hours"),
        (_l("Utilisation (committed ÷ shift hours)"), "share", "program.units.utilisation"),
        (_l("En route to clear, median"), "duration", "program.times.en_route_to_clear.median"),
    ]


def period_name(filters) -> str:
    """The period in a file name: 2026-Q3, 2026-07, 2026 for whole ones, else 2026-07-01_2026-08-15."""
    first, last = filters.start_date, filters.last_day
    next_day = filters.end_date
    if first.day == 1 and next_day.day == 1:
        months = (next_day.year - first.year) * 12 + next_day.month - first.month
        if months == 1:
            return f"{first:%Y-%m}"
        if months == 3 and first.month % 3 == 1:
            return f"{first.year}-Q{first.month // 3 + 1}"
        if months == 12 and first.month == 1:
            return str(first.year)
    return f"{first.isoformat()}_{last.isoformat()}"


def figure(period: dict, path: str):
    value = period
    for key in path.split("."):
        value = value[key]
    return value


def _page(pdf: bool = False):
    filters, errors = filter_form()
    context = {"filters": filters, "errors": errors, "typed": typed(filters, errors), "presets": preset_links(filters),
               "pdf": pdf, "made_at": utcnow(), "OUTCOME_LABELS": OUTCOMES, "REFERRAL_STATUSES": STATUS_LABELS,
               **filter_choices()}
    if errors:
        return render_template("metrics/report.html", **context), 400
    report = services.report(db.session, filters)
    return render_template("metrics/report.html", report=report, m=report["current"], p=report["previous"],
                           previous=filters.previous(), figures=key_figures(report["current"]), figure=figure,
                           program_figures=program_figures(),
                           charts=chart_context(report["current"]), args=query_args(filters),
                           s1947=section1947.figures(db.session, filters), zt=zone_times.figures(db.session, filters),
                           ZONE_STEPS=zone_times.STEPS, **context), 200


@bp.route("/metrics/report")
@allow(PROGRAM_MANAGER, ADMIN)
def report_page():
    return _page()


@bp.route("/metrics/report.pdf")
@allow(PROGRAM_MANAGER, ADMIN)
def report_pdf():
    from weasyprint import CSS, HTML  # optional: loaded when a PDF is asked for; it needs the system's Pango

    html, status = _page(pdf=True)
    if status != 200:
        return html, status
    static = Path(current_app.static_folder)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(static / name)) for name in STYLESHEETS])
    name = f"fieldapp-report-{period_name(filter_form()[0])}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
