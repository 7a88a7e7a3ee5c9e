"""Many sweepers, one truth: every escalation step is taken exactly once (DESIGN: the database is the
source of truth; queues only execute).

The PostgreSQL + Redis test spawns 4 processes once; in each round every one of them runs a burst
RQ worker — the production ``AppWorker``, one forked work horse per job — on the real Redis queue,
which holds 8 sweep jobs for the same instant over 2,000 cases. Between the rounds the queue is
flushed with a round's jobs in it. Then it counts what the jobs wrote.
"""

import multiprocessing
import traceback
from collections import Counter
from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import func, insert, select

from crm.extensions import queues
from crm.models import Case, CaseDeadline, CaseEvent, Notification
from crm.services.cases.calendar.working_days import BusinessCalendar
from tests.case_factories import DUE, HEAD, OPENED, deadline_row
from workers.jobs import sweep_deadlines

WORKERS = 4
JOBS_PER_ROUND = 8
CASES = 2000
COMPLAINT_EVERY = 4  # every 4th case is a complaint whose dispatch clock also runs out
JOB_BATCH = 100  # small batches, so the workers interleave
WORKER_TIMEOUT_S = 60


def _work_in_own_process(database_url, redis_url, rounds, go, done):
    """One worker process: its own app, engine and Redis connection. At each ``go`` it works the
    ``default`` queue until it is empty, then says so (or sends its traceback)."""
    from crm import create_app
    from crm.config import Config
    from crm.extensions import db
    from workers.worker import AppWorker

    config = Config(
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY="w",
        TWILIO_AUTH_TOKEN="w",
        EMBEDDED_WORKER=False,
    )
    app = create_app(config)
    with app.app_context():
        db.session.execute(select(1))  # connected before the start line: the race is the sweeps'
        db.session.rollback()
        connection = queues.connection
    for _ in range(rounds):
        go.wait(timeout=WORKER_TIMEOUT_S)
        try:
            AppWorker(["default"], connection=connection, app=app).work(burst=True)
        except Exception:
            done.put(traceback.format_exc())  # the test fails with the worker's own error
            raise
        done.put("done")


class Workers:
    """WORKERS spawned processes that each run a burst RQ worker per round, when told to."""

    def __init__(self, database_url, rounds):
        context = multiprocessing.get_context("spawn")
        self.connection = queues.connection
        self.go, self.done = context.Barrier(WORKERS + 1), context.Queue()
        args = (database_url, queues.url, rounds, self.go, self.done)
        self.processes = [context.Process(target=_work_in_own_process, args=args) for _ in range(WORKERS)]

    def __enter__(self):
        for process in self.processes:
            process.start()
        return self

    def enqueue_sweeps(self, at):
        """JOBS_PER_ROUND sweep jobs for the instant ``at`` on the real queue."""
        queue = Queue("default", connection=self.connection)
        return [queue.enqueue(sweep_deadlines, at, JOB_BATCH) for _ in range(JOBS_PER_ROUND)]

    def work(self, jobs):
        """Release every worker at once; when the queue is empty, the steps each job reports."""
        self.go.wait(timeout=WORKER_TIMEOUT_S)
        reports = [self.done.get(timeout=WORKER_TIMEOUT_S) for _ in self.processes]
        failures = [report for report in reports if report != "done"]
        assert not failures, failures[0]
        assert [job.get_status(refresh=True) for job in jobs] == ["finished"] * len(jobs)
        return [{k: v for k, v in job.return_value()["steps"].items() if v} for job in jobs]

    def __exit__(self, *exc):
        for process in self.processes:
            process.join(timeout=WORKER_TIMEOUT_S)
            if process.is_alive():  # a stuck worker must not outlive the test and its database
                process.kill()
        if exc[0] is None:
            assert [process.exitcode for process in self.processes] == [0] * WORKERS


