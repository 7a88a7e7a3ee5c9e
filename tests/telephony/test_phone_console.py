"""The console's phone panel walks the IVR from a form and shows the transcript and SMS sent."""

import re
import time

from crm.services.calls.presence import set_presence
from telephony.standin import get_state


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, staff):
    """Sign in through the login form; the CSRF token of the new session."""
    form = {"job_no": staff.job_no, "password": "correct horse", "csrf_token": csrf(client, "/login")}
    client.post("/login", data=form)
    return csrf(client, "/phone")


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get("/phone")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_a_call_placed_from_the_panel_shows_what_the_caller_heard(client, phone_lines, branch, agent, db, clock):
    set_presence(db.session, agent, "ready")
    db.session.commit()
    token = sign_in(client, agent)

    response = client.post(
        "/phone",
        data={"csrf_token": token, "from": "13900139000", "to": "", "keys": "1", "agent_answers": "on"},
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<li>heard: 您好，某某证券{branch.name}！</li>" in html
    assert "<li>pressed: 1</li>" in html
    assert f"client:agent-{agent.job_no} answered" in html


def test_the_panel_refuses_a_post_without_the_csrf_token(client, phone_lines, agent):
    sign_in(client, agent)

    response = client.post("/phone", data={"from": "13900139000", "keys": "1"})

    assert response.status_code == 400
    assert "<li>" not in response.get_data(as_text=True)


def test_the_panel_lists_the_text_messages_the_standin_sent_to_the_signed_in_person(client, make, branch, twilio_stub):
    agent = make.staff(role="agent", branch=branch, phone="13800138000")
    twilio_stub.client.send_sms("+8613800138000", "【客服提醒】您有1个工单已超期: #3")
    twilio_stub.client.send_sms("+8613700137000", "【客服提醒】您有2个工单即将到期: #4 #5")
    sign_in(client, agent)

    html = client.get("/phone").get_data(as_text=True)

    assert "【客服提醒】您有1个工单已超期: #3" in html
    assert "#4 #5" not in html and "13700137000" not in html


def test_with_a_real_twilio_account_the_panel_and_its_form_are_gone(app, client, agent, monkeypatch):
    sign_in(client, agent)
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "AC" + "1" * 32)

    assert client.get("/phone").status_code == 404
    token = csrf(client, "/customers")
    assert client.post("/phone", data={"csrf_token": token, "from": "13900139000", "keys": "1"}).status_code == 404


def test_ring_a_browser_agent_returns_at_once_and_shows_the_transcript_when_the_call_ends(
    app, client, phone_lines, branch, agent, db, clock
):
    set_presence(db.session, agent, "ready")
    db.session.commit()
    token = sign_in(client, agent)

    response = client.post("/phone", data={"csrf_token": token, "mode": "browser", "from": "13900139000", "keys": "1"})

    assert response.status_code == 200
    sid = re.search(r"(CA[0-9a-f]{32})", response.get_data(as_text=True)).group(1)
    legs = get_state(app).client_legs
    leg = legs.find(sid, agent.softphone_identity, wait=5)
    assert leg is not None and leg.status == "ringing"
    assert legs.answer(leg, agent.id) and legs.end(leg, "agent")
    for _ in range(200):
        if sid in get_state(app).walked:
            break
        time.sleep(0.02)
    html = client.get(f"/phone?call={sid}").get_data(as_text=True)
    assert f"client:agent-{agent.job_no} answered" in html
