"""While an approver is on granted leave, approvals reaching them go to their deputy
for those dates, without anyone setting it, and the gate log says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest

from modules.approvals.models import Delegation, GateAction
from modules.approvals.selectors import inbox
from modules.leave.models import LeaveRequest
from modules.leave.services.requests import leave_cancel_approved
from tenants.models import Membership

from .requests_fixtures import *  # noqa: F403
from .requests_fixtures import ask, decide

pytestmark = pytest.mark.django_db

MONDAY = date(2030, 3, 4)


@pytest.fixture
def frozen():
    """Every test here runs on Monday 4 March 2030, at midday UTC (the company's zone)."""
    now = datetime.combine(MONDAY, time(12), tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        yield


def marks_leave(office):
    """Mark (Erin's manager) takes Monday to Friday; his manager Dora grants it."""
    approval = ask(office.manager, office.annual, MONDAY, MONDAY + timedelta(days=4))
    decide(approval, office.director)
    return LeaveRequest.objects.get(approval=approval)


def test_granted_leave_makes_a_deputy_period_for_exactly_its_dates(in_office, frozen):
    leave = marks_leave(in_office)
    away = Delegation.objects.get(pk=leave.away_id)
    assert away.principal.user == in_office.manager
    assert away.deputy.user == in_office.director  # no earlier deputy: his own manager
    assert (away.starts_on, away.ends_on) == (MONDAY, MONDAY + timedelta(days=4))
    assert "on leave" in away.note


def test_the_approvers_most_recent_deputy_is_preferred(in_office, frozen):
    mark = Membership.objects.get(user=in_office.manager)
    Delegation.objects.create(
        principal=mark,
        deputy=Membership.objects.get(user=in_office.ra),
        starts_on=date(2029, 8, 1),
        ends_on=date(2029, 8, 10),
    )
    leave = marks_leave(in_office)
    assert leave.away.deputy.user == in_office.ra


def test_a_request_reaching_the_approver_on_leave_goes_to_the_deputy(in_office, frozen):
    marks_leave(in_office)
    approval = ask(in_office.requester, in_office.annual, MONDAY + timedelta(days=14))
    note = approval.log.get(action=GateAction.REROUTED).comment
    assert "is away (on leave until" in note and "Dora" in note
    assert approval in [step.request for step in inbox(in_office.director)]
    decide(approval, in_office.director)
    entry = approval.log.get(action=GateAction.APPROVED)
    assert entry.actor == in_office.director and entry.on_behalf_of == in_office.manager


def test_cancelling_the_leave_withdraws_the_deputy(in_office, frozen):
    leave = marks_leave(in_office)
    away_id = leave.away_id
    # HR cancels on its first day: the deputy stands in that day only.
    leave_cancel_approved(request=leave, user=in_office.hr, reason="Back early")
    assert Delegation.objects.get(pk=away_id).ends_on == MONDAY


def test_cancelling_before_it_starts_removes_the_deputy(in_office, frozen):
    approval = ask(in_office.manager, in_office.annual, MONDAY + timedelta(days=7))
    decide(approval, in_office.director)
    leave = LeaveRequest.objects.get(approval=approval)
    away_id = leave.away_id
    leave_cancel_approved(request=leave, user=in_office.manager)
    assert not Delegation.objects.filter(pk=away_id).exists()
