"""Managers hear the evening before that someone in their team is off tomorrow:
in the company's time zone, once per company and day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest

from modules.leave.tasks import notify_team_off_tomorrow
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context

from .requests_fixtures import *  # noqa: F403
from .requests_fixtures import ask, decide

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


def at(hour):
    now = datetime.combine(MONDAY - timedelta(days=1), time(hour), tzinfo=UTC)
    return mock.patch("django.utils.timezone.now", return_value=now)


def test_the_manager_hears_once_the_evening_before(office):
    with at(9), tenant_context(office.tenant):
        decide(ask(office.requester, office.annual, MONDAY), office.manager)
    with at(9):
        notify_team_off_tomorrow.call_local()  # morning: not yet
    with tenant_context(office.tenant):
        assert not Notification.objects.filter(type_code="leave.team_off_tomorrow").exists()
    with at(17):
        notify_team_off_tomorrow.call_local()
        notify_team_off_tomorrow.call_local()  # a second tick the same evening
    with tenant_context(office.tenant):
        sent = Notification.objects.filter(type_code="leave.team_off_tomorrow")
        assert [n.recipient for n in sent] == [office.manager]
