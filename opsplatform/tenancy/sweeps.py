"""Periodic work, one company at a time, so that one company cannot stop the rest.

Each company runs in its own transaction (and so its own tenant scope); a
company whose work raises is rolled back alone, logged with its traceback and
reported to platform staff (Django's ``mail_admins``: the ADMINS setting),
and the sweep goes on to the next one.

Work that belongs to a period (the morning reminder belongs to a day) passes
``period``: each company's run of it is recorded in the same transaction
(``SweepRun``, unique per company, job and period). The task is then scheduled
more often than its period, so a worker that was down at the usual hour runs
the missed period when it is back, once (a period may be a function of the
company, such as the day in its own time zone); a company that failed is retried at
the next tick, and a second scheduler running at the same moment waits on the
first one's row and skips.

Work that may only start part-way through its period (a reminder that goes out
from 08:00 in the company's time zone, on a task that ticks hourly) cannot name
its period up front: a tick at 06:00 would spend the day. It calls
:func:`claim_period` itself, once its hour has come, and the sweep reports a
company whose period was claimed already as skipped.

A company that is read-only for an unpaid invoice (docs/billing.md, "Read-only
mode") writes nothing through the web, and this is where background work is held
to the same rule, once for every job: each sweep says what it does for such a
company with ``read_only``. The default, ``SKIP``, is for work that creates or
changes the company's records on its behalf (accruals, escalations): the company
is left out before its period is claimed, so the first tick after it pays runs the
periods it missed. ``RUN`` is for work that only tells people something or keeps
the platform's own plumbing going (reminders, the outbox). A function runs instead
of ``work`` for such a company (the part of a job that is only a notice).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import mail_admins
from django.db import IntegrityError, transaction

from opsplatform.tenancy.rls import tenant_transaction

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    name: str
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)  # left out, or given ``read_only``'s work


# What a sweep does for a company that is read-only (``for_each_active_tenant``).
SKIP = "skip"
RUN = "run"


class AlreadyRan(Exception):
    """This company's run of the period is recorded already (raised by :func:`claim_period`)."""


def claim_period(tenant, name: str, period: str) -> None:
    """Record this company's run of ``period`` of the job ``name``, in the current
    transaction; raise :class:`AlreadyRan` if it has one.

    Call it inside the work given to :func:`for_each_active_tenant` (which turns
    ``AlreadyRan`` into a skipped company), before the work writes anything: the
    claim commits or rolls back with the work, so a failed run is retried at the
    next tick, and of two schedulers at the same moment one waits on the other's
    row and skips.
    """
    from opsplatform.models import SweepRun

    if SweepRun.objects.filter(name=name, period=period).exists():
        raise AlreadyRan
    try:
        # A savepoint, so that losing the race leaves the transaction usable.
        with transaction.atomic():
            SweepRun.objects.bulk_create([SweepRun(tenant=tenant, name=name, period=period)])
    except IntegrityError as error:  # another scheduler ran it a moment ago
        raise AlreadyRan from error


class _LeftOut(Exception):
    """This company is read-only and the sweep's work is not for it."""


# The name leave's work was written against, before the claim was public.
_claim_period = claim_period


def for_each_active_tenant(
    name: str,
    work: Callable[[object], None],
    *,
    period: str | Callable[[object], str] | None = None,
    read_only: str | Callable[[object], None] = SKIP,
) -> SweepReport:
    """Run ``work(tenant)`` inside each active company's own transaction.

    With ``period`` (a string, or a function of the company giving one), a company
    whose run of that period is recorded is skipped.

    ``read_only`` is what a company that is read-only for an unpaid invoice gets:
    ``SKIP`` (nothing, and its period stays unclaimed), ``RUN`` (``work`` as any
    other company), or a function run instead of ``work`` (its period is claimed).
    """
    from opsplatform.billing.entitlements import is_read_only
    from tenants.models import Tenant

    if read_only not in (SKIP, RUN) and not callable(read_only):
        raise ValueError(f"read_only must be SKIP, RUN or a function, not {read_only!r}")
    report = SweepReport(name)
    for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("pk"):
        try:
            with tenant_transaction(tenant):
                todo = work
                if read_only != RUN and is_read_only(tenant):
                    report.read_only.append(tenant.slug)
                    if read_only == SKIP:
                        raise _LeftOut  # unclaimed: the first tick after paying runs it
                    todo = read_only
                if period is not None:
                    claim_period(tenant, name, period(tenant) if callable(period) else period)
                todo(tenant)
        except AlreadyRan:
            report.skipped.append(tenant.slug)
        except _LeftOut:
            pass  # listed in report.read_only
        except Exception:  # one company's failure must not stop the others
            logger.exception("%s failed for company %s (%s)", name, tenant.slug, tenant.pk)
            report.failed.append(tenant.slug)
        else:
            report.done.append(tenant.slug)
    if report.failed:
        try:
            mail_admins(
                f"{name}: failed for {len(report.failed)} companies",
                f"{name} failed for: {', '.join(report.failed)}. "
                f"It ran for {len(report.done)} others. Tracebacks are in the worker's log.",
            )
        except Exception:  # the report is best effort; the log has it all
            logger.exception("Could not email platform staff about %s", name)
    return report
