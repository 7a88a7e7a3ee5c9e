"""The escalation ladder (DOMAIN §5): each step at its time, not before, exactly once, to the right people.

The standard case (``tests.case_factories``): an e-mail inquiry opened Mon 10:00 → reminder Tue 14:00,
due Wed 10:00, branch head Thu 10:00.
"""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from crm.models import Case, CaseDeadline, CaseEvent, Notification
from crm.services.cases.escalation import _claim, _take, due_selection, sweep
from tests.case_factories import DUE, HEAD, OPENED, REMIND, CaseFactory, deadline_row
from tests.times import sh


@pytest.fixture
def cases(db):
    return CaseFactory(db.session)


@pytest.fixture
def team(make, branch):
    """An owner whose own supervisor is ``boss``; another supervisor is on duty; ``head`` runs the branch."""
    boss = make.staff(role="supervisor", branch=branch)
    duty = _on_duty(make, branch)
    head = make.staff(role="supervisor", branch=branch)
    owner = make.staff(role="agent", branch=branch)
    owner.supervisor_id = boss.id
    branch.head_id = head.id
    make.session.commit()
    return {"owner": owner, "boss": boss, "duty": duty, "head": head}


def _on_duty(make, branch):
    staff = make.staff(role="supervisor", branch=branch)
    staff.on_duty = True
    make.session.commit()
    return staff


def events(db, case):
    return db.session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()


def notices(db, case):
    """(kind, recipient id) of every notice about ``case``, in the order written."""
    rows = db.session.execute(
        select(Notification.kind, Notification.recipient_id)
        .where(Notification.case_id == case.id)
        .order_by(Notification.id)
    )
    return [tuple(row) for row in rows]


def deadline(db, case, clock="resolution"):
    db.session.expire_all()
    return db.session.scalar(select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.clock == clock))


def test_nothing_happens_before_the_reminder_time(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)

    summary = sweep(db.session, REMIND - timedelta(seconds=1))

    assert summary.total == 0
    assert events(db, case) == [] and notices(db, case) == []
    assert deadline(db, case).level == 0


def test_owner_is_reminded_at_75_percent_of_the_allowed_time(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)

    summary = sweep(db.session, REMIND)

    assert summary.steps["escalation.reminded"] == 1 and summary.case_ids == {case.id}
    assert events(db, case) == ["escalation.reminded"]
    assert notices(db, case) == [("case_reminder", team["owner"].id)]
    row = deadline(db, case)
    assert (row.level, row.next_action_at) == (1, DUE)
    assert db.session.get(Case, case.id).overdue is False


def test_at_the_deadline_the_case_turns_overdue_and_the_owners_supervisor_is_told(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)
    sweep(db.session, REMIND)

    assert sweep(db.session, DUE - timedelta(seconds=1)).total == 0
    assert db.session.get(Case, case.id).overdue is False

    sweep(db.session, DUE)

    assert events(db, case) == ["escalation.reminded", "escalation.overdue"]
    assert notices(db, case)[1:] == [("case_overdue", team["boss"].id)]
    db.session.expire_all()
    assert db.session.get(Case, case.id).overdue is True
    assert deadline(db, case).next_action_at == HEAD


def test_one_working_day_past_the_deadline_the_branch_head_is_told(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)
    sweep(db.session, DUE)

    assert sweep(db.session, HEAD - timedelta(seconds=1)).total == 0

    summary = sweep(db.session, HEAD)

    assert summary.steps["escalation.branch_head"] == 1
    assert events(db, case)[-1] == "escalation.branch_head"
    assert notices(db, case)[-1] == ("case_branch_head", team["head"].id)
    row = deadline(db, case)
    assert (row.level, row.next_action_at) == (3, None)


def test_a_second_sweep_at_the_same_instant_takes_nothing(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)
    sweep(db.session, HEAD)

    again = sweep(db.session, HEAD)

    assert again.total == 0 and again.case_ids == set()
    assert len(events(db, case)) == 3 and len(notices(db, case)) == 3


def test_a_late_sweep_takes_every_due_step_once_and_in_order(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)

    summary = sweep(db.session, HEAD + timedelta(days=3))
    sweep(db.session, HEAD + timedelta(days=4))

    assert summary.as_dict()["steps"] == {
        "escalation.reminded": 1,
        "escalation.overdue": 1,
        "escalation.branch_head": 1,
        "escalation.dispatch_page": 0,
    }
    assert events(db, case) == ["escalation.reminded", "escalation.overdue", "escalation.branch_head"]
    assert notices(db, case) == [
        ("case_reminder", team["owner"].id),
        ("case_overdue", team["boss"].id),
        ("case_branch_head", team["head"].id),
    ]


