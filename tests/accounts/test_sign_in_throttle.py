"""Sign-in that holds under attack: an atomic lock, nothing to enumerate, rate limits, safe
redirects, failures audited under the name tried, the system-use banner (issue 8)."""

import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from fieldapp import config as settings
from fieldapp.accounts import passwords
from fieldapp.accounts import services as account_services
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from fieldapp.extensions import limiter
from fieldapp.roles import ROLES
from tests.fixtures.factories import PASSWORD


def login_rows(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")
                              .order_by(AuditEvent.id)).all()


@pytest.fixture
def cheap_argon2(monkeypatch):
    """Argon2id at its lowest cost, so thirty checks at once do not starve a shared 2-core machine
    (each still runs in C with the GIL released, in parallel); returns the hash of PASSWORD."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(account_services, "_DUMMY_HASH", None)
    return passwords.hash_password(PASSWORD)


@pytest.fixture
def password_checks(monkeypatch):
    """Counts Argon2 checks against each stored hash (the dummy check of unknown names included)."""
    counts = {}
    real = passwords.verify_password
    lock = threading.Lock()

    def counting(password_hash, password):
        with lock:
            counts[password_hash] = counts.get(password_hash, 0) + 1
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return counts


def test_thirty_parallel_wrong_passwords_lock_the_account(app, api, make_user, db, cheap_argon2,
                                                          password_checks, monkeypatch):
    """Thirty requests at once (threads, each with its own connection), then the right password:
    no token, the account locked, and at most 5 checks of its password. Throttling is off here so
    the lock alone is what holds."""
    monkeypatch.setattr(limiter, "enabled", False)
    user = make_user(username="omar", password_hash=cheap_argon2)
    user_hash = user.password_hash
    barrier = threading.Barrier(30)
    statuses = []

    def wrong_password():
        client = app.test_client()
        with app.app_context():
            barrier.wait()
            response = client.post("/api/v1/auth/token", json={"username": "omar", "password": "not-it-at-all"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=wrong_password) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [401] * 30
    right = api.post("/api/v1/auth/token", {"username": "omar", "password": PASSWORD})
    assert right.status_code == 401 and "token" not in right.get_json()
    assert password_checks[user_hash] <= 5
    db.session.refresh(user)
    assert user.locked_until is not None and user.locked_until > utcnow()
    outcomes = [row.outcome for row in login_rows(db)]
    assert outcomes.count("failure") == password_checks[user_hash]
    assert outcomes.count("locked") == 31 - password_checks[user_hash]


def test_unknown_known_locked_and_deactivated_names_get_the_same_answer(app, api, make_user, db,
                                                                        password_checks):
    make_user(username="known")
    make_user(username="locked", locked_until=utcnow().replace(year=utcnow().year + 1), failed_logins=5)
    make_user(username="gone", active=False)
    tries = {"unknown": ("nobody-here", "guess-guess"), "known": ("known", "guess-guess"),
             "locked, right password": ("locked", PASSWORD), "deactivated": ("gone", PASSWORD)}
    answers = {}
    for label, (username, password) in tries.items():
        response = api.post("/api/v1/auth/token", {"username": username, "password": password})
        answers[label] = (response.status_code, response.get_json(), sorted(response.headers.keys()))
    assert len({repr(answer) for answer in answers.values()}) == 1, answers
    assert answers["unknown"][0] == 401 and answers["unknown"][1]["error"]["code"] == "bad_credentials"
    # The same work, so the same time: one full-cost Argon2 check per try, against a dummy hash
    # when there is no hash to check or the account is locked. (Counted rather than timed: times on
    # a shared machine are noise.)
    assert sum(password_checks.values()) == 4


def test_page_login_answers_alike_for_unknown_and_locked_names(pages, make_user):
    make_user(username="locked", locked_until=utcnow().replace(year=utcnow().year + 1), failed_logins=5)
    browser = pages()
    token = browser.csrf("/login")
    answers = []
    for username, password in (("nobody-here", "guess-guess"), ("locked", PASSWORD)):
        response = browser.client.post("/login", data={"username": username, "password": password,
                                                       "csrf_token": token})
        page = response.get_data(as_text=True)
        answers.append((response.status_code, "Wrong username or password." in page, "locked" in page.lower()))
    assert answers[0] == answers[1] == (401, True, True)  # the help text explains locks to everyone


def test_failures_per_username_are_throttled_alike_known_or_not(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per 10 minutes")
    make_user(username="known")
    answers = {}
    for username in ("known", "nobody-here"):
        statuses = [api.post("/api/v1/auth/token", {"username": username, "password": "guess-guess"}).status_code
                    for _ in range(4)]
        assert statuses == [401, 401, 401, 429], username
        limited = api.post("/api/v1/auth/token", {"username": username, "password": "guess-guess"})
        answers[username] = limited.get_json()
        assert int(limited.headers["Retry-After"]) > 0
    assert answers["known"] == answers["nobody-here"]
    assert answers["known"]["error"]["code"] == "too_many_requests"
    assert set(answers["known"]["error"]) == {"code", "message", "fields"}
    # Another username from the same address is not held back by those.
    assert api.post("/api/v1/auth/token", {"username": "someone-else", "password": "x"}).status_code == 401


def test_failures_per_address_are_throttled_but_successes_never_count(app, api, pages, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "4 per 10 minutes")
    users = [make_user() for _ in range(3)]
    for _ in range(4):  # many good sign-ins from one address (a station, the test suite) are fine
        for user in users:
            assert api.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD}).status_code == 201
    for number in range(4):
        assert api.post("/api/v1/auth/token", {"username": f"name{number}", "password": "x"}).status_code == 401
    limited = api.post("/api/v1/auth/token", {"username": users[0].username, "password": PASSWORD})
    assert limited.status_code == 429
    # The login page shares the address's count.
    browser = pages()
    token = browser.csrf("/login")
    page = browser.client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
    assert page.status_code == 429 and "text/html" in page.content_type


def test_a_lock_holds_only_its_time(api, make_user, db):
    user = make_user(username="omar", locked_until=utcnow().replace(year=2000), failed_logins=5)
    assert api.post("/api/v1/auth/token", {"username": "omar", "password": PASSWORD}).status_code == 201
    db.session.refresh(user)
    assert (user.failed_logins, user.locked_until) == (0, None)


@pytest.mark.parametrize("next_param", ["%2F%5Cevil.example", "https://evil.example/", "javascript:alert(1)",
                                        "%2F%2Fevil.example", "%2F%2F%2Fevil.example"])
def test_login_sends_only_to_this_sites_paths(pages, make_user, next_param):
    user = make_user()
    browser = pages()
    token = browser.csrf("/login")
    response = browser.client.post(f"/login?next={next_param}", data={
        "username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("next_param", ["%2F%09%2Fevil.example", "%2F%0D%0ASet-Cookie:%20x=1", "%2F%0Aevil",
                                        "%09%2F%2Fevil.example"])
def test_a_next_with_control_characters_is_refused_and_redirects_nowhere(pages, make_user, next_param):
    """Tabs and line breaks in ``next=`` (browsers drop them, making ``/\t/evil`` into ``//evil``) are
    refused before the login runs (fieldapp.inputs): no redirect, no session."""
    user = make_user()
    browser = pages()
    token = browser.csrf("/login")
    response = browser.client.post(f"/login?next={next_param}", data={
        "username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 422 and "Location" not in response.headers
    assert "next" in response.get_data(as_text=True)


def test_login_keeps_a_path_of_this_site(pages, make_user):
    user = make_user("dispatcher")
    browser = pages()
    token = browser.csrf("/login")
    response = browser.client.post("/login?next=%2Fboard%3Funit%3D3", data={
        "username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/board?unit=3"


def test_a_failed_login_sent_with_a_bearer_token_is_audited_under_the_name_tried(api, make_user, db):
    bearer, victim = make_user("admin"), make_user(username="victim")
    headers = api.headers(bearer)
    for username in ("victim", "nobody-here"):
        response = api.client.post("/api/v1/auth/token", json={"username": username, "password": "wrong-one"},
                                   headers=headers)
        assert response.status_code == 401
    failures = [row for row in login_rows(db) if row.outcome == "failure"]
    assert [(row.user_id, row.username) for row in failures] == [(victim.id, "victim"), (None, "nobody-here")]


def test_the_login_page_shows_the_system_use_banner(app, client, monkeypatch):
    page = client.get("/login").get_data(as_text=True)
    assert "monitored" in page and "authorized users" in page
    monkeypatch.setitem(app.config, "LOGIN_BANNER", "Agency notice: official use only.")
    assert "Agency notice: official use only." in client.get("/login").get_data(as_text=True)


def test_settings_for_the_second_factor_and_the_banner(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("MFA_REQUIRED_ROLES", raising=False)
    monkeypatch.delenv("LOGIN_BANNER", raising=False)
    monkeypatch.setenv("FIELDAPP_ENV", "production")
    production = settings.from_environment(str(tmp_path))
    assert production["MFA_REQUIRED_ROLES"] == ROLES
    assert "monitored" in production["LOGIN_BANNER"]
    monkeypatch.setenv("FIELDAPP_ENV", "development")
    assert settings.from_environment(str(tmp_path))["MFA_REQUIRED_ROLES"] == ()
    monkeypatch.setenv("MFA_REQUIRED_ROLES", " admin, dispatcher ")
    assert settings.from_environment(str(tmp_path))["MFA_REQUIRED_ROLES"] == ("admin", "dispatcher")
    monkeypatch.setenv("MFA_REQUIRED_ROLES", "")
    monkeypatch.setenv("FIELDAPP_ENV", "production")
    assert settings.from_environment(str(tmp_path))["MFA_REQUIRED_ROLES"] == ()
    monkeypatch.setenv("MFA_REQUIRED_ROLES", "admin,sheriff")
    with pytest.raises(settings.ConfigError, match="sheriff"):
        settings.from_environment(str(tmp_path))
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("MFA_REQUIRED_ROLES", "admin")
    monkeypatch.setenv("LOGIN_LIMIT_PER_ACCOUNT", "3 per 5 minutes")
    environment = settings.from_environment(str(tmp_path))
    assert environment["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/1"
    assert environment["LOGIN_LIMIT_PER_ACCOUNT"] == "3 per 5 minutes"
    monkeypatch.setenv("LOGIN_LIMIT_PER_ACCOUNT", "lots")
    with pytest.raises(settings.ConfigError, match="LOGIN_LIMIT_PER_ACCOUNT"):
        settings.from_environment(str(tmp_path))


def parallel_sign_ins(app, username, count=30):
    """``count`` wrong-password sign-ins for ``username`` at once (threads, each with its own
    connection); their answers as (status, body)."""
    barrier, answers = threading.Barrier(count), []

    def attempt():
        client = app.test_client()
        with app.app_context():
            barrier.wait()
            response = client.post("/api/v1/auth/token", json={"username": username, "password": "not-it-at-all"})
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_thirty_concurrent_failures_past_the_limit_count_only_the_checked_ones_known_or_locked_or_not(
        app, api, make_user, db, cheap_argon2, password_checks):
    """Issue 22, defect 4: the per-account throttle reserves before the check, so 30 failures at once
    are 10 checks (the limit) and 20 answers of 429 with no check, and its counter says 10; a real
    account (locked after its 5th failure) and an unknown name answer exactly alike throughout."""
    from fieldapp.accounts.throttle import failures_counted

    user = make_user(username="omar", password_hash=cheap_argon2)
    answers = {}
    for username in ("omar", "nobody-here"):
        before = sum(password_checks.values())
        answers[username] = sorted(parallel_sign_ins(app, username), key=repr)
        checked = sum(password_checks.values()) - before
        assert checked == 10 == failures_counted(username), username  # the counter equals what was checked
    assert [status for status, _ in answers["omar"]] == [401] * 10 + [429] * 20
    assert answers["omar"] == answers["nobody-here"]  # same statuses, codes and messages
    assert password_checks[user.password_hash] <= 5  # the lock held the real password checks to 5
    db.session.refresh(user)
    assert user.locked_until is not None
    # Afterwards, the locked account and the unknown name get the same answer and headers.
    later = {}
    for username, password in (("omar", PASSWORD), ("nobody-here", PASSWORD)):
        response = api.post("/api/v1/auth/token", {"username": username, "password": password})
        later[username] = (response.status_code, response.get_json(), sorted(response.headers.keys()))
    assert later["omar"] == later["nobody-here"]
    assert later["omar"][0] == 429 and later["omar"][1]["error"]["code"] == "too_many_requests"
    assert failures_counted("omar") == failures_counted("nobody-here") == 10


def test_with_the_shared_count_unreachable_each_process_still_counts(app, api, monkeypatch):
    """Redis gone (REDIS_URL set): sign-in still works and the per-username limit still holds, counted in
    this process meanwhile."""
    from fieldapp.accounts import throttle

    class Unreachable:
        def hit(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

        get_window_stats = hit

    monkeypatch.setattr(type(limiter), "limiter", property(lambda self: Unreachable()))
    monkeypatch.setattr(throttle, "_FALLBACK", throttle.FixedWindowRateLimiter(throttle.MemoryStorage()))
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per 10 minutes")
    statuses = [api.post("/api/v1/auth/token", {"username": "nobody-here", "password": "guess-guess"}).status_code
                for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
