"""`manage.py seed_demo`, the data behind `make demo`, runs as the application's
role like every other command (in CI, under row-level security)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from opsplatform.tenancy import tenant_context
from tenants.models import Membership, Tenant, User
from tenants.selectors import workspaces_for

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_three_companies_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())

    assert "Demo data is ready." in out.getvalue()
    assert set(Tenant.objects.values_list("slug", flat=True)) == {"acme", "globex", "initech"}
    shared = User.objects.get(email="shared@demo.test")
    assert [t.slug for t in workspaces_for(user=shared)] == ["acme", "globex"]
    for slug in ("acme", "globex"):
        with tenant_context(Tenant.objects.get(slug=slug)):
            assert Membership.objects.filter(user=shared).count() == 1