def test_every_step_is_recorded_in_the_case_history_with_its_clock_and_recipients(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)

    sweep(db.session, DUE + timedelta(minutes=7))

    event = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "escalation.overdue")).one()
    assert event.case_id == case.id and event.at == DUE + timedelta(minutes=7)
    assert event.detail["clock"] == "resolution" and event.detail["level"] == 2
    assert event.detail["notified"] == [team["boss"].id]
    assert datetime.fromisoformat(event.detail["due_at"]) == DUE


def test_a_met_clock_is_never_escalated(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)
    deadline(db, case).met_at = OPENED + timedelta(hours=1)
    db.session.commit()

    assert sweep(db.session, HEAD + timedelta(days=7)).total == 0
    assert events(db, case) == [] and notices(db, case) == []


def test_a_clock_met_after_the_reminder_climbs_no_further(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)
    sweep(db.session, REMIND)
    deadline(db, case).met_at = REMIND + timedelta(hours=1)
    db.session.commit()

    sweep(db.session, HEAD + timedelta(days=7))

    assert events(db, case) == ["escalation.reminded"]
    assert db.session.get(Case, case.id).overdue is False


def test_a_closed_case_is_never_escalated(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED, status="closed")

    assert sweep(db.session, HEAD).total == 0
    assert events(db, case) == []


def test_closed_cases_at_the_head_of_the_queue_hold_up_no_one(db, cases, team):
    """The selection reads the pending index alone; the claim skips the closed cases' rows and the
    sweep pages past them (by ``(next_action_at, id)``) to the open cases behind, several pages deep."""
    closed = [cases.case(team["owner"], opened_at=OPENED, status="closed") for _ in range(3)]
    later = [cases.case(team["owner"], opened_at=OPENED + timedelta(minutes=n)) for n in range(1, 4)]

    summary = sweep(db.session, REMIND + timedelta(minutes=5), batch_size=1, page_size=2)

    assert summary.case_ids == {case.id for case in later}
    assert all(events(db, case) == [] for case in closed)
    assert sweep(db.session, REMIND + timedelta(minutes=5), batch_size=1, page_size=2).total == 0


def test_the_claim_passes_over_a_row_restarted_or_a_case_closed_after_the_read(db, cases, team):
    """The selection takes no locks: between a page's read and a batch's claim a reopen can restart
    a clock, or a case be resolved. The claim's conditions see the row as it then stands."""
    restarted = cases.case(team["owner"], opened_at=OPENED)
    closed = cases.case(team["owner"], opened_at=OPENED)
    at = REMIND + timedelta(minutes=5)
    ids = db.session.scalars(due_selection(at, 10)).all()
    assert len(ids) == 2
    deadline(db, restarted).next_action_at = at + timedelta(days=1)  # as a reopen leaves it: level 0, due later
    db.session.get(Case, closed.id).status = "closed"
    db.session.commit()

    assert _claim(db.session, ids, at) == []
    assert _take(db.session, [deadline(db, restarted).id], 0, 1, at) == set()  # SQLite's only guard


