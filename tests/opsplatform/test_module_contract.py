"""The module contract (opsplatform/contract, docs/modules.md): what each part
declares in its module.py reaches the sidebar, the dashboard, the pages'
scripts, seed_demo and the plan's features, and the kernel names no module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from opsplatform.contract import Module, SidebarGroup, SidebarItem
from opsplatform.contract import features as contract_features
from opsplatform.contract.registry import (
    _check_requirements,
    activity_kinds,
    demo_seeders,
    get_module,
    installed_modules,
    limit_usage,
    plan_features,
    plan_limits,
    scripts,
)
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import EmployeeFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def sidebar(client) -> list[tuple[str, list[str]]]:
    """The sidebar as unfold renders it: group titles and the items a person may see."""
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return [
        (
            str(group["title"]),
            [str(item["title"]) for item in group["items"] if item["has_permission"]],
        )
        for group in response.context["sidebar_navigation"]
    ]


def test_every_part_of_the_product_declares_itself_in_app_order():
    modules = [apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.MODULES]
    assert modules[:2] == ["employees", "approvals"]
    assert [m.name for m in installed_modules()] == [
        "opsplatform",
        "notifications",
        "outbox",
        "billing",
        "tenants",
        *modules,
    ]
    assert get_module("approvals").requires == ("employees",)


def test_the_owners_sidebar_is_composed_from_the_declarations(tenant_a, owner_a, client_for):
    assert sidebar(client_for(tenant_a, owner_a)) == [
        (
            "Workspace",
            [
                "Dashboard",
                "Notifications",
                "Notification settings",
                "Billing",
                "Sign-in security",
            ],
        ),
        (
            "People",
            [
                "Employees",
                "Organisation chart",
                "Departments",
                "Positions",
                "Work locations",
                "Work schedules",
                "Documents",
                "My profile",
            ],
        ),
        (
            "Leave",
            [
                "Team calendar",
                "Leave requests",
                "Leave types",
                "Leave policies",
                "Balance ledger",
                "Holiday calendars",
                "Blackout periods",
                "Import leave data",
                "Export leave data",
                "Adjust balances",
            ],
        ),
        ("Approvals", ["Inbox", "Requests", "New request", "Deputies", "Approval routes"]),
        (
            "Projects",
            ["Projects", "Time logs", "Labels", "Import tasks and time", "Export tasks and time"],
        ),
        (
            "Assets",
            [
                "Assets",
                "Fulfilment queue",
                "My assets",
                "Custody",
                "Work orders",
                "Maintenance calendar",
                "Maintenance plans",
                "Depreciation ledger",
                "Asset reports",
                "Import assets",
                "Categories",
                "Suppliers",
            ],
        ),
        ("People and access", ["Members", "Invitations"]),
    ]


def test_a_plain_employee_sees_only_what_their_role_opens(tenant_a, make_member, client_for):
    employee = make_member(tenant_a, "plain@acme.test")
    shown = dict(sidebar(client_for(tenant_a, employee)))
    assert "Approval routes" not in shown["Approvals"]
    assert "Departments" not in shown["People"]
    assert "My profile" in shown["People"]


def test_the_inbox_keeps_its_live_badge(tenant_a, owner_a, client_for):
    response = client_for(tenant_a, owner_a).get(reverse("admin:index"))
    items = {
        str(item["title"]): item
        for group in response.context["sidebar_navigation"]
        for item in group["items"]
    }
    assert items["Inbox"]["badge"] == "modules.approvals.views.inbox_badge"
    assert items["Inbox"]["badge_class"] == "approvals-inbox-badge"
    assert "badge_callback" in items["Inbox"]
    page = response.content.decode()
    # The live channel's script first, then the badge's, which listens to it.
    assert scripts() == ["opsplatform/notifications.js", "approvals/inbox_badge.js"]
    assert page.index("opsplatform/notifications.js") < page.index("approvals/inbox_badge.js")


def test_the_landlord_sidebar_is_composed_too(platform_admin, client_for):
    response = client_for(None, platform_admin).get(
        reverse("admin:index", urlconf="opsplatform.urls.landlord")
    )
    assert response.status_code == 200
    groups = response.context["sidebar_navigation"]
    assert [str(g["title"]) for g in groups] == ["Platform", "Billing"]
    assert [str(i["title"]) for i in groups[0]["items"]] == [
        "Companies",
        "Domains",
        "Users",
        "Undelivered messages",
        "Sign-in security",
    ]
    assert [str(i["title"]) for i in groups[1]["items"]] == [
        "Overview",
        "Plans",
        "Subscriptions",
        "Webhook events",
    ]


def test_every_declared_sidebar_item_has_an_address_on_its_site():
    urlconfs = {"tenant": "opsplatform.urls.tenant", "landlord": "opsplatform.urls.landlord"}
    for module in installed_modules():
        for item in module.items:
            assert reverse(item.url, urlconf=urlconfs[item.site]), (module.name, item.url)


def test_seed_demo_runs_each_modules_seeder():
    names = [module.name for module, _seeder in demo_seeders()]
    assert names[:2] == ["employees", "approvals"]


def test_plan_features_and_limits_are_listed_and_counted(tenant_a, owner_a, make_member):
    assert {"employees", "approvals"} <= {f.code for f in plan_features()}
    assert {"tenants.members", "employees.employees"} <= {limit.code for limit in plan_limits()}
    make_member(tenant_a, "second@acme.test")
    with tenant_context(tenant_a):
        EmployeeFactory.create_batch(2)
        EmployeeFactory(status="terminated")

    usage = limit_usage(tenant_a)
    assert (usage["tenants.members"], usage["employees.employees"]) == (2, 2)


def test_activity_kinds_and_notification_types_belong_to_their_module():
    kinds = [kind.code for kind in activity_kinds()]
    assert len(kinds) == len(set(kinds))
    assert "approvals.submitted" in kinds and "employees.hired" in kinds
    for module in installed_modules():
        for kind in module.activity:
            assert kind.code.startswith(f"{module.name}.")
    codes = {t.code for t in get_module("approvals").notification_types()}
    assert "approvals.awaiting_decision" in codes
    assert not {t.code for t in get_module("employees").notification_types()} & codes


def test_a_module_whose_plan_feature_is_off_shows_locked_without_its_cards(
    tenant_a, owner_a, client_for, monkeypatch
):
    monkeypatch.setattr(
        contract_features, "feature_enabled", lambda tenant, code: code != "approvals"
    )
    client = client_for(tenant_a, owner_a)

    response = client.get(reverse("admin:index"))
    groups = {str(g["title"]): g["items"] for g in response.context["sidebar_navigation"]}
    # Still listed, each item locked (docs/billing.md, "Feature gating").
    assert {item.get("locked_feature") for item in groups["Approvals"]} == {"approvals"}
    assert {item.get("locked_feature") for item in groups["People"]} == {None}
    cards = {str(card["title"]) for card in response.context["kpis"]}
    assert "Awaiting your decision" not in cards
    assert "Headcount" in cards


def test_a_sidebar_item_in_a_group_nobody_declares_is_refused():
    orphan = Module(
        name="leave",
        label="Leave",
        items=(SidebarItem(group="time", title="Leave", icon="beach_access", url="x", order=1),),
    )
    with pytest.raises(ImproperlyConfigured, match="group 'time'"):
        _check_requirements([orphan])
    owner = Module(name="time", label="Time", groups=(SidebarGroup("time", "Time", 40),))
    _check_requirements([owner, orphan])


# -- the kernel names no module ------------------------------------------------------


def module_names() -> list[str]:
    return sorted(p.name for p in (ROOT / "modules").iterdir() if (p / "apps.py").exists())


def kernel_sources():
    for top in ("opsplatform", "tenants"):
        for path in (ROOT / top).rglob("*"):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or parts[:2] == ("opsplatform", "settings"):
                continue  # settings list MODULES; migrations are history
            if path.suffix in {".py", ".html", ".js", ".css"}:
                yield path


def code_strings(source: str) -> list[str]:
    """Imported names and string literals, without docstrings (they may explain)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(node.module or "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append(node.value)
    return found


def test_the_kernel_names_no_module():
    names = module_names()
    assert {"approvals", "employees"} <= set(names)
    found = []
    for path in kernel_sources():
        text = path.read_text()
        strings = code_strings(text) if path.suffix == ".py" else [text]
        for name in names:
            needles = (f"modules.{name}", f"{name}.", f"{name}_", f"{name}/")
            found += [
                f"{path.relative_to(ROOT)}: {s[:60]!r}"
                for s in strings
                if any(needle in s for needle in needles)
            ]
    assert found == []
