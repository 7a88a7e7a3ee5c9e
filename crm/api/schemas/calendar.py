"""The working-day calendar, its overrides, and the deadline policies (DOMAIN §5)."""

from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.models.cases import CLOCKS, DEADLINE_UNITS, KINDS
from crm.services.cases.calendar.installation import OVERRIDE_KINDS


class RangeQuery(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")


class OptionalRangeQuery(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")


class DayOut(Schema):
    day = fields.Date()
    weekday = fields.String()
    note = fields.String(allow_none=True)


class WorkingDaysOut(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    working_days = fields.List(fields.Nested(DayOut))


class OverrideIn(Schema):
    day = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(OVERRIDE_KINDS))
    note = fields.String(allow_none=True, validate=validate.Length(max=200))


class OverrideOut(Schema):
    id = fields.Integer()
    day = fields.Date()
    kind = fields.String()
    note = fields.String(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class PolicyOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    vip = fields.Boolean()
    clock = fields.String()
    amount = fields.Integer()
    unit = fields.String()


class PolicyChange(Schema):
    amount = fields.Integer(required=True, validate=validate.Range(min=1, max=100000))
    unit = fields.String(required=True, validate=validate.OneOf(DEADLINE_UNITS))


class PolicyIn(PolicyChange):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    vip = fields.Boolean(required=True)
    clock = fields.String(required=True, validate=validate.OneOf(CLOCKS))
