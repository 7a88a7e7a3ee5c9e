from marshmallow import Schema, fields


class BranchOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    hotline = fields.String(allow_none=True)


class StaffOut(Schema):
    id = fields.Integer()
    job_no = fields.String()
    name = fields.String()
    role = fields.String()
    branch = fields.Nested(BranchOut, allow_none=True)
    softphone_identity = fields.String()
    is_active = fields.Boolean()
