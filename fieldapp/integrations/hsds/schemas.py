"""Query of the HSDS export (the HSDS API's ``page`` and ``per_page``)."""

from marshmallow import fields, validate

from fieldapp.schemas import BaseSchema

MAX_PER_PAGE = 100


class HsdsPageQuerySchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 2**31 - 1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, MAX_PER_PAGE))
