"""Twilio webhooks under /twilio/, TwiML builders, webhook URLs, the REST client and its local stand-in.

An edge like the API: a webhook verifies, calls one service and returns TwiML. It may import services,
models and ``crm.extensions``; services never import telephony, and workers use only its client and URLs.
"""

import importlib


def register_telephony(app, call_flows):
    """Mount the webhooks of ``call_flows`` (``telephony/webhooks/<name>.py`` adds its routes when imported)
    and, when simulated, the local Twilio stand-in."""
    from telephony.blueprint import twilio_blueprint
    from telephony.standin import register_standin

    for name in call_flows:
        importlib.import_module(f"telephony.webhooks.{name}")
    app.register_blueprint(twilio_blueprint)
    register_standin(app)
