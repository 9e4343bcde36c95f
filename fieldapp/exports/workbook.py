"""The XLSX exports, made to be read: labelled headers, readable values, a Codes sheet.

The data sheet has the header row frozen and an autofilter over every column; each header is the
column's name in words (``LABELS``, else the code name with spaces). Coded columns (``CODES``:
call type, outcome, concerns...) show their labels, several codes joined with "; ", and the Codes
sheet lists every code of those columns with its label, so a cell can be matched with the CSV and
the API. Times are real Excel date-times in the agency's zone, shown with their UTC offset
(``2026-03-01 14:05:00 -05:00``: Excel has no zones, so the offset is part of the cell's number
format, which changes across a daylight-saving change). openpyxl's write-only mode spools the
rows to a temporary file; the workbook is then sent in chunks.
"""

import tempfile
import uuid
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fieldapp import clock
from fieldapp.calls import constants as calls
from fieldapp.directory.models import CATEGORIES
from fieldapp.encounters import constants as encounters
from fieldapp.people.constants import GENDERS, RACE_ETHNICITY
from fieldapp.referrals import constants as referrals

XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included
CHUNK_BYTES = 64 * 1024

LABELS = {
    "encounter_id": "Encounter ID", "call_id": "Call ID", "cad_incident_id": "CAD incident ID",
    "call_received_at": "Call received", "assigned_at": "First dispatched", "acknowledged_at": "Acknowledged",
    "en_route_at": "En route", "on_scene_at": "On scene", "transporting_at": "Transporting",
    "cleared_at": "Cleared", "call_closed_at": "Call closed", "call_disposition": "Call disposition",
    "queue_seconds": "Queue time (seconds)", "response_seconds": "Response time (seconds)",
    "travel_seconds": "Travel time (seconds)", "on_scene_seconds": "Time on scene (seconds)",
    "encounter_recorded_at": "Encounter recorded", "apco_code": "APCO disposition",
    "concerns": "Presenting concerns", "use_of_force": "Force used", "referral_count": "Referrals",
    "referral_categories": "Referral categories", "person_id": "Person ID",
    "person_unidentified": "Person not identified", "race_ethnicity": "Race/ethnicity",
    "person_key": "Person key", "call_key": "Call key", "referral_id": "Referral ID", "service_id": "Service ID",
    "service_name": "Service", "service_category": "Service category", "consent_type": "Consent",
    "made_at": "Referral made", "due_at": "Follow-through due", "closed_at": "Closed", "steps": "Steps",
    "status_history": "Status history", "accepted_at": "Accepted", "completed_at": "Completed",
    "seconds_to_accept": "Time to accept (seconds)", "seconds_to_close": "Time to close (seconds)",
    "last_reason": "Latest reason", "overdue": "Overdue",
    "call_source": "Call source", "call_eligible": "Eligible for the team", "ineligible_reason": "Why not eligible",
    "final_call_type": "Final call type", "primary_concern": "Primary concern", "contact_mode": "Contact mode",
    "transport_destination": "Transport destination", "declined_services": "Declined services",
    "officer_engaged": "Officer engaged with the person", "backup_requested": "Police backup requested",
    "backup_reason": "Why backup was requested", "backup_seconds": "Backup response (seconds)",
    "follow_up_contacts": "Follow-up contacts",
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
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def meanings(header) -> dict[str, dict[str, str]]:
    """The labels of the header's coded columns as text, in the locale of now (the request's): the
    workbook is written later, by a generator that holds no request context (exports.api.streamed),
    and the labels are lazy_gettext strings, which neither openpyxl nor ``str.join`` take."""
    return {name: {code: str(text) for code, text in CODES[name].items()} for name in header if name in CODES}


def readable(name: str, value, labels: dict[str, dict[str, str]]):
    """A coded value as its label (each of several codes, ``labels`` from ``meanings``); any other
    value as it is."""
    codes = labels.get(name)
    if codes is None or value is None or value == "":
        return value
    separator = SEPARATORS.get(name)
    if separator is None:
        return codes.get(value, value)
    return JOINERS[separator].join(codes.get(code, code) for code in str(value).split(separator))


class _Cells:
    """Turns a row into the sheet's cells, with each time's offset in its number format."""

    def __init__(self, sheet, header, zone, labels):
        self.sheet, self.header, self.zone, self.labels = sheet, header, clock.zone(zone), labels
        self.formats = {}

    def time(self, moment: datetime):
        local = moment.astimezone(self.zone)
        offset = local.strftime("%z")
        cell = WriteOnlyCell(self.sheet, local.replace(tzinfo=None))
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
                cells.append(readable(name, value, self.labels))
        return cells


def _data_sheet(workbook, title, header):
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"  # set before the first row: write-only sheets write their views first
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(label(name)) + 2, 12), 40)
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, label(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _close(sheet, header, rows):
    """The autofilter over the header and the rows (written with the sheet's end)."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(rows, 1)}"


def _codes_sheet(workbook, header, labels):
    sheet = workbook.create_sheet("Codes")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABC", (28, 30, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(["Column", "Code", "Meaning"])
    rows = 1
    for name in header:
        for code, meaning in labels.get(name, {}).items():
            sheet.append([label(name), code, meaning])
            rows += 1
    sheet.auto_filter.ref = f"A1:C{rows}"


def xlsx_bytes(header, row_batches, make_row, title, zone):
    """The workbook's chunks, a generator; its labels are taken now, in the request's locale."""
    return _chunks(header, row_batches, make_row, title, zone, meanings(header))


def _chunks(header, row_batches, make_row, title, zone, labels):
    workbook = Workbook(write_only=True)
    sheet, used, number = None, XLSX_MAX_ROWS, 0
    cells = None
    for rows in row_batches:
        for row in rows:
            if used >= XLSX_MAX_ROWS:
                if sheet is not None:
                    _close(sheet, header, used)
                number += 1
                sheet = _data_sheet(workbook, title if number == 1 else f"{title} {number}", header)
                cells, used = _Cells(sheet, header, zone, labels), 1
            sheet.append(cells.row(make_row(row) if make_row else row))
            used += 1
    if sheet is None:
        sheet, used = _data_sheet(workbook, title, header), 1
    _close(sheet, header, used)
    _codes_sheet(workbook, header, labels)
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
