"""Writers that turn batches of rows into bytes as they come, so memory stays flat.

On PostgreSQL a CSV whose values the database formats is the database's own ``COPY ... TO STDOUT``
(``copy_csv_bytes``). Otherwise rows come from a server-side cursor (``stream_results``) in batches
of ``BATCH_ROWS`` and CSV is written batch by batch (XLSX: ``fieldapp.exports.workbook``). Nothing
here needs Flask's contexts, so a response streams on its own after its view has returned.
"""

import csv
import io

import psycopg

from fieldapp.database import dialect_of

BATCH_ROWS = 2000
CHUNK_BYTES = 64 * 1024


def batches(engine, statement, batch_rows=None):
    """The rows of ``statement`` in lists of ``batch_rows``, from a server-side cursor.

    It needs the engine only, no app or request context: the response can stream after the view
    has returned, and closing it (the server does when the download ends or the client leaves,
    the garbage collector for a response never read) closes the cursor and the connection.
    """
    with engine.connect() as connection:
        if dialect_of(connection) == "postgresql":
            # A cursor is planned for its first rows (cursor_tuple_fraction 0.1); an export reads them all.
            connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        result = connection.execution_options(stream_results=True, yield_per=batch_rows or BATCH_ROWS) \
            .execute(statement)
        try:
            yield from result.partitions()
        finally:  # also when the client goes away mid-download: the server-side cursor is closed
            result.close()


def copy_csv_bytes(engine, statement, header):
    """PostgreSQL: the CSV written by the database itself, ``COPY (statement) TO STDOUT (FORMAT csv)``,
    when every value is formatted in SQL (the identified logs). The bytes are the ones ``csv_bytes``
    writes: the header from Python's csv module, empty text sent as NULL (``queries.shaped``), and
    COPY's ``\n`` row ends made ``\r\n`` (``crlf_rows``). The statement's values are rendered into
    it (COPY takes no parameters): they are the filters' times, ids and codes, never free text.
    """
    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    yield buffer.getvalue().encode()
    with engine.connect() as connection:
        query = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        driver = connection.connection.driver_connection
        closed = False
        try:
            with driver.cursor().copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
                try:
                    yield from crlf_rows(_joined(copy))
                except GeneratorExit:  # the client went away: stop the server's COPY rather than read it all
                    closed = True
                    driver.cancel_safe()
                    raise
        except psycopg.errors.QueryCanceled:
            if not closed:
                raise


def _joined(blocks):
    """COPY's messages (a row each) joined into pieces of about ``CHUNK_BYTES``."""
    pending, size = [], 0
    for block in blocks:
        pending.append(block)
        size += len(block)
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


def crlf_rows(blocks):
    """``\n`` ends of CSV rows as ``\r\n``; a line feed inside a quoted field is left alone (as
    Python's csv module writes it). Quotes toggle "inside a field"; a doubled quote toggles twice."""
    inside = False
    for block in blocks:
        if b'"' not in block:
            yield block if inside else block.replace(b"\n", b"\r\n")
            continue
        parts = block.split(b'"')
        for index, part in enumerate(parts):
            if index:
                inside = not inside
            if not inside:
                parts[index] = part.replace(b"\n", b"\r\n")
        yield b'"'.join(parts)


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
