"""The project board in Chromium: drag a card and it is saved, move one with the
keyboard, see another person's move arrive live, and watch a refused move go back.

pytest-django's live server speaks WSGI only, and the live board needs the
workspace websocket: these tests run the project's own ASGI application
(HTTP and websockets, static files through Django's ASGI handler) under
uvicorn in a thread, on a port of their own.
"""

# The projects tests' ``team`` fixture is imported, and named as a parameter below.
# ruff: noqa: F811

from __future__ import annotations

import socket
import threading
import time

import pytest
from playwright.sync_api import expect

from modules.projects.models import Task
from opsplatform.tenancy import tenant_context
from tests.conftest import PASSWORD
from tests.modules.projects.conftest import team  # noqa: F401  (the fixture)
from tests.modules.projects.factories import DependencyFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_server(transactional_db):
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from opsplatform.asgi import application

    port = _free_port()
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the ASGI test server did not start"
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def _sign_in(page, tenant, email: str, port: int):
    page.goto(f"http://{tenant.slug}.localhost:{port}/admin/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form button[type=submit]").click()


def _open_board(page, team, user, port: int):
    _sign_in(page, team.tenant, user.email, port)
    page.goto(
        f"http://{team.tenant.slug}.localhost:{port}/admin/projects/project/{team.project.pk}/board/"
    )
    expect(page.get_by_test_id("board")).to_be_visible()


def _column(page, team, name: str):
    return page.locator(f'[data-column="{team.columns[name].pk}"]')


def _card(page, task):
    return page.locator(f'[data-task="{task.pk}"]')


def _wait_following(page):
    # The page asks to follow its project once the socket opens; the answer is a push.
    page.wait_for_function("window.opsplatformLive !== undefined")
    page.wait_for_timeout(500)


def _tasks(team, *titles, column="Todo"):
    with tenant_context(team.tenant):
        return [
            TaskFactory(
                project=team.project,
                column=team.columns[column],
                title=title,
                position=(i + 1) * 1024,
            )
            for i, title in enumerate(titles)
        ]


def test_a_dragged_card_is_saved_and_another_persons_board_shows_it_live(
    team,
    browser,
    asgi_server,
):
    task, _other = _tasks(team, "Design the header", "Write the copy")
    watcher = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    mover = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    try:
        watching = watcher.new_page()
        _open_board(watching, team, team.pm, asgi_server)
        moving = mover.new_page()
        _open_board(moving, team, team.member, asgi_server)
        _wait_following(watching)

        with moving.expect_response(lambda r: "/move/" in r.url) as answer:
            _card(moving, task).drag_to(_column(moving, team, "Progress").locator("[data-cards]"))
        assert answer.value.ok
        expect(
            _column(moving, team, "Progress").locator(f'[data-task="{task.pk}"]')
        ).to_be_visible()
        # The other person's open board moved the card without a reload.
        expect(
            _column(watching, team, "Progress").locator(f'[data-task="{task.pk}"]')
        ).to_be_visible()
        expect(_column(watching, team, "Progress").locator("[data-count]")).to_have_text("1")

        moving.reload()
        expect(
            _column(moving, team, "Progress").locator(f'[data-task="{task.pk}"]')
        ).to_be_visible()
        with tenant_context(team.tenant):
            assert Task.objects.get(pk=task.pk).column_id == team.columns["Progress"].pk
    finally:
        watcher.close()
        mover.close()


def test_a_card_moves_with_the_keyboard_and_the_move_is_announced(team, page, asgi_server):
    first, second = _tasks(team, "First", "Second")
    _open_board(page, team, team.member, asgi_server)
    card = _card(page, second)
    card.focus()
    with page.expect_response(lambda r: "/move/" in r.url):
        page.keyboard.press("Alt+ArrowUp")
    cards = _column(page, team, "Todo").locator("[data-task]")
    expect(cards.first).to_have_attribute("data-task", str(second.pk))
    with page.expect_response(lambda r: "/move/" in r.url):
        page.keyboard.press("Alt+ArrowRight")
    expect(_column(page, team, "Progress").locator(f'[data-task="{second.pk}"]')).to_be_focused()
    expect(page.get_by_test_id("board-live")).to_contain_text("moved to Progress")
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=second.pk).column_id == team.columns["Progress"].pk


def test_a_refused_move_shows_the_message_and_the_card_goes_back(team, page, asgi_server):
    (task,) = _tasks(team, "Launch", column="Review")
    (blocker,) = _tasks(team, "Sign-off", column="Progress")
    with tenant_context(team.tenant):
        DependencyFactory(task=task, blocker=blocker)
        reference = blocker.reference
    _open_board(page, team, team.member, asgi_server)
    with page.expect_response(lambda r: "/move/" in r.url) as answer:
        _card(page, task).drag_to(_column(page, team, "Completed").locator("[data-cards]"))
    assert answer.value.status == 409
    message = page.get_by_test_id("board-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text(reference)
    expect(_column(page, team, "Review").locator(f'[data-task="{task.pk}"]')).to_be_visible()
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=task.pk).column_id == team.columns["Review"].pk


def test_in_arabic_the_board_reads_right_to_left_and_the_arrow_keys_follow_it(
    team, page, asgi_server
):
    (task,) = _tasks(team, "First")
    team.member.language = "ar"
    team.member.save(update_fields=["language"])
    _open_board(page, team, team.member, asgi_server)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('[data-board]')).direction") == "rtl"
    )
    todo = _column(page, team, "Todo").bounding_box()
    progress = _column(page, team, "Progress").bounding_box()
    assert progress["x"] < todo["x"]  # the next column is on the left
    _card(page, task).focus()
    with page.expect_response(lambda r: "/move/" in r.url):
        page.keyboard.press("Alt+ArrowLeft")  # towards the left: the next column
    expect(_column(page, team, "Progress").locator(f'[data-task="{task.pk}"]')).to_be_visible()
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=task.pk).column_id == team.columns["Progress"].pk
