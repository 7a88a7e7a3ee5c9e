"""Customer SMS (``telephony`` queue): ``send_customer_messages`` runs every minute, and the API enqueues it
at once when a message may go now. The database is the outbox (``crm.services.messages.outbox``): a run
lost with the queue loses nothing, and a claim never confirmed is taken again once ``SMS_LEASE`` runs out.
"""

from datetime import timedelta

from flask import current_app

from crm.core import clock
from crm.extensions import db
from crm.services.messages import outbox
from telephony.client import get_client
from telephony.urls import public_url


def send_customer_messages():
    lease = timedelta(seconds=current_app.config["SMS_LEASE"])
    run = outbox.send_due(db.session, clock.now(), send_customer_sms, lease)
    return {"welcomed": run.welcomed, "sent": run.sent, "blocked": run.blocked, "failed": run.failed}


def send_customer_sms(to, body):
    return get_client().send_sms(to, body, status_callback=public_url("twilio.sms_status"))