def _fill(db, make):
    """CASES open cases in one branch, inserted in bulk with the deadline rows intake writes."""
    branch = make.branch()
    head, boss = make.staff(role="supervisor", branch=branch), make.staff(role="supervisor", branch=branch)
    duty = make.staff(role="supervisor", branch=branch)
    duty.on_duty = True
    branch.head_id = head.id
    owners = [make.staff(role="agent", branch=branch) for _ in range(4)]
    for owner in owners:
        owner.supervisor_id = boss.id
    db.session.commit()
    calendar = BusinessCalendar()
    kinds = ["complaint" if n % COMPLAINT_EVERY == 0 else "email_inquiry" for n in range(CASES)]
    case_ids = db.session.scalars(
        insert(Case).returning(Case.id, sort_by_parameter_order=True),
        [
            {
                "kind": kind,
                "branch_id": branch.id,
                "channel": "phone",
                "subject": f"批量{n}",
                "owner_id": owners[n % len(owners)].id,
                "opened_at": OPENED,
            }
            for n, kind in enumerate(kinds)
        ],
    ).all()
    resolution = deadline_row(calendar, "resolution", OPENED, 2, "working_days")
    dispatch = deadline_row(calendar, "dispatch", OPENED, 5, "minutes")
    clocks = {"email_inquiry": [resolution], "complaint": [resolution, dispatch]}
    db.session.execute(
        insert(CaseDeadline),
        [{"case_id": case_id, **row} for case_id, kind in zip(case_ids, kinds, strict=True) for row in clocks[kind]],
    )
    db.session.commit()


def _written(db):
    """(events per action, notices per kind, (case, action) pairs written more than once) in the database."""
    db.session.expire_all()
    events, notices = _counts(db, CaseEvent.action), _counts(db, Notification.kind)
    per_step = (
        select(CaseEvent.case_id, CaseEvent.action, func.count().label("n"))
        .group_by(CaseEvent.case_id, CaseEvent.action)
        .subquery()
    )
    doubled = db.session.scalar(select(func.count()).select_from(per_step).where(per_step.c.n > 1))
    return events, notices, doubled


def _counts(db, column):
    return Counter(dict(db.session.execute(select(column, func.count()).group_by(column)).all()))


def _total(reports):
    return sum((Counter(report) for report in reports), Counter())


@pytest.mark.postgres
@pytest.mark.redis
def test_four_worker_processes_take_each_step_of_2000_cases_exactly_once_even_when_the_queue_is_flushed(
    db, make, queue
):
    if db.engine.dialect.name != "postgresql" or queues.backend != "redis":
        pytest.skip("concurrent worker processes need the real PostgreSQL and Redis")
    _fill(db, make)
    complaints = CASES // COMPLAINT_EVERY

    with Workers(db.engine.url.render_as_string(hide_password=False), rounds=2) as workers:
        # Everything but the branch-head step is due: reminders, overdue marks and dispatch pages.
        first = workers.work(workers.enqueue_sweeps(DUE))

        expected_first = {
            "escalation.reminded": CASES,
            "escalation.overdue": CASES,
            "escalation.dispatch_page": complaints,
        }
        assert _total(first) == expected_first
        assert sum(1 for report in first if report) > 1, "the jobs shared the due cases"
        events, notices, doubled = _written(db)
        assert events == expected_first and doubled == 0
        assert notices == {"case_reminder": CASES, "case_overdue": CASES, "complaint_dispatch": complaints}
        assert db.session.scalar(select(func.count()).where(Case.overdue.is_(True))) == CASES

        later = HEAD + timedelta(hours=1)
        workers.enqueue_sweeps(later)
        queue.flushdb()  # Redis restarted empty before the workers got to them: those sweeps are lost
        second = workers.work(workers.enqueue_sweeps(later))

    assert _total(second) == {"escalation.branch_head": CASES}
    events, notices, doubled = _written(db)
    assert events == {**expected_first, "escalation.branch_head": CASES} and doubled == 0
    assert notices["case_branch_head"] == CASES and notices.total() == 3 * CASES + complaints
    pending = select(func.count()).where(CaseDeadline.met_at.is_(None), CaseDeadline.next_action_at.is_not(None))
    assert db.session.scalar(pending) == 0
