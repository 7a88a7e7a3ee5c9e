"""The blueprint every call flow adds its webhook routes to (mounted at /twilio)."""

from flask import Blueprint

twilio_blueprint = Blueprint("twilio", __name__, url_prefix="/twilio")
