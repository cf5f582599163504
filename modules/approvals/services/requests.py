"""Requests: drafts, submitting, deciding, cancelling, comments and attachments."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from modules.approvals import notifications as notices
from modules.approvals.kinds import AMOUNT_FIELD, KIND_FIELDS, OPTIONAL_FIELDS, computed_amount
from modules.approvals.models import (
    ApprovalRequest,
    Attachment,
    Comment,
    GateAction,
    PurchaseLine,
    RequestKind,
    RequestStatus,
    RequestStep,
    StepStatus,
)
from modules.approvals.routing import Directory, resolve_gate
from modules.approvals.selectors import can_decide, on_behalf_of
from modules.approvals.services.common import (
    Decision,
    RequestRefused,
    current_gate,
    enter_gate,
    inboxes_changed,
    lock_request,
    log_event,
    next_pending_gate,
    person_name,
)
from modules.approvals.services.routes import route_for
from modules.approvals.workflow import RequestFlow, TransitionNotAllowed
from opsplatform.tenancy.context import require_current_tenant
from tenants.models import Tenant, User

# -- drafts -----------------------------------------------------------------------


def _next_number() -> int:
    tenant = require_current_tenant()
    # Numbers are per company; locking the company row serialises their issue
    # (NO KEY: a plain FOR UPDATE would block the commit-time foreign-key checks
    # of other transactions that hold the audit chain, a deadlock).
    Tenant.objects.select_for_update(no_key=True).filter(pk=tenant.pk).first()
    last = ApprovalRequest.objects.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _refresh_derived(request: ApprovalRequest, lines=None) -> None:
    from modules.employees.selectors import employee_for_user

    tenant = require_current_tenant()
    if not request.currency:
        request.currency = tenant.currency
    if request.kind != RequestKind.PAYMENT and request.currency != tenant.currency:
        request.currency = tenant.currency
    employee = employee_for_user(request.requester)
    request.employee = employee
    request.department_id = employee.department_id if employee is not None else None
    request.amount = computed_amount(request, company_currency=tenant.currency, lines=lines)


@transaction.atomic
def request_save(*, request: ApprovalRequest, user: User, lines=None) -> ApprovalRequest:
    """Create or update a draft (or a returned request) from the requester's form."""
    if request.pk is None:
        request.requester = user
        request.number = _next_number()
    else:
        if request.requester_id != user.pk:
            raise RequestRefused(_("Only the requester can change a request."))
        if request.status not in (RequestStatus.DRAFT, RequestStatus.RETURNED):
            raise RequestRefused(
                _("%(reference)s is %(status)s and can no longer be changed.")
                % {"reference": request.reference, "status": request.get_status_display()}
            )
    _refresh_derived(request, lines)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_create(*, user: User, kind: str, title: str, lines=(), **fields) -> ApprovalRequest:
    """A draft from code (demo data, tests, the API): fields as on the form, lines as dicts."""
    request = ApprovalRequest(kind=kind, title=title, **fields)
    request_save(request=request, user=user)
    if lines:
        # One statement for the lines and one for their history: every write is audited.
        bulk_create_with_history(
            [PurchaseLine(request=request, tenant=request.tenant, **line) for line in lines],
            PurchaseLine,
            default_user=user,
            default_change_reason=_("Created with the request"),
        )
        request_save(request=request, user=user)
    return request


def check_complete(request: ApprovalRequest) -> None:
    """Every field the kind needs is there; raise ``ValidationError`` naming the missing ones."""
    tenant = require_current_tenant()
    errors: dict[str, str] = {}
    required = _("This field is required before submitting.")
    for name in KIND_FIELDS.get(request.kind, []):
        if name in OPTIONAL_FIELDS:
            continue
        value = getattr(request, name)
        if value in (None, "") or (hasattr(value, "url") and not value):
            errors[name] = required
    if request.kind == RequestKind.PAYMENT:
        currency = request.currency or tenant.currency
        if currency != tenant.currency and request.company_amount is None:
            errors["company_amount"] = _(
                "The payment is in %(currency)s: give its value in %(company)s for the approval limits."
            ) % {"currency": currency, "company": tenant.currency}
    if request.kind == RequestKind.PURCHASE and not request.lines.exists():
        errors["vendor"] = errors.get("vendor") or _(
            "Add at least one line item before submitting."
        )
    amount_field = AMOUNT_FIELD.get(request.kind)
    if request.amount <= 0 and amount_field not in errors:
        # A zero or negative request would pass every threshold gate untouched.
        errors[amount_field] = _("The amount must be more than zero to submit.")
    if errors:
        raise ValidationError(errors)


