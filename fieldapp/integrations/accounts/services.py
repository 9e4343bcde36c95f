"""Integration account rules: creating one (the key shown once), rotating, revoking, authenticating.

Integration accounts sit beside users, never among them: they have no role of a person, they reach
only the endpoints declared for their kind (``fieldapp.web.access.allow_integration``),
and what they do is audited under the name ``integration:<name>``.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.directory.models import Organization
from fieldapp.errors import Conflict, Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.integrations.accounts.models import IntegrationAccount
from fieldapp.integrations.webhooks.urls import check_webhook_url
from fieldapp.roles import INTEGRATION_ACTIONS, INTEGRATION_KINDS, PARTNER, WEBHOOK_KINDS

KINDS, ACTIONS = INTEGRATION_KINDS, INTEGRATION_ACTIONS
KEY_PREFIX = "fa_int_"
_KEY_ID_LENGTH = 12


@dataclass(frozen=True)
class IntegrationActor:
    """Who did it, for services that take ``by=``: an integration has no user id."""

    integration_id: int
    name: str
    kind: str
    organization_id: object = None
    id: None = None

    @property
    def username(self) -> str:
        return f"integration:{self.name}"

    @property
    def role(self) -> str:
        return f"integration:{self.kind}"


def actor(account: IntegrationAccount) -> IntegrationActor:
    return IntegrationActor(account.id, account.name, account.kind, account.organization_id)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_key() -> tuple[str, str, str]:
    key_id = secrets.token_hex(_KEY_ID_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}{key_id}_{secret}", key_id, _hash(secret)


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def list_accounts() -> list[IntegrationAccount]:
    return db.session.scalars(select(IntegrationAccount).order_by(IntegrationAccount.name)).all()


def get_account(account_id) -> IntegrationAccount:
    account = db.session.get(IntegrationAccount, account_id) if isinstance(account_id, int) else None
    if account is None:
        raise NotFound(_("No such integration account."))
    return account


def _check(kind, actions, organization_id, webhook_url):
    problems = {}
    if kind not in KINDS:
        problems["kind"] = [_("One of: %(kinds)s.", kinds=", ".join(KINDS))]
        raise Invalid(_("Choose the kind of integration."), fields=problems)
    unknown = set(actions) - set(ACTIONS[kind])
    if unknown or not actions:
        problems["actions"] = [_("Choose from: %(actions)s.", actions=", ".join(ACTIONS[kind]))]
    if kind == PARTNER:
        if organization_id is None or db.session.get(Organization, organization_id) is None:
            problems["organization_id"] = [_("A partner account belongs to an organization of the directory.")]
        if webhook_url:
            problems["webhook_url"] = [_("Only CAD and 988 crisis line accounts receive webhooks.")]
    elif organization_id is not None:
        problems["organization_id"] = [_("Only partner accounts belong to an organization.")]
    if webhook_url:
        message = check_webhook_url(webhook_url)
        if message:
            problems["webhook_url"] = [message]
    if problems:
        raise Invalid(_("Some fields are not valid."), fields=problems)


def create_account(*, name: str, kind: str, actions=None, organization_id=None, webhook_url=None,
                   by) -> tuple[IntegrationAccount, str, str | None]:
    """Returns (account, key, webhook secret): the key and the secret are shown this once."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Name the integration."), fields={"name": [_("A name is required.")]})
    actions = sorted(set(actions or ACTIONS.get(kind, ())))
    webhook_url = (webhook_url or "").strip() or None
    _check(kind, actions, organization_id, webhook_url)
    if db.session.scalar(select(IntegrationAccount.id).where(IntegrationAccount.name == name)):
        raise Conflict(_("That name is taken."), fields={"name": [_("That name is taken.")]})
    key, key_id, key_hash = _new_key()
    secret = new_webhook_secret() if kind in WEBHOOK_KINDS else None
    account = IntegrationAccount(name=name, kind=kind, actions=actions, organization_id=organization_id,
                                 webhook_url=webhook_url, webhook_secret=secret, key_id=key_id,
                                 key_hash=key_hash, created_by_id=getattr(by, "id", None))
    db.session.add(account)
    db.session.flush()
    audit.record("integration.create", obj=account, user=by, details={
        "name": name, "kind": kind, "actions": actions, "webhook_url": webhook_url,
        "organization_id": str(organization_id) if organization_id else None})
    db.session.commit()
    return account, key, secret


def rotate_key(account_id, *, by) -> tuple[IntegrationAccount, str]:
    """A new key, shown once; the old one stops working at once."""
    account = get_account(account_id)
    if not account.active:
        raise Conflict(_("A revoked integration gets no new key; create a new integration."))
    key, account.key_id, account.key_hash = _new_key()
    account.key_rotated_at = utcnow()
    audit.record("integration.rotate_key", obj=account, user=by, details={"name": account.name})
    db.session.commit()
    return account, key


def set_webhook(account_id, webhook_url: str | None, *, by) -> IntegrationAccount:
    account = get_account(account_id)
    webhook_url = (webhook_url or "").strip() or None
    _check(account.kind, account.actions, account.organization_id, webhook_url)
    account.webhook_url = webhook_url
    audit.record("integration.webhook", obj=account, user=by, details={"webhook_url": webhook_url})
    db.session.commit()
    return account


def revoke(account_id, *, by) -> IntegrationAccount:
    account = get_account(account_id)
    if account.active:
        account.revoked_at = utcnow()
        audit.record("integration.revoke", obj=account, user=by, details={"name": account.name})
        db.session.commit()
    return account


def authenticate(key: str | None) -> IntegrationAccount | None:
    """The active account whose key this is, or None. Constant-time on the secret."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    key_id, sep, secret = key[len(KEY_PREFIX):].partition("_")
    if not sep or len(key_id) != _KEY_ID_LENGTH or not secret or len(secret) > 100:
        return None
    account = db.session.scalar(select(IntegrationAccount).where(IntegrationAccount.key_id == key_id))
    if account is None or not hmac.compare_digest(account.key_hash, _hash(secret)):
        return None
    return account if account.active else None
