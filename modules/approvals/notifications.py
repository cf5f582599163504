"""The notification types approvals sends, and how they leave a decision.

A decision only queues its notices (``later``: an outbox message in its
transaction); after it commits the huey worker works out the recipients (the requester, or whoever decides the gate,
and their deputies) and hands them to the platform service. That keeps the
decision's transaction, which holds the request's lock, to the request's own
writes. Titles are rendered in each recipient's language when shown or sent.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import NotificationType, register
from opsplatform.notifications.services import notify

MODULE = _("Approvals")

SUBMITTED = "approvals.submitted"
AWAITING = "approvals.awaiting_decision"
REMINDER = "approvals.reminder"
ESCALATED = "approvals.escalated"
APPROVED = "approvals.approved"
REJECTED = "approvals.rejected"
RETURNED = "approvals.returned"
COMPLETED = "approvals.completed"
CANCELLED = "approvals.cancelled"
DELEGATED = "approvals.delegated"

register(
    NotificationType(
        code=SUBMITTED,
        module=MODULE,
        label=_("My request was submitted"),
        title=_("%(reference)s was submitted"),
        body=_("%(title)s is on its way to %(gate)s."),
    ),
    NotificationType(
        code=AWAITING,
        module=MODULE,
        label=_("A request awaits my decision"),
        title=_("%(reference)s awaits your decision"),
        body=_("%(requester)s asks for %(title)s (%(amount)s) at the %(gate)s gate."),
    ),
    NotificationType(
        code=REMINDER,
        module=MODULE,
        label=_("Reminder of a late decision"),
        title=_("Reminder: %(reference)s is past its deadline"),
        body=_("%(title)s has waited at the %(gate)s gate longer than agreed."),
    ),
    NotificationType(
        code=ESCALATED,
        module=MODULE,
        label=_("A late request was escalated to me"),
        title=_("%(reference)s was escalated to you"),
        body=_("%(title)s waited too long at the %(gate)s gate; it is now yours to decide."),
    ),
    NotificationType(
        code=APPROVED,
        module=MODULE,
        label=_("My request passed a gate"),
        title=_("%(reference)s was approved at %(gate)s"),
        body=_("%(actor)s approved %(title)s."),
    ),
    NotificationType(
        code=REJECTED,
        module=MODULE,
        label=_("My request was rejected"),
        title=_("%(reference)s was rejected"),
        body=_("%(actor)s rejected %(title)s at the %(gate)s gate: %(comment)s"),
    ),
    NotificationType(
        code=RETURNED,
        module=MODULE,
        label=_("A request was returned for rework"),
        title=_("%(reference)s was returned for rework"),
        body=_("%(actor)s returned %(title)s: %(comment)s"),
    ),
    NotificationType(
        code=COMPLETED,
        module=MODULE,
        label=_("My request was fully approved"),
        title=_("%(reference)s is approved"),
        body=_("%(title)s passed every gate."),
    ),
    NotificationType(
        code=CANCELLED,
        module=MODULE,
        label=_("A request I was deciding was cancelled"),
        title=_("%(reference)s was cancelled"),
        body=_("%(requester)s cancelled %(title)s."),
    ),
    NotificationType(
        code=DELEGATED,
        module=MODULE,
        label=_("A request reached me as someone's deputy"),
        title=_("%(reference)s awaits you as deputy"),
        body=_("You decide %(title)s on behalf of %(principal)s at the %(gate)s gate."),
    ),
)


def request_url(request) -> str:
    return reverse(
        "admin:approvals_approvalrequest_change",
        args=[request.pk],
        urlconf="opsplatform.urls.tenant",
    )


def send(code: str, *, request, recipients, actor=None, step=None, **extra) -> None:
    recipients = [user for user in recipients if user is not None]
    if not recipients:
        return
    context = {
        "reference": request.reference,
        "title": request.title,
        "amount": request.amount_text,
        "requester": request.requester.get_full_name(),
        "gate": step.name if step is not None else "",
        "actor": actor.get_full_name() if actor is not None else "",
        "comment": "",
        "principal": "",
    }
    context.update({key: str(value) for key, value in extra.items()})
    notify(recipients=recipients, type=code, context=context, url=request_url(request), actor=actor)


ANNOUNCE = "approvals.announce"


def later(code: str, *, request, step=None, actor=None, to_deciders: bool = False, **extra) -> None:
    """Queue a notice for after commit: to the requester, or (``to_deciders``) to
    whoever decides ``step``; the worker resolves the people and sends it.

    The notice is an outbox message written in the decision's transaction
    (modules/approvals/outbox.py), so a queue that is down at commit delays
    it and loses nothing."""
    from opsplatform import outbox

    outbox.emit(
        ANNOUNCE,
        tenant=request.tenant_id,
        payload={
            "code": code,
            "request_id": request.pk,
            "step_id": step.pk if step is not None else None,
            "actor_id": actor.pk if actor is not None else None,
            "to_deciders": to_deciders,
            "extra": {key: str(value) for key, value in extra.items()},
        },
    )


def announce_by_ids(*, code, request_id, step_id, actor_id, to_deciders, extra) -> None:
    """Look the request, gate and actor up (in the current tenant) and announce."""
    from modules.approvals.models import ApprovalRequest, RequestStep
    from tenants.models import User

    request = ApprovalRequest.objects.select_related("requester").filter(pk=request_id).first()
    if request is None:
        return
    step = (
        RequestStep.objects.select_related("approver").filter(pk=step_id).first()
        if step_id
        else None
    )
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    announce_now(
        code=code, request=request, step=step, actor=actor, to_deciders=to_deciders, extra=extra
    )


def announce_now(*, code, request, step, actor, to_deciders: bool, extra: dict) -> None:
    """The worker's half of ``later`` (inside the tenant's transaction)."""
    from modules.approvals.selectors import deciders_of, deputies_for

    if not to_deciders:
        send(code, request=request, recipients=[request.requester], actor=actor, step=step, **extra)
        return
    deciders = deciders_of(step, request)
    send(code, request=request, recipients=deciders, actor=actor, step=step, **extra)
    if code != AWAITING:
        return
    deputies = deputies_for(decider.pk for decider in deciders)
    for decider in deciders:
        deputy = deputies.get(decider.pk)
        if deputy is not None and deputy.user_id != request.requester_id:
            send(
                DELEGATED,
                request=request,
                recipients=[deputy.user],
                step=step,
                principal=decider.get_full_name(),
            )
