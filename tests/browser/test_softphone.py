"""The desk's softphone in a real browser: a simulated call rings the agent's page through /desk/events."""

import time

from sqlalchemy import select

from crm import live
from crm.models import Case
from telephony.standin import get_state
from telephony.standin.simulator import ring_browser_agent
from tests.browser.conftest import sign_in
from tests.telephony.ivr_walk import CALLER


def subscribed(app, staff_id, seconds=5):
    """Wait until the page's event stream listens (the in-process hub, or Redis pub/sub)."""
    hub = live.hub(app)
    channel = live.CHANNEL.format(staff_id)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if isinstance(hub, live.LocalHub):
            listening = bool(hub.listeners.get(staff_id))
        else:
            listening = dict(hub.connection.pubsub_numsub(channel)).get(channel.encode(), 0)
        if listening:
            return
        time.sleep(0.05)
    raise AssertionError("the desk never opened its event stream")


def transcript_of(app, sid, seconds=10):
    walked = get_state(app).walked
    deadline = time.monotonic() + seconds
    while sid not in walked and time.monotonic() < deadline:
        time.sleep(0.05)
    return walked[sid]


def ready_desk(page, live_server, app, agent):
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/desk")
    page.click("#softphone [data-action=ready]")
    page.wait_for_selector("#softphone[data-state=ready]")
    subscribed(app, agent.id)


def ring(app, agent, page, **script):
    """Place the call as the phone page does; wait for the page to ring; print how long the push took."""
    events = live.listen(agent.id, app=app)
    next(events)
    sid = ring_browser_agent(app, CALLER, ring_seconds=10, **script)
    kind, data = next(item for item in events if item is not None)
    published = time.monotonic()
    assert (kind, data["call_sid"]) == ("ringing", sid)
    page.wait_for_selector("#softphone[data-state=ringing]", timeout=3000)
    print(f"\nring published → page ringing: {(time.monotonic() - published) * 1000:.0f} ms")
    events.close()
    return sid


def test_the_agent_answers_a_ringing_call_hangs_up_and_is_in_wrap_up(app, live_server, page, agent, phone_lines, clock):
    ready_desk(page, live_server, app, agent)
    page.evaluate("() => document.addEventListener('kefu:ringing', (e) => { window.rung = e.detail; })")

    sid = ring(app, agent, page, talk_seconds=30)

    assert page.evaluate("() => window.rung") == {"callSid": sid, "customerId": None}
    assert page.text_content("[data-field=softphone-state]") == "振铃中"
    page.click("#softphone [data-action=answer]")
    page.wait_for_selector("#softphone[data-state=in-call]")
    assert page.text_content("[data-field=softphone-state]") == "通话中"
    page.click("#softphone [data-action=hangup]")
    page.wait_for_selector("#softphone[data-state=wrap-up]")
    assert page.is_disabled("#softphone [data-action=ready]")  # until the wrap-up is saved

    transcript = transcript_of(app, sid)
    assert transcript.dials == [(f"client:agent-{agent.job_no}", "completed")]
    page.evaluate("() => document.dispatchEvent(new CustomEvent('kefu:wrapped-up'))")
    assert page.is_enabled("#softphone [data-action=ready]")


def test_the_agent_rejects_and_the_caller_leaves_a_voicemail(
    app, live_server, page, agent, supervisor, phone_lines, clock, db
):
    ready_desk(page, live_server, app, agent)

    sid = ring(app, agent, page, record_text="请回电")
    page.click("#softphone [data-action=reject]")
    page.wait_for_selector("#softphone[data-state=ready]")

    transcript = transcript_of(app, sid)
    assert transcript.dials[0] == (f"client:agent-{agent.job_no}", "busy")
    assert "recorded: 请回电" in transcript.lines
    db.session.expire_all()
    assert db.session.scalar(select(Case.kind).where(Case.source_ref == f"voicemail:{sid}")) == "inquiry"