@pytest.mark.postgres
def test_a_case_held_by_a_workflow_change_is_not_marked_overdue_until_the_next_sweep(db, cases, team):
    """The sweep does not wait for a case another transaction holds (it could deadlock with it): the
    step that would mark it overdue stays due, the other cases' steps are taken, and the next sweep
    takes it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks need the real PostgreSQL")
    held, free = cases.case(team["owner"], opened_at=OPENED), cases.case(team["owner"], opened_at=OPENED)
    with db.engine.connect() as other:
        other.execute(select(Case.id).where(Case.id == held.id).with_for_update())
        first = sweep(db.session, DUE)
        other.rollback()

    assert first.step_cases["escalation.overdue"] == {free.id}
    assert events(db, held) == []
    second = sweep(db.session, DUE)
    assert second.step_cases == {"escalation.reminded": {held.id}, "escalation.overdue": {held.id}}
    assert db.session.get(Case, held.id).overdue is True


def test_without_an_own_supervisor_the_supervisor_on_duty_is_told(db, make, branch, cases, team):
    loner = make.staff(role="agent", branch=branch)
    case = cases.case(loner, opened_at=OPENED)

    sweep(db.session, DUE)

    assert notices(db, case)[-1] == ("case_overdue", team["duty"].id)


def test_with_nobody_on_duty_every_supervisor_of_the_branch_is_told(db, make, cases):
    branch = make.branch()
    first, second = make.staff(role="supervisor", branch=branch), make.staff(role="supervisor", branch=branch)
    make.staff(role="supervisor", branch=make.branch())  # another branch's supervisor hears nothing
    owner = make.staff(role="agent", branch=branch)
    case = cases.case(owner, opened_at=OPENED)

    sweep(db.session, HEAD)

    assert notices(db, case)[1:] == [
        ("case_overdue", first.id),
        ("case_overdue", second.id),
        ("case_branch_head", first.id),  # no head named: the supervisors hear it
        ("case_branch_head", second.id),
    ]


def test_an_unanswered_complaint_pages_the_supervisor_on_duty_after_five_minutes(db, cases, team):
    saturday_night = sh(11, 28, 22)
    case = cases.case(team["owner"], kind="complaint", opened_at=saturday_night)

    assert sweep(db.session, saturday_night + timedelta(minutes=4, seconds=59)).total == 0
    summary = sweep(db.session, saturday_night + timedelta(minutes=5))

    assert summary.as_dict()["steps"]["escalation.dispatch_page"] == 1 and summary.total == 1
    assert events(db, case) == ["escalation.dispatch_page"]
    assert notices(db, case) == [("complaint_dispatch", team["duty"].id)]
    row = deadline(db, case, "dispatch")
    assert (row.level, row.next_action_at) == (2, None)
    assert sweep(db.session, saturday_night + timedelta(hours=1)).total == 0


def test_a_reopened_case_escalates_again_in_its_new_round(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)
    sweep(db.session, REMIND)
    reopened_at = REMIND + timedelta(hours=1)
    fresh = deadline_row(cases.calendar, "resolution", reopened_at, 2, "working_days")
    row = deadline(db, case)
    db.session.get(Case, case.id).reopened_count = 1
    for column, value in fresh.items():
        setattr(row, column, value)
    db.session.commit()

    sweep(db.session, fresh["remind_at"])

    assert notices(db, case) == [("case_reminder", team["owner"].id)] * 2


def test_the_unique_notice_key_refuses_a_doubled_step_even_if_the_level_was_wrongly_reset(db, cases, team):
    case = cases.case(team["owner"], opened_at=OPENED)
    sweep(db.session, REMIND)
    row = deadline(db, case)
    row.level, row.next_action_at = 0, REMIND  # a bug elsewhere rewinds the ladder
    db.session.commit()

    with pytest.raises(IntegrityError):
        sweep(db.session, REMIND)
    db.session.rollback()

    assert events(db, case) == ["escalation.reminded"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_a_row_whose_next_action_time_was_set_too_early_is_corrected_and_blocks_no_one(db, cases, team):
    early = cases.case(team["owner"], opened_at=OPENED)
    deadline(db, early).next_action_at = OPENED  # wrong: its reminder is only due Tue 14:00
    db.session.commit()
    due = cases.case(team["owner"], opened_at=sh(11, 20, 10))  # Friday's case: reminded Mon 14:00

    summary = sweep(db.session, sh(11, 23, 14), batch_size=1)

    assert summary.case_ids == {due.id}
    assert events(db, early) == [] and deadline(db, early).next_action_at == REMIND


def test_owners_come_with_the_claim_not_one_query_each_after_every_batch(db, make, branch, cases):
    """Each batch commits, and the session then expires what it read of staff: owners looked up one
    by one would cost a query per owner and batch. What the notices need of them comes with the claim."""
    owners = [make.staff(role="agent", branch=branch) for _ in range(3)]
    owners[0].language = "en"
    owners[0].phone, owners[2].phone = "+8613900000001", "+8613900000002"
    db.session.commit()
    made = [cases.case(owner, opened_at=OPENED) for _ in range(2) for owner in owners]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        summary = sweep(db.session, REMIND, batch_size=2)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

    assert summary.steps["escalation.reminded"] == len(made)
    assert [statement for statement in statements if "FROM staff" in statement] == []
    written = db.session.execute(
        select(Notification.case_id, Notification.recipient_id, Notification.sms_state, Notification.text)
    ).all()
    by_case = {case_id: (recipient, state, text) for case_id, recipient, state, text in written}
    assert {case.id: by_case[case.id][:2] for case in made} == {
        case.id: (case.owner_id, "none" if case.owner_id == owners[1].id else "pending") for case in made
    }
    assert all(by_case[case.id][2].startswith("Case #") == (case.owner_id == owners[0].id) for case in made)


def test_each_person_reads_the_notice_in_their_own_language(db, cases, team):
    team["boss"].language = "en"
    db.session.commit()
    case = cases.case(team["owner"], opened_at=OPENED, subject="Login trouble")

    sweep(db.session, DUE)

    texts = dict(db.session.execute(select(Notification.recipient_id, Notification.text)).all())
    reminded, told = texts[team["owner"].id], texts[team["boss"].id]
    assert reminded.startswith(f"工单#{case.id}「Login trouble」答复期限为") and reminded.endswith("，请及时处理。")
    assert told.startswith(f"Case #{case.id} “Login trouble”: the reply deadline is past (due ")
    assert told.endswith(f"); owner {team['owner'].name}.")
