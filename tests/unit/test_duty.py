"""The duty roster (DOMAIN §1, §5): who is told when work needs a person, and who must act on it."""

import pytest
from sqlalchemy import event

from crm.errors import NotFound
from crm.services.org.duty import Roster


@pytest.fixture
def team(db, make, branch):
    """Two supervisors and an agent of ``branch``, nobody on duty, no head, no own supervisor."""
    first, second = make.staff(role="supervisor", branch=branch), make.staff(role="supervisor", branch=branch)
    agent = make.staff(role="agent", branch=branch)
    make.staff(role="supervisor", branch=make.branch())  # another branch's supervisor is never told
    return first, second, agent


def set_(db, staff, **changes):
    for name, value in changes.items():
        setattr(staff, name, value)
    db.session.commit()


def test_an_agent_is_told_about_by_their_own_active_supervisor_else_the_branch_on_duty(db, make, branch, team):
    first, second, agent = team
    own = make.staff(role="supervisor", branch=make.branch())
    set_(db, agent, supervisor_id=own.id)
    assert Roster(db.session).supervisors_of(agent, branch.id) == [own]
    set_(db, own, is_active=False)
    set_(db, second, on_duty=True)
    assert Roster(db.session).supervisors_of(agent, branch.id) == [second]


def test_on_duty_are_the_supervisors_on_duty_else_every_active_supervisor_by_id(db, branch, team):
    first, second, _ = team
    assert Roster(db.session).on_duty(branch.id) == [first, second]
    set_(db, first, is_active=False)
    assert Roster(db.session).on_duty(branch.id) == [second]
    set_(db, first, is_active=True, on_duty=True)
    assert Roster(db.session).on_duty(branch.id) == [first]


def test_the_head_of_a_branch_is_told_while_active_else_the_supervisors_of_the_owner(db, branch, team):
    first, second, agent = team
    set_(db, branch, head_id=second.id)
    assert Roster(db.session).head_of(branch.id, agent) == [second]
    set_(db, second, is_active=False)
    assert Roster(db.session).head_of(branch.id, agent) == [first]


def test_work_arriving_at_a_branch_goes_to_duty_then_head_then_any_supervisor_then_an_admin(db, make, branch, team):
    first, second, _ = team
    set_(db, second, on_duty=True)
    set_(db, branch, head_id=first.id)
    assert Roster(db.session).responsible_for(branch.id) == second
    set_(db, second, on_duty=False)
    assert Roster(db.session).responsible_for(branch.id) == first
    set_(db, first, is_active=False)
    assert Roster(db.session).responsible_for(branch.id) == second
    set_(db, second, is_active=False)
    admin = make.staff(role="admin")
    assert Roster(db.session).responsible_for(branch.id) == admin
    set_(db, admin, is_active=False)
    with pytest.raises(NotFound):
        Roster(db.session).responsible_for(branch.id)


def test_a_roster_looks_each_branch_and_person_up_once(db, branch, team):
    """The escalation sweep keeps one roster per sweep: a branch costs queries once, not once per case."""
    first, _, agent = team
    set_(db, agent, supervisor_id=first.id)
    roster = Roster(db.session)
    ask = lambda: (roster.on_duty(branch.id), roster.head_of(branch.id, agent), roster.supervisors_of(agent, branch.id))  # noqa: E731
    asked = ask()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert ask() == asked
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []
