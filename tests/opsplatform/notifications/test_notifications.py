"""The notification service: delivery per channel and preference, after commit only,
in the recipient's language, at a constant query cost; reading and settings screens
that show a member only their own notifications."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.db import transaction
from django.urls import reverse

from opsplatform.notifications import selectors, services
from opsplatform.notifications.models import Notification, NotificationPreference
from opsplatform.notifications.registry import get_type
from opsplatform.realtime.tenancy import group_name
from opsplatform.tenancy import tenant_context
from tests.opsplatform.notifications.conftest import PING, QUIET

pytestmark = pytest.mark.django_db

CONTEXT = {"who": "Alice", "what": "the budget"}


def send(tenant, recipients, type=PING, **kwargs):
    with tenant_context(tenant):
        return services.notify(
            recipients=recipients, type=type, context=kwargs.pop("context", CONTEXT), **kwargs
        )


@pytest.fixture
def alice(tenant_a, make_member):
    return make_member(tenant_a, "alice@acme.test")


@pytest.fixture
def bob(tenant_a, make_member):
    return make_member(tenant_a, "bob@acme.test")


@pytest.fixture
def published(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "opsplatform.notifications.delivery.publish", lambda **kwargs: calls.append(kwargs)
    )
    return calls


# -- delivery -----------------------------------------------------------------


def test_all_channels_by_default(
    tenant_a, alice, owner_a, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = send(tenant_a, [alice], url="/admin/", actor=owner_a)

    assert len(rows) == 1
    with tenant_context(tenant_a):
        row = Notification.objects.get()
        assert (row.in_app, row.email, row.live) == (True, True, True)
        assert row.title == "Alice pinged you"
        assert row.body == "About the budget."
        assert row.emailed_at is not None
        assert row.actor == owner_a
        assert selectors.unread_count(alice) == 1
        assert selectors.recent_for(alice) == [row]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@acme.test"]
    assert message.subject == "Alice pinged you"
    assert "About the budget." in message.body
    # Links are absolute, on the company's own host.
    open_path = reverse("admin:notifications_notification_open", args=[row.pk])
    assert f"http://acme.localhost:8000{open_path}" in message.body
    assert "http://acme.localhost:8000" + reverse("admin:notifications_settings") in message.body
    html = message.alternatives[0][0]
    assert "Alice pinged you" in html and "notification settings" in html

    assert published == [
        {
            "tenant_id": tenant_a.pk,
            "user_id": alice.pk,
            "payload": {
                "type": "notification",
                "id": row.pk,
                "code": PING,
                "title": "Alice pinged you",
                "url": open_path,
                "unread": 1,
            },
        }
    ]


def test_live_push_reaches_the_members_channel_group(
    tenant_a, alice, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name(tenant_a.pk, "user", alice.pk), channel)

    with django_capture_on_commit_callbacks(execute=True):
        send(tenant_a, [alice])

    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "push"
    assert message["payload"]["type"] == "notification"
    assert message["payload"]["title"] == "Alice pinged you"
    assert message["payload"]["unread"] == 1


def test_nothing_is_delivered_when_the_callers_transaction_rolls_back(
    tenant_a, alice, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            send(tenant_a, [alice])
            raise RuntimeError("the caller's change failed")

    assert callbacks == []
    assert mail.outbox == []
    assert published == []
    with tenant_context(tenant_a):
        assert not Notification.objects.exists()


def test_email_in_the_recipients_language(
    tenant_a, alice, bob, published, django_capture_on_commit_callbacks
):
    alice.language = "ar"
    alice.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        send(tenant_a, [alice, bob], type=QUIET)
    # QUIET is in-app only by default: switch email on for both first.
    assert mail.outbox == []
    with tenant_context(tenant_a):
        for user in (alice, bob):
            services.preferences_save(user=user, choices={(QUIET, "email"): True})
    with django_capture_on_commit_callbacks(execute=True):
        send(tenant_a, [alice, bob], type=QUIET)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {"alice@acme.test": "تسجيل الخروج", "bob@acme.test": "Log out"}
    arabic = next(m for m in mail.outbox if m.to == ["alice@acme.test"])
    assert 'dir="rtl"' in arabic.alternatives[0][0]


def test_company_default_language_when_the_user_has_none(
    tenant_a, alice, published, django_capture_on_commit_callbacks
):
    tenant_a.default_language = "ar"
    tenant_a.save(update_fields=["default_language"])
    with tenant_context(tenant_a):
        services.preferences_save(user=alice, choices={(QUIET, "email"): True})
    with django_capture_on_commit_callbacks(execute=True):
        send(tenant_a, [alice], type=QUIET)
    assert mail.outbox[0].subject == "تسجيل الخروج"


def test_email_off_keeps_the_in_app_row(
    tenant_a, alice, published, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        services.preferences_save(user=alice, choices={(PING, "email"): False})
        assert selectors.enabled_channels(alice, PING) == {"in_app", "live"}
    with django_capture_on_commit_callbacks(execute=True):
        send(tenant_a, [alice])

    assert mail.outbox == []
    assert len(published) == 1
    with tenant_context(tenant_a):
        row = Notification.objects.get()
        assert (row.in_app, row.email, row.live) == (True, False, True)
        assert row.emailed_at is None
        assert selectors.unread_count(alice) == 1


def test_in_app_off_sends_email_but_keeps_the_bell_empty(
    tenant_a, alice, published, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        services.preferences_save(
            user=alice, choices={(PING, "in_app"): False, (PING, "live"): False}
        )
    with django_capture_on_commit_callbacks(execute=True):
        send(tenant_a, [alice])

    assert len(mail.outbox) == 1
    assert published == []
    with tenant_context(tenant_a):
        assert Notification.objects.get().in_app is False
        assert selectors.unread_count(alice) == 0
        assert selectors.recent_for(alice) == []


def test_all_channels_off_creates_nothing(
    tenant_a, alice, bob, published, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        services.preferences_save(
            user=alice, choices={(PING, channel): False for channel in ("in_app", "email", "live")}
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = send(tenant_a, [alice, bob])

    assert [row.recipient for row in rows] == [bob]
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["bob@acme.test"]]
    with tenant_context(tenant_a):
        assert list(Notification.objects.values_list("recipient", flat=True)) == [bob.pk]


def test_recipients_are_deduplicated_and_filtered(
    tenant_a, tenant_b, alice, bob, owner_b, published, django_capture_on_commit_callbacks
):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # Alice twice, None, an inactive user and a member of another company.
        rows = send(tenant_a, [alice, None, alice, bob, owner_b])

    assert [row.recipient for row in rows] == [alice]
    assert len(callbacks) == 1  # one task for the whole batch
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]


def test_unknown_type_is_an_error(tenant_a, alice):
    with pytest.raises(KeyError):
        send(tenant_a, [alice], type="tests.nope")
    with pytest.raises(KeyError):
        get_type("tests.nope")


def test_notify_needs_a_tenant(alice):
    from opsplatform.tenancy.context import TenantNotSetError

    with pytest.raises(TenantNotSetError):
        services.notify(recipients=[alice], type=PING, context=CONTEXT)


def test_notify_costs_the_same_for_many_recipients(
    tenant_a, make_member, published, django_assert_max_num_queries
):
    few = [make_member(tenant_a, f"few{i}@acme.test") for i in range(2)]
    many = [make_member(tenant_a, f"many{i}@acme.test") for i in range(25)]
    with tenant_context(tenant_a):
        services.preferences_save(user=many[0], choices={(PING, "email"): False})
        # members, preferences, the notices, and their one outbox message
        with django_assert_max_num_queries(4) as few_queries:
            services.notify(recipients=few, type=PING, context=CONTEXT)
        with django_assert_max_num_queries(len(few_queries.captured_queries)):
            rows = services.notify(recipients=many, type=PING, context=CONTEXT)
    assert len(rows) == 25
    assert rows[0].email is False and rows[1].email is True


def test_rows_are_language_neutral(tenant_a, alice):
    rows = send(tenant_a, [alice], context={"who": "Alice", "what": "x", "extra": 3})
    with tenant_context(tenant_a):
        row = Notification.objects.get(pk=rows[0].pk)
    assert row.type_code == PING
    assert row.context == {"who": "Alice", "what": "x", "extra": 3}


def test_missing_context_values_and_unknown_types_still_render(tenant_a, alice):
    rows = send(tenant_a, [alice], context={})
    assert rows[0].title == " pinged you"
    rows[0].type_code = "gone.away"
    assert rows[0].title == "gone.away"
    assert rows[0].body == ""


# -- reading ------------------------------------------------------------------


def test_mark_read_is_for_my_own_only(tenant_a, alice, bob):
    mine = send(tenant_a, [alice])[0]
    theirs = send(tenant_a, [bob])[0]
    with tenant_context(tenant_a):
        services.notification_mark_read(user=alice, notification_id=mine.pk)
        assert selectors.unread_count(alice) == 0
        with pytest.raises(Notification.DoesNotExist):
            services.notification_mark_read(user=alice, notification_id=theirs.pk)
        assert selectors.unread_count(bob) == 1


def test_mark_all_read(tenant_a, alice, bob):
    send(tenant_a, [alice, bob])
    send(tenant_a, [alice])
    with tenant_context(tenant_a):
        assert services.notifications_mark_all_read(user=alice) == 2
        assert selectors.unread_count(alice) == 0
        assert selectors.unread_count(bob) == 1


# -- screens ------------------------------------------------------------------


def _urls():
    return {
        "list": reverse("admin:notifications_notification_changelist"),
        "bell": reverse("admin:notifications_bell"),
        "settings": reverse("admin:notifications_settings"),
        "read_all": reverse("admin:notifications_notification_read_all"),
    }


def test_list_and_bell_show_only_my_notifications(
    tenant_a, tenant_b, alice, bob, owner_b, make_member, client_for
):
    send(tenant_a, [alice], context={"who": "Carol", "what": "mine"})
    send(tenant_a, [bob], context={"who": "Dave", "what": "bobs"})
    send(tenant_b, [owner_b], context={"who": "Eve", "what": "globex"})
    # Alice also works for Globex: what she gets there stays there.
    make_member(tenant_b, alice.email, user=alice)
    send(tenant_b, [alice], context={"who": "Frank", "what": "globex"})
    client = client_for(tenant_a, alice)

    for name in ("list", "bell"):
        page = client.get(_urls()[name]).content.decode()
        assert "Carol pinged you" in page
        assert "Dave" not in page and "Eve" not in page and "Frank" not in page

    # The bell in the header, with the unread count.
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert "data-notification-bell" in dashboard
    assert "data-notification-count >1</span>" in dashboard.replace("\n", "")
    assert "opsplatform/notifications.js" in dashboard


def test_open_marks_read_and_follows_the_link(tenant_a, alice, bob, client_for):
    mine = send(tenant_a, [alice], url="/admin/")[0]
    theirs = send(tenant_a, [bob], url="/admin/")[0]
    client = client_for(tenant_a, alice)

    response = client.get(reverse("admin:notifications_notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    with tenant_context(tenant_a):
        assert Notification.objects.get(pk=mine.pk).read_at is not None

    for name in ("admin:notifications_notification_open", "admin:notifications_notification_read"):
        response = client.post(reverse(name, args=[theirs.pk]))
        assert response.status_code == 404
    with tenant_context(tenant_a):
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_open_never_redirects_off_site(tenant_a, alice, client_for):
    row = send(tenant_a, [alice], url="https://evil.example/")[0]
    response = client_for(tenant_a, alice).get(
        reverse("admin:notifications_notification_open", args=[row.pk])
    )
    assert response["Location"] == reverse("admin:notifications_notification_changelist")


def test_another_companys_notification_is_not_found(tenant_a, tenant_b, alice, owner_b, client_for):
    foreign = send(tenant_b, [owner_b])[0]
    client = client_for(tenant_a, alice)
    for name in (
        "admin:notifications_notification_open",
        "admin:notifications_notification_change",
        "admin:notifications_notification_history",
    ):
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert (
        client.post(reverse("admin:notifications_notification_read", args=[foreign.pk])).status_code
        == 404
    )


def test_mark_read_and_mark_all_from_the_list(tenant_a, alice, client_for):
    first, second = send(tenant_a, [alice]), send(tenant_a, [alice])
    client = client_for(tenant_a, alice)
    urls = _urls()

    response = client.post(
        reverse("admin:notifications_notification_read", args=[first[0].pk]),
        {"next": urls["list"]},
    )
    assert response.status_code == 302 and response["Location"] == urls["list"]
    with tenant_context(tenant_a):
        assert selectors.unread_count(alice) == 1
    assert client.get(urls["read_all"]).status_code == 405
    client.post(urls["read_all"], {"next": "https://evil.example/"})
    with tenant_context(tenant_a):
        assert selectors.unread_count(alice) == 0
    assert second


def test_settings_page_lists_types_and_saves(tenant_a, alice, client_for):
    client = client_for(tenant_a, alice)
    url = _urls()["settings"]
    page = client.get(url).content.decode()
    assert "Someone pinged me" in page and "A quiet one" in page
    assert f'name="{PING}:email" checked' in page
    assert f'name="{QUIET}:email" checked' not in page

    # Only in-app for PING; QUIET gains email.
    response = client.post(url, {f"{PING}:in_app": "on", f"{QUIET}:email": "on"})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert selectors.enabled_channels(alice, PING) == {"in_app"}
        assert selectors.enabled_channels(alice, QUIET) == {"email"}
        assert NotificationPreference.objects.filter(user=alice).count() >= 6

    page = client.get(url).content.decode()
    assert f'name="{PING}:email" checked' not in page
    assert f'name="{QUIET}:email" checked' in page


def test_sidebar_has_the_notification_pages(tenant_a, alice, client_for):
    page = client_for(tenant_a, alice).get(reverse("admin:index")).content.decode()
    assert _urls()["list"] in page
    assert _urls()["settings"] in page


def test_pages_need_a_member(tenant_a, tenant_b, owner_b, client_for):
    client = client_for(tenant_a, owner_b)
    for url in (_urls()["list"], _urls()["bell"], _urls()["settings"]):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
