"""``flask --app fieldapp export outcomes|referrals|summary``: exports for scheduled reporting.

    flask --app fieldapp export outcomes --from 2026-01-01 --to 2026-03-31 --format csv --deidentified > q1.csv
    flask --app fieldapp export summary --preset last_quarter > summary.csv

The file goes to standard output (or ``--output``); every export is audited like one from the API.
"""

from datetime import date

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from fieldapp import clock
from fieldapp.calls.constants import CALL_TYPES
from fieldapp.exports import services
from fieldapp.metrics.filters import FilterSchema, filters_from
from fieldapp.metrics.presets import PRESETS


@click.group("export", cls=AppGroup)
def export_command():
    """Export outcome logs for scheduled reporting."""


def _filter_options(command):
    command = click.option("--call-type", type=click.Choice(list(CALL_TYPES)), help="Only this call type.")(command)
    command = click.option("--unit-id", type=int, help="Only calls assigned to this unit (its id).")(command)
    command = click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]),
                           help="Last day included (YYYY-MM-DD): --from 2026-01-01 --to 2026-03-31 is the "
                                "first quarter. Default: today.")(command)
    command = click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
                           help="First day included (YYYY-MM-DD). Default: 90 days ending with --to.")(command)
    command = click.option("--preset", type=click.Choice(list(PRESETS)),
                           help="A named period instead of --from/--to (this_quarter, last_quarter, ...).")(command)
    return click.option("--output", "-o", type=click.File("wb"), default="-", show_default="standard output",
                        help="Where to write the file.")(command)


def _filters(start, end, unit_id, call_type, preset=None):
    raw = {"from": _day(start), "to": _day(end), "unit_id": unit_id, "call_type": call_type, "preset": preset}
    try:
        data = FilterSchema().load({key: value for key, value in raw.items() if value is not None})
    except ValidationError as error:
        raise click.UsageError("; ".join(f"{key}: {' '.join(value)}" for key, value in error.messages.items())) \
            from None
    return filters_from(data, clock.zone_name())


def _day(value) -> str | None:
    return date(value.year, value.month, value.day).isoformat() if value else None


def _write(export: services.Export, output):
    for chunk in export.chunks:
        output.write(chunk)
    output.flush()
    click.echo(f"{export.rows} rows exported ({export.filename}).", err=True)


def _log_command(kind):
    @_filter_options
    @click.option("--format", "fmt", type=click.Choice(sorted(services.FORMATS)), default="csv", show_default=True)
    @click.option("--deidentified", is_flag=True, help="The HIPAA Safe Harbor variant (docs/exports.md).")
    def command(start, end, unit_id, call_type, output, fmt, deidentified, preset):
        filters = _filters(start, end, unit_id, call_type, preset)
        _write(services.log_export(kind, fmt, filters, deidentified=deidentified, via="cli"), output)

    command.__doc__ = f"The {kind[:-1]} log (one row per {kind[:-1] if kind == 'referrals' else 'encounter'})."
    return command


export_command.command("outcomes")(_log_command("outcomes"))
export_command.command("referrals")(_log_command("referrals"))


@export_command.command("summary")
@_filter_options
def summary_command(start, end, unit_id, call_type, output, preset):
    """The public summary, small cells suppressed (CSV)."""
    _write(services.summary_export(_filters(start, end, unit_id, call_type, preset), via="cli"), output)
