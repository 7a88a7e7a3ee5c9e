"""The call log (issue 5 §4)."""

from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.models.telephony import DIRECTIONS, OUTCOMES


class CallCustomer(Schema):
    id = fields.Integer()
    name = fields.String()


class CallOut(Schema):
    id = fields.Integer()
    sid = fields.String()
    parent_sid = fields.String(allow_none=True)
    direction = fields.String()
    from_number = fields.String(allow_none=True, metadata={"description": "masked unless you may see it"})
    to_number = fields.String(allow_none=True, metadata={"description": "masked unless you may see it"})
    line = fields.String(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    customer = fields.Nested(CallCustomer, allow_none=True)
    agent = fields.Nested(StaffBrief, allow_none=True)
    case_id = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
    status = fields.String()
    outcome = fields.String(allow_none=True)
    menu_choice = fields.String(allow_none=True)
    started_at = fields.AwareDateTime()
    ringing_at = fields.AwareDateTime(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    queue_wait_seconds = fields.Integer(allow_none=True)
    duration_seconds = fields.Integer(allow_none=True)
    counts_as_contact = fields.Boolean()
    recording_url = fields.String(allow_none=True)
    transcription = fields.String(allow_none=True)


class CallEventOut(Schema):
    at = fields.AwareDateTime()
    kind = fields.String()
    detail = fields.Dict(allow_none=True)


class CallDetail(CallOut):
    events = fields.List(fields.Nested(CallEventOut))


class CallQuery(Schema):
    agent_id = fields.Integer()
    customer_id = fields.Integer()
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    start = fields.AwareDateTime(data_key="from")
    end = fields.AwareDateTime(data_key="to")


class LinkIn(Schema):
    case_id = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
