"""The inbox API: each staff member sees and marks only their own notices."""

from datetime import timedelta

import pytest

from crm.models import Notification
from crm.services.cases.notifications import notify
from tests.conftest import auth


@pytest.fixture
def post(make, clock):
    """``post(recipient, text)``: a notice for ``recipient``, written a minute after the previous one."""

    def write(recipient, text="工单提醒", kind="case_reminder"):
        clock.advance(timedelta(minutes=1))
        notice = notify(make.session, recipient, None, kind, text, dedupe_key=f"test:{text}:{recipient.id}")
        make.session.commit()
        return notice

    return write


def test_my_inbox_lists_my_notices_newest_first_and_no_one_elses(client, agent, supervisor, post):
    first, second = post(agent, "一"), post(agent, "二")
    post(supervisor, "别人的")

    response = client.get("/api/v1/notifications", headers=auth(agent))

    assert response.status_code == 200
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == [second.id, first.id]
    assert body["total"] == 2 and body["unread_total"] == 2
    assert body["items"][0] | {"created_at": None} == {
        "id": second.id,
        "kind": "case_reminder",
        "text": "二",
        "case_id": None,
        "customer_id": None,
        "created_at": None,
        "read_at": None,
        "read": False,
        "sms_state": "none",
    }


def test_the_inbox_is_paginated(client, agent, post):
    notices = [post(agent, f"第{n}条") for n in range(5)]

    body = client.get("/api/v1/notifications?per_page=2&page=2", headers=auth(agent)).get_json()

    assert [item["id"] for item in body["items"]] == [notices[2].id, notices[1].id]
    assert (body["total"], body["page"], body["per_page"]) == (5, 2, 2)


def test_reading_a_notice_takes_it_out_of_the_unread_list(client, agent, post, clock):
    read, unread = post(agent, "已读"), post(agent, "未读")

    response = client.post(f"/api/v1/notifications/{read.id}/read", headers=auth(agent))

    assert response.status_code == 200
    assert response.get_json()["read"] is True
    assert response.get_json()["read_at"].startswith(clock.at.isoformat()[:19])
    body = client.get("/api/v1/notifications?unread=true", headers=auth(agent)).get_json()
    assert [item["id"] for item in body["items"]] == [unread.id]
    assert body["unread_total"] == 1
    read_only = client.get("/api/v1/notifications?unread=false", headers=auth(agent)).get_json()
    assert [item["id"] for item in read_only["items"]] == [read.id]


def test_reading_a_notice_twice_keeps_the_first_read_time(client, agent, post, clock):
    notice = post(agent)
    first = client.post(f"/api/v1/notifications/{notice.id}/read", headers=auth(agent)).get_json()
    clock.advance(timedelta(hours=1))

    again = client.post(f"/api/v1/notifications/{notice.id}/read", headers=auth(agent)).get_json()

    assert again["read_at"] == first["read_at"]


def test_someone_elses_notice_cannot_be_read_and_stays_unread(client, db, agent, supervisor, post):
    theirs = post(supervisor)

    response = client.post(f"/api/v1/notifications/{theirs.id}/read", headers=auth(agent))

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_an_unknown_notice_is_not_found(client, agent):
    assert client.post("/api/v1/notifications/999999/read", headers=auth(agent)).status_code == 404


def test_read_all_marks_only_my_unread_notices(client, db, agent, supervisor, post):
    post(agent, "一"), post(agent, "二")
    theirs = post(supervisor)

    response = client.post("/api/v1/notifications/read-all", headers=auth(agent))

    assert response.status_code == 200 and response.get_json() == {"marked": 2}
    assert client.get("/api/v1/notifications?unread=true", headers=auth(agent)).get_json()["total"] == 0
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    assert client.post("/api/v1/notifications/read-all", headers=auth(agent)).get_json() == {"marked": 0}


def test_a_bad_filter_is_a_422_in_the_error_shape(client, agent):
    response = client.get("/api/v1/notifications?unread=maybe", headers=auth(agent))

    assert response.status_code == 422
    assert "unread" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/notifications"),
        ("post", "/api/v1/notifications/1/read"),
        ("post", "/api/v1/notifications/read-all"),
    ],
)
def test_the_inbox_needs_a_signed_in_staff_member(client, method, path):
    assert getattr(client, method)(path).status_code == 401
