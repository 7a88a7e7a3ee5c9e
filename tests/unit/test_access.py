"""The access table (DOMAIN §1): what a list shows is what a row check lets open, model by model."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crm.errors import Forbidden
from crm.models import Case, Customer, Visit
from crm.services.cases import workflow
from crm.services.org import access


@pytest.fixture
def team(make, branch):
    """Two agents and a supervisor of ``branch``, a supervisor of another branch, an admin."""
    elsewhere = make.branch()
    return {
        "agent": make.staff(role="agent", branch=branch),
        "colleague": make.staff(role="agent", branch=branch),
        "supervisor": make.staff(role="supervisor", branch=branch),
        "foreign_supervisor": make.staff(role="supervisor", branch=elsewhere),
        "admin": make.staff(role="admin"),
    }


def listed(db, viewer, model):
    return set(db.session.scalars(access.visible(select(model), viewer)))


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [("agent", True), ("colleague", False), ("supervisor", True), ("foreign_supervisor", False), ("admin", True)],
)
def test_a_customer_and_their_visit_are_listed_and_opened_alike(db, make, team, viewer, sees):
    customer = make.customer(manager=team["agent"])
    visit = Visit(
        manager_id=team["agent"].id,
        customer_id=customer.id,
        channel="phone",
        started_at=datetime(2026, 3, 2, 2, tzinfo=UTC),
        purpose="care",
        summary="问候",
    )
    db.session.add(visit)
    db.session.commit()
    staff = team[viewer]
    for row in (customer, visit):
        assert (row in listed(db, staff, type(row)), access.may_see(staff, row)) == (sees, sees)
    assert access.can_see_sensitive(staff, customer) is sees


def test_a_supervisor_may_not_open_a_case_on_another_branchs_customer(db, make, team):
    other_branch_customer = make.customer(manager=make.staff(role="agent", branch=team["foreign_supervisor"].branch))
    with pytest.raises(Forbidden):
        workflow.open_case(
            db.session,
            team["supervisor"],
            {"channel": "phone", "subject": "问题", "kind": "inquiry", "customer_id": other_branch_customer.id},
        )
    assert db.session.scalar(select(Case.id)) is None


@pytest.mark.parametrize(("viewer", "sees"), [("agent", True), ("supervisor", True), ("foreign_supervisor", False)])
def test_a_case_is_listed_and_opened_alike(db, make, team, viewer, sees):
    case = workflow.open_case(db.session, team["agent"], {"channel": "phone", "subject": "问题", "kind": "inquiry"})
    db.session.commit()
    staff = team[viewer]
    assert (case in listed(db, staff, Case), access.may_see(staff, case)) == (sees, sees)


def test_a_refusal_names_the_kind_of_row(db, make, team):
    customer = make.customer(manager=team["agent"])
    with pytest.raises(Forbidden, match="This customer belongs to another manager or branch."):
        access.visible_row(db.session, team["colleague"], Customer, customer.id)
