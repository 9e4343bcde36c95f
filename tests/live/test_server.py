"""The async live process (fieldapp.live.server): the app's own sign-in rules, per-audience
delivery with the payload, resume after Last-Event-ID, and streams ended by revocation."""

import asyncio
import uuid

import pytest
from aiohttp.test_utils import TestClient, TestServer

from fieldapp.live.server import create_server
from tests.live.sse import Stream


@pytest.fixture
def live(app, db):
    """Runs ``scenario(client)`` against the live process serving the test app."""
    from fieldapp.live import services

    hub = app.extensions["fieldapp_live"]
    if hub.sequencer is not None:  # SQLite hands out ids again once the test tables are emptied
        hub.sequencer.last_id = services.latest_id()
    db.session.remove()

    def run(scenario):
        async def main():
            async with TestClient(TestServer(create_server(app))) as client:
                return await scenario(client)
        return asyncio.run(main())
    return run


def bearer(api, user):
    return {"Authorization": f"Bearer {api.token(user)}"}


def test_each_device_gets_its_units_events_live_with_the_payload(api, live, dispatcher, new_call, shift,
                                                                   other_shift):
    call, marker = new_call(), new_call()
    headers = {user: bearer(api, user) for user in (shift.officer, other_shift.officer, dispatcher)}

    async def scenario(client):
        crew = Stream(await client.get("/events", headers=headers[shift.officer]))
        other = Stream(await client.get("/events", headers=headers[other_shift.officer]))
        board = Stream(await client.get("/events", headers=headers[dispatcher]))
        assert crew.response.status == 200 and crew.response.content_type == "text/event-stream"
        for stream in (crew, other, board):
            assert (await stream.frame())[0] == "hello"
        response = await asyncio.to_thread(api.post, f"/api/v1/calls/{call['id']}/assign",
                                           {"unit_id": shift.unit_id}, user=dispatcher)
        assert response.status_code == 200
        [(_, event_id, data)] = await crew.calls(1)
        assert (data["type"], data["call_id"], data["status"]) == ("call.assigned", call["id"], "assigned")
        assert (await board.calls(1))[0][1] == event_id
        # Another unit hears nothing: the first event that reaches it is the next one made for it (a
        # stream delivers in commit order, so the first would have come before it).
        await asyncio.to_thread(api.post, f"/api/v1/calls/{marker['id']}/assign", {"unit_id": other_shift.unit_id},
                                user=dispatcher)
        assert [frame[2]["call_id"] for frame in await other.calls(1)] == [marker["id"]]
        return event_id

    live(scenario)


def test_a_device_resumes_after_last_event_id_and_a_new_one_starts_from_now(api, live, dispatcher, new_call,
                                                                            shift):
    first, second, third = new_call(), new_call(), new_call()
    api.post(f"/api/v1/calls/{first['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    headers = bearer(api, shift.clinician)

    async def scenario(client):
        everything = Stream(await client.get("/events", headers={**headers, "Last-Event-ID": "0"}))
        await everything.frame()
        [(_, seen, data)] = await everything.calls(1)
        assert data["call_id"] == first["id"]
        everything.response.close()
        await asyncio.to_thread(api.post, f"/api/v1/calls/{second['id']}/assign", {"unit_id": shift.unit_id},
                                user=dispatcher)
        resumed = Stream(await client.get("/events", headers={**headers, "Last-Event-ID": seen}))
        assert (await resumed.frame())[0] == "hello"
        assert [f[2]["call_id"] for f in await resumed.calls(1)] == [second["id"]]
        fresh = Stream(await client.get("/events", headers=headers))
        assert (await fresh.frame())[0] == "hello"
        # No history for a device that never connected: the first event it gets is the next one made.
        await asyncio.to_thread(api.post, f"/api/v1/calls/{third['id']}/assign", {"unit_id": shift.unit_id},
                                user=dispatcher)
        assert [f[2]["call_id"] for f in await fresh.calls(1)] == [third["id"]]

    live(scenario)


def test_the_stream_uses_the_apps_session_rules(app, api, pages, live, make_user, shift):
    manager = make_user("program_manager")
    cookie = pages(shift.officer).client.get_cookie("fieldapp_session").value
    manager_headers = bearer(api, manager)

    async def scenario(client):
        anonymous = await client.get("/events")
        assert anonymous.status == 401
        assert (await anonymous.json())["error"]["code"] == "unauthorized"
        wrong_role = await client.get("/events", headers=manager_headers)
        assert wrong_role.status == 403 and (await wrong_role.json())["error"]["code"] == "forbidden"
        forged = await client.get("/events", headers={"Authorization": "Bearer " + uuid.uuid4().hex})
        assert forged.status == 401
        signed_in = await client.get("/events", headers={"Cookie": f"fieldapp_session={cookie}"})
        assert signed_in.status == 200  # the page's cookie session works as well as a token
        signed_in.close()

    live(scenario)


@pytest.fixture
def checked_often(app, monkeypatch):
    monkeypatch.setitem(app.config, "LIVE_AUTH_CHECK_SECONDS", 0.2)
    monkeypatch.setitem(app.config, "LIVE_ASYNC_HEARTBEAT_SECONDS", 0.1)


def idle_for(minutes):
    """A change to the token's session: its last activity ``minutes`` ago."""
    from datetime import timedelta

    from fieldapp.clock import utcnow

    def change(row):
        row.last_seen_at = utcnow() - timedelta(minutes=minutes)
    return change


def ended(row):
    from fieldapp.clock import utcnow

    row.revoked_at = utcnow()


@pytest.mark.parametrize("change,code", [(ended, "unauthorized"), (idle_for(29 + 59 / 60), "session_locked")],
                         ids=["revoked", "idle"])
def test_a_revoked_or_locked_session_ends_its_open_stream(app, api, live, shift, checked_often, change, code):
    """Revoked, or idle: the stream's own re-checks are background and do not hold off the idle
    lock (29:59 idle locks a second later). The device gets 401 on reconnecting."""
    from fieldapp.accounts import services as accounts
    from fieldapp.extensions import db

    headers = bearer(api, shift.officer)
    token = api.token(shift.officer)

    async def scenario(client):
        stream = Stream(await client.get("/events", headers=headers))
        assert (await stream.frame())[0] == "hello"

        def apply():
            with app.app_context():
                change(accounts.session_row(token))
                db.session.commit()
        await asyncio.to_thread(apply)
        assert await stream.frame(timeout=5) is None  # the server closed it
        again = await client.get("/events", headers=headers)
        assert again.status == 401 and (await again.json())["error"]["code"] == code

    live(scenario)
