// The organisation chart opens one node at a time (modules/employees/org_chart.py):
// a node's toggle shows its panel and, the first time, fills each list in it from
// the list's data-org-src; "show more" swaps itself for the next page; "show all"
// replaces the one-person line of a reporting chain by the manager's first page.
// Only GETs of server-rendered fragments; no inline script (CSP), no state kept.
(function () {
  "use strict";

  function text(name) {
    var chart = document.querySelector("[data-org-chart]");
    return (chart && chart.getAttribute("data-org-" + name)) || "";
  }

  function fetchFragment(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "Accept": "text/html", "X-Requested-With": "fetch" },
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    });
  }

  function notice(className, message) {
    var item = document.createElement("li");
    item.className = className;
    item.textContent = message;
    if (className === "org-error") { item.setAttribute("role", "alert"); }
    return item;
  }

  // Fill ``list`` with the fragment at its data-org-src; on failure say so and let
  // the next opening try again.
  function fill(list) {
    list.setAttribute("data-org-loaded", "");
    list.setAttribute("aria-busy", "true");
    list.replaceChildren(notice("org-meta", text("loading")));
    return fetchFragment(list.getAttribute("data-org-src"))
      .then(function (html) { list.innerHTML = html; })
      .catch(function () {
        list.removeAttribute("data-org-loaded");
        list.replaceChildren(notice("org-error", text("error")));
      })
      .finally(function () { list.removeAttribute("aria-busy"); });
  }

  function toggle(button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) { return; }
    var opening = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", opening ? "true" : "false");
    panel.hidden = !opening;
    if (!opening) { return; }
    Array.prototype.forEach.call(panel.children, function (child) {
      if (child.matches("ul[data-org-src]:not([data-org-loaded])")) { fill(child); }
    });
  }

  function showMore(button) {
    var item = button.closest("li");
    button.disabled = true;
    fetchFragment(button.getAttribute("data-org-more-url"))
      .then(function (html) {
        item.insertAdjacentHTML("beforebegin", html);
        item.remove();
      })
      .catch(function () {
        button.disabled = false;
        item.parentNode.insertBefore(notice("org-error", text("error")), item);
      });
  }

  function showAll(button) {
    var list = button.parentNode.querySelector(":scope > ul[data-org-src]");
    if (!list) { return; }
    button.disabled = true;
    fill(list).then(function () {
      if (list.hasAttribute("data-org-loaded")) { button.remove(); } else { button.disabled = false; }
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-org-toggle], [data-org-more-url], [data-org-reload]");
    if (!target || !target.closest("[data-org-chart]")) { return; }
    event.preventDefault();
    if (target.hasAttribute("data-org-toggle")) { toggle(target); }
    else if (target.hasAttribute("data-org-more-url")) { showMore(target); }
    else { showAll(target); }
  });
})();
