"""GET /events: the Server-Sent Events stream; GET /events/poll: the same events for polling."""

import json
import threading
import time

from flask import Blueprint, Response, current_app, request, stream_with_context
from flask_login import current_user

from fieldapp.accounts.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.errors import Invalid, ServiceError
from fieldapp.extensions import db
from fieldapp.live import services
from fieldapp.security.access import allow

bp = Blueprint("live", __name__)
_streams = {"open": 0}
_streams_lock = threading.Lock()


class TooManyStreams(ServiceError):
    status, code = 503, "busy"


MAX_EVENT_ID = 2**63 - 1  # live_events.id is a BIGINT


def _last_id() -> int:
    """The last event id the client has (-1: none). Anything but a whole number in range is a 422."""
    name = "Last-Event-ID" if request.headers.get("Last-Event-ID") else "after"
    raw = request.headers.get("Last-Event-ID") or request.args.get("after") or ""
    if not raw:
        return -1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and int(raw) <= MAX_EVENT_ID):
        raise Invalid("Some fields are not valid.", fields={name: ["Give the id of the last event received."]})
    return int(raw)


def _frame(row) -> str:
    return f"id: {row.id}\nevent: call\ndata: {json.dumps(row.payload, separators=(',', ':'))}\n\n"


@bp.route("/events")
@allow(OFFICER, CLINICIAN, DISPATCHER, ADMIN)
def stream():
    """A stream of call events for this user, resuming after ``Last-Event-ID``.

    Each open stream holds one gunicorn thread, so a worker keeps at most LIVE_MAX_STREAMS of them
    (503 beyond that: the client polls /events/poll instead) and closes each after
    LIVE_STREAM_SECONDS (the browser reconnects with Last-Event-ID and misses nothing).
    """
    config = current_app.config
    with _streams_lock:
        if _streams["open"] >= config["LIVE_MAX_STREAMS"]:
            raise TooManyStreams("Too many live connections right now; polling instead.")
        _streams["open"] += 1
    who = services.audience(current_user)
    last = _last_id()
    if last < 0:
        last = services.latest_id()  # a new client starts from now
    db.session.remove()  # hold no connection while the stream waits
    broker = current_app.extensions["fieldapp_live"]
    poll = config["LIVE_POLL_SECONDS"] if not broker.cross_process else config["LIVE_HEARTBEAT_SECONDS"]

    def generate(last_id):
        try:
            yield f"retry: 2000\nid: {last_id}\nevent: hello\ndata: {{}}\n\n"
            deadline = time.monotonic() + config["LIVE_STREAM_SECONDS"]
            version = broker.version
            quiet = 0.0
            while time.monotonic() < deadline:
                rows = services.events_after(last_id, who)
                db.session.remove()
                for row in rows:
                    last_id = row.id
                    yield _frame(row)
                started = time.monotonic()
                version = broker.wait(version, poll)
                quiet += time.monotonic() - started
                if quiet >= config["LIVE_HEARTBEAT_SECONDS"]:
                    quiet = 0.0
                    yield ": keep-alive\n\n"
        finally:
            with _streams_lock:
                _streams["open"] -= 1

    response = Response(stream_with_context(generate(last)), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response


@bp.route("/events/poll")
@allow(OFFICER, CLINICIAN, DISPATCHER, ADMIN)
def poll():
    """The fallback where streams fail: ``?after=<last id>`` returns newer events as JSON."""
    who = services.audience(current_user)
    last = _last_id()
    if last < 0:
        return {"last_id": services.latest_id(), "events": []}
    rows = services.events_after(last, who)
    return {"last_id": rows[-1].id if rows else last,
            "events": [{"id": row.id, **row.payload} for row in rows]}
