/* The workspace's live channel and the notification bell.
 *
 * Opens the one websocket a workspace page has (/ws/workspace/), reconnects
 * with a back-off, and for every message received dispatches a DOM event
 *   document.dispatchEvent(new CustomEvent("opsplatform:push", {detail: payload}))
 * that any module can listen to (it bubbles to window too). A payload of type
 * "notification" also updates the bell's unread count.
 *
 * When the channel layer (Redis) is down the server closes the socket (1013,
 * "try again later") or the handshake fails; the page keeps working and the
 * socket is retried after 1, 2, 4 ... 30 seconds, each with a random part so
 * that every open page does not come back in the same second. Pushes sent
 * while it was away are lost, so a socket that opens again dispatches
 *   document.dispatchEvent(new CustomEvent("opsplatform:reconnected"))
 * for live counters to ask for their figure again; the bell does so itself.
 *
 * A page may follow a topic a module declares (docs/modules.md, LiveTopic):
 *   window.opsplatformLive.follow("project", 5)
 * sends {"type": "follow", "topic": "project", "id": 5} on the socket now, and
 * again every time it reopens; the server answers "following" or
 * "follow_refused", dispatched like every other message.
 */
(function () {
  "use strict";

  function bell() {
    return document.querySelector("[data-notification-bell]");
  }

  function setCount(value) {
    document.querySelectorAll("[data-notification-count]").forEach(function (el) {
      var n = parseInt(value, 10) || 0;
      el.textContent = n > 99 ? "99+" : String(n);
      el.hidden = n <= 0;
    });
  }

  function loadPanel() {
    var root = bell();
    if (!root) return;
    var body = root.querySelector("[data-notification-panel-body]");
    var url = root.getAttribute("data-bell-url");
    if (!body || !url) return;
    var next = window.location.pathname + window.location.search;
    fetch(url + "?next=" + encodeURIComponent(next), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        body.innerHTML = html;
        var head = body.querySelector("[data-unread]");
        if (head) setCount(head.getAttribute("data-unread"));
      })
      .catch(function () {});
  }

  var delay = 1000;
  var droppedBefore = false;
  var current = null; // the open socket, if any
  var follows = []; // [topic, id] pairs this page follows

  function sendFollow(topic, id) {
    if (current && current.readyState === WebSocket.OPEN) {
      current.send(JSON.stringify({ type: "follow", topic: topic, id: id }));
    }
  }

  function follow(topic, id) {
    var known = follows.some(function (pair) {
      return pair[0] === topic && pair[1] === id;
    });
    if (!known) follows.push([topic, id]);
    sendFollow(topic, id);
  }

  function retryLater() {
    // Half the back-off fixed, half random ("equal jitter").
    setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
    delay = Math.min(delay * 2, 30000);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/workspace/");
    } catch (e) {
      retryLater();
      return;
    }
    socket.addEventListener("open", function () {
      delay = 1000;
      current = socket;
      follows.forEach(function (pair) {
        sendFollow(pair[0], pair[1]);
      });
      if (droppedBefore) {
        loadPanel(); // the bell's count, as it is now
        document.dispatchEvent(new CustomEvent("opsplatform:reconnected"));
      }
    });
    socket.addEventListener("message", function (event) {
      var payload;
      try {
        payload = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      document.dispatchEvent(new CustomEvent("opsplatform:push", { detail: payload }));
    });
    socket.addEventListener("close", function (event) {
      if (current === socket) current = null;
      if (event.code === 4403) return; // not a member here: do not retry
      droppedBefore = true;
      retryLater();
    });
  }

  document.addEventListener("opsplatform:push", function (event) {
    var payload = event.detail || {};
    if (payload.type === "notification" && payload.unread !== undefined) {
      setCount(payload.unread);
      var root = bell();
      if (root) root.setAttribute("data-stale", "1");
    }
  });

  window.opsplatformNotifications = { loadPanel: loadPanel, setCount: setCount };
  window.opsplatformLive = { follow: follow };

  function start() {
    // Only signed-in workspace pages carry the bell; nowhere else opens a socket.
    if (bell()) connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
