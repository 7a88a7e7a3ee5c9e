"""Many sweepers, one truth: every escalation step is taken exactly once (DESIGN: the database is the
source of truth; queues only execute).

The PostgreSQL test starts 4 worker processes (spawned: each builds its own app, engine and
connections) that sweep 2,000 cases at the same instant, then again later after the queue was
flushed, and counts what they wrote.
"""

import multiprocessing
import traceback
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from crm.models import Case, CaseDeadline, CaseEvent, Notification
from crm.services.business_calendar import BusinessCalendar
from crm.services.escalation import ACTIONS, sweep
from tests.case_factories import DUE, HEAD, OPENED, CaseFactory, deadline_row

WORKERS = 4
CASES = 2000
COMPLAINT_EVERY = 4  # every 4th case is a complaint whose dispatch clock also runs out
WORKER_BATCH = 100  # small batches, so the workers interleave
WORKER_TIMEOUT_S = 60


def _sweep_in_own_process(url, instants, go, results):
    """One worker: its own app and engine on the shared database. At each ``go`` it sweeps
    at the next of ``instants`` and reports its step counts."""
    from crm import create_app
    from crm.config import Config
    from crm.extensions import db

    app = create_app(Config(SQLALCHEMY_DATABASE_URI=url, REDIS_URL="", SECRET_KEY="worker", EMBEDDED_WORKER=False))
    with app.app_context():
        db.session.execute(select(1))  # connected before the start line: the race is the sweeps'
        db.session.rollback()
        for at in instants:
            go.wait(timeout=WORKER_TIMEOUT_S)
            try:
                summary = sweep(db.session, at, batch_size=WORKER_BATCH)
            except Exception:
                results.put(traceback.format_exc())  # the test fails with the worker's own error
                raise
            results.put(dict(summary.steps))


class Workers:
    """WORKERS spawned processes that sweep together, once per instant, when told to."""

    def __init__(self, url, instants):
        context = multiprocessing.get_context("spawn")
        self.go, self.results = context.Barrier(WORKERS + 1), context.Queue()
        self.processes = [
            context.Process(target=_sweep_in_own_process, args=(url, instants, self.go, self.results))
            for _ in range(WORKERS)
        ]

    def __enter__(self):
        for process in self.processes:
            process.start()
        return self

    def sweep(self):
        """Release every worker at once; the step counts each one reports."""
        self.go.wait(timeout=WORKER_TIMEOUT_S)
        reports = [self.results.get(timeout=WORKER_TIMEOUT_S) for _ in self.processes]
        failures = [report for report in reports if isinstance(report, str)]
        assert not failures, failures[0]
        return reports

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
def test_four_worker_processes_take_each_step_of_2000_cases_exactly_once(db, make, queue):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent sweepers need the real PostgreSQL")
    url = db.engine.url.render_as_string(hide_password=False)
    _fill(db, make)
    complaints = CASES // COMPLAINT_EVERY

    with Workers(url, [DUE, HEAD + timedelta(hours=1)]) as workers:
        # Everything but the branch-head step is due: reminders, overdue marks and dispatch pages.
        first = workers.sweep()

        expected_first = {
            "escalation.reminded": CASES,
            "escalation.overdue": CASES,
            "escalation.dispatch_page": complaints,
        }
        assert _total(first) == expected_first
        assert sum(1 for report in first if report) > 1, "the workers shared the due cases"
        events, notices, doubled = _written(db)
        assert events == expected_first and doubled == 0
        assert notices == {"case_reminder": CASES, "case_overdue": CASES, "complaint_dispatch": complaints}
        assert db.session.scalar(select(func.count()).where(Case.overdue.is_(True))) == CASES

        queue.flushdb()  # every queued job lost: nothing is kept there, so nothing is lost with it

        second = workers.sweep()

    assert _total(second) == {"escalation.branch_head": CASES}
    events, notices, doubled = _written(db)
    assert events == {**expected_first, "escalation.branch_head": CASES} and doubled == 0
    assert notices["case_branch_head"] == CASES and notices.total() == 3 * CASES + complaints
    pending = select(func.count()).where(CaseDeadline.met_at.is_(None), CaseDeadline.next_action_at.is_not(None))
    assert db.session.scalar(pending) == 0


def test_a_sweep_after_the_queue_was_flushed_takes_what_is_due_and_redoes_nothing(db, make, branch, queue):
    owner = make.staff(role="agent", branch=branch)
    make.staff(role="supervisor", branch=branch)
    cases = [CaseFactory(db.session).case(owner, opened_at=OPENED) for _ in range(3)]
    sweep(db.session, DUE)

    queue.flushdb()
    summary = sweep(db.session, HEAD)

    assert dict(summary.steps) == {"escalation.branch_head": 3}
    events, notices, doubled = _written(db)
    assert events == {action: 3 for action in ACTIONS if action != "escalation.dispatch_page"} and doubled == 0
    assert notices.total() == 9
    assert summary.case_ids == {case.id for case in cases}
