from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.products import ProductOut
from crm.api.schemas.staff import StaffBrief


class AcknowledgementIn(Schema):
    """The customer's signed risk acknowledgement (风险提示书)."""

    signed = fields.Boolean(required=True)
    document_ref = fields.String(required=True, validate=validate.Length(min=1, max=120))


class RecommendationIn(Schema):
    product_id = fields.Integer(required=True)
    note = fields.String(allow_none=True)
    risk_acknowledgement = fields.Nested(AcknowledgementIn, allow_none=True)


class RecommendationOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    product = fields.Nested(ProductOut)
    manager = fields.Nested(StaffBrief)
    recommended_at = fields.DateTime()
    note = fields.String(allow_none=True)
    customer_tolerance = fields.String(allow_none=True)
    suitable = fields.Boolean()
    acknowledgement_signed = fields.Boolean()
    acknowledgement_ref = fields.String(allow_none=True)
