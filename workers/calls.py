"""Telephony RQ jobs (``telephony`` queue): outbound calls never happen inside a webhook.

- ``call_about_undispatched_complaints`` (periodic, every minute): complaints still not
  dispatched after their 5-minute deadline get a phone call to each supervisor on duty. The
  database records each call owed and its CallSid once placed (``dispatch_calls``); a claim this
  job took and never confirmed (the job lost, the worker killed) is taken again by a later run
  once its lease (``CALLOUT_LEASE``) has run out.
- ``place_greeting_call``: rings an admin's phone to record a greeting (``greetings_record``).
"""

from datetime import timedelta

from flask import current_app

from crm.core import clock
from crm.extensions import db
from crm.services.calls import dispatch_calls
from telephony.client import get_client
from telephony.urls import public_url

QUEUE = "telephony"


def call_about_undispatched_complaints():
    lease = timedelta(seconds=current_app.config["CALLOUT_LEASE"])
    run = dispatch_calls.run(db.session, clock.now(), place_dispatch_call, lease)
    return {"owed": run.owed, "placed": len(run.placed), "failed": run.failed}


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
