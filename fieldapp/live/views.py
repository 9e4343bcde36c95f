"""GET /events: the Server-Sent Events stream; GET /events/poll: the same events for polling.

Production serves ``/events`` from the async live process (``fieldapp.live.server``, the Procfile's
``live:`` line) behind the proxy. This threaded version serves the embedded demo and any host
without that process: each open stream holds a gunicorn thread, so a worker keeps at most
LIVE_MAX_STREAMS of them (503 beyond that: the client polls /events/poll instead).
"""

import queue
import threading
import time

from flask import Blueprint, Response, current_app, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.accounts import session_lock
from fieldapp.errors import Invalid, ServiceError
from fieldapp.extensions import db
from fieldapp.live import services
from fieldapp.live.events import Notice
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.web.access import allow, background

bp = Blueprint("live", __name__)
_streams = {"open": 0}
_streams_lock = threading.Lock()


class TooManyStreams(ServiceError):
    status, code = 503, "busy"


MAX_EVENT_ID = 2**63 - 1  # live_events.id is a BIGINT


class _Inbox:
    """A thread's share of the hub's deliveries."""

    def __init__(self):
        self.queue = queue.SimpleQueue()

    def put(self, event):
        self.queue.put(event)


def last_event_id(headers, args) -> int:
    """The last event id the client has (-1: none). Anything but a whole number in range is a 422."""
    name = "Last-Event-ID" if headers.get("Last-Event-ID") else "after"
    raw = headers.get("Last-Event-ID") or args.get("after") or ""
    if not raw:
        return -1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and int(raw) <= MAX_EVENT_ID):
        raise Invalid(_("Some fields are not valid."), fields={name: [_("Give the id of the last event received.")]})
    return int(raw)


def hello(last_id: int, delayed: bool = False) -> bytes:
    """The first frame; ``delayed``: the hub has lost Redis and reads the table (``Notice``)."""
    data = '{"delayed":true}' if delayed else "{}"
    return f"retry: 2000\nid: {last_id}\nevent: hello\ndata: {data}\n\n".encode()


@bp.route("/events")
@allow(OFFICER, CLINICIAN, DISPATCHER, ADMIN)
@background
def stream():
    """A stream of call events for this user, resuming after ``Last-Event-ID``. Its session is
    checked again every LIVE_AUTH_CHECK_SECONDS: revoked, expired or locked, the stream ends."""
    config = current_app.config
    token, kind = current_user.get_id(), current_user.login_session.kind
    with _streams_lock:
        if _streams["open"] >= config["LIVE_MAX_STREAMS"]:
            raise TooManyStreams("Too many live connections right now; polling instead.")
        _streams["open"] += 1
    try:
        who = services.audience(current_user)
        hub = current_app.extensions["fieldapp_live"]
        inbox = _Inbox()
        if who is not None:
            hub.subscribe(who, inbox)  # before reading the table: nothing falls between the two
        last = last_event_id(request.headers, request.args)
        if last < 0:
            last = services.latest_id()  # a new client starts from now
        missed = services.backlog(last, who) if who is not None else []
        db.session.remove()  # hold no connection while the stream waits
    except BaseException:
        with _streams_lock:
            _streams["open"] -= 1
        raise

    def generate(last_id):
        try:
            yield hello(last_id, hub.delayed)
            for event in missed:
                last_id = event.id
                yield event.frame
            deadline = time.monotonic() + config["LIVE_STREAM_SECONDS"]
            next_check = time.monotonic() + config["LIVE_AUTH_CHECK_SECONDS"]
            while (left := deadline - time.monotonic()) > 0:
                if time.monotonic() >= next_check:
                    still_open = session_lock.still_open(token, kind)
                    db.session.remove()  # again no connection held while waiting
                    if not still_open:
                        break  # signed out, revoked, expired or locked: the client reconnects or unlocks
                    next_check = time.monotonic() + config["LIVE_AUTH_CHECK_SECONDS"]
                wait = min(left, config["LIVE_HEARTBEAT_SECONDS"], max(0.0, next_check - time.monotonic()))
                try:
                    event = inbox.queue.get(timeout=wait)
                except queue.Empty:
                    yield b": keep-alive\n\n"
                    continue
                if isinstance(event, Notice):
                    yield event.frame
                elif event.id > last_id:
                    last_id = event.id
                    yield event.frame
        finally:
            if who is not None:
                hub.unsubscribe(who, inbox)
            with _streams_lock:
                _streams["open"] -= 1

    response = Response(stream_with_context(generate(last)), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response


@bp.route("/events/poll")
@allow(OFFICER, CLINICIAN, DISPATCHER, ADMIN)
@background
def poll():
    """The fallback where streams fail: ``?after=<last id>`` returns newer events as JSON."""
    who = services.audience(current_user)
    last = last_event_id({}, request.args)
    if last < 0:
        return {"last_id": services.latest_id(), "events": []}
    rows = services.events_after(last, who)
    return {"last_id": rows[-1].id if rows else last,
            "events": [{"id": row.id, **row.payload} for row in rows]}
