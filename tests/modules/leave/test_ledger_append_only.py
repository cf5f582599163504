"""On PostgreSQL the ledger is append-only for the application's role, like the gate log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from opsplatform.tenancy import tenant_context
from tests.modules.leave.factories import LedgerEntryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _sql(sql: str):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_ledger_is_append_only_for_the_app_role(tenant_a, app_role):
    with tenant_context(tenant_a):
        LedgerEntryFactory()
    with app_role(), tenant_context(tenant_a):
        LedgerEntryFactory()  # adding is what the application does
        for statement in (
            "UPDATE leave_ledgerentry SET amount = 99",
            "DELETE FROM leave_ledgerentry",
            "SELECT id FROM leave_ledgerentry FOR UPDATE",
        ):
            with pytest.raises(DatabaseError, match="permission denied"):
                _sql(statement)
