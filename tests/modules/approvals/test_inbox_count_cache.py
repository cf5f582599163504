"""The inbox count (the sidebar's badge, the dashboard card) is cached per
company and person: it follows every submission, decision, deputy and role
change at once and never shows another person's or company's count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from modules.approvals import services
from modules.approvals.models import Delegation
from opsplatform.tenancy import tenant_context
from tenants import services as tenant_services
from tenants.models import Membership
from tenants.roles import RoleCode
from tests.modules.approvals.conftest import decide, purchase
from tests.modules.approvals.test_admin import url

pytestmark = pytest.mark.django_db

BROKEN = {
    **settings.CACHES,
    "default": {
        "BACKEND": "tests.broken_cache.BrokenCache",
        "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
    },
}


def inbox_count(client) -> int:
    return client.get(url("approvals_inbox_count")).json()["count"]


def submit(chain, total=1000):
    with tenant_context(chain.tenant):
        request = purchase(chain.requester, total=total)
        services.request_submit(request_id=request.pk, user=chain.requester)
        return request


def test_the_count_follows_submissions_and_decisions(chain, client_for):
    manager, director = (
        client_for(chain.tenant, chain.manager),
        client_for(chain.tenant, chain.director),
    )
    assert (inbox_count(manager), inbox_count(director)) == (0, 0)  # now in the cache
    request = submit(chain, total=20000)
    assert (inbox_count(manager), inbox_count(director)) == (1, 0)
    with tenant_context(chain.tenant):
        decide(request, chain.manager, "approve")
    # The manager's gate is done; revenue assurance decides next.
    ra = client_for(chain.tenant, chain.ra)
    assert (inbox_count(manager), inbox_count(ra)) == (0, 1)


def test_a_new_deputy_sees_the_principals_gates_at_once(chain, client_for):
    submit(chain)
    director = client_for(chain.tenant, chain.director)
    assert inbox_count(director) == 0
    with tenant_context(chain.tenant):
        Delegation.objects.create(
            principal=Membership.objects.get(user=chain.manager),
            deputy=Membership.objects.get(user=chain.director),
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=2),
        )
    assert inbox_count(director) == 1


def test_a_new_role_counts_the_roles_gates_at_once(chain, client_for):
    request = submit(chain, total=20000)
    with tenant_context(chain.tenant):
        decide(request, chain.manager, "approve")  # now at revenue assurance
    ceo = client_for(chain.tenant, chain.ceo)
    assert inbox_count(ceo) == 0
    with tenant_context(chain.tenant):
        tenant_services.membership_set_roles(
            membership=Membership.objects.get(user=chain.ceo),
            roles=[RoleCode.CEO, RoleCode.REVENUE_ASSURANCE],
            by=chain.owner,
        )
    assert inbox_count(ceo) == 1


def test_the_same_person_has_a_count_per_company(chain, tenant_b, make_member, client_for):
    make_member(tenant_b, chain.manager.email, roles=[RoleCode.MANAGER], user=chain.manager)
    in_acme, in_globex = (
        client_for(chain.tenant, chain.manager),
        client_for(tenant_b, chain.manager),
    )
    assert (inbox_count(in_acme), inbox_count(in_globex)) == (0, 0)
    submit(chain)
    assert (inbox_count(in_acme), inbox_count(in_globex)) == (1, 0)


def test_with_the_cache_down_the_count_comes_from_the_database(chain, client_for):
    manager = client_for(chain.tenant, chain.manager)
    with override_settings(CACHES=BROKEN):
        assert inbox_count(manager) == 0
        submit(chain)
        assert inbox_count(manager) == 1
