"""Telephony RQ jobs (``telephony`` queue): outbound calls never happen inside a webhook.

- ``call_about_undispatched_complaints`` (periodic, every minute): complaints still not
  dispatched after their 5-minute deadline get a phone call to each supervisor on duty —
  claimed in the database first (``complaint_line.claim_dispatch_calls``), so a call is placed
  once per case and supervisor however many workers run; each call is its own retried job.
- ``place_greeting_call``: rings an admin's phone to record a greeting (``greetings_record``).
"""

from crm.core import clock
from crm.extensions import db, queues
from crm.services.calls import complaint_line
from telephony.client import get_client
from telephony.urls import public_url
from workers.retry import BACKOFF

QUEUE = "telephony"


def call_about_undispatched_complaints():
    claims = complaint_line.claim_dispatch_calls(db.session, clock.now())
    db.session.commit()
    queue = queues.queue(QUEUE)
    for claim in claims:
        queue.enqueue(place_dispatch_call, claim.case_id, claim.phone, retry=BACKOFF)
    return len(claims)


def place_dispatch_call(case_id, phone):
    return get_client().place_call(
        to=phone,
        from_=None,
        url=public_url("twilio.complaint_page", case_id=case_id),
        status_callback=public_url("twilio.status"),
    )


def place_greeting_call(script_id, phone):
    return get_client().place_call(
        to=phone,
        from_=None,
        url=public_url("twilio.record_greeting", script_id=script_id),
        status_callback=public_url("twilio.status"),
    )
