"""Cancelling granted leave: before it starts everything comes back; once started,
the days after today come back and what was taken stays taken."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest

from modules.leave.models import LeaveRequest, LedgerEntry
from modules.leave.selectors.balances import balance_on
from modules.leave.services.requests import leave_cancel_approved
from opsplatform.refusals import Refused

from .requests_fixtures import *  # noqa: F403
from .requests_fixtures import ask, decide, monday_after

pytestmark = pytest.mark.django_db


def granted(office, start, end):
    approval = ask(office.requester, office.annual, start, end)
    decide(approval, office.manager)
    return LeaveRequest.objects.get(approval=approval)


def on(day):
    """Pretend it is midday of ``day`` (UTC, the company's time zone here)."""
    return mock.patch(
        "django.utils.timezone.now",
        return_value=datetime.combine(day, time(12), tzinfo=UTC),
    )


def test_before_it_starts_the_whole_leave_comes_back(in_office):
    erin = in_office.employee(in_office.requester)
    leave = granted(in_office, monday_after(7), monday_after(7) + timedelta(days=4))
    assert balance_on(erin, in_office.annual) == 15
    leave_cancel_approved(request=leave, user=in_office.requester, reason="Plans changed")
    leave.refresh_from_db()
    assert leave.cancelled_at is not None
    assert balance_on(erin, in_office.annual) == 20
    credit = LedgerEntry.objects.get(request=leave, kind="credit")
    assert credit.amount == Decimal("5")


def test_mid_leave_hr_credits_the_days_not_yet_taken(in_office):
    erin = in_office.employee(in_office.requester)
    monday = monday_after(7)
    leave = granted(in_office, monday, monday + timedelta(days=4))
    with on(monday + timedelta(days=2)):  # Wednesday: Monday to Wednesday are taken
        leave_cancel_approved(request=leave, user=in_office.hr, reason="Called back")
    assert LedgerEntry.objects.get(request=leave, kind="credit").amount == Decimal("2")
    assert balance_on(erin, in_office.annual) == 17


def test_the_person_cannot_cancel_leave_that_has_started(in_office):
    monday = monday_after(7)
    leave = granted(in_office, monday, monday + timedelta(days=4))
    with on(monday + timedelta(days=1)), pytest.raises(Refused, match="has started"):
        leave_cancel_approved(request=leave, user=in_office.requester)


def test_someone_else_cannot_cancel_it(in_office):
    leave = granted(in_office, monday_after(7), monday_after(7))
    with pytest.raises(Refused, match="Only the person on leave or HR"):
        leave_cancel_approved(request=leave, user=in_office.ra)


def test_it_is_cancelled_once(in_office):
    leave = granted(in_office, monday_after(7), monday_after(7))
    leave_cancel_approved(request=leave, user=in_office.requester)
    with pytest.raises(Refused, match="already cancelled"):
        leave_cancel_approved(request=leave, user=in_office.requester)
    assert LedgerEntry.objects.filter(request=leave, kind="credit").count() == 1


def test_the_page_cancels_granted_leave_by_post_only(office, client_for, make_member):
    from django.urls import reverse

    from opsplatform.tenancy import tenant_context

    with tenant_context(office.tenant):
        leave = granted(office, monday_after(7), monday_after(7))
    address = reverse(
        "admin:leave_request_cancel", args=[leave.pk], urlconf="opsplatform.urls.tenant"
    )
    client = client_for(office.tenant, office.requester)
    assert client.get(address).status_code == 405
    # Someone who may not see it gets a 404, not a refusal that admits it exists.
    colleague = make_member(office.tenant, "eve@acme.test")
    assert client_for(office.tenant, colleague).post(address).status_code == 404
    assert client.post(address, {"reason": "No longer needed"}).status_code == 302
    with tenant_context(office.tenant):
        leave.refresh_from_db()
        assert leave.cancelled_at is not None


def test_hr_cancels_anyones_leave_from_the_endpoint(office, client_for):
    from django.urls import reverse

    from opsplatform.tenancy import tenant_context

    with tenant_context(office.tenant):
        leave = granted(office, monday_after(7), monday_after(7))
    address = reverse(
        "admin:leave_request_cancel", args=[leave.pk], urlconf="opsplatform.urls.tenant"
    )
    assert client_for(office.tenant, office.hr).post(address).status_code == 302
    with tenant_context(office.tenant):
        leave.refresh_from_db()
        assert leave.cancelled_at is not None


def test_cancelling_tells_the_manager(in_office):
    from opsplatform.notifications.models import Notification

    leave = granted(in_office, monday_after(7), monday_after(7))
    leave_cancel_approved(request=leave, user=in_office.requester)
    assert Notification.objects.filter(
        recipient=in_office.manager, type_code="leave.cancelled"
    ).exists()
