// The desk during and after a call (crm/console/desk_call.py): no polling, the softphone's events drive it.
//  - on load: today's greeting (no call yet) into <section id="greeting">.
//  - kefu:ringing {callSid}: the call's card into <section id="call-card">, its greeting into <section id="greeting">.
//  - kefu:ended {callSid}: the wrap-up form into <section id="wrap-up">.
//  - the wrap-up form saved (console.js fires kefu:saved): kefu:wrapped-up {callSid} on document.
//  - the prospect form saved: the new customer is linked to the call and the card reloaded.
(function () {
  "use strict";
  if (window.KefuDeskCall) return;

  function addStylesheet() {
    if (document.querySelector("link[data-desk-call]")) return;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/static/desk_call.css";
    link.dataset.deskCall = "";
    document.head.appendChild(link);
  }

  const path = (callSid, part) => `/desk/calls/${encodeURIComponent(callSid)}/${part}`;

  async function load(regionId, url) {
    const region = document.getElementById(regionId);
    if (!region) return;
    region.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (response.ok) {
        region.innerHTML = await response.text();
        if (window.htmx) window.htmx.process(region);
      } else {
        const alert = document.createElement("p");
        alert.setAttribute("role", "alert");
        alert.textContent = (await refusal(response)) || `HTTP ${response.status}`;
        region.replaceChildren(alert);
      }
    } finally {
      region.removeAttribute("aria-busy");
    }
  }

  // Why a fragment was refused: a 403 is the console's error page, other errors the API's JSON.
  async function refusal(response) {
    const text = await response.text();
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      try { return JSON.parse(text).error.message; } catch (e) { return ""; }
    }
    const page = new DOMParser().parseFromString(text, "text/html");
    const message = page.querySelector("main [role=alert]") || page.querySelector("main");
    return ((message && message.textContent) || "").trim();
  }

  function prepareRegions() {
    for (const id of ["greeting", "call-card", "wrap-up"]) {
      const region = document.getElementById(id);
      if (region && !region.hasAttribute("aria-live")) region.setAttribute("aria-live", "polite");
    }
  }

  document.addEventListener("kefu:ringing", (event) => {
    const callSid = event.detail && event.detail.callSid;
    if (!callSid) return;
    // A saved wrap-up's note goes; an unsaved form stays (the server keeps the agent from ready without it).
    const saved = document.querySelector("#wrap-up .wrap-up-done");
    if (saved) saved.remove();
    load("call-card", path(callSid, "card"));
    load("greeting", path(callSid, "greeting"));
  });

  document.addEventListener("kefu:ended", (event) => {
    const callSid = event.detail && event.detail.callSid;
    if (callSid) load("wrap-up", path(callSid, "wrap-up"));
  });

  document.addEventListener("kefu:saved", async (event) => {
    const form = event.target;
    if (form.dataset.wrapUpFor) {
      const callSid = form.dataset.wrapUpFor;
      const done = document.createElement("p");
      done.className = "wrap-up-done";
      done.setAttribute("role", "status");
      done.textContent = form.dataset.savedText || "✓";
      form.replaceWith(done);
      document.dispatchEvent(new CustomEvent("kefu:wrapped-up", { detail: { callSid } }));
    } else if (form.dataset.prospectFor) {
      const callSid = form.dataset.prospectFor;
      const result = await window.Kefu.api("POST", path(callSid, "customer"), { customer_id: event.detail.id });
      const alert = form.querySelector("[role=alert]");
      if (!result.ok) {
        if (alert) alert.textContent = (result.data && result.data.error && result.data.error.message) || `HTTP ${result.status}`;
        return;
      }
      load("call-card", path(callSid, "card"));
    }
  });

  addStylesheet();
  prepareRegions();
  // Before any call the greeting panel already shows today's pick-up phrase.
  const greeting = document.getElementById("greeting");
  if (greeting && !greeting.children.length) load("greeting", "/desk/greeting");
  window.KefuDeskCall = true;
})();
