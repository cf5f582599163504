// The request-leave form's live preview: as the person types, ask the server what
// the dates cost, the balance left, who in the team is off and the route; and send
// the form once, however many times the button is pressed.
(function () {
  "use strict";

  function item(text, struck) {
    const li = document.createElement("li");
    li.textContent = text;
    if (struck) li.style.textDecoration = "line-through";
    return li;
  }

  function fill(list, texts) {
    list.replaceChildren(...texts.map((text) => item(text)));
  }

  function setUp(form) {
    const panel = document.querySelector("[data-leave-preview]");
    if (!panel) return;
    const pending = panel.querySelector("[data-pending-label]").content.textContent;
    const names = ["employee", "leave_type", "start_date", "end_date", "start_part", "end_part", "hours"];
    let timer = null;
    let latest = 0;

    function show(data) {
      const ready = Boolean(data.ready && data.cost);
      panel.querySelector("[data-empty]").classList.toggle("hidden", ready);
      panel.querySelector("[data-figures]").classList.toggle("hidden", !ready);
      panel.querySelector("[data-cost]").textContent = data.cost || "";
      panel.querySelector("[data-balance]").textContent = data.balance || "—";
      panel.querySelector("[data-balance-after]").textContent = data.balance_after || "—";
      fill(panel.querySelector("[data-errors]"), data.errors || []);
      fill(panel.querySelector("[data-warnings]"), data.warnings || []);
      const team = data.team || [];
      panel.querySelector("[data-team-box]").classList.toggle("hidden", !team.length);
      fill(
        panel.querySelector("[data-team]"),
        team.map((p) => `${p.name}: ${p.type}, ${p.from} – ${p.until}${p.pending ? ` (${pending})` : ""}`),
      );
      const route = panel.querySelector("[data-route]");
      const gates = data.route || [];
      panel.querySelector("[data-route-box]").classList.toggle("hidden", !gates.length && !data.granted);
      route.replaceChildren(
        ...gates.map((g) => item(`${g.name}: ${g.deciders.join(", ")}${g.note ? ` — ${g.note}` : ""}`, !g.applies)),
      );
      if (data.granted) route.replaceChildren(item(data.granted));
    }

    function refresh() {
      const params = new URLSearchParams();
      for (const name of names) {
        const field = form.elements[name];
        if (field && field.value) params.set(name, field.value);
      }
      const ticket = ++latest;
      fetch(`${form.dataset.previewUrl}?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { ready: false }))
        .then((data) => {
          if (ticket === latest) show(data); // an older answer never overwrites a newer one
        })
        .catch(() => {});
    }

    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    form.addEventListener("change", refresh);
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) {
        event.preventDefault(); // a double click submits once
        return;
      }
      form.dataset.sent = "1";
      form.querySelector("[type=submit]").disabled = true;
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-leave-request]").forEach(setUp);
  });
})();
