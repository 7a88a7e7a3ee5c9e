"""Case intake, first-responder ownership, status transitions and clocks (DOMAIN §5), at the service."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.errors import Conflict, Forbidden, InvalidInput
from crm.models import Case, CaseEvent, CaseReply, Notification
from crm.models.cases import STATUSES
from crm.services.cases import complaints, workflow
from tests.case_factories import COMPLETE_RECORD
from tests.times import sh


@pytest.fixture
def open_(db, agent):
    def open_case(actor=agent, **data):
        case = workflow.open_case(
            db.session, actor, {"channel": "phone", "subject": "问题", "kind": "inquiry", "demand": "要求答复", **data}
        )
        db.session.commit()
        return case

    return open_case


def clock_of(case, name):
    return next(d for d in case.deadlines if d.clock == name)


def actions(db, case):
    return [event.action for event in workflow.history(db.session, case)]


# --- intake -----------------------------------------------------------------------------------


def test_the_first_responder_owns_a_new_case(open_, agent, clock):
    case = open_()
    assert (case.owner_id, case.created_by_id, case.status, case.branch_id) == (
        agent.id,
        agent.id,
        "new",
        agent.branch_id,
    )


def test_a_supervisor_may_name_another_owner_at_intake(open_, supervisor, agent):
    assert open_(actor=supervisor, owner_id=agent.id).owner_id == agent.id


def test_an_agent_may_not_name_another_owner(open_, make, branch):
    other = make.staff(role="agent", branch=branch)
    with pytest.raises(Forbidden):
        open_(owner_id=other.id)


def test_the_case_takes_the_customers_branch_and_vip_tier(open_, make, branch):
    customer = make.customer(branch=branch, is_vip=True)
    case = open_(customer_id=customer.id, kind="opinion", branch_id=make.branch().id)
    assert (case.branch_id, case.is_vip) == (branch.id, True)


def test_an_unknown_caller_needs_no_customer(open_, agent):
    case = open_()
    assert case.customer_id is None and case.is_vip is False


def test_an_unknown_customer_is_refused(open_):
    with pytest.raises(InvalidInput) as error:
        open_(customer_id=999999)
    assert "customer_id" in error.value.fields


def test_a_second_case_from_the_same_call_is_refused(open_):
    open_(source_ref="CA123")
    with pytest.raises(Conflict):
        open_(source_ref="CA123")


def test_a_complaint_gets_its_three_clocks_at_intake(open_, clock):
    clock.set(sh(11, 23, 10))  # Monday
    case = open_(kind="complaint")
    dispatch, first, resolution = (clock_of(case, c) for c in ("dispatch", "first_response", "resolution"))
    assert dispatch.due_at == sh(11, 23, 10, 5)
    assert (dispatch.remind_at, dispatch.head_at, dispatch.next_action_at) == (None, None, dispatch.due_at)
    assert first.due_at == sh(11, 24, 10)
    assert first.remind_at == sh(11, 23, 16)  # 75 % of 8 business hours = 6 h
    assert first.head_at == sh(11, 25, 10)
    assert first.next_action_at == first.remind_at
    assert (resolution.remind_at, resolution.due_at, resolution.head_at) == (
        sh(11, 24, 14),
        sh(11, 25, 10),
        sh(11, 26, 10),
    )
    assert all(d.level == 0 and d.met_at is None for d in case.deadlines)


def test_a_case_taken_outside_hours_starts_counting_at_the_next_opening(open_, clock):
    clock.set(sh(11, 21, 10))  # Saturday
    first = clock_of(open_(kind="retention"), "first_response")
    assert first.due_at == sh(11, 23, 17)
    assert first.remind_at == sh(11, 23, 15)


def test_an_inquiry_has_only_a_first_response_clock(open_):
    assert [d.clock for d in open_().deadlines] == ["first_response"]


def test_intake_is_recorded_in_the_history(open_, db):
    assert actions(db, open_()) == ["opened"]


# --- recusal and ownership --------------------------------------------------------------------


@pytest.fixture
def complaint(open_, make, branch):
    accused = make.staff(role="agent", branch=branch)
    return open_(kind="complaint", complained_staff_id=accused.id), accused


def test_the_person_complained_about_can_never_be_the_handler(db, complaint, supervisor):
    case, accused = complaint
    with pytest.raises(Conflict):
        workflow.assign(db.session, supervisor, case, accused.id)
    db.session.rollback()
    assert db.session.get(Case, case.id).handler_id is None


def test_the_person_complained_about_can_not_take_over_the_complaint(db, complaint, supervisor, agent):
    case, accused = complaint
    with pytest.raises(Conflict):
        workflow.hand_off(db.session, supervisor, case, accused.id)
    db.session.rollback()
    assert db.session.get(Case, case.id).owner_id == agent.id


def test_hand_off_moves_ownership_and_records_from_and_to(db, open_, agent, make, branch):
    colleague = make.staff(role="agent", branch=branch)
    case = open_()
    workflow.hand_off(db.session, agent, case, colleague.id, note="专业问题")
    db.session.commit()
    assert db.session.get(Case, case.id).owner_id == colleague.id
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "handed_off")).one()
    assert event.detail == {"from": agent.id, "to": colleague.id, "note": "专业问题"}
    assert event.actor_id == agent.id


def test_the_new_owner_finds_a_handed_off_case_in_their_inbox(db, open_, agent, make, branch):
    colleague = make.staff(role="agent", branch=branch)
    case = open_()
    workflow.hand_off(db.session, agent, case, colleague.id, note="专业问题")
    db.session.commit()
    notices = db.session.scalars(select(Notification).where(Notification.recipient_id == colleague.id)).all()
    assert [(n.kind, n.case_id, n.text) for n in notices] == [
        ("case_handed_off", case.id, f"工单 #{case.id} 已转交给您")
    ]
    assert not db.session.scalars(select(Notification).where(Notification.recipient_id == agent.id)).all()


def test_a_case_can_not_be_handed_to_nobody(db, open_, agent):
    case = open_()
    with pytest.raises(InvalidInput):
        workflow.hand_off(db.session, agent, case, None)
    assert case.owner_id == agent.id


def test_a_case_can_not_be_handed_to_an_inactive_colleague(db, open_, agent, make, branch):
    gone = make.staff(role="agent", branch=branch)
    gone.is_active = False
    db.session.commit()
    with pytest.raises(InvalidInput):
        workflow.hand_off(db.session, agent, open_(), gone.id)


# --- status transitions -------------------------------------------------------------------------

# (status, action) → status afterwards; every pair not listed is refused with 409.
ALLOWED = {
    ("new", "assign"): "dispatched",
    ("dispatched", "assign"): "dispatched",
    ("investigating", "assign"): "investigating",
    ("reopened", "assign"): "dispatched",
    ("new", "investigate"): "investigating",
    ("dispatched", "investigate"): "investigating",
    ("reopened", "investigate"): "investigating",
    **{(s, "reply"): "replied" for s in ("new", "dispatched", "investigating", "replied", "reopened")},
    **{(s, "resolve"): "resolved" for s in ("new", "dispatched", "investigating", "replied", "reopened")},
    ("resolved", "close"): "closed",
    ("resolved", "reopen"): "reopened",
    ("closed", "reopen"): "reopened",
    **{(s, "hand_off"): s for s in ("new", "dispatched", "investigating", "replied", "resolved", "reopened")},
}
ACTIONS = ("assign", "investigate", "reply", "resolve", "close", "reopen", "hand_off")


def _do(db, action, actor, case, colleague):
    calls = {
        "assign": lambda: workflow.assign(db.session, actor, case, colleague.id),
        "investigate": lambda: workflow.start_investigation(db.session, actor, case),
        "reply": lambda: workflow.reply(db.session, actor, case, "phone", "已答复"),
        "resolve": lambda: workflow.resolve(db.session, actor, case),
        "close": lambda: workflow.close(db.session, actor, case),
        "reopen": lambda: workflow.reopen(db.session, actor, case, "客户不满意"),
        "hand_off": lambda: workflow.hand_off(db.session, actor, case, colleague.id),
    }
    return calls[action]()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_every_status_transition_is_allowed_or_refused(db, open_, supervisor, make, branch, status, action):
    colleague = make.staff(role="agent", branch=branch)
    case = open_()
    case.status = status
    db.session.commit()
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(Conflict):
            _do(db, action, supervisor, case, colleague)
        db.session.rollback()
        assert db.session.get(Case, case.id).status == status
    else:
        _do(db, action, supervisor, case, colleague)
        db.session.commit()
        assert db.session.get(Case, case.id).status == expected


def test_an_action_on_a_case_changed_meanwhile_is_refused(db, open_, agent):
    case = open_()
    db.session.execute(Case.__table__.update().where(Case.id == case.id).values(status="resolved"))
    with pytest.raises(Conflict):
        workflow.start_investigation(db.session, agent, case)  # the object still says "new"


def test_no_promise_on_a_complaint_before_the_handling_decision(db, complaint, agent):
    case, _ = complaint
    with pytest.raises(Conflict):
        workflow.reply(db.session, agent, case, "phone", "我们会赔偿")
    db.session.rollback()
    assert db.session.scalars(select(CaseReply)).all() == []
    assert db.session.get(Case, case.id).status == "new"


def test_a_complaint_is_investigated_only_after_the_handling_decision(db, complaint, agent):
    case, _ = complaint
    with pytest.raises(Conflict):
        workflow.start_investigation(db.session, agent, case)
    db.session.rollback()
    assert db.session.get(Case, case.id).status == "new"


# --- clocks -------------------------------------------------------------------------------------


def test_dispatching_a_complaint_stops_its_dispatch_clock(db, complaint, supervisor, agent, clock):
    case, _ = complaint
    clock.advance(timedelta(minutes=3))
    workflow.assign(db.session, supervisor, case, agent.id)
    db.session.commit()
    dispatch = clock_of(case, "dispatch")
    assert dispatch.met_at == clock.at and dispatch.met and dispatch.next_action_at is None
    assert clock_of(case, "first_response").met_at is None


def test_starting_the_investigation_is_a_complaints_first_response(db, complaint, supervisor, agent):
    case, _ = complaint
    workflow.assign(db.session, supervisor, case, agent.id)
    workflow.start_investigation(db.session, agent, case)
    db.session.commit()
    assert clock_of(case, "first_response").met_at is not None
    assert clock_of(case, "resolution").met_at is None


def test_a_satisfactory_reply_to_a_complaint_stops_its_resolution_clock(db, complaint, supervisor, agent):
    case, _ = complaint
    workflow.assign(db.session, supervisor, case, agent.id)
    reply = workflow.reply(db.session, agent, case, "phone", "已核实并处理")
    db.session.commit()
    resolution = clock_of(case, "resolution")
    assert resolution.met_at == reply.at and resolution.next_action_at is None
    event = next(e for e in workflow.history(db.session, case) if e.action == "replied")
    assert event.detail == {"reply_id": reply.id, "clocks_met": ["first_response", "resolution"]}
    assert db.session.get(Case, case.id).status == "replied"


def test_a_reply_to_an_email_inquiry_stops_its_only_clock_and_nothing_stays_pending(db, open_, agent):
    case = open_(kind="email_inquiry", channel="email")
    workflow.reply(db.session, agent, case, "email", "您好，答复如下")
    db.session.commit()
    assert [(d.clock, d.met, d.next_action_at) for d in case.deadlines] == [("resolution", True, None)]


def test_a_late_reply_is_recorded_as_met_late(db, open_, agent, clock):
    case = open_()
    clock.advance(timedelta(days=3))
    workflow.reply(db.session, agent, case, "phone", "回复")
    db.session.commit()
    first = clock_of(case, "first_response")
    assert first.met_at == clock.at and not first.met and first.next_action_at is None


def test_a_reply_keeps_its_text_author_and_channel(db, open_, agent):
    case = open_()
    workflow.reply(db.session, agent, case, "sms", "已办理")
    db.session.commit()
    saved = db.session.scalars(select(CaseReply).where(CaseReply.case_id == case.id)).one()
    assert (saved.author_id, saved.channel, saved.text) == (agent.id, "sms", "已办理")


def test_reopening_restarts_the_response_and_resolution_clocks_from_now(db, complaint, supervisor, agent, clock):
    case, _ = complaint
    workflow.assign(db.session, supervisor, case, agent.id)
    workflow.resolve(db.session, supervisor, case)
    db.session.commit()
    dispatched_at = clock_of(case, "dispatch").met_at
    clock.set(sh(11, 27, 11))  # Friday 11:00
    workflow.reopen(db.session, supervisor, case, "回访不满意")
    db.session.commit()
    case = db.session.get(Case, case.id)
    first, resolution = clock_of(case, "first_response"), clock_of(case, "resolution")
    assert (case.status, case.reopened_count, case.resolved_at) == ("reopened", 1, None)
    assert (first.started_at, first.due_at, first.met_at, first.level) == (clock.at, sh(11, 30, 11), None, 0)
    assert (resolution.due_at, resolution.next_action_at) == (sh(12, 1, 11), resolution.remind_at)
    assert clock_of(case, "dispatch").met_at == dispatched_at


def test_every_action_is_in_the_history_in_order(db, complaint, supervisor, agent, make, branch):
    case, _ = complaint
    colleague = make.staff(role="agent", branch=branch)
    workflow.assign(db.session, supervisor, case, agent.id)
    workflow.start_investigation(db.session, agent, case)
    workflow.reply(db.session, agent, case, "phone", "答复")
    workflow.hand_off(db.session, agent, case, colleague.id)
    complaints.update_record(db.session, colleague, case, COMPLETE_RECORD)
    workflow.resolve(db.session, supervisor, case)
    workflow.close(db.session, supervisor, case)
    db.session.commit()
    assert actions(db, case) == [
        "opened",
        "assigned",
        "investigation_started",
        "replied",
        "handed_off",
        "resolved",
        "closed",
    ]


# --- cases follow the branch (issue 9 item 1) ---------------------------------------------------


def test_an_agent_may_not_open_a_case_on_another_branchs_customer_nor_in_another_branch(open_, make, db):
    elsewhere = make.branch()
    with pytest.raises(Forbidden):
        open_(customer_id=make.customer(branch=elsewhere).id)
    with pytest.raises(Forbidden):
        open_(branch_id=elsewhere.id)
    db.session.rollback()
    assert db.session.scalar(select(Case.id)) is None


def test_an_admin_opens_a_case_anywhere_with_an_owner_of_that_branch(open_, make, admin):
    elsewhere = make.branch()
    owner = make.staff(role="agent", branch=elsewhere)
    case = open_(actor=admin, customer_id=make.customer(branch=elsewhere).id, owner_id=owner.id)
    assert (case.branch_id, case.owner_id) == (elsewhere.id, owner.id)


@pytest.mark.parametrize("named", ["owner_id", "handler_id", "new_owner_id"])
def test_owner_and_handler_are_staff_of_the_cases_branch_whoever_names_them(open_, make, db, supervisor, admin, named):
    stranger = make.staff(role="agent", branch=make.branch())
    with pytest.raises(InvalidInput) as refused:
        if named == "owner_id":
            open_(actor=supervisor, owner_id=stranger.id)
        else:
            case = open_(actor=supervisor)
            act = workflow.assign if named == "handler_id" else workflow.hand_off
            act(db.session, admin, case, stranger.id)
    assert named in refused.value.fields


def test_only_an_admin_moves_a_case_and_its_owner_and_handler_move_with_it(open_, make, db, agent, supervisor, admin):
    case = open_()
    workflow.assign(db.session, supervisor, case, agent.id)
    elsewhere = make.branch()
    with pytest.raises(Forbidden):
        workflow.move(db.session, supervisor, case, elsewhere.id)
    with pytest.raises(InvalidInput) as refused:
        workflow.move(db.session, admin, case, elsewhere.id)
    assert "new_owner_id" in refused.value.fields
    new_owner = make.staff(role="supervisor", branch=elsewhere)
    with pytest.raises(InvalidInput) as refused:
        workflow.move(db.session, admin, case, elsewhere.id, new_owner_id=new_owner.id)
    assert "handler_id" in refused.value.fields
    workflow.move(db.session, admin, case, elsewhere.id, new_owner_id=new_owner.id, handler_id=new_owner.id)
    db.session.commit()
    assert (case.branch_id, case.owner_id, case.handler_id) == (elsewhere.id, new_owner.id, new_owner.id)
    assert actions(db, case)[-1] == "moved"
