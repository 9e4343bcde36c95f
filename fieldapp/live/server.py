"""The live process: ``GET /events`` for every device of a host on one asyncio loop (aiohttp).

A stream costs a socket and a queue here, not a thread: 1,000 phones are one process. Sign-in is
checked by the app itself: the request's cookie or bearer token goes through fieldapp's own
``before_request`` (``security.access``: session and token rules, revocation, idle timeout, role),
in a worker thread, at connect and again every LIVE_AUTH_CHECK_SECONDS while the stream is open.
Events come from the process's hub (``broker.Hub``: Redis, or the table without it), in id order,
and go only to the streams of their audience. Run: ``python -m fieldapp.live`` (Procfile ``live:``).
"""

import asyncio
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aiohttp import web
from flask import request as flask_request
from flask_login import current_user
from werkzeug.test import EnvironBuilder

from fieldapp.live import services
from fieldapp.live.events import ALL, Audiences, Notice
from fieldapp.live.views import hello, last_event_id

log = logging.getLogger(__name__)
FLASK_APP = web.AppKey("flask_app", object)
RELAY = web.AppKey("relay", object)
STREAM_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                  "X-Accel-Buffering": "no"}
CLOSE = object()  # put in an inbox at shutdown: the stream ends and the client reconnects elsewhere


@dataclass
class Refusal:
    status: int
    body: bytes
    content_type: str


@dataclass
class Viewer:
    audience: object
    last_id: int


class _Inbox:
    def __init__(self):
        self.queue = asyncio.Queue()

    def put(self, event):
        self.queue.put_nowait(event)


class Relay:
    """This loop's subscription to the hub: every event, fanned out here to the streams that want it."""

    def __init__(self, loop):
        self.loop = loop
        self.audiences = Audiences()
        self.inboxes: set[_Inbox] = set()

    def put(self, event):  # called from the hub's thread
        if isinstance(event, Notice):
            self.loop.call_soon_threadsafe(self.audiences.tell_all, event)
        else:
            self.loop.call_soon_threadsafe(self.audiences.deliver, event)

    def close_all(self):
        for inbox in list(self.inboxes):
            inbox.put(CLOSE)


def check(flask_app, headers: list, query_string: str, remote: str | None, *, resume: bool) -> Refusal | Viewer:
    """Run the app's own access rules for ``GET /events`` with this request's credentials."""
    builder = EnvironBuilder(path="/events", query_string=query_string, headers=headers,
                             environ_base={"REMOTE_ADDR": remote or ""})
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    with flask_app.app_context(), flask_app.request_context(environ):  # a fresh `g` for each check
        try:
            answer = flask_app.preprocess_request()
            last = last_event_id(flask_request.headers, flask_request.args) if resume else 0
        except Exception as error:  # noqa: BLE001 - the app's handlers make the one error shape
            answer = flask_app.handle_user_exception(error)
        if answer is not None:
            response = flask_app.make_response(answer)
            return Refusal(response.status_code, response.get_data(), response.mimetype)
        who = services.audience(current_user)
        if resume and last < 0:
            last = services.latest_id()  # a new client starts from now
        return Viewer(who, last)


def read_backlog(flask_app, last_id: int, who) -> list:
    with flask_app.app_context():
        return services.backlog(last_id, who) if who is not None else []


async def events(request: web.Request) -> web.StreamResponse:
    flask_app, relay = request.app[FLASK_APP], request.app[RELAY]
    config = flask_app.config
    if len(relay.inboxes) >= config["LIVE_MAX_CONNECTIONS"]:
        return web.json_response({"error": {"code": "busy", "message": "Too many live connections right now; "
                                            "polling instead.", "fields": {}}}, status=503)
    headers = [(name, value) for name, value in request.headers.items()]
    remote = request.remote
    viewer = await asyncio.to_thread(check, flask_app, headers, request.query_string, remote, resume=True)
    if isinstance(viewer, Refusal):
        return web.Response(status=viewer.status, body=viewer.body, content_type=viewer.content_type)
    who, last_id = viewer.audience, viewer.last_id
    inbox = _Inbox()
    relay.inboxes.add(inbox)
    if who is not None:
        relay.audiences.add(who, inbox)  # before reading the table: nothing falls between the two
    response = web.StreamResponse(headers=STREAM_HEADERS)
    try:
        missed = await asyncio.to_thread(read_backlog, flask_app, last_id, who)
        await response.prepare(request)
        await response.write(hello(last_id, flask_app.extensions["fieldapp_live"].delayed))
        for event in missed:
            last_id = event.id
            await response.write(event.frame)
        heartbeat = config["LIVE_ASYNC_HEARTBEAT_SECONDS"]
        recheck_every = config["LIVE_AUTH_CHECK_SECONDS"]
        next_check = time.monotonic() + recheck_every * random.uniform(0.5, 1.0)  # spread the checks
        while True:
            try:
                event = await asyncio.wait_for(inbox.queue.get(), timeout=heartbeat)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
            else:
                if event is CLOSE:
                    break
                if isinstance(event, Notice):
                    await response.write(event.frame)
                elif event.id > last_id:
                    last_id = event.id
                    await response.write(event.frame)
            if time.monotonic() >= next_check:
                again = await asyncio.to_thread(check, flask_app, headers, "", remote, resume=False)
                if isinstance(again, Refusal) or again.audience != who:
                    break  # signed out, revoked, idle or moved to another unit: the client reconnects
                next_check = time.monotonic() + recheck_every
    except (ConnectionError, asyncio.CancelledError):
        pass  # the device went away
    finally:
        relay.inboxes.discard(inbox)
        if who is not None:
            relay.audiences.discard(who, inbox)
    return response


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "streams": len(request.app[RELAY].inboxes)})


def create_server(flask_app) -> web.Application:
    """The live process's aiohttp server around ``flask_app`` (``python -m fieldapp.live`` makes it)."""
    server = web.Application()
    server[FLASK_APP] = flask_app
    server.router.add_get("/events", events)
    server.router.add_get("/healthz", healthz)

    async def start(server):
        loop = asyncio.get_running_loop()
        # Sign-in checks and table reads run in threads: enough of them for a reconnecting crowd,
        # within the database pool (Flask-SQLAlchemy's default: 5 + 10 overflow).
        loop.set_default_executor(ThreadPoolExecutor(max_workers=flask_app.config["LIVE_THREADS"],
                                                     thread_name_prefix="fieldapp-live"))
        relay = Relay(loop)
        server[RELAY] = relay
        await asyncio.to_thread(flask_app.extensions["fieldapp_live"].subscribe, ALL, relay)

    async def stop(server):
        relay = server[RELAY]
        flask_app.extensions["fieldapp_live"].unsubscribe(ALL, relay)
        relay.close_all()

    server.on_startup.append(start)
    server.on_shutdown.append(stop)
    return server