def _resolve_steps(request: ApprovalRequest) -> list[tuple[str, RequestStep, str]]:
    """Work out who decides each copied gate now (after submit or resubmit).

    Returns the log entries that explain a skipped or passed-on gate.
    """
    directory = Directory()
    notes = []
    for step in request.steps.order_by("position"):
        resolution = resolve_gate(step, request, directory)
        step.status = StepStatus.PENDING if resolution.applies else StepStatus.SKIPPED
        step.approver = resolution.approver
        step.decider_role = resolution.role
        step.resolution_note = resolution.note
        step.entered_at = step.due_at = step.decided_at = None
        step.reminded_at = step.escalated_at = None
        step.decided_by = None
        step.save()
        if not resolution.applies:
            notes.append((GateAction.SKIPPED, step, resolution.note))
        elif resolution.note:
            notes.append((GateAction.REROUTED, step, resolution.note))
    return notes


def _start(request: ApprovalRequest, *, user: User, action: str, comment: str = "") -> None:
    notes = _resolve_steps(request)
    first = next_pending_gate(request)
    to_gate = first.name if first is not None else _("Completed")
    log_event(request, action, actor=user, to_gate=to_gate, with_snapshot=True, comment=comment)
    for note_action, step, note in notes:
        log_event(request, note_action, step=step, comment=note)
    if first is None:
        RequestFlow(request).complete()
        request.save()
        log_event(request, GateAction.COMPLETED, comment=_("No gate applies to this request."))
        notices.later(notices.COMPLETED, request=request)
        return
    enter_gate(first, request)
    notices.later(notices.SUBMITTED, request=request, step=first)


@transaction.atomic
def request_submit(*, request_id, user: User) -> ApprovalRequest:
    request = lock_request(request_id)
    if request.requester_id != user.pk:
        raise RequestRefused(_("Only the requester can submit a request."))
    if request.status != RequestStatus.DRAFT:
        raise RequestRefused(
            _("%(reference)s was already submitted (%(status)s).")
            % {"reference": request.reference, "status": request.get_status_display()}
        )
    _refresh_derived(request)
    check_complete(request)
    RequestFlow(request).submit()
    request.save()
    route = route_for(request.kind)
    bulk_create_with_history(
        [
            RequestStep(
                request=request, tenant=request.tenant, position=position, **gate.definition()
            )
            for position, gate in enumerate(route.gates.order_by("position", "pk"))
        ],
        RequestStep,
        default_user=user,
        default_change_reason=_("Route copied on submit"),
    )
    _start(request, user=user, action=GateAction.SUBMITTED)
    inboxes_changed()
    return request


@transaction.atomic
def request_resubmit(*, request_id, user: User, comment: str = "") -> ApprovalRequest:
    request = lock_request(request_id)
    if request.requester_id != user.pk:
        raise RequestRefused(_("Only the requester can resubmit a request."))
    try:
        RequestFlow(request).resubmit()
    except TransitionNotAllowed:
        raise RequestRefused(
            _("%(reference)s is %(status)s; only a returned request can be resubmitted.")
            % {"reference": request.reference, "status": request.get_status_display()}
        ) from None
    _refresh_derived(request)
    check_complete(request)
    request.save()
    _start(request, user=user, action=GateAction.RESUBMITTED, comment=comment)
    inboxes_changed()
    return request


# -- decisions ------------------------------------------------------------------------


