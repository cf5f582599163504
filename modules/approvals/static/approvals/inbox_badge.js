// Keeps the sidebar's inbox count current: when the workspace socket says
// approvals changed (or a notification arrives), ask the server for my count.
(function () {
  "use strict";
  var COUNT_URL = "/admin/approvals/approvalrequest/inbox/count/";
  var LINK_SELECTOR = 'a[href$="/admin/approvals/approvalrequest/inbox/"]';
  var BADGE_CLASSES = "sidebar-badge approvals-inbox-badge font-semibold h-[18px] leading-[18px] ms-2 px-1 " +
    "relative rounded-xs text-center text-[11px] whitespace-nowrap uppercase min-w-[18px] " +
    "bg-red-100 text-red-700";
  var pending = null;

  function show(count) {
    var link = document.querySelector(LINK_SELECTOR);
    if (!link) { return; }
    var badge = link.querySelector(".approvals-inbox-badge");
    if (!count) {
      if (badge) { badge.remove(); }
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = BADGE_CLASSES;
      link.appendChild(badge);
    }
    badge.textContent = String(count);
    badge.setAttribute("data-count", String(count));
  }

  function refresh() {
    // Several events in a burst (a bulk approval) give one request.
    if (pending) { return; }
    pending = setTimeout(function () {
      pending = null;
      fetch(COUNT_URL, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { show(data.count); } })
        .catch(function () {});
    }, 300);
  }

  document.addEventListener("opsplatform:push", function (event) {
    var payload = event.detail || {};
    if (payload.type === "approvals.changed" || payload.type === "notification") {
      refresh();
    }
  });
  // Pushes sent while the socket was down are gone: ask once it is back.
  document.addEventListener("opsplatform:reconnected", refresh);
})();
