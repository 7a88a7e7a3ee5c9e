"""Work logs and weekly summaries (工作日志 · 周工作总结, DOMAIN §4)."""

from marshmallow import Schema, validate

from crm.api.common import PageArgs
from crm.api.schemas import fields
from crm.api.schemas.quotas import FigureOut
from crm.api.schemas.staff import StaffBrief
from crm.models.work_logs import LOG_KINDS

TEXT = validate.Length(max=4000)


class WorkLogOut(Schema):
    id = fields.Integer()
    staff = fields.Nested(StaffBrief)
    branch_id = fields.Integer()
    kind = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    figures = fields.List(fields.Nested(FigureOut))
    items = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Dict()),
        metadata={"description": "calls, visits, cases_resolved, surveys_completed: ids and short facts"},
    )
    remarks = fields.String(allow_none=True)
    generated_at = fields.AwareDateTime()
    reviewed_at = fields.AwareDateTime(allow_none=True)
    reviewed_by_id = fields.Integer(allow_none=True)
    review_comment = fields.String(allow_none=True)


class WorkLogBrief(WorkLogOut):
    class Meta:
        exclude = ("items",)


class WorkLogQuery(PageArgs):
    staff_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(LOG_KINDS))
    start = fields.Date(data_key="from", metadata={"description": "periods starting on or after"})
    end = fields.Date(data_key="to", metadata={"description": "periods starting on or before"})
    reviewed = fields.Boolean()


class RemarksIn(Schema):
    remarks = fields.String(required=True, allow_none=True, validate=TEXT)


class WorkLogReviewIn(Schema):
    comment = fields.String(required=True, validate=validate.And(validate.Length(min=1), TEXT))
