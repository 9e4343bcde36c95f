"""The OpenAPI document says what the API does (docs/api is generated from it; schemathesis checks it).

Hooks into flask-smorest, set once for every operation:

- every error response is the one shape of ``fieldapp.errors.ErrorSchema``: it is flask-smorest's
  ``ERROR_SCHEMA``, so the ``default`` response of every operation and the 422 of every operation
  taking arguments refer to it;
- a change schema (``fieldapp.schemas.UpdateSchema``) says ``minProperties: 1``;
- ``<int:...>`` path parameters say their 32-bit bounds.
"""

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_instance

from fieldapp.errors import ErrorSchema
from fieldapp.inputs import BoundedIntConverter, bounded_int_param


class FieldappMarshmallowPlugin(MarshmallowPlugin):
    def schema_helper(self, name, _, schema=None, **kwargs):
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        if schema is not None:
            minimum = getattr(resolve_schema_instance(schema), "min_properties", None)
            if minimum:
                json_schema["minProperties"] = minimum
        return json_schema


def prepare(api) -> dict:
    """Set ``api`` up before ``init_app``; returns the ``spec_kwargs`` to give it."""
    api.ERROR_SCHEMA = ErrorSchema
    api.register_converter(BoundedIntConverter, bounded_int_param)
    return {"marshmallow_plugin": FieldappMarshmallowPlugin()}


def json_document(description: str, media_type: str = "application/json", schema: dict | None = None) -> dict:
    """``@blp.doc(**json_document(...))`` for a view that answers a document built by hand (an HSDS or
    FHIR resource), not through a marshmallow schema: its 200 response, so clients and schemathesis
    know the answer is documented."""
    return {"responses": {"200": {"description": description,
                                  "content": {media_type: {"schema": schema or {"type": "object"}}}}}}
