"""Checks every request gets before any view runs, whatever the view (ASVS V5.1).

The schemas (``fieldapp.schemas``) check each field's meaning; this module refuses, for every
page and API call alike, what no field may hold:

- text with NUL or other control characters, or lone UTF-16 surrogates, in the query string, a
  form or a JSON body (422 naming the field; query strings also refuse CR and LF);
- JSON nested deeper than ``MAX_JSON_DEPTH`` (a body is at most ``MAX_CONTENT_LENGTH`` bytes);
- on the JSON API, query parameters the operation does not declare;
- path integers beyond the database's 32-bit range: ``<int:...>`` is bounded, so they are a 404;
- a path and query longer than ``MAX_URL_LENGTH`` (414, in the one error shape: gunicorn's own
  ``limit_request_line`` is set above it, so this answer comes first).
"""

import json
import re

from flask import current_app, request
from flask_babel import gettext as _
from marshmallow import Schema
from werkzeug.routing import IntegerConverter

from fieldapp.errors import Invalid, NotFound, ServiceError
from fieldapp.schemas import INT32_MAX, text_problem

MAX_JSON_DEPTH = 20
MAX_URL_LENGTH = 4096  # path and query, as sent; gunicorn.conf.py's limit_request_line is 8190
_QUERY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class TooDeep(ServiceError):
    status, code = 400, "bad_request"


class UriTooLong(ServiceError):
    status, code = 414, "uri_too_long"


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` for a 32-bit signed database column: a bigger number names no record (404).

    The bound is checked by ``refuse_ids_beyond_range`` once the rule has matched, not by the
    converter: werkzeug would answer 405 when another method's rule for the same path matched.
    """


def bounded_int_param(converter) -> dict:
    """The OpenAPI schema of an ``<int:...>`` path parameter."""
    return {"type": "integer", "minimum": 0, "maximum": INT32_MAX}


def refuse_ids_beyond_range(endpoint, values):
    """url_value_preprocessor: a path integer beyond the database's range names no record."""
    if values and any(isinstance(value, int) and value > INT32_MAX for value in values.values()):
        raise NotFound(_("No such record."))


def _printable(name: str) -> str:
    """A field name safe to echo back: control characters and surrogates become '?'."""
    return re.sub(r"[\x00-\x1f\x7f\ud800-\udfff]", "?", str(name))[:100] or "?"


def _refuse(name, message):
    raise Invalid(_("Some fields are not valid."), fields={_printable(name): [message]})


def _check_pairs(pairs, *, query: bool):
    for name, value in pairs:
        for text in (name, value):
            if query and _QUERY_CONTROL.search(text):
                _refuse(name, "Remove the control character (such as a line break) from this value.")
            problem = text_problem(text)
            if problem:
                _refuse(name, problem)


def _json_body():
    """The request's JSON, or None when it has none (or none that parses: the view's parser says so)."""
    if not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except RecursionError:
        raise TooDeep(f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels).") from None
    except ValueError:  # not JSON, or not UTF-8: the view's parser answers 400 in the one shape
        return None


def _check_json(document):
    """Walk the document without recursion: depth, and every string (keys too)."""
    stack = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise TooDeep(f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels).")
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else key
                problem = text_problem(key)
                if problem:
                    _refuse(name, problem)
                stack.append((item, name, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{index}" if path else str(index), depth + 1)
                         for index, item in enumerate(value))
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                _refuse(path or "_schema", problem)


def declared_query_names(view) -> set[str] | None:
    """The query parameters a flask-smorest view declares (None: not an API operation)."""
    doc = getattr(view, "_apidoc", None)
    if doc is None:
        return None
    names = set()
    for parameter in doc.get("arguments", {}).get("parameters", []):
        if parameter.get("in") == "query":
            schema = parameter["schema"]
            schema = schema() if isinstance(schema, type) and issubclass(schema, Schema) else schema
            names.update(field.data_key or name for name, field in schema.fields.items() if not field.dump_only)
    return names


def check_request():
    """before_request: refuse what no view may receive (see the module's docstring)."""
    target = request.environ.get("RAW_URI") or request.full_path
    if len(target) > MAX_URL_LENGTH:
        raise UriTooLong(f"The address is too long (at most {MAX_URL_LENGTH} characters).")
    _check_pairs(request.args.items(multi=True), query=True)
    if request.form:
        _check_pairs(request.form.items(multi=True), query=False)
    document = _json_body()
    if document is not None:
        _check_json(document)
    if request.endpoint and request.path.startswith("/api/v1/"):
        declared = declared_query_names(current_app.view_functions.get(request.endpoint))
        if declared is not None:
            for name in request.args:
                if name not in declared:
                    _refuse(name, "This query parameter is not accepted here.")
