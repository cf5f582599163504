"""Periodic work, one company at a time, so that one company cannot stop the rest.

Each company runs in its own transaction (and so its own tenant scope); a
company whose work raises is rolled back alone, logged with its traceback and
reported to platform staff (Django's ``mail_admins``: the ADMINS setting),
and the sweep goes on to the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import mail_admins

from opsplatform.tenancy.rls import tenant_transaction

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    name: str
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def for_each_active_tenant(name: str, work: Callable[[object], None]) -> SweepReport:
    """Run ``work(tenant)`` inside each active company's own transaction."""
    from tenants.models import Tenant

    report = SweepReport(name)
    for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("pk"):
        try:
            with tenant_transaction(tenant):
                work(tenant)
        except Exception:  # noqa: BLE001 - one company's failure must not stop the others
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
        except Exception:  # noqa: BLE001 - the report is best effort; the log has it all
            logger.exception("Could not email platform staff about %s", name)
    return report
