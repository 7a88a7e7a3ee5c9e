"""Rows the activity counts read, inserted directly: calls, resolved cases, completed callback surveys."""

import itertools

from crm.models import Call, Case, Survey, SurveyRun
from crm.services.surveys.default_surveys import ensure_default_surveys

_seq = itertools.count(1)


def call(session, agent, customer, at, seconds=60, outcome="answered"):
    row = Call(
        sid=f"CA-activity-{next(_seq)}",
        direction="outbound",
        branch_id=agent.branch_id,
        agent_id=agent.id,
        customer_id=customer.id if customer else None,
        started_at=at,
        outcome=outcome,
        status="completed",
        duration_seconds=seconds,
    )
    session.add(row)
    session.commit()
    return row


def resolved_case(session, owner, customer, at):
    row = Case(
        kind="inquiry",
        customer_id=customer.id,
        branch_id=owner.branch_id,
        channel="phone",
        subject="咨询",
        status="resolved",
        owner_id=owner.id,
        opened_at=at,
        resolved_at=at,
    )
    session.add(row)
    session.commit()
    return row


def completed_survey(session, case, at, state="completed"):
    ensure_default_surveys(session)
    survey = session.query(Survey).order_by(Survey.id).first()
    run = SurveyRun(
        survey_id=survey.id,
        customer_id=case.customer_id,
        case_id=case.id,
        case_resolution=next(_seq),
        to_number="+8613800138000",
        state=state,
        completed_at=at if state == "completed" else None,
    )
    session.add(run)
    session.commit()
    return run
