"""Admin pages of approvals beyond forms: the kind chooser, the inbox, and the
POST endpoints for submitting, deciding, cancelling, commenting and attaching.

Every endpoint looks the request up among those the person may see (a foreign
or unknown id is a 404 for everyone) and leaves the rules to ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.approvals import services
from modules.approvals.kinds import all_kinds, field_label, kind_label
from modules.approvals.models import (
    ApprovalRequest,
    RequestStatus,
    StepStatus,
)
from modules.approvals.selectors import (
    can_decide,
    changes_since_last_decision,
    current_gate,
    inbox,
    inbox_count,
    inbox_rows,
    on_behalf_of,
    request_log,
    steps_for_tracker,
    visible_requests,
)
from modules.approvals.workflow import RequestFlow
from opsplatform.admin.pages import AdminPage
from opsplatform.files import accepts_uploads
from opsplatform.redirects import safe_next
from opsplatform.refusals import show_refusal
from tenants.models import User

INBOX_PAGE_SIZE = 50


def _request_or_404(request, pk) -> ApprovalRequest:
    found = visible_requests(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _back(request, obj) -> HttpResponseRedirect:
    """To the page the form came from (``next``, on this host only), else the request's."""
    fallback = reverse("admin:approvals_approvalrequest_change", args=[obj.pk])
    return HttpResponseRedirect(safe_next(request, request.POST.get("next"), fallback))


def kind_chooser(request, model_admin):
    return KindChooserView.as_view(model_admin=model_admin)(request)


def request_page_context(request, obj, *, kind: str) -> dict:
    """What the request page shows around the form: tracker, decision, preview, log."""
    context = {"request_kind": kind, "request_kind_label": kind_label(kind) if kind else ""}
    if obj is None or obj.pk is None:
        return context
    user = request.user
    step = current_gate(obj)
    flow = RequestFlow(obj)
    decidable = can_decide(user, step, obj)
    context.update(
        {
            "approval": obj,
            "tracker": steps_for_tracker(obj),
            "gate_log": list(request_log(obj)),
            "comments": list(obj.comments.select_related("author")),
            "attachments": list(obj.attachments.select_related("uploaded_by")),
            "current_gate": step,
            "can_submit": _may(flow.submit, user),
            "can_resubmit": _may(flow.resubmit, user),
            "can_cancel": _may(flow.cancel, user),
            "can_decide": decidable,
            "deciding_for": on_behalf_of(user, step) if decidable else None,
        }
    )
    if decidable:
        context["return_targets"] = [
            s
            for s in context["tracker"]
            if s.status == StepStatus.APPROVED and s.position < step.position
        ]
        context["changes"] = changes_since_last_decision(obj, user)
        if context["deciding_for"]:
            context["principal"] = User.objects.filter(pk=context["deciding_for"]).first()
    if obj.status in (RequestStatus.DRAFT, RequestStatus.RETURNED):
        context["preview"] = services.route_preview(obj)
    return context


def _may(move, user) -> bool:
    """The status allows the move and this person may make it (workflow.py)."""
    return move.can_proceed() and move.has_perm(user)


def submit_after_save(request, obj):
    """Submit a draft, or resubmit a returned request, right after its form was saved."""
    returned = obj.status == RequestStatus.RETURNED
    service = services.request_resubmit if returned else services.request_submit
    done = _("%(reference)s resubmitted.") if returned else _("%(reference)s submitted.")
    try:
        service(request_id=obj.pk, user=request.user)
    except (services.Refused, ValidationError) as refusal:
        messages.error(request, _message(refusal, obj))
    else:
        messages.success(request, done % {"reference": obj.reference})
    return HttpResponseRedirect(reverse("admin:approvals_approvalrequest_change", args=[obj.pk]))


def _message(error, obj) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return _("Not submitted: %(problems)s") % {
                "problems": "; ".join(
                    f"{field_label(name, obj.kind) if name != '__all__' else ''}: "
                    f"{' '.join(msgs)}".strip(": ")
                    for name, msgs in error.message_dict.items()
                )
            }
        return " ".join(error.messages)
    return str(error)


@require_POST
def submit(request, pk):
    obj = _request_or_404(request, pk)
    return submit_after_save(request, obj)


