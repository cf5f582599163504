"""Feature gating follows ``Module.requires`` (issue 13): a module whose required
module the plan lacks cannot work, so it is locked with it, and the upgrade page
offers a plan with everything it needs. Projects requires approvals."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from opsplatform.billing.models import Plan
from opsplatform.billing.selectors import plan_with_feature
from opsplatform.contract.registry import (
    feature_needs,
    get_module,
    module_needs,
    plan_features,
    required_modules,
)
from tests.opsplatform.billing.gating_walk import plan_lacking, put_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects_without_approvals(tenant_a):
    """Basic has projects but not approvals; Approvals+ (a lower tier than Complete)
    has approvals but not projects, so a plan chosen for approvals alone is wrong."""
    projects = get_module("projects")
    assert "approvals" in {m.name for m in required_modules(projects)}
    low, high = plan_lacking("approvals")
    assert low.has_feature("projects")
    high.tier = 3
    high.save()
    everything = sorted({f.code for f in plan_features()})
    Plan.objects.create(
        code="approvals-plus",
        name="Approvals plus",
        tier=2,
        features=[code for code in everything if code != "projects"],
    )
    put_on(tenant_a, low)
    return projects, high


def test_the_registry_reads_requires_transitively():
    projects = get_module("projects")
    assert {m.name for m in required_modules(projects)} >= {"employees", "approvals"}
    # approvals itself requires employees: found through it, by name too.
    assert "employees" in {m.name for m in required_modules("approvals")}
    assert projects not in required_modules(projects)
    needs = module_needs(projects)
    assert needs[0] == "projects"
    assert {"employees", "approvals"} <= set(needs)
    # An extra flag needs its module and everything that one needs.
    assert set(feature_needs("analytics")) == {"analytics", *needs}


def test_the_lowest_plan_named_has_everything_the_feature_needs(projects_without_approvals):
    projects, high = projects_without_approvals
    assert plan_with_feature("approvals").code == "approvals-plus"
    assert plan_with_feature("projects") == high
    assert plan_with_feature("approvals", also=module_needs(projects)) == high


def test_projects_without_approvals_is_locked(
    projects_without_approvals, tenant_a, owner_a, client_for
):
    projects, high = projects_without_approvals
    client = client_for(tenant_a, owner_a)

    # Its sidebar items show locked, by the feature it lacks, leading the owner to
    # an upgrade page about projects.
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    items = [i for g in response.context["sidebar_navigation"] for i in g["items"]]
    mine = [i for i in items if "module=projects" in (i.get("link") or "")]
    assert mine, "no locked projects item in the sidebar"
    assert all(i.get("locked_feature") == "approvals" for i in mine)
    assert all("lock" in i.get("icon_template", "") for i in mine)
    upgrade = client.get(mine[0]["link"])
    assert upgrade.status_code == 200
    assert parse_qs(urlsplit(mine[0]["link"]).query)["feature"] == ["approvals"]
    assert upgrade.context["plan"] == high

    # Its changelist answers the upgrade page, naming the plan with all it needs.
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 402
    page = response.content.decode()
    assert 'data-testid="upgrade"' in page
    assert 'data-feature="approvals"' in page
    plan = response.context["plan"]
    assert plan == high
    assert all(plan.has_feature(code) for code in module_needs(projects))
    assert "Complete" in page
    assert "Approvals plus" not in page
    assert response.context["needed_by"] == projects

    # A script asking gets the same plan, as JSON.
    response = client.get(
        reverse("admin:projects_project_changelist"), HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 402
    assert response.json()["plan"] == "complete"


def test_the_dashboard_leaves_out_its_cards(projects_without_approvals, tenant_a):
    from opsplatform.contract.features import module_enabled

    projects, _high = projects_without_approvals
    assert not module_enabled(projects, tenant_a)
    assert module_enabled(get_module("employees"), tenant_a)
