from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.models.telephony import LINES, SCRIPT_PURPOSES


class ScriptOut(Schema):
    id = fields.Integer()
    purpose = fields.String()
    line = fields.String(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    name = fields.String()
    text = fields.String()
    language = fields.String()
    audio_url = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    is_active = fields.Boolean()
    updated_at = fields.AwareDateTime()


class ScriptPatch(Schema):
    """The fields an admin changes; ``valid_from``/``valid_to`` make a holiday variant."""

    purpose = fields.String(validate=validate.OneOf(SCRIPT_PURPOSES))
    line = fields.String(allow_none=True, validate=validate.OneOf(LINES))
    branch_id = fields.Integer(allow_none=True)
    name = fields.String(validate=validate.Length(min=1, max=80))
    text = fields.String(validate=validate.Length(min=1, max=2000))
    language = fields.String(validate=validate.Length(min=2, max=8))
    audio_url = fields.Url(allow_none=True, validate=validate.Length(max=500))
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    is_active = fields.Boolean()


class ScriptIn(ScriptPatch):
    purpose = fields.String(required=True, validate=validate.OneOf(SCRIPT_PURPOSES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ScriptQuery(Schema):
    purpose = fields.String(validate=validate.OneOf(SCRIPT_PURPOSES))
    line = fields.String(validate=validate.OneOf(LINES))


class AudioUrlIn(Schema):
    audio_url = fields.Url(required=True, allow_none=True, validate=validate.Length(max=500))


class AudioFileIn(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})


class RecordCallOut(Schema):
    script_id = fields.Integer()
    to = fields.String()
    status = fields.String()


class PreviewQuery(Schema):
    line = fields.String(required=True, validate=validate.OneOf(LINES))
    at = fields.AwareDateTime(required=True)


class PreviewOut(Schema):
    line = fields.String()
    at = fields.AwareDateTime()
    local_date = fields.Date()
    branch = fields.String(allow_none=True)
    script_id = fields.Integer(allow_none=True)
    text = fields.String()
    audio_url = fields.String(allow_none=True)
    plays = fields.String(metadata={"description": "audio when a recording plays, else text"})
    holiday = fields.Boolean()
