// The supervisor board: a case's "Reassign" button (in the panel htmx refreshes) picks that case in the
// reassign form, whose data-api then points at the case; the form itself is sent by console.js.
(function () {
  "use strict";
  const form = document.getElementById("reassign-form");
  if (!form) return;
  const select = form.querySelector("[data-case-select]");

  function aim() {
    form.dataset.api = form.dataset.apiPattern.replace(/\/0\/reassign$/, `/${select.value}/reassign`);
  }

  select.addEventListener("change", aim);
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-reassign]");
    if (!button) return;
    select.value = button.dataset.reassign;
    aim();
    form.scrollIntoView({ block: "nearest" });
    form.querySelector("[name=new_owner_id]").focus();
  });
  aim();
})();
