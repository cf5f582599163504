"""Leave travels the engine's route like any kind: line manager, then HR above 5
working days; a type that needs no approval is granted at submit; the engine
shows a leave's amount as days, not money."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from modules.approvals.models import GateAction, RequestStatus, StepStatus
from modules.approvals.selectors import inbox
from modules.leave.models import LeaveType, LedgerEntry
from opsplatform.tenancy import tenant_context
from tests.modules.approvals.test_admin import url

from .requests_fixtures import *  # noqa: F403
from .requests_fixtures import ask, decide, monday_after

pytestmark = pytest.mark.django_db


def gates(approval):
    return [(step.name, step.status) for step in approval.steps.order_by("position")]


def test_up_to_five_days_the_manager_decides_alone(in_office):
    approval = ask(
        in_office.requester, in_office.annual, monday_after(7), monday_after(7) + timedelta(days=4)
    )
    assert approval.amount == Decimal("5")
    assert gates(approval) == [("Manager", StepStatus.CURRENT), ("HR", StepStatus.SKIPPED)]
    assert approval.steps.get(name="Manager").approver == in_office.manager
    decide(approval, in_office.manager)
    approval.refresh_from_db()
    assert approval.status == RequestStatus.COMPLETED


def test_above_five_working_days_hr_decides_after_the_manager(in_office):
    approval = ask(
        in_office.requester, in_office.annual, monday_after(7), monday_after(7) + timedelta(days=7)
    )
    assert approval.amount == Decimal("6")
    decide(approval, in_office.manager)
    approval.refresh_from_db()
    assert approval.status == RequestStatus.IN_REVIEW
    assert approval.steps.get(status=StepStatus.CURRENT).name == "HR"
    assert approval in [step.request for step in inbox(in_office.hr)]
    decide(approval, in_office.hr)
    approval.refresh_from_db()
    assert approval.status == RequestStatus.COMPLETED
    assert LedgerEntry.objects.filter(request__approval=approval, kind="use").get().amount == -6


def test_hours_are_routed_as_days(in_office):
    hourly = LeaveType.objects.create(
        name="Hourly", code="hourly", unit="hours", tracks_balance=False
    )
    approval = ask(in_office.requester, hourly, monday_after(7), hours=Decimal("4"))
    assert approval.amount == Decimal("0.5")  # 4 of 8 hours


def test_a_type_without_approval_is_granted_at_submit(in_office):
    free = LeaveType.objects.create(
        name="Volunteering", code="vol", requires_approval=False, tracks_balance=False
    )
    approval = ask(in_office.requester, free, monday_after(7))
    assert approval.status == RequestStatus.COMPLETED
    assert {status for _name, status in gates(approval)} == {StepStatus.SKIPPED}
    skipped = approval.log.filter(action=GateAction.SKIPPED).first()
    assert "needs no approval" in skipped.comment


def test_the_inbox_and_the_page_show_days_not_money(office, client_for):
    with tenant_context(office.tenant):
        approval = ask(
            office.requester, office.annual, monday_after(7), monday_after(7) + timedelta(days=2)
        )
    client = client_for(office.tenant, office.manager)
    inbox_page = client.get(url("approvals_inbox")).content.decode()
    assert "3 days" in inbox_page and "3.00 USD" not in inbox_page
    page = client.get(url("approvals_approvalrequest_change", approval.pk)).content.decode()
    assert "3 days" in page
