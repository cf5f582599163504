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
from modules.approvals.deciders import Directory, Resolution, resolve_gate
from modules.approvals.kinds import computed_amount, get_kind
from modules.approvals.kinds.purchase import PurchaseLine
from modules.approvals.models import (
    ApprovalRequest,
    Attachment,
    Comment,
    GateAction,
    RequestStatus,
    RequestStep,
    RouteGate,
    StepStatus,
)
from modules.approvals.selectors import INBOX_COUNT, can_decide, current_gate, on_behalf_of
from modules.approvals.services.common import (
    Decision,
    announce_gate,
    enter_gate,
    gate_log_entry,
    inboxes_changed,
    lock_request,
    log_event,
    log_events,
    mark_entered,
    next_pending_gate,
)
from modules.approvals.services.routes import route_for
from modules.approvals.workflow import RequestFlow, TransitionNotAllowed
from opsplatform.counts import count_changed
from opsplatform.loaded import loaded_relations
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


def _refresh_derived(approval: ApprovalRequest, subject=None, lines=None, requester_employee=None):
    from modules.employees.selectors import employee_for_user

    tenant = require_current_tenant()
    spec = _spec(approval)
    if subject is None:
        subject = spec.subject_of(approval)
    spec.before_save(subject, approval=approval, company_currency=tenant.currency)
    # ``amount`` is always in the company currency (a foreign payment gives its value in it).
    approval.currency = tenant.currency
    employee = requester_employee or employee_for_user(approval.requester)
    approval.employee = employee
    # The department came with the employee: setting the row, not its id, spares
    # the save's cross-company check a read of it.
    approval.department = employee.department if employee is not None else None
    approval.amount = computed_amount(
        approval, subject, company_currency=tenant.currency, lines=lines
    )
    return subject


def _spec(approval: ApprovalRequest):
    spec = get_kind(approval.kind)
    if spec is None:
        raise Refused(_("This kind of request is not available."))
    return spec


@transaction.atomic
def request_save(
    *, approval: ApprovalRequest, user: User, subject=None, lines=None
) -> ApprovalRequest:
    """Create or update a draft (or a returned request) from the requester's form.

    ``subject`` is the kind's own row with the form's values (default: the saved one).
    """
    return _save_draft(approval=approval, user=user, subject=subject, lines=lines)


def _save_draft(
    *, approval: ApprovalRequest, user: User, subject=None, lines=None, requester_employee=None
):
    if approval.pk is None:
        approval.requester = user
        approval.number = _next_number()
    else:
        if approval.requester_id != user.pk:
            raise Refused(_("Only the requester can change a request."))
        if approval.status not in (RequestStatus.DRAFT, RequestStatus.RETURNED):
            raise Refused(
                _("%(reference)s is %(status)s and can no longer be changed.")
                % {"reference": approval.reference, "status": approval.get_status_display()}
            )
    spec = _spec(approval)
    subject = _refresh_derived(approval, subject, lines, requester_employee)
    errors = {}
    # The requester, their employee row and department were loaded just now, and the
    # number was issued under the company's lock: checking them again only reads them.
    trusted = [*loaded_relations(approval), "number"]
    for clean in (
        lambda: approval.full_clean(exclude=trusted),
        lambda: spec.clean_subject(subject),
    ):
        try:
            clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
    if errors:
        raise ValidationError(errors)
    approval.save()
    subject.approval = approval
    subject.save()
    return approval


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
    return _create_draft(user=user, kind=kind, title=title, lines=lines, **fields)


def _create_draft(
    *, user: User, kind: str, title: str, lines=(), subject=None, requester_employee=None, **fields
):
    if get_kind(kind) is None:
        raise Refused(_("This kind of request is not available."))
    engine_fields, subject_fields = _split_fields(kind, fields)
    approval = ApprovalRequest(kind=kind, title=title, **engine_fields)
    if subject is None:
        subject = get_kind(kind).subject_model(**subject_fields)
    _save_draft(
        approval=approval, user=user, subject=subject, requester_employee=requester_employee
    )
    if lines:
        # One statement for the lines and one for their history: every write is audited.
        bulk_create_with_history(
            [PurchaseLine(request=approval, tenant=approval.tenant, **line) for line in lines],
            PurchaseLine,
            default_user=user,
            default_change_reason=_("Created with the request"),
        )
        _save_draft(approval=approval, user=user)
    return approval


