// The desk's softphone panel (#softphone): states offline / ready / ringing / in-call / wrap-up, the call
// buttons, the dial pad and click-to-call ([data-click-to-call="<customer id>"] anywhere on the desk).
//
// Two devices with one interface — answer(), reject(), hangUp(), mute(on), hold(on), sendDigits(keys),
// dial({to} | {customerId}) — calling back on.ringing / connected / ended / missed / failed:
//  - TwilioDevice: the real @twilio/voice-sdk (data-mode="twilio"); its token from the API, refreshed
//    before it expires. Hold is the agent's own mute (the SDK has no hold verb).
//  - SimulatedDevice: embedded mode; hears of its calls from /desk/events (Server-Sent Events, no
//    polling) and drives the local Twilio stand-in through /desk/softphone/<action>. Hold mutes both ways.
//
// The call card, greeting and wrap-up (desk_call.js) listen on document for kefu:ringing {callSid,
// customerId}, kefu:connected {callSid} and kefu:ended {callSid} — the caller's (parent) CallSid — and fire
// kefu:wrapped-up once the wrap-up is saved: until then "Go ready" stays disabled.
(function () {
  "use strict";
  const panel = document.getElementById("softphone");
  if (!panel) return;
  const texts = JSON.parse(document.getElementById("softphone-texts").textContent);
  const stateLabel = panel.querySelector("[data-field=softphone-state]");
  const callLabel = panel.querySelector("[data-field=softphone-call]");
  const dialpad = panel.querySelector("[data-dialpad]");
  const number = dialpad.querySelector("input[name=number]");
  const alert = dialpad.querySelector("[role=alert]");
  const button = (action) => panel.querySelector(`[data-action="${action}"]`);

  let state = panel.dataset.state;
  let callSid = null;
  let muted = false;
  let held = false;
  let wrapUpPending = state === "wrap-up";

  // Which buttons work in which state.
  const ENABLED = {
    offline: ["ready", "call"],
    ready: ["offline", "call"],
    busy: ["ready", "offline"],
    ringing: ["answer", "reject"],
    "in-call": ["hangup", "mute", "hold"],
    "wrap-up": ["ready", "offline"],
  };

  function render() {
    panel.dataset.state = state;
    stateLabel.textContent = texts.states[state] || state;
    for (const node of panel.querySelectorAll("[data-action]")) {
      let enabled = (ENABLED[state] || []).includes(node.dataset.action);
      if (node.dataset.action === "ready" && wrapUpPending) enabled = false;
      node.disabled = !enabled;
    }
    button("mute").setAttribute("aria-pressed", String(muted));
    button("hold").setAttribute("aria-pressed", String(held));
    if (state !== "ringing" && state !== "in-call") callLabel.textContent = "";
  }

  function fire(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  function say(message) {
    alert.textContent = message || "";
  }

  async function presence(value) {
    const answer = await window.Kefu.api("PUT", "/api/v1/softphone/presence", { presence: value });
    if (!answer.ok) say((answer.data && answer.data.error && answer.data.error.message) || texts.failed);
    return answer.ok;
  }

  // The device's news ------------------------------------------------------------------------------
  const on = {
    ringing({ call_sid, customer_id, from_known }) {
      if (state === "ringing" || state === "in-call") return; // one call at a time
      callSid = call_sid;
      state = "ringing";
      callLabel.textContent = from_known ? texts.caller_known : texts.caller_unknown;
      render();
      fire("kefu:ringing", { callSid: call_sid, customerId: customer_id || null });
    },
    connected({ call_sid }) {
      if (callSid && call_sid && call_sid !== callSid) return;
      callSid = call_sid || callSid;
      if (state === "in-call") return;
      state = "in-call";
      render();
      fire("kefu:connected", { callSid });
      presence("busy");
    },
    ended({ call_sid }) {
      if (state !== "in-call") {
        if (!callSid) callLabel.textContent = ""; // our own call was not answered
        return;
      }
      if (callSid && call_sid && call_sid !== callSid) return;
      const ended = callSid;
      callSid = null;
      muted = held = false;
      state = "wrap-up";
      wrapUpPending = true;
      render();
      fire("kefu:ended", { callSid: ended });
      presence("wrap_up");
    },
    missed({ call_sid }) {
      if (state !== "ringing" || (call_sid && call_sid !== callSid)) return;
      callSid = null;
      state = "ready";
      render();
    },
    failed(message) {
      say(message || texts.failed);
    },
  };

  // Devices -----------------------------------------------------------------------------------------
  class SimulatedDevice {
    constructor(on) {
      this.on = on;
      this.source = new EventSource(panel.dataset.events);
      for (const kind of ["ringing", "connected", "ended", "missed"]) {
        this.source.addEventListener(kind, (event) => on[kind](JSON.parse(event.data)));
      }
    }
    async send(action, body) {
      const answer = await window.Kefu.api("POST", `${panel.dataset.controls}/${action}`, { call_sid: callSid, ...body });
      if (!answer.ok) this.on.failed();
      return answer;
    }
    answer() { return this.send("answer"); }
    async reject() {
      const sid = callSid;
      await this.send("reject");
      this.on.missed({ call_sid: sid });
    }
    hangUp() { return this.send("hangup"); }
    mute(on) { return this.send("mute", { muted: on }); }
    hold(on) { return this.send("hold", { held: on }); }
    sendDigits(keys) { return this.send("dtmf", { digits: keys }); }
    dial(target) {
      return this.send("dial", target.customerId ? { customer_id: target.customerId } : { to: target.to });
    }
  }

  class TwilioDevice {
    constructor(on) {
      this.on = on;
      this.call = null;
      this.start().catch(() => on.failed(texts.no_device));
    }
    async token() {
      const answer = await window.Kefu.api("POST", "/api/v1/softphone/token");
      if (!answer.ok) throw new Error("no token");
      return answer.data.token;
    }
    async start() {
      this.device = new window.Twilio.Device(await this.token(), { closeProtection: true });
      this.device.on("tokenWillExpire", async () => this.device.updateToken(await this.token()));
      this.device.on("error", () => this.on.failed());
      this.device.on("incoming", (call) => {
        const params = call.customParameters;
        this.follow(call, params.get("CallSid"));
        this.on.ringing({
          call_sid: params.get("CallSid"),
          customer_id: params.get("customer_id") || null,
          from_known: Boolean(params.get("customer_id")),
        });
      });
      await this.device.register();
    }
    follow(call, sid) {
      this.call = call;
      const id = () => sid || (call.parameters && call.parameters.CallSid);
      call.on("accept", () => this.on.connected({ call_sid: id() }));
      call.on("disconnect", () => this.on.ended({ call_sid: id() }));
      for (const name of ["cancel", "reject"]) call.on(name, () => this.on.missed({ call_sid: id() }));
    }
    answer() { this.call && this.call.accept(); }
    reject() { this.call && this.call.reject(); }
    hangUp() { this.call && this.call.disconnect(); }
    mute(on) { this.call && this.call.mute(on); }
    hold(on) { this.mute(on); }
    sendDigits(keys) { this.call && this.call.sendDigits(keys); }
    async dial(target) {
      const params = target.customerId ? { customer_id: String(target.customerId) } : { To: target.to };
      this.follow(await this.device.connect({ params }), null);
    }
  }

  let device;
  try {
    device = panel.dataset.mode === "twilio" ? new TwilioDevice(on) : new SimulatedDevice(on);
  } catch (error) {
    on.failed(texts.no_device);
    return;
  }

  // Buttons ---------------------------------------------------------------------------------------------
  const actions = {
    async ready() {
      if (wrapUpPending) return say(texts.wrap_up_first);
      if (await presence("ready")) { state = "ready"; render(); }
    },
    async offline() {
      if (await presence("offline")) { state = "offline"; render(); }
    },
    answer() { return device.answer(); },
    reject() { return device.reject(); },
    hangup() { return device.hangUp(); },
    mute() { muted = !muted; render(); return device.mute(muted); },
    hold() { held = !held; render(); return device.hold(held); },
  };

  panel.addEventListener("click", (event) => {
    const node = event.target.closest("[data-action]");
    if (node && actions[node.dataset.action] && !node.disabled) {
      say("");
      actions[node.dataset.action]();
    }
    const key = event.target.closest("[data-key]");
    if (key) {
      if (state === "in-call") device.sendDigits(key.dataset.key);
      else number.value += key.dataset.key;
    }
  });

  function placeCall(target) {
    if (state !== "offline" && state !== "ready") return;
    say("");
    callSid = null;
    callLabel.textContent = texts.outgoing;
    device.dial(target);
  }

  dialpad.addEventListener("submit", (event) => {
    event.preventDefault();
    const to = number.value.trim();
    if (to) placeCall({ to });
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-click-to-call]");
    if (!link) return;
    event.preventDefault();
    placeCall({ customerId: link.dataset.clickToCall });
  });

  document.addEventListener("kefu:wrapped-up", () => {
    wrapUpPending = false;
    render();
  });

  render();
})();
