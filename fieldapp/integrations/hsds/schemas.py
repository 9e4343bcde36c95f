"""Query of the HSDS export (the HSDS API's ``page`` and ``per_page``)."""

from fieldapp.schemas import BaseSchema, Int

MAX_PER_PAGE = 100


class HsdsPageQuerySchema(BaseSchema):
    page = Int(1, strict=False, load_default=1, metadata={"description": "From 1."})
    per_page = Int(1, MAX_PER_PAGE, strict=False, load_default=50, metadata={"description": "Default 50."})