def _already_decided_message(request: ApprovalRequest, step_id=None) -> str:
    decisive = [GateAction.APPROVED, GateAction.REJECTED, GateAction.RETURNED, GateAction.CANCELLED]
    log = request.log.filter(action__in=decisive).select_related("actor")
    if step_id is not None:
        log = log.filter(step_id=step_id)
    entry = log.order_by("-at", "-pk").first()
    if entry is None:
        return _("%(reference)s is %(status)s; it has no decision waiting here.") % {
            "reference": request.reference,
            "status": request.get_status_display(),
        }
    return _(
        "Already decided: %(actor)s %(action)s %(reference)s at the %(gate)s gate on %(when)s."
    ) % {
        "actor": person_name(entry.actor),
        "action": entry.get_action_display().lower(),
        "reference": request.reference,
        "gate": entry.from_gate or "—",
        "when": date_format(timezone.localtime(entry.at), "DATETIME_FORMAT"),
    }


OUT_OF_DATE = _lazy(
    "This form is out of date: it does not say which gate you decided. Reload the page and decide again."
)


def _check_decidable(
    request: ApprovalRequest, step: RequestStep | None, user: User, step_id
) -> None:
    # A decision names the gate the person saw. Without it a second click (or
    # a crafted POST) would land on whatever gate the request has reached
    # since, deciding a gate nobody looked at.
    if step_id is None or not str(step_id).isdigit():
        raise RequestRefused(OUT_OF_DATE)
    if request.requester_id == user.pk:
        raise RequestRefused(_("You cannot decide your own request."))
    if request.status != RequestStatus.IN_REVIEW or step is None:
        raise RequestRefused(_already_decided_message(request))
    if str(step_id) != str(step.pk):
        # The form was for a gate that has since been decided.
        raise RequestRefused(_already_decided_message(request))
    if not can_decide(user, step, request):
        raise RequestRefused(
            _("The %(gate)s gate of %(reference)s is not yours to decide.")
            % {"gate": step.name, "reference": request.reference}
        )


@dataclass
class Outcome:
    request: ApprovalRequest
    message: str


@transaction.atomic
def request_decide(
    *, request_id, user: User, decision: str, comment: str = "", step_id=None, return_to=None
) -> Outcome:
    """Approve, reject or return the gate the request stands at.

    ``step_id`` is the gate the person was looking at, and is required: if
    another decision moved the request meanwhile, this one is refused with who
    decided first; without it the decision is refused as out of date.
    ``return_to`` (a step id) sends the request back to an earlier gate
    instead of to the requester.
    """
    comment = (comment or "").strip()
    try:
        request = lock_request(request_id)
    except ApprovalRequest.DoesNotExist:
        raise RequestRefused(_("This request does not exist.")) from None
    step = current_gate(request)
    _check_decidable(request, step, user, step_id)
    if decision in (Decision.REJECT, Decision.RETURN) and not comment:
        raise RequestRefused(
            _("Say why in a comment: it is required to reject or return a request.")
        )
    behalf = on_behalf_of(user, step)
    now = timezone.now()
    flow = RequestFlow(request)

    if decision == Decision.APPROVE:
        following = next_pending_gate(request, after=step.position)
        step.status = StepStatus.APPROVED
        step.decided_by, step.decided_at = user, now
        step.save()
        flow.approve(last_gate=following is None)
        request.save()
        log_event(
            request,
            GateAction.APPROVED,
            step=step,
            actor=user,
            behalf=behalf,
            to_gate=following.name if following else _("Completed"),
            comment=comment,
            with_snapshot=True,
        )
        if following is not None:
            enter_gate(following, request, now=now)
            notices.later(notices.APPROVED, request=request, actor=user, step=step)
            message = _("%(reference)s approved; it moves on to %(gate)s.") % {
                "reference": request.reference,
                "gate": following.name,
            }
        else:
            log_event(request, GateAction.COMPLETED, step=step)
            notices.later(notices.COMPLETED, request=request, actor=user)
            message = _("%(reference)s approved; it is now complete.") % {
                "reference": request.reference
            }

    elif decision == Decision.REJECT:
        step.status = StepStatus.REJECTED
        step.decided_by, step.decided_at = user, now
        step.save()
        flow.reject()
        request.save()
        log_event(
            request,
            GateAction.REJECTED,
            step=step,
            actor=user,
            behalf=behalf,
            comment=comment,
            with_snapshot=True,
        )
        notices.later(notices.REJECTED, request=request, actor=user, step=step, comment=comment)
        message = _("%(reference)s rejected.") % {"reference": request.reference}

    elif decision == Decision.RETURN:
        target = None
        if return_to not in (None, ""):
            if not str(return_to).isdigit():
                raise RequestRefused(
                    _("A request can only go back to a gate it has already passed.")
                )
            target = request.steps.filter(
                pk=return_to, position__lt=step.position, status=StepStatus.APPROVED
            ).first()
            if target is None:
                raise RequestRefused(
                    _("A request can only go back to a gate it has already passed.")
                )
        flow.send_back(to_requester=target is None)
        request.save()
        reopened = request.steps.exclude(status=StepStatus.SKIPPED)
        if target is None:
            to_gate = _("Requester")
        else:
            reopened = reopened.filter(position__gte=target.position, position__lte=step.position)
            to_gate = target.name
        # One save per gate (a handful), so each gate's history shows it reopened.
        for reopen in reopened:
            reopen.status = StepStatus.PENDING
            reopen.save(update_fields=["status"])
        log_event(
            request,
            GateAction.RETURNED,
            step=step,
            actor=user,
            behalf=behalf,
            to_gate=to_gate,
            comment=comment,
            with_snapshot=True,
        )
        if target is not None:
            target.refresh_from_db()
            enter_gate(target, request, now=now)
        notices.later(notices.RETURNED, request=request, actor=user, step=step, comment=comment)
        message = _("%(reference)s returned to %(gate)s.") % {
            "reference": request.reference,
            "gate": to_gate,
        }
    else:
        raise RequestRefused(_("Unknown decision."))

    inboxes_changed()
    return Outcome(request=request, message=message)


