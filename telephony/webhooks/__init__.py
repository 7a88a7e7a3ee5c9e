"""One module per call flow; each adds its routes to ``telephony.blueprint.twilio_blueprint``."""
