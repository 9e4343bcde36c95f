"""Fixtures for the browser tests: the app under gunicorn, Debian's Chromium, phone-sized pages.

Self-contained on purpose: these tests run the app the way production does (migrations as a release
step, then gunicorn), so they share nothing with the in-process fixtures in ``tests/conftest.py``.
Playwright's own browser download is not needed; the system Chromium (``apt-get install chromium``)
is driven instead.
"""

import contextlib
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.a11y import axe_violations
from tests.browser.dispatch import Dispatch
from tests.fixtures.waiting import wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
# The venv's bin directory, without resolving the python symlink out of the venv.
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
STARTUP_SECONDS = 60  # a health-check wait, not a sleep: only a failing start waits it all (loaded: > 20 s)
# For requests made by Playwright's API client (context.request, page.request): a connection per
# request. A pooled one left idle for gunicorn's keepalive (5 s) could be closed by the server just as
# the next request went out on it (read ECONNRESET); a browser retries such a request, this client not.
NO_KEEPALIVE = {"Connection": "close"}


@dataclass(frozen=True)
class LiveServer:
    url: str
    password: str
    # username -> the cookies of a web session this server opened through the login form (signed_in)
    sessions: dict = field(default_factory=dict, compare=False, repr=False)
    # username -> headers with an API token of theirs (tests.browser.dispatch.api_headers)
    tokens: dict = field(default_factory=dict, compare=False, repr=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _flask(*args, env):
    subprocess.run([str(BIN / "flask"), "--app", "fieldapp", *args], cwd=REPO_ROOT, env=env,
                   check=True, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory):
    """The demo database, migrated and seeded once per run (a file each server starts from a copy of)."""
    workdir = tmp_path_factory.mktemp("seeded")
    password = secrets.token_urlsafe(12)
    path = workdir / "seeded.db"
    secret = secrets.token_hex(32)
    env = {**os.environ, "FIELDAPP_ENV": "development", "SECRET_KEY": secret,
           "DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": ""}
    _flask("db", "upgrade", env=env)
    _flask("seed-demo", "--password", password, "--no-history", env=env)
    return path, password, secret


class HistorySeeding:
    """The demo database with its 90 days of history (test_metrics_dashboard's), migrated and seeded by
    the CLI in a thread from the start of the run: the seeding takes ~30 s on a busy machine, mostly
    waiting on SQLite and the CLI's start, which the run's first modules hide."""

    def __init__(self, workdir):
        self.path, self.password, self.secret = workdir / "history.db", secrets.token_urlsafe(12), secrets.token_hex(32)
        self.error = None
        self.thread = threading.Thread(target=self._seed, name="history-seeding", daemon=True)
        self.thread.start()

    def _seed(self):
        env = {**os.environ, "FIELDAPP_ENV": "development", "SECRET_KEY": self.secret,
               "DATABASE_URL": f"sqlite:///{self.path}", "REDIS_URL": ""}
        try:
            _flask("db", "upgrade", env=env)
            # the history takes a while on a busy machine (more than _flask's minute)
            subprocess.run([str(BIN / "flask"), "--app", "fieldapp", "seed-demo", "--password", self.password],
                           cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True, timeout=600)
        except Exception as error:  # noqa: BLE001 - whatever it was, the dashboard module says it, not a later 500
            self.error = f"{error!r}\n{getattr(error, 'stderr', '') or ''}"

    def result(self):
        self.thread.join()
        if self.error:
            pytest.fail(f"seeding the demo history failed: {self.error}", pytrace=False)
        return self.path, self.password, self.secret


@pytest.fixture(scope="session", autouse=True)
def history_seeding(request, tmp_path_factory):
    """``HistorySeeding`` started with the run when one of its tests asks for ``history_database``."""
    if not any("history_database" in item.fixturenames for item in request.session.items):
        yield None
        return
    seeding = HistorySeeding(tmp_path_factory.mktemp("history"))
    yield seeding
    seeding.thread.join()  # no CLI left running after the run


@pytest.fixture(scope="session")
def history_database(history_seeding):
    """The demo database with its history, as ``seeded_database`` gives the one without."""
    return history_seeding.result()


@dataclass(frozen=True)
class Started:
    """A gunicorn started by ``start``, perhaps not answering yet (``ready``)."""
    process: subprocess.Popen
    url: str
    password: str
    log_path: Path


def start(workdir, seeded_database, *, prepare=None, **settings) -> Started:
    """The demo under gunicorn (gunicorn.conf.py) on a fresh copy of the seeded database, on a free
    local port, started and not waited for; ``settings`` are extra environment variables,
    ``prepare(env)`` runs before gunicorn starts (a user made with the CLI)."""
    template, password, secret = seeded_database
    # SQLite's backup, not a file copy: the seeding process may leave its last writes in the -wal file
    # (a connection of its job thread still open at exit), which a copy of the main file would lose.
    source, copy = sqlite3.connect(template), sqlite3.connect(workdir / "browser.db")
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    env = {**os.environ,
           "FIELDAPP_ENV": "development",
           "SECRET_KEY": secret,
           "DATABASE_URL": f"sqlite:///{workdir / 'browser.db'}",
           "SESSION_COOKIE_SECURE": "0",
           "REDIS_URL": "",
           "WEB_CONCURRENCY": "1",
           **settings}
    if prepare is not None:
        prepare(env)

    url = f"http://127.0.0.1:{_free_port()}"
    log_path = workdir / "gunicorn.log"
    with open(log_path, "w") as log:
        # A process group of its own (master and worker), so that ``stop`` ends both at once.
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", url.removeprefix("http://"),
             "fieldapp:create_app()"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return Started(process=process, url=url, password=password, log_path=log_path)


def ready(server: Started) -> LiveServer:
    """The started server once it answers /healthz (a failed start fails the test, with its log)."""
    try:  # until it answers, or has stopped
        wait_until(lambda: server.process.poll() is not None or _healthy(server.url), timeout=STARTUP_SECONDS,
                   interval=0.2)
        up = server.process.poll() is None
    except AssertionError:
        up = False
    if not up:
        pytest.fail(f"gunicorn did not answer {server.url}/healthz within {STARTUP_SECONDS} s:\n"
                    + server.log_path.read_text(), pytrace=False)
    return LiveServer(url=server.url, password=server.password)


def stop(server: Started):
    """Ends the server and its worker at once. Its database copy is thrown away with it, so nothing
    needs a graceful stop, which waited ~10 s a module: for the threads of live streams whose browser
    had gone, until their heartbeat's second write failed (LIVE_HEARTBEAT_SECONDS)."""
    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()


def serve(workdir, seeded_database, *, prepare=None, **settings):
    """``start`` a server, and yield it ``ready``; stopped after. A generator: ``yield from`` it."""
    server = start(workdir, seeded_database, prepare=prepare, **settings)
    try:
        yield ready(server)
    finally:
        stop(server)


class Servers:
    """The servers of the modules using this conftest's ``live_server`` on the run's seeded database
    (``modules``, those still to come): each module's own, on a fresh copy, as before; but the next
    module's is started as soon as this module's answers, so that its start (importing the app, ~3 s
    of CPU) overlaps this module's tests instead of adding to the run."""

    def __init__(self, tmp_path_factory, modules):
        self.tmp_path_factory, self.modules, self.spare = tmp_path_factory, set(modules), None

    def serve(self, module, seeded_database):
        if module not in self.modules:
            yield from serve(self.tmp_path_factory.mktemp("live_server"), seeded_database)
            return
        self.modules.discard(module)
        server = self.spare or start(self.tmp_path_factory.mktemp("live_server"), seeded_database)
        self.spare = None
        try:
            live = ready(server)
            if self.modules:
                self.spare = start(self.tmp_path_factory.mktemp("live_server"), seeded_database)
            yield live
        finally:
            stop(server)

    def close(self):
        if self.spare is not None:
            stop(self.spare)


@pytest.fixture(scope="session")
def servers(request, tmp_path_factory):
    """The run's ``Servers``: the modules that take this conftest's ``live_server`` and seeded database
    (a module defining either fixture itself starts its own server, with its own settings)."""
    modules = {item.module for item in request.session.items if "live_server" in item.fixturenames
               and not hasattr(item.module, "live_server") and not hasattr(item.module, "seeded_database")}
    pool = Servers(tmp_path_factory, modules)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def live_server(request, servers, seeded_database):
    """fieldapp with the demo data, migrated and served by gunicorn on a free local port.

    One per test module (on a fresh copy of the seeded database), so what one module's tests change
    never surprises another's."""
    yield from servers.serve(request.module, seeded_database)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the distribution, shared by every browser test."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium`, or leave these tests out "
                    "with -m 'not browser'", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page, username, password):
    """Sign the page in as ``username`` through the login form."""
    page.goto("/login")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


