"""Periodic sweeps: each finds rows that are due (a delivery to retry) and enqueues their jobs.

The worker runs every sweep listed here every ``JOBS_SWEEP_SECONDS``; the in-process queue of the
demo does the same in its thread. A sweep only reads and enqueues; the jobs do the work.
"""

import logging

from flask import Flask

from fieldapp.jobs.runner import run_in_app

log = logging.getLogger(__name__)

SWEEPS = (
    "fieldapp.integrations.webhooks.jobs.sweep",
    "fieldapp.push.jobs.sweep",
    "fieldapp.metrics.jobs.sweep",
    "fieldapp.accounts.oidc_checks.sweep",
    "fieldapp.calls.breaches.sweep",
    "fieldapp.positions.jobs.sweep",
)


def run_sweeps(app: Flask) -> None:
    for path in SWEEPS:
        try:
            run_in_app(app, path)
        except Exception:  # noqa: BLE001 - one failing sweep must not stop the others or the worker
            log.exception("sweep %s failed", path)
