"""Cases, their clocks, replies and history (DOMAIN §5)."""

from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.models.cases import CASE_CHANNELS, COMPLAINT_CATEGORIES, KINDS, PRIORITIES, QUALITY_TYPES, STATUSES
from crm.models.complaints import FINDINGS, RESULT_CHANNELS
from crm.services.cases.deadlines import clock_status

_text = validate.Length(min=1, max=4000)


class CaseIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    channel = fields.String(required=True, validate=validate.OneOf(CASE_CHANNELS))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(allow_none=True, validate=validate.Length(max=20000))
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    category = fields.String(allow_none=True, validate=validate.OneOf(COMPLAINT_CATEGORIES))
    quality_type = fields.String(allow_none=True, validate=validate.OneOf(QUALITY_TYPES))
    customer_id = fields.Integer(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    complained_staff_id = fields.Integer(allow_none=True)
    source_ref = fields.String(allow_none=True, validate=validate.Length(max=120))
    demand = fields.String(
        allow_none=True, validate=_text, metadata={"description": "The customer's demand (诉求); a complaint needs it."}
    )


class CaseQuery(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(STATUSES))
    owner_id = fields.Integer()
    branch_id = fields.Integer()
    overdue = fields.Boolean()
    due_before = fields.AwareDateTime()


class AssignIn(Schema):
    handler_id = fields.Integer(required=True)


class HandOffIn(Schema):
    new_owner_id = fields.Integer(required=True)
    note = fields.String(allow_none=True, validate=_text)


class AccusedIn(Schema):
    complained_staff_id = fields.Integer(required=True)


class MoveIn(Schema):
    branch_id = fields.Integer(required=True)
    new_owner_id = fields.Integer(
        allow_none=True, metadata={"description": "Staff of the new branch; required unless the owner works there."}
    )
    handler_id = fields.Integer(
        allow_none=True, metadata={"description": "Staff of the new branch, when the case has a handler."}
    )
    note = fields.String(allow_none=True, validate=_text)


class ReplyIn(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CASE_CHANNELS))
    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class NoteIn(Schema):
    note = fields.String(allow_none=True, validate=_text)


class ReopenIn(Schema):
    reason = fields.String(required=True, validate=_text)


class ClockOut(Schema):
    clock = fields.String()
    started_at = fields.DateTime()
    remind_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime()
    head_at = fields.DateTime(allow_none=True)
    met_at = fields.DateTime(allow_none=True)
    met = fields.Boolean()
    overdue = fields.Boolean()
    level = fields.Integer()
    next_action_at = fields.DateTime(allow_none=True)


class CaseOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    channel = fields.String()
    subject = fields.String()
    priority = fields.String()
    category = fields.String(allow_none=True)
    quality_type = fields.String(allow_none=True)
    status = fields.String()
    is_vip = fields.Boolean()
    customer_id = fields.Integer(allow_none=True)
    caller_number = fields.String(
        allow_none=True, metadata={"description": "The number a call case came from; masked unless you may see it."}
    )
    branch_id = fields.Integer()
    owner = fields.Nested(StaffBrief)
    handler = fields.Nested(StaffBrief, allow_none=True)
    complained_staff_id = fields.Integer(allow_none=True)
    complaint_number = fields.Method("_complaint_number", metadata={"description": "e.g. SH01-202612-0007"})
    opened_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    reopened_count = fields.Integer()
    clocks = fields.Method("_clocks")
    overdue = fields.Method("_overdue")

    def _complaint_number(self, case):
        return case.complaint_record.number if case.complaint_record else None

    def _clocks(self, case):
        return ClockOut(many=True).dump([clock_status(deadline) for deadline in case.deadlines])

    def _overdue(self, case):
        """Some clock missed its deadline."""
        return any(clock_status(deadline)["overdue"] for deadline in case.deadlines)


class ReplyOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    author = fields.Nested(StaffBrief)
    channel = fields.String()
    text = fields.String()


class EventOut(Schema):
    at = fields.DateTime()
    actor = fields.Nested(StaffBrief, allow_none=True)
    action = fields.String()
    channel = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)


class ComplaintRecordIn(Schema):
    """The complaint form's fields (《客户投诉记录表》); each one given replaces what was there."""

    demand = fields.String(validate=_text)
    finding = fields.String(validate=validate.OneOf(FINDINGS))
    finding_reason = fields.String(validate=_text)
    responsible = fields.String(validate=_text, metadata={"description": "Who or what was responsible."})
    corrective_action = fields.String(validate=_text)
    result = fields.String(validate=_text, metadata={"description": "The final result told to the customer."})
    result_channel = fields.String(validate=validate.OneOf(RESULT_CHANNELS))
    customer_reaction = fields.String(validate=_text)
    evaluation = fields.String(validate=_text, metadata={"description": "The closing evaluation."})


class DecisionOut(Schema):
    at = fields.DateTime()
    action = fields.String()
    by = fields.Nested(StaffBrief, attribute="actor", allow_none=True)


class ComplaintRecordOut(ComplaintRecordIn):
    number = fields.String()
    updated_at = fields.DateTime(allow_none=True)
    updated_by_id = fields.Integer(allow_none=True)
    missing = fields.List(fields.String(), metadata={"description": "Fields still to fill in before closing."})
    decisions = fields.List(fields.Nested(DecisionOut), metadata={"description": "Who decided what, and when."})


class CaseDetail(CaseOut):
    body = fields.String(allow_none=True)
    source_ref = fields.String(allow_none=True)
    replies = fields.List(fields.Nested(ReplyOut))
    history = fields.List(fields.Nested(EventOut))
    complaint = fields.Nested(ComplaintRecordOut, allow_none=True)