# Synchronous: wait_for_function does not wait for a promise the predicate returns (it is truthy at once).
SERVICE_WORKER_CONTROLS = "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null"
SIGNED_IN_AS = """() => document.getElementById("unlock-page") ? null
    : (document.querySelector('meta[name="fieldapp-user"]') || {}).content || null"""


def _still_signed_in(page, username) -> bool:
    """Whether the context's cookies still open ``username``'s session (asked without a page: no script
    or service worker of the old session runs in this context)."""
    html = page.context.request.get("/").text()
    return f'<meta name="fieldapp-user" content="{username}">' in html and 'id="unlock-page"' not in html


def signed_in(page, live_server, username):
    """The page of a new context signed in as ``username``, on the home page the login form leads to.

    The form once per user and server (``sign_in``: two page loads and an Argon2id check at the
    production cost, seconds on a busy machine); after that the new context gets that session's cookies
    (Playwright's storage state, its cookies only: nothing of the other context's device, its local
    storage, IndexedDB or service worker) and opens the home page. A session a test ended since (signed
    out, revoked, locked, a password changed) shows on that page, and the form opens a new one.
    Tests of signing in itself use the form (``sign_in``)."""
    cookies = live_server.sessions.get(username)
    if cookies:
        page.context.add_cookies(cookies)
        if not _still_signed_in(page, username):
            # Ended since: the form, in a context no page of that session ever ran in (a page of it would
            # register the service worker, whose background requests could replace the new session's
            # cookie between the form and its answer: "The CSRF tokens do not match").
            page.context.clear_cookies()
            cookies = None
    if cookies:
        page.goto("/")
        if page.evaluate(SIGNED_IN_AS) == username:
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            # The service worker controls this page (it is active, and has claimed the page) before the
            # test goes on, as after the form it mostly did (it installs while the sign-in page is open).
            # Without the sign-in page it installs from this one: a page whose navigation began while it
            # was still installing stayed uncontrolled (its clients.claim() came before that page
            # existed), never kept for offline use (1 in 12 here).
            page.wait_for_function(SERVICE_WORKER_CONTROLS, timeout=10000)
            return page
        page.context.clear_cookies()
    sign_in(page, username, live_server.password)
    live_server.sessions[username] = page.context.cookies()
    return page


@pytest.fixture
def phone_page(browser, live_server):
    """Open a 360x740 phone page, signed in as the given demo user (or signed out with None).

        page = phone_page("officer1")
    """
    contexts = []

    def open_page(username=None):
        context = browser.new_context(base_url=live_server.url, **PHONE)
        contexts.append(context)
        page = context.new_page()
        if username:
            signed_in(page, live_server, username)
        else:
            page.goto("/login")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def browser_screenshot():
    """Save a screenshot (full page unless told) as test-artifacts/screenshots/<name>.png at the repo root,
    and check the page state photographed with axe-core: no finding of any impact (tests.browser.a11y)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name, *, full_page=True):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        findings = axe_violations(page)
        assert findings == [], f"axe on {name} ({page.url}):\n" + "\n".join(findings)
        return path

    return save


@pytest.fixture
def dispatch(browser, live_server):
    """The dispatcher's API client (tests.browser.dispatch.Dispatch), in a context of its own (a
    connection per request: NO_KEEPALIVE)."""
    context = browser.new_context(base_url=live_server.url, extra_http_headers=NO_KEEPALIVE)
    yield Dispatch(context.request, live_server)
    context.close()
