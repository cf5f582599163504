"""Who decides each gate: conditions, self-approval, vacancies, edited routes."""

from __future__ import annotations

from decimal import Decimal

from modules.approvals import services
from modules.approvals.models import ApproverType, GateAction, RequestStep, Route, StepStatus
from modules.employees.models import Employee
from tenants.models import Membership
from tenants.roles import RoleCode

from .conftest import purchase


def gates(request):
    return [
        (step.name, step.status, step.approver.email if step.approver else step.decider_role)
        for step in RequestStep.objects.filter(request=request).select_related("approver")
    ]


def test_default_purchase_route_skips_the_ceo_at_or_below_ten_thousand(in_acme):
    request = purchase(in_acme.requester, total=10000)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert gates(request) == [
        ("Manager", StepStatus.CURRENT, "mark@acme.test"),
        ("Revenue Assurance", StepStatus.PENDING, RoleCode.REVENUE_ASSURANCE),
        ("CEO", StepStatus.SKIPPED, ""),
        ("Owner", StepStatus.PENDING, RoleCode.OWNER),
    ]
    skipped = request.log.get(action=GateAction.SKIPPED)
    assert "Only for amounts above 10,000.00" in skipped.comment


def test_ceo_gate_applies_above_ten_thousand(in_acme):
    request = purchase(in_acme.requester, total=10001)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert [status for _name, status, _who in gates(request)] == [
        StepStatus.CURRENT,
        StepStatus.PENDING,
        StepStatus.PENDING,
        StepStatus.PENDING,
    ]


def test_preview_names_the_people_who_will_decide(in_acme):
    request = purchase(in_acme.requester, total=20000)
    preview = services.route_preview(request)
    assert [(gate.name, gate.applies, gate.deciders) for gate in preview] == [
        ("Manager", True, ["Mark"]),
        ("Revenue Assurance", True, ["Rita"]),
        ("CEO", True, ["Cleo"]),
        ("Owner", True, ["Owner"]),
    ]


def test_department_condition(in_acme):
    route = Route.objects.get(kind="purchase")
    route.gates.filter(name="Revenue Assurance").update(department=None)
    other = in_acme.department.__class__.objects.create(name="Sales")
    route.gates.filter(name="Owner").update(department=other)
    request = purchase(in_acme.requester)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    owner_step = request.steps.get(name="Owner")
    assert owner_step.status == StepStatus.SKIPPED
    assert owner_step.resolution_note == "Only for another department."


def test_a_manager_requesting_goes_to_their_own_manager(in_acme):
    request = purchase(in_acme.manager)
    services.request_submit(request_id=request.pk, user=in_acme.manager)
    assert request.steps.get(name="Manager").approver == in_acme.director


def test_self_approval_passes_to_the_next_person_up_and_says_why(in_acme):
    # Rita (revenue assurance) is the only holder of her role: her own gate passes up.
    request = purchase(in_acme.ra)
    services.request_submit(request_id=request.pk, user=in_acme.ra)
    ra_step = request.steps.get(name="Revenue Assurance")
    assert ra_step.approver == in_acme.owner
    assert "Rita is the requester: passed to Owner" in ra_step.resolution_note
    assert request.log.filter(action=GateAction.REROUTED, step=ra_step).exists()


def test_self_approval_uses_the_escalation_target_first(in_acme):
    route = Route.objects.get(kind="purchase")
    ceo_membership = Membership.objects.get(user=in_acme.ceo)
    route.gates.filter(name="Revenue Assurance").update(escalate_to=ceo_membership)
    request = purchase(in_acme.ra)
    services.request_submit(request_id=request.pk, user=in_acme.ra)
    assert request.steps.get(name="Revenue Assurance").approver == in_acme.ceo


def test_owner_requesting_skips_their_own_gate_when_nobody_is_above(in_acme):
    request = purchase(in_acme.owner)
    services.request_submit(request_id=request.pk, user=in_acme.owner)
    owner_step = request.steps.get(name="Owner")
    assert owner_step.status == StepStatus.SKIPPED
    assert "is the requester and nobody is above them" in owner_step.resolution_note


