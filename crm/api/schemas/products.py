from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.models.products import RISK_LEVELS
from crm.services.customers.suitability import CATEGORY_RISK


class ProductOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    category = fields.String()
    risk_level = fields.String()
    is_active = fields.Boolean(data_key="active")
    needs_disclosure = fields.Boolean()


class ProductIn(Schema):
    """A new product; its risk level follows from the category."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    category = fields.String(required=True, validate=validate.OneOf(tuple(CATEGORY_RISK)))
    is_active = fields.Boolean(data_key="active", load_default=True)
    needs_disclosure = fields.Boolean(
        metadata={"description": "High-risk business needing a signed risk disclosure; defaults by category."}
    )


class ProductPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    category = fields.String(validate=validate.OneOf(tuple(CATEGORY_RISK)))
    is_active = fields.Boolean(data_key="active")
    needs_disclosure = fields.Boolean()


class ProductQuery(Schema):
    category = fields.String(validate=validate.OneOf(tuple(CATEGORY_RISK)))
    risk_level = fields.String(validate=validate.OneOf(RISK_LEVELS))
    active = fields.Boolean()


class CategoryOut(Schema):
    category = fields.String()
    risk_level = fields.String()
