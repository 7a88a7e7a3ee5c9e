from marshmallow import Schema, validate, validates_schema
from marshmallow.exceptions import ValidationError

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief

# One SMS is 70 Chinese characters; Twilio joins up to 10 segments. Our texts stay well within.
MAX_TEXT = 500


class MessageIn(Schema):
    """A template (with the variables it needs beyond the customer's own facts) or a free text."""

    template = fields.String(validate=validate.Length(min=1, max=40))
    variables = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        values=fields.String(validate=validate.Length(max=100)),
        validate=validate.Length(max=20),
    )
    text = fields.String(validate=validate.Length(min=1, max=MAX_TEXT))
    urgent = fields.Boolean(load_default=False, metadata={"description": "Sent at once even outside business hours."})

    @validates_schema
    def _one_source(self, data, **_):
        if ("template" in data) == ("text" in data):
            raise ValidationError("Give a template or a text, not both.", "template")


class MessageOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    kind = fields.String(metadata={"description": "staff, or welcome (sent by the system)."})
    template_key = fields.String(allow_none=True)
    body = fields.String()
    urgent = fields.Boolean()
    state = fields.String(metadata={"description": "queued, sent, delivered, undelivered, failed or blocked."})
    not_before = fields.DateTime(metadata={"description": "Not sent before (business hours unless urgent)."})
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    status_at = fields.DateTime(allow_none=True)
    error_code = fields.String(allow_none=True)
    author = fields.Nested(StaffBrief, allow_none=True)


class OptOutIn(Schema):
    opted_out = fields.Boolean(required=True)
    evidence = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "What the change rests on, e.g. the recorded call where the customer asked."},
    )


class TemplateIn(Schema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    body = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class TemplatePatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=80))
    body = fields.String(validate=validate.Length(min=1, max=MAX_TEXT))


class TemplateOut(Schema):
    id = fields.Integer()
    key = fields.String()
    name = fields.String()
    body = fields.String()
    updated_at = fields.DateTime()


class MarketingWordIn(Schema):
    word = fields.String(required=True, validate=validate.Length(min=1, max=32))


class MarketingWordOut(Schema):
    id = fields.Integer()
    word = fields.String()
    created_at = fields.DateTime()
