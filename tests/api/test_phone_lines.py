"""Phone lines through the API: the numbers the IVR answers (DOMAIN §6)."""

import pytest
from sqlalchemy import func, select

from crm.models import PhoneLine
from crm.services.calls.ivr import phone_line_for
from tests.api.identity import as_

LINES = "/api/v1/phone-lines"


def count_lines(db):
    return db.session.scalar(select(func.count()).select_from(PhoneLine))


def test_an_admin_adds_a_wealth_club_line_and_the_ivr_answers_it_for_that_branch(client, db, branch, agent, admin):
    body = {"number": "021-6888 8888", "line": "wealth_club", "branch_id": branch.id}
    response = client.post(LINES, json=body, headers=as_(admin))
    assert response.status_code == 201
    added = response.get_json()
    assert (added["number"], added["line"], added["branch"]["code"]) == ("+862168888888", "wealth_club", branch.code)
    assert client.get(LINES, headers=as_(agent)).get_json() == [added]
    answered = phone_line_for(db.session, "02168888888")
    assert (answered.line, answered.branch_id) == ("wealth_club", branch.id)


def test_a_number_already_a_line_is_409_in_any_format(client, db, branch, admin):
    client.post(LINES, json={"number": "+862168888888", "line": "hotline", "branch_id": branch.id}, headers=as_(admin))
    again = {"number": "021 6888 8888", "line": "wealth_club", "branch_id": branch.id}
    response = client.post(LINES, json=again, headers=as_(admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (409, ["number"])
    assert count_lines(db) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "12345"}, "number"),
        ({"line": "vip"}, "line"),
        ({"branch_id": 999999}, "branch_id"),
        ({"branch_id": None}, "branch_id"),
    ],
)
def test_a_bad_phone_line_is_422_and_adds_nothing(client, db, branch, admin, changes, field):
    body = {"number": "021 6888 8888", "line": "hotline", "branch_id": branch.id, **changes}
    response = client.post(LINES, json=body, headers=as_(admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, [field])
    assert count_lines(db) == 0


def test_an_admin_removes_a_line(client, db, branch, admin):
    body = {"number": "021 6888 8888", "line": "hotline", "branch_id": branch.id}
    line_id = client.post(LINES, json=body, headers=as_(admin)).get_json()["id"]
    assert client.delete(f"{LINES}/{line_id}", headers=as_(admin)).status_code == 204
    assert client.get(LINES, headers=as_(admin)).get_json() == []
    assert client.delete(f"{LINES}/{line_id}", headers=as_(admin)).status_code == 404


def test_only_admins_change_phone_lines_and_only_signed_in_staff_list_them(client, db, branch, agent, supervisor):
    line = PhoneLine(number="+862168888888", line="hotline", branch_id=branch.id)
    db.session.add(line)
    db.session.commit()
    body = {"number": "021 6888 8889", "line": "hotline", "branch_id": branch.id}
    for staff in (agent, supervisor):
        assert client.post(LINES, json=body, headers=as_(staff)).status_code == 403
        assert client.delete(f"{LINES}/{line.id}", headers=as_(staff)).status_code == 403
    assert client.get(LINES, headers=as_()).status_code == 401
    assert count_lines(db) == 1
