"""Writers that turn batches of rows into bytes as they come, so memory stays flat.

Rows come from a server-side cursor (``stream_results``) in batches of ``BATCH_ROWS``; CSV is
written batch by batch. XLSX is written with openpyxl's write-only mode, which spools rows to a
temporary file; the finished workbook is then sent in chunks (a zip's directory comes last, so
its first byte can only go once the last row is written). Nothing here needs Flask's contexts,
so a response streams on its own after its view has returned.
"""

import csv
import io
import tempfile
import uuid
from datetime import UTC, datetime

from openpyxl import Workbook

BATCH_ROWS = 2000
CHUNK_BYTES = 64 * 1024
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included


def batches(engine, statement, batch_rows=None):
    """The rows of ``statement`` in lists of ``batch_rows``, from a server-side cursor.

    It needs the engine only, no app or request context: the response can stream after the view
    has returned, and closing it (the server does when the download ends or the client leaves,
    the garbage collector for a response never read) closes the cursor and the connection.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # A cursor is planned for its first rows (cursor_tuple_fraction 0.1); an export reads them all.
            connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        result = connection.execution_options(stream_results=True, yield_per=batch_rows or BATCH_ROWS) \
            .execute(statement)
        try:
            yield from result.partitions()
        finally:  # also when the client goes away mid-download: the server-side cursor is closed
            result.close()


def csv_bytes(header, row_batches, make_row=None):
    """CSV (RFC 4180) batch by batch; ``make_row`` turns a query row into a CSV row, if needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for rows in row_batches:
        writer.writerows(map(make_row, rows) if make_row else rows)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate(0)
    if buffer.tell():
        yield buffer.getvalue().encode()


def _cell(value):
    """Excel has no time zones: times go in as UTC (the column dictionary says so)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return str(value) if isinstance(value, uuid.UUID) else value


def xlsx_bytes(header, row_batches, make_row, title):
    workbook = Workbook(write_only=True)
    sheet, used, number = None, XLSX_MAX_ROWS, 0
    for rows in row_batches:
        for row in rows:
            if used >= XLSX_MAX_ROWS:
                number += 1
                sheet = workbook.create_sheet(title if number == 1 else f"{title} {number}")
                sheet.append(header)
                used = 1
            sheet.append([_cell(value) for value in (make_row(row) if make_row else row)])
            used += 1
    if sheet is None:
        workbook.create_sheet(title).append(header)
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
