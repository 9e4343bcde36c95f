"""Admins' API for integration accounts and their webhook deliveries."""

from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.integrations.accounts import services
from fieldapp.integrations.accounts.schemas import (
    DeliveryQuerySchema,
    DeliverySchema,
    IntegrationCreatedSchema,
    IntegrationCreateSchema,
    IntegrationSchema,
    WebhookUrlSchema,
)
from fieldapp.integrations.webhooks import services as webhooks
from fieldapp.roles import ADMIN
from fieldapp.web.access import allow

blp = Blueprint("api_integrations", __name__, url_prefix="/api/v1/integrations",
                description="Integration accounts (CAD systems, partner organizations); admins only")


def _with_secrets(account, key, secret=None):
    shown = {name: getattr(account, name) for name in IntegrationSchema().fields}
    return {**shown, "key": key, "webhook_secret": secret}


@blp.route("", methods=["GET"])
@blp.response(200, IntegrationSchema(many=True))
@allow(ADMIN)
def list_integrations():
    return services.list_accounts()


@blp.route("", methods=["POST"])
@blp.arguments(IntegrationCreateSchema)
@blp.response(201, IntegrationCreatedSchema)
@allow(ADMIN)
def create_integration(data):
    """Create an account. The answer carries the key (and a CAD's webhook secret) this once."""
    account, key, secret = services.create_account(by=current_user, **data)
    return _with_secrets(account, key, secret)


@blp.route("/<int:account_id>/rotate", methods=["POST"])
@blp.response(200, IntegrationCreatedSchema)
@allow(ADMIN)
def rotate_key(account_id):
    """A new key, shown this once; the old one stops working at once."""
    account, key = services.rotate_key(account_id, by=current_user)
    return _with_secrets(account, key)


@blp.route("/<int:account_id>/revoke", methods=["POST"])
@blp.response(200, IntegrationSchema)
@allow(ADMIN)
def revoke(account_id):
    return services.revoke(account_id, by=current_user)


@blp.route("/<int:account_id>/webhook", methods=["PUT"])
@blp.arguments(WebhookUrlSchema)
@blp.response(200, IntegrationSchema)
@allow(ADMIN)
def set_webhook(data, account_id):
    return services.set_webhook(account_id, data["webhook_url"], by=current_user)


@blp.route("/<int:account_id>/deliveries", methods=["GET"])
@blp.arguments(DeliveryQuerySchema, location="query")
@blp.response(200, DeliverySchema(many=True))
@allow(ADMIN)
def deliveries(query, account_id):
    """Webhook deliveries of the account, newest first: pending, failed (with the last error), delivered."""
    services.get_account(account_id)
    return webhooks.list_deliveries(integration_id=account_id, status=query.get("status"))


@blp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
@blp.response(200, DeliverySchema)
@allow(ADMIN)
def retry_delivery(delivery_id):
    """Send a pending or failed delivery now (after the earlier ones of its call)."""
    return webhooks.retry_now(delivery_id, by=current_user)
