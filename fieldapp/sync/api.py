from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint

from fieldapp.errors import Invalid
from fieldapp.roles import CLINICIAN, OFFICER
from fieldapp.sync import services
from fieldapp.sync.schemas import SyncRequestSchema, SyncResponseSchema
from fieldapp.web.access import allow

blp = Blueprint("api_sync", __name__, url_prefix="/api/v1", description="Batch sync of the device's outbox")


@blp.route("/sync", methods=["POST"])
@blp.arguments(SyncRequestSchema)
@blp.response(200, SyncResponseSchema)
@allow(OFFICER, CLINICIAN)
def sync(data):
    """Send what waits in the outbox, in order: up to the server's batch size of records (the
    ``SYNC_BATCH`` setting, 100 by default, which ``GET /session/csrf`` reports as ``sync_batch``),
    each the field form's address and fields as the device saved them (the form's device-made ``id``
    makes a resend a replay).

    Each record is saved alone by the same service as its page (the batch is one transaction, each
    record's share undone alone when it does not land), and gets its own result in the same order:
    ``stored`` (201), ``replayed`` (200: the same id and body arrived before), ``refused`` (4xx with
    the one error shape: set it aside, send the rest) or ``failed`` (a server error: send that record
    again later). The request itself is 200 whenever it is valid;
    a 5xx for the request means nothing of the batch was saved.
    """
    size = current_app.config["SYNC_BATCH"]
    if len(data["records"]) > size:
        raise Invalid(_("At most %(size)s records per request.", size=size),
                      fields={"records": [_("Longer than %(size)s.", size=size)]})
    return {"results": services.sync(data["records"])}
