"""Deadline policies as data: anyone reads them, admins change them, new cases follow (DOMAIN §5)."""

import pytest

from crm.models import DeadlinePolicy
from tests.api.identity import as_

POLICIES = "/api/v1/deadline-policies"


def policy(db, kind, clock, vip=False):
    return db.session.query(DeadlinePolicy).filter_by(kind=kind, clock=clock, vip=vip).one()


def test_anyone_reads_the_seeded_policies(client, agent):
    response = client.get(POLICIES, headers=as_(agent))
    assert response.status_code == 200
    rows = {(p["kind"], p["vip"], p["clock"]): (p["amount"], p["unit"]) for p in response.get_json()}
    assert len(rows) == 16
    assert rows[("complaint", False, "dispatch")] == (5, "minutes")
    assert rows[("email_inquiry", True, "resolution")] == (2, "working_days")


def test_an_admin_tightens_a_vip_policy_and_new_cases_follow_it(client, db, admin, agent, make, clock):
    row = policy(db, "opinion", "resolution", vip=True)
    response = client.patch(f"{POLICIES}/{row.id}", json={"amount": 90, "unit": "minutes"}, headers=as_(admin))
    assert response.status_code == 200 and response.get_json()["amount"] == 90
    vip = make.customer(branch=agent.branch, manager=agent, is_vip=True)
    case = client.post(
        "/api/v1/cases",
        json={"kind": "opinion", "channel": "phone", "subject": "意见", "customer_id": vip.id},
        headers=as_(agent),
    ).get_json()
    assert case["clocks"][0]["due_at"] == "2026-11-23T03:30:00+00:00"  # Mon 10:00 + 90 min


def test_put_sets_a_clock_a_kind_did_not_have_and_repeating_it_changes_nothing(client, db, admin):
    body = {"kind": "inquiry", "vip": True, "clock": "resolution", "amount": 3, "unit": "working_days"}
    for _ in range(2):
        response = client.put(POLICIES, json=body, headers=as_(admin))
        assert response.status_code == 200
    assert policy(db, "inquiry", "resolution", vip=True).amount == 3
    assert db.session.query(DeadlinePolicy).count() == 17


@pytest.mark.parametrize("change", [{"amount": 0, "unit": "minutes"}, {"amount": 1, "unit": "hours"}, {"amount": 1}])
def test_a_bad_limit_is_422_and_changes_nothing(client, db, admin, change):
    row = policy(db, "complaint", "dispatch")
    response = client.patch(f"{POLICIES}/{row.id}", json=change, headers=as_(admin))
    assert response.status_code == 422
    db.session.expire_all()
    assert (policy(db, "complaint", "dispatch").amount, policy(db, "complaint", "dispatch").unit) == (5, "minutes")


def test_only_admins_change_policies(client, db, supervisor):
    row = policy(db, "complaint", "dispatch")
    assert (
        client.patch(f"{POLICIES}/{row.id}", json={"amount": 9, "unit": "minutes"}, headers=as_(supervisor)).status_code
        == 403
    )


def test_an_unknown_policy_is_404(client, admin):
    assert (
        client.patch(f"{POLICIES}/9999", json={"amount": 9, "unit": "minutes"}, headers=as_(admin)).status_code == 404
    )
