"""What the supervisor board watches: open cases past a running deadline, or escalated to a supervisor."""

from datetime import timedelta

import pytest

from crm.core import clock
from crm.services.cases import watch
from tests.case_factories import CaseFactory


@pytest.fixture
def cases(db):
    return CaseFactory(db.session)


def _ids(db, viewer, **kwargs):
    return [row.case.id for row in watch.needing_attention(db.session, viewer, **kwargs)]


def test_overdue_and_escalated_cases_most_late_first(db, cases, agent, supervisor):
    now = clock.now()
    later = cases.case(agent, opened_at=now - timedelta(days=5))
    latest = cases.case(agent, opened_at=now - timedelta(days=9))
    fresh = cases.case(agent)
    escalated = cases.case(agent)
    escalated.deadlines[0].level = 2  # the supervisor was told before the due time (e.g. a VIP rule)
    reminded = cases.case(agent)
    reminded.deadlines[0].level = 1  # only the owner was reminded: not the board's business
    met = cases.case(agent, opened_at=now - timedelta(days=9))
    for deadline in met.deadlines:
        deadline.met_at = deadline.due_at - timedelta(hours=1)
    db.session.commit()

    rows = watch.needing_attention(db.session, supervisor)

    assert [row.case.id for row in rows] == [latest.id, later.id, escalated.id]
    assert rows[0].overdue_by > rows[1].overdue_by > timedelta(0)
    assert rows[2].overdue_by is None and rows[2].level == 2
    assert fresh.id not in _ids(db, supervisor) and reminded.id not in _ids(db, supervisor)


def test_within_what_the_viewer_may_see(db, make, cases, agent, supervisor, admin):
    elsewhere = make.staff(role="agent", branch=make.branch())
    ours = cases.case(agent, opened_at=clock.now() - timedelta(days=9))
    theirs = cases.case(elsewhere, opened_at=clock.now() - timedelta(days=9))

    assert _ids(db, supervisor) == [ours.id]
    assert set(_ids(db, admin)) == {ours.id, theirs.id}
    assert _ids(db, admin, branch_id=elsewhere.branch_id) == [theirs.id]
    assert _ids(db, agent) == [ours.id]  # the service answers anyone; the board itself is for supervisors
