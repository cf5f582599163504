"""A company for leave requests: the approvals chain (erin → mark → dora → owner),
an HR person, and an annual leave type with a policy and 20 days allocated to erin.

Imported by the request tests (``from .requests_fixtures import *``), not a conftest,
so that it stays out of the way of the other leave tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from modules.leave.models import LeavePolicy, LeaveType, LedgerEntry, PolicyAssignment
from modules.leave.services.ledger import entry_post
from modules.leave.services.requests import leave_request_submit
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.approvals.conftest import Chain, chain, decide, gate_of, link_employee


def monday_after(days: int) -> date:
    """The first Monday at least ``days`` from today."""
    day = date.today() + timedelta(days=days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def office(chain, make_member) -> Chain:
    hr = make_member(chain.tenant, "hana@acme.test", roles=[RoleCode.HR])
    with tenant_context(chain.tenant):
        link_employee(hr, number="E-7", manager=chain.employee(chain.owner))
        annual = LeaveType.objects.create(name="Annual leave", code="annual", unit="half_days")
        policy = LeavePolicy.objects.create(
            name="Annual", leave_type=annual, yearly_entitlement=Decimal("20")
        )
        PolicyAssignment.objects.create(policy=policy)
        for user in (chain.requester, chain.manager):
            entry_post(
                employee=chain.employee(user),
                leave_type=annual,
                kind=LedgerEntry.Kind.ALLOCATION,
                amount=Decimal("20"),
                effective_on=date.today().replace(month=1, day=1),
                reason="Opening",
            )
    chain.hr = hr
    chain.annual = annual
    chain.policy = policy
    return chain


@pytest.fixture
def in_office(office):
    with tenant_context(office.tenant):
        yield office


def ask(user, leave_type, start, end=None, **fields):
    """Request and submit leave as ``user`` (the page's service)."""
    return leave_request_submit(
        user=user, leave_type=leave_type, start_date=start, end_date=end or start, **fields
    )


__all__ = ["ask", "chain", "decide", "gate_of", "in_office", "monday_after", "office"]
