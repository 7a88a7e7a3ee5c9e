"""SMS to staff: the notices the escalation sweep queued, sent as one digest per person (DOMAIN §5)."""

from flask import current_app

from crm.core import clock
from crm.extensions import db
from crm.services.cases.notifications import send_due_sms
from telephony.client import get_client


def send_staff_sms():
    """Every minute: send what may go out now through the telephony client, then commit."""
    run = send_due_sms(db.session, clock.now(), get_client(current_app).send_sms)
    db.session.commit()
    return {"sent": run.sent, "failed": run.failed}
