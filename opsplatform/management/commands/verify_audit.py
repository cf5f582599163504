"""Walk the audit hash chains and report the first broken link of each.

Each tenant's chain is read inside that tenant's context (under row-level
security a tenant's audit rows are visible only there), then the platform's
chain of landlord tables. Exit status 1 when anything is broken.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from opsplatform.audit_chain import consistent_snapshot, verify_chain
from opsplatform.models import PLATFORM_CHAIN
from opsplatform.tenancy.rls import tenant_transaction
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Check the audit tables' hash chains (PostgreSQL); exit 1 at a broken link."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="only this company's chain (its slug)")

    def handle(self, *args, tenant=None, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(
                "No audit chain on this database (PostgreSQL only); nothing to check."
            )
            return
        if tenant:
            tenants = list(Tenant.objects.filter(slug=tenant))
            if not tenants:
                raise CommandError(f"No company with the slug {tenant!r}.")
        else:
            tenants = list(Tenant.objects.order_by("pk"))
        reports = []
        for company in tenants:
            with consistent_snapshot(), tenant_transaction(company):
                reports.append((company.slug, verify_chain(company.pk)))
        if not tenant:
            with consistent_snapshot():
                reports.append(("platform", verify_chain(PLATFORM_CHAIN)))
        broken = 0
        for label, report in reports:
            if report.ok:
                self.stdout.write(
                    f"{label}: {report.rows} rows, chain intact up to seq {report.head_seq} "
                    f"(head {report.head_hash[:16] or '-'})"
                )
                continue
            broken += 1
            first = report.breaks[0]
            more = len(report.breaks) - 1
            tail = f"; {more} more problem(s) after it" if more else ""
            self.stderr.write(f"{label}: BROKEN at {first}{tail}")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.", returncode=1)
