"""The working-day calendar and the admins' overrides over HTTP (DOMAIN §5)."""

import pytest

from crm.models import CalendarOverride
from tests.api.identity import as_

WORKING_DAYS = "/api/v1/calendar/working-days"
OVERRIDES = "/api/v1/calendar/overrides"


@pytest.fixture
def deadline(app):
    def run(kind, at):
        result = app.test_cli_runner().invoke(args=["kefu", "deadline", "--kind", kind, "--at", at])
        assert result.exit_code == 0, result.output
        return result.output.splitlines()

    return run


def test_anyone_signed_in_reads_the_working_days_with_adjusted_weekends_marked(client, agent):
    response = client.get(WORKING_DAYS, query_string={"from": "2026-09-28", "to": "2026-10-12"}, headers=as_(agent))
    assert response.status_code == 200
    days = response.get_json()["working_days"]
    assert [d["day"] for d in days] == [
        "2026-09-28",
        "2026-09-29",
        "2026-09-30",
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",
        "2026-10-12",
    ]
    assert days[5] == {"day": "2026-10-10", "weekday": "Sat", "note": "adjusted working day"}


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-10-12", "to": "2026-09-28"}, {"from": "2026-02-30", "to": "2026-03-01"}, {"from": "2026-01-01"}],
)
def test_a_bad_range_is_422(client, agent, query):
    response = client.get(WORKING_DAYS, query_string=query, headers=as_(agent))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid"


def test_an_admin_adds_lists_and_removes_an_override(client, admin, db):
    created = client.post(OVERRIDES, json={"day": "2026-10-12", "kind": "holiday", "note": "台风"}, headers=as_(admin))
    assert created.status_code == 201
    assert created.get_json()["day"] == "2026-10-12" and created.get_json()["created_by_id"] == admin.id
    listed = client.get(OVERRIDES, headers=as_(admin)).get_json()
    assert [(o["day"], o["kind"], o["note"]) for o in listed] == [("2026-10-12", "holiday", "台风")]
    days = client.get(WORKING_DAYS, query_string={"from": "2026-10-12", "to": "2026-10-12"}, headers=as_(admin))
    assert days.get_json()["working_days"] == []
    assert client.delete(f"{OVERRIDES}/2026-10-12", headers=as_(admin)).status_code == 204
    assert db.session.query(CalendarOverride).count() == 0


def test_a_day_already_overridden_is_409(client, admin):
    client.post(OVERRIDES, json={"day": "2026-10-11", "kind": "workday"}, headers=as_(admin))
    response = client.post(OVERRIDES, json={"day": "2026-10-11", "kind": "holiday"}, headers=as_(admin))
    assert response.status_code == 409
    assert "day" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("body", [{"day": "2026-13-01", "kind": "holiday"}, {"day": "2026-10-11", "kind": "party"}, {}])
def test_a_bad_override_is_422(client, admin, body, db):
    response = client.post(OVERRIDES, json=body, headers=as_(admin))
    assert response.status_code == 422
    assert db.session.query(CalendarOverride).count() == 0


def test_deleting_a_bad_date_is_422_and_a_missing_override_404(client, admin):
    assert client.delete(f"{OVERRIDES}/2026-02-30", headers=as_(admin)).status_code == 422
    assert client.delete(f"{OVERRIDES}/2026-02-27", headers=as_(admin)).status_code == 404


def test_overrides_are_for_admins(client, supervisor):
    assert client.get(OVERRIDES, headers=as_(supervisor)).status_code == 403
    response = client.post(OVERRIDES, json={"day": "2026-10-11", "kind": "workday"}, headers=as_(supervisor))
    assert response.status_code == 403


def test_an_override_changes_what_kefu_deadline_prints(client, admin, deadline):
    at = "2026-09-18T16:00:00+08:00"
    assert deadline("complaint", at)[1:] == [
        "first_response_due: 2026-09-20T16:00:00+08:00",
        "resolution_due: 2026-09-21T16:00:00+08:00",
    ]
    client.post(OVERRIDES, json={"day": "2026-09-20", "kind": "holiday"}, headers=as_(admin))
    assert deadline("complaint", at)[1:] == [
        "first_response_due: 2026-09-21T16:00:00+08:00",
        "resolution_due: 2026-09-22T16:00:00+08:00",
    ]
    client.delete(f"{OVERRIDES}/2026-09-20", headers=as_(admin))
    assert deadline("complaint", at)[1] == "first_response_due: 2026-09-20T16:00:00+08:00"


def test_an_extra_working_saturday_counts_for_new_cases(client, admin, agent, clock):
    client.post(OVERRIDES, json={"day": "2026-11-28", "kind": "workday"}, headers=as_(admin))
    clock.set(clock.at.replace(day=27, hour=8))  # Fri 16:00 Shanghai
    case = client.post(
        "/api/v1/cases", json={"kind": "inquiry", "channel": "phone", "subject": "x"}, headers=as_(agent)
    ).get_json()
    assert case["clocks"][0]["due_at"] == "2026-11-28T08:00:00+00:00"  # Sat 16:00 Shanghai
