"""``flask --app fieldapp jobs worker``: the Procfile's ``worker:`` process."""

import logging
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup

from fieldapp.jobs.sweeps import run_sweeps

jobs_cli = AppGroup("jobs", help="The job queue (RQ on Redis).")


def _sweep_forever(app, every):
    while True:
        run_sweeps(app)
        time.sleep(every)


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued, then stop (for scripts and tests).")
def worker_command(burst):
    """Run queued jobs, and every JOBS_SWEEP_SECONDS enqueue rows that are due again."""
    from rq import SimpleWorker  # optional at run time: the worker runs only with REDIS_URL

    app = current_app._get_current_object()
    jobs = app.extensions["fieldapp_jobs"]
    if jobs.name != "rq":
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run in a thread of the web "
                                   "process and no worker is needed.")
    logging.basicConfig(level=logging.INFO)
    if burst:
        run_sweeps(app)
    else:
        threading.Thread(target=_sweep_forever, args=(app, app.config["JOBS_SWEEP_SECONDS"]),
                         name="fieldapp-sweeps", daemon=True).start()
    # SimpleWorker runs each job in this process (no fork), so the database pool is never shared
    # between a parent and a child process.
    SimpleWorker([jobs.queue], connection=jobs.connection).work(burst=burst)
