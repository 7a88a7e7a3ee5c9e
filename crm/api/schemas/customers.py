"""Customers in and out. What goes out is ``services.customers.customer_view`` — already masked per viewer."""

from marshmallow import Schema, ValidationError, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.i18n import LANGUAGES
from crm.models.customers import CHANNELS, CLASSES, DECISION_STYLES, STATUSES, TRADING_HABITS, VALUE_SEGMENTS
from crm.services.customers import field_rules


def _choice(values):
    return fields.String(allow_none=True, validate=validate.OneOf(values))


def _rule(check):
    """A field's ``post_load`` applying a customer-field rule, the one the CSV import applies: what the rule
    returns is loaded (an ID number in capitals, an amount rounded to its column); its ``ValueError`` is the 422
    naming the field."""

    def load(value):
        try:
            return check(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    return load


# A customer's phones: mobile, home, office and a few more; a longer list is no customer's (422).
MAX_PHONES = 10


class PhoneIn(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    label = fields.String(load_default="mobile", validate=validate.Length(min=1, max=16))


class CustomerFields(Schema):
    """Fields a client may set. The class is derived and the risk tolerance comes from the questionnaire:
    sending either is refused (422, unknown field)."""

    account_no = fields.String(allow_none=True, post_load=_rule(field_rules.account_no))
    name = fields.String(post_load=_rule(field_rules.name))
    id_number = fields.String(allow_none=True, post_load=_rule(field_rules.id_number))
    email = fields.String(allow_none=True, post_load=_rule(field_rules.email))
    phones = fields.List(fields.Nested(PhoneIn), validate=validate.Length(max=MAX_PHONES))
    manager_id = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    assets = fields.Decimal(post_load=_rule(field_rules.assets))
    turnover_rate = fields.Decimal(post_load=_rule(field_rules.turnover_rate))
    last_trade_on = fields.Date(allow_none=True)
    preferred_channel = _choice(CHANNELS)
    language = fields.String(
        validate=validate.OneOf(tuple(LANGUAGES)), metadata={"description": "Of the text messages sent to them."}
    )
    birthday = fields.Date(allow_none=True)
    is_vip = fields.Boolean()
    vip_since = fields.Date(allow_none=True)
    trading_habit = _choice(TRADING_HABITS)
    value_segment = _choice(VALUE_SEGMENTS)
    decision_style = _choice(DECISION_STYLES)


class CustomerIn(CustomerFields):
    name = fields.String(required=True, post_load=_rule(field_rules.name))
    # Admins only: others create in their own branch. An admin may omit it when naming a manager.
    branch_id = fields.Integer(allow_none=True)


class CustomerPatch(CustomerFields):
    # Required when phones or e-mail change (DOMAIN §1: the call recording the change rests on).
    evidence = fields.String(validate=validate.Length(min=1, max=500))


class CloseArgs(Schema):
    evidence = fields.String(validate=validate.Length(min=1, max=500))


class CustomerQuery(Schema):
    q = fields.String(validate=validate.Length(min=1, max=120))
    customer_class = fields.String(data_key="class", validate=validate.OneOf(CLASSES))
    manager_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(STATUSES))
    branch_id = fields.Integer()


LOOKUP_PHONE_MAX = 40  # characters of the screen pop's ``phone`` (its fast lane checks the same)


class LookupQuery(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=LOOKUP_PHONE_MAX))


class PhoneOut(Schema):
    number = fields.String()
    label = fields.String()


class BranchBrief(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class CustomerOut(Schema):
    id = fields.Integer()
    account_no = fields.String(allow_none=True)
    name = fields.String()
    id_number = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phones = fields.List(fields.Nested(PhoneOut))
    masked = fields.Boolean(
        metadata={
            "description": "True when ID number (last four only), phones, birthday's year and e-mail's "
            "local part are masked for this viewer."
        }
    )
    branch = fields.Nested(BranchBrief)
    manager = fields.Nested(StaffBrief, allow_none=True)
    status = fields.String()
    customer_class = fields.String(data_key="class")
    assets = fields.Decimal(as_string=True)
    turnover_rate = fields.Decimal(as_string=True)
    last_trade_on = fields.Date(allow_none=True)
    preferred_channel = fields.String(allow_none=True)
    language = fields.String()
    birthday = fields.String(
        allow_none=True, metadata={"description": "YYYY-MM-DD; the year is ``****`` when ``masked``."}
    )
    is_vip = fields.Boolean()
    vip_since = fields.Date(allow_none=True)
    risk_tolerance = fields.String(allow_none=True, metadata={"description": "From the newest confirmed assessment."})
    risk_assessment_pending = fields.Boolean(
        metadata={"description": "A newer assessment awaits the customer's confirmation."}
    )
    trading_habit = fields.String(allow_none=True)
    value_segment = fields.String(allow_none=True)
    decision_style = fields.String(allow_none=True)
    sms_opted_out = fields.Boolean(metadata={"description": "The customer opted out of SMS (退订): none is sent."})
    sms_opted_out_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class VisitBrief(Schema):
    id = fields.Integer()
    started_at = fields.DateTime()
    channel = fields.String()
    purpose = fields.String()
    summary = fields.String()
    manager = fields.Nested(StaffBrief)


class CustomerCard(CustomerOut):
    """The screen pop: the customer plus their latest visits."""

    last_visits = fields.List(fields.Nested(VisitBrief))


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Nested(StaffBrief, allow_none=True, metadata={"description": "None: the system."})
    field = fields.String()
    old_value = fields.String(allow_none=True)
    new_value = fields.String(allow_none=True)
    evidence = fields.String(allow_none=True)
