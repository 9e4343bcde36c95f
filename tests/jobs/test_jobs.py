"""The job queue: RQ on a real Redis (database 2 of the test machine's Redis), and the in-process
fallback of the embedded demo."""


from sqlalchemy import select

from fieldapp.calls.models import Call
from fieldapp.extensions import db as _db
from fieldapp.integrations.webhooks import services as webhooks
from fieldapp.integrations.webhooks.models import WebhookDelivery
from fieldapp.jobs import queue as jobs
from fieldapp.metrics import jobs as metrics_jobs
from fieldapp.units.models import Unit
from tests.fixtures.integrations import Receiver, bearer, cad_account, eido_sample

ran = []


def remember(value):
    """A job for these tests."""
    ran.append(value)
    return value


def test_the_rq_worker_command_sends_a_webhook_enqueued_in_redis(app, client, api, db, dispatcher, shift,
                                                                 rq_backend, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_INSECURE_URLS", True)
    hook = Receiver()
    try:
        account, key, hook.secret = cad_account(webhook_url=hook.url)
        client.post("/api/v1/cad/eido", json=eido_sample("sample-eido-2020.json"), headers=bearer(key))
        call = db.session.scalars(select(Call)).one()
        api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
        # waiting in Redis, not sent in the request (with the job that sums the metrics' month and week)
        assert sorted(job.args[0] for job in rq_backend.queue.jobs) == [webhooks.JOB, metrics_jobs.JOB]
        assert hook.received == []

        result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
        assert result.exit_code == 0, result.output
        assert rq_backend.queue.count == 0
        assert [headers["X-Fieldapp-Event"] for headers, _, _ in hook.received] == ["call.assigned"]
        assert hook.verified(*hook.received[0][:2])
        db.session.expire_all()
        assert db.session.scalars(select(WebhookDelivery.status)).all() == ["delivered"]
    finally:
        hook.close()


def test_a_waiting_job_is_not_enqueued_twice_in_redis(app, db, rq_backend):
    jobs.enqueue("tests.jobs.test_jobs.remember", 1, dedupe="same")
    jobs.enqueue("tests.jobs.test_jobs.remember", 1, dedupe="same")
    assert rq_backend.queue.count == 1


def test_the_worker_command_needs_redis(app, db):
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_without_redis_jobs_run_in_a_thread_after_commit_and_never_after_rollback(app, db):
    ran.clear()
    _db.session.add(Unit(call_sign="CR-9"))
    jobs.enqueue_after_commit("tests.jobs.test_jobs.remember", "rolled back")
    _db.session.flush()
    _db.session.rollback()
    _db.session.add(Unit(call_sign="CR-9"))
    _db.session.flush()
    jobs.enqueue_after_commit("tests.jobs.test_jobs.remember", "committed")
    assert app.extensions["fieldapp_jobs"].wait_idle(5) and ran == []  # nothing before the commit
    _db.session.commit()
    assert app.extensions["fieldapp_jobs"].wait_idle(5)
    assert ran == ["committed"]


def test_the_thread_runs_what_was_enqueued_before_finish_and_starts_again_after(app, db):
    """seed-demo finishes its jobs and stops the thread before it exits; a later job starts it again."""
    ran.clear()
    backend = app.extensions["fieldapp_jobs"]
    jobs.enqueue("tests.jobs.test_jobs.remember", "before")
    assert backend.finish(5) and ran == ["before"] and not backend.thread.is_alive()
    jobs.enqueue("tests.jobs.test_jobs.remember", "after")
    assert backend.wait_idle(5) and ran == ["before", "after"]
