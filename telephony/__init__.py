"""Twilio webhooks under /twilio/, TwiML builders, the REST client and its local stand-in."""

import importlib
import pkgutil


def register_telephony(app):
    """Load every call-flow module in ``telephony.webhooks`` (each adds routes), then mount them."""
    from telephony import webhooks
    from telephony.blueprint import twilio_blueprint

    for info in sorted(pkgutil.iter_modules(webhooks.__path__), key=lambda m: m.name):
        importlib.import_module(f"{webhooks.__name__}.{info.name}")
    app.register_blueprint(twilio_blueprint)
    from telephony.standin import register_standin

    register_standin(app)
