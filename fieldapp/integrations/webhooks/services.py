"""Deliveries to CAD (and to 988 centers, ``add_delivery``): a row per message, written with the
change; sent in order per call.

``call_changed`` is connected to ``calls.fanout`` (``fieldapp.wiring``). The job
(``jobs.deliver_stream``) sends the deliveries of one (integration, call) oldest first and stops at
the first that fails: a call's later message never overtakes an earlier one. A failed attempt waits
(5 s, 10 s, 20 s, ... at most an hour) and the worker's sweep enqueues it again when due; after
``WEBHOOK_MAX_ATTEMPTS`` it is ``failed`` until an admin retries it.
"""

import json
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from fieldapp import uow
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import NotFound
from fieldapp.extensions import db
from fieldapp.integrations.accounts.models import IntegrationAccount
from fieldapp.integrations.eido.models import EidoIncident
from fieldapp.integrations.webhooks import sender
from fieldapp.integrations.webhooks.models import DELIVERED, FAILED, PENDING, WebhookDelivery
from fieldapp.integrations.webhooks.payloads import call_payload
from fieldapp.jobs import queue as jobs

# Which changes go back to CAD: assignment, each status step (with the disposition when cleared),
# cancellation, and each encounter's APCO disposition code.
EVENTS = ("call.assigned", "call.status", "call.cancelled", "encounter.outcome")
JOB = "fieldapp.integrations.webhooks.jobs.deliver_stream"
LEASE = timedelta(minutes=2)


def _targets(call) -> list[IntegrationAccount]:
    """The CAD that sent the call; for a call with a CAD id typed in by hand, every CAD with a URL.
    Without any CAD with a URL there is nothing to look up. In a batch of records the CADs are read
    once, and a call's sender once per call (``uow.memo``; a revoked account gets nothing anyway:
    the sender checks again)."""
    if not call.external_id:
        return []
    accounts = uow.memo(("webhooks", "cad_accounts"), _cad_accounts)
    if not accounts:
        return []
    owner = uow.memo(("webhooks", "owner", call.id), lambda: db.session.scalar(
        select(EidoIncident.integration_id).where(EidoIncident.call_id == call.id)))
    return [account for account in accounts if owner is None or account.id == owner]


def _cad_accounts() -> list[IntegrationAccount]:
    return db.session.scalars(select(IntegrationAccount).where(
        IntegrationAccount.kind == "cad", IntegrationAccount.revoked_at.is_(None),
        IntegrationAccount.webhook_url.is_not(None)).order_by(IntegrationAccount.id)).all()


def call_changed(event: str, call, *, unit_id=None, encounter=None) -> None:
    """Add a delivery per CAD integration to the current unit of work; the job runs after commit
    (a channel of ``calls.fanout``: the ``EVENTS`` below)."""
    if event not in EVENTS:
        return
    for account in _targets(call):
        add_delivery(account, call, event, call_payload(event, call, encounter=encounter))


def add_delivery(account: IntegrationAccount, call, event: str, payload: dict) -> None:
    """A message owed to ``account`` about ``call``, in the current unit of work; sent after commit
    (CAD deliveries above, and the 988 centers' of ``integrations.crisisline.status``)."""
    db.session.add(WebhookDelivery(integration_id=account.id, call_id=call.id, event=event, payload=payload))
    jobs.enqueue_after_commit(JOB, account.id, call.id, dedupe=f"webhook:{account.id}:{call.id}")


def _claim_head(integration_id, call_id) -> WebhookDelivery | None:
    """The oldest undelivered message of the stream, if it is due and no other worker holds it."""
    now = utcnow()
    head = db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.integration_id == integration_id, WebhookDelivery.call_id == call_id,
        WebhookDelivery.status != DELIVERED).order_by(WebhookDelivery.id).limit(1))
    if head is None or head.status != PENDING or head.next_attempt_at > now:
        return None
    claimed = db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.id == head.id, WebhookDelivery.status == PENDING,
        or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
    ).values(locked_until=now + LEASE)).rowcount
    db.session.commit()
    return head if claimed == 1 else None


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 5 * 2 ** (attempts - 1)))


def attempt(delivery: WebhookDelivery) -> bool:
    """Send one delivery and record the outcome. True when the receiver took it."""
    account = delivery.integration
    body = json.dumps({"deliveryId": delivery.id, **delivery.payload}, separators=(",", ":")).encode()
    if not account.active or not account.webhook_url:
        result = sender.Result(False, error="the integration is revoked or has no webhook URL")
    else:
        result = sender.send(account.webhook_url, account.webhook_secret, body,
                             {"X-Fieldapp-Event": delivery.event, "X-Fieldapp-Delivery": str(delivery.id)},
                             timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = result.status_code
    delivery.locked_until = None
    if result.ok:
        delivery.status, delivery.delivered_at, delivery.last_error = DELIVERED, now, None
    else:
        delivery.last_error = result.error
        if delivery.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"] or not account.active:
            delivery.status = FAILED
        else:
            delivery.next_attempt_at = now + _backoff(delivery.attempts)
    db.session.commit()
    return result.ok


def deliver_stream(integration_id: int, call_id: int, *, limit: int = 100) -> int:
    """Send what is due for one (integration, call), oldest first. Returns how many were delivered."""
    sent = 0
    for _attempt in range(limit):
        delivery = _claim_head(integration_id, call_id)
        if delivery is None or not attempt(delivery):
            break
        sent += 1
    return sent


def due_streams(limit: int = 500) -> list[tuple[int, int]]:
    now = utcnow()
    rows = db.session.execute(select(WebhookDelivery.integration_id, WebhookDelivery.call_id).where(
        WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
    ).distinct().limit(limit)).all()
    return [tuple(row) for row in rows]


# --- for admins ----------------------------------------------------------------------------

def list_deliveries(*, integration_id=None, status=None, limit=200) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if integration_id is not None:
        query = query.where(WebhookDelivery.integration_id == integration_id)
    if status:
        query = query.where(WebhookDelivery.status == status)
    return db.session.scalars(query).all()


def counts(integration_id) -> dict:
    rows = db.session.execute(select(WebhookDelivery.status, db.func.count()).where(
        WebhookDelivery.integration_id == integration_id).group_by(WebhookDelivery.status)).all()
    return {PENDING: 0, FAILED: 0, DELIVERED: 0, **dict(rows)}


def retry_now(delivery_id, *, by) -> WebhookDelivery:
    """Make a pending or failed delivery due now, with a fresh count of attempts."""
    delivery = db.session.get(WebhookDelivery, delivery_id) if isinstance(delivery_id, int) else None
    if delivery is None:
        raise NotFound(_("No such delivery."))
    if delivery.status != DELIVERED:
        delivery.status, delivery.attempts, delivery.next_attempt_at = PENDING, 0, utcnow()
        audit.record("integration.webhook_retry", obj=delivery, user=by,
                     details={"integration_id": delivery.integration_id, "call_id": delivery.call_id})
        jobs.enqueue_after_commit(JOB, delivery.integration_id, delivery.call_id,
                                  dedupe=f"webhook:{delivery.integration_id}:{delivery.call_id}")
        db.session.commit()
    return delivery