@transaction.atomic
def request_create_and_submit(
    *, user: User, kind: str, title: str, subject=None, requester_employee=None, **fields
) -> ApprovalRequest:
    """Create a request and submit it at once (a kind whose form submits straight away).

    ``subject`` is the kind's own row, unsaved, if the caller built it (its
    fields then stay out of ``fields``); ``requester_employee`` the requester's
    employee row if the caller has it (read with its department). The draft is
    never seen by anyone else, so it is neither locked nor read back, and what
    was derived for it a moment ago in this transaction is not worked out again.
    """
    approval = _create_draft(
        user=user,
        kind=kind,
        title=title,
        subject=subject,
        requester_employee=requester_employee,
        **fields,
    )
    _submit(approval, user=user)
    return approval


def check_complete(approval: ApprovalRequest) -> None:
    """Every field the kind needs is there; raise ``ValidationError`` naming the missing ones."""
    tenant = require_current_tenant()
    spec = _spec(approval)
    subject = spec.subject_of(approval)
    errors = spec.required_errors(subject)
    for name, message in spec.completeness_errors(
        subject, approval=approval, company_currency=tenant.currency
    ).items():
        errors.setdefault(name, message)
    if approval.amount <= 0 and spec.amount_field not in errors:
        # A zero or negative request would pass every threshold gate untouched.
        errors[spec.amount_field] = _("The amount must be more than zero to submit.")
    if errors:
        raise ValidationError(errors)


def _run_hook(approval: ApprovalRequest, hook: str) -> None:
    """The kind's hook, inside the decision's transaction: if it raises, nothing is decided."""
    spec = _spec(approval)
    getattr(spec, hook)(approval, spec.subject_of(approval))


def _resolve(approval: ApprovalRequest, steps: list[RequestStep]) -> list[tuple]:
    """Work out who decides each copied gate now (after submit or resubmit), in memory.

    Returns the log entries that explain a skipped or passed-on gate.
    """
    directory = Directory()
    if ApprovalRequest.employee.is_cached(approval) and approval.employee is not None:
        directory.know(approval.employee)  # derived from the requester a moment ago
    notes = []
    waived = _spec(approval).approval_waived(approval)
    for step in steps:
        if waived:
            resolution = Resolution(applies=False, note=waived)
        else:
            resolution = resolve_gate(step, approval, directory)
        step.status = StepStatus.PENDING if resolution.applies else StepStatus.SKIPPED
        step.approver = resolution.approver
        step.decider_role = resolution.role
        step.resolution_note = resolution.note
        step.entered_at = step.due_at = step.decided_at = None
        step.reminded_at = step.escalated_at = None
        step.decided_by = None
        if not resolution.applies:
            notes.append((GateAction.SKIPPED, step, resolution.note))
        elif resolution.note:
            notes.append((GateAction.REROUTED, step, resolution.note))
    return notes


def _copy_route(approval: ApprovalRequest, user: User) -> tuple[list, RequestStep | None]:
    """Copy the route's gates onto the request, resolved and the first one entered.

    One insert for the gates and one for their history, each gate written as it
    stands after the submit. Returns the resolution notes and the first gate.
    """
    gates = list(RouteGate.objects.filter(route__kind=approval.kind).order_by("position", "pk"))
    if not gates:  # no route yet (it is made now), or one without gates
        gates = list(route_for(approval.kind).gates.order_by("position", "pk"))
    steps = [
        RequestStep(
            request=approval, tenant_id=approval.tenant_id, position=position, **gate.definition()
        )
        for position, gate in enumerate(gates)
    ]
    notes = _resolve(approval, steps)
    first = next((step for step in steps if step.status == StepStatus.PENDING), None)
    if first is not None:
        mark_entered(first)
    bulk_create_with_history(
        steps,
        RequestStep,
        default_user=user,
        default_change_reason=_("Route copied on submit"),
    )
    # A bulk insert sends no post_save: the cached inbox counts are forgotten here.
    count_changed(INBOX_COUNT.name, tenant_id=approval.tenant_id)
    return notes, first


def _resolve_steps(approval: ApprovalRequest) -> list[tuple[str, RequestStep, str]]:
    """Resolve a returned request's gates again (one save per gate, each in its history)."""
    steps = list(approval.steps.order_by("position"))
    notes = _resolve(approval, steps)
    for step in steps:
        step.save()
    return notes


