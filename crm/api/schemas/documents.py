"""Documents of the customer's dossier in and out (issue 10 §5)."""

from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.models.documents import KINDS


class DocumentForm(Schema):
    """The form fields of an upload: what the document is and, optionally, the case it belongs to.
    A ``recording_reference`` names its call by ``call_sid`` and carries no file."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    case_id = fields.Integer(allow_none=True)
    call_sid = fields.String(validate=validate.Length(min=1, max=64))


class DocumentFile(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})


class DocumentQuery(Schema):
    case_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(KINDS))


class DocumentOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    kind = fields.String()
    filename = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)
    size_bytes = fields.Integer(allow_none=True)
    reference = fields.String(allow_none=True, metadata={"description": "A recording reference's CallSid."})
    added_by = fields.Nested(StaffBrief)
    added_at = fields.DateTime()
