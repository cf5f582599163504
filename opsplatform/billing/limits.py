"""The one limit check every create goes through (docs/billing.md, "Limits").

A module's ``Limit`` names the models whose new rows use it up
(``consumed_by``). Every create of such a row passes :func:`creating`: a single
save (``TenantModel.save``), a ``bulk_create`` on a tenant manager and the
kernel's COPY path (``opsplatform.bulk.create_with_history``), which the
imports use. None of this names a module: the map from model to limits comes
from the registry.

Around a create, :func:`creating`

1. counts the company's use before anything is written and refuses the whole
   create (``LimitReached``) when ``use + adding > cap``;
2. lets the rows be written, in a transaction of its own (a savepoint inside a
   caller's), so a refusal leaves nothing behind;
3. counts again after the write, and refuses (rolling the rows back) when the
   cap is now passed. That second count is the race guard: the rows' history
   rows took the company's audit-chain lock (opsplatform/audit_chain.py), held
   to commit, so of two concurrent creates at cap - 1 the second to take it
   sees the first's committed row and is refused. Taking that existing lock
   rather than an advisory one of our own keeps one lock order per company, so
   a transaction that wrote an audit row before creating cannot deadlock with
   one that creates first.

A company over its cap (a downgrade) keeps every row: edits, deactivations and
deletes are never checked, only new rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext

from django.db import models, transaction

from opsplatform.billing.entitlements import LimitReached, check_capacity, entitlement
from opsplatform.contract.declarations import Limit, resolve
from opsplatform.contract.registry import plan_limits


def limits_consumed_by(model: type[models.Model]) -> list[Limit]:
    """The declared limits whose use new rows of ``model`` add to.

    Read from the registry on each call (a handful of declarations, already
    discovered), so a test that changes the registry is seen at once.
    """
    label = model._meta.concrete_model._meta.label_lower
    return [
        limit for limit in plan_limits() if any(name.lower() == label for name in limit.consumed_by)
    ]


def consumption(model: type[models.Model], objs: Iterable[models.Model]) -> list[tuple[Limit, int]]:
    """Each limit ``objs`` (new rows of ``model``) add to, with how many they add."""
    limits = limits_consumed_by(model)
    if not limits:
        return []
    objs = list(objs)
    found = []
    for limit in limits:
        counts = resolve(limit.consumes) if limit.consumes is not None else None
        adding = len(objs) if counts is None else sum(1 for obj in objs if counts(obj))
        if adding:
            found.append((limit, adding))
    return found


def _capped(tenant, model, objs) -> list[tuple[Limit, int]]:
    if tenant is None:
        return []
    pairs = consumption(model, objs)
    if not pairs:
        return []
    caps = entitlement(tenant)
    return [(limit, adding) for limit, adding in pairs if caps.cap(limit.code) is not None]


def check_new_rows(tenant, model: type[models.Model], objs: Iterable[models.Model]) -> None:
    """Refuse (``LimitReached``) creating ``objs`` now; writes nothing.

    For a form's validation or an import's preview, so the person sees the
    refusal before confirming; :func:`creating` checks again at the write.
    """
    for limit, adding in _capped(tenant, model, objs):
        check_capacity(tenant, limit.code, adding)


def refusal_for_new_rows(tenant, model, objs) -> LimitReached | None:
    """The refusal :func:`check_new_rows` would raise, or None."""
    try:
        check_new_rows(tenant, model, objs)
    except LimitReached as refused:
        return refused
    return None


@contextmanager
def creating(tenant, model: type[models.Model], objs: Iterable[models.Model]) -> Iterator[None]:
    """Around writing ``objs`` (new rows of ``model``) for ``tenant``: see the module."""
    pairs = _capped(tenant, model, objs)
    if not pairs:
        yield
        return
    with transaction.atomic():
        for limit, adding in pairs:
            check_capacity(tenant, limit.code, adding)
        yield
        for limit, adding in pairs:
            _recount(tenant, limit, adding)


def _recount(tenant, limit: Limit, adding: int) -> None:
    """After the write, under the company's audit-chain lock: still within the cap?"""
    from opsplatform.billing.entitlements import limit_message
    from opsplatform.billing.selectors import plan_lifting
    from opsplatform.billing.usage import usage_of

    cap = entitlement(tenant).cap(limit.code)
    used = usage_of(tenant, limit.code)
    if cap is not None and used > cap:
        before = max(used - adding, 0)
        lifting = plan_lifting(limit.code, used)
        raise LimitReached(limit_message(limit.label, cap, before, adding, lifting))


def creating_rows(model: type[models.Model], objs: list[models.Model]):
    """:func:`creating` for rows of one company, found from the context or the rows."""
    if not objs or not limits_consumed_by(model):
        return nullcontext()
    from opsplatform.tenancy.context import get_current_tenant

    tenant = get_current_tenant()
    first = objs[0]
    if tenant is None or (first.tenant_id is not None and first.tenant_id != tenant.pk):
        tenant = first.tenant if first.tenant_id is not None else tenant
    return creating(tenant, model, objs)


class WithinLimitsForm:
    """A model form mixin: adding a row past the plan's cap is a form error (the
    admin's add view shows it on the form, not as an error page)."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.instance._state.adding:
            return
        from opsplatform.tenancy.context import get_current_tenant

        refused = refusal_for_new_rows(get_current_tenant(), type(self.instance), [self.instance])
        if refused is not None:
            self.add_error(None, refused)