def _start(
    approval: ApprovalRequest,
    *,
    user: User,
    action: str,
    notes,
    first: RequestStep | None,
    entered: bool = False,
    comment: str = "",
) -> None:
    """Log the (re)submit, run the kind's hook, then enter the first gate.

    ``entered``: the first gate was already written as entered (a fresh submit).
    """
    to_gate = first.name if first is not None else _("Completed")
    log_events(
        approval,
        [
            gate_log_entry(
                approval, action, actor=user, to_gate=to_gate, with_snapshot=True, comment=comment
            ),
            *(gate_log_entry(approval, act, step=step, comment=note) for act, step, note in notes),
        ],
    )
    _run_hook(approval, "on_submitted")
    if first is None:
        RequestFlow(approval).complete()
        approval.save()
        _run_hook(approval, "on_completed")
        log_event(approval, GateAction.COMPLETED, comment=_("No gate applies to this request."))
        notices.later(notices.COMPLETED, request=approval)
        return
    if entered:
        announce_gate(first, approval)
    else:
        enter_gate(first, approval)
    notices.later(notices.SUBMITTED, request=approval, step=first)


@transaction.atomic
def request_submit(*, request_id, user: User) -> ApprovalRequest:
    approval = lock_request(request_id)
    if approval.requester_id != user.pk:
        raise Refused(_("Only the requester can submit a request."))
    if approval.status != RequestStatus.DRAFT:
        raise Refused(
            _("%(reference)s was already submitted (%(status)s).")
            % {"reference": approval.reference, "status": approval.get_status_display()}
        )
    # The saved draft may be older than the rules and people it was derived from.
    _refresh_derived(approval)
    _submit(approval, user=user)
    return approval


def _submit(approval: ApprovalRequest, *, user: User) -> None:
    """Submit a locked draft whose derived fields are up to date."""
    check_complete(approval)
    RequestFlow(approval).submit()
    approval.save()
    notes, first = _copy_route(approval, user)
    _start(approval, user=user, action=GateAction.SUBMITTED, notes=notes, first=first, entered=True)
    inboxes_changed()


@transaction.atomic
def request_resubmit(*, request_id, user: User, comment: str = "") -> ApprovalRequest:
    approval = lock_request(request_id)
    if approval.requester_id != user.pk:
        raise Refused(_("Only the requester can resubmit a request."))
    try:
        RequestFlow(approval).resubmit()
    except TransitionNotAllowed:
        raise Refused(
            _("%(reference)s is %(status)s; only a returned request can be resubmitted.")
            % {"reference": approval.reference, "status": approval.get_status_display()}
        ) from None
    _refresh_derived(approval)
    check_complete(approval)
    approval.save()
    notes = _resolve_steps(approval)
    _start(
        approval,
        user=user,
        action=GateAction.RESUBMITTED,
        notes=notes,
        first=next_pending_gate(approval),
        comment=comment,
    )
    inboxes_changed()
    return approval


# -- decisions ------------------------------------------------------------------------


def _already_decided_message(approval: ApprovalRequest, step_id=None) -> str:
    decisive = [GateAction.APPROVED, GateAction.REJECTED, GateAction.RETURNED, GateAction.CANCELLED]
    log = approval.log.filter(action__in=decisive).select_related("actor")
    if step_id is not None:
        log = log.filter(step_id=step_id)
    entry = log.order_by("-at", "-pk").first()
    if entry is None:
        return _("%(reference)s is %(status)s; it has no decision waiting here.") % {
            "reference": approval.reference,
            "status": approval.get_status_display(),
        }
    return _(
        "Already decided: %(actor)s %(action)s %(reference)s at the %(gate)s gate on %(when)s."
    ) % {
        "actor": entry.actor.get_full_name() if entry.actor else "",
        "action": entry.get_action_display().lower(),
        "reference": approval.reference,
        "gate": entry.from_gate or "—",
        "when": date_format(timezone.localtime(entry.at), "DATETIME_FORMAT"),
    }


OUT_OF_DATE = _lazy(
    "This form is out of date: it does not say which gate you decided. Reload the page and decide again."
)


def _check_decidable(
    approval: ApprovalRequest, step: RequestStep | None, user: User, step_id
) -> None:
    # A decision names the gate the person saw. Without it a second click (or
    # a crafted POST) would land on whatever gate the request has reached
    # since, deciding a gate nobody looked at.
    if step_id is None or not str(step_id).isdigit():
        raise Refused(OUT_OF_DATE)
    if approval.requester_id == user.pk:
        raise Refused(_("You cannot decide your own request."))
    if approval.status != RequestStatus.IN_REVIEW or step is None:
        raise Refused(_already_decided_message(approval))
    if str(step_id) != str(step.pk):
        # The form was for a gate that has since been decided.
        raise Refused(_already_decided_message(approval))
    if not can_decide(user, step, approval):
        raise Refused(
            _("The %(gate)s gate of %(reference)s is not yours to decide.")
            % {"gate": step.name, "reference": approval.reference}
        )


