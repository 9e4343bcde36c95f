"""Directory schemas: HSDS 3.0 organization and service fields, validated the same for API and pages."""

from marshmallow import fields, validate

from fieldapp.directory.models import CATEGORIES, SERVICE_STATUSES
from fieldapp.i18n import english
from fieldapp.i18n.messages import N_
from fieldapp.schemas import BaseSchema, Choice, Text, UpdateSchema


def category_in_english(code: str) -> str | None:
    """A category's label for the API: English, as every label that leaves the app (fieldapp.i18n.english)."""
    return english(CATEGORIES[code]) if code in CATEGORIES else None


class OrganizationSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    name = Text(200, required=True)
    description = Text(4000)
    website = fields.URL(allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=300),
                         error_messages={"invalid": "Enter a web address starting with https:// or http://."})


class ServiceSchema(BaseSchema):
    """A service. Load with ``partial=True`` for a change: only the fields sent are touched."""

    id = fields.UUID(dump_only=True)
    organization_id = fields.UUID(required=True, error_messages={"required": "Choose an organization.",
                                                                  "invalid_uuid": "Not a valid organization id."})
    organization_name = fields.String(dump_only=True, attribute="organization.name")
    name = Text(200, required=True)
    description = Text(4000)
    category = Choice(CATEGORIES, N_("Choose a category."), required=True)
    category_label = fields.Function(lambda service: category_in_english(service.category), dump_only=True)
    status = Choice(SERVICE_STATUSES, N_("Choose active, inactive, defunct or temporarily closed."),
                    load_default="active")
    eligibility_description = Text(4000)
    phone = Text(40, allow_none=True)
    hours = Text(200, allow_none=True)
    address = Text(200, allow_none=True)
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90, error="A latitude is from -90 to 90."))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180,
                                                                     error=N_("A longitude is from -180 to 180.")))
    part2_program = fields.Boolean()
    updated_at = fields.AwareDateTime(dump_only=True)


class ServiceQuerySchema(BaseSchema):
    q = Text(100)
    category = Choice(CATEGORIES, N_("Choose a category."))
    include_inactive = fields.Boolean(load_default=False)


class OrganizationUpdateSchema(UpdateSchema, OrganizationSchema):
    """``OrganizationSchema(partial=True)`` under a name of its own in the OpenAPI document; an empty
    change is refused."""


class ServiceUpdateSchema(UpdateSchema, ServiceSchema):
    """``ServiceSchema(partial=True)`` under a name of its own in the OpenAPI document; an empty
    change is refused."""
