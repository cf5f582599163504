"""Sessions end after 30 idle minutes and after 12 hours, and are not saved on every request."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from freezegun import freeze_time


def _signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_a_session_ends_after_thirty_idle_minutes(tenant_a, owner_a, client_for):
    start = timezone.now()
    with freeze_time(start):
        client = client_for(tenant_a, owner_a)
        assert _signed_in(client)
    with freeze_time(start + timedelta(minutes=31)):
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        page = client.get(response["Location"])
        assert "period of inactivity" in page.content.decode()


def test_activity_keeps_a_session_alive_until_its_twelve_hours_are_up(
    tenant_a, owner_a, client_for
):
    start = timezone.now()
    with freeze_time(start):
        client = client_for(tenant_a, owner_a)
    for minutes in range(20, 12 * 60, 20):
        with freeze_time(start + timedelta(minutes=minutes)):
            assert _signed_in(client), f"signed out after {minutes} minutes of activity"
    with freeze_time(start + timedelta(hours=12, minutes=1)):
        assert not _signed_in(client)


def test_the_idle_limit_follows_the_setting(tenant_a, owner_a, client_for, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 5 * 60
    start = timezone.now()
    with freeze_time(start):
        client = client_for(tenant_a, owner_a)
    with freeze_time(start + timedelta(minutes=6)):
        assert not _signed_in(client)


def test_requests_within_a_minute_do_not_write_the_session(tenant_a, owner_a, client_for):
    start = timezone.now()
    with freeze_time(start):
        client = client_for(tenant_a, owner_a)
        key = client.session.session_key
        client.get("/admin/")
    written = Session.objects.get(session_key=key).session_data
    with freeze_time(start + timedelta(seconds=30)):
        client.get("/admin/")
        client.get("/admin/")
    assert Session.objects.get(session_key=key).session_data == written
    with freeze_time(start + timedelta(seconds=90)):
        client.get("/admin/")
    assert Session.objects.get(session_key=key).session_data != written


def test_the_landlord_admin_has_the_same_timeout(platform_admin, client_for):
    start = timezone.now()
    with freeze_time(start):
        client = client_for(None, platform_admin)
        assert _signed_in(client)
    with freeze_time(start + timedelta(minutes=31)):
        assert not _signed_in(client)
