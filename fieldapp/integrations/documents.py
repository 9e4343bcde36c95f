"""Reading the one JSON document an integration posts (an EIDO document, a FHIR resource): at most
``limit`` bytes (413 beyond), and JSON (400 otherwise). What the document holds is the standard's
part to read; every string in it has already passed ``fieldapp.inputs.check_request``."""

import json

from flask import request
from flask_babel import gettext as _

from fieldapp.errors import ServiceError


class TooLarge(ServiceError):
    status, code = 413, "too_large"


def read_json(limit: int, what: str):
    if (request.content_length or 0) > limit:
        raise TooLarge(f"{what} may be at most {limit} bytes.")
    body = request.get_data(cache=True)
    if len(body) > limit:
        raise TooLarge(f"{what} may be at most {limit} bytes.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ServiceError(_("The request body is not valid JSON.")) from None
