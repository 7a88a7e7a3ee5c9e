"""The webhooks Twilio calls, under /twilio: one module per call flow, each adding its routes to
``twilio_blueprint`` when imported. The flows listed here are the ones mounted."""

from telephony.blueprint import twilio_blueprint
from telephony.webhooks import calls, complaints, greetings_record, ivr, outbound, surveys

__all__ = ["twilio_blueprint", "calls", "complaints", "greetings_record", "ivr", "outbound", "surveys"]
