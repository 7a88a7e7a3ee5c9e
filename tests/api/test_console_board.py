"""The supervisor board in the console: overdue and escalated cases, reassignment with a reason, presence,
the duty roster; agents are refused, supervisors see their own branch only, admins all or one branch."""

import re
from datetime import timedelta

import pytest

from crm.core import clock
from crm.models import Call, CaseEvent
from tests.api.test_console import _csrf, _sign_in
from tests.api.test_console import client as client  # noqa: F401  (the fixture)
from tests.case_factories import CaseFactory


@pytest.fixture
def cases(db):
    return CaseFactory(db.session)


def _overdue(cases, owner, **fields):
    return cases.case(owner, opened_at=clock.now() - timedelta(days=10), **fields)


def test_an_agent_is_refused_the_board(client, agent):
    _sign_in(client, agent)
    assert client.get("/board").status_code == 403
    assert client.get("/board/cases").status_code == 403


def test_the_board_lists_the_branchs_overdue_cases_with_owner_due_and_lateness(client, make, branch, cases, agent):
    supervisor = make.staff(role="supervisor", branch=branch)
    late = _overdue(cases, agent, subject="逾期的咨询")
    cases.case(agent, subject="还没到期的咨询")
    other_branch = make.staff(role="agent", branch=make.branch())
    _overdue(cases, other_branch, subject="别的营业部的")
    _sign_in(client, supervisor)

    page = client.get("/board").get_data(as_text=True)

    assert f'data-case-id="{late.id}"' in page
    assert "逾期的咨询" in page and "还没到期的咨询" not in page and "别的营业部的" not in page
    row = page[page.index(f'data-case-id="{late.id}"') :]
    assert agent.job_no in row[: row.index("</tr>")]
    assert re.search(r"\d+ 天 \d+ 小时", row[: row.index("</tr>")])
    assert "主管看板" in page


def test_a_supervisor_may_not_look_at_another_branch(client, make, supervisor):
    _sign_in(client, supervisor)
    other = make.branch()
    assert client.get(f"/board?branch_id={other.id}").status_code == 403
    assert client.get(f"/board/people?branch_id={other.id}").status_code == 403
    assert client.get(f"/board?branch_id={supervisor.branch_id}").status_code == 200


def test_an_admin_sees_every_branch_or_the_one_chosen(client, make, cases, admin):
    first, second = make.branch(), make.branch()
    one = _overdue(cases, make.staff(role="agent", branch=first), subject="一号营业部")
    two = _overdue(cases, make.staff(role="agent", branch=second), subject="二号营业部")
    _sign_in(client, admin)

    everything = client.get("/board").get_data(as_text=True)
    assert f'data-case-id="{one.id}"' in everything and f'data-case-id="{two.id}"' in everything
    assert everything.count("<optgroup") == 2  # new owners offered per branch: a case stays in its branch
    chosen = client.get(f"/board/cases?branch_id={first.id}").get_data(as_text=True)
    assert f'data-case-id="{one.id}"' in chosen and f'data-case-id="{two.id}"' not in chosen


def test_the_panels_refresh_themselves(client, supervisor):
    _sign_in(client, supervisor)
    page = client.get("/board").get_data(as_text=True)
    assert 'hx-get="/board/cases' in page and 'hx-get="/board/people' in page
    assert page.count('hx-trigger="every 15s"') == 2


def test_presence_calls_and_the_duty_roster(client, db, make, branch, supervisor):
    supervisor.on_duty = True
    talking = make.staff(role="agent", branch=branch, name="通话中的坐席")
    talking.presence = "busy"
    call = Call(sid="CA-board-1", direction="inbound", branch_id=branch.id, agent_id=talking.id, status="in-progress")
    db.session.add(call)
    db.session.commit()
    _sign_in(client, supervisor)

    panel = client.get("/board/people").get_data(as_text=True)

    calls = panel[panel.index('class="calls"') :]
    assert "通话中的坐席" in calls[: calls.index("</table>")]
    assert "通话中" in panel
    roster = panel[panel.index('class="roster"') :]
    assert supervisor.job_no in roster


def _reassign(client, case_id, body, path="/board"):
    token = _csrf(client, path)
    return client.post(f"/board/cases/{case_id}/reassign", json=body, headers={"X-CSRF-Token": token})


def test_reassigning_needs_a_reason_and_records_it(client, db, make, branch, cases, agent, supervisor):
    colleague = make.staff(role="agent", branch=branch)
    case = _overdue(cases, agent)
    _sign_in(client, supervisor)

    refused = _reassign(client, case.id, {"new_owner_id": colleague.id, "note": "  "})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"note"}

    done = _reassign(client, case.id, {"new_owner_id": colleague.id, "note": "原坐席休假"})
    assert done.status_code == 200
    db.session.refresh(case)
    assert case.owner_id == colleague.id
    event = db.session.query(CaseEvent).filter_by(case_id=case.id, action="handed_off").one()
    assert event.detail["note"] == "原坐席休假"


def test_reassigning_keeps_the_services_rules(client, make, cases, agent, supervisor):
    stranger = make.staff(role="agent", branch=make.branch())
    case = _overdue(cases, agent)
    _sign_in(client, supervisor)
    response = _reassign(client, case.id, {"new_owner_id": stranger.id, "note": "试试"})
    assert response.status_code == 422
    assert "new_owner_id" in response.get_json()["error"]["fields"]


def test_reassigning_without_the_csrf_token_is_refused(client, cases, agent, supervisor):
    case = _overdue(cases, agent)
    _sign_in(client, supervisor)
    response = client.post(f"/board/cases/{case.id}/reassign", json={"new_owner_id": agent.id, "note": "x"})
    assert response.status_code == 400


def test_a_supervisor_may_not_reassign_another_branchs_case(client, make, cases, supervisor):
    theirs = make.staff(role="agent", branch=make.branch())
    case = _overdue(cases, theirs)
    _sign_in(client, supervisor)
    assert _reassign(client, case.id, {"new_owner_id": theirs.id, "note": "越权"}).status_code in (403, 404)
