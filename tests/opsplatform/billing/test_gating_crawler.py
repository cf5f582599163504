"""Feature gating (issue 13) for every module's declared feature: on a plan that
lacks it, the module shows locked in the sidebar and every address of each of
its registered admins (lists, forms, history, exports, imports, the pages it
mounts, its actions) answers the upgrade page with 402, and every module that
requires it is locked with it; with the feature, the same screens open. Modules, admins and routes come from the registries."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from opsplatform.admin import tenant_site
from opsplatform.contract.registry import installed_modules, required_modules
from opsplatform.tenancy import tenant_context
from tests.opsplatform.billing.gating_walk import (
    admin_addresses,
    admins_of,
    gated_modules,
    plan_lacking,
    put_on,
    upgrade_shown,
)
from tests.opsplatform.crawler import make_rows

pytestmark = pytest.mark.django_db


def sidebar_items(client) -> list[dict]:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return [
        item
        for group in response.context["sidebar_navigation"]
        for item in group["items"]
        if item["has_permission"]
    ]


def dependents_of(module) -> list:
    """The installed modules that require ``module``, directly or not (the registry's
    ``required_modules``)."""
    return [m for m in installed_modules() if module.name in {r.name for r in required_modules(m)}]


def locked_module(item: dict) -> str:
    """The module a locked sidebar item is of, as its upgrade address names it (the
    tests sign in as the owner, whom the lock sends to the upgrade page)."""
    return parse_qs(urlsplit(item["link"]).query).get("module", [""])[0]


@pytest.mark.parametrize("module", gated_modules(), ids=lambda m: m.name)
def test_a_module_the_plan_lacks_is_locked_everywhere(module, tenant_a, owner_a, client_for):
    rows = make_rows(tenant_site, tenant_a)
    low, high = plan_lacking(module.feature.code)
    put_on(tenant_a, low)
    client = client_for(tenant_a, owner_a)

    # The sidebar still lists the module's items, each locked, and those of every
    # module that requires it (it cannot work without it), none of the others.
    dependents = dependents_of(module)
    items = sidebar_items(client)
    titles = {str(i.title) for m in (module, *dependents) for i in m.items}
    mine = [i for i in items if i.get("locked_feature") == module.feature.code]
    assert all("lock" in i.get("icon_template", "") for i in mine)
    assert not [i for i in items if i.get("locked_feature") not in (None, module.feature.code)]
    assert len(mine) <= len(titles)
    locked_modules = {locked_module(i) for i in mine}
    for locked in (module, *dependents):
        if locked.items:
            assert locked.name in locked_modules, f"{locked.name}: no locked item in the sidebar"
    assert locked_modules <= {m.name for m in (module, *dependents)}

    walked = 0
    for model, model_admin in admins_of(module):
        row = rows[model]
        for name, url in admin_addresses(model, model_admin, row.pk):
            response = client.get(url)
            assert upgrade_shown(response, module.feature), (name, url, response.status_code)
            walked += 1
        # A bulk action (the delete every admin offers) is refused, and changes nothing.
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        assert upgrade_shown(response, module.feature)
        with tenant_context(tenant_a):
            assert model._default_manager.filter(pk=row.pk).exists()
    assert walked >= 4 * len(admins_of(module))

    # The app's own index, too; and those of the modules that require it.
    for locked in (module, *dependents):
        response = client.get(reverse("admin:app_list", args=[locked.name]))
        assert upgrade_shown(response, module.feature), locked.name


@pytest.mark.parametrize("module", gated_modules(), ids=lambda m: m.name)
def test_with_the_feature_the_same_screens_open(module, tenant_a, owner_a, client_for):
    rows = make_rows(tenant_site, tenant_a)
    _low, high = plan_lacking(module.feature.code)
    put_on(tenant_a, high)
    client = client_for(tenant_a, owner_a)

    assert not [i for i in sidebar_items(client) if i.get("locked_feature")]
    for model, _model_admin in admins_of(module):
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        response = client.get(reverse(f"{prefix}_changelist"))
        assert response.status_code == 200, opts.label
        response = client.get(reverse(f"{prefix}_change", args=[rows[model].pk]))
        assert response.status_code in (200, 302, 403), opts.label
        assert response.status_code != 402
        response = client.get(reverse(f"{prefix}_add"))
        assert response.status_code != 402, opts.label


def test_a_member_who_cannot_pay_is_told_to_ask_the_owner(tenant_a, make_member, client_for):
    module = gated_modules()[-1]
    low, _high = plan_lacking(module.feature.code)
    put_on(tenant_a, low)
    employee = make_member(tenant_a, "plain@acme.test")
    model, _admin = admins_of(module)[0]
    opts = model._meta

    response = client_for(tenant_a, employee).get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )

    assert response.status_code == 402
    page = response.content.decode()
    assert 'data-testid="upgrade-ask-owner"' in page
    assert 'data-testid="upgrade-link"' not in page
