"""The desk in a real browser: the softphone's events pop the call's card and greeting, then the wrap-up."""

from crm.models import Call, Visit
from crm.services.calls import call_log
from tests.browser.conftest import sign_in

SHARED = "13900139000"

# desk.html has the regions and loads desk_call.js; the test notes what the wrap-up announces.
PREPARE_DESK = """() => {
  window.wrappedUp = null;
  document.addEventListener("kefu:wrapped-up", (event) => { window.wrappedUp = event.detail.callSid; });
}"""

# Dispatch kefu:ringing and resolve with the milliseconds until the card names the customer.
RING = """([callSid, customerId]) => new Promise((resolve) => {
  const region = document.getElementById("call-card");
  const started = performance.now();
  const done = () => region.querySelector("[data-field=customer_name]");
  new MutationObserver((_, observer) => {
    if (done()) { observer.disconnect(); resolve(performance.now() - started); }
  }).observe(region, { childList: true, subtree: true });
  document.dispatchEvent(new CustomEvent("kefu:ringing", { detail: { callSid, customerId } }));
})"""


def test_the_ringing_call_pops_its_own_customer_then_the_wrap_up_logs_a_visit(
    live_server, page, db, make, agent, scripts
):
    chosen = make.customer(manager=agent, name="甲客户", phones=(SHARED,))
    make.customer(manager=agent, name="乙客户", phones=(SHARED,))
    call = call_log.record_call(
        db.session, "CA-browser-1", "inbound", from_number="+86" + SHARED, branch_id=agent.branch_id, line="hotline"
    )
    call.customer_id = chosen.id
    call_log.record_event(db.session, call, f"ring:{agent.id}", kind="ringing_agent", agent_id=agent.id)
    db.session.commit()

    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/desk")
    page.evaluate(PREPARE_DESK)

    elapsed = page.evaluate(RING, ["CA-browser-1", chosen.id])
    print(f"card visible {elapsed:.0f} ms after kefu:ringing")
    card = page.text_content("#call-card")
    assert "甲客户" in card and "乙客户" not in card
    page.wait_for_selector("#greeting [data-field=greeting]")
    assert agent.job_no in page.text_content("#greeting")

    page.evaluate(
        """() => document.dispatchEvent(new CustomEvent("kefu:ended", {detail: {callSid: "CA-browser-1"}}))"""
    )
    page.wait_for_selector("#wrap-up-form")
    page.select_option("#wrap-up-form select[name=disposition]", "visit_logged")
    page.check("#wrap-up-form input[name=log_visit]")
    page.fill("#wrap-up-form textarea[name=visit_summary]", "电话回访，客户满意")
    page.click("#wrap-up-form button[type=submit]")
    page.wait_for_selector("#wrap-up .wrap-up-done")

    assert page.evaluate("() => window.wrappedUp") == "CA-browser-1"
    db.session.expire_all()
    saved = db.session.query(Call).filter_by(sid="CA-browser-1").one()
    assert saved.disposition == "visit_logged" and saved.wrapped_up_at is not None
    visit = db.session.get(Visit, saved.visit_id)
    assert visit.customer_id == chosen.id and visit.call_sid == "CA-browser-1"


def test_a_missing_visit_summary_is_shown_next_to_its_input(live_server, page, db, make, agent):
    customer = make.customer(manager=agent)
    call_log.record_call(
        db.session, "CA-browser-2", "inbound", branch_id=agent.branch_id, agent_id=agent.id, customer_id=customer.id
    )
    db.session.commit()
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/desk")
    page.evaluate(PREPARE_DESK)
    page.evaluate(
        """() => document.dispatchEvent(new CustomEvent("kefu:ended", {detail: {callSid: "CA-browser-2"}}))"""
    )
    page.select_option("#wrap-up-form select[name=disposition]", "resolved")
    page.check("#wrap-up-form input[name=log_visit]")
    page.click("#wrap-up-form button[type=submit]")
    page.wait_for_selector("#wrap-up-form .field-error")
    assert page.get_attribute("#wrap-up-form textarea[name=visit_summary]", "aria-invalid") == "true"
    assert page.evaluate("() => window.wrappedUp") is None


def test_another_agents_call_shows_only_the_refusal(live_server, page, db, make, agent, branch):
    colleague = make.staff(branch=branch)
    call_log.record_call(db.session, "CA-browser-3", "inbound", branch_id=branch.id, agent_id=colleague.id)
    db.session.commit()
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/desk")
    page.evaluate(PREPARE_DESK)
    page.evaluate(
        """() => document.dispatchEvent(new CustomEvent("kefu:ringing", {detail: {callSid: "CA-browser-3"}}))"""
    )
    page.wait_for_selector("#call-card [role=alert]")
    assert "prospect-form" not in page.inner_html("#call-card")
    assert "another agent" in page.text_content("#call-card [role=alert]")
