"""SLA reminders and escalation, on a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from modules.approvals import services
from modules.approvals.models import GateAction, Route, StepStatus
from modules.approvals.selectors import inbox, stuck_steps
from tenants.models import Membership

from .conftest import decide, purchase

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def submitted_at(chain, moment):
    with freeze_time(moment):
        request = purchase(chain.requester)
        services.request_submit(request_id=request.pk, user=chain.requester)
    return request


def sweep_at(moment):
    with freeze_time(moment):
        return services.sla_sweep()


def test_nothing_happens_before_the_sla(in_acme):
    request = submitted_at(in_acme, START)
    assert sweep_at(START + timedelta(hours=47)) == {"reminded": 0, "escalated": 0}
    assert not request.log.filter(action=GateAction.REMINDED).exists()


def test_a_late_gate_reminds_once_then_escalates_to_the_approvers_manager(in_acme):
    request = submitted_at(in_acme, START)
    assert sweep_at(START + timedelta(hours=49)) == {"reminded": 1, "escalated": 0}
    assert sweep_at(START + timedelta(hours=60)) == {"reminded": 0, "escalated": 0}
    assert stuck_steps().filter(request=request).exists()

    assert sweep_at(START + timedelta(hours=97)) == {"reminded": 0, "escalated": 1}
    step = request.steps.get(status=StepStatus.CURRENT)
    # Mark (manager) reports to Dora: she takes the gate over.
    assert step.approver == in_acme.director
    assert "Escalated from Mark" in step.resolution_note
    assert inbox(in_acme.director).filter(request=request).exists()
    assert not inbox(in_acme.manager).filter(request=request).exists()
    assert list(request.log.values_list("action", flat=True))[-2:] == [
        GateAction.REMINDED,
        GateAction.ESCALATED,
    ]


def test_escalation_goes_to_the_gates_target_when_set(in_acme):
    Route.objects.get(kind="purchase").gates.filter(name="Manager").update(
        escalate_to=Membership.objects.get(user=in_acme.ceo)
    )
    request = submitted_at(in_acme, START)
    sweep_at(START + timedelta(hours=49))
    sweep_at(START + timedelta(hours=97))
    assert request.steps.get(status=StepStatus.CURRENT).approver == in_acme.ceo


def test_a_decision_before_the_sweep_wins(in_acme):
    request = submitted_at(in_acme, START)
    decide(request, in_acme.manager, "approve")
    assert sweep_at(START + timedelta(hours=49)) == {"reminded": 0, "escalated": 0}


def test_gates_without_sla_never_remind(in_acme):
    Route.objects.get(kind="purchase").gates.update(sla_hours=None)
    submitted_at(in_acme, START)
    assert sweep_at(START + timedelta(days=30)) == {"reminded": 0, "escalated": 0}


def test_the_periodic_task_sweeps_every_company(chain, tenant_b, owner_b):
    from modules.approvals.tasks import sweep_approval_deadlines
    from opsplatform.tenancy import tenant_context

    with tenant_context(chain.tenant):
        request = submitted_at(chain, START)
    with tenant_context(tenant_b):
        services.routes_ensure_defaults()
    with freeze_time(START + timedelta(hours=49)):
        sweep_approval_deadlines.call_local()
    with tenant_context(chain.tenant):
        assert request.log.filter(action=GateAction.REMINDED).count() == 1


def test_a_read_only_company_is_reminded_but_nothing_is_escalated(in_acme):
    from modules.approvals.tasks import sweep_approval_deadlines
    from tests.opsplatform.billing.read_only_helpers import make_read_only, pay

    request = submitted_at(in_acme, START)
    make_read_only(in_acme.tenant, since=START)
    with freeze_time(START + timedelta(hours=97)):
        sweep_approval_deadlines.call_local()
    step = request.steps.get(status=StepStatus.CURRENT)
    assert step.approver == in_acme.manager
    assert list(request.log.values_list("action", flat=True))[-1] == GateAction.REMINDED

    pay(in_acme.tenant)
    with freeze_time(START + timedelta(hours=98)):
        sweep_approval_deadlines.call_local()
    step = request.steps.get(status=StepStatus.CURRENT)
    assert step.approver == in_acme.director
