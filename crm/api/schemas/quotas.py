"""Quota targets and attainment (DOMAIN §4)."""

from marshmallow import Schema, validate

from crm.api.common import PageArgs
from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.models.quotas import ACTIVITY_KINDS, PERIODS

TARGET = validate.Range(min=1, max=100_000)


class QuotaOut(Schema):
    id = fields.Integer()
    scope = fields.String(metadata={"description": "personal (staff_id), team (branch_id) or default"})
    staff = fields.Nested(StaffBrief, allow_none=True)
    staff_id = fields.Integer(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    kind = fields.String()
    period = fields.String()
    target = fields.Integer()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True, metadata={"description": "first day it no longer applies"})
    set_by_id = fields.Integer(allow_none=True)
    set_at = fields.AwareDateTime()


class QuotaIn(Schema):
    """A manager's target (``staff_id``), a team's (``branch_id``) or the installation default (neither)."""

    staff_id = fields.Integer(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    period = fields.String(required=True, validate=validate.OneOf(PERIODS))
    target = fields.Integer(required=True, validate=TARGET)
    valid_from = fields.Date(metadata={"description": "default today; never in the past"})


class QuotaChange(Schema):
    target = fields.Integer(required=True, validate=TARGET)
    valid_from = fields.Date(metadata={"description": "default today; never in the past"})


class QuotaQuery(PageArgs):
    staff_id = fields.Integer()
    branch_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(ACTIVITY_KINDS))
    period = fields.String(validate=validate.OneOf(PERIODS))
    in_force = fields.Boolean(metadata={"description": "only the targets applying today (false: only the others)"})


class AttainmentQuery(Schema):
    period = fields.String(validate=validate.OneOf(PERIODS), metadata={"description": "default day"})
    on = fields.Date(metadata={"description": "a date in the period; default today"})
    start = fields.Date(metadata={"description": "with end: any range of dates instead of a period"})
    end = fields.Date()
    group = fields.String(load_default="manager", validate=validate.OneOf(("manager", "team")))
    branch_id = fields.Integer()
    staff_id = fields.Integer()


class FigureOut(Schema):
    """What was done of one activity kind against the target owed over the period."""

    kind = fields.String()
    target_period = fields.String(allow_none=True)
    done = fields.Integer()
    target = fields.Integer(allow_none=True)
    ratio = fields.Float(allow_none=True)


class AttainmentRow(FigureOut):
    staff_id = fields.Integer(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    label = fields.String(allow_none=True)


class PeriodOut(Schema):
    start = fields.Date()
    end = fields.Date()


class AttainmentOut(Schema):
    period = fields.Nested(PeriodOut)
    group = fields.String()
    rows = fields.List(fields.Nested(AttainmentRow))
