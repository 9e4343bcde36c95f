from marshmallow import fields

from fieldapp.calls import constants as call_constants
from fieldapp.eligibility.constants import NOT_SENT_REASONS
from fieldapp.i18n.messages import N_
from fieldapp.schemas import BaseSchema, Choice, Day, Int, _latest_date_on_earth


class NotSentCountCreateSchema(BaseSchema):
    day = Day(latest=_latest_date_on_earth, message=N_("Enter a date from 2000-01-01 to today."), required=True,
              metadata={"description": "The local day (agency time zone), YYYY-MM-DD."})
    count = Int(0, 10000, message=N_("Enter a whole number of calls from 0 to 10000."), required=True, metadata={
        "description": "Eligible calls of that day never sent to the team (for this reason and source). "
                       "Recording the same day, reason and source again replaces the count."})
    reason = Choice(NOT_SENT_REASONS, N_("Choose why the calls were not sent."), allow_none=True,
                    metadata={"description": "Why not sent: " + ", ".join(NOT_SENT_REASONS) + "."})
    source = Choice(call_constants.SOURCES, N_("Choose where the calls came from."), allow_none=True,
                    metadata={"description": "Where the calls came from: " + ", ".join(call_constants.SOURCES)})


class NotSentCountSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    count = fields.Integer(dump_only=True)
    reason = fields.Function(lambda row: row.reason or None, dump_only=True, allow_none=True)
    source = fields.Function(lambda row: row.source or None, dump_only=True, allow_none=True)
    recorded_at = fields.AwareDateTime(dump_only=True)
    recorded_by = fields.Function(lambda row: row.recorded_by.username if row.recorded_by else None,
                                  dump_only=True, allow_none=True)


class NotSentQuerySchema(BaseSchema):
    from_ = Day(data_key="from", metadata={"description": "First day listed; default: 30 days before `to`."})
    to = Day(metadata={"description": "Last day listed; default: today."})
