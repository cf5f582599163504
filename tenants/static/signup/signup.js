// The sign-up form's live address check: as the person types a sub-domain, ask
// the server whether it is free (format, reserved words, taken) and say so under
// the field. The server checks again on submit; this only saves a round trip.
(function () {
  "use strict";

  function setUp(form) {
    const input = form.elements.subdomain;
    const status = form.querySelector("[data-signup-check]");
    if (!input || !status) return;
    let timer = null;
    let latest = 0;

    function show(data) {
      status.textContent = data.message || "";
      status.classList.toggle("hidden", !data.message);
      status.classList.toggle("text-green-700", Boolean(data.available));
      status.classList.toggle("text-red-600", !data.available);
      status.dataset.available = data.available ? "true" : "false";
    }

    function check() {
      const value = input.value.trim();
      if (!value) {
        show({ message: "" });
        return;
      }
      const ticket = ++latest;
      const url = `${form.dataset.checkUrl}?${new URLSearchParams({ subdomain: value })}`;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => response.json())
        .then((data) => {
          if (ticket === latest) show(data); // an older answer never overwrites a newer one
        })
        .catch(() => {}); // offline or throttled: the submit still checks
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    });
    if (input.value) check();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("signup-form");
    if (form) setUp(form);
  });
})();
