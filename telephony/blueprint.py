"""The blueprint every call flow adds its webhook routes to (mounted at /twilio)."""

from flask import Blueprint

from crm.extensions import WEBHOOKS

twilio_blueprint = Blueprint(WEBHOOKS, __name__, url_prefix="/twilio")