def _requester_move(request, pk, service, done: str):
    """Resubmit or cancel: the requester's own moves, with the service's refusal as message."""
    obj = _request_or_404(request, pk)
    try:
        service(request_id=obj.pk, user=request.user, comment=request.POST.get("comment", ""))
    except (services.Refused, ValidationError) as refusal:
        messages.error(request, _message(refusal, obj))
    else:
        messages.success(request, done % {"reference": obj.reference})
    return _back(request, obj)


@require_POST
def resubmit(request, pk):
    return _requester_move(request, pk, services.request_resubmit, _("%(reference)s resubmitted."))


@require_POST
def cancel(request, pk):
    return _requester_move(request, pk, services.request_cancel, _("%(reference)s cancelled."))


@require_POST
def decide(request, pk):
    obj = _request_or_404(request, pk)
    decision = request.POST.get("decision", "")
    if decision not in (
        services.Decision.APPROVE,
        services.Decision.REJECT,
        services.Decision.RETURN,
    ):
        messages.error(request, _("Choose approve, reject or return."))
        return _back(request, obj)
    try:
        outcome = services.request_decide(
            request_id=obj.pk,
            user=request.user,
            decision=decision,
            comment=request.POST.get("comment", ""),
            step_id=request.POST.get("step") or None,
            return_to=request.POST.get("return_to") or None,
        )
    except ValidationError as refusal:
        # A refusal, or the kind's hook saying no: the decision was rolled back.
        show_refusal(request, refusal)
    else:
        messages.success(request, outcome.message)
    return _back(request, obj)


@require_POST
def bulk_approve(request):
    items = []
    for value in request.POST.getlist("request"):
        request_id, _sep, step_id = value.partition(":")
        if request_id.isdigit() and (step_id.isdigit() or not step_id):
            items.append((int(request_id), int(step_id)) if step_id else int(request_id))
    if not items:
        messages.warning(request, _("Select the requests to approve."))
    for _request_id, ok, message in services.requests_approve(items=items, user=request.user):
        messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, message)
    return HttpResponseRedirect(reverse("admin:approvals_inbox"))


@require_POST
def add_comment(request, pk):
    obj = _request_or_404(request, pk)
    try:
        services.comment_add(approval=obj, user=request.user, body=request.POST.get("body", ""))
    except ValidationError:
        messages.error(request, _("Write a comment before sending it."))
    else:
        messages.success(request, _("Comment added."))
    return _back(request, obj)


@require_POST
@accepts_uploads(file="approvals.Attachment.file")
def add_attachment(request, pk):
    obj = _request_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return _back(request, obj)
    try:
        services.attachment_add(
            approval=obj, user=request.user, file=upload, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        # Too large (stopped while streaming) or a type not allowed: nothing is stored.
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("File attached."))
    return _back(request, obj)


def inbox_count_view(request):
    return JsonResponse({"count": inbox_count(request.user)})


def inbox_badge(request):
    """Sidebar badge: how many requests await this person (None hides the badge)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    count = inbox_count(user)
    return count or None


class InboxView(AdminPage):
    """The gates awaiting me, oldest first; each row decided from the page."""

    template_name = "approvals/inbox.html"
    # Every member has an inbox (it may be empty); what is in it is the selector's.
    permission_required = "approvals.decide_request"

    def get_title(self) -> str:
        return _("Approval inbox")

    def get(self, request):
        paginator = Paginator(inbox(request.user), INBOX_PAGE_SIZE)
        paginator.count = inbox_count(request.user)  # the sidebar badge counted it already
        page = paginator.get_page(request.GET.get("page"))
        return self.render(
            rows=inbox_rows(request.user, list(page.object_list), now=timezone.now()),
            page=page,
            total=paginator.count,
        )


class KindChooserView(AdminPage):
    """A new request starts with its kind: one card per registered kind."""

    template_name = "approvals/kind_chooser.html"
    permission_required = "approvals.add_approvalrequest"

    def get_title(self) -> str:
        return _("New request")

    def get(self, request):
        add_url = reverse("admin:approvals_approvalrequest_add")
        kinds = [
            {
                "label": spec.label,
                "help": spec.help_text,
                "icon": spec.icon,
                "url": f"{add_url}?kind={spec.code}",
            }
            for spec in all_kinds()
        ]
        return self.render(kinds=kinds)
