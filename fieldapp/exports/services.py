"""Exports: the outcome log, the referral log (CSV or XLSX, identified or de-identified) and the
suppressed public summary. Each export is audited, with its filters and row count, before its
first byte is sent.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from fieldapp.audit import services as audit
from fieldapp.database import dialect_of
from fieldapp.exports import columns, queries, streaming, summary, workbook
from fieldapp.extensions import db
from fieldapp.metrics.filters import Filters

KINDS = ("outcomes", "referrals")
FORMATS = {"csv": "text/csv",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TITLES = {"outcomes": _l("Outcome log"), "referrals": _l("Referral log")}  # the workbook's sheet, translated


@dataclass
class Export:
    filename: str
    mimetype: str
    rows: int
    chunks: Iterator[bytes]  # a generator: nothing is read from the database until it is iterated


def _filename(kind, filters: Filters, deidentified, fmt):
    suffix = "-deidentified" if deidentified else ""
    return f"fieldapp-{kind}-{filters.start_date.isoformat()}-to-{filters.last_day.isoformat()}{suffix}.{fmt}"


def _audit(action, filters: Filters, *, rows, by, **details):
    audit.record(action, user=by, details={"filters": filters.as_dict(), "rows": rows, **details})
    db.session.commit()


def log_export(kind: str, fmt: str, filters: Filters, *, deidentified: bool, by=None, via="api") -> Export:
    """An outcome or referral log, audited now and streamed when its chunks are read."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown export {kind}.{fmt}")
    session = db.session
    dialect = dialect_of(session)
    count = queries.outcome_log_count(filters) if kind == "outcomes" else queries.referral_log_count(filters)
    rows = session.scalar(count)
    variant = "deidentified" if deidentified else "identified"
    _audit(f"export.{kind}", filters, rows=rows, by=by, format=fmt, deidentified=deidentified, via=via)
    query = queries.outcome_log if kind == "outcomes" else queries.referral_log
    statement = query(filters, dialect, variant=variant, as_text=fmt == "csv")
    make_row = columns.row_maker(kind, variant, secret=current_app.config["SECRET_KEY"], zone=filters.zone)
    header = columns.header(kind, variant)
    if fmt == "csv" and make_row is None and dialect == "postgresql":  # every value formatted by the database
        chunks = streaming.copy_csv_bytes(db.engine, statement, header)
        return Export(_filename(kind, filters, deidentified, fmt), FORMATS[fmt], rows, chunks)
    rows_of = streaming.batches(db.engine, statement)
    if fmt == "csv":
        chunks = streaming.csv_bytes(header, rows_of, make_row)
    else:
        chunks = workbook.xlsx_bytes(header, rows_of, make_row, TITLES[kind], filters.zone)
    return Export(_filename(kind, filters, deidentified, fmt), FORMATS[fmt], rows, chunks)


def summary_export(filters: Filters, *, by=None, via="api") -> Export:
    """The public summary: counts with small cells suppressed (docs/exports.md)."""
    table_rows = summary.build(db.session, filters)
    published = sum(1 for row in table_rows if not row["suppressed"])
    _audit("export.summary", filters, rows=len(table_rows), by=by, format="csv", via=via,
           suppressed=len(table_rows) - published)
    return Export(f"fieldapp-summary-{filters.start_date.isoformat()}-to-{filters.last_day.isoformat()}.csv",
                  FORMATS["csv"], len(table_rows), summary.csv_bytes(table_rows))
