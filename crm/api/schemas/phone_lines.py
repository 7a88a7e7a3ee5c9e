from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import BranchOut


class PhoneLineOut(Schema):
    id = fields.Integer()
    number = fields.String()
    line = fields.String()
    branch = fields.Nested(BranchOut)


class PhoneLineIn(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    # Checked by the service against the model's LINES, so the API and the CLI refuse alike.
    line = fields.String(required=True)
    branch_id = fields.Integer(required=True)
