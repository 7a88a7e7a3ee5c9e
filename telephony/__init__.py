"""Twilio webhooks under /twilio/, TwiML builders, the REST client and its local stand-in."""

import importlib

# Every call flow mounted under /twilio (telephony/webhooks/<name>.py adds its routes when imported).
CALL_FLOWS = ("calls", "complaints", "greetings_record", "ivr", "outbound", "surveys")


def register_telephony(app):
    """Mount the webhooks of every call flow above and, when simulated, the local Twilio stand-in."""
    from telephony.blueprint import twilio_blueprint
    from telephony.standin import register_standin

    for name in CALL_FLOWS:
        importlib.import_module(f"telephony.webhooks.{name}")
    app.register_blueprint(twilio_blueprint)
    register_standin(app)
