from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.models.telephony import PRESENCE


class VoiceTokenOut(Schema):
    token = fields.String()
    identity = fields.String()
    expires_at = fields.DateTime()


class PresenceIn(Schema):
    presence = fields.String(required=True, validate=validate.OneOf(PRESENCE))


class PresenceOut(Schema):
    """One person on the presence board."""

    id = fields.Integer()
    job_no = fields.String()
    name = fields.String()
    role = fields.String()
    softphone_identity = fields.String()
    presence = fields.String()
    presence_changed_at = fields.DateTime(allow_none=True)


class PresenceBoardArgs(Schema):
    branch_id = fields.Integer()
