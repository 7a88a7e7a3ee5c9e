"""The daily complaint register (issue 10 item 4)."""

from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief


class RegisterQuery(Schema):
    branch_id = fields.Integer(metadata={"description": "Admins name the branch; supervisors read their own."})
    day = fields.Date(required=True, metadata={"description": "Calendar day in the installation's time zone."})


class SignOffIn(RegisterQuery):
    remark = fields.String(allow_none=True, validate=validate.Length(min=1, max=4000))


class RegisterEntryOut(Schema):
    id = fields.Integer()
    complaint_number = fields.Function(lambda case: case.complaint_record.number if case.complaint_record else None)
    subject = fields.String()
    category = fields.String(allow_none=True)
    status = fields.String()
    opened_at = fields.DateTime()
    owner = fields.Nested(StaffBrief)
    handler = fields.Nested(StaffBrief, allow_none=True)


class SignOffOut(Schema):
    signed_by = fields.Nested(StaffBrief)
    signed_at = fields.DateTime()
    remark = fields.String(allow_none=True)


class RegisterOut(Schema):
    branch_id = fields.Integer()
    day = fields.Date()
    complaints = fields.List(fields.Nested(RegisterEntryOut))
    sign_off = fields.Nested(SignOffOut, allow_none=True, metadata={"description": "null until a supervisor signs."})
