"""Twilio webhooks under /twilio/, TwiML builders, the REST client and its local stand-in."""


def register_telephony(app):
    """Mount the webhooks of every call flow (``telephony.webhooks``) and, when simulated, the Twilio stand-in."""
    from telephony.standin import register_standin
    from telephony.webhooks import twilio_blueprint

    app.register_blueprint(twilio_blueprint)
    register_standin(app)
