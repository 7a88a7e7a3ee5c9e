"""The stand-in's browser leg: a walked call rings an agent's browser and waits for it (client_legs)."""

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crm import live
from crm.models import Call
from crm.services.calls.presence import set_presence
from telephony.standin import get_state
from telephony.standin.simulator import browser_dials, ring_browser_agent
from tests.telephony.ivr_walk import CALLER


@pytest.fixture
def world(app, db, phone_lines, clock):
    return app


def ready(db, *people):
    for n, person in enumerate(people):
        set_presence(db.session, person, "ready", at=datetime(2026, 11, 23, 1, n, tzinfo=UTC))
    db.session.commit()


def leg_of(app, sid, agent):
    with app.app_context():
        leg = get_state(app).client_legs.find(sid, agent.softphone_identity, wait=5)
    assert leg is not None, f"{agent.softphone_identity} never rang"
    return leg


def transcript_of(app, sid, seconds=10):
    walked = get_state(app).walked
    deadline = time.monotonic() + seconds
    while sid not in walked and time.monotonic() < deadline:
        time.sleep(0.02)
    return walked[sid]


def events(app, staff, seconds=0.3):
    """A listener for ``staff``'s events, subscribed now; ``.read()`` collects what arrived."""
    stream = live.listen(staff.id, seconds=seconds, heartbeat=seconds, app=app)
    next(stream)

    class Reader:
        @staticmethod
        def read():
            return [item for item in stream if item is not None]

    return Reader


def test_the_browser_answers_then_hangs_up_and_the_walk_goes_on(world, agent, db):
    ready(db, agent)
    sid = ring_browser_agent(world, CALLER, ring_seconds=5, talk_seconds=5)
    legs = get_state(world).client_legs
    leg = leg_of(world, sid, agent)
    assert leg.parameters == {"CallSid": sid, "customer_id": ""}
    with world.app_context():
        assert legs.answer(leg, agent.id)
        assert legs.end(leg, "agent")

    transcript = transcript_of(world, sid)
    assert transcript.dials == [(f"client:agent-{agent.job_no}", "completed")]
    assert transcript.errors == []
    db.session.expire_all()
    call = db.session.scalar(select(Call).where(Call.sid == sid))
    assert (call.agent_id, call.outcome) == (agent.id, "answered")


def test_the_desk_hears_ringing_connected_and_ended_in_order(world, agent, db):
    ready(db, agent)
    heard = events(world, agent, seconds=1.5)
    sid = ring_browser_agent(world, CALLER, ring_seconds=5, talk_seconds=5)
    leg = leg_of(world, sid, agent)
    with world.app_context():
        get_state(world).client_legs.answer(leg, agent.id)
        get_state(world).client_legs.end(leg, "agent")
    transcript_of(world, sid)
    assert heard.read() == [
        ("ringing", {"call_sid": sid, "customer_id": None, "from_known": False}),
        ("connected", {"call_sid": sid}),
        ("ended", {"call_sid": sid}),
    ]


def test_a_rejected_ring_goes_to_the_next_agent_then_to_voicemail(world, agent, make, branch, db):
    second = make.staff(role="agent", branch=branch)
    ready(db, agent, second)
    sid = ring_browser_agent(world, CALLER, ring_seconds=5, record_text="请回电")
    legs = get_state(world).client_legs
    assert legs.reject(leg_of(world, sid, agent))
    assert legs.reject(leg_of(world, sid, second))

    transcript = transcript_of(world, sid)
    assert [status for _, status in transcript.dials] == ["busy", "busy"]
    assert "recorded: 请回电" in transcript.lines


def test_an_unanswered_ring_times_out_to_voicemail_and_the_desk_hears_missed(world, agent, db):
    ready(db, agent)
    heard = events(world, agent, seconds=1.5)
    sid = ring_browser_agent(world, CALLER, ring_seconds=0.3, record_text="请回电")

    transcript = transcript_of(world, sid)
    assert transcript.dials[0] == (f"client:agent-{agent.job_no}", "no-answer")
    assert "recorded: 请回电" in transcript.lines
    assert [kind for kind, _ in heard.read()] == ["ringing", "missed"]


def test_the_caller_hangs_up_after_their_talk_time(world, agent, db):
    ready(db, agent)
    heard = events(world, agent, seconds=2.5)
    sid = ring_browser_agent(world, CALLER, ring_seconds=5, talk_seconds=1)
    leg = leg_of(world, sid, agent)
    with world.app_context():
        get_state(world).client_legs.answer(leg, agent.id)

    transcript = transcript_of(world, sid)
    assert transcript.dials == [(f"client:agent-{agent.job_no}", "completed")]
    assert leg.ended_by == "caller"
    assert [kind for kind, _ in heard.read()] == ["ringing", "connected", "ended"]


def test_the_agents_browser_places_a_click_to_call_that_lasts_until_the_agent_hangs_up(world, agent, make, db):
    customer = make.customer(manager=agent, phones=("13800138000",))
    heard = events(world, agent, seconds=1.5)
    sid = browser_dials(world, agent, customer_id=customer.id)
    leg = leg_of(world, sid, agent)
    assert leg.status == "in-progress"
    with world.app_context():
        assert get_state(world).client_legs.end(leg, "agent")

    transcript = transcript_of(world, sid)
    assert transcript.dials == [("number:+8613800138000", "completed")]
    assert [kind for kind, _ in heard.read()] == ["connected", "ended"]
    db.session.expire_all()
    call = db.session.scalar(select(Call).where(Call.sid == sid))
    assert (call.direction, call.customer_id, call.outcome) == ("outbound", customer.id, "answered")
    db.session.refresh(agent)
    assert agent.presence == "wrap_up"


def test_a_click_to_call_on_someone_elses_customer_is_refused_aloud(world, agent, make, branch, db):
    customer = make.customer(manager=make.staff(role="agent", branch=branch), phones=("13800138000",))
    sid = browser_dials(world, agent, customer_id=customer.id)

    transcript = transcript_of(world, sid)
    assert transcript.dials == [] and any("不在允许拨打的范围内" in line for line in transcript.heard)
