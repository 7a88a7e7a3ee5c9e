"""``GET /desk/events`` (Server-Sent Events) and the simulated softphone's controls on the desk."""

import re
import time

from crm import live
from telephony.standin import get_state
from telephony.standin.client_legs import BrowserLeg


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, staff):
    form = {"job_no": staff.job_no, "password": "correct horse", "csrf_token": csrf(client, "/login")}
    client.post("/login", data=form)
    return csrf(client, "/desk")


def test_a_stranger_gets_no_stream(client):
    assert client.get("/desk/events").status_code == 401


def test_the_stream_carries_the_signed_in_persons_events_only(client, agent, make, branch):
    other = make.staff(role="agent", branch=branch)
    sign_in(client, agent)

    response = client.get("/desk/events", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    chunks = (chunk.decode() for chunk in response.response)
    assert next(chunks).startswith("retry:")
    assert next(chunks) == ": keep-alive\n\n"  # subscribed
    live.publish(other.id, "ringing", {"call_sid": "CA-theirs", "customer_id": None, "from_known": False})
    live.publish(agent.id, "ringing", {"call_sid": "CA-mine", "customer_id": 5, "from_known": True})
    assert next(chunks) == 'event: ringing\ndata: {"call_sid": "CA-mine", "customer_id": 5, "from_known": true}\n\n'
    response.close()


def ringing_leg(app, sid, staff):
    leg = BrowserLeg(sid, staff.softphone_identity)
    get_state(app).client_legs.legs[(sid, staff.softphone_identity)] = leg
    return leg


def test_the_agent_answers_mutes_presses_keys_and_hangs_up_their_own_ringing_call(app, client, agent):
    token = sign_in(client, agent)
    leg = ringing_leg(app, "CA-ring", agent)
    post = lambda action, **body: client.post(  # noqa: E731
        f"/desk/softphone/{action}", json={"call_sid": "CA-ring", **body}, headers={"X-CSRF-Token": token}
    )
    try:
        assert post("dtmf", digits="1").status_code == 409  # not connected yet
        assert post("answer").get_json()["status"] == "in-progress"
        assert post("answer").status_code == 409
        assert post("mute", muted=True).get_json()["muted"] is True
        assert post("dtmf", digits="12#").status_code == 200 and leg.digits == "12#"
        assert post("dtmf", digits="x").status_code == 409
        assert post("hangup").get_json()["status"] == "completed"
        assert leg.ended_by == "agent"
    finally:
        get_state(app).client_legs.legs.clear()


def test_nobody_controls_another_agents_call_nor_without_the_csrf_token(app, client, agent, make, branch):
    other = make.staff(role="agent", branch=branch)
    token = sign_in(client, agent)
    leg = ringing_leg(app, "CA-theirs", other)
    try:
        refused = client.post("/desk/softphone/answer", json={"call_sid": "CA-theirs"}, headers={"X-CSRF-Token": token})
        assert refused.status_code == 404 and leg.status == "ringing"
        assert client.post("/desk/softphone/answer", json={"call_sid": "CA-theirs"}).status_code == 400
    finally:
        get_state(app).client_legs.legs.clear()


def test_the_dial_pad_places_a_call_the_agent_then_hangs_up_from_the_desk(app, client, agent, make, clock):
    customer = make.customer(manager=agent, phones=("13800138000",))
    token = sign_in(client, agent)
    headers = {"X-CSRF-Token": token}

    assert client.post("/desk/softphone/dial", json={}, headers=headers).status_code == 400
    placed = client.post("/desk/softphone/dial", json={"customer_id": customer.id}, headers=headers)
    sid = placed.get_json()["call_sid"]
    assert get_state(app).client_legs.find(sid, agent.softphone_identity, wait=5) is not None
    hung_up = client.post("/desk/softphone/hangup", json={"call_sid": sid}, headers=headers)
    assert hung_up.get_json()["status"] == "completed"
    for _ in range(250):  # the walk ends (dial result, status callback) before the test's tables are emptied
        if sid in get_state(app).walked:
            break
        time.sleep(0.02)
    assert get_state(app).walked[sid].dials == [("number:+8613800138000", "completed")]
