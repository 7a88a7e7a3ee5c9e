// The console's shared behaviour (no inline scripts: the pages' policy allows none).
//  - Kefu.api(method, url, body): a JSON call to the API with the session's CSRF token.
//  - <form data-api="/api/v1/..." data-method="POST">: sent to the API as JSON; each field of a 4xx
//    answer's error.fields is shown next to its input (aria-invalid + aria-describedby), the message in
//    the form's [role=alert]. On success: data-then="reload" reloads the page, data-then="/path/{id}"
//    goes there (with the answer's fields filled in), else the event "kefu:saved" is fired on the form
//    (htmx panels listen for it with hx-trigger="kefu:saved from:body").
//    Inputs: data-type="int" | "number" | "bool" | "list" (one per line or comma) | "json" |
//    "datetime" (a datetime-local value sent as an aware ISO time, in the zone of data-offset) | "multi" (checkboxes of one name:
//    the checked values as a list); empty inputs are left out unless data-keep-empty. A dotted name
//    ("answers.q1") is sent nested ({"answers": {"q1": …}}), a number in it makes a list
//    ("phones.0.number" → {"phones": [{"number": …}]}); data-with="<name>" sends an input only
//    when the input <name> is filled in; data-empty="null" sends an empty input as null (clearing a field).
//  - <form data-autosubmit>: submitted when one of its selects changes (the language switch).
//  - htmx requests carry the CSRF token too.
(function () {
  "use strict";
  const csrf = () => document.querySelector("meta[name=csrf-token]").content;

  async function api(method, url, body) {
    const options = { method, headers: { "X-CSRF-Token": csrf(), Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: { message: text } }; }
    return { ok: response.ok, status: response.status, data };
  }

  function valueOf(input) {
    const type = input.dataset.type;
    if (input.type === "checkbox") return type === "multi" ? (input.checked ? input.value : undefined) : input.checked;
    const raw = input.value.trim();
    if (raw === "" && input.dataset.empty === "null") return null;
    if (raw === "" && !("keepEmpty" in input.dataset)) return undefined;
    if (type === "int") return parseInt(raw, 10);
    if (type === "number") return Number(raw);
    if (type === "bool") return raw === "true";
    if (type === "list") return raw.split(/[\n,]/).map((item) => item.trim()).filter(Boolean);
    if (type === "json") return JSON.parse(raw);
    if (type === "datetime") return localTime(raw, input.dataset.offset);
    return raw;
  }

  function localTime(raw, offset) {
    // A datetime-local value is a wall-clock time: of the installation's zone when the page names its offset
    // (data-offset="+08:00"), else of the browser's.
    if (!offset) return new Date(raw).toISOString();
    return `${raw.length === 16 ? `${raw}:00` : raw}${offset}`;
  }

  function bodyOf(form) {
    const body = {};
    for (const input of form.querySelectorAll("input[name], select[name], textarea[name]")) {
      if (input.name === "csrf_token" || input.disabled) continue;
      if (input.dataset.with && !form.querySelector(`[name="${CSS.escape(input.dataset.with)}"]`).value.trim()) continue;
      if (input.type === "radio" && !input.checked) continue;
      const value = valueOf(input);
      if (value !== undefined) put(body, input.name, value, input.dataset.type === "multi");
    }
    return compact(body);
  }

  function put(body, name, value, many) {
    const path = name.split(".");
    const last = path.pop();
    let node = body;
    path.forEach((key, i) => { node = node[key] = node[key] || (/^\d+$/.test(path[i + 1] || last) ? [] : {}); });
    if (many) (node[last] = node[last] || []).push(value);
    else node[last] = value;
  }

  function compact(value) {
    // Rows left out (an empty phone row) leave holes in a list: drop them.
    if (Array.isArray(value)) return value.filter(() => true).map(compact);
    if (value && typeof value === "object") Object.keys(value).forEach((key) => { value[key] = compact(value[key]); });
    return value;
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid]").forEach((node) => {
      node.removeAttribute("aria-invalid");
      node.removeAttribute("aria-describedby");
    });
    const alert = form.querySelector("[role=alert]");
    if (alert) alert.textContent = "";
  }

  function showErrors(form, error) {
    const alert = form.querySelector("[role=alert]");
    if (alert) alert.textContent = error.message || "";
    let first = null;
    for (const [field, messages] of Object.entries(error.fields || {})) {
      const root = CSS.escape(field.split(".")[0]);
      const input = form.querySelector(`[name="${CSS.escape(field)}"]`) || form.querySelector(`[name="${root}"]`)
        || form.querySelector(`[name^="${root}."]`);
      if (!input) {
        if (alert) alert.textContent += ` ${field}: ${[].concat(messages).join(" ")}`;
        continue;
      }
      const note = document.createElement("p");
      note.className = "field-error";
      note.id = `${form.id || "form"}-${input.name}-error`;
      note.textContent = [].concat(messages).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
      input.insertAdjacentElement("afterend", note);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", note.id);
      first = first || input;
    }
    (first || alert || form).focus();
  }

  async function submitToApi(event) {
    const form = event.target.closest("form[data-api]");
    if (!form) return;
    event.preventDefault();
    clearErrors(form);
    let body;
    try { body = bodyOf(form); } catch (e) { showErrors(form, { message: e.message }); return; }
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    const result = await api(form.dataset.method || "POST", form.dataset.api, body);
    if (button) button.disabled = false;
    if (!result.ok) {
      showErrors(form, (result.data && result.data.error) || { message: `HTTP ${result.status}` });
      return;
    }
    const then = form.dataset.then;
    if (then === "reload") window.location.reload();
    else if (then) window.location.assign(then.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent((result.data || {})[key])));
    else form.dispatchEvent(new CustomEvent("kefu:saved", { bubbles: true, detail: result.data }));
  }

  document.addEventListener("submit", submitToApi);
  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") form.requestSubmit();
  });
  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });

  window.Kefu = { api, csrf, clearErrors, showErrors };
})();