def test_a_vacant_line_manager_gate_goes_to_the_owners(in_acme):
    Employee.objects.filter(membership__user=in_acme.requester).update(manager=None)
    request = purchase(in_acme.requester)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    step = request.steps.get(name="Manager")
    assert (step.approver, step.decider_role) == (None, RoleCode.OWNER)
    assert "no line manager" in step.resolution_note


def test_a_manager_without_login_is_a_vacancy_the_escalation_target_fills(in_acme):
    Membership.objects.filter(user=in_acme.manager).update(status=Membership.Status.DEACTIVATED)
    Route.objects.get(kind="purchase").gates.filter(name="Manager").update(
        escalate_to=Membership.objects.get(user=in_acme.director)
    )
    request = purchase(in_acme.requester)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    step = request.steps.get(name="Manager")
    assert step.approver == in_acme.director
    assert "has no login" in step.resolution_note


def test_named_person_and_department_head_gates(in_acme):
    route = Route.objects.get(kind="purchase")
    route.gates.all().delete()
    in_acme.department.head = in_acme.employee(in_acme.director)
    in_acme.department.save()
    route.gates.create(name="Head", approver_type=ApproverType.DEPARTMENT_HEAD, position=0)
    route.gates.create(
        name="Controller",
        approver_type=ApproverType.PERSON,
        person=Membership.objects.get(user=in_acme.ceo),
        position=1,
    )
    request = purchase(in_acme.requester)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert gates(request) == [
        ("Head", StepStatus.CURRENT, "dora@acme.test"),
        ("Controller", StepStatus.PENDING, "cleo@acme.test"),
    ]


def test_editing_a_route_does_not_change_requests_in_flight(in_acme):
    request = purchase(in_acme.requester, total=50000)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    route = Route.objects.get(kind="purchase")
    route.gates.filter(name="CEO").delete()
    route.gates.create(name="Board", approver_type=ApproverType.ROLE, role="owner", position=9)
    assert [step.name for step in request.steps.all()] == [
        "Manager",
        "Revenue Assurance",
        "CEO",
        "Owner",
    ]
    fresh = purchase(in_acme.requester, total=50000)
    services.request_submit(request_id=fresh.pk, user=in_acme.requester)
    assert [step.name for step in fresh.steps.all()] == [
        "Manager",
        "Revenue Assurance",
        "Owner",
        "Board",
    ]


def test_amount_is_computed_per_kind(in_acme):
    vas = services.request_create(
        user=in_acme.requester,
        kind="vas",
        title="SMS",
        service="SMS",
        provider="Twilio",
        monthly_cost=Decimal("100"),
        start_date="2026-12-01",
        term_months=12,
    )
    subscription = services.request_create(
        user=in_acme.requester,
        kind="subscription",
        title="Figma",
        vendor="Figma",
        plan="Pro",
        seats=3,
        billing_period="monthly",
        cost=Decimal("45"),
        renewal_date="2027-12-01",
    )
    payment = services.request_create(
        user=in_acme.requester,
        kind="payment",
        title="Invoice",
        payee="ACME Supplies",
        payment_amount=Decimal("900"),
        currency="EUR",
        company_amount=Decimal("1000"),
        due_date="2026-12-10",
    )
    assert (vas.amount, subscription.amount, payment.amount) == (
        Decimal("1200"),
        Decimal("540"),
        Decimal("1000"),
    )


def test_default_routes_are_named_in_the_companys_language(tenant_b, owner_b):
    from opsplatform.tenancy import tenant_context

    tenant_b.default_language = "ar"
    tenant_b.save()
    with tenant_context(tenant_b):
        services.routes_ensure_defaults()
        names = list(Route.objects.get(kind="purchase").gates.values_list("name", flat=True))
    assert names[0] != "Manager" and names[0]  # the Arabic catalogue's word for it
