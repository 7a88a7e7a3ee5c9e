"""Report runs in and out, and the query of the daily risk-classification tables (issue 11 items 6, 7)."""

from marshmallow import Schema, validate

from crm.api.common import PageArgs
from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.models.reports import FORMATS, STATES
from crm.services.quality.report_runs import KINDS


class RunIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    params = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        load_default=dict,
        metadata={
            "description": "The kind's parameters; risk_classification: {branch_id: int or null (all)}; call_quality:"
            " {start, end: YYYY-MM-DD (at most 366 days), group_by: agent|team|branch|day, branch_id: int or null}"
            " or {quarter: YYYYQn} (that quarter by branch)."
        },
    )
    format = fields.String(load_default="xlsx", validate=validate.OneOf(FORMATS))


class RunQuery(PageArgs):
    kind = fields.String(validate=validate.OneOf(sorted(KINDS)))


class RunOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    params = fields.Dict()
    format = fields.String(validate=validate.OneOf(FORMATS))
    branch_id = fields.Integer(allow_none=True, metadata={"description": "None: every branch."})
    for_day = fields.Date(allow_none=True, metadata={"description": "The day a scheduled table is for."})
    requested_by = fields.Nested(StaffBrief, allow_none=True, metadata={"description": "None: scheduled."})
    state = fields.String(validate=validate.OneOf(STATES))
    progress = fields.Integer(metadata={"description": "0–100."})
    error = fields.String(allow_none=True)
    attempts = fields.Integer()
    filename = fields.String(allow_none=True)
    file_size = fields.Integer(allow_none=True)
    content_type = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class RiskTableQuery(Schema):
    on = fields.Date(metadata={"description": "The day (default today, installation time zone)."})
