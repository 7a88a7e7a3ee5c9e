from marshmallow import Schema

from crm.api.common import PageArgs, page_schema
from crm.api.schemas import fields


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    text = fields.String()
    case_id = fields.Integer(allow_none=True)
    customer_id = fields.Integer(allow_none=True, metadata={"description": "the customer a care reminder is about"})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    read = fields.Function(lambda notice: notice.read_at is not None)
    sms_state = fields.String()


class InboxArgs(PageArgs):
    unread = fields.Boolean(load_default=None, metadata={"description": "true: unread only; false: read only"})


class InboxPage(page_schema(NotificationOut, "NotificationPageBase")):
    unread_total = fields.Integer(metadata={"description": "all unread notices, whatever the filter"})


class ReadAllOut(Schema):
    marked = fields.Integer(metadata={"description": "notices marked read by this call"})
