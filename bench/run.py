"""``make bench``: load a synthetic data set into PostgreSQL, then time the export and the dashboard.

    .venv/bin/python -m bench.run [--encounters 1000000] [--server postgresql://postgres@127.0.0.1:5432/]
                                  [--database fieldapp_bench] [--skip-load [--skip-rebuild]] [--skip-export]

Prints, in one run:
  * the load time of the data set (generation + COPY + ANALYZE);
  * the outcome-log CSV export through the app's own code path (fieldapp.exports.services, in a
    child process) in rows/s, against PostgreSQL's ``COPY (the same query) TO STDOUT CSV``, and the
    ratio (target: at least 0.8);
  * the export process's peak memory (its own high-water mark; target: under 150 MB);
  * the time of the daily roll-ups' rebuild after the load (``flask metrics rebuild``);
  * the time of the dashboard's data (fieldapp.metrics.services.report: the period and the one
    before) for the last year of data (target: under 1 s for 500,000 encounters) and for the
    default 90 days (target: under 0.3 s);
  * the whole dashboard page (view, queries and HTML) for the default 90 days;
  * what a commit touching one day's call adds to it (that day's roll-ups), and the job that then
    sums the day's month and week again;
  * whether every figure summed from the roll-ups is identical to the one computed from the
    records, for the year, the 90 days, one unit and one call type.
The figures are printed, not asserted: this is a measurement, not a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql as pgsql

from bench import generate

ROOT = Path(__file__).resolve().parent.parent
ZONE = "America/New_York"
FULL = ("2024-01-01", "2026-01-01")  # the whole data set
LAST_YEAR = ("2025-01-01", "2026-01-01")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encounters", type=int, default=1_000_000, help="encounters to generate (2 years)")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432/"))
    parser.add_argument("--database", default="fieldapp_bench", help="created if missing; its data is replaced")
    parser.add_argument("--skip-load", action="store_true", help="measure the data already loaded")
    parser.add_argument("--skip-rebuild", action="store_true",
                        help="with --skip-load: measure the roll-ups already built (the data has not changed)")
    parser.add_argument("--skip-export", action="store_true", help="the dashboard only (no export, no COPY)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    url = args.server.rstrip("/") + "/" + args.database
    _ensure_database(args.server, args.database)

    print(f"fieldapp bench: {url}")
    if not args.skip_load:
        _migrate(url)
        started = time.perf_counter()
        counts = generate.load(url, args.encounters, seed=args.seed)
        seconds = time.perf_counter() - started
        total = sum(counts.values())
        print(f"load: {seconds:.1f} s for {total:,} rows ({total / seconds:,.0f} rows/s): "
              + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    if not args.skip_export:
        _export(url)
    if not (args.skip_load and args.skip_rebuild):
        _rebuild_rollups(url)  # COPY bypassed the app: as after any bulk load, `flask metrics rebuild`
    _dashboard(url)


def _export(url):
    export = _export_in_child(url)
    copy = _copy_same_query(url)
    print(f"export (app, outcome log CSV, {FULL[0]} to {FULL[1]}): {export['rows']:,} rows in "
          f"{export['seconds']:.1f} s = {export['rows'] / export['seconds']:,.0f} rows/s, "
          f"{export['bytes'] / 1e6:,.0f} MB")
    print(f"COPY (same query) TO STDOUT CSV: {copy['rows']:,} rows in {copy['seconds']:.1f} s = "
          f"{copy['rows'] / copy['seconds']:,.0f} rows/s, {copy['bytes'] / 1e6:,.0f} MB")
    ratio = (export["rows"] / export["seconds"]) / (copy["rows"] / copy["seconds"])
    print(f"export speed / COPY speed: {ratio:.2f} (target >= 0.8: {'met' if ratio >= 0.8 else 'NOT met'})")
    peak = export["maxrss_kb"] / 1024
    print(f"export process peak memory (VmHWM): {peak:.0f} MB, of which {export['baseline_kb'] / 1024:.0f} MB "
          f"before the export began (target < 150 MB: {'met' if peak < 150 else 'NOT met'})")


def _verdict(ok: bool, full_size: bool) -> str:
    if not full_size:
        return f"{'within it' if ok else 'NOT within it'} here, but this data set is smaller than the target's: " \
            "run the default size to judge it"
    return "met" if ok else "NOT met"


def _rebuild_rollups(url):
    """The daily roll-ups of the data just loaded with COPY (which the app's write hooks never saw)."""
    from fieldapp.extensions import db
    from fieldapp.metrics import tracking

    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        tracking.rebuild_all(db.session, ZONE)
        db.session.commit()
        seconds = time.perf_counter() - started
        db.engine.dispose()
    with psycopg.connect(url, autocommit=True) as connection:  # as autovacuum would, soon after a bulk write
        connection.execute("VACUUM ANALYZE")
    print(f"metrics roll-ups rebuilt (flask metrics rebuild): {seconds:.1f} s")


def _ensure_database(server, name):
    with psycopg.connect(server.rstrip("/") + "/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
            print(f"created database {name}")


def _app(url):
    from fieldapp import create_app

    return create_app({"SECRET_KEY": "bench-" + os.urandom(8).hex(), "SQLALCHEMY_DATABASE_URI": url,
                       "FIELDAPP_TIMEZONE": ZONE, "REDIS_URL": None, "SESSION_COOKIE_SECURE": False})


def _migrate(url):
    """An empty schema at the newest migration (the app's own migrations)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from fieldapp.extensions import db

    app = _app(url)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


def _export_in_child(url):
    command = [sys.executable, "-m", "bench.export_child", url, *FULL]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)  # noqa: S603 - our own module
    return json.loads(done.stdout.strip().splitlines()[-1])


def _outcome_log_sql(url):
    """The outcome log's statement with its values filled in, exactly as the app sends it."""
    from sqlalchemy import event

    from fieldapp.exports import queries
    from fieldapp.extensions import db
    from fieldapp.metrics.filters import Filters

    sent = {}

    def capture(connection, cursor, statement, parameters, context, executemany):
        sent.update(statement=statement, parameters=parameters)
        return "SELECT 1 WHERE false", {}  # captured, not run

    app = _app(url)
    with app.app_context(), db.engine.connect() as connection:
        event.listen(connection, "before_cursor_execute", capture, retval=True)
        connection.execute(queries.outcome_log(_filters(Filters, FULL), "postgresql")).all()
    with app.app_context():
        db.engine.dispose()
    with psycopg.connect(url) as connection:
        return psycopg.ClientCursor(connection).mogrify(sent["statement"], sent["parameters"])


def _filters(filters_class, period):
    return filters_class(date.fromisoformat(period[0]), date.fromisoformat(period[1]), ZONE)


def _copy_same_query(url):
    query = _outcome_log_sql(url)
    with psycopg.connect(url) as connection:
        connection.execute("SET TIME ZONE 'UTC'")
        started = time.perf_counter()
        size = lines = 0
        with connection.cursor().copy(f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER)") as copy:
            for block in copy:
                size += len(block)
                lines += bytes(block).count(b"\n")
        seconds = time.perf_counter() - started
    return {"rows": lines - 1, "seconds": seconds, "bytes": size}


def _dashboard(url):
    """Time the dashboard's data (from the roll-ups) for the year and for the default 90 days, each with
    the period before; then check every figure against the computation from the records."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from fieldapp.calls.models import Call
    from fieldapp.encounters.models import Encounter
    from fieldapp.extensions import db
    from fieldapp.metrics import services, tracking
    from fieldapp.metrics.filters import Filters, Periods

    app = _app(url)
    with app.app_context():
        year = _filters(Filters, LAST_YEAR)
        quarter = Filters(year.end_date - timedelta(days=90), year.end_date, ZONE)
        encounters = db.session.scalar(select(func.count()).select_from(Encounter)
                                       .join(Call, Call.id == Encounter.call_id).where(*year.call_conditions()))
        print(f"roll-ups ready: {tracking.ready(db.session, ZONE)}; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores (timings on a busy machine are longer)")
        for label, filters, target in [(f"{LAST_YEAR[0]} to {LAST_YEAR[1]} ({encounters:,} encounters)", year, 1.0),
                                       (f"the default 90 days ({quarter.start_date} to {quarter.end_date})",
                                        quarter, 0.3)]:
            timings = []
            for _ in range(3):
                started = time.perf_counter()
                services.report(db.session, filters)
                timings.append(time.perf_counter() - started)
                db.session.rollback()
            best = min(timings)
            print(f"dashboard data for {label}, with the period before: first {timings[0]:.3f} s, best {best:.3f} s, "
                  f"median {statistics.median(timings):.3f} s (target < {target} s, first and best: "
                  f"{_verdict(max(timings[0], best) < target, encounters >= 450_000)})")
        _page(app, db, quarter, encounters >= 450_000)
        _refresh(db, year.last_day - timedelta(days=16))
        _check_equal(db.session, services, Periods, [year, quarter, Filters(quarter.start_date, quarter.end_date,
                                                                              ZONE, unit_id=3),
                                                       Filters(quarter.start_date, quarter.end_date, ZONE,
                                                               call_type="MNTL")])
        db.engine.dispose()


def _refresh(db, day):
    """Time what a commit that touches a call of ``day`` adds to it (its day's roll-ups made again, rolled
    back here), and the job that then sums the day's month and week again (committed: the same rows)."""
    from fieldapp.metrics import rollups, spans

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        rollups.rebuild(db.session, {day}, ZONE)
        timings.append(time.perf_counter() - started)
        db.session.rollback()
    spans.mark(db.session, {day})
    db.session.commit()
    started = time.perf_counter()
    made = spans.refresh(db.session)
    print(f"a commit's roll-up refresh of one day ({day}): best {min(timings):.3f} s; the job after it "
          f"({made} spans, a month and a week): {time.perf_counter() - started:.3f} s")


def _page(app, db, filters, full_size):
    """Time the whole dashboard page (the view, its queries and the HTML) as a program manager opens it."""
    from flask_login import login_user
    from sqlalchemy import select

    from fieldapp.accounts.models import User
    from fieldapp.metrics import views

    user = db.session.scalar(select(User).where(User.username == "bench-manager"))
    if user is None:  # the data set has no accounts; this one never signs in (no usable password)
        user = User(username="bench-manager", full_name="Bench Manager", role="program_manager",
                    password_hash="!")  # noqa: S106 - not a hash: no password signs in
        db.session.add(user)
        db.session.commit()
    timings = []
    for _ in range(3):
        with app.test_request_context(f"/metrics?from={filters.start_date}&to={filters.last_day}"):
            login_user(db.session.get(User, user.id), force=True)
            started = time.perf_counter()
            views.dashboard()
            timings.append(time.perf_counter() - started)
            db.session.rollback()
    print(f"dashboard page (HTML) for the default 90 days: first {timings[0]:.3f} s, best {min(timings):.3f} s, "
          f"median {statistics.median(timings):.3f} s (target < 0.3 s, first and best: "
          f"{_verdict(timings[0] < 0.3 and min(timings) < 0.3, full_size)})")


def _check_equal(session, services, periods_class, cases):
    from fieldapp.clock import utcnow

    now = utcnow()
    for filters in cases:
        periods = periods_class.of(filters.previous(), filters)
        started = time.perf_counter()
        records = services.compute_together(session, periods, now=now, source="records")
        slow = time.perf_counter() - started
        session.rollback()
        started = time.perf_counter()
        rollups = services.compute_together(session, periods, now=now, source="rollups")
        fast = time.perf_counter() - started
        session.rollback()
        verdict = "identical" if records == rollups else "DIFFERENT"
        print(f"  {filters.start_date} to {filters.end_date}, unit {filters.unit_id or 'all'}, type "
              f"{filters.call_type or 'all'}: every figure from the roll-ups {verdict} to the records' "
              f"({slow:.1f} s from the records, {fast:.3f} s from the roll-ups: {slow / fast:.1f}x)")


if __name__ == "__main__":
    main()
