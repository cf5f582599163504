"""The migration that added ``Route.is_default``: every route that existed is
marked default (in every company, as the tables' owner under row-level
security), and the history table's column leaves the chained rows as they were."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from modules.approvals import services
from modules.approvals.models import Route
from opsplatform.tenancy import tenant_context
from tests.db_roles import as_owner

# Found by its name, whatever number it has among the app's migrations.
(_NAME,) = [
    path.stem
    for path in Path(import_module("modules.approvals.migrations").__file__).parent.glob(
        "*_route_is_default.py"
    )
]
STEP = import_module(f"modules.approvals.migrations.{_NAME}")


@pytest.mark.django_db(transaction=True)
def test_every_companys_existing_routes_become_default(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            services.routes_ensure_defaults()
            Route.objects.update(is_default=False)  # as if set up before the flag

    with as_owner(), connection.schema_editor() as editor:
        STEP.mark_existing_routes_default(apps, editor)

    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            assert Route.objects.exists()
            assert not Route.objects.filter(is_default=False).exists()


@pytest.mark.django_db
def test_the_history_column_is_nullable_so_old_chained_rows_keep_their_text():
    if connection.vendor != "postgresql":
        pytest.skip("the audit chain is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_nullable FROM information_schema.columns"
            " WHERE table_name = 'approvals_historicalroute' AND column_name = 'is_default'"
        )
        assert cursor.fetchall() == [("YES",)]
