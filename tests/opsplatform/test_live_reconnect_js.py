"""The page's live channel (notifications.js) comes back by itself after the
channel layer was down: retried with a growing, jittered back-off, never for
a socket refused as "not a member", and a socket that opens again tells the
page to refresh its live counters. Run in Node with a fake socket and clock."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "opsplatform" / "static" / "opsplatform" / "notifications.js"

HARNESS = r"""
const listeners = {};
const timers = [];
const sockets = [];
const fetched = [];
const events = [];
const element = { getAttribute: (name) => name === "data-bell-url" ? "/bell/" : null,
                  querySelector: () => ({ innerHTML: "", querySelector: () => null }) };
global.window = { location: { protocol: "http:", host: "acme.localhost", pathname: "/", search: "" } };
global.document = {
  readyState: "complete",
  querySelector: () => element,
  querySelectorAll: () => [],
  addEventListener: (type, fn) => { (listeners[type] = listeners[type] || []).push(fn); },
  dispatchEvent: (event) => { events.push(event.type); (listeners[event.type] || []).forEach((fn) => fn(event)); },
};
global.CustomEvent = function (type, init) { this.type = type; this.detail = (init || {}).detail; };
global.fetch = (url) => { fetched.push(url); return new Promise(() => {}); };
global.setTimeout = (fn, ms) => { timers.push({ fn, ms }); };
global.WebSocket = function (url) {
  this.handlers = {};
  this.addEventListener = (type, fn) => { this.handlers[type] = fn; };
  sockets.push(this);
};
require(process.argv[process.argv.length - 1]);

function drop(code) { sockets[sockets.length - 1].handlers.close({ code }); }
function fire() { timers.shift().fn(); }
const out = {};
drop(1006);                                   // the first socket fails: layer down
out.first = timers[0].ms; fire();
drop(1013);                                   // refused again: "try again later"
out.second = timers[0].ms; fire();
sockets[sockets.length - 1].handlers.open();  // the layer is back
out.eventsAfterReopen = events.slice();
out.fetchedAfterReopen = fetched.length;
drop(1006);                                   // after a good socket, the back-off restarts
out.afterReopen = timers[0].ms; fire();
drop(4403);                                   // not a member: no retry
out.timersAfter4403 = timers.length;
out.sockets = sockets.length;
console.log(JSON.stringify(out));
"""


@pytest.fixture
def node():
    path = shutil.which("node")
    if path is None:
        pytest.skip("Node.js is not installed")
    return path


def run(node) -> dict:
    result = subprocess.run(
        [node, "-e", HARNESS, str(SCRIPT)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_socket_is_retried_with_a_growing_jittered_back_off(node):
    seen = run(node)
    assert 500 <= seen["first"] <= 1000
    assert 1000 <= seen["second"] <= 2000
    assert 500 <= seen["afterReopen"] <= 1000  # an open socket resets the back-off


def test_a_socket_that_opens_again_tells_the_page_to_refresh(node):
    seen = run(node)
    assert seen["eventsAfterReopen"] == ["opsplatform:reconnected"]
    assert seen["fetchedAfterReopen"] == 1  # the bell asks for its count again


def test_a_socket_refused_as_not_a_member_is_not_retried(node):
    seen = run(node)
    assert seen["timersAfter4403"] == 0
    assert seen["sockets"] == 4
