"""Callback survey calls (DOMAIN §7): every minute on the ``telephony`` queue, open the runs owed to resolved cases
and ring the survey runs that are due."""

from flask import current_app

from crm.core import clock
from crm.extensions import db
from crm.services.surveys import dialer
from telephony.client import get_client
from workers.calls import webhook_url


def place_survey_call(run):
    """Ring ``run``'s customer with the survey flow, Twilio's answering-machine detection and our status callback."""
    return get_client(current_app).place_call(
        to=run.to_number,
        from_=None,
        url=webhook_url(f"/twilio/surveys/{run.id}/start"),
        status_callback=webhook_url(f"/twilio/surveys/{run.id}/status"),
        machine_detection="Enable",
    )


def dial_surveys():
    """The service opens the owed runs and claims the due ones (once, whatever the number of workers) and commits
    as it dials."""
    summary = dialer.dial_due(db.session, clock.now(), place_survey_call)
    return {
        "opened": summary.opened,
        "placed": len(summary.placed),
        "failed": len(summary.failed),
        "given_up": summary.given_up,
    }
