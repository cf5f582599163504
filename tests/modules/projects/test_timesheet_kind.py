"""The timesheet as a kind of request: decided by the project manager, never by the
line manager, an outsider or a member; approval locks, return unlocks, reject lets go."""

from __future__ import annotations

from decimal import Decimal

import pytest

from modules.approvals.models import RequestStatus
from modules.projects.demo_timesheets import seed_timesheets
from modules.projects.models import TimeLog, Timesheet
from modules.projects.services import timelogs
from modules.projects.services.timesheets import week_submit
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tests.modules.projects.time_helpers import decide, last_week, make_task

pytestmark = pytest.mark.django_db


def submitted(team, user=None, hours="5"):
    user = user or team.member
    task = make_task(team)
    week = last_week(team.tenant)
    log = timelogs.timelog_create(user=user, task=task, day=week, hours=Decimal(hours))
    (approval,) = week_submit(user=user, week=week)
    return approval, log


def test_submit_goes_to_the_project_manager_with_the_weeks_hours(in_team):
    approval, log = submitted(in_team)
    sheet = approval.timesheet
    assert sheet.state == Timesheet.State.SUBMITTED
    assert approval.amount == Decimal("5")
    assert (
        "5" in approval.kind_spec.amount_display(approval)
        if hasattr(approval, "kind_spec")
        else True
    )
    step = approval.steps.get()
    assert step.approver == in_team.pm
    assert TimeLog.objects.get(pk=log.pk).timesheet == sheet


def test_approve_locks_for_good_and_a_second_approve_is_refused(in_team):
    approval, log = submitted(in_team)
    decide(approval, in_team.pm, "approve")
    approval.refresh_from_db()
    assert approval.status == RequestStatus.COMPLETED
    assert Timesheet.objects.get(pk=approval.timesheet.pk).state == Timesheet.State.APPROVED
    with pytest.raises(Refused, match="correction"):
        timelogs.timelog_update(user=in_team.member, log_id=log.pk, hours=1)
    from modules.approvals.services import request_decide

    with pytest.raises(Refused):
        request_decide(
            request_id=approval.pk,
            user=in_team.pm,
            decision="approve",
            step_id=approval.steps.get().pk,
        )


def test_return_unlocks_then_resubmit(in_team):
    approval, log = submitted(in_team)
    decide(approval, in_team.pm, "return", "Wrong task")
    timelogs.timelog_update(user=in_team.member, log_id=log.pk, hours=Decimal("4"))
    (again,) = week_submit(
        user=in_team.member,
        week=log.date - __import__("datetime").timedelta(days=log.date.weekday()),
    )
    assert again.pk == approval.pk
    sheet = Timesheet.objects.get(pk=approval.timesheet.pk)
    assert sheet.state == Timesheet.State.SUBMITTED and sheet.hours == Decimal("4")


def test_reject_lets_the_entries_go(in_team):
    approval, log = submitted(in_team)
    decide(approval, in_team.pm, "reject", "Not this project")
    assert Timesheet.objects.get(pk=approval.timesheet.pk).state == Timesheet.State.REJECTED
    assert TimeLog.objects.get(pk=log.pk).timesheet is None
    timelogs.timelog_update(user=in_team.member, log_id=log.pk, hours=2)


@pytest.mark.parametrize("who", ["outsider", "member2", "other_manager", "member"])
def test_nobody_but_the_project_manager_approves(in_team, who):
    approval, _log = submitted(in_team)
    with pytest.raises(Refused):
        decide(approval, getattr(in_team, who), "approve")
    assert Timesheet.objects.get(pk=approval.timesheet.pk).state == Timesheet.State.SUBMITTED


def test_a_project_managers_own_week_goes_to_their_line_manager(in_team):
    approval, _log = submitted(in_team, user=in_team.pm)
    assert approval.steps.get().approver == in_team.owner  # Pam reports to Olive


def test_demo_puts_past_weeks_into_timesheets_idempotently(team):
    from datetime import timedelta

    with tenant_context(team.tenant):
        task = make_task(team)
        week = last_week(team.tenant)
        for back in range(5):
            timelogs.timelog_create(
                user=team.member, task=task, day=week - timedelta(weeks=back), hours=2
            )
    made = seed_timesheets(team.tenant)
    assert made == 5
    assert seed_timesheets(team.tenant) == 0
    with tenant_context(team.tenant):
        states = set(Timesheet.objects.values_list("state", flat=True))
    assert states == {"submitted", "returned", "rejected", "approved"}
