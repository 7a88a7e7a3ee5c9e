"""The error body every API error has (``crm.api.errors``), as the OpenAPI document shows it."""

from marshmallow import Schema

from crm.api.schemas import fields


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "not_found"})
    message = fields.String(required=True)
    field_errors = fields.Dict(
        keys=fields.String(),
        required=True,
        data_key="fields",
        metadata={"description": "field name → what is wrong with it (a list of messages, or nested fields)"},
    )


class ErrorOut(Schema):
    error = fields.Nested(ErrorDetail, required=True)
