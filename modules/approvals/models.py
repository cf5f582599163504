"""Requests for money and resources, the routes they travel and what happened on the way.

- ``Route`` / ``RouteGate``: the tenant-editable chain per request kind (data).
- ``ApprovalRequest``: one request of any registered kind: what every kind
  shares. Each kind's own fields live on its subject model
  (``modules/approvals/kinds/``), one-to-one with the request.
- ``RequestStep``: the route copied onto the request when it is submitted, so
  editing a route never changes a request already in flight.
- ``GateLog``: the append-only record of every decision (who, on whose behalf,
  from which gate to which, comment).
- ``Delegation``: a deputy for a period.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.approvals.history import RequestColumnsBeforeKinds
from modules.approvals.kinds.registry import get_kind, kind_choices
from opsplatform.audit import AuditChained
from opsplatform.files import CSV, DOCUMENTS, MB, PrivateFileField
from opsplatform.tenancy.models import TenantModel
from tenants.models import CURRENCIES
from tenants.roles import RoleCode

MONEY = {"max_digits": 14, "decimal_places": 2}
# Invoices and attachments: checked while the upload streams (opsplatform.files).
MAX_FILE_BYTES = 20 * MB


def attachment_path(instance, filename: str) -> str:
    # Only old migrations name this; files are now stored by opsplatform.files.
    return f"tenants/{instance.tenant_id}/approvals/{filename}"


class RequestKind(models.TextChoices):
    """The codes of the kinds that ship with the engine, each defined (subject model,
    amount, route, hooks) in ``modules/approvals/kinds/<code>.py``. A module's own
    kind has a code of its own (assets' "asset", leave's "leave"); the ``kind``
    columns accept every registered code."""

    PAYMENT = "payment", _("Payment")
    VAS = "vas", _("Value-added service")
    PURCHASE = "purchase", _("Purchase")
    SUBSCRIPTION = "subscription", _("Subscription")


class ApproverType(models.TextChoices):
    LINE_MANAGER = "line_manager", _("Requester's line manager")
    DEPARTMENT_HEAD = "department_head", _("Head of the requester's department")
    ROLE = "role", _("Anyone with a role")
    PERSON = "person", _("A named person")
    # The kind names the approver from its own record (a timesheet: the project's
    # manager), through RequestKindSpec.named_approver (deciders.py).
    KIND = "kind", _("Named by the request (e.g. the project manager)")


GATE_ROLES = [
    (code, label)
    for code, label in RoleCode.choices
    if code
    in {
        RoleCode.REVENUE_ASSURANCE,
        RoleCode.CEO,
        RoleCode.OWNER,
        RoleCode.FINANCE,
        RoleCode.HR,
    }
]


class Route(TenantModel):
    """The chain of gates a kind of request travels, as the company edits it."""

    kind = models.CharField(_("request kind"), max_length=16, choices=kind_choices)
    name = models.CharField(_("name"), max_length=120)
    # The kind's default chain, as made for the company (services/routes.py):
    # a plan's "approval routes" limit counts only routes the company changed.
    is_default = models.BooleanField(_("default route"), default=False, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("approval route")
        verbose_name_plural = _("approval routes")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind"],
                name="route_kind_unique",
                violation_error_message=_("This kind of request already has a route."),
            ),
        ]

    def __str__(self):
        return self.name or self.get_kind_display()


class GateDefinition(models.Model):
    """What a gate is, shared by the route's gates and the copies on each request."""

    name = models.CharField(_("gate"), max_length=60, help_text=_("For example: Manager, CEO."))
    approver_type = models.CharField(_("decided by"), max_length=20, choices=ApproverType.choices)
    role = models.CharField(
        _("role"),
        max_length=32,
        choices=GATE_ROLES,
        blank=True,
        help_text=_("For a role gate: anyone holding this role may decide."),
    )
    person = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    min_amount = models.DecimalField(
        _("only above"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The gate applies only when the amount is above this (company currency)."),
    )
    max_amount = models.DecimalField(
        _("only up to"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The gate applies only when the amount is at most this."),
    )
    department = models.ForeignKey(
        "employees.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for department"),
    )
    sla_hours = models.PositiveIntegerField(
        _("SLA (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("After this the approver is reminded; after twice this the gate escalates."),
    )
    escalate_to = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalation target"),
        help_text=_("Who takes over a late or vacant gate. Empty: the approver's line manager."),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def definition(self) -> dict:
        return {
            "name": self.name,
            "approver_type": self.approver_type,
            "role": self.role,
            "person_id": self.person_id,
            "min_amount": self.min_amount,
            "max_amount": self.max_amount,
            "department_id": self.department_id,
            "sla_hours": self.sla_hours,
            "escalate_to_id": self.escalate_to_id,
        }


class RouteGate(TenantModel, GateDefinition):
    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="gates", verbose_name=_("route")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["route", "position", "pk"]
        indexes = [models.Index(fields=["tenant", "route", "position"], name="routegate_order")]

    def clean(self):
        super().clean()
        errors = {}
        if self.approver_type == ApproverType.ROLE and not self.role:
            errors["role"] = _("Choose the role whose holders decide this gate.")
        if self.approver_type == ApproverType.PERSON and not self.person_id:
            errors["person"] = _("Choose the person who decides this gate.")
        if self.approver_type == ApproverType.KIND and self.route_id:
            from modules.approvals.kinds import get_kind

            spec = get_kind(self.route.kind)
            if spec is None or not spec.names_approver:
                errors["approver_type"] = _(
                    "This kind of request names no approver: choose another way to decide."
                )
        if (
            self.min_amount is not None
            and self.max_amount is not None
            and self.min_amount >= self.max_amount
        ):
            errors["max_amount"] = _("The upper limit must be above the lower limit.")
        if errors:
            raise ValidationError(errors)


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for rework")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (RequestStatus.DRAFT, RequestStatus.IN_REVIEW, RequestStatus.RETURNED)


class ApprovalRequest(TenantModel):
    """One request of any kind: what every kind shares. The kind's own fields are
    on its subject (``subject``; modules.approvals.kinds)."""

    # Its history table keeps the columns every kind had here before 0004.
    history_extra_bases = (RequestColumnsBeforeKinds,)

    number = models.PositiveIntegerField(_("number"), editable=False)
    # A registered kind's code (modules.approvals.kinds); its own fields are on its subject.
    kind = models.CharField(_("kind"), max_length=16, choices=kind_choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("justification"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
        editable=False,
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("requester"),
    )
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("requester's employee record"),
    )
    department = models.ForeignKey(
        "employees.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("department"),
    )
    # What routing compares with thresholds: the request's value in the company currency.
    amount = models.DecimalField(_("amount"), **MONEY, default=Decimal("0"), editable=False)
    # The currency ``amount`` is in: the company's, set on every save (services);
    # a payment's own currency is on its details.
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="request_number_unique"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "kind"], name="request_status_kind"),
            models.Index(fields=["tenant", "requester", "status"], name="request_requester"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        spec = get_kind(self.kind)
        prefix = spec.prefix if spec is not None else "REQ"
        return f"{prefix}-{self.number:05d}" if self.number else "—"

    @property
    def kind_spec(self):
        return get_kind(self.kind)

    @property
    def amount_text(self) -> str:
        """The amount in the kind's terms: money, or a leave's days."""
        spec = self.kind_spec
        if spec is None:
            return f"{self.amount:,.2f} {self.currency}".strip()
        return spec.amount_display(self)

    @property
    def subject(self):
        """The kind's own row (payee, vendor, lines …), or a new one for a new request."""
        spec = get_kind(self.kind)
        return spec.subject_of(self) if spec is not None else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CURRENT = "current", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    SKIPPED = "skipped", _("Not needed")
    REJECTED = "rejected", _("Rejected")


class RequestStep(TenantModel, GateDefinition):
    """One gate of the route as it stood when the request was submitted."""

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="steps", verbose_name=_("request")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(
        _("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING
    )
    # Who decides: one person, or (role gates) anyone holding ``role`` but the requester.
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    decider_role = models.CharField(_("deciding role"), max_length=32, blank=True)
    resolution_note = models.CharField(_("routing note"), max_length=255, blank=True)
    entered_at = models.DateTimeField(_("reached"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("request gate")
        verbose_name_plural = _("request gates")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "request", "position"], name="requeststep_position_unique"
            ),
            # At most one gate of a request awaits a decision.
            models.UniqueConstraint(
                fields=["tenant", "request"],
                condition=models.Q(status="current"),
                name="requeststep_one_current",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "status", "approver", "entered_at"], name="requeststep_inbox"
            ),
            models.Index(
                fields=["tenant", "status", "decider_role", "entered_at"], name="requeststep_role"
            ),
            models.Index(fields=["tenant", "status", "due_at"], name="requeststep_due"),
        ]

    @property
    def decider_role_label(self) -> str:
        return RoleCode(self.decider_role).label if self.decider_role in RoleCode.values else ""


class GateAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Skipped")
    REROUTED = "rerouted", _("Passed on")
    REMINDED = "reminded", _("Reminded")
    ESCALATED = "escalated", _("Escalated")
    COMPLETED = "completed", _("Completed")


class GateLog(TenantModel, AuditChained):
    """One thing that happened to a request on its route. Rows are only ever added."""

    # On PostgreSQL the application's role may not UPDATE or DELETE these rows (rls.py),
    # and the database chains each row into the tenant's audit chain (audit_chain.py).
    # It is its own audit, so it has no history table (opsplatform/audit.py); the
    # one it had is a retired audit source, kept for the chain (module.py).
    append_only = True
    # The database stamps this with its own clock, whatever the client sent.
    audit_time_field = "at"

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="log", verbose_name=_("request")
    )
    step = models.ForeignKey(
        RequestStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gate"),
    )
    action = models.CharField(_("decision"), max_length=16, choices=GateAction.choices)
    from_gate = models.CharField(_("from"), max_length=60, blank=True)
    to_gate = models.CharField(_("to"), max_length=60, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    comment = models.TextField(_("comment"), blank=True)
    # The request's fields at this moment, so a reviewer can see what changed since.
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("gate log entry")
        verbose_name_plural = _("gate log")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["tenant", "request", "at"], name="gatelog_request")]

    def __str__(self):
        return f"{self.get_action_display()} {self.from_gate}"


