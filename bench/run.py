"""``make bench``: load a synthetic data set into PostgreSQL, then time the export and the dashboard.

    .venv/bin/python -m bench.run [--encounters 1000000] [--server postgresql://postgres@127.0.0.1:5432/]
                                  [--database fieldapp_bench] [--skip-load]

Prints, in one run:
  * the load time of the data set (generation + COPY + ANALYZE);
  * the outcome-log CSV export through the app's own code path (fieldapp.exports.services, in a
    child process) in rows/s, against PostgreSQL's ``COPY (the same query) TO STDOUT CSV``, and the
    ratio (target: at least 0.5);
  * the export process's peak memory (its ru_maxrss; target: under 150 MB);
  * the time of the dashboard's data (fieldapp.metrics.services.report: the period and the one
    before) for the last year of data (target: under 1 s for 500,000 encounters).
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
    export = _export_in_child(url)
    copy = _copy_same_query(url)
    print(f"export (app, outcome log CSV, {FULL[0]} to {FULL[1]}): {export['rows']:,} rows in "
          f"{export['seconds']:.1f} s = {export['rows'] / export['seconds']:,.0f} rows/s, "
          f"{export['bytes'] / 1e6:,.0f} MB")
    print(f"COPY (same query) TO STDOUT CSV: {copy['rows']:,} rows in {copy['seconds']:.1f} s = "
          f"{copy['rows'] / copy['seconds']:,.0f} rows/s, {copy['bytes'] / 1e6:,.0f} MB")
    ratio = (export["rows"] / export["seconds"]) / (copy["rows"] / copy["seconds"])
    print(f"export speed / COPY speed: {ratio:.2f} (target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'})")
    peak = export["maxrss_kb"] / 1024
    print(f"export process peak memory (ru_maxrss): {peak:.0f} MB, of which {export['baseline_kb'] / 1024:.0f} MB "
          f"before the export began (target < 150 MB: {'met' if peak < 150 else 'NOT met'})")
    _dashboard(url)


def _verdict(ok: bool, full_size: bool) -> str:
    if not full_size:
        return ("within 1 s here, but this data set is smaller than the target's: "
                "run the default size to judge it")
    return "met" if ok else "NOT met"


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
    from sqlalchemy import func, select, text

    from fieldapp.calls.models import Call
    from fieldapp.database import utcnow
    from fieldapp.encounters.models import Encounter
    from fieldapp.extensions import db
    from fieldapp.metrics import calls, outcomes, people, services
    from fieldapp.metrics.filters import Filters, Periods

    app = _app(url)
    with app.app_context():
        year = _filters(Filters, LAST_YEAR)
        both = Periods.of(year.previous(), year)
        encounters = db.session.scalar(select(func.count()).select_from(Encounter)
                                       .join(Call, Call.id == Encounter.call_id).where(*year.call_conditions()))
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            services.report(db.session, year)
            timings.append(time.perf_counter() - started)
            db.session.rollback()
        best = min(timings)
        print(f"dashboard data for {LAST_YEAR[0]} to {LAST_YEAR[1]} ({encounters:,} encounters), the year and the "
              f"year before: first {timings[0]:.2f} s, best {best:.2f} s, median {statistics.median(timings):.2f} s "
              f"(target < 1 s for 500,000 encounters: {_verdict(best < 1, encounters >= 450_000)})")
        parts = [("calls + CAD times", calls.calls_and_times),
                 ("encounters + equity table", outcomes.encounters_and_equity), ("referrals", outcomes.referrals),
                 ("follow-ups", lambda session, periods: outcomes.follow_ups(session, periods, utcnow())),
                 ("people (repeats, demographics)", people.people)]
        for label, periods in [("the year and the year before", both), ("one year alone", Periods.of(year))]:
            db.session.execute(text("SET LOCAL jit = off"))  # as services.compute_together does
            db.session.execute(text("SET LOCAL work_mem = '128MB'"))
            spent = {}
            for name, part in parts:
                started = time.perf_counter()
                part(db.session, periods)
                spent[name] = time.perf_counter() - started
            db.session.rollback()
            print(f"  {label}, by part: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in spent.items())
                  + f"; total {sum(spent.values()):.2f} s")
        db.engine.dispose()


if __name__ == "__main__":
    main()
