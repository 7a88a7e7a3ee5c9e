"""One module per call flow; each adds its routes to ``telephony.blueprint.twilio_blueprint``.

Flows share the guard (``telephony.security``), the TwiML and menu builders (``telephony.twiml``) and the
spoken scripts (``telephony.prompts``); a flow asks the services what to do and only renders the answer.
"""
