"""Schema building blocks shared by every domain's schemas."""

from marshmallow import Schema, fields, validate


class BaseSchema(Schema):
    """Unknown fields are refused (marshmallow's default), so a typo is a 422 naming the field."""


def Text(max_length, *, required=False, min_length=None, **kwargs):  # noqa: N802 - reads like a field
    return fields.String(required=required,
                         validate=validate.Length(min=min_length if min_length is not None
                                                  else (1 if required else 0), max=max_length),
                         **kwargs)


def Moment(**kwargs):  # noqa: N802
    """An ISO 8601 time with its UTC offset; naive times are refused, not guessed at."""
    return fields.AwareDateTime(format="iso", **kwargs)


class UserBriefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    full_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
