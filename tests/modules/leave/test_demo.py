"""The demo companies' leave (`make demo`): types, policies, holidays, a blackout, a
year of ledger history and requests in every state; seeding twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from modules.approvals.models import ApprovalRequest, RequestStatus
from modules.leave.models import (
    BlackoutPeriod,
    Holiday,
    HolidayCalendar,
    LeavePolicy,
    LeaveRequest,
    LeaveType,
    LedgerEntry,
    PolicyAssignment,
)
from opsplatform.tenancy import tenant_context
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

MODELS = (
    LeaveType,
    LeavePolicy,
    PolicyAssignment,
    HolidayCalendar,
    Holiday,
    BlackoutPeriod,
    LeaveRequest,
    LedgerEntry,
)


def counts() -> dict:
    found = {}
    for tenant in Tenant.objects.order_by("slug"):
        with tenant_context(tenant):
            for model in MODELS:
                found[(tenant.slug, model.__name__)] = model.objects.count()
    return found


@pytest.fixture
def seeded():
    """Both demo companies, seeded twice (seeding is the slow part: one fixture a test)."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    return {"output": out.getvalue(), "first": first, "second": counts()}


def test_seeding_twice_gives_the_same_counts_and_every_part_of_the_demo(seeded):
    assert seeded["first"] == seeded["second"]
    assert all(seeded["first"][("acme", model.__name__)] for model in MODELS)
    assert "leave in every state" in seeded["output"]
    the_types_and_policies_of_the_issue()
    requests_in_every_state()
    a_year_of_history_explains_each_balance()


def the_types_and_policies_of_the_issue():
    with tenant_context(Tenant.objects.get(slug="acme")):
        assert set(LeaveType.objects.values_list("code", flat=True)) == {
            "annual",
            "sick",
            "unpaid",
            "toil",
        }
        annual = LeavePolicy.objects.get(name="Annual leave")
        assert annual.carry_forward_max == 5 and annual.carry_forward_expiry_months == 3
        assert annual.milestones.get().yearly_entitlement == 25
        assert PolicyAssignment.objects.filter(department__name="Sales").exists()
        assert HolidayCalendar.objects.filter(locations__isnull=False).distinct().count() == 2
        assert Holiday.objects.filter(recurs_yearly=True).exists()
        assert Holiday.objects.filter(recurs_yearly=False).exists()
        assert BlackoutPeriod.objects.get().departments.get().name == "Finance"


def requests_in_every_state():
    with tenant_context(Tenant.objects.get(slug="acme")):
        statuses = set(
            ApprovalRequest.objects.filter(kind="leave").values_list("status", flat=True)
        )
        assert statuses == {s.value for s in RequestStatus}
        pending = LeaveRequest.objects.filter(approval__status=RequestStatus.IN_REVIEW)
        held = LedgerEntry.objects.filter(request__in=pending).aggregate(total=Sum("amount"))
        assert held["total"] < 0  # pending requests reserve their days
        mid = LeaveRequest.objects.get(cancelled_at__isnull=False)
        assert mid.approval.status == RequestStatus.COMPLETED
        assert LedgerEntry.objects.filter(request=mid, kind="credit").exists()


def a_year_of_history_explains_each_balance():
    with tenant_context(Tenant.objects.get(slug="acme")):
        kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
        assert {
            "opening",
            "accrual",
            "use",
            "carry_forward",
            "expiry",
            "adjustment",
            "reservation",
            "release",
            "credit",
        } <= kinds
        assert not LedgerEntry.objects.filter(kind="adjustment", reason="").exists()
