"""Web Push: the key browsers subscribe with, and a device's subscription to call alerts."""

from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.accounts import services as accounts
from fieldapp.errors import ErrorSchema
from fieldapp.push import services
from fieldapp.push.schemas import EndpointSchema, PublicKeySchema, SubscriptionOutSchema, SubscriptionSchema
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.web.access import ANY_ROLE, allow

blp = Blueprint("api_push", __name__, url_prefix="/api/v1", description="Web Push call alerts")
OFF = "Push is off on this server (no VAPID_PRIVATE_KEY): error code push_off."


@blp.route("/push/public-key", methods=["GET"])
@blp.response(200, PublicKeySchema)
@blp.alt_response(404, schema=ErrorSchema, description=OFF)
@allow(ANY_ROLE)
def public_key():
    """The VAPID public key to subscribe with (``applicationServerKey``); 404 ``push_off`` when push
    is not configured, so a page can leave its "Get call alerts" button out."""
    return {"public_key": services.public_key()}


@blp.route("/me/push-subscriptions", methods=["POST"])
@blp.arguments(SubscriptionSchema)
@blp.response(201, SubscriptionOutSchema, description="A new subscription of this device.")
@blp.alt_response(200, schema=SubscriptionOutSchema, description="This endpoint was already subscribed "
                  "for you: its keys are updated, no second subscription is made.")
@blp.alt_response(404, schema=ErrorSchema, description=OFF)
@allow(OFFICER, CLINICIAN, DISPATCHER, ADMIN)
def subscribe(data):
    """Receive call alerts on this device: send ``PushSubscription.toJSON()``.

    The crew on shift for a unit get a notification when a call is assigned to the unit, and when
    one of its calls is reassigned away or cancelled. Dispatchers and admins (the supervisors) get one
    when a call passes its response target with no unit on scene. The endpoint must be ``https`` on a public
    address (422 naming ``endpoint`` otherwise). The subscription ends when you sign out of this
    session, and when your account is deactivated or its role or password changes."""
    row = accounts.session_row(current_user.get_id())
    subscription, created = services.subscribe(current_user, data, session_id=row.id if row else None)
    return subscription, 201 if created else 200


@blp.route("/me/push-subscriptions", methods=["DELETE"])
@blp.arguments(EndpointSchema)
@blp.response(204)
@allow(ANY_ROLE)
def unsubscribe(data):
    """Stop call alerts on the device with this endpoint (204 also when it was not subscribed)."""
    services.unsubscribe(current_user, data["endpoint"])
