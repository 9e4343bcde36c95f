"""The key a user's devices seal their outbox and offline pages with (static/js/vault.js)."""

import base64
import threading
from concurrent.futures import ThreadPoolExecutor

from fieldapp.offline.models import DeviceStorageKey


def test_each_user_gets_one_key_of_their_own_kept_from_one_sign_in_to_the_next(pages, make_user, db):
    officer, clinician = make_user("officer"), make_user("clinician")
    first = pages(officer).get("/session/storage-key")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    body = first.get_json()
    assert body["username"] == officer.username and len(base64.b64decode(body["key"])) == 32
    assert pages(officer).get("/session/storage-key").get_json()["key"] == body["key"]  # a new session, the same key
    other = pages(clinician).get("/session/storage-key").get_json()
    assert other["username"] == clinician.username and other["key"] != body["key"]
    assert db.session.get(DeviceStorageKey, officer.id).key == base64.b64decode(body["key"])


def test_a_signed_out_script_gets_401_and_no_key(client, db):
    response = client.get("/session/storage-key")
    assert response.status_code == 401 and "key" not in response.get_data(as_text=True)
    assert db.session.query(DeviceStorageKey).count() == 0


def test_twenty_first_asks_at_once_make_one_key(app, pages, make_user, db):
    officer = make_user("officer")
    clients = [pages(officer) for _ in range(20)]
    barrier = threading.Barrier(20)

    def ask(client):
        with app.app_context():
            barrier.wait()
            return client.get("/session/storage-key")

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, clients))
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_json()["key"] for a in answers}) == 1
    assert db.session.query(DeviceStorageKey).count() == 1