@dataclass
class Outcome:
    approval: ApprovalRequest
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
        approval = lock_request(request_id)
    except ApprovalRequest.DoesNotExist:
        raise Refused(_("This request does not exist.")) from None
    step = current_gate(approval)
    _check_decidable(approval, step, user, step_id)
    if decision in (Decision.REJECT, Decision.RETURN) and not comment:
        raise Refused(_("Say why in a comment: it is required to reject or return a request."))
    behalf = on_behalf_of(user, step)
    now = timezone.now()
    flow = RequestFlow(approval)

    if decision == Decision.APPROVE:
        following = next_pending_gate(approval, after=step.position)
        step.status = StepStatus.APPROVED
        step.decided_by, step.decided_at = user, now
        step.save()
        flow.approve(last_gate=following is None)
        approval.save()
        log_event(
            approval,
            GateAction.APPROVED,
            step=step,
            actor=user,
            behalf=behalf,
            to_gate=following.name if following else _("Completed"),
            comment=comment,
            with_snapshot=True,
        )
        if following is not None:
            enter_gate(following, approval, now=now)
            notices.later(notices.APPROVED, request=approval, actor=user, step=step)
            message = _("%(reference)s approved; it moves on to %(gate)s.") % {
                "reference": approval.reference,
                "gate": following.name,
            }
        else:
            log_event(approval, GateAction.COMPLETED, step=step)
            _run_hook(approval, "on_completed")
            notices.later(notices.COMPLETED, request=approval, actor=user)
            message = _("%(reference)s approved; it is now complete.") % {
                "reference": approval.reference
            }

    elif decision == Decision.REJECT:
        step.status = StepStatus.REJECTED
        step.decided_by, step.decided_at = user, now
        step.save()
        flow.reject()
        approval.save()
        log_event(
            approval,
            GateAction.REJECTED,
            step=step,
            actor=user,
            behalf=behalf,
            comment=comment,
            with_snapshot=True,
        )
        _run_hook(approval, "on_rejected")
        notices.later(notices.REJECTED, request=approval, actor=user, step=step, comment=comment)
        message = _("%(reference)s rejected.") % {"reference": approval.reference}

    elif decision == Decision.RETURN:
        target = None
        if return_to not in (None, ""):
            if not str(return_to).isdigit():
                raise Refused(_("A request can only go back to a gate it has already passed."))
            target = approval.steps.filter(
                pk=return_to, position__lt=step.position, status=StepStatus.APPROVED
            ).first()
            if target is None:
                raise Refused(_("A request can only go back to a gate it has already passed."))
        flow.send_back(to_requester=target is None)
        approval.save()
        reopened = approval.steps.exclude(status=StepStatus.SKIPPED)
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
            approval,
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
            enter_gate(target, approval, now=now)
        _run_hook(approval, "on_returned")
        notices.later(notices.RETURNED, request=approval, actor=user, step=step, comment=comment)
        message = _("%(reference)s returned to %(gate)s.") % {
            "reference": approval.reference,
            "gate": to_gate,
        }
    else:
        raise Refused(_("Unknown decision."))

    inboxes_changed()
    return Outcome(approval=approval, message=message)


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
    approval = lock_request(request_id)
    if approval.requester_id != user.pk:
        raise Refused(_("Only the requester can cancel a request."))
    step = current_gate(approval)
    try:
        RequestFlow(approval).cancel()
    except TransitionNotAllowed:
        raise Refused(
            _("%(reference)s is %(status)s and can no longer be cancelled.")
            % {"reference": approval.reference, "status": approval.get_status_display()}
        ) from None
    approval.save()
    if step is not None:
        step.status = StepStatus.PENDING
        step.save()
        # Whoever was deciding it hears that it is gone.
        notices.later(notices.CANCELLED, request=approval, actor=user, step=step, to_deciders=True)
    log_event(approval, GateAction.CANCELLED, step=step, actor=user, comment=comment.strip())
    _run_hook(approval, "on_cancelled")
    inboxes_changed()
    return approval


# -- comments and attachments ---------------------------------------------------------


@transaction.atomic
def comment_add(*, approval: ApprovalRequest, user: User, body: str) -> Comment:
    comment = Comment(request=approval, author=user, body=(body or "").strip())
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def attachment_add(*, approval: ApprovalRequest, user: User, file, note: str = "") -> Attachment:
    attachment = Attachment(request=approval, uploaded_by=user, file=file, note=note)
    attachment.full_clean()
    attachment.save()
    return attachment
