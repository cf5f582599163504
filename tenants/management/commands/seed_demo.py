"""Demo data: three companies, their owners, a person in two, and platform staff.

Idempotent: running it again changes nothing that is already there. Each
installed module adds its own demo data through the seeder its ``module.py``
declares (``Module.demo``), called for each company in its context.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from opsplatform.billing.demo import seed as seed_plans
from opsplatform.contract.registry import demo_seeders
from opsplatform.tenancy.context import tenant_context
from tenants import services
from tenants.links import tenant_base_url
from tenants.models import Domain, Membership, Tenant, User
from tenants.roles import RoleCode

DEMO_PASSWORD = "demo-pass-123"

COMPANIES = [
    {"slug": "acme", "name": "Acme Corp", "currency": "USD", "time_zone": "America/New_York"},
    {"slug": "globex", "name": "Globex Ltd", "currency": "AED", "time_zone": "Asia/Dubai"},
    # A new company in its trial (opsplatform/billing/demo.py): no module data yet.
    {"slug": "initech", "name": "Initech", "currency": "USD", "time_zone": "Europe/London"},
]

# (email, full name, {company slug: roles})
PEOPLE = [
    ("owner@acme.test", "Alice Owner", {"acme": [RoleCode.OWNER]}),
    ("owner@globex.test", "Gina Owner", {"globex": [RoleCode.OWNER]}),
    (
        "shared@demo.test",
        "Sam Shared",
        {"acme": [RoleCode.HR, RoleCode.EMPLOYEE], "globex": [RoleCode.FINANCE, RoleCode.EMPLOYEE]},
    ),
    # Globex's seats near its plan's cap (billing's demo puts it on Starter).
    ("sales@globex.test", "Sara Sales", {"globex": [RoleCode.EMPLOYEE]}),
    ("ops@globex.test", "Omar Ops", {"globex": [RoleCode.EMPLOYEE]}),
    ("owner@initech.test", "Ian Owner", {"initech": [RoleCode.OWNER]}),
]


class Command(BaseCommand):
    help = "Create (or top up) the demo companies, people and data."

    @transaction.atomic
    def handle(self, *args, **options):
        admin = self._user("admin@platform.test", "Platform Admin", staff=True)
        tenants = {spec["slug"]: self._tenant(spec) for spec in COMPANIES}
        for email, name, roles_by_company in PEOPLE:
            user = self._user(email, name)
            for slug, roles in roles_by_company.items():
                self._membership(tenants[slug], user, roles)
        for _module, seeder in demo_seeders():
            for tenant in tenants.values():
                with tenant_context(tenant):
                    seeder(tenant=tenant, stdout=self.stdout)
        # Plans last: a plan's limits then never refuse the demo's own data.
        seed_plans(tenants=list(tenants.values()), stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
        self.stdout.write(
            f"  Landlord admin: {settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{port}/admin/  ({admin.email})"
        )
        for tenant in tenants.values():
            self.stdout.write(f"  {tenant.name}: {tenant_base_url(tenant)}/admin/")
        self.stdout.write(
            "  Logins: owner@acme.test, owner@globex.test, owner@initech.test, "
            "shared@demo.test (Acme and Globex), "
            f"admin@platform.test — password {DEMO_PASSWORD}"
        )

    def _user(self, email: str, name: str, staff: bool = False) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=name, is_staff=staff, is_superuser=staff)
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _tenant(self, spec: dict) -> Tenant:
        tenant = Tenant.objects.filter(slug=spec["slug"]).first()
        if tenant is None:
            tenant = services.tenant_create(
                name=spec["name"],
                slug=spec["slug"],
                currency=spec["currency"],
                time_zone=spec["time_zone"],
            )
        elif not Domain.objects.filter(tenant=tenant).exists():
            services.domain_add(
                tenant=tenant, domain=f"{tenant.slug}.{settings.BASE_DOMAIN}", is_primary=True
            )
        return tenant

    def _membership(self, tenant: Tenant, user: User, roles: list[str]) -> Membership:
        with tenant_context(tenant):
            membership = Membership.objects.filter(user=user).first()
            if membership is None:
                membership = Membership(user=user)
                membership._change_reason = "Demo data"
                membership.save()
            have = membership.role_codes()
            if not set(roles) <= have:
                services.membership_set_roles(
                    membership=membership,
                    roles=sorted(have | set(roles)),
                    by=None,
                    as_platform=True,
                )
        return membership
