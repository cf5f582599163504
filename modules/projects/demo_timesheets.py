"""Demo timesheets: past weeks of the demo's time logs put into timesheets in every state.

``seed_timesheets(tenant, stdout)`` takes the time logs already written (the
demo's three months) and, through the engine's own services, submits each
person's past weeks per project; then, oldest first, it approves most, returns
one, rejects one and leaves the newest week awaiting and the current week open.
Idempotent: a week that already has a timesheet is left as it is.
"""

from __future__ import annotations

from modules.approvals.services.common import Decision
from modules.projects.models import TimeLog, Timesheet
from modules.projects.selectors.time import monday_of
from opsplatform.tenancy import tenant_context

# What happens to the submitted weeks, by age (the newest first); older ones are approved.
NEWEST_FATES = ["submitted", "returned", "rejected", "submitted"]


def seed_timesheets(tenant, stdout=None) -> int:
    from modules.approvals.selectors import current_gate
    from modules.approvals.services import request_decide
    from modules.projects.services.timesheets import week_submit
    from tenants.models import User

    made = 0
    with tenant_context(tenant):
        this_week = monday_of(tenant.today())
        weeks = (
            TimeLog.objects.filter(date__lt=this_week, timesheet__isnull=True)
            .exclude(employee__membership__isnull=True)
            .values_list("employee_id", "employee__membership__user_id", "date")
        )
        todo: dict[tuple[int, int], set] = {}
        for employee_id, user_id, day in weeks:
            todo.setdefault((employee_id, user_id), set()).add(monday_of(day))
        # Any timesheet, rejected ones too: a week the demo already decided stays decided.
        live = set(Timesheet.objects.values_list("employee_id", "week_start"))
        users = User.objects.in_bulk({user_id for _e, user_id in todo})
        for (employee_id, user_id), mondays in sorted(todo.items()):
            user = users[user_id]
            ordered = sorted(mondays, reverse=True)
            for age, week in enumerate(ordered):
                if (employee_id, week) in live:
                    continue
                try:
                    requests = week_submit(user=user, week=week)
                except Exception:  # noqa: BLE001 (a week the rules refuse is skipped, as a person would)
                    continue
                fate = NEWEST_FATES[age] if age < len(NEWEST_FATES) else "approve"
                for approval in requests:
                    made += 1
                    if fate == "submitted":
                        continue
                    step = current_gate(approval)
                    if step is None or step.approver is None:
                        continue
                    decision = {
                        "approve": Decision.APPROVE,
                        "returned": Decision.RETURN,
                        "rejected": Decision.REJECT,
                    }[fate]
                    comment = {
                        "approve": "",
                        "returned": "Please split the hours by task.",
                        "rejected": "These hours belong to another project.",
                    }[fate]
                    request_decide(
                        request_id=approval.pk,
                        user=step.approver,
                        decision=decision,
                        comment=comment,
                        step_id=step.pk,
                    )
    if stdout is not None:
        stdout.write(f"  timesheets: {made} submitted")
    return made
