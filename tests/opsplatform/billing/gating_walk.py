"""What the gating and read-only tests walk, found from the registries (the admin
site's and the modules' declarations), never from a hand-kept list."""

from __future__ import annotations

import re

from django.urls import URLPattern, reverse
from django.urls.resolvers import RoutePattern

from opsplatform.admin import tenant_site
from opsplatform.billing.models import Plan, Subscription
from opsplatform.billing.services import subscription_assign
from opsplatform.contract.registry import installed_modules, plan_features


def gated_modules():
    return [m for m in installed_modules() if m.feature is not None]


def admins_of(module) -> list:
    """Every registered admin of a module's models, with its model."""
    return [
        (model, model_admin)
        for model, model_admin in tenant_site._registry.items()
        if model._meta.app_label == module.name
    ]


def admin_addresses(model, model_admin, pk) -> list[tuple[str, str]]:
    """``(url name, address)`` of every route the admin mounts (its own pages and the
    ones it adds in ``get_urls``), each parameter filled with ``pk``."""
    root = reverse("admin:index", urlconf="opsplatform.urls.tenant")
    prefix = f"{root}{model._meta.app_label}/{model._meta.model_name}/"
    found = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, RoutePattern):
            continue  # a regular expression route (simple-history's version page)
        route = re.sub(r"<[^>]+>", str(pk), str(pattern.pattern))
        found.append((pattern.name or "", prefix + route))
    return found


def plan_lacking(code: str) -> tuple[Plan, Plan]:
    """A low plan with every declared feature but ``code``, and a higher one with all."""
    everything = sorted({f.code for f in plan_features()})
    low = Plan.objects.create(
        code="basic", name="Basic", tier=1, features=[c for c in everything if c != code]
    )
    high = Plan.objects.create(code="complete", name="Complete", tier=2, features=everything)
    return low, high


def put_on(tenant, plan, **extra) -> Subscription:
    return subscription_assign(tenant=tenant, plan=plan, **extra)


def upgrade_shown(response, feature) -> bool:
    page = response.content.decode()
    return (
        response.status_code == 402
        and 'data-testid="upgrade"' in page
        and f'data-feature="{feature.code}"' in page
        and "Complete" in page  # the lowest plan that includes it
    )
