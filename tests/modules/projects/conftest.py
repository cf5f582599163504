"""Fixtures of the projects tests (the company is described in team.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.projects.team import Team, link, make_project


@pytest.fixture
def team(tenant_a, owner_a, make_member) -> Team:
    ceo = make_member(tenant_a, "cleo@acme.test", roles=[RoleCode.CEO])
    finance = make_member(tenant_a, "fin@acme.test", roles=[RoleCode.FINANCE])
    pm = make_member(tenant_a, "pam@acme.test", roles=[RoleCode.MANAGER])
    member = make_member(tenant_a, "max@acme.test", roles=[RoleCode.EMPLOYEE])
    member2 = make_member(tenant_a, "mia@acme.test", roles=[RoleCode.EMPLOYEE])
    outsider = make_member(tenant_a, "hal@acme.test", roles=[RoleCode.EMPLOYEE])
    other_manager = make_member(tenant_a, "ned@acme.test", roles=[RoleCode.MANAGER])
    with tenant_context(tenant_a):
        top = link(owner_a, "E-1")
        link(ceo, "E-2", manager=top)
        link(finance, "E-3", manager=top)
        pam = link(pm, "E-4", manager=top, rate="60")
        max_ = link(member, "E-5", manager=pam, rate="40")
        mia = link(member2, "E-6", manager=pam, rate="50")
        link(outsider, "E-7", manager=top)
        link(other_manager, "E-8", manager=top)
        project, columns = make_project(
            code="WEB",
            manager=pam,
            members=[max_, mia],
            name="Website relaunch",
            start_date=date(2026, 9, 1),
            due_date=date(2026, 12, 31),
            budget_hours=Decimal("400"),
            budget_amount=Decimal("20000"),
            billable=True,
            bill_rate=Decimal("90"),
        )
    return Team(
        tenant_a,
        owner_a,
        ceo,
        finance,
        pm,
        member,
        member2,
        outsider,
        other_manager,
        project,
        columns,
    )


@pytest.fixture
def in_team(team):
    with tenant_context(team.tenant):
        yield team
