"""Reads for approvals: the inbox, what a person may see, deputies, what changed."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from modules.approvals.kinds import field_label, snapshot
from modules.approvals.models import (
    ApprovalRequest,
    Delegation,
    GateAction,
    GateLog,
    RequestStep,
    StepStatus,
)
from opsplatform.counts import cached_count, register_count
from opsplatform.permissions import current_roles, per_user_cache
from tenants.models import Membership, RoleGrant, User


def principals_of(user) -> dict[int, set[str]]:
    """Whom ``user`` stands in for today: {principal user id: that principal's roles}."""

    def compute() -> dict[int, set[str]]:
        today = timezone.localdate()
        rows = Delegation.objects.filter(
            deputy__user_id=user.pk,
            deputy__status=Membership.Status.ACTIVE,
            starts_on__lte=today,
            ends_on__gte=today,
        ).values_list("principal_id", "principal__user_id")
        membership_to_user = dict(rows)
        result: dict[int, set[str]] = {uid: set() for uid in membership_to_user.values()}
        if membership_to_user:
            for membership_id, role in RoleGrant.objects.filter(
                membership_id__in=membership_to_user
            ).values_list("membership_id", "role"):
                result[membership_to_user[membership_id]].add(role)
        return result

    return per_user_cache(user, "approvals.principals", compute)


def deputies_for(principal_user_ids) -> dict[int, Membership]:
    """The active deputy (a Membership with its user) of each of these people today (one query)."""
    today = timezone.localdate()
    delegations = (
        Delegation.objects.filter(
            principal__user_id__in=list(principal_user_ids),
            deputy__status=Membership.Status.ACTIVE,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .select_related("principal", "deputy__user")
        .order_by("starts_on", "pk")  # the latest one wins below
    )
    return {delegation.principal.user_id: delegation.deputy for delegation in delegations}


def deciders_of(step: RequestStep, request: ApprovalRequest) -> list:
    """The people who may decide ``step`` (not counting deputies), never the requester."""
    if step is None:
        return []
    if step.approver_id is not None:
        return [step.approver]
    return [
        grant.membership.user
        for grant in RoleGrant.objects.filter(
            role=step.decider_role, membership__status=Membership.Status.ACTIVE
        ).select_related("membership__user")
        if grant.membership.user_id != request.requester_id
    ]


def decider_q(user, prefix: str = "") -> Q:
    """Steps ``user`` may decide: theirs, their role's, or a principal's they stand in for."""
    roles = set(current_roles(user))
    principals = principals_of(user)
    approver_ids = {user.pk, *principals}
    for principal_roles in principals.values():
        roles |= principal_roles
    q = Q(**{f"{prefix}approver_id__in": approver_ids})
    if roles:
        q |= Q(**{f"{prefix}approver__isnull": True, f"{prefix}decider_role__in": roles})
    return q


def on_behalf_of(user, step: RequestStep):
    """The principal ``user`` decides for at this step (a user id), or None when it is theirs."""
    if step.approver_id == user.pk:
        return None
    if step.approver_id is None and step.decider_role in current_roles(user):
        return None
    for principal_id, roles in principals_of(user).items():
        if step.approver_id == principal_id or (
            step.approver_id is None and step.decider_role in roles
        ):
            return principal_id
    return None


def can_decide(user, step: RequestStep | None, request: ApprovalRequest) -> bool:
    if step is None or step.status != StepStatus.CURRENT or request.requester_id == user.pk:
        return False
    if step.approver_id == user.pk:
        return True
    if step.approver_id is None and step.decider_role in current_roles(user):
        return True
    return on_behalf_of(user, step) is not None


def inbox(user) -> QuerySet[RequestStep]:
    """Gates awaiting ``user``'s decision, oldest first, with what the list shows."""
    return (
        RequestStep.objects.filter(status=StepStatus.CURRENT)
        .filter(decider_q(user))
        .exclude(request__requester_id=user.pk)
        .select_related("request__requester", "approver")
        .order_by("entered_at", "pk")
    )


INBOX_COUNT = register_count(
    "approvals.inbox",
    lambda user: inbox(user).count(),
    # Who decides a gate: its state and approver, deputies, roles and who is a member.
    # (Connected when this module is imported: by the admin's autodiscovery and by
    # the services, so in web and worker processes alike.)
    changes_with=[
        "approvals.RequestStep",
        "approvals.Delegation",
        "tenants.RoleGrant",
        "tenants.Membership",
    ],
)


def inbox_count(user) -> int:
    """How many gates await ``user``: once per request (the sidebar badge, the dashboard
    and the inbox share it), from the cache until a gate, deputy or role changes."""
    return cached_count(INBOX_COUNT.name, user)


def current_gate(approval: ApprovalRequest) -> RequestStep | None:
    """The gate the request stands at (a ``RequestStep`` whose status is *current*)."""
    return approval.steps.filter(status=StepStatus.CURRENT).first()


def visible_requests(user) -> QuerySet[ApprovalRequest]:
    """Requests ``user`` may read: their own, their team's, those they decide or decided.

    Owners, the CEO, finance and revenue assurance see every request.
    """
    from modules.employees.selectors import has_reports, my_reports

    queryset = ApprovalRequest.objects.all()
    roles = current_roles(user)
    if roles & {"owner", "ceo", "finance", "revenue_assurance"}:
        return queryset
    involved = RequestStep.objects.filter(request_id=OuterRef("pk")).filter(
        Q(decided_by_id=user.pk) | (decider_q(user) & ~Q(status=StepStatus.PENDING))
    )
    condition = Q(requester_id=user.pk) | Exists(involved)
    if has_reports(user):  # a subquery: a big team is not a list of ids
        condition |= Q(employee_id__in=my_reports(user))
    return queryset.filter(condition)


def stuck_steps() -> QuerySet[RequestStep]:
    return RequestStep.objects.filter(status=StepStatus.CURRENT, due_at__lt=timezone.now())


def request_log(request: ApprovalRequest) -> QuerySet[GateLog]:
    return request.log.select_related("actor", "on_behalf_of").order_by("at", "pk")


def changes_since_last_decision(request: ApprovalRequest, user) -> list[tuple[str, str, str]]:
    """What the requester changed since ``user`` last decided this request.

    Empty when they never decided it or nothing changed.
    """
    last = (
        request.log.filter(
            actor_id=user.pk,
            action__in=[GateAction.APPROVED, GateAction.RETURNED, GateAction.REJECTED],
        )
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or not last.snapshot:
        return []
    now = snapshot(request)
    return [
        (field_label(name, request.kind), last.snapshot.get(name, ""), value)
        for name, value in now.items()
        if last.snapshot.get(name, "") != value
    ]


def steps_for_tracker(request: ApprovalRequest) -> list[RequestStep]:
    return list(request.steps.select_related("approver", "decided_by").order_by("position"))


def inbox_rows(user, steps: list[RequestStep], *, now) -> list[dict]:
    """One inbox page's rows: the gate, its request, how long it waited, whether it
    is late, whose deputy I am for it, and where "Return" may send it.

    Two queries for the page, whatever its size: the gates each request already
    passed, and the names of the people I stand in for.
    """
    passed: dict[int, list[RequestStep]] = {}
    for earlier in RequestStep.objects.filter(
        request_id__in=[step.request_id for step in steps], status=StepStatus.APPROVED
    ).order_by("position"):
        passed.setdefault(earlier.request_id, []).append(earlier)
    behalf = {step.pk: on_behalf_of(user, step) for step in steps}
    principals = User.objects.in_bulk([pk for pk in behalf.values() if pk])
    return [
        {
            "step": step,
            "request": step.request,
            "waiting": now - step.entered_at if step.entered_at else None,
            "late": bool(step.due_at and step.due_at < now),
            "for_principal": principals.get(behalf[step.pk]),
            "return_targets": [
                earlier
                for earlier in passed.get(step.request_id, [])
                if earlier.position < step.position
            ],
        }
        for step in steps
    ]
