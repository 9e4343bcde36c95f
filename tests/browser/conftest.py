"""Fixtures for the browser tests: the app under gunicorn, Debian's Chromium, phone-sized pages.

Self-contained on purpose: these tests run the app the way production does (migrations as a release
step, then gunicorn), so they share nothing with the in-process fixtures in ``tests/conftest.py``.
Playwright's own browser download is not needed; the system Chromium (``apt-get install chromium``)
is driven instead.
"""

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
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


def serve(workdir, seeded_database, *, prepare=None, **settings):
    """The demo under gunicorn (gunicorn.conf.py) on a fresh copy of the seeded database, on a free
    local port; ``settings`` are extra environment variables, ``prepare(env)`` runs before gunicorn
    starts (a user made with the CLI). A generator: ``yield from`` it."""
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
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", url.removeprefix("http://"),
             "fieldapp:create_app()"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:  # until it answers, or has stopped
            wait_until(lambda: server.poll() is not None or _healthy(url), timeout=STARTUP_SECONDS, interval=0.2)
            up = server.poll() is None
        except AssertionError:
            up = False
        if not up:
            pytest.fail(f"gunicorn did not answer {url}/healthz within {STARTUP_SECONDS} s:\n"
                        + log_path.read_text(), pytrace=False)
        yield LiveServer(url=url, password=password)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, seeded_database):
    """fieldapp with the demo data, migrated and served by gunicorn on a free local port.

    One per test module (on a fresh copy of the seeded database), so what one module's tests change
    never surprises another's."""
    yield from serve(tmp_path_factory.mktemp("live_server"), seeded_database)


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
            sign_in(page, username, live_server.password)
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
