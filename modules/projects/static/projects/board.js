/* The project board: drag a card, or move it with the keyboard, and it is saved in place.
 *
 * - Drag and drop (HTML5): the card moves at once; the move is posted to the
 *   board's move URL (data-move-url, with 0 for the task id) as JSON with the
 *   CSRF token from data-csrf. A refusal (blockers open, no right) puts the
 *   card back where it was and shows the server's message.
 * - Keyboard: focus a card and press Alt (or Ctrl) with an arrow key: left and
 *   right change the column (swapped under dir="rtl", so the key points the way
 *   the card goes), up and down its place. The card's "Move" menu does the same
 *   with buttons. Every move is announced in the aria-live region.
 * - Live: the page follows its project on the workspace socket
 *   (window.opsplatformLive, opsplatform/notifications.js); another person's
 *   move arrives as a "projects.card_moved" push and the card moves here too.
 *
 * No inline script: URLs and strings come from data attributes (docs/security-web.md).
 */
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");
  if (!board) return;

  var projectId = parseInt(board.getAttribute("data-project"), 10);
  var userId = parseInt(board.getAttribute("data-user"), 10);
  var canMove = board.getAttribute("data-can-move") === "1";
  var moveUrl = board.getAttribute("data-move-url");
  var csrf = board.getAttribute("data-csrf");
  var live = board.querySelector("[data-board-live]");
  var messageBox = board.querySelector("[data-board-message]");

  function text(name, values) {
    var template = board.getAttribute("data-msg-" + name) || "";
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return values && values[key] !== undefined ? String(values[key]) : match;
    });
  }

  function announce(message) {
    if (live) live.textContent = message;
  }

  function showMessage(message, info) {
    if (!messageBox) return;
    messageBox.textContent = message;
    messageBox.classList.toggle("pb-info", !!info);
    messageBox.hidden = !message;
  }

  function columns() {
    return Array.prototype.slice.call(board.querySelectorAll("[data-column]"));
  }

  function columnById(id) {
    return board.querySelector('[data-column="' + id + '"]');
  }

  function cardById(id) {
    return board.querySelector('[data-task="' + id + '"]');
  }

  function listOf(column) {
    return column.querySelector("[data-cards]");
  }

  function setCount(column, count) {
    if (!column || count === undefined) return;
    column.querySelector("[data-count]").textContent = String(count);
    var limit = parseInt(column.getAttribute("data-wip-limit"), 10);
    var over = !!limit && count > limit;
    column.classList.toggle("pb-over", over);
    var badge = column.querySelector("[data-over-badge]");
    if (badge) badge.hidden = !over;
  }

  function isRtl() {
    return window.getComputedStyle(board).direction === "rtl";
  }

  // -- saving ----------------------------------------------------------------------------

  function save(card, origin) {
    var column = card.closest("[data-column]");
    var next = card.nextElementSibling;
    var previous = card.previousElementSibling;
    var body = { column: parseInt(column.getAttribute("data-column"), 10) };
    if (next) body.before = parseInt(next.getAttribute("data-task"), 10);
    else if (previous) body.after = parseInt(previous.getAttribute("data-task"), 10);
    var id = card.getAttribute("data-task");
    card.classList.add("pb-saving");
    showMessage("");
    return fetch(moveUrl.replace(/\/0\/move\/$/, "/" + id + "/move/"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrf,
        "X-Requested-With": "XMLHttpRequest",
      },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false };
        });
      })
      .then(function (data) {
        if (!data.ok) throw data;
        card.setAttribute("data-position", data.position);
        setCount(columnById(data.column), data.count);
        setCount(columnById(data.from_column), data.from_count);
        announce(data.message || "");
        if (data.over_limit) showMessage(data.message, true);
      })
      .catch(function (error) {
        putBack(card, origin);
        var message = (error && error.message) || text("failed");
        showMessage(message);
        announce(message);
      })
      .then(function () {
        card.classList.remove("pb-saving");
      });
  }

  function placeOf(card) {
    return { list: card.parentNode, next: card.nextElementSibling };
  }

  function putBack(card, origin) {
    var next = origin.next && origin.next.parentNode === origin.list ? origin.next : null;
    origin.list.insertBefore(card, next);
  }

  function samePlace(card, origin) {
    return card.parentNode === origin.list && card.nextElementSibling === origin.next;
  }

  // -- keyboard and the Move menu --------------------------------------------------------

  function move(card, where) {
    var origin = placeOf(card);
    var column = card.closest("[data-column]");
    var all = columns();
    var index = all.indexOf(column);
    if (where === "prev" || where === "next") {
      var target = all[index + (where === "next" ? 1 : -1)];
      if (!target) return;
      listOf(target).appendChild(card);
    } else if (where === "up") {
      if (!card.previousElementSibling) return;
      card.parentNode.insertBefore(card, card.previousElementSibling);
    } else if (where === "down") {
      if (!card.nextElementSibling) return;
      card.parentNode.insertBefore(card.nextElementSibling, card);
    }
    if (samePlace(card, origin)) return;
    card.focus();
    save(card, origin);
  }

  var KEYS = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "prev", ArrowRight: "next" };

  board.addEventListener("keydown", function (event) {
    if (!canMove || !(event.altKey || event.ctrlKey)) return;
    var card = event.target.closest && event.target.closest("[data-task]");
    if (!card || event.target !== card) return;
    var where = KEYS[event.key];
    if (!where) return;
    event.preventDefault();
    // Under right to left the next column is on the left: the key points the way.
    if (isRtl() && (where === "prev" || where === "next")) where = where === "prev" ? "next" : "prev";
    move(card, where);
  });

  board.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-move]");
    if (!button || !canMove) return;
    var card = button.closest("[data-task]");
    if (card) move(card, button.getAttribute("data-move"));
  });

  // -- drag and drop ---------------------------------------------------------------------

  var dragged = null;
  var dragOrigin = null;
  var dropped = false;

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-task]");
    if (!canMove || !card) return;
    dragged = card;
    dragOrigin = placeOf(card);
    dropped = false;
    card.classList.add("pb-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-reference"));
  });

  function cardAfter(list, y) {
    var cards = Array.prototype.slice.call(list.querySelectorAll("[data-task]"));
    for (var i = 0; i < cards.length; i++) {
      if (cards[i] === dragged) continue;
      var box = cards[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) return cards[i];
    }
    return null;
  }

  board.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var column = event.target.closest && event.target.closest("[data-column]");
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    columns().forEach(function (c) {
      c.classList.toggle("pb-drop", c === column);
    });
    var list = listOf(column);
    var after = cardAfter(list, event.clientY);
    if (after !== dragged.nextElementSibling || dragged.parentNode !== list) {
      list.insertBefore(dragged, after);
    }
  });

  board.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    dropped = true;
    var card = dragged;
    var origin = dragOrigin;
    if (!samePlace(card, origin)) save(card, origin);
  });

  board.addEventListener("dragend", function () {
    if (!dragged) return;
    if (!dropped) putBack(dragged, dragOrigin); // dropped outside the board: nothing moves
    dragged.classList.remove("pb-dragging");
    columns().forEach(function (c) {
      c.classList.remove("pb-drop");
    });
    dragged = null;
    dragOrigin = null;
  });

  // -- live updates ----------------------------------------------------------------------

  function applyRemote(payload) {
    var target = columnById(payload.column);
    setCount(target, payload.count);
    setCount(columnById(payload.from_column), payload.from_count);
    var card = cardById(payload.task);
    if (!card || !target || card === dragged || card.classList.contains("pb-saving")) return;
    var list = listOf(target);
    var position = parseInt(payload.position, 10);
    if (card.parentNode === list && parseInt(card.getAttribute("data-position"), 10) === position) {
      return; // this page's own move, already in place
    }
    var before = null;
    var cards = list.querySelectorAll("[data-task]");
    for (var i = 0; i < cards.length; i++) {
      if (cards[i] !== card && parseInt(cards[i].getAttribute("data-position"), 10) > position) {
        before = cards[i];
        break;
      }
    }
    var hadFocus = document.activeElement === card;
    list.insertBefore(card, before);
    card.setAttribute("data-position", String(position));
    if (hadFocus) card.focus();
    if (payload.actor !== userId) {
      announce(
        text("moved-by-other", {
          task: payload.reference,
          column: target.getAttribute("data-column-name"),
        })
      );
    }
  }

  document.addEventListener("opsplatform:push", function (event) {
    var payload = event.detail || {};
    if (payload.type === "projects.card_moved" && payload.project === projectId) {
      applyRemote(payload);
    }
  });

  // Pushes sent while the socket was away are lost: take the board as it is now.
  document.addEventListener("opsplatform:reconnected", function () {
    if (dragged) return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var columnsNow = fresh.querySelector("[data-board-columns]");
        var here = board.querySelector("[data-board-columns]");
        if (columnsNow && here) here.replaceWith(document.importNode(columnsNow, true));
      })
      .catch(function () {});
  });

  if (window.opsplatformLive) window.opsplatformLive.follow("project", projectId);
})();
