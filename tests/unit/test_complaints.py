"""Complaint governance at the service and in the database (issue 10 items 1–3)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from crm.errors import Forbidden
from crm.extensions import db as _db
from crm.models import Case, ComplaintRecord, Notification
from crm.services.cases import escalation, workflow
from tests.concurrency import at_once


def complaint(db, actor, **data):
    fields = {"kind": "complaint", "channel": "phone", "subject": "投诉", "demand": "要求道歉", **data}
    case = workflow.open_case(db.session, actor, fields)
    db.session.commit()
    return case


@pytest.fixture
def duty(make, branch, db):
    supervisor = make.staff(role="supervisor", branch=branch)
    supervisor.on_duty = True
    db.session.commit()
    return supervisor


def test_the_database_refuses_the_accused_as_owner_or_handler_whatever_the_route(db, agent, duty, make, branch):
    accused = make.staff(role="agent", branch=branch)
    case = complaint(db, agent, complained_staff_id=accused.id)
    for column in (Case.owner_id, Case.handler_id):
        with pytest.raises(IntegrityError):
            db.session.execute(update(Case).where(Case.id == case.id).values({column: accused.id}))
            db.session.flush()
        db.session.rollback()
    assert (db.session.get(Case, case.id).owner_id, db.session.get(Case, case.id).handler_id) == (agent.id, None)


def test_the_accused_acts_on_nothing_at_the_service(db, agent, duty):
    case = complaint(db, agent, complained_staff_id=agent.id)
    assert case.owner_id == duty.id
    workflow.assign(db.session, duty, case, duty.id)
    for act in (
        lambda: workflow.reply(db.session, agent, case, "phone", "没问题"),
        lambda: workflow.start_investigation(db.session, agent, case),
        lambda: workflow.resolve(db.session, agent, case),
        lambda: workflow.hand_off(db.session, agent, case, agent.id),
    ):
        with pytest.raises(Forbidden):
            act()
    assert db.session.get(Case, case.id).status == "dispatched"


def test_an_accused_duty_supervisor_hands_intake_to_another_supervisor(db, duty, make, branch):
    other = make.staff(role="supervisor", branch=branch)
    case = complaint(db, duty, complained_staff_id=duty.id)
    assert case.owner_id == other.id


def test_the_accused_supervisor_is_not_told_of_the_complaint_going_overdue(db, agent, duty, make, branch, clock):
    accused = make.staff(role="supervisor", branch=branch)
    agent.supervisor_id = accused.id  # the owner's own supervisor is told at the deadline, unless recused
    case = complaint(db, agent, complained_staff_id=accused.id)
    escalation.sweep(db.session, clock.at + timedelta(days=10))
    db.session.commit()
    told = set(db.session.scalars(select(Notification.recipient_id).where(Notification.case_id == case.id)))
    assert accused.id not in told
    assert duty.id in told


def test_an_agent_cannot_resolve_or_assign_a_complaint_at_the_service(db, agent, duty):
    case = complaint(db, agent)
    with pytest.raises(Forbidden):
        workflow.assign(db.session, agent, case, agent.id)
    workflow.assign(db.session, duty, case, agent.id)
    with pytest.raises(Forbidden):
        workflow.resolve(db.session, agent, case)


@pytest.mark.postgres
def test_complaint_numbers_are_unique_under_concurrent_intake(app, db, agent, clock):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs the real PostgreSQL")
    agent_id = agent.id

    def intake():
        actor = _db.session.get(type(agent), agent_id)
        return complaint(_db, actor).id

    case_ids = at_once(app, 8, intake)
    numbers = db.session.scalars(select(ComplaintRecord.number).where(ComplaintRecord.case_id.in_(case_ids))).all()
    code = agent.branch.code
    assert sorted(numbers) == [f"{code}-202611-{n:04d}" for n in range(1, 9)]
