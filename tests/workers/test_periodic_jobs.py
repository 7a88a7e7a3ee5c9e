"""The deadline sweep and the calendar look-ahead as the workers run them: through the queue."""

import logging
from datetime import date

import pytest
from rq import Queue
from sqlalchemy import func, select

from crm.models import CalendarOverride, CaseEvent
from tests.case_factories import DUE, HEAD, OPENED, CaseFactory
from workers import jobs
from workers.worker import EmbeddedWorker


def _run_queued(app, connection):
    EmbeddedWorker(["default"], connection=connection, app=app).work(burst=True)


def _steps_per_case(db):
    """{(case id, action): how many times it is in the history}."""
    rows = db.session.execute(
        select(CaseEvent.case_id, CaseEvent.action, func.count()).group_by(CaseEvent.case_id, CaseEvent.action)
    )
    return {(case_id, action): n for case_id, action, n in rows}


def _three_cases(db, make, branch):
    owner = make.staff(role="agent", branch=branch)
    make.staff(role="supervisor", branch=branch)
    factory = CaseFactory(db.session)
    return [factory.case(owner, opened_at=OPENED).id for _ in range(3)]


def test_the_sweep_job_takes_the_due_steps_and_returns_what_it_did(app, db, make, branch, queue):
    ids = _three_cases(db, make, branch)
    job = Queue("default", connection=queue).enqueue(jobs.sweep_deadlines, DUE)

    _run_queued(app, queue)

    result = job.return_value()
    assert result["steps"]["escalation.reminded"] == 3 and result["steps"]["escalation.overdue"] == 3
    assert result["case_ids"] == ids


def test_sweep_jobs_flushed_from_the_queue_are_made_up_by_the_next_one_each_step_once(app, db, make, branch, queue):
    ids = _three_cases(db, make, branch)
    default = Queue("default", connection=queue)
    for _ in range(2):
        default.enqueue(jobs.sweep_deadlines, DUE)
    queue.flushdb()  # Redis restarted empty: the queued sweeps are gone

    default.enqueue(jobs.sweep_deadlines, HEAD)
    default.enqueue(jobs.sweep_deadlines, HEAD)  # and a retry or a second worker sweeps as well
    _run_queued(app, queue)

    steps = ("escalation.reminded", "escalation.overdue", "escalation.branch_head")
    assert _steps_per_case(db) == {(case_id, step): 1 for case_id in ids for step in steps}


@pytest.fixture
def warnings_logged(caplog, monkeypatch):
    """The job's warnings; the test app's migration (Alembic's fileConfig) disabled the loggers of its time."""
    monkeypatch.setattr(jobs.log, "disabled", False)
    with caplog.at_level(logging.WARNING, logger=jobs.log.name):
        yield caplog


def test_the_calendar_refresh_warns_while_next_years_adjusted_working_days_are_unpublished(db, clock, warnings_logged):
    ahead = jobs.refresh_calendar()  # today is 23 November 2026; the library has no 2027 调休 yet

    assert ahead["from"] == "2026-11-23" and ahead["to"] == "2027-12-27"
    assert ahead["years_without_arrangement"] == [2027]
    assert "not published yet for 2027" in warnings_logged.text


def test_an_adjusted_working_day_entered_by_an_admin_counts_as_the_arrangement(db, clock, warnings_logged):
    db.session.add(CalendarOverride(day=date(2027, 2, 20), kind="workday"))
    db.session.commit()

    ahead = jobs.refresh_calendar()

    assert ahead["years_without_arrangement"] == []
    assert warnings_logged.text == ""


def test_the_disclosure_renewal_job_uses_the_interval_setting(app, db, make, agent, clock, queue, monkeypatch):
    from datetime import timedelta

    from tests.unit.test_disclosure_reminders import disclosure, reminders

    monkeypatch.setitem(app.config, "DISCLOSURE_RENEWAL_DAYS", 30)
    disclosure(db, make.customer(manager=agent), clock.at - timedelta(days=31))
    job = Queue("default", connection=queue).enqueue(jobs.remind_disclosures)
    _run_queued(app, queue)
    assert job.return_value() == 1
    assert [notice.recipient_id for notice in reminders(db)] == [agent.id]


def test_the_care_reminder_job_writes_tomorrows_birthday_once(app, db, make, agent, clock, queue):
    make.customer(manager=agent, birthday=date(1990, 11, 24))  # Tuesday; the clock stands on Monday 10:00
    default = Queue("default", connection=queue)
    first, second = default.enqueue(jobs.send_care_reminders), default.enqueue(jobs.send_care_reminders)
    _run_queued(app, queue)
    assert (first.return_value(), second.return_value()) == (1, 0)
