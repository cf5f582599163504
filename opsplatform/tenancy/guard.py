"""Refuse to run the application on a database role that row-level security does not bind.

With ``DATABASE_REQUIRE_RESTRICTED_ROLE`` (on in production settings), the
first connection of the "default" alias in each process checks its role and
raises :class:`ImproperlyConfigured` naming the problem: a superuser, a
BYPASSRLS role or the tables' owner would read every company's rows. The
"owner" alias, which migrations use, is not checked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS

_checked: set[str] = set()


def check_restricted_role(sender, connection, **kwargs) -> None:
    if not getattr(settings, "DATABASE_REQUIRE_RESTRICTED_ROLE", False):
        return
    if connection.alias != DEFAULT_DB_ALIAS or connection.alias in _checked:
        return
    from opsplatform.tenancy.rls import database_role_problems

    problems = database_role_problems(connection.alias)
    if problems:
        connection.close()
        raise ImproperlyConfigured(
            "Refusing to run on this database role: "
            + "; ".join(problems)
            + ". Connect as DATABASE_APP_ROLE (see docs/tenancy.md)."
        )
    _checked.add(connection.alias)
