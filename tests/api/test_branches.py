"""Changing a branch through the API: name, hotline and head (DOMAIN §1, §5)."""

import pytest

from crm.services.org.duty import Roster
from tests.api.identity import as_

BRANCHES = "/api/v1/branches"


def test_an_admin_renames_a_branch_sets_its_hotline_and_head_and_the_head_is_told_of_late_cases(
    client, db, make, branch, agent, supervisor, admin
):
    make.staff(role="supervisor", branch=branch)  # without a head, every supervisor would be told
    changes = {"name": "上海陆家嘴营业部", "hotline": "021 6888 8888", "head_id": supervisor.id}
    response = client.patch(f"{BRANCHES}/{branch.id}", json=changes, headers=as_(admin))
    assert response.status_code == 200
    assert response.get_json() == {
        "id": branch.id,
        "code": branch.code,
        "name": "上海陆家嘴营业部",
        "hotline": "+862168888888",
        "head_id": supervisor.id,
        "welcome_sms": False,
        "welcome_sms_since": None,
    }
    assert client.get(BRANCHES, headers=as_(agent)).get_json()[0]["head_id"] == supervisor.id
    assert Roster(db.session).head_of(branch.id, agent) == [supervisor]


def test_an_admin_clears_a_branch_head_and_hotline(client, branch, supervisor, admin):
    client.patch(f"{BRANCHES}/{branch.id}", json={"head_id": supervisor.id}, headers=as_(admin))
    response = client.patch(f"{BRANCHES}/{branch.id}", json={"head_id": None, "hotline": None}, headers=as_(admin))
    assert response.status_code == 200
    assert (response.get_json()["head_id"], response.get_json()["hotline"]) == (None, None)


@pytest.mark.parametrize(
    ("who", "field"),
    [
        ("an agent of the branch", "head_id"),
        ("a supervisor elsewhere", "head_id"),
        ("a retired supervisor", "head_id"),
        ("nobody", "head_id"),
        ("a bad hotline", "hotline"),
        ("an empty name", "name"),
    ],
)
def test_a_bad_branch_change_is_422_and_changes_nothing(client, db, make, branch, agent, supervisor, admin, who, field):
    retired = make.staff(role="supervisor", branch=branch)
    retired.is_active = False
    db.session.commit()
    changes = {
        "an agent of the branch": {"head_id": agent.id},
        "a supervisor elsewhere": {"head_id": make.staff(role="supervisor", branch=make.branch()).id},
        "a retired supervisor": {"head_id": retired.id},
        "nobody": {"head_id": 999999},
        "a bad hotline": {"hotline": "12345"},
        "an empty name": {"name": ""},
    }[who]
    response = client.patch(f"{BRANCHES}/{branch.id}", json={"name": "新名字", **changes}, headers=as_(admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, [field])
    db.session.expire_all()
    assert branch.head_id is None and branch.name.startswith("测试营业部")


def test_only_admins_change_a_branch(client, branch, agent, supervisor, admin):
    assert client.patch(f"{BRANCHES}/{branch.id}", json={"name": "x"}, headers=as_(supervisor)).status_code == 403
    assert client.patch(f"{BRANCHES}/{branch.id}", json={"name": "x"}, headers=as_(agent)).status_code == 403
    assert client.patch(f"{BRANCHES}/{branch.id}", json={"name": "x"}, headers=as_()).status_code == 401
    assert client.patch(f"{BRANCHES}/999999", json={"name": "x"}, headers=as_(admin)).status_code == 404
