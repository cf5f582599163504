"""What a request kind is: its subject model and the class that describes it.

A module that wants its records approved (leave, a timesheet, a purchase)
owns a *subject* model linked one-to-one to the engine's ``ApprovalRequest``
and describes the kind with a ``RequestKindSpec`` subclass registered with
``register_kind``. The engine then routes, decides and logs the request and
calls the kind's hooks inside the decision's transaction. docs/approvals.md,
"Adding a request kind", has a worked example.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.models import modelform_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsplatform.loaded import loaded_relations
from opsplatform.tenancy.models import TenantModel

ZERO = Decimal("0")


class RequestSubject(TenantModel):
    """Base of a kind's own table: the fields that only this kind of request has.

    The engine's request row holds what every kind shares (requester, status,
    gate pointer, amount in company currency, timestamps); this row holds the
    rest. Its reverse accessor on the request is the class name in lower case.
    """

    approval = models.OneToOneField(
        "approvals.ApprovalRequest",
        on_delete=models.CASCADE,
        related_name="%(class)s",
        editable=False,
        verbose_name=_lazy("request"),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.approval) if self.approval_id else ""


class RequestKindSpec:
    """One kind of request. Subclass, set the attributes, decorate with ``register_kind``.

    Required: ``code``, ``label``, ``prefix``, ``subject_model``, ``fields``,
    ``amount_field`` and ``amount()``. Everything else has a default.
    """

    code: str = ""
    label = ""
    # The request's reference: PAY-00012.
    prefix: str = "REQ"
    # A Material Symbols name for the kind chooser.
    icon: str = "description"
    help_text = ""
    subject_model: type[RequestSubject]
    # The subject's fields, in form order. All are required before submitting,
    # except ``optional_fields`` (checked, if at all, by ``completeness_errors``).
    fields: list[str] = []
    optional_fields: set[str] = set()
    # The field a person types the amount into: errors about the amount go there.
    amount_field: str = ""
    # Subject fields the request list searches.
    search_fields: list[str] = []
    # (gate name, approver type, role, only above): the route a company starts with.
    default_route: list[tuple] = []
    # A ModelForm base for the subject's fields (its ``clean_<field>`` methods run).
    form: type[forms.ModelForm] = forms.ModelForm

    # -- what the engine asks ----------------------------------------------------------

    def amount(self, subject, *, approval, company_currency: str, lines=None) -> Decimal:
        """The request's value in the company currency: what route conditions compare."""
        raise NotImplementedError

    def amount_display(self, approval) -> str:
        """The amount as lists, the inbox, the page and notices show it (money by default)."""
        return f"{approval.amount:,.2f} {approval.currency}".strip()

    # Whether ``named_approver`` is implemented: a route gate "named by the request"
    # (ApproverType.KIND) is offered only for such kinds.
    names_approver: bool = False

    def named_approver(self, subject):
        """The employee who decides a gate "named by the request" (ApproverType.KIND),
        or None when the record names nobody (a vacancy: the escalation target, else
        the owners). A timesheet names its project's manager."""
        return None

    def approval_waived(self, approval) -> str:
        """Why this request needs no gate at all (every gate is skipped), or "" when it does."""
        return ""

    def completeness_errors(self, subject, *, approval, company_currency: str) -> dict[str, str]:
        """Problems that stop a submit, beyond the required fields: {field: message}."""
        return {}

    def snapshot(self, subject, *, approval, lines=None) -> dict[str, str]:
        """The kind's fields as text, for "what changed since my last decision"."""
        values = {}
        for name in self.fields:
            value = getattr(subject, name)
            if isinstance(value, models.fields.files.FieldFile):
                values[name] = value.name or ""
            else:
                values[name] = "" if value is None else str(value)
        return values

    def field_label(self, name: str) -> str:
        try:
            return str(self.subject_model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a name from an old snapshot: show it as it is
            return name

    def before_save(self, subject, *, approval, company_currency: str) -> None:
        """Derive a subject field before the draft is saved (e.g. a payment's currency)."""

    def admin_inlines(self) -> list:
        """Inline admin classes shown on the request's page (e.g. a purchase's lines)."""
        return []

    def lines_of(self, approval):
        """Rows the amount and the snapshot read besides the subject (a purchase's lines)."""
        return None

    # -- hooks: inside the decision's transaction ---------------------------------------
    # Raise ``opsplatform.refusals.Refused`` (or any ``ValidationError``) to refuse the
    # decision: it is rolled back, the request stays at its gate and the person reads
    # the message.

    def on_submitted(self, approval, subject) -> None:
        """Submitted or resubmitted: the route starts."""

    def on_completed(self, approval, subject) -> None:
        """The last gate approved (or no gate applied): the request is granted."""

    def on_rejected(self, approval, subject) -> None:
        """A gate rejected the request."""

    def on_cancelled(self, approval, subject) -> None:
        """The requester cancelled the request."""

    def on_returned(self, approval, subject) -> None:
        """A gate sent the request back to the requester or an earlier gate."""

    # -- derived -------------------------------------------------------------------------

    @property
    def accessor(self) -> str:
        """The subject's name on the request (``approval.<accessor>``), for select_related."""
        return self.subject_model._meta.get_field("approval").remote_field.get_accessor_name()

    def subject_of(self, approval):
        """The request's subject, or a new unsaved one for a new request."""
        if approval.pk is not None:
            try:
                return getattr(approval, self.accessor)
            except self.subject_model.DoesNotExist:
                pass
        return self.subject_model(approval=approval if approval.pk else None)

    def subject_form(self) -> type[forms.ModelForm]:
        cached = self.__dict__.get("_subject_form")
        if cached is None:
            cached = modelform_factory(self.subject_model, form=self.form, fields=self.fields)
            self._subject_form = cached
        return cached

    def required_errors(self, subject) -> dict[str, str]:
        errors = {}
        for name in self.fields:
            if name in self.optional_fields:
                continue
            value = getattr(subject, name)
            if value in (None, "") or (
                isinstance(value, models.fields.files.FieldFile) and not value
            ):
                errors[name] = _("This field is required before submitting.")
        return errors

    def clean_subject(self, subject) -> None:
        """The subject's own field validation, without the link (the request may be new)."""
        # Foreign keys set to rows the service loaded need no second read (opsplatform/loaded.py).
        subject.full_clean(exclude=["approval", *loaded_relations(subject)], validate_unique=False)

    def __repr__(self):
        return f"<request kind {self.code}>"
