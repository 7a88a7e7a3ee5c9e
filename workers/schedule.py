"""The periodic jobs, declared once as data, and the RQ cron scheduler built from them.

Each entry's ``name`` is its stable identity in Redis (job history, monitoring); renaming
one starts a new history. Cron expressions are evaluated in UTC (RQ's clock); jobs work
out local dates from the one clock themselves. Run exactly one scheduler per Redis.
"""

from collections.abc import Callable
from dataclasses import dataclass

from rq.cron import CronScheduler

from telephony import jobs as telephony_jobs
from workers import jobs, sms, surveys


@dataclass(frozen=True)
class Periodic:
    name: str
    func: Callable
    queue: str = "default"
    interval: int | None = None  # seconds between runs (the first run is at start-up)
    cron: str | None = None  # five-field cron expression, UTC
    timeout: int = 300  # seconds before the worker kills the job


SCHEDULE = (
    # 00:30 in Asia/Shanghai: dormancy is a matter of the calendar day.
    Periodic("nightly-reclassification", jobs.reclassify_customers, cron="30 16 * * *", timeout=1800),
    # Complaints still undispatched after 5 minutes: phone the supervisor on duty (issue 5 §5).
    Periodic(
        "complaint-dispatch-calls", telephony_jobs.call_about_undispatched_complaints, "telephony", cron="* * * * *"
    ),
    # Staff SMS (reminders, escalations, pages) as one digest per person; held to business hours by the service.
    Periodic("staff-sms", sms.send_staff_sms, "telephony", cron="* * * * *"),
    # Callback surveys due now (held to business hours by the service, DOMAIN §7).
    Periodic("survey-dialer", surveys.dial_surveys, "telephony", cron="* * * * *"),
)


def build_scheduler(connection, schedule=SCHEDULE, scheduler_class=CronScheduler):
    """A cron scheduler holding every periodic job of ``schedule``."""
    scheduler = scheduler_class(connection=connection)
    for periodic in schedule:
        scheduler.register(
            periodic.func,
            periodic.queue,
            interval=periodic.interval,
            cron=periodic.cron,
            job_timeout=periodic.timeout,
            name=periodic.name,
        )
    return scheduler
