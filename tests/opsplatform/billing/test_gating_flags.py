"""Feature gating beyond a module's own addresses: extra flags a module declares
(``Module.features`` with ``Feature.urls``, ``SidebarItem.feature``), scripts
asking for JSON, choice searches, live topics and custom domains."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, ManyToManyField
from django.urls import get_resolver, reverse

from opsplatform.admin import tenant_site
from opsplatform.billing.gating import item_lock, topic_lock
from opsplatform.contract.declarations import SidebarItem
from opsplatform.contract.registry import installed_modules, plan_features
from tenants import services as tenant_services
from tests.opsplatform.billing.gating_walk import (
    admins_of,
    gated_modules,
    plan_lacking,
    put_on,
    upgrade_shown,
)

pytestmark = pytest.mark.django_db

TENANT_URLS = "opsplatform.urls.tenant"


def extra_features():
    return [(m, f) for m in installed_modules() for f in m.features]


def address_of(view_name: str) -> str:
    """``view_name`` reversed with each of its parameters set to 1."""
    namespace, name = view_name.split(":")
    resolver = get_resolver(TENANT_URLS).namespace_dict[namespace][1]
    possibilities = resolver.reverse_dict.getlist(name)[0][0]
    params = possibilities[0][1]
    return reverse(view_name, kwargs={p: "1" for p in params}, urlconf=TENANT_URLS)


def test_the_issues_extra_flags_are_declared_by_the_parts_they_belong_to():
    codes = {f.code for f in plan_features()}
    assert {"analytics", "api", "custom_domains"} <= codes
    owners = {f.code: m.name for m, f in extra_features()}
    assert owners["custom_domains"] == "tenants"
    assert owners["api"] == "opsplatform"
    # Each URL an extra flag names exists on the workspace site.
    for _module, feature in extra_features():
        for name in feature.urls:
            assert address_of(name)


@pytest.mark.parametrize(
    "feature",
    [f for _m, f in extra_features() if f.urls],
    ids=lambda f: f.code,
)
def test_an_extra_flag_gates_the_addresses_it_names(feature, tenant_a, owner_a, client_for):
    low, high = plan_lacking(feature.code)
    put_on(tenant_a, low)
    client = client_for(tenant_a, owner_a)
    for name in feature.urls:
        assert upgrade_shown(client.get(address_of(name)), feature), name

    put_on(tenant_a, high)
    for name in feature.urls:
        assert client.get(address_of(name)).status_code != 402, name


def test_a_sidebar_item_naming_a_feature_is_locked_without_it(tenant_a):
    code = next(f.code for _m, f in extra_features())
    low, high = plan_lacking(code)
    module = next(m for m in installed_modules() if m.name == "opsplatform")
    item = SidebarItem(group="workspace", title="x", icon="x", url="admin:index", order=1)
    flagged = SidebarItem(
        group="workspace", title="x", icon="x", url="admin:index", order=1, feature=code
    )
    put_on(tenant_a, low)
    assert item_lock(module, item, tenant_a) is None
    assert item_lock(module, flagged, tenant_a).code == code
    put_on(tenant_a, high)
    tenant_a.refresh_from_db()
    tenant_a.__dict__.pop("_billing_entitlement", None)
    assert item_lock(module, flagged, tenant_a) is None


def test_a_script_gets_json_with_the_plan_that_lifts_it(tenant_a, owner_a, client_for):
    module = gated_modules()[-1]
    low, _high = plan_lacking(module.feature.code)
    put_on(tenant_a, low)
    model, _admin = admins_of(module)[0]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client_for(tenant_a, owner_a).get(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    assert response.status_code == 402
    body = response.json()
    assert body["error"] == "feature_locked"
    assert body["feature"] == module.feature.code
    assert body["plan"] == "complete"


def _choice_searches_of(module):
    for model in tenant_site._registry:
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if (
                isinstance(field, ForeignKey | ManyToManyField)
                and related in tenant_site._registry
                and module.name in (model._meta.app_label, related._meta.app_label)
            ):
                yield model, field.name


@pytest.mark.parametrize("module", gated_modules(), ids=lambda m: m.name)
def test_a_locked_modules_choice_searches_answer_402(module, tenant_a, owner_a, client_for):
    searches = list(_choice_searches_of(module))
    if not searches:
        pytest.skip(f"{module.name} has no choice search")
    low, high = plan_lacking(module.feature.code)
    put_on(tenant_a, low)
    client = client_for(tenant_a, owner_a)
    for model, field_name in searches:
        query = {
            "term": "",
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
        }
        response = client.get(
            reverse("admin:autocomplete"), query, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
        )
        assert response.status_code == 402, (model._meta.label, field_name)
        assert response.json()["feature"] == module.feature.code


def test_live_topics_of_a_locked_module_are_refused(tenant_a):
    topics = [(m, t) for m in installed_modules() for t in m.live_topics]
    assert topics, "no module declares a live topic"
    for module, topic in topics:
        low, high = plan_lacking(module.feature.code)
        put_on(tenant_a, low)
        assert topic_lock(tenant_a, topic.code).code == module.feature.code
        put_on(tenant_a, high)
        assert topic_lock(tenant_a, topic.code) is None
        low.subscriptions.all().delete()
        high.subscriptions.all().delete()
        low.delete()
        high.delete()


def test_a_custom_domain_needs_the_flag(tenant_a, settings):
    low, high = plan_lacking("custom_domains")
    put_on(tenant_a, low)
    # An address under the base domain is always the company's to add.
    tenant_services.domain_add(tenant=tenant_a, domain=f"acme-hr.{settings.BASE_DOMAIN}")
    with pytest.raises(ValidationError, match="custom domain"):
        tenant_services.domain_add(tenant=tenant_a, domain="hr.acme-corp.com")
    assert not tenant_a.domains.filter(domain="hr.acme-corp.com").exists()

    put_on(tenant_a, high)
    tenant_services.domain_add(tenant=tenant_a, domain="hr.acme-corp.com")
    assert tenant_a.domains.filter(domain="hr.acme-corp.com").exists()


@pytest.mark.django_db(transaction=True)
def test_the_socket_refuses_to_follow_a_locked_modules_topic(tenant_a, owner_a, monkeypatch):
    from asgiref.sync import async_to_sync
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from opsplatform.contract import registry
    from opsplatform.contract.declarations import LiveTopic
    from opsplatform.realtime.origin import SameHostOriginValidator
    from opsplatform.realtime.routing import websocket_urlpatterns
    from opsplatform.realtime.tenancy import TenantWebsocketMiddleware

    module, topic = next((m, t) for m in installed_modules() for t in m.live_topics)
    # The module's own check would let anyone follow: only the plan refuses.
    monkeypatch.setattr(
        registry, "live_topic", lambda code: LiveTopic(code=code, check=lambda user, pk: True)
    )
    low, high = plan_lacking(module.feature.code)
    inner = TenantWebsocketMiddleware(URLRouter(websocket_urlpatterns))

    async def with_user(scope, receive, send):
        return await inner(dict(scope, user=owner_a), receive, send)

    async def follow() -> str:
        socket = WebsocketCommunicator(
            SameHostOriginValidator(with_user),
            "/ws/workspace/",
            headers=[(b"host", b"acme.localhost"), (b"origin", b"http://acme.localhost")],
        )
        connected, _ = await socket.connect()
        assert connected
        await socket.receive_json_from()  # hello
        await socket.send_json_to({"type": "follow", "topic": topic.code, "id": 1})
        answer = (await socket.receive_json_from())["type"]
        await socket.disconnect()
        return answer

    put_on(tenant_a, low)
    assert async_to_sync(follow)() == "follow_refused"
    put_on(tenant_a, high)
    assert async_to_sync(follow)() == "following"
