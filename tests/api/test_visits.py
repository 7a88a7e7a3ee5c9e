"""Visit logs through the API (DOMAIN §4). The clock stands at Mon 2026-11-23 10:00 Shanghai."""

import pytest

from crm.models import Visit
from tests.api.identity import as_

VISITS = "/api/v1/visits"


@pytest.fixture(autouse=True)
def _frozen(clock):
    """Every test here runs at Mon 2026-11-23 10:00 Shanghai."""
    return clock


def visit_body(customer, **fields):
    return {
        "customer_id": customer.id,
        "channel": "home_visit",
        "started_at": "2026-11-23T09:00:00+08:00",
        "duration_minutes": 40,
        "purpose": "care",
        "summary": "生日关怀，介绍新产品",
        **fields,
    }


@pytest.fixture
def log(client):
    """Log a visit as ``staff`` and return the response body (asserting 201)."""

    def log(staff, customer, **fields):
        response = client.post(VISITS, json=visit_body(customer, **fields), headers=as_(staff))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return log


def test_an_agent_logs_a_visit_to_their_customer(client, db, make, agent, clock):
    customer = make.customer(manager=agent)
    body = visit_body(customer, next_step="寄送资料", next_step_on="2026-11-25", self_score=4, call_sid="CA" + "0" * 32)
    response = client.post(VISITS, json=body, headers=as_(agent))
    assert response.status_code == 201
    visit = response.get_json()
    assert (visit["manager"]["id"], visit["customer"]["id"], visit["channel"]) == (agent.id, customer.id, "home_visit")
    assert (visit["next_step_on"], visit["self_score"], visit["started_at"][:19]) == (
        "2026-11-25",
        4,
        "2026-11-23T01:00:00",
    )
    assert db.session.query(Visit).filter_by(manager_id=agent.id).count() == 1


def test_a_supervisor_logs_a_visit_to_any_branch_customer_as_its_manager(make, agent, supervisor, log):
    customer = make.customer(manager=agent)
    assert log(supervisor, customer)["manager"]["id"] == supervisor.id


def test_an_agent_may_not_log_a_visit_to_another_managers_customer(client, db, make, agent, branch):
    other = make.customer(manager=make.staff(role="agent", branch=branch))
    assert client.post(VISITS, json=visit_body(other), headers=as_(agent)).status_code == 403
    assert db.session.query(Visit).count() == 0


def test_logging_a_visit_needs_a_signed_in_user(client, make, agent):
    assert client.post(VISITS, json=visit_body(make.customer(manager=agent)), headers=as_()).status_code == 401


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"purpose": "gossip"}, "purpose"),
        ({"self_score": 6}, "self_score"),
        ({"self_score": 0}, "self_score"),
        ({"summary": ""}, "summary"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"started_at": "2026-11-23T11:00:00+08:00"}, "started_at"),  # an hour from now
        ({"started_at": "2026-11-23T09:00:00"}, "started_at"),  # no time zone
        ({"next_step_on": "2026-11-22"}, "next_step_on"),  # before the visit's day
        ({"customer_id": None}, "customer_id"),
    ],
)
def test_bad_visit_input_is_422_naming_the_field(client, db, make, agent, fields, field):
    response = client.post(VISITS, json=visit_body(make.customer(manager=agent), **fields), headers=as_(agent))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(Visit).count() == 0


def test_agents_see_their_visits_supervisors_the_branch_admins_all(client, make, branch, agent, supervisor, admin, log):
    colleague = make.staff(role="agent", branch=branch)
    elsewhere = make.staff(role="agent", branch=make.branch())
    mine = log(agent, make.customer(manager=agent))["id"]
    theirs = log(colleague, make.customer(manager=colleague))["id"]
    far = log(elsewhere, make.customer(manager=elsewhere))["id"]

    def seen(staff):
        return sorted(v["id"] for v in client.get(VISITS, headers=as_(staff)).get_json()["items"])

    assert seen(agent) == [mine]
    assert seen(supervisor) == sorted([mine, theirs])
    assert seen(admin) == sorted([mine, theirs, far])


def test_visits_filter_by_manager_customer_and_channel(client, make, agent, supervisor, log):
    first, second = make.customer(manager=agent), make.customer(manager=agent)
    by_phone = log(agent, first, channel="phone")["id"]
    on_site = log(agent, second, channel="on_site")["id"]
    by_supervisor = log(supervisor, first, channel="phone")["id"]

    def ids(**query):
        response = client.get(VISITS, query_string=query, headers=as_(supervisor))
        return sorted(v["id"] for v in response.get_json()["items"])

    assert ids(channel="phone") == sorted([by_phone, by_supervisor])
    assert ids(customer_id=second.id) == [on_site]
    assert ids(manager_id=supervisor.id) == [by_supervisor]
    assert ids(manager_id=agent.id, customer_id=first.id) == [by_phone]


