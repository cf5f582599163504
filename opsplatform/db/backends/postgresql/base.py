"""PostgreSQL, with each transaction's tenant scope kept in step with the code's.

Row-level security (opsplatform.tenancy.rls) lets a row through only when its
``tenant_id`` is the tenant that the transaction has been scoped to. This
backend makes that scope follow :func:`opsplatform.tenancy.get_current_tenant`:
before a statement runs, if the transaction is scoped to another tenant (or
to none), it is re-scoped first. So a request, a task, a consumer or a test
inside ``tenant_context(tenant)`` sees that tenant's rows and nothing else,
and code with no tenant sees no tenant rows at all, without any caller having
to remember a ``set_config``.

The scope is transaction-local (``set_config(..., true)``): it ends with the
transaction that set it, so nothing is left on the server connection for
whichever client a pooler (PgBouncer in transaction mode) hands it to next,
and every transaction of this client carries its own scope wherever it lands.

- Inside a transaction the first statement carries the scope, an empty one
  when there is no tenant: so a transaction never trusts what the server
  connection may hold from before it (a session setting made by SQL injected
  into another client's transaction, say). A rolled-back savepoint reverts
  what was set inside it, so the backend then forgets what it knows and
  scopes again before the next statement; commit and rollback end the scope.
- Outside one (Django's autocommit, every statement its own transaction) a
  statement with a tenant carries the scope in the same transaction; one
  with no tenant runs as it is.

"Carries" costs no extra round trip: the scope is sent in front of the
statement in the same query message (``SELECT set_config(...); <statement>``),
which PostgreSQL runs as one transaction when no explicit one is open, and
the cursor is then moved on to the statement's own result. The few statements
that cannot be sent that way (``executemany``, a server-side cursor,
server-side parameter binding) get the scope as a statement of its own before
them, inside a short transaction when there is no open one.
"""

from __future__ import annotations

import psycopg
from django.db.backends.postgresql import base

from opsplatform.tenancy.context import get_current_tenant_id

