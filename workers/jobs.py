"""RQ jobs: each opens the app's session, calls one service and commits.

They run inside a Flask app context, which the worker classes in ``workers.worker`` push
around every job.
"""

import logging

from flask import current_app

from crm.core import clock
from crm.extensions import db
from crm.services.activity import care_reminders, work_logs
from crm.services.calls import idempotency
from crm.services.cases import complaint_register, disclosure_reminders, escalation
from crm.services.cases.calendar import look_ahead
from crm.services.customers import reclassification
from crm.services.org import credentials

log = logging.getLogger(__name__)


def reclassify_customers():
    """Nightly: move customers who went dormant to class G, with their audit rows."""
    moved = reclassification.reclassify_all(db.session, clock.local(clock.now()).date())
    db.session.commit()
    return moved


def remind_disclosures():
    """Daily: remind managers whose customers' risk disclosure is older than the renewal interval."""
    written = disclosure_reminders.remind_due(db.session, clock.now(), current_app.config["DISCLOSURE_RENEWAL_DAYS"])
    db.session.commit()
    return written


def sweep_deadlines(at=None, batch_size=escalation.BATCH_SIZE):
    """Every minute: take the escalation steps due now (or at ``at``, an aware datetime: tests, replays).

    The sweep commits batch by batch; a run lost with the queue is made up by the next one.
    """
    return escalation.sweep(db.session, at or clock.now(), batch_size=batch_size).as_dict()


def refresh_calendar():
    """Nightly: walk the installation calendar over the coming 400 days and warn when a year in reach
    lacks the official adjusted working days (China publishes them each autumn; upgrade ``holidays``
    or enter them as overrides meanwhile). The walk also fills the holiday tables of the process that
    runs it, which lasts in the embedded worker only: a production work horse is forked per job."""
    ahead = look_ahead.look_ahead(db.session, clock.local(clock.now()).date())
    db.session.rollback()  # read only: end the transaction the look-up opened
    if ahead.years_without_arrangement:
        log.warning(
            "Holiday arrangement (adjusted working weekends) not published yet for %s: deadlines there "
            "ignore 调休. Upgrade the holidays package or add the days as calendar overrides.",
            ", ".join(map(str, ahead.years_without_arrangement)),
        )
    return ahead.as_dict()


def prune_idempotency_records(at=None, batch_size=idempotency.BATCH_SIZE):
    """Nightly: delete the webhook receipts (and other idempotency records) older than the retention
    period, batch by batch; a run cut short is finished by the next one."""
    return idempotency.prune(db.session, at or clock.now(), batch_size=batch_size)


def prune_ended_credentials(at=None):
    """Nightly: delete the sessions and API tokens that ended (expired or revoked) over 30 days ago."""
    return credentials.prune_ended(db.session, at or clock.now())


def remind_unsigned_complaint_registers(at=None):
    """Working mornings: the previous working day's unsigned complaint registers in the supervisors' inbox."""
    written = complaint_register.remind_unsigned(db.session, at or clock.now())
    db.session.commit()
    return written


def send_care_reminders(at=None):
    """Every 15 minutes: once business has opened on a working day, the care reminders of the dates up to
    the next working day in the managers' inboxes (each once)."""
    written = care_reminders.remind_due(db.session, at or clock.now())
    db.session.commit()
    return written


def generate_work_logs(on=None):
    """Working evenings: each manager's work log of the day, and on the week's last working day the weekly
    summary (``on``: a local date, for tests and replays). Logs already reviewed stay as they were."""
    written = work_logs.generate(db.session, on or clock.local(clock.now()).date())
    db.session.commit()
    return written