def test_the_date_range_is_in_local_days_and_inclusive(client, make, agent, log):
    customer = make.customer(manager=agent)
    late_sunday = log(agent, customer, started_at="2026-11-22T23:30:00+08:00")["id"]  # Sunday 15:30 UTC
    monday = log(agent, customer, started_at="2026-11-23T00:30:00+08:00")["id"]  # Sunday 16:30 UTC
    log(agent, customer, started_at="2026-11-20T10:00:00+08:00")

    def ids(**query):
        return [v["id"] for v in client.get(VISITS, query_string=query, headers=as_(agent)).get_json()["items"]]

    assert ids(**{"from": "2026-11-22", "to": "2026-11-22"}) == [late_sunday]
    assert ids(**{"from": "2026-11-21"}) == [monday, late_sunday]
    assert ids(to="2026-11-22") == [late_sunday, ids()[-1]]


def test_a_range_that_ends_before_it_starts_is_422(client, agent):
    response = client.get(VISITS, query_string={"from": "2026-11-23", "to": "2026-11-01"}, headers=as_(agent))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["to"])


def test_a_bad_filter_is_422(client, agent):
    response = client.get(VISITS, query_string={"from": "yesterday", "channel": "fax"}, headers=as_(agent))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"from", "channel"}


def test_visits_come_newest_first_one_page_at_a_time(client, make, agent, log):
    customer = make.customer(manager=agent)
    ids = [log(agent, customer, started_at=f"2026-11-{day}T09:00:00+08:00")["id"] for day in (10, 12, 11)]
    page = client.get(VISITS, query_string={"per_page": 2}, headers=as_(agent)).get_json()
    assert (page["total"], [v["id"] for v in page["items"]]) == (3, [ids[1], ids[2]])
    page2 = client.get(VISITS, query_string={"per_page": 2, "page": 2}, headers=as_(agent)).get_json()
    assert [v["id"] for v in page2["items"]] == [ids[0]]


def test_visit_detail_follows_who_may_see_it(client, make, branch, agent, supervisor, log):
    visit = log(agent, make.customer(manager=agent))
    colleague = make.staff(role="agent", branch=branch)
    other_supervisor = make.staff(role="supervisor", branch=make.branch())
    assert client.get(f"{VISITS}/{visit['id']}", headers=as_(agent)).get_json() == visit
    assert client.get(f"{VISITS}/{visit['id']}", headers=as_(supervisor)).status_code == 200
    assert client.get(f"{VISITS}/{visit['id']}", headers=as_(colleague)).status_code == 403
    assert client.get(f"{VISITS}/{visit['id']}", headers=as_(other_supervisor)).status_code == 403
    assert client.get(f"{VISITS}/999999", headers=as_(agent)).status_code == 404
    assert client.get(f"{VISITS}/{visit['id']}", headers=as_()).status_code == 401


def test_the_author_corrects_a_visit(client, make, agent, log):
    visit = log(agent, make.customer(manager=agent))
    changes = {"outcome": "客户同意购买", "next_step": "回访", "next_step_on": "2026-11-30", "self_score": 5}
    response = client.patch(f"{VISITS}/{visit['id']}", json=changes, headers=as_(agent))
    assert response.status_code == 200
    assert {k: response.get_json()[k] for k in changes} == changes


def test_only_the_author_corrects_a_visit(client, make, agent, supervisor, log):
    visit = log(agent, make.customer(manager=agent))
    response = client.patch(f"{VISITS}/{visit['id']}", json={"self_score": 1}, headers=as_(supervisor))
    assert response.status_code == 403
    assert client.get(f"{VISITS}/{visit['id']}", headers=as_(agent)).get_json()["self_score"] is None


@pytest.mark.parametrize(
    ("changes", "field"), [({"self_score": 9}, "self_score"), ({"next_step_on": "2026-01-01"}, "next_step_on")]
)
def test_a_bad_correction_is_422_and_changes_nothing(client, make, agent, log, changes, field):
    visit = log(agent, make.customer(manager=agent))
    response = client.patch(f"{VISITS}/{visit['id']}", json=changes, headers=as_(agent))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, [field])
    assert client.get(f"{VISITS}/{visit['id']}", headers=as_(agent)).get_json() == visit


def test_a_change_to_a_logged_visit_is_in_its_audit_trail(client, make, agent, supervisor, log):
    customer = make.customer(manager=agent)
    visit = log(agent, customer)
    url = f"{VISITS}/{visit['id']}"
    changes = {"summary": "生日关怀", "self_score": 4, "started_at": "2026-11-23T09:00:00+08:00"}
    assert client.patch(url, json=changes, headers=as_(agent)).status_code == 200

    response = client.get(f"{url}/audit", headers=as_(supervisor))
    assert response.status_code == 200
    rows = response.get_json()["items"]
    assert sorted((r["field"], r["old_value"], r["new_value"], r["actor"]["id"]) for r in rows) == [
        ("visit.self_score", None, "4", agent.id),
        ("visit.summary", "生日关怀，介绍新产品", "生日关怀", agent.id),
    ]  # started_at was sent unchanged: no row
    assert all(r["at"] for r in rows)


def test_a_visits_audit_trail_is_refused_to_who_may_not_see_the_visit(client, make, agent, log):
    visit = log(agent, make.customer(manager=agent))
    outsider = make.staff(role="agent", branch=make.branch())
    assert client.get(f"{VISITS}/{visit['id']}/audit", headers=as_(outsider)).status_code == 403
