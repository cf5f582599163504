"""What approvals tells whom: each event reaches the right people, in-app and by
email after the decision commits (the worker resolves and sends), and follows
their preferences. ``committed`` runs what a commit would start."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from modules.approvals import notifications as notices
from modules.approvals import services
from modules.approvals.models import Delegation
from opsplatform.notifications.models import Notification
from opsplatform.notifications.services import preferences_save
from tenants.models import Membership

from .conftest import decide, purchase


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def received(user, code):
    return list(Notification.objects.filter(recipient=user, type_code=code))


def test_submitting_tells_the_requester_and_the_first_approver(
    in_acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = purchase(in_acme.requester)
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert len(received(in_acme.requester, notices.SUBMITTED)) == 1
    awaiting = received(in_acme.manager, notices.AWAITING)
    assert [n.title for n in awaiting] == [f"{request.reference} awaits your decision"]
    assert any(
        m.to == [in_acme.manager.email] and request.reference in m.subject for m in mail.outbox
    )
    # Nobody else in the chain hears about it yet.
    assert not received(in_acme.ra, notices.AWAITING)


def test_each_decision_notifies_the_requester_and_the_next_gate(in_acme, committed):
    request = purchase(in_acme.requester)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    with committed():
        decide(request, in_acme.manager, "approve")
    assert [n.title for n in received(in_acme.requester, notices.APPROVED)] == [
        f"{request.reference} was approved at Manager"
    ]
    assert received(in_acme.ra, notices.AWAITING)
    with committed():
        decide(request, in_acme.ra, "approve")
        decide(request, in_acme.owner, "approve")
    assert received(in_acme.requester, notices.COMPLETED)


def test_reject_and_return_carry_the_comment(in_acme, committed):
    first = purchase(in_acme.requester, title="One")
    second = purchase(in_acme.requester, title="Two")
    for request in (first, second):
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    with committed():
        decide(first, in_acme.manager, "reject", comment="No budget")
        decide(second, in_acme.manager, "return", comment="Add a quote")
    (rejected,) = received(in_acme.requester, notices.REJECTED)
    (returned,) = received(in_acme.requester, notices.RETURNED)
    assert "No budget" in rejected.body
    assert "Add a quote" in returned.body


def test_cancelling_tells_whoever_was_deciding(in_acme, committed):
    request = purchase(in_acme.requester)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    with committed():
        services.request_cancel(request_id=request.pk, user=in_acme.requester)
    assert received(in_acme.manager, notices.CANCELLED)


def test_a_deputy_hears_when_a_request_reaches_them(in_acme, committed):
    Delegation.objects.create(
        principal=Membership.objects.get(user=in_acme.manager),
        deputy=Membership.objects.get(user=in_acme.director),
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=3),
    )
    with committed():
        request = purchase(in_acme.requester)
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    (delegated,) = received(in_acme.director, notices.DELEGATED)
    assert "on behalf of Mark" in delegated.body


def test_reminder_and_escalation_are_notified(in_acme, committed):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with freeze_time(start):
        request = purchase(in_acme.requester)
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    with freeze_time(start + timedelta(hours=49)), committed():
        services.sla_sweep()
    with freeze_time(start + timedelta(hours=97)), committed():
        services.sla_sweep()
    assert received(in_acme.manager, notices.REMINDER)
    assert received(in_acme.director, notices.ESCALATED)


def test_an_approver_who_switched_email_off_still_sees_it_in_app(
    in_acme, django_capture_on_commit_callbacks
):
    preferences_save(user=in_acme.manager, choices={(notices.AWAITING, "email"): False})
    with django_capture_on_commit_callbacks(execute=True):
        request = purchase(in_acme.requester)
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert received(in_acme.manager, notices.AWAITING)
    assert not [m for m in mail.outbox if m.to == [in_acme.manager.email]]
    assert [m for m in mail.outbox if m.to == [in_acme.requester.email]]


def test_a_refused_decision_notifies_nobody(in_acme, committed):
    request = purchase(in_acme.requester)
    with committed():
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    before = Notification.objects.count()
    with committed():
        try:
            decide(request, in_acme.ceo, "approve")
        except services.Refused:
            pass
    assert Notification.objects.count() == before
