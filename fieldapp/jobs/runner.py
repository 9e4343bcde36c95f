"""Running one job or one sweep inside the app, whichever process or thread runs it."""

import importlib
import logging

from flask import Flask, current_app

from fieldapp.extensions import db

log = logging.getLogger(__name__)


def resolve(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_in_app(app: Flask, path: str, args=()):
    """Call ``path(*args)`` in a fresh app context (its own database session), then clean up."""
    with app.app_context():
        try:
            return resolve(path)(*args)
        finally:
            db.session.remove()


def run_job(path: str, args=(), dedupe: str | None = None):
    """The function RQ runs: it frees the dedupe key first, so a row written from now on gets a job."""
    app = current_app._get_current_object()  # the worker command pushed the app
    jobs = app.extensions["fieldapp_jobs"]
    if dedupe:
        jobs.release(dedupe)
    return run_in_app(app, path, args)
