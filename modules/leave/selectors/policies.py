"""Which policy applies to whom.

When several policies of one leave type match a person, the most specific
assignment wins: the person, then their department, then their location, then
their employment type, then the whole company (an assignment with nothing set).
A tie goes to the policy with the lowest priority number, then the oldest
assignment. Inactive policies never match. docs/leave.md says the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from modules.leave.models import LeavePolicy, PolicyAssignment

# Lower is more specific.
PERSON, DEPARTMENT, LOCATION, EMPLOYMENT_TYPE, COMPANY = range(5)


def _specificity(assignment: PolicyAssignment, employee) -> int | None:
    """How specifically ``assignment`` names ``employee``, or None if it does not match."""
    if assignment.employee_id is not None:
        return PERSON if assignment.employee_id == employee.pk else None
    if assignment.department_id is not None:
        return DEPARTMENT if assignment.department_id == employee.department_id else None
    if assignment.location_id is not None:
        return LOCATION if assignment.location_id == employee.location_id else None
    if assignment.employment_type:
        return EMPLOYMENT_TYPE if assignment.employment_type == employee.employment_type else None
    return COMPANY


def active_assignments(leave_type_ids: Iterable[int] | None = None) -> list[PolicyAssignment]:
    """Every assignment of an active policy, with its policy (one query)."""
    assignments = PolicyAssignment.objects.filter(policy__active=True).select_related(
        "policy", "policy__leave_type"
    )
    if leave_type_ids is not None:
        assignments = assignments.filter(policy__leave_type_id__in=list(leave_type_ids))
    return list(assignments.order_by("pk"))


def policies_for(
    employee, assignments: list[PolicyAssignment] | None = None
) -> dict[int, LeavePolicy]:
    """{leave type id: the policy that applies to ``employee``} (one query, or none when
    the caller passes ``active_assignments()`` for many people)."""
    if assignments is None:
        assignments = active_assignments()
    best: dict[int, tuple[tuple[int, int, int], LeavePolicy]] = {}
    for assignment in assignments:
        level = _specificity(assignment, employee)
        if level is None:
            continue
        policy = assignment.policy
        rank = (level, policy.priority, assignment.pk)
        known = best.get(policy.leave_type_id)
        if known is None or rank < known[0]:
            best[policy.leave_type_id] = (rank, policy)
    return {type_id: policy for type_id, (_rank, policy) in best.items()}


def policy_for(employee, leave_type) -> LeavePolicy | None:
    """The policy of one leave type that applies to ``employee``, or None."""
    type_id = getattr(leave_type, "pk", leave_type)
    return policies_for(employee, active_assignments([type_id])).get(type_id)
