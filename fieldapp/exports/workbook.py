"""The XLSX exports, made to be read: labelled headers, readable values, a Codes sheet.

The data sheet has the header row frozen and an autofilter over every column; each header is the
column's name in words (``LABELS``, else the code name with spaces). Coded columns (``CODES``:
call type, outcome, concerns...) show their labels, several codes joined with "; ", and the Codes
sheet lists every code of those columns with its label, so a cell can be matched with the CSV and
the API. Times are real Excel date-times in the agency's zone, shown with their UTC offset
(``2026-03-01 14:05:00 -05:00``: Excel has no zones, so the offset is part of the cell's number
format, which changes across a daylight-saving change). openpyxl's write-only mode spools the
rows to a temporary file; the workbook is then sent in chunks. openpyxl is imported where a workbook
is made, not with the app: it is ~24 MB a process that never writes one (a CSV export, the worker)
would carry.
"""

import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldapp import clock
from fieldapp.calls import constants as calls
from fieldapp.directory.models import CATEGORIES
from fieldapp.encounters import constants as encounters
from fieldapp.people.constants import GENDERS, RACE_ETHNICITY
from fieldapp.referrals import constants as referrals

XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included
CHUNK_BYTES = 64 * 1024

LABELS = {
    "encounter_id": _l("Encounter ID"), "call_id": _l("Call ID"), "cad_incident_id": _l("CAD incident ID"),
    "call_received_at": _l("Call received"), "assigned_at": _l("First dispatched"),
    "acknowledged_at": _l("Acknowledged"), "en_route_at": _l("En route"), "on_scene_at": _l("On scene"),
    "transporting_at": _l("Transporting"), "cleared_at": _l("Cleared"), "call_closed_at": _l("Call closed"),
    "call_disposition": _l("Call disposition"), "queue_seconds": _l("Queue time (seconds)"),
    "response_seconds": _l("Response time (seconds)"), "travel_seconds": _l("Travel time (seconds)"),
    "on_scene_seconds": _l("Time on scene (seconds)"), "encounter_recorded_at": _l("Encounter recorded"),
    "apco_code": _l("APCO disposition"), "concerns": _l("Presenting concerns"), "use_of_force": _l("Force used"),
    "referral_count": _l("Referrals"), "referral_categories": _l("Referral categories"), "person_id": _l("Person ID"),
    "person_unidentified": _l("Person not identified"), "race_ethnicity": _l("Race/ethnicity"),
    "person_key": _l("Person key"), "call_key": _l("Call key"), "referral_id": _l("Referral ID"),
    "service_id": _l("Service ID"), "service_name": _l("Service"), "service_category": _l("Service category"),
    "consent_type": _l("Consent"), "made_at": _l("Referral made"), "due_at": _l("Follow-through due"),
    "closed_at": _l("Closed"), "steps": _l("Steps"), "status_history": _l("Status history"),
    "accepted_at": _l("Accepted"), "completed_at": _l("Completed"),
    "seconds_to_accept": _l("Time to accept (seconds)"), "seconds_to_close": _l("Time to close (seconds)"),
    "last_reason": _l("Latest reason"), "overdue": _l("Overdue"), "call_source": _l("Call source"),
    "call_eligible": _l("Eligible for the team"), "ineligible_reason": _l("Why not eligible"),
    "final_call_type": _l("Final call type"), "primary_concern": _l("Primary concern"),
    "contact_mode": _l("Contact mode"), "transport_destination": _l("Transport destination"),
    "declined_services": _l("Declined services"), "officer_engaged": _l("Officer engaged with the person"),
    "backup_requested": _l("Police backup requested"), "backup_reason": _l("Why backup was requested"),
    "backup_seconds": _l("Backup response (seconds)"), "follow_up_contacts": _l("Follow-up contacts"),
    "age": _l("Age"), "backup_arrived_at": _l("Backup arrived at"), "backup_requested_at": _l("Backup requested at"),
    "call_status": _l("Call status"), "call_type": _l("Call type"), "district": _l("District"),
    "diverted": _l("Diverted"), "enforcement_action": _l("Enforcement action"), "force_type": _l("Force type"),
    "gender": _l("Gender"), "hospitalization_type": _l("Hospitalization type"),
    "interpreter_needed": _l("Interpreter needed"), "organization": _l("Organization"), "outcome": _l("Outcome"),
    "preferred_language": _l("Preferred language"), "priority": _l("Priority"),
    "probable_cause": _l("Probable cause"), "status": _l("Status"), "transport": _l("Transport"), "unit": _l("Unit"),
    "year": _l("Year"),
}

