"""Adjusting a group's balances at once: one entry per person with the reason and
the user, once however often the form is posted, and a notice to each person."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from modules.employees.models import Employee
from modules.leave.models import LedgerEntry
from modules.leave.services.bulk_adjust import Group, bulk_adjust
from opsplatform.notifications.models import Notification
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tenants.roles import RoleCode
from tests.modules.employees.factories import DepartmentFactory, EmployeeFactory
from tests.modules.leave.factories import LeaveTypeFactory

pytestmark = pytest.mark.django_db

ADJUST_URL = "/admin/leave/leavetype/data/adjust/"


@pytest.fixture
def org(tenant_a, make_member):
    """Finance has three active people (one with a login) and one leaver; Sales one."""
    member = make_member(tenant_a, "rana@acme.test")
    with tenant_context(tenant_a):
        finance = DepartmentFactory(name="Finance")
        sales = DepartmentFactory(name="Sales")
        rana = EmployeeFactory(department=finance, membership=Membership.objects.get(user=member))
        EmployeeFactory.create_batch(2, department=finance)
        EmployeeFactory(department=finance, status=Employee.Status.TERMINATED)
        EmployeeFactory(department=sales)
        annual = LeaveTypeFactory(name="Annual", code="annual")
    return {"finance": finance, "sales": sales, "annual": annual, "rana": rana, "member": member}


@pytest.fixture
def hr(tenant_a, make_member):
    return make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])


def form(org, **extra) -> dict:
    return {
        "group": "department",
        "department": org["finance"].pk,
        "leave_type": org["annual"].pk,
        "amount": "1.5",
        "reason": "Office closed for the move",
        "token": "tok-123",
        **extra,
    }


def test_one_adjustment_per_active_person_with_the_reason_and_the_user(org, hr, tenant_a):
    with tenant_context(tenant_a):
        count = bulk_adjust(
            user=hr,
            group=Group(department_id=org["finance"].pk),
            leave_type=org["annual"],
            amount=Decimal("-1.5"),
            reason="  Office closed for the move ",
            token="t1",
        )
        assert count == 3  # the leaver is left alone
        entries = LedgerEntry.objects.all()
        assert {(e.kind, e.amount, e.reason, e.created_by_id) for e in entries} == {
            ("adjustment", Decimal("-1.50"), "Office closed for the move", hr.pk)
        }
        assert entries.count() == 3


def test_the_person_is_told_their_balance_was_adjusted(org, hr, tenant_a):
    with tenant_context(tenant_a):
        bulk_adjust(
            user=hr,
            group=Group(everyone=True),
            leave_type=org["annual"],
            amount=Decimal("2"),
            reason="Company anniversary",
            token="t2",
        )
        notice = Notification.objects.get(recipient=org["member"])
    assert notice.type_code == "leave.balance_adjusted"
    assert notice.title == "Your Annual balance was adjusted by +2 days"
    assert "Company anniversary" in notice.body


def test_a_reason_is_required_and_the_amount_cannot_be_zero(org, hr, tenant_a):
    with tenant_context(tenant_a):
        group = Group(everyone=True)
        with pytest.raises(Refused, match="Give a reason"):
            bulk_adjust(
                user=hr, group=group, leave_type=org["annual"], amount=1, reason=" ", token="a"
            )
        with pytest.raises(Refused, match="cannot be zero"):
            bulk_adjust(
                user=hr, group=group, leave_type=org["annual"], amount=0, reason="x", token="b"
            )
        assert not LedgerEntry.objects.exists()


def test_the_page_counts_the_people_before_anything_is_written(org, hr, tenant_a, client_for):
    response = client_for(tenant_a, hr).post(ADJUST_URL, form(org))
    assert re.search(
        r'data-testid="adjust-count">This adjusts the balance of 3 people',
        response.content.decode(),
    )
    with tenant_context(tenant_a):
        assert not LedgerEntry.objects.exists()


def test_a_double_submitted_adjustment_is_applied_once(org, hr, tenant_a, client_for):
    client = client_for(tenant_a, hr)
    first = client.post(ADJUST_URL, form(org, action="confirm"), follow=True)
    assert "Adjusted the Annual balance of 3 people by +1.5." in first.content.decode()
    second = client.post(ADJUST_URL, form(org, action="confirm"), follow=True)
    assert "already been applied" in second.content.decode()
    with tenant_context(tenant_a):
        assert LedgerEntry.objects.count() == 3


def test_the_same_token_cannot_adjust_another_group(org, hr, tenant_a, client_for):
    client = client_for(tenant_a, hr)
    client.post(ADJUST_URL, form(org, action="confirm"))
    client.post(ADJUST_URL, form(org, action="confirm", department=org["sales"].pk))
    with tenant_context(tenant_a):
        assert LedgerEntry.objects.count() == 3


def test_a_hostile_employee_or_manager_cannot_adjust(org, tenant_a, make_member, client_for):
    for email, role in (
        ("mallory@acme.test", RoleCode.EMPLOYEE),
        ("boss@acme.test", RoleCode.MANAGER),
    ):
        client = client_for(tenant_a, make_member(tenant_a, email, roles=[role]))
        assert client.get(ADJUST_URL).status_code == 403
        assert client.post(ADJUST_URL, form(org, action="confirm")).status_code == 403
    with tenant_context(tenant_a):
        assert not LedgerEntry.objects.exists()
        # The service refuses too, whoever calls it.
        mallory = Membership.objects.get(user__email="mallory@acme.test").user
        with pytest.raises(Refused, match="Only HR and owners"):
            bulk_adjust(
                user=mallory,
                group=Group(everyone=True),
                leave_type=org["annual"],
                amount=Decimal("5"),
                reason="Gift",
                token="z",
            )


def test_another_company_s_department_is_not_a_choice(org, tenant_b, make_member, client_for):
    client = client_for(tenant_b, make_member(tenant_b, "hr@globex.test", roles=[RoleCode.HR]))
    response = client.post(ADJUST_URL, form(org, action="confirm"))
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    with tenant_context(tenant_b):
        assert not LedgerEntry.objects.exists()
