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
from modules.approvals.deciders import Directory, resolve_gate
from modules.approvals.kinds import computed_amount, get_kind
from modules.approvals.kinds.purchase import PurchaseLine
from modules.approvals.models import (
    ApprovalRequest,
    Attachment,
    Comment,
    GateAction,
    RequestStatus,
    RequestStep,
    StepStatus,
)
from modules.approvals.selectors import can_decide, current_gate, on_behalf_of
from modules.approvals.services.common import (
    Decision,
    enter_gate,
    inboxes_changed,
    lock_request,
    log_event,
    next_pending_gate,
)
from modules.approvals.services.routes import route_for
from modules.approvals.workflow import RequestFlow, TransitionNotAllowed
from opsplatform.refusals import Refused
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


def _refresh_derived(request: ApprovalRequest, subject=None, lines=None):
    from modules.employees.selectors import employee_for_user

    tenant = require_current_tenant()
    spec = _spec(request)
    if subject is None:
        subject = spec.subject_of(request)
    spec.before_save(subject, approval=request, company_currency=tenant.currency)
    # ``amount`` is always in the company currency (a foreign payment gives its value in it).
    request.currency = tenant.currency
    employee = employee_for_user(request.requester)
    request.employee = employee
    request.department_id = employee.department_id if employee is not None else None
    request.amount = computed_amount(
        request, subject, company_currency=tenant.currency, lines=lines
    )
    return subject


def _spec(request: ApprovalRequest):
    spec = get_kind(request.kind)
    if spec is None:
        raise Refused(_("This kind of request is not available."))
    return spec


@transaction.atomic
def request_save(
    *, request: ApprovalRequest, user: User, subject=None, lines=None
) -> ApprovalRequest:
    """Create or update a draft (or a returned request) from the requester's form.

    ``subject`` is the kind's own row with the form's values (default: the saved one).
    """
    if request.pk is None:
        request.requester = user
        request.number = _next_number()
    else:
        if request.requester_id != user.pk:
            raise Refused(_("Only the requester can change a request."))
        if request.status not in (RequestStatus.DRAFT, RequestStatus.RETURNED):
            raise Refused(
                _("%(reference)s is %(status)s and can no longer be changed.")
                % {"reference": request.reference, "status": request.get_status_display()}
            )
    spec = _spec(request)
    subject = _refresh_derived(request, subject, lines)
    errors = {}
    for clean in (request.full_clean, lambda: spec.clean_subject(subject)):
        try:
            clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
    if errors:
        raise ValidationError(errors)
    request.save()
    subject.approval = request
    subject.save()
    return request


def _split_fields(kind: str, fields: dict) -> tuple[dict, dict]:
    spec = get_kind(kind)
    own = set(spec.fields) | {f.name for f in spec.subject_model._meta.fields} - {
        "id",
        "tenant",
        "approval",
    }
    engine = {k: v for k, v in fields.items() if k not in own}
    subject = {k: v for k, v in fields.items() if k in own}
    return engine, subject


@transaction.atomic
def request_create(*, user: User, kind: str, title: str, lines=(), **fields) -> ApprovalRequest:
    """A draft from code (demo data, tests, the API): fields as on the form, lines as dicts.

    The kind's own fields go to its subject; the rest (``description``) to the request.
    """
    if get_kind(kind) is None:
        raise Refused(_("This kind of request is not available."))
    engine_fields, subject_fields = _split_fields(kind, fields)
    request = ApprovalRequest(kind=kind, title=title, **engine_fields)
    subject = get_kind(kind).subject_model(**subject_fields)
    request_save(request=request, user=user, subject=subject)
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
    spec = _spec(request)
    subject = spec.subject_of(request)
    errors = spec.required_errors(subject)
    for name, message in spec.completeness_errors(
        subject, approval=request, company_currency=tenant.currency
    ).items():
        errors.setdefault(name, message)
    if request.amount <= 0 and spec.amount_field not in errors:
        # A zero or negative request would pass every threshold gate untouched.
        errors[spec.amount_field] = _("The amount must be more than zero to submit.")
    if errors:
        raise ValidationError(errors)


