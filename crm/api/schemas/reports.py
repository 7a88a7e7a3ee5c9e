"""The call-quality report (issue 11 item 6): its query and its JSON."""

from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.quotas import AttainmentRow
from crm.services.quality.call_quality import CALL_COUNTERS, INTERNAL, SURVEY_COUNTERS
from crm.services.quality.call_quality_queries import GROUPS

COUNTS = tuple(name for name in (*CALL_COUNTERS, *SURVEY_COUNTERS) if name not in INTERNAL)
# Rates (fractions 0–1) and means; null where there is nothing to take them from.
RATES = ("service_level", "asa_seconds", "aht_seconds", "fcr_rate", "csat", "mean_score")


def _number():
    return fields.Raw(allow_none=True, metadata={"type": "number"})


class ReportQuery(Schema):
    start = fields.Date(required=True, metadata={"description": "First local day of the period."})
    end = fields.Date(required=True, metadata={"description": "Last local day (at most 31 days after start)."})
    group_by = fields.String(load_default="agent", validate=validate.OneOf(GROUPS))
    branch_id = fields.Integer(metadata={"description": "Admins name one branch or none; supervisors their own."})


MetricsOut = type(
    "MetricsOut",
    (Schema,),
    {**{name: fields.Integer() for name in COUNTS}, **{name: _number() for name in RATES}},
)


class RowOut(MetricsOut):
    key = fields.String(metadata={"description": "Staff id, branch id, ISO day, or 'none' (no agent/branch)."})
    label = fields.String()


class DailyOut(MetricsOut):
    day = fields.String(metadata={"format": "date"})


class CategoryCount(Schema):
    category = fields.String()
    count = fields.Integer()


class OutcomeCount(Schema):
    outcome = fields.String()
    count = fields.Integer()


class BranchComplaints(Schema):
    branch_id = fields.Integer()
    branch = fields.String(allow_none=True)
    received = fields.Integer()
    resolved = fields.Integer()
    open = fields.Integer()
    founded = fields.Integer()
    overdue = fields.Integer()
    reopened = fields.Integer()


class ComplaintsOut(Schema):
    by_category = fields.List(fields.Nested(CategoryCount))
    by_outcome = fields.List(fields.Nested(OutcomeCount))
    by_branch = fields.List(fields.Nested(BranchComplaints))


class DeadlineOut(Schema):
    kind = fields.String()
    due = fields.Integer()
    met = fields.Integer()
    rate = _number()


class QaRates(Schema):
    checked = fields.Integer()
    passed = fields.Integer()
    open = fields.Integer()
    pass_rate = _number()


class QaAgentRates(QaRates):
    agent_id = fields.Integer()
    job_no = fields.String()
    name = fields.String()


class QaFlagCount(Schema):
    rule = fields.String()
    phrase = fields.String(allow_none=True)
    count = fields.Integer()


class QaSummaryOut(Schema):
    agents = fields.List(fields.Nested(QaAgentRates))
    overall = fields.Nested(QaRates)
    top_flags = fields.List(fields.Nested(QaFlagCount))


class ReportPeriodOut(Schema):
    start = fields.String(metadata={"format": "date"})
    end = fields.String(metadata={"format": "date"})


class ReportOut(Schema):
    period = fields.Nested(ReportPeriodOut)
    group_by = fields.String()
    branch_id = fields.Integer(allow_none=True)
    settings = fields.Dict(keys=fields.String(), values=fields.Raw())
    rows = fields.List(fields.Nested(RowOut))
    totals = fields.Nested(MetricsOut)
    daily = fields.List(fields.Nested(DailyOut))
    complaints = fields.Nested(ComplaintsOut)
    deadlines = fields.List(fields.Nested(DeadlineOut))
    qa = fields.Nested(QaSummaryOut)
    attainment = fields.List(fields.Nested(AttainmentRow))
