"""Demo approvals for seed_demo: the people of a chain and requests standing at every gate.

Acme and Globex get logins for a requester, their line manager, revenue
assurance and the CEO (the owner exists already), the default routes, and
requests that are drafts, waiting at Manager, Revenue Assurance, CEO and Owner,
completed, rejected, returned, cancelled and one past its SLA.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from modules.approvals import services
from modules.approvals.models import (
    ApprovalRequest,
    Delegation,
    RequestKind,
    RequestStep,
    StepStatus,
)
from modules.approvals.selectors import current_gate
from modules.employees.models import Employee
from tenants.models import Membership, RoleGrant, User
from tenants.roles import RoleCode

PASSWORD = "demo-pass-123"
# A minimal real PDF: invoices are checked by content when stored.
DEMO_INVOICE = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _login(employee: Employee, email: str, roles: list[str]) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=employee.full_name)
        user.set_password(PASSWORD)
        user.save()
    membership = Membership.objects.filter(user=user).first() or Membership.objects.create(
        user=user
    )
    for role in roles:
        RoleGrant.objects.get_or_create(membership=membership, role=role)
    employee.membership = membership
    employee.save(update_fields=["membership"])
    return user


def _people(tenant):
    """Pick a requester with a manager, and two more people for RA and the CEO."""
    requester_employee = (
        Employee.objects.filter(manager__manager__isnull=False, membership__isnull=True)
        .select_related("manager")
        .order_by("pk")
        .first()
    )
    others = list(
        Employee.objects.filter(membership__isnull=True)
        .exclude(pk__in=[requester_employee.pk, requester_employee.manager_id])
        .order_by("pk")[:2]
    )
    slug = tenant.slug
    requester = _login(requester_employee, f"requester@{slug}.test", [RoleCode.EMPLOYEE])
    manager = _login(requester_employee.manager, f"manager@{slug}.test", [RoleCode.MANAGER])
    ra = _login(others[0], f"ra@{slug}.test", [RoleCode.REVENUE_ASSURANCE])
    ceo = _login(others[1], f"ceo@{slug}.test", [RoleCode.CEO])
    owner = (
        Membership.objects.filter(role_grants__role=RoleCode.OWNER)
        .select_related("user")
        .first()
        .user
    )
    return requester, manager, ra, ceo, owner


def _purchase(requester, title, vendor, lines):
    return services.request_create(
        user=requester,
        kind=RequestKind.PURCHASE,
        title=title,
        vendor=vendor,
        description="Demo request",
        lines=[
            {"description": item, "quantity": Decimal(qty), "unit_price": Decimal(price)}
            for item, qty, price in lines
        ],
    )


def _decide(request, person, decision, comment=""):
    # A decision names the gate it was made on (as the page's form does).
    step = current_gate(request)
    services.request_decide(
        request_id=request.pk,
        user=person,
        decision=decision,
        comment=comment,
        step_id=step.pk if step else None,
    )


def _approve(request, *people):
    for person in people:
        _decide(request, person, services.Decision.APPROVE)


def seed(*, tenant, stdout) -> None:
    if ApprovalRequest.objects.exists() or not Employee.objects.exists():
        return
    services.routes_ensure_defaults()
    requester, manager, ra, ceo, owner = _people(tenant)
    submit = services.request_submit

    _purchase(requester, "Standing desks (draft)", "OfficeWorks", [("Standing desk", 4, 450)])

    at_manager = _purchase(requester, "Team laptops", "Dell", [("Laptop", 3, 1400)])
    submit(request_id=at_manager.pk, user=requester)

    at_ra = _purchase(requester, "Conference tickets", "EventHub", [("Ticket", 2, 900)])
    submit(request_id=at_ra.pk, user=requester)
    _approve(at_ra, manager)

    at_ceo = _purchase(requester, "Server rack upgrade", "Supermicro", [("Server", 4, 6500)])
    submit(request_id=at_ceo.pk, user=requester)
    _approve(at_ceo, manager, ra)

    at_owner = _purchase(requester, "Office chairs", "Herman Miller", [("Chair", 6, 800)])
    submit(request_id=at_owner.pk, user=requester)
    _approve(at_owner, manager, ra)

    done = _purchase(requester, "Printer toner", "HP", [("Toner", 10, 60)])
    submit(request_id=done.pk, user=requester)
    _approve(done, manager, ra, owner)

    rejected = services.request_create(
        user=requester,
        kind=RequestKind.PAYMENT,
        title="Consultant invoice",
        payee="Smith Consulting",
        payment_amount=Decimal("3200"),
        due_date=timezone.localdate() + timedelta(days=14),
        invoice=ContentFile(DEMO_INVOICE, name="Smith Consulting invoice 0412.pdf"),
    )
    submit(request_id=rejected.pk, user=requester)
    _decide(
        rejected, manager, services.Decision.REJECT, "We have no contract with this consultant."
    )

    returned = services.request_create(
        user=requester,
        kind=RequestKind.VAS,
        title="SMS gateway",
        service="Bulk SMS",
        provider="Twilio",
        monthly_cost=Decimal("250"),
        start_date=timezone.localdate() + timedelta(days=30),
        term_months=12,
    )
    submit(request_id=returned.pk, user=requester)
    _decide(returned, manager, services.Decision.RETURN, "Please compare with a second provider.")

    cancelled = services.request_create(
        user=requester,
        kind=RequestKind.SUBSCRIPTION,
        title="Design tool seats",
        vendor="Figma",
        plan="Professional",
        seats=5,
        billing_period="monthly",
        cost=Decimal("75"),
        renewal_date=timezone.localdate() + timedelta(days=365),
    )
    submit(request_id=cancelled.pk, user=requester)
    services.request_cancel(request_id=cancelled.pk, user=requester, comment="No longer needed.")

    # The asset request the demo waits to fulfil is the assets module's (its demo.py).

    # The CEO is away this week: the owner stands in for them.
    Delegation.objects.create(
        principal=Membership.objects.get(user=ceo),
        deputy=Membership.objects.get(user=owner),
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=7),
        note="CEO on leave",
    )

    late = _purchase(requester, "Cloud credits (late)", "AWS", [("Credits", 1, 2000)])
    submit(request_id=late.pk, user=requester)
    three_days_ago = timezone.now() - timedelta(days=3)
    # Saved, not .update(): demo data leaves a history like everything else.
    for step in RequestStep.objects.filter(request=late, status=StepStatus.CURRENT):
        step.entered_at = three_days_ago
        step.due_at = three_days_ago + timedelta(hours=48)
        step._change_reason = "Demo data: overdue"
        step.save(update_fields=["entered_at", "due_at"])
    stdout.write(
        f"  {tenant.name}: {ApprovalRequest.objects.count()} requests at every gate "
        f"(logins requester@, manager@, ra@, ceo@{tenant.slug}.test)"
    )