def _run_hook(request: ApprovalRequest, hook: str) -> None:
    """The kind's hook, inside the decision's transaction: if it raises, nothing is decided."""
    spec = _spec(request)
    getattr(spec, hook)(request, spec.subject_of(request))


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
    _run_hook(request, "on_submitted")
    if first is None:
        RequestFlow(request).complete()
        request.save()
        _run_hook(request, "on_completed")
        log_event(request, GateAction.COMPLETED, comment=_("No gate applies to this request."))
        notices.later(notices.COMPLETED, request=request)
        return
    enter_gate(first, request)
    notices.later(notices.SUBMITTED, request=request, step=first)


@transaction.atomic
def request_submit(*, request_id, user: User) -> ApprovalRequest:
    request = lock_request(request_id)
    if request.requester_id != user.pk:
        raise Refused(_("Only the requester can submit a request."))
    if request.status != RequestStatus.DRAFT:
        raise Refused(
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
        raise Refused(_("Only the requester can resubmit a request."))
    try:
        RequestFlow(request).resubmit()
    except TransitionNotAllowed:
        raise Refused(
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
        "actor": entry.actor.get_full_name() if entry.actor else "",
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
        raise Refused(OUT_OF_DATE)
    if request.requester_id == user.pk:
        raise Refused(_("You cannot decide your own request."))
    if request.status != RequestStatus.IN_REVIEW or step is None:
        raise Refused(_already_decided_message(request))
    if str(step_id) != str(step.pk):
        # The form was for a gate that has since been decided.
        raise Refused(_already_decided_message(request))
    if not can_decide(user, step, request):
        raise Refused(
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
        raise Refused(_("This request does not exist.")) from None
    step = current_gate(request)
    _check_decidable(request, step, user, step_id)
    if decision in (Decision.REJECT, Decision.RETURN) and not comment:
        raise Refused(_("Say why in a comment: it is required to reject or return a request."))
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
            _run_hook(request, "on_completed")
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
        _run_hook(request, "on_rejected")
        notices.later(notices.REJECTED, request=request, actor=user, step=step, comment=comment)
        message = _("%(reference)s rejected.") % {"reference": request.reference}

    elif decision == Decision.RETURN:
        target = None
        if return_to not in (None, ""):
            if not str(return_to).isdigit():
                raise Refused(_("A request can only go back to a gate it has already passed."))
            target = request.steps.filter(
                pk=return_to, position__lt=step.position, status=StepStatus.APPROVED
            ).first()
            if target is None:
                raise Refused(_("A request can only go back to a gate it has already passed."))
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
        _run_hook(request, "on_returned")
        notices.later(notices.RETURNED, request=request, actor=user, step=step, comment=comment)
        message = _("%(reference)s returned to %(gate)s.") % {
            "reference": request.reference,
            "gate": to_gate,
        }
    else:
        raise Refused(_("Unknown decision."))

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
    pairs = [item if isinstance(item, tuple) else (item, None) for item in items]
    # Locked in primary-key order, as every multi-row lock is: two people approving
    # overlapping selections queue instead of deadlocking.
    for request_id, step_id in sorted(pairs, key=lambda pair: pair[0]):
        try:
            with transaction.atomic():
                outcome = request_decide(
                    request_id=request_id, user=user, decision=Decision.APPROVE, step_id=step_id
                )
            results.append((request_id, True, outcome.message))
        except ValidationError as refusal:
            # A refusal, or a kind's hook that said no: this decision is rolled back.
            results.append((request_id, False, " ".join(refusal.messages)))
    # One outcome per request, in the order they were asked for.
    order = {pair[0]: position for position, pair in enumerate(pairs)}
    return sorted(results, key=lambda result: order[result[0]])


@transaction.atomic
def request_cancel(*, request_id, user: User, comment: str = "") -> ApprovalRequest:
    request = lock_request(request_id)
    if request.requester_id != user.pk:
        raise Refused(_("Only the requester can cancel a request."))
    step = current_gate(request)
    try:
        RequestFlow(request).cancel()
    except TransitionNotAllowed:
        raise Refused(
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
    _run_hook(request, "on_cancelled")
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
