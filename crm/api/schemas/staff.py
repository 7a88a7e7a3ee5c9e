from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.models.staff import ROLES


class BranchOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    hotline = fields.String(allow_none=True)
    head_id = fields.Integer(allow_none=True)
    welcome_sms = fields.Boolean(metadata={"description": "New customers and prospects get the welcome SMS."})
    welcome_sms_since = fields.DateTime(allow_none=True)


class BranchFields(Schema):
    """What a branch's creation and its changes check alike (the hotline: empty, or a valid number)."""

    name = fields.String(validate=validate.Length(min=1, max=120))
    hotline = fields.String(allow_none=True, validate=validate.Length(max=40))


class BranchIn(BranchFields):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class BranchPatch(BranchFields):
    head_id = fields.Integer(allow_none=True)
    welcome_sms = fields.Boolean()


class StaffBrief(Schema):
    """Who did something: enough to name them."""

    id = fields.Integer()
    job_no = fields.String()
    name = fields.String()


class StaffOut(Schema):
    id = fields.Integer()
    job_no = fields.String()
    name = fields.String()
    role = fields.String()
    branch = fields.Nested(BranchOut, allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    softphone_identity = fields.String()
    is_active = fields.Boolean()
    on_duty = fields.Boolean()
    supervisor_id = fields.Integer(allow_none=True)
    presence = fields.String()


class StaffWithToken(StaffOut):
    """A staff member with their new API token — shown this once, never stored."""

    api_token = fields.String()


class TokenInfo(Schema):
    """An API token as listed: never its secret."""

    id = fields.Integer()
    label = fields.String(allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class TokenOut(TokenInfo):
    """A new API token with its secret: shown this once, never stored."""

    api_token = fields.String()


class TokenIn(Schema):
    label = fields.String(allow_none=True, validate=validate.Length(max=80))


class SignIn(TokenIn):
    job_no = fields.String(required=True, validate=validate.Length(min=1, max=16))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))


class StaffFields(Schema):
    """What a staff member's creation and their changes check alike (the phone: empty, or a valid number)."""

    name = fields.String(validate=validate.Length(min=1, max=120))
    role = fields.String(validate=validate.OneOf(ROLES))
    branch_id = fields.Integer(allow_none=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))


class StaffIn(StaffFields):
    job_no = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "letters, digits, '-' and '_', at most 16 once the spaces around it are dropped"},
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    email = fields.Email(allow_none=True)
    password = fields.String(load_only=True, allow_none=True)


class StaffPatch(StaffFields):
    is_active = fields.Boolean()
    on_duty = fields.Boolean()
    supervisor_id = fields.Integer(allow_none=True)


class StaffQuery(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    branch_id = fields.Integer()
    active = fields.Boolean()
