"""A request's number and a commit's foreign-key checks must not deadlock on the
audit chain (seen under load: "deadlock detected" on the chain head and on the
company row, about once a minute with 50 people submitting and approving)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from modules.approvals.services.requests import _next_number
from opsplatform.tenancy.rls import tenant_transaction
from tenants.models import Invitation
from tests.factories import InvitationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")


def test_numbering_a_request_while_another_write_commits_deadlocks_neither(
    _postgres_only, tenant_a
):
    """One transaction has written an audited row (it holds the company's audit
    chain) and commits, which checks its foreign key to the company row. The
    other has just numbered a request (it locked the company row) and writes its
    history, so it waits for the chain. Both must commit."""
    chain_held, company_locked = threading.Event(), threading.Event()
    errors = []

    def earlier_writer():
        try:
            with tenant_transaction(tenant_a):
                InvitationFactory(email="earlier@acme.test")  # a history row: the chain
                chain_held.set()
                company_locked.wait(timeout=10)
            # leaving the block commits: the deferred foreign-key checks run now
        except Exception as error:  # noqa: BLE001 - recorded for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=earlier_writer)
    thread.start()
    try:
        assert chain_held.wait(timeout=10)
        with tenant_transaction(tenant_a):
            _next_number()
            company_locked.set()
            InvitationFactory(email="numbered@acme.test")  # waits for the chain
    except Exception as error:  # noqa: BLE001
        errors.append(error)
    finally:
        company_locked.set()
        thread.join(timeout=30)

    assert errors == []
    with tenant_transaction(tenant_a):
        assert set(
            Invitation.objects.filter(email__endswith="@acme.test").values_list("email", flat=True)
        ) >= {"earlier@acme.test", "numbered@acme.test"}
