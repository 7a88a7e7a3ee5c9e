// The admin pages' own behaviour (console.js sends the forms to the API):
//  - <form data-saved-message="…">: once saved, the message is shown in the page's status region.
//  - <form data-show="field">: once saved, the answer's ``field`` (a token shown only once) is shown in the
//    form's [data-saved] block.
//  - <form data-upload="/api/v1/…">: the file input sent as multipart (the recording upload), errors shown
//    next to it as for the JSON forms; data-then="reload" reloads the page after.
(function () {
  "use strict";

  document.addEventListener("kefu:saved", (event) => {
    const form = event.target;
    if (form.dataset.savedMessage) {
      document.getElementById("flash").textContent = form.dataset.savedMessage;
    }
    if (form.dataset.show) {
      const block = form.querySelector("[data-saved]");
      block.querySelector("[data-value]").textContent = (event.detail || {})[form.dataset.show] || "";
      block.hidden = false;
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-upload]");
    if (!form) return;
    event.preventDefault();
    window.Kefu.clearErrors(form);
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    const body = new FormData();
    for (const input of form.querySelectorAll("input[type=file]")) {
      if (input.files.length) body.append(input.name, input.files[0]);
    }
    let result;
    try {
      const response = await fetch(form.dataset.upload, {
        method: "POST",
        body,
        headers: { "X-CSRF-Token": window.Kefu.csrf(), Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json().catch(() => null);
      result = { ok: response.ok, status: response.status, data };
    } finally {
      if (button) button.disabled = false;
    }
    if (!result.ok) {
      window.Kefu.showErrors(form, (result.data && result.data.error) || { message: `HTTP ${result.status}` });
    } else if (form.dataset.then === "reload") {
      window.location.reload();
    }
  });
})();
