"""Care API (issue 11 item 4): a customer's kept dates, the cadences admins edit, the call list, and the
care reminder's link to its customer in the inbox."""

from datetime import date, timedelta

from crm.services.activity import cadence, care_reminders
from tests.api.identity import as_
from tests.times import sh


def test_a_manager_keeps_and_drops_dates_on_a_customer(client, make, branch, agent):
    customer = make.customer(manager=agent)
    url = f"/api/v1/customers/{customer.id}/dates"

    added = client.post(url, json={"kind": "wedding_anniversary", "day": "2001-10-01"}, headers=as_(agent))
    listed = client.get(url, headers=as_(agent)).get_json()
    removed = client.delete(f"{url}/{added.get_json()['id']}", headers=as_(agent))

    assert added.status_code == 201
    assert [(d["kind"], d["day"], d["yearly"]) for d in listed] == [("wedding_anniversary", "2001-10-01", True)]
    assert removed.status_code == 204 and client.get(url, headers=as_(agent)).get_json() == []
    assert client.delete(f"{url}/{added.get_json()['id']}", headers=as_(agent)).status_code == 404
    other = make.staff(role="agent", branch=branch)
    assert client.get(url, headers=as_(other)).status_code == 403


def test_admins_edit_the_cadences_everyone_reads(client, db, agent, admin):
    cadence.ensure_default_cadences(db.session)
    db.session.commit()

    assert client.put("/api/v1/contact-cadences/A+", json={"days": 3}, headers=as_(agent)).status_code == 403
    changed = client.put("/api/v1/contact-cadences/A+", json={"days": 3}, headers=as_(admin))
    listed = client.get("/api/v1/contact-cadences", headers=as_(agent)).get_json()

    assert changed.get_json()["updated_by"]["id"] == admin.id
    assert [(c["class"], c["days"]) for c in listed[:3]] == [("A+", 3), ("B+", 7), ("A", 14)]
    assert client.put("/api/v1/contact-cadences/Z", json={"days": 3}, headers=as_(admin)).status_code == 404


def test_the_call_list_shows_when_each_customer_was_due(client, db, make, agent, clock):
    cadence.ensure_default_cadences(db.session)
    customer = make.customer(manager=agent, created_at=sh(1, 5, 10))
    make.visit(agent, customer, started_at=sh(11, 23, 9) - timedelta(days=47))

    body = client.get("/api/v1/call-list", headers=as_(agent)).get_json()

    assert body["total"] == 1
    [entry] = body["items"]
    assert (entry["customer_id"], entry["class"], entry["cadence_days"]) == (customer.id, "D-", 45)
    assert (entry["last_contact_on"], entry["due_on"], entry["days_overdue"]) == ("2026-10-07", "2026-11-21", 2)
    assert entry["masked"] is False and entry["manager"]["id"] == agent.id


def test_a_care_reminder_links_its_customer_in_the_inbox(client, db, make, agent):
    customer = make.customer(manager=agent, birthday=date(1985, 11, 28))
    care_reminders.remind_due(db.session, sh(11, 27, 9, 30))
    db.session.commit()

    [notice] = client.get("/api/v1/notifications", headers=as_(agent)).get_json()["items"]

    assert (notice["kind"], notice["customer_id"]) == ("care_reminder", customer.id)
