"""A whole call at the agent desk, end to end in a real browser: a simulated caller walks the IVR, the call
rings the ready agent's page (Server-Sent Events), the agent answers, the card of the customer the IVR
identified pops, the agent hangs up, and the wrap-up must be saved (it logs a visit linked to the call)
before the agent can be ready again."""

import time

from sqlalchemy import select

from crm.models import Call, Visit
from telephony.standin.simulator import ring_browser_agent
from tests.browser.test_softphone import ready_desk, transcript_of

SHARED = "13900139000"


def test_a_call_rings_the_desk_pops_the_ivrs_customer_and_must_be_wrapped_up(
    app, live_server, page, db, make, agent, phone_lines, clock
):
    # Two customers share the caller's number; the IVR takes the open account over the closed one (which a
    # lookup by number in id order would have found first).
    make.customer(manager=agent, name="乙客户", phones=(SHARED,), status="closed")
    chosen = make.customer(manager=agent, name="甲客户", phones=(SHARED,))
    db.session.commit()
    ready_desk(page, live_server, app, agent)

    sid = ring_browser_agent(app, "+86" + SHARED, ring_seconds=10, talk_seconds=600)
    rung = time.monotonic()
    page.wait_for_selector("#softphone[data-state=ringing]", timeout=3000)
    page.wait_for_selector("#call-card [data-field=customer_name]", timeout=3000)
    print(f"\nring → card on the page: {(time.monotonic() - rung) * 1000:.0f} ms")
    card = page.text_content("#call-card")
    assert "甲客户" in card and "乙客户" not in card
    assert db.session.scalar(select(Call.customer_id).where(Call.sid == sid)) == chosen.id
    assert agent.job_no in page.text_content("#greeting")

    page.click("#softphone [data-action=answer]")
    page.wait_for_selector("#softphone[data-state=in-call]")
    page.click("#softphone [data-action=hangup]")
    page.wait_for_selector("#softphone[data-state=wrap-up]")
    page.wait_for_selector("#wrap-up-form")
    assert page.is_disabled("#softphone [data-action=ready]")
    assert transcript_of(app, sid).dials == [(f"client:agent-{agent.job_no}", "completed")]  # the dial result is in
    refused = page.evaluate("() => Kefu.api('PUT', '/api/v1/softphone/presence', {presence: 'ready'})")
    assert refused["status"] == 409  # the server holds the rule too, whatever the page does

    page.select_option("#wrap-up-form select[name=disposition]", "visit_logged")
    page.check("#wrap-up-form input[name=log_visit]")
    page.fill("#wrap-up-form textarea[name=visit_summary]", "来电咨询账户，已解答")
    page.click("#wrap-up-form button[type=submit]")
    page.wait_for_selector("#wrap-up .wrap-up-done")
    assert page.is_enabled("#softphone [data-action=ready]")
    page.click("#softphone [data-action=ready]")
    page.wait_for_selector("#softphone[data-state=ready]")

    db.session.expire_all()
    call = db.session.scalar(select(Call).where(Call.sid == sid))
    assert call.disposition == "visit_logged" and call.wrapped_up_at is not None
    visit = db.session.get(Visit, call.visit_id)
    assert (visit.customer_id, visit.call_sid) == (chosen.id, sid)
