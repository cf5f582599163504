"""Choosing a member (a deputy, a gate's approver) is a search, not a select of the
whole company; the search is open to whoever fills the form, and only to them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from opsplatform.tenancy import tenant_context
from tenants.models import Membership

pytestmark = pytest.mark.django_db

URLCONF = "opsplatform.urls.tenant"


def url(name, *args):
    return reverse(f"admin:{name}", args=args, urlconf=URLCONF)


def search(client, field: str, term: str, model: str = "delegation"):
    return client.get(
        url("autocomplete"),
        {"term": term, "app_label": "approvals", "model_name": model, "field_name": field},
    )


def member_options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r"<option[^>]*value=\"(\d+)\"", select.group(0))


def test_the_deputy_form_lists_no_member_but_searches_them(chain, client_for):
    client = client_for(chain.tenant, chain.requester)  # a plain employee

    html = client.get(url("approvals_delegation_add")).content.decode()
    found = search(client, "deputy", "dora")

    assert member_options(html, "deputy") == []
    assert found.status_code == 200
    assert [row["text"] for row in found.json()["results"]] == ["Dora"]


def test_a_deactivated_member_is_not_offered_as_deputy(chain, client_for):
    with tenant_context(chain.tenant):
        Membership.objects.filter(user=chain.director).update(status=Membership.Status.DEACTIVATED)

    found = search(client_for(chain.tenant, chain.requester), "deputy", "dora")

    assert found.json()["results"] == []


def test_opening_the_deputy_search_opens_no_other_member_search(chain, client_for):
    client = client_for(chain.tenant, chain.requester)

    # Only those who manage everyone's deputies choose the principal.
    assert search(client, "principal", "dora").status_code == 403
    assert search(client, "person", "dora", model="routegate").status_code == 403
    employee_login = client.get(
        url("autocomplete"),
        {
            "term": "dora",
            "app_label": "employees",
            "model_name": "employee",
            "field_name": "membership",
        },
    )
    assert employee_login.status_code == 403


def test_a_gates_approver_is_searched_by_the_owner(chain, client_for):
    client = client_for(chain.tenant, chain.owner)
    with tenant_context(chain.tenant):
        from modules.approvals.models import Route

        route = Route.objects.first()

    html = client.get(url("approvals_route_change", route.pk)).content.decode()
    found = search(client, "person", "mark", model="routegate")

    assert member_options(html, "gates-0-person") == []  # searched, not listed
    assert member_options(html, "gates-0-escalate_to") == []
    assert [row["text"] for row in found.json()["results"]] == ["Mark"]
