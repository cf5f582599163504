"""What platform staff see across companies on the root host. The landlord's
connection is scoped to no tenant; these figures come through the two narrow
crossing reads (opsplatform.tenancy.rls), so in CI they prove those work under
row-level security as the application's role."""

from __future__ import annotations

import re

import pytest

from opsplatform.tenancy import tenant_context
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _row_of(body: str, name: str) -> str:
    match = re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(name) + r".*?</tr>", body, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def test_the_company_list_counts_each_companys_active_members(
    tenant_a, tenant_b, owner_a, platform_admin, client_for
):
    with tenant_context(tenant_a):
        MembershipFactory()
        MembershipFactory(status="deactivated")
    with tenant_context(tenant_b):
        MembershipFactory()

    body = client_for(None, platform_admin).get("/admin/tenants/tenant/").content.decode()

    assert re.search(r">\s*2\s*<", _row_of(body, "Acme Corp"))  # the owner and one active
    assert re.search(r">\s*1\s*<", _row_of(body, "Globex Ltd"))


def test_a_persons_page_lists_their_companies(
    tenant_a, tenant_b, make_member, platform_admin, client_for
):
    person = make_member(tenant_a, "both@example.test")
    make_member(tenant_b, "both@example.test", user=person)

    response = client_for(None, platform_admin).get(f"/admin/tenants/user/{person.pk}/change/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme Corp (Active" in body and "Globex Ltd (Active" in body