def requests_approve(*, items, user: User) -> list[tuple[int, bool, str]]:
    """Approve several requests, each exactly as if approved alone; one outcome per request.

    ``items`` are (request id, gate id) pairs for the gates the person saw, so
    a request that moved on meanwhile is refused, not approved at its next
    gate; an item without its gate is refused as out of date. Each decision has
    its own savepoint: a refusal leaves the others standing.
    """
    results = []
    for item in items:
        request_id, step_id = item if isinstance(item, tuple) else (item, None)
        try:
            with transaction.atomic():
                outcome = request_decide(
                    request_id=request_id, user=user, decision=Decision.APPROVE, step_id=step_id
                )
            results.append((request_id, True, outcome.message))
        except RequestRefused as refusal:
            results.append((request_id, False, str(refusal)))
    return results


@transaction.atomic
def request_cancel(*, request_id, user: User, comment: str = "") -> ApprovalRequest:
    request = lock_request(request_id)
    if request.requester_id != user.pk:
        raise RequestRefused(_("Only the requester can cancel a request."))
    step = current_gate(request)
    try:
        RequestFlow(request).cancel()
    except TransitionNotAllowed:
        raise RequestRefused(
            _("%(reference)s is %(status)s and can no longer be cancelled.")
            % {"reference": request.reference, "status": request.get_status_display()}
        ) from None
    request.save()
    if step is not None:
        step.status = StepStatus.PENDING
        step.save()
        # Whoever was deciding it hears that it is gone.
        notices.later(notices.CANCELLED, request=request, actor=user, step=step, to_deciders=True)
    log_event(request, GateAction.CANCELLED, step=step, actor=user, comment=comment.strip())
    inboxes_changed()
    return request


# -- comments and attachments ---------------------------------------------------------


@transaction.atomic
def comment_add(*, request: ApprovalRequest, user: User, body: str) -> Comment:
    comment = Comment(request=request, author=user, body=(body or "").strip())
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def attachment_add(*, request: ApprovalRequest, user: User, file, note: str = "") -> Attachment:
    attachment = Attachment(request=request, uploaded_by=user, file=file, note=note)
    attachment.full_clean()
    attachment.save()
    return attachment