_UNKNOWN = object()
# Transaction control must run as it is: in an aborted transaction nothing
# else may (a savepoint rollback is how Django leaves that state).
_TRANSACTION_CONTROL = ("SAVEPOIN", "ROLLBACK", "RELEASE ", "COMMIT")
# Must be a transaction's first statement: it runs as it is, and the scope
# comes with the statement after it.
_FIRST_IN_TRANSACTION = ("SET TRANSACTION", "START TRANSACTION", "BEGIN")
_SCOPE_SQL = "SELECT set_config('app.tenant_id', %s, true), set_config('app.tenant_sig', %s, true)"


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the open transaction is scoped to (a tenant id, or None: to no
        # tenant), or _UNKNOWN: no statement of this transaction has set it
        # yet, or a savepoint rollback may have reverted it.
        self._tenant_scope = _UNKNOWN
        self.execute_wrappers.append(self._scoped_to_current_tenant)

    # -- the scope --------------------------------------------------------------

    def _scoped_to_current_tenant(self, execute, sql, params, many, context):
        wanted = get_current_tenant_id()
        if _is_transaction_control(sql):
            return execute(sql, params, many, context)
        if self.get_autocommit():
            if wanted is None:
                # Left as it is: statements such as CREATE DATABASE or VACUUM
                # refuse to share their query message with anything.
                return execute(sql, params, many, context)
            return self._execute_in_scoped_transaction(wanted, execute, sql, params, many, context)
        if wanted == self._tenant_scope:
            return execute(sql, params, many, context)
        return self._execute_rescoped(wanted, execute, sql, params, many, context)

    def _execute_rescoped(self, wanted, execute, sql, params, many, context):
        """Inside an open transaction: scope it to ``wanted`` and run the statement."""
        self._tenant_scope = _UNKNOWN  # until the scope is known to have run
        if _can_carry_scope(sql, many, context):
            result = self._execute_carrying_scope(wanted, execute, sql, params, context)
        else:
            self.scope_transaction_to(wanted)
            result = execute(sql, params, many, context)
        self._tenant_scope = wanted
        return result

    def _execute_in_scoped_transaction(self, wanted, execute, sql, params, many, context):
        """In autocommit: the statement and its scope in one transaction."""
        if _can_carry_scope(sql, many, context):
            # No explicit transaction is open, so PostgreSQL runs the whole
            # message as one implicit transaction: the scope ends with it.
            return self._execute_carrying_scope(wanted, execute, sql, params, context)
        # A short transaction of this connection's own (not ``atomic``, which
        # looks the connection up by alias; it may not be a registered one).
        self.set_autocommit(False)
        try:
            self.scope_transaction_to(wanted)
            self._tenant_scope = wanted
            result = execute(sql, params, many, context)
            self.commit()
            return result
        except BaseException:
            self.rollback()
            raise
        finally:
            self.set_autocommit(True)

    def _execute_carrying_scope(self, wanted, execute, sql, params, context):
        from opsplatform.tenancy.rls import scope_settings

        tenant_id, signature = scope_settings(wanted)
        # Literals, not parameters: the id is an int and the signature hex, and
        # a bound parameter would renumber the statement's own placeholders.
        prefix = f"SELECT set_config('app.tenant_id', '{tenant_id}', true),"
        prefix += f" set_config('app.tenant_sig', '{signature}', true); "
        result = execute(prefix + sql, params, False, context)
        raw = context["cursor"].cursor
        # The cursor stands on the scope's result; the caller wants its statement's.
        raw.nextset()
        _hide_from_query_log(raw, prefix)
        return result

    def scope_transaction_to(self, tenant_id: int | None) -> None:
        """Scope the open transaction to ``tenant_id`` (None: to no tenant).

        Run on the driver's own cursor, so it is not one of the statements
        that query logs (and query-count tests) see.
        """
        from opsplatform.tenancy.rls import scope_settings

        self.ensure_connection()
        with self.wrap_database_errors, self.connection.cursor() as cursor:
            cursor.execute(_SCOPE_SQL, scope_settings(tenant_id))

    def forget_tenant_scope(self) -> None:
        """After anything that may have changed the scope behind the backend's back."""
        self._tenant_scope = _UNKNOWN

    # -- what ends it -------------------------------------------------------------

    def connect(self):
        self.forget_tenant_scope()
        super().connect()

    def _close(self):
        self.forget_tenant_scope()
        return super()._close()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self.forget_tenant_scope()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self.forget_tenant_scope()

    def _savepoint_rollback(self, sid):
        try:
            return super()._savepoint_rollback(sid)
        finally:
            # Reverted to what it was when the savepoint began, which is not tracked.
            self.forget_tenant_scope()


def _is_transaction_control(sql) -> bool:
    if not isinstance(sql, str):
        return False
    head = " ".join(sql[:40].split()).upper()
    return head.startswith(_TRANSACTION_CONTROL) or head.startswith(_FIRST_IN_TRANSACTION)


def _hide_from_query_log(raw, prefix: str) -> None:
    # Django logs (connection.queries, the SQL debug log) the query psycopg
    # sent; the scope, whose signature opens a tenant, stays out of them.
    query = getattr(raw, "_query", None)
    sent = getattr(query, "query", None)
    head = prefix.encode()
    if isinstance(sent, bytes) and sent.startswith(head):
        query.query = sent[len(head) :]


def _can_carry_scope(sql, many, context) -> bool:
    """Whether the scope can ride in the statement's own query message: one
    statement, client-side bound (psycopg then sends a simple query, which may
    hold several statements), on an ordinary (not server-side) cursor."""
    raw = context["cursor"].cursor
    return (
        not many
        and isinstance(sql, str)
        and isinstance(raw, psycopg.ClientCursor)
        and not isinstance(raw, psycopg.ServerCursor)
    )
