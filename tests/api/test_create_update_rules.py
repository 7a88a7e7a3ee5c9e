"""One rule set per record, on creation and on change alike (issue 9 §15): a branch's hotline, a staff
member's phone, and job numbers (trimmed, then checked)."""

import pytest

from tests.api.identity import as_


@pytest.mark.parametrize("hotline", ["12", "not a number"])
def test_a_hotline_refused_by_patch_is_refused_by_post_too(client, branch, admin, hotline):
    patched = client.patch(f"/api/v1/branches/{branch.id}", json={"hotline": hotline}, headers=as_(admin))
    posted = client.post(
        "/api/v1/branches", json={"code": "NEW1", "name": "新营业部", "hotline": hotline}, headers=as_(admin)
    )
    assert (patched.status_code, posted.status_code) == (422, 422)
    assert "hotline" in posted.get_json()["error"]["fields"]


def test_a_hotline_is_stored_in_e164_on_creation_as_on_change(client, branch, admin):
    posted = client.post(
        "/api/v1/branches", json={"code": "NEW1", "name": "新营业部", "hotline": "021 6888 8888"}, headers=as_(admin)
    )
    patched = client.patch(f"/api/v1/branches/{branch.id}", json={"hotline": "021 6888 8888"}, headers=as_(admin))
    assert posted.get_json()["hotline"] == patched.get_json()["hotline"] == "+862168888888"


@pytest.mark.parametrize("phone", ["", "   ", None])
def test_an_empty_staff_phone_is_no_phone_on_creation_and_on_change(client, branch, agent, admin, phone):
    new = {"job_no": "7001", "name": "新员工", "role": "agent", "branch_id": branch.id, "phone": phone}
    posted = client.post("/api/v1/staff", json=new, headers=as_(admin))
    patched = client.patch(f"/api/v1/staff/{agent.id}", json={"phone": phone}, headers=as_(admin))
    assert (posted.status_code, patched.status_code) == (201, 200)
    assert posted.get_json()["phone"] is None
    assert patched.get_json()["phone"] is None


@pytest.mark.parametrize("phone", ["123", "call me"])
def test_a_staff_phone_is_a_valid_number_on_creation_and_on_change(client, branch, agent, admin, phone):
    new = {"job_no": "7001", "name": "新员工", "role": "agent", "branch_id": branch.id, "phone": phone}
    posted = client.post("/api/v1/staff", json=new, headers=as_(admin))
    patched = client.patch(f"/api/v1/staff/{agent.id}", json={"phone": phone}, headers=as_(admin))
    assert (posted.status_code, patched.status_code) == (422, 422)
    assert "phone" in posted.get_json()["error"]["fields"]
    assert "phone" in patched.get_json()["error"]["fields"]


def test_a_job_number_is_trimmed(client, branch, admin):
    new = {"job_no": "  7001 ", "name": "新员工", "role": "agent", "branch_id": branch.id}
    response = client.post("/api/v1/staff", json=new, headers=as_(admin))
    assert response.status_code == 201
    assert response.get_json()["job_no"] == "7001"
    again = client.post("/api/v1/staff", json={**new, "job_no": "7001"}, headers=as_(admin))
    assert again.status_code == 409


@pytest.mark.parametrize("job_no", ["   ", "70 01", "7001\t2", "工号7001", "x" * 17])
def test_a_job_number_is_checked(client, branch, admin, job_no):
    new = {"job_no": job_no, "name": "新员工", "role": "agent", "branch_id": branch.id}
    response = client.post("/api/v1/staff", json=new, headers=as_(admin))
    assert response.status_code == 422
    assert "job_no" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/cases", {"kind": "inquiry", "channel": "phone", "subject": "咨询"}),
        ("/api/v1/scripts", {"purpose": "greeting", "name": "welcome", "text": "您好"}),
    ],
)
def test_an_unknown_branch_is_invalid_input_not_a_server_error(client, admin, path, body):
    response = client.post(path, json={**body, "branch_id": 999999}, headers=as_(admin))
    assert response.status_code == 422
    assert "branch_id" in response.get_json()["error"]["fields"]


def test_an_agent_may_no_more_create_a_closed_customer_than_close_one(client, make, agent):
    customer = make.customer(manager=agent)
    patched = client.patch(f"/api/v1/customers/{customer.id}", json={"status": "closed"}, headers=as_(agent))
    posted = client.post("/api/v1/customers", json={"name": "张三", "status": "closed"}, headers=as_(agent))
    assert (patched.status_code, posted.status_code) == (403, 403)


def test_a_customer_who_is_no_vip_has_no_vip_date_on_creation_as_on_change(client, make, agent):
    customer = make.customer(manager=agent, is_vip=True)
    not_vip = {"is_vip": False, "vip_since": "2024-01-01"}
    patched = client.patch(f"/api/v1/customers/{customer.id}", json=not_vip, headers=as_(agent))
    posted = client.post("/api/v1/customers", json={"name": "张三", **not_vip}, headers=as_(agent))
    assert (patched.status_code, posted.status_code) == (200, 201)
    assert patched.get_json()["vip_since"] is None
    assert posted.get_json()["vip_since"] is None