# Coded columns: their codes and labels; the separator of a column that holds several codes.
CODES = {
    "call_type": calls.CALL_TYPES, "priority": calls.PRIORITIES, "call_status": calls.STATUS_LABELS,
    "call_disposition": calls.DISPOSITIONS, "outcome": encounters.OUTCOMES,
    "hospitalization_type": encounters.HOSPITALIZATION_TYPES, "apco_code": encounters.APCO_CODES,
    "concerns": encounters.CONCERNS, "force_type": encounters.FORCE_TYPES, "transport": encounters.TRANSPORTS,
    "referral_categories": CATEGORIES, "service_category": CATEGORIES, "gender": GENDERS,
    "race_ethnicity": RACE_ETHNICITY, "consent_type": referrals.CONSENT_TYPES, "status": referrals.STATUS_LABELS,
    "status_history": referrals.STATUS_LABELS,
    # the program's record (issue 11)
    "call_source": calls.SOURCES, "ineligible_reason": calls.INELIGIBLE_REASONS, "final_call_type": calls.CALL_TYPES,
    "primary_concern": encounters.CONCERNS, "contact_mode": encounters.CONTACT_MODES,
    "transport_destination": encounters.DESTINATIONS, "backup_reason": encounters.BACKUP_REASONS,
}
# Columns a variant may hold as text although they are numbers (the de-identified age: "34", or "90+"): a
# whole number is written as a number, as the identified log does.
NUMBERS = {"age"}
SEPARATORS = {"concerns": ";", "referral_categories": ";", "race_ethnicity": ";", "status_history": ">"}
JOINERS = {";": "; ", ">": " > "}


def label(name: str) -> str:
    """A column's name in words, in the current locale."""
    return str(LABELS[name]) if name in LABELS else name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Words:
    """The workbook's words in the language of the user who asked for it: resolved while the request
    is there, since the chunks are written after it (fieldapp.exports.api.streamed holds no context)."""

    labels: dict[str, str]
    meanings: dict[str, dict[str, str]]  # coded column -> code -> label
    title: str
    sheet: dict[str, str]  # the Codes sheet's title and headers


def words_for(header, title) -> Words:
    return Words(labels={name: label(name) for name in header},
                 meanings={name: {code: str(text) for code, text in CODES[name].items()}
                           for name in header if name in CODES},
                 title=str(title),
                 sheet={"title": _("Codes"), "column": _("Column"), "code": _("Code"), "meaning": _("Meaning"),
                        "key": _("CSV column")})


def readable(meanings: dict[str, dict[str, str]], name: str, value):
    """A coded value as its label (each of several codes); any other value, or an unknown code, as it is."""
    codes = meanings.get(name)
    if codes is None or value is None or value == "":
        return value
    separator = SEPARATORS.get(name)
    if separator is None:
        return codes.get(value, value)
    return JOINERS[separator].join(codes.get(code, code) for code in str(value).split(separator))


class _Cells:
    """Turns a row into the sheet's cells, with each time's offset in its number format."""

    def __init__(self, sheet, header, zone, meanings):
        from openpyxl.cell import WriteOnlyCell

        self.make_cell = WriteOnlyCell
        self.sheet, self.header, self.zone, self.meanings = sheet, header, clock.zone(zone), meanings
        self.formats = {}

    def time(self, moment: datetime):
        local = moment.astimezone(self.zone)
        offset = local.strftime("%z")
        cell = self.make_cell(self.sheet, local.replace(tzinfo=None))
        cell.number_format = self.formats.setdefault(offset, f'yyyy-mm-dd hh:mm:ss" {offset[:3]}:{offset[3:]}"')
        return cell

    def row(self, values):
        cells = []
        for name, value in zip(self.header, values, strict=True):
            if isinstance(value, datetime):
                cells.append(self.time(value))
            elif isinstance(value, uuid.UUID):
                cells.append(str(value))
            elif name in NUMBERS and isinstance(value, str) and value.isdigit():
                cells.append(int(value))
            else:
                cells.append(readable(self.meanings, name, value))
        return cells


def _data_sheet(workbook, title, header, words):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"  # set before the first row: write-only sheets write their views first
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(words.labels[name]) + 2, 12), 40)
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, words.labels[name])
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _close(sheet, header, rows):
    """The autofilter over the header and the rows (written with the sheet's end)."""
    from openpyxl.utils import get_column_letter

    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(rows, 1)}"


def _codes_sheet(workbook, header, words):
    """Every code of the coded columns with its meaning, and the column's key in the CSV (the same in
    every language: the workbook's columns are the CSV's, in its order)."""
    sheet = workbook.create_sheet(words.sheet["title"])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCD", (28, 30, 60, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([words.sheet["column"], words.sheet["code"], words.sheet["meaning"], words.sheet["key"]])
    rows = 1
    for name in header:
        for code, text in words.meanings.get(name, {}).items():
            sheet.append([words.labels[name], code, text, name])
            rows += 1
    sheet.auto_filter.ref = f"A1:D{rows}"


def xlsx_bytes(header, row_batches, make_row, title, zone):
    """The workbook's chunks, its words (headers, labels, sheet names) in the current user's language."""
    return _chunks(header, row_batches, make_row, words_for(header, title), zone)


def _chunks(header, row_batches, make_row, words, zone):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet, used, number = None, XLSX_MAX_ROWS, 0
    cells = None
    for rows in row_batches:
        for row in rows:
            if used >= XLSX_MAX_ROWS:
                if sheet is not None:
                    _close(sheet, header, used)
                number += 1
                sheet = _data_sheet(workbook, words.title if number == 1 else f"{words.title} {number}", header, words)
                cells, used = _Cells(sheet, header, zone, words.meanings), 1
            sheet.append(cells.row(make_row(row) if make_row else row))
            used += 1
    if sheet is None:
        sheet, used = _data_sheet(workbook, words.title, header, words), 1
    _close(sheet, header, used)
    _codes_sheet(workbook, header, words)
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
