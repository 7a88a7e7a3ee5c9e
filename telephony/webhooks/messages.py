"""Customer SMS webhooks — issue 10 item 9: Twilio's delivery status of a message we sent, and the
customers' own messages to our number (a reply of "TD"/"退订" opts them out).

Both go through the guard (signed, checked, idempotent by MessageSid) and answer empty TwiML: Twilio
sends nothing back to the customer. An inbound text that is not an opt-out is not kept (nobody reads
this number's inbox; the message would be personal data with no purpose).
"""

from flask import request
from twilio.twiml.messaging_response import MessagingResponse

from crm.extensions import db
from crm.services.messages import delivery, opt_out
from telephony.blueprint import twilio_blueprint
from telephony.security import twilio_webhook


@twilio_blueprint.post("/sms/status")
@twilio_webhook("sms_status", sid="MessageSid", fallback=MessagingResponse)
def sms_status():
    form = request.form
    delivery.apply_status(db.session, form["MessageSid"], form.get("MessageStatus", ""), form.get("ErrorCode"))
    return MessagingResponse()


@twilio_blueprint.post("/sms/inbound")
@twilio_webhook("sms_inbound", sid="MessageSid", fallback=MessagingResponse)
def sms_inbound():
    form = request.form
    opt_out.inbound_reply(db.session, form.get("From", ""), form.get("Body", ""), form["MessageSid"])
    return MessagingResponse()
