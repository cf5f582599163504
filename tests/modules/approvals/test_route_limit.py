"""The plan's "approval routes" limit counts the routes a company customised.

Every kind always has its default route (made on first use), and those never
count; changing one makes it the company's own, checked by the kernel's one
limit check; "Reset to default" frees the place again.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from modules.approvals import services
from modules.approvals.kinds import get_kind
from modules.approvals.models import Route
from opsplatform.billing.entitlements import LimitReached
from opsplatform.billing.models import Plan
from opsplatform.billing.services import subscription_assign
from opsplatform.billing.usage import usage_of
from opsplatform.contract.registry import plan_features
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import tenant_transaction
from tests.opsplatform.input_crawler import read_form

from .conftest import purchase

URLCONF = "opsplatform.urls.tenant"
LIMIT = "approvals.routes"


def url(name, *args):
    return reverse(f"admin:{name}", args=args, urlconf=URLCONF)


@pytest.fixture
def plans(db):
    Plan.objects.all().delete()
    features = [feature.code for feature in plan_features()]
    roomy = Plan.objects.create(code="roomy", name="Roomy", tier=5, features=features)
    capped = Plan.objects.create(
        code="capped", name="Capped", tier=1, is_public=False, features=features, limits={LIMIT: 1}
    )
    return capped, roomy


@pytest.fixture
def on_capped(chain, plans):
    subscription_assign(tenant=chain.tenant, plan=plans[0])
    return chain


def _route(chain, kind) -> Route:
    with tenant_context(chain.tenant):
        return Route.objects.get(kind=kind)


def _gates(chain, route) -> list[tuple]:
    with tenant_context(chain.tenant):
        return list(
            route.gates.order_by("position", "pk").values_list(
                "name", "approver_type", "role", "min_amount", "sla_hours"
            )
        )


def _page_data(client, route) -> dict[str, list[str]]:
    """What the owner's browser posts from the route's page, unchanged."""
    page = client.get(url("approvals_route_change", route.pk))
    assert page.status_code == 200
    data, _links = read_form(page.content.decode(), "route_form")
    data.pop("_continue", None)
    data.pop("_addanother", None)
    return data


def _rename_first_gate(client, route, name="Board"):
    data = _page_data(client, route)
    data["gates-0-name"] = [name]
    return client.post(url("approvals_route_change", route.pk), data)


def test_default_routes_never_count(on_capped, client_for, plans):
    capped, _roomy = plans
    capped.limits = {LIMIT: 0}
    capped.save()
    subscription_assign(tenant=on_capped.tenant, plan=capped)
    client = client_for(on_capped.tenant, on_capped.owner)

    assert client.get(url("approvals_route_changelist")).status_code == 200
    with tenant_context(on_capped.tenant):
        assert Route.objects.count() > 1
        assert not Route.objects.filter(is_default=False).exists()
        assert usage_of(on_capped.tenant, LIMIT) == 0
        # A request of a kind without a route yet gets its default one, never refused.
        Route.objects.filter(kind="purchase").delete()
        approval = purchase(on_capped.requester)
        services.request_submit(request_id=approval.pk, user=on_capped.requester)
        assert Route.objects.get(kind="purchase").is_default
        assert usage_of(on_capped.tenant, LIMIT) == 0


def test_saving_a_route_unchanged_leaves_it_default(on_capped, client_for):
    client = client_for(on_capped.tenant, on_capped.owner)
    route = _route(on_capped, "vas")

    saved = client.post(url("approvals_route_change", route.pk), _page_data(client, route))

    assert saved.status_code == 302
    assert _route(on_capped, "vas").is_default


def test_one_custom_route_within_the_limit_and_a_second_is_refused(on_capped, client_for):
    client = client_for(on_capped.tenant, on_capped.owner)
    first, second = _route(on_capped, "vas"), _route(on_capped, "subscription")

    customised = _rename_first_gate(client, first)

    assert customised.status_code == 302, customised.content.decode()[:2000]
    assert not _route(on_capped, "vas").is_default
    assert _gates(on_capped, first)[0][0] == "Board"
    assert usage_of(on_capped.tenant, LIMIT) == 1

    before = _gates(on_capped, second)
    refused = _rename_first_gate(client, second)

    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Custom approval routes" in body and "Roomy" in body
    assert _gates(on_capped, second) == before
    assert _route(on_capped, "subscription").is_default
    assert usage_of(on_capped.tenant, LIMIT) == 1
    # The route already customised stays editable at the cap.
    assert _rename_first_gate(client, first, "Board of directors").status_code == 302


def test_changing_only_the_routes_name_is_a_customisation_too(on_capped, client_for):
    client = client_for(on_capped.tenant, on_capped.owner)
    assert _rename_first_gate(client, _route(on_capped, "vas")).status_code == 302
    second = _route(on_capped, "subscription")
    data = _page_data(client, second)
    data["name"] = ["Our subscriptions"]

    refused = client.post(url("approvals_route_change", second.pk), data)

    assert refused.status_code == 200
    assert "Custom approval routes" in refused.content.decode()
    second = _route(on_capped, "subscription")
    assert second.is_default and second.name != "Our subscriptions"


def test_the_write_checks_again_when_the_last_place_went_meanwhile(on_capped):
    """The form's check passed, then another route took the last place."""
    with tenant_context(on_capped.tenant):
        Route.objects.filter(kind="vas").update(is_default=False)
        route = Route.objects.get(kind="subscription")
        route.name = "Late"
        with pytest.raises(LimitReached), services.route_customising(route):
            route.save()
        assert route.is_default
        assert Route.objects.get(kind="subscription").is_default
        assert Route.objects.get(kind="subscription").name != "Late"


