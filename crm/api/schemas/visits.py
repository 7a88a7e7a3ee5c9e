from marshmallow import Schema, validate

from crm.api.common import PageArgs
from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.models.customers import CHANNELS
from crm.models.visits import PURPOSES


class CustomerBrief(Schema):
    id = fields.Integer()
    name = fields.String()


class VisitPatch(Schema):
    """Fields a manager sets on a visit; on creation the first five are required."""

    channel = fields.String(validate=validate.OneOf(CHANNELS))
    started_at = fields.AwareDateTime()
    duration_minutes = fields.Integer(validate=validate.Range(min=0, max=24 * 60))
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    summary = fields.String(validate=validate.Length(min=1))
    outcome = fields.String(allow_none=True)
    next_step = fields.String(allow_none=True)
    next_step_on = fields.Date(allow_none=True)
    self_score = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=5))
    call_sid = fields.String(allow_none=True, validate=validate.Length(max=64))


class VisitIn(VisitPatch):
    customer_id = fields.Integer(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    started_at = fields.AwareDateTime(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    summary = fields.String(required=True, validate=validate.Length(min=1))


class VisitOut(Schema):
    id = fields.Integer()
    manager = fields.Nested(StaffBrief)
    customer = fields.Nested(CustomerBrief)
    channel = fields.String()
    started_at = fields.DateTime()
    duration_minutes = fields.Integer()
    purpose = fields.String()
    summary = fields.String()
    outcome = fields.String(allow_none=True)
    next_step = fields.String(allow_none=True)
    next_step_on = fields.Date(allow_none=True)
    self_score = fields.Integer(allow_none=True)
    call_sid = fields.String(allow_none=True)


class VisitQuery(PageArgs):
    manager_id = fields.Integer()
    customer_id = fields.Integer()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
