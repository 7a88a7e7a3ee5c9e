"""The periodic jobs, declared once as data, and the RQ cron scheduler built from them.

Each entry's ``name`` is its stable identity in Redis (job history, monitoring); renaming
one starts a new history. Cron expressions are evaluated in UTC (RQ's clock); jobs work
out local dates from the one clock themselves. Run exactly one scheduler per Redis.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from rq import Retry
from rq.cron import CronJob

from workers import calls, jobs, messages, quality, reports, sms, surveys
from workers.retry import BACKOFF
from workers.scheduler import KefuScheduler


@dataclass(frozen=True)
class Periodic:
    name: str
    func: Callable
    queue: str = "default"
    interval: int | None = None  # seconds between runs (the first run is at start-up)
    cron: str | None = None  # five-field cron expression, UTC
    timeout: int = 300  # seconds before the worker kills the job
    retry: Retry | None = BACKOFF


SCHEDULE = (
    # The escalation ladder (DOMAIN §5); the database says what is due, so a lost run loses nothing.
    Periodic("deadline-sweep", jobs.sweep_deadlines, interval=60, timeout=600),
    # 00:10 in Asia/Shanghai: look a year ahead in the business calendar, warn when 调休 is unpublished.
    Periodic("calendar-refresh", jobs.refresh_calendar, cron="10 16 * * *"),
    # 00:30 in Asia/Shanghai: dormancy is a matter of the calendar day.
    Periodic("nightly-reclassification", jobs.reclassify_customers, cron="30 16 * * *", timeout=1800),
    # 00:50 in Asia/Shanghai: webhook receipts past the retention period go (issue 10 §11).
    Periodic("idempotency-pruning", jobs.prune_idempotency_records, cron="50 16 * * *", timeout=1800),
    # 01:10 in Asia/Shanghai: sessions and API tokens that ended over 30 days ago go.
    Periodic("credentials-pruning", jobs.prune_ended_credentials, cron="10 17 * * *", timeout=1800),
    # 09:00 in Asia/Shanghai: high-risk disclosures due for renewal land in the managers' inboxes (issue 10 §8).
    Periodic("disclosure-renewal", jobs.remind_disclosures, cron="0 1 * * *"),
    # 17:30 in Asia/Shanghai, after business hours: the day's work logs, and on the week's last working day
    # the weekly summaries (工作日志 · 周工作总结); a missed run is made good by ``kefu generate-work-logs``.
    Periodic("work-logs", jobs.generate_work_logs, cron="30 9 * * *", timeout=1800),
    # Complaints still undispatched after 5 minutes: phone the supervisor on duty (issue 5 §5).
    Periodic("complaint-dispatch-calls", calls.call_about_undispatched_complaints, "telephony", cron="* * * * *"),
    # Staff SMS (reminders, escalations, pages) as one digest per person; held to business hours by the service.
    Periodic("staff-sms", sms.send_staff_sms, "telephony", cron="* * * * *"),
    # Unsigned complaint registers of the previous working day, in the supervisors' inbox once business opens.
    Periodic("complaint-register-reminders", jobs.remind_unsigned_complaint_registers, cron="*/15 * * * *"),
    # Birthdays, kept dates and visits' next steps up to the next working day, once business opens (issue 11).
    Periodic("care-reminders", jobs.send_care_reminders, cron="*/15 * * * *"),
    # Customer SMS and welcome messages (held to business hours unless urgent; never to who opted out).
    Periodic("customer-sms", messages.send_customer_messages, "telephony", cron="* * * * *"),
    # Callback surveys due now (held to business hours by the service, DOMAIN §7). Every 10 s, not every
    # minute: the calls a minute owes go out in six small groups, and so do their webhooks.
    Periodic("survey-dialer", surveys.dial_surveys, "telephony", interval=10),
    # Report runs whose job was lost (queue flushed, worker killed) go back on the reports queue (issue 11 §6).
    Periodic("report-runs-sweep", reports.sweep_report_runs, cron="* * * * *"),
    # Working mornings, once business opens: the day's risk-classification tables (S2 §8.4, issue 11 §7).
    Periodic("risk-classification-tables", reports.produce_risk_tables, cron="*/15 * * * *"),
    # Ended agent calls checked against the QA phrases (greeting with job number, closing, read-back, 忌语).
    Periodic("qa-checks", quality.check_calls, cron="*/5 * * * *"),
)


def build_scheduler(connection, app=None, schedule=SCHEDULE, scheduler_class=KefuScheduler):
    """A cron scheduler holding every periodic job of ``schedule``, writing its heartbeat through ``app``."""
    scheduler = scheduler_class(connection=connection, app=app)
    for periodic in schedule:
        job = RetryingCronJob(
            periodic.queue,
            periodic.func,
            interval=periodic.interval,
            cron=periodic.cron,
            job_timeout=periodic.timeout,
            name=periodic.name,
            retry=periodic.retry,
        )
        # What CronScheduler.register does; rq (2.12) has neither a retry option there nor a public
        # way to add a ready-made CronJob, so the job goes on the list get_jobs() returns.
        scheduler.get_jobs().append(job)
    return scheduler


class RetryingCronJob(CronJob):
    """A cron job whose runs are enqueued with an ``rq.Retry``."""

    def __init__(self, *args, retry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if retry:
            self.job_options["retry"] = retry  # passed to Queue.enqueue with the other job options

    def to_dict(self):
        """The monitoring record the scheduler keeps in Redis, with the retry policy as JSON."""
        record = super().to_dict()
        if "retry" in record:
            record["retry"] = json.dumps({"max": record["retry"].max, "intervals": record["retry"].intervals})
        return record
