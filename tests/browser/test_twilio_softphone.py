"""The desk's Twilio mode in a real browser, with a stand-in for Twilio's Voice SDK served in place of
the npm file: the page registers a Device with a token for the agent's identity, renews it before it
expires, and drives the incoming call (its <Parameter>s pop the card) through the SDK's call object."""

import base64
import json

import pytest

from crm.services.calls import call_log
from tests.browser.conftest import sign_in

FAKE_SDK = """
window.fakeTwilio = { devices: [] };
class FakeCall {
  constructor(params) { this.customParameters = new Map(Object.entries(params)); this.handlers = {}; this.digits = ""; }
  on(name, handler) { (this.handlers[name] = this.handlers[name] || []).push(handler); }
  emit(name) { (this.handlers[name] || []).forEach((handler) => handler()); }
  accept() { this.accepted = true; this.emit("accept"); }
  reject() { this.emit("reject"); }
  disconnect() { this.emit("disconnect"); }
  mute(on) { this.muted = on; }
  sendDigits(keys) { this.digits += keys; }
}
class Device {
  constructor(token) { this.token = token; this.handlers = {}; window.fakeTwilio.devices.push(this); }
  on(name, handler) { (this.handlers[name] = this.handlers[name] || []).push(handler); }
  emit(name, ...args) { (this.handlers[name] || []).forEach((handler) => handler(...args)); }
  async register() { this.registered = true; }
  updateToken(token) { this.renewed = token; }
  async connect({ params }) { this.dialled = params; return new FakeCall({}); }
}
window.Twilio = { Device, FakeCall };
"""


def _identity(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["grants"]["identity"]


def _fake_sdk(route):
    route.fulfill(body=FAKE_SDK, content_type="text/javascript")


@pytest.fixture
def twilio_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "AC" + "1" * 32)


def test_the_desk_registers_a_twilio_device_and_answers_its_incoming_call(
    twilio_mode, live_server, page, db, make, agent
):
    customer = make.customer(manager=agent, name="推送客户")
    call = call_log.record_call(
        db.session, "CA-twilio-1", "inbound", branch_id=agent.branch_id, customer_id=customer.id, line="hotline"
    )
    call_log.record_event(db.session, call, f"ring:{agent.id}", kind="ringing_agent", agent_id=agent.id)
    db.session.commit()
    page.route(
        "**/voice-sdk/dist/twilio.min.js", lambda route: route.fulfill(body=FAKE_SDK, content_type="text/javascript")
    )

    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/desk")
    page.wait_for_function("() => window.fakeTwilio.devices[0] && window.fakeTwilio.devices[0].registered")
    assert page.get_attribute("#softphone", "data-mode") == "twilio"
    assert _identity(page.evaluate("() => window.fakeTwilio.devices[0].token")) == f"agent-{agent.job_no}"

    page.evaluate("() => window.fakeTwilio.devices[0].emit('tokenWillExpire')")
    page.wait_for_function("() => window.fakeTwilio.devices[0].renewed")
    assert _identity(page.evaluate("() => window.fakeTwilio.devices[0].renewed")) == f"agent-{agent.job_no}"

    page.evaluate(
        """([sid, id]) => {
          window.ringing = new Twilio.FakeCall({ CallSid: sid, customer_id: String(id) });
          window.fakeTwilio.devices[0].emit('incoming', window.ringing);
        }""",
        ["CA-twilio-1", customer.id],
    )
    page.wait_for_selector("#softphone[data-state=ringing]")
    page.wait_for_selector("#call-card [data-field=customer_name]")
    assert "推送客户" in page.text_content("#call-card")

    page.click("#softphone [data-action=answer]")
    page.wait_for_selector("#softphone[data-state=in-call]")
    assert page.evaluate("() => window.ringing.accepted")
    page.click("#softphone [data-key='5']")
    page.click("#softphone [data-action=mute]")
    assert page.evaluate("() => [window.ringing.digits, window.ringing.muted]") == ["5", True]
    page.click("#softphone [data-action=hangup]")
    page.wait_for_selector("#softphone[data-state=wrap-up]")
    page.wait_for_selector("#wrap-up-form")
