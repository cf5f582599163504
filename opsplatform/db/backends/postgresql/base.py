"""PostgreSQL, with the connection's tenant scope kept in step with the code's.

Row-level security (opsplatform.tenancy.rls) lets a row through only when its
``tenant_id`` is the tenant that the connection has been scoped to. This
backend makes that scope follow :func:`opsplatform.tenancy.get_current_tenant`:
before any statement runs, if the connection is scoped to another tenant (or
to none), it is re-scoped first. So a request, a task, a consumer or a test
inside ``tenant_context(tenant)`` sees that tenant's rows and nothing else,
and code with no tenant sees no tenant rows at all, without any caller having
to remember a ``set_config``.

The scope is a session setting, which PostgreSQL reverts when the transaction
or savepoint that set it rolls back; so after any rollback the backend forgets
what it set and scopes again before the next statement.
"""

from __future__ import annotations

from django.db.backends.postgresql import base

from opsplatform.tenancy.context import get_current_tenant_id

_UNKNOWN = object()
# Transaction control must run as it is: in an aborted transaction nothing
# else may (a savepoint rollback is how Django leaves that state).
_TRANSACTION_CONTROL = ("SAVEPOIN", "ROLLBACK", "RELEASE ", "COMMIT")


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tenant_scope = _UNKNOWN
        self.execute_wrappers.append(self._scoped_to_current_tenant)

    # -- the scope --------------------------------------------------------------

    def _scoped_to_current_tenant(self, execute, sql, params, many, context):
        wanted = get_current_tenant_id()
        if wanted != self._tenant_scope and not _is_transaction_control(sql):
            self.scope_to_tenant(wanted)
        return execute(sql, params, many, context)

    def scope_to_tenant(self, tenant_id: int | None) -> None:
        """Scope this connection to ``tenant_id`` (None: to no tenant).

        Run on the driver's own cursor, so it is not one of the statements
        that query logs (and query-count tests) see.
        """
        from opsplatform.tenancy.rls import scope_settings

        self.ensure_connection()
        with self.wrap_database_errors, self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, false),"
                " set_config('app.tenant_sig', %s, false)",
                scope_settings(tenant_id),
            )
        self._tenant_scope = tenant_id

    def forget_tenant_scope(self) -> None:
        self._tenant_scope = _UNKNOWN

    # -- what resets it ---------------------------------------------------------

    def connect(self):
        self.forget_tenant_scope()
        super().connect()

    def _close(self):
        self.forget_tenant_scope()
        return super()._close()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self.forget_tenant_scope()

    def _savepoint_rollback(self, sid):
        try:
            return super()._savepoint_rollback(sid)
        finally:
            self.forget_tenant_scope()


def _is_transaction_control(sql) -> bool:
    return isinstance(sql, str) and sql.lstrip()[:8].upper().startswith(_TRANSACTION_CONTROL)