def test_reset_to_default_restores_the_gates_and_frees_the_place(on_capped, client_for):
    client = client_for(on_capped.tenant, on_capped.owner)
    route = _route(on_capped, "vas")
    default_gates = _gates(on_capped, route)
    assert _rename_first_gate(client, route).status_code == 302
    reset = url("approvals_route_reset_to_default", route.pk)

    asked = client.get(reset)
    assert asked.status_code == 200 and _route(on_capped, "vas").is_default is False

    done = client.post(reset)

    assert done.status_code == 302
    route = _route(on_capped, "vas")
    assert route.is_default
    assert route.name == str(get_kind("vas").label)
    assert _gates(on_capped, route) == default_gates
    assert usage_of(on_capped.tenant, LIMIT) == 0
    # The place is free for another route.
    assert _rename_first_gate(client, _route(on_capped, "subscription")).status_code == 302


def test_only_owners_reset_a_route(on_capped, client_for):
    route = _route(on_capped, "vas")
    manager = client_for(on_capped.tenant, on_capped.manager)
    assert manager.post(url("approvals_route_reset_to_default", route.pk)).status_code == 403


def test_an_unlimited_plan_never_refuses(chain, plans, client_for):
    subscription_assign(tenant=chain.tenant, plan=plans[1])
    client = client_for(chain.tenant, chain.owner)
    with tenant_context(chain.tenant):
        routes = list(Route.objects.all())

    for route in routes:
        assert _rename_first_gate(client, route).status_code == 302

    with tenant_context(chain.tenant):
        assert not Route.objects.filter(is_default=True).exists()
    assert usage_of(chain.tenant, LIMIT) == len(routes)


@pytest.mark.django_db(transaction=True)
def test_two_default_routes_customised_at_once_at_one_place_left_let_one_through(tenant_a, plans):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    with tenant_transaction(tenant_a):
        services.routes_ensure_defaults()
    subscription_assign(tenant=tenant_a, plan=plans[0])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def customise(kind):
        try:
            with tenant_transaction(tenant_a):
                route = Route.objects.get(kind=kind)
                barrier.wait(timeout=10)
                route.name = "Ours"
                with services.route_customising(route):
                    route.save()
            outcomes.append("customised")
        except LimitReached:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=customise, args=(k,)) for k in ("vas", "subscription")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["customised", "refused"]
    assert usage_of(tenant_a, LIMIT) == 1
