"""The agent desk during and after a call: the screen-pop card, the greeting panel and the wrap-up.

Fragments loaded into the desk page's regions by ``static/desk_call.js`` when the softphone says the
phone rings (card, greeting) and when the call ends (wrap-up form). Who may open a call's fragments is
``crm.services.calls.wrap_up.may_open`` (the agent it was routed to, the branch's supervisors, admins);
what the card shows is ``crm.services.calls.call_card`` (the API's masks). The JSON posts answer errors
in the API's shape, so ``console.js`` shows them next to the form's inputs.
"""

from functools import wraps

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from crm.auth import current_staff
from crm.console.views import console
from crm.core import clock
from crm.errors import DomainError, InvalidInput
from crm.extensions import db
from crm.models import Customer
from crm.models.cases import KINDS, PRIORITIES
from crm.models.customers import CHANNELS
from crm.models.visits import PURPOSES
from crm.services.calls.call_card import call_card
from crm.services.calls.wrap_up import DISPOSITIONS, call_for_desk, link_customer, wrap_up
from crm.services.org.access import visible_row
from crm.services.quality.agent_greeting import agent_greeting

DISPOSITION_NAMES = {
    "resolved": _l("Resolved on the call"),
    "case_opened": _l("Case opened"),
    "callback_booked": _l("Callback booked"),
    "visit_logged": _l("Visit logged"),
    "wrong_number": _l("Wrong number"),
    "other": _l("Other"),
}
RISK_BANDS = {
    "very_low": _l("Very low risk tolerance"),
    "low": _l("Low risk tolerance"),
    "medium": _l("Medium risk tolerance"),
    "high": _l("High risk tolerance"),
}


def signed_in(view):
    """The fragment for a signed-in staff member; 401 (not the login page) inside the desk."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        staff = current_staff()
        if staff is None:
            return jsonify({"error": {"code": "unauthorized", "message": "Sign in.", "fields": {}}}), 401
        return view(staff, *args, **kwargs)

    return wrapper


def json_errors(view):
    """Domain errors as the API's JSON (rolled back: nothing half-written), for ``console.js``."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            db.session.rollback()
            return jsonify(exc.to_dict()), exc.status

    return wrapper


@console.get("/desk/calls/<call_sid>/card")
@signed_in
def call_card_fragment(staff, call_sid):
    call = call_for_desk(db.session, staff, call_sid)
    card = call_card(db.session, staff, call)
    return render_template("desk/card.html", staff=staff, risk_bands=RISK_BANDS, now=clock.now(), **card)


@console.post("/desk/calls/<call_sid>/customer")
@signed_in
@json_errors
def link_prospect(staff, call_sid):
    """The prospect just created (through the customers API) becomes the call's customer."""
    call = call_for_desk(db.session, staff, call_sid)
    customer_id = (request.get_json(silent=True) or {}).get("customer_id")
    if not isinstance(customer_id, int):
        raise InvalidInput("Name the customer.", {"customer_id": ["An id is required."]})
    link_customer(db.session, staff, call, visible_row(db.session, staff, Customer, customer_id))
    db.session.commit()
    return jsonify({"call_sid": call.sid, "customer_id": customer_id})


@console.get("/desk/greeting")
@signed_in
def desk_greeting(staff):
    return render_template("desk/greeting.html", greeting=agent_greeting(db.session, staff))


@console.get("/desk/calls/<call_sid>/greeting")
@signed_in
def call_greeting(staff, call_sid):
    call = call_for_desk(db.session, staff, call_sid)
    return render_template("desk/greeting.html", greeting=agent_greeting(db.session, staff, call))


@console.get("/desk/calls/<call_sid>/wrap-up")
@signed_in
def wrap_up_form(staff, call_sid):
    call = call_for_desk(db.session, staff, call_sid)
    return render_template(
        "desk/wrap_up.html",
        call=call,
        dispositions=[(code, DISPOSITION_NAMES[code]) for code in DISPOSITIONS],
        case_kinds=KINDS,
        visit_channels=CHANNELS,
        visit_purposes=PURPOSES,
    )


@console.post("/desk/calls/<call_sid>/wrap-up")
@signed_in
@json_errors
def save_wrap_up(staff, call_sid):
    call = call_for_desk(db.session, staff, call_sid)
    try:
        form = WrapUpForm().load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        raise InvalidInput("Some fields are invalid: " + ", ".join(sorted(exc.messages)), exc.messages) from exc
    wrap_up(db.session, staff, call, _wrap_up_data(form))
    db.session.commit()
    return jsonify(
        {"call_sid": call.sid, "disposition": call.disposition, "case_id": call.case_id, "visit_id": call.visit_id}
    )


class WrapUpForm(Schema):
    """The wrap-up form's flat inputs; the optional actions' fields are required when their box is ticked."""

    class Meta:
        unknown = EXCLUDE

    disposition = fields.String(required=True, validate=validate.OneOf(DISPOSITIONS))
    notes = fields.String(load_default=None)
    open_case = fields.Boolean(load_default=False)
    case_kind = fields.String(validate=validate.OneOf(KINDS))
    case_priority = fields.String(validate=validate.OneOf(PRIORITIES))
    case_subject = fields.String(validate=validate.Length(min=1, max=200))
    case_body = fields.String()
    case_demand = fields.String()
    log_visit = fields.Boolean(load_default=False)
    visit_channel = fields.String(validate=validate.OneOf(CHANNELS))
    visit_purpose = fields.String(validate=validate.OneOf(PURPOSES))
    visit_summary = fields.String(validate=validate.Length(min=1))
    visit_outcome = fields.String()
    visit_next_step = fields.String()
    visit_next_step_on = fields.Date()
    book_callback = fields.Boolean(load_default=False)
    callback_at = fields.DateTime()

    @validates_schema
    def actions_complete(self, data, **kwargs):
        required = {
            "open_case": ("case_kind", "case_subject"),
            "log_visit": ("visit_summary",),
            "book_callback": ("callback_at",),
        }
        missing = {
            name: ["Required."]
            for box, names in required.items()
            if data.get(box)
            for name in names
            if not data.get(name)
        }
        if missing:
            raise ValidationError(missing)


def _wrap_up_data(form):
    """The form's flat inputs as the wrap-up service takes them."""

    def part(prefix):
        return {name.removeprefix(prefix): value for name, value in form.items() if name.startswith(prefix)}

    callback_at = form.get("callback_at") if form["book_callback"] else None
    if callback_at is not None and callback_at.tzinfo is None:  # a datetime-local input: the installation's time
        callback_at = callback_at.replace(tzinfo=clock.zone())
    return {
        "disposition": form["disposition"],
        "notes": form.get("notes"),
        "case": part("case_") if form["open_case"] else None,
        "visit": part("visit_") if form["log_visit"] else None,
        "callback_at": callback_at,
    }
