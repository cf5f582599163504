"""Run by test_module_removal.py in a child process whose ``MODULES`` leaves out
the modules named in ``REMOVED_MODULES`` (so not collected with the suite: its
name has no ``test_`` prefix). With them gone, the product still works: the
dashboard, the sidebar, seed_demo and every crawler, and no trace of them is
left on a page."""

from __future__ import annotations

import os
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from opsplatform.admin import tenant_site
from opsplatform.admin.navigation import tenant_navigation
from opsplatform.contract.registry import installed_modules, plan_features, plan_limits
from tenants.roles import RoleCode
from tests.opsplatform.crawler import crawl, make_rows
from tests.opsplatform.file_crawler import crawl_files, make_files
from tests.opsplatform.input_crawler import crawl_inputs
from tests.opsplatform.role_crawler import crawl_roles

pytestmark = pytest.mark.django_db

REMOVED = [label for label in os.environ["REMOVED_MODULES"].split(",") if label]


def traces(text: str) -> list[str]:
    """Where a removed module shows: its URLs (/admin/<label>/...), its static
    files (<label>/...), or its app label in a URL name or permission. (Not as a
    part of another word or of an attribute: Alpine's ``x-transition:leave.…``.)"""
    return [
        f"{label}: {needle}"
        for label in REMOVED
        for needle in (f"/{label}/", f"{label}_", f"{label}.")
        if re.search(rf"(?<![\w:-]){re.escape(needle)}", text)
    ]


def test_the_removed_modules_are_not_installed():
    assert REMOVED
    installed = {config.label for config in apps.get_app_configs()}
    assert not installed & set(REMOVED)
    declared = {module.name for module in installed_modules()}
    assert not declared & set(REMOVED)
    assert not {f.code for f in plan_features()} & set(REMOVED)
    assert not [limit.code for limit in plan_limits() if limit.code.split(".")[0] in REMOVED]


def test_dashboard_and_sidebar_show_nothing_of_them(tenant_a, owner_a, client_for):
    response = client_for(tenant_a, owner_a).get("/admin/")

    assert response.status_code == 200
    page = response.content.decode()
    assert traces(page) == []
    # The kernel's own parts are all still there.
    for text in ("Dashboard", "Notifications", "Members", "Invitations", "Sign-in security"):
        assert text in page
    request = response.wsgi_request
    links = [str(item["link"]) for group in tenant_navigation(request) for item in group["items"]]
    assert None not in links and "None" not in links
    assert traces(" ".join(links)) == []


def test_the_other_pages_of_the_workspace_open(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    for name in (
        "admin:notifications_notification_changelist",
        "admin:notifications_settings",
        "admin:tenants_membership_changelist",
        "admin:tenants_invitation_changelist",
        "admin:account_security",
    ):
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == 200, url
        assert traces(response.content.decode()) == [], url


def test_seed_demo_seeds_what_is_installed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # and stays idempotent
    assert "Demo data is ready." in out.getvalue()


def test_the_crawlers_walk_what_is_left(
    tenant_a, tenant_b, owner_a, owner_b, make_member, client_for
):
    make_rows(tenant_site, tenant_a)
    foreign = make_rows(tenant_site, tenant_b)
    report = crawl(tenant_site, client_for(tenant_a, owner_a), foreign)
    assert report.problems == []
    assert "tenants.Membership" in report.models

    inputs = crawl_inputs(tenant_site, client_for(tenant_a, owner_a), tenant_a)
    assert inputs.problems == []

    people = {RoleCode.OWNER.value: owner_a}
    for role in RoleCode:
        if role != RoleCode.OWNER:
            people[role.value] = make_member(tenant_a, f"{role.value}@acme.test", roles=[role])
    roles = crawl_roles(tenant_site, tenant_a, people, make_rows(tenant_site, tenant_a), client_for)
    assert roles.problems == []

    stored = make_files(tenant_a)
    files = crawl_files(
        stored,
        tenant=tenant_a,
        site=tenant_site,
        owner=client_for(tenant_a, owner_a),
        stranger=client_for(tenant_b, owner_b),
        anonymous=client_for(tenant_a),
        member=client_for(tenant_a, people[RoleCode.EMPLOYEE.value]),
    )
    assert files.problems == []
