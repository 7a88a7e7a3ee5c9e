from marshmallow import Schema, validate

from crm.api.common import PageArgs
from crm.api.schemas import fields
from crm.api.schemas.customers import PhoneOut
from crm.api.schemas.staff import StaffBrief
from crm.models.care import DATE_KINDS


class CustomerDateIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(DATE_KINDS))
    day = fields.Date(required=True, metadata={"description": "the date; a yearly one recurs on its month and day"})
    yearly = fields.Boolean(load_default=True)
    label = fields.String(allow_none=True, validate=validate.Length(max=80))


class CustomerDateOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    kind = fields.String()
    day = fields.Date()
    yearly = fields.Boolean()
    label = fields.String(allow_none=True)
    created_at = fields.DateTime()


class CadenceIn(Schema):
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=3660))


class CadenceOut(Schema):
    customer_class = fields.String(data_key="class")
    days = fields.Integer()
    updated_at = fields.DateTime()
    updated_by = fields.Nested(StaffBrief, allow_none=True)


class CallListQuery(PageArgs):
    manager_id = fields.Integer()


class CallListEntry(Schema):
    customer_id = fields.Integer()
    name = fields.String()
    customer_class = fields.String(data_key="class")
    phones = fields.List(fields.Nested(PhoneOut))
    masked = fields.Boolean()
    manager = fields.Nested(StaffBrief)
    last_contact_at = fields.DateTime(allow_none=True, metadata={"description": "None: never contacted"})
    last_contact_on = fields.Date(allow_none=True, metadata={"description": "its local date"})
    cadence_days = fields.Integer()
    due_on = fields.Date(metadata={"description": "last contact (else creation) + cadence"})
    days_overdue = fields.Integer()
