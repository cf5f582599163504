"""The suite runs as the production role; only set-up and flushes run as the owner.

With DATABASE_OWNER_URL set (CI), the "default" connection of every test is
the application's LOGIN role (DATABASE_URL): no superuser, no BYPASSRLS, not
the tables' owner, under FORCE ROW LEVEL SECURITY. Creating, migrating and
flushing the test database need the owner, so those steps borrow its
credentials for the length of the step (:func:`as_owner`).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connections

_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


@contextmanager
def as_owner(alias: str = "default"):
    owner = getattr(settings, "TEST_OWNER_DATABASE", None)
    if not owner:
        yield
        return
    connection = connections[alias]
    saved = {key: connection.settings_dict.get(key) for key in _CREDENTIALS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key) for key in _CREDENTIALS})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def install_owner_flush() -> None:
    """Transactional tests end with a flush (TRUNCATE), which the application's
    role may not do on the append-only audit tables: run it as the owner."""
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown
    if getattr(original, "as_owner", False):
        return

    def teardown_as_owner(self):
        with as_owner():
            original(self)

    teardown_as_owner.as_owner = True
    TransactionTestCase._fixture_teardown = teardown_as_owner


LOCAL_APP_ROLE = "ops_test_app"


@contextmanager
def as_app_role():
    """A block that runs as a role that row-level security binds.

    In CI the whole suite already connects as one, so this changes nothing;
    on a developer's PostgreSQL, where the suite may connect as a superuser,
    it borrows a granted role with SET LOCAL ROLE for the block.
    """
    from django.db import connection, transaction

    from opsplatform.tenancy.rls import grant_app_role

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    if not superuser:
        yield
        return
    grant_app_role(LOCAL_APP_ROLE)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL ROLE {LOCAL_APP_ROLE}")
            yield
    finally:
        # SET LOCAL outlives the savepoint inside the test's own transaction.
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
