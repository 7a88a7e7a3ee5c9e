"""The daily complaint register (issue 10 item 4): per branch and day, every complaint with its state; the
supervisor's sign-off; the unsigned register of the previous working day in the inbox the next morning."""

import pytest
from sqlalchemy import select

from crm.models import Notification
from crm.services.cases import workflow
from tests.api.identity import as_
from tests.times import sh
from workers.jobs import remind_unsigned_complaint_registers

REGISTER = "/api/v1/complaint-register"


@pytest.fixture
def duty(make, branch, db):
    supervisor = make.staff(role="supervisor", branch=branch)
    supervisor.on_duty = True
    db.session.commit()
    return supervisor


def complaint(db, actor, subject="投诉"):
    fields = {"kind": "complaint", "channel": "phone", "subject": subject, "demand": "要求道歉"}
    case = workflow.open_case(db.session, actor, fields)
    db.session.commit()
    return case


def test_the_register_lists_the_days_complaints_with_their_state_and_takes_one_sign_off(
    client, db, agent, duty, clock, make
):
    clock.set(sh(11, 20, 23, 30))  # Friday night, local: still Friday's register
    friday = complaint(db, agent, "夜间投诉")
    clock.set(sh(11, 23, 10))
    complaint(db, agent, "周一投诉")
    workflow.assign(db.session, duty, friday, agent.id)
    db.session.commit()

    shown = client.get(REGISTER, query_string={"day": "2026-11-20"}, headers=as_(duty)).get_json()
    assert [(c["id"], c["status"], c["subject"]) for c in shown["complaints"]] == [
        (friday.id, "dispatched", "夜间投诉")
    ]
    assert shown["complaints"][0]["complaint_number"] == friday.complaint_record.number
    assert shown["sign_off"] is None

    signed = client.post(f"{REGISTER}/sign-off", json={"day": "2026-11-20", "remark": "已核"}, headers=as_(duty))
    assert signed.status_code == 201
    sign_off = signed.get_json()["sign_off"]
    assert (sign_off["signed_by"]["id"], sign_off["signed_at"], sign_off["remark"]) == (
        duty.id,
        clock.at.isoformat(),
        "已核",
    )
    again = client.post(f"{REGISTER}/sign-off", json={"day": "2026-11-20"}, headers=as_(duty))
    assert again.status_code == 409
    future = client.post(f"{REGISTER}/sign-off", json={"day": "2026-11-24"}, headers=as_(duty))
    assert future.status_code == 422


def test_agents_and_other_branches_neither_read_nor_sign_the_register(client, agent, duty, make, admin, branch):
    stranger = make.staff(role="supervisor", branch=make.branch())
    day = {"day": "2026-11-23"}
    assert client.get(REGISTER, query_string=day, headers=as_(agent)).status_code == 403
    assert client.post(f"{REGISTER}/sign-off", json=day, headers=as_(agent)).status_code == 403
    their = {**day, "branch_id": branch.id}
    assert client.get(REGISTER, query_string=their, headers=as_(stranger)).status_code == 403
    assert client.post(f"{REGISTER}/sign-off", json=their, headers=as_(stranger)).status_code == 403
    assert client.get(REGISTER, query_string=their, headers=as_(admin)).status_code == 200


def reminders(db):
    kind = Notification.kind == "complaint_register_unsigned"
    return db.session.scalars(select(Notification).where(kind).order_by(Notification.id)).all()


def test_an_unsigned_register_reaches_the_supervisors_inbox_the_next_working_morning_once(db, agent, duty, clock):
    clock.set(sh(11, 20, 15))  # Friday
    complaint(db, agent)
    clock.set(sh(11, 21, 10))  # Saturday: no working morning
    assert remind_unsigned_complaint_registers() == 0
    clock.set(sh(11, 23, 8, 50))  # Monday before opening
    assert remind_unsigned_complaint_registers() == 0
    clock.set(sh(11, 23, 9, 5))
    assert remind_unsigned_complaint_registers() == 1
    assert remind_unsigned_complaint_registers() == 0  # repeated runs write nothing more
    (notice,) = reminders(db)
    assert (notice.recipient_id, notice.case_id) == (duty.id, None)
    assert "2026-11-20" in notice.text


def test_a_signed_register_is_not_reminded(client, db, agent, duty, clock):
    clock.set(sh(11, 20, 15))
    complaint(db, agent)
    client.post(f"{REGISTER}/sign-off", json={"day": "2026-11-20"}, headers=as_(duty))
    clock.set(sh(11, 23, 9, 5))
    assert remind_unsigned_complaint_registers() == 0
    assert reminders(db) == []