class Comment(TenantModel):
    request = models.ForeignKey(
        ApprovalRequest,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("request"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        null=True,
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tenant", "request"], name="comment_request")]

    def __str__(self):
        return self.body[:60]


class Attachment(TenantModel):
    request = models.ForeignKey(
        ApprovalRequest,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("request"),
    )
    # Whoever may see the request may download its attachments.
    file = PrivateFileField(
        _("file"),
        area="approvals/attachments",
        types=(*DOCUMENTS, CSV),
        max_size=MAX_FILE_BYTES,
        name_field="original_name",
        owner="request",
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        null=True,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["tenant", "request"], name="attachment_request")]

    def __str__(self):
        return self.file.original_name


class Delegation(TenantModel):
    """While it runs, requests reaching ``principal`` go to ``deputy``."""

    principal = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("approver"),
    )
    deputy = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("deputy"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("deputy")),
                name="delegation_not_self",
                violation_error_message=_("A person cannot be their own deputy."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "principal", "starts_on"], name="delegation_principal"),
            models.Index(fields=["tenant", "deputy", "starts_on"], name="delegation_deputy"),
        ]

    def __str__(self):
        return f"{self.principal} → {self.deputy}"


# The kinds that ship with the engine: their subject models load with these.
from modules.approvals.kinds import payment, purchase, subscription, vas  # noqa: E402, F401
