"""Callback survey calls (DOMAIN §7): every minute on the ``telephony`` queue, open the runs owed to resolved cases
and ring the survey runs that are due."""

from flask import current_app

from crm.core import clock
from crm.extensions import db
from crm.services.surveys import dialer
from telephony.client import get_client
from telephony.urls import public_url


def place_survey_call(run):
    """Ring ``run``'s customer with the survey flow, Twilio's answering-machine detection and our status callback."""
    return get_client(current_app).place_call(
        to=run.to_number,
        from_=None,
        url=public_url("twilio.survey_start", run_id=run.id),
        status_callback=public_url("twilio.survey_status", run_id=run.id),
        machine_detection="Enable",
    )


def dial_surveys():
    """The service opens the owed runs and claims the due ones (once, whatever the number of workers) and commits
    as it dials, spacing the calls by the account's calls-per-second limit."""
    summary = dialer.dial_due(
        db.session, clock.now(), place_survey_call, calls_per_s=current_app.config["SURVEY_CALLS_PER_SECOND"]
    )
    return {
        "opened": summary.opened,
        "placed": len(summary.placed),
        "failed": len(summary.failed),
        "given_up": summary.given_up,
    }
