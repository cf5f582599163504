"""The request's life as a ``viewflow.fsm`` state machine.

Routes are data (``RequestStep`` rows); this machine is the code that says
which moves exist from which status. Services call these transitions inside a
transaction that holds the request's row lock; an illegal move raises
``TransitionNotAllowed`` and nothing is written.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import State, TransitionNotAllowed

from modules.approvals.models import ApprovalRequest, RequestStatus

__all__ = ["RequestFlow", "TransitionNotAllowed"]


def requester_only(flow: RequestFlow, user) -> bool:
    """Submit, resubmit and cancel are the requester's own moves."""
    return flow.request.requester_id == getattr(user, "pk", None)


class RequestFlow:
    """``flow.submit.can_proceed()`` says whether the status allows a move,
    ``flow.submit.has_perm(user)`` whether this person may make it (the page
    shows the buttons from these; services still refuse with a message)."""

    status = State(RequestStatus, default=RequestStatus.DRAFT)

    def __init__(self, request: ApprovalRequest):
        self.request = request

    @status.setter()
    def _set_status(self, value):
        self.request.status = value

    @status.getter()
    def _get_status(self):
        return self.request.status

    @status.transition(
        source=RequestStatus.DRAFT,
        target=RequestStatus.IN_REVIEW,
        label=_("Submit"),
        permission=requester_only,
    )
    def submit(self):
        self.request.submitted_at = timezone.now()

    @status.transition(
        source=RequestStatus.RETURNED,
        target=RequestStatus.IN_REVIEW,
        label=_("Resubmit"),
        permission=requester_only,
    )
    def resubmit(self):
        self.request.submitted_at = timezone.now()

    @status.transition(
        source=RequestStatus.IN_REVIEW,
        target=State.RETURN_VALUE(RequestStatus.IN_REVIEW, RequestStatus.COMPLETED),
        label=_("Approve"),
    )
    def approve(self, *, last_gate: bool):
        if last_gate:
            self.request.finished_at = timezone.now()
            return RequestStatus.COMPLETED
        return RequestStatus.IN_REVIEW

    @status.transition(
        source=RequestStatus.IN_REVIEW, target=RequestStatus.REJECTED, label=_("Reject")
    )
    def reject(self):
        self.request.finished_at = timezone.now()

    @status.transition(
        source=RequestStatus.IN_REVIEW,
        target=State.RETURN_VALUE(RequestStatus.IN_REVIEW, RequestStatus.RETURNED),
        label=_("Return for rework"),
    )
    def send_back(self, *, to_requester: bool):
        return RequestStatus.RETURNED if to_requester else RequestStatus.IN_REVIEW

    @status.transition(
        source=[RequestStatus.DRAFT, RequestStatus.IN_REVIEW, RequestStatus.RETURNED],
        target=RequestStatus.CANCELLED,
        label=_("Cancel"),
        permission=requester_only,
    )
    def cancel(self):
        self.request.finished_at = timezone.now()

    @status.transition(
        source=RequestStatus.IN_REVIEW, target=RequestStatus.COMPLETED, label=_("Complete")
    )
    def complete(self):
        """Submitted with no gate that applies: nothing to decide."""
        self.request.finished_at = timezone.now()
