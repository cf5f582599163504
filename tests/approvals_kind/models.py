"""An errand: the worked example of docs/approvals.md, "Adding a request kind".

The module owns its subject model and describes the kind next to it; the
engine routes it. The hooks write to the errand, inside the decision's
transaction; an errand to "the moon" cannot be completed, so approving its
last gate is refused and the request stays at that gate.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import RequestKindSpec, RequestSubject, register_kind
from modules.approvals.models import ApproverType
from opsplatform.refusals import Refused


class Errand(RequestSubject):
    destination = models.CharField(_("destination"), max_length=100, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    # What the hooks did, in order (the test reads it).
    events = models.JSONField(default=list, blank=True)
    done = models.BooleanField(default=False)


@register_kind
class ErrandKind(RequestKindSpec):
    code = "errand"
    label = _("Errand")
    prefix = "ERR"
    icon = "directions_run"
    help_text = _("Someone runs an errand for the company.")
    subject_model = Errand
    fields = ["destination", "cost"]
    amount_field = "cost"
    search_fields = ["destination"]
    default_route = [(_("Manager"), ApproverType.LINE_MANAGER, "", None)]

    def amount(self, subject, *, approval, company_currency, lines=None):
        return subject.cost or Decimal("0")

    def _record(self, subject, event):
        subject.events = [*subject.events, event]
        subject.save()

    def on_submitted(self, approval, subject):
        self._record(subject, "submitted")

    def on_completed(self, approval, subject):
        self._record(subject, "completed")
        if subject.destination == "the moon":
            raise Refused(_("Nobody can run an errand to the moon."))
        subject.done = True
        subject.save()

    def on_rejected(self, approval, subject):
        self._record(subject, "rejected")

    def on_returned(self, approval, subject):
        self._record(subject, "returned")

    def on_cancelled(self, approval, subject):
        self._record(subject, "cancelled")
