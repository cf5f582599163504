"""Landlord tables (User, Tenant, Domain) and the tenant's people (Membership, Invitation).

User, Tenant and Domain are global: they are read before any tenant is known.
Membership, its role grants and Invitation belong to one tenant each.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplatform.audit import AuditedHistoricalRecords
from opsplatform.files import MB, AnyMember, PrivateImageField
from opsplatform.tenancy.models import TenantModel
from tenants.roles import RoleCode

# -- users ------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person, global across companies: logs in by email, joins tenants through Memberships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow the company's default language."),
    )
    is_staff = models.BooleanField(
        _("platform staff"),
        default=False,
        help_text=_("Platform staff can open the landlord admin on the root domain."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()
    # The hash is never copied; opsplatform.accounts.audit writes "Password changed"
    # instead. Groups and permissions are snapshotted with each row.
    history = AuditedHistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"]
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name()

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        """The one display name of a person: their name, or their email without one."""
        return self.full_name or self.email

    def get_short_name(self):
        return self.get_full_name().split(" ")[0]

    def has_perm(self, perm, obj=None):
        """Memoised for the request when no object is asked about: an admin page asks
        the same dozen permissions about 200 times (sidebar, forms' related-object
        buttons, actions), and without an object the answer depends only on this
        person's roles here, which the request's member context holds."""
        if obj is not None:
            return super().has_perm(perm, obj)
        from opsplatform.permissions import per_user_cache

        return per_user_cache(self, f"perm:{perm}", lambda: super(User, self).has_perm(perm))


# -- tenants ----------------------------------------------------------------

CURRENCIES = [
    ("USD", "USD"),
    ("EUR", "EUR"),
    ("GBP", "GBP"),
    ("AED", "AED"),
    ("SAR", "SAR"),
    ("EGP", "EGP"),
    ("QAR", "QAR"),
    ("KWD", "KWD"),
    ("BHD", "BHD"),
    ("OMR", "OMR"),
    ("JOD", "JOD"),
    ("INR", "INR"),
    ("CAD", "CAD"),
    ("AUD", "AUD"),
    ("CHF", "CHF"),
]

TIME_ZONES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def tenant_logo_path(instance: Tenant, filename: str) -> str:
    # Only old migrations name this; logos are now stored by opsplatform.files
    # under the tenant's id, which a new company gets before its logo is stored.
    return f"tenants/{instance.pk or 'new'}/logo/{filename}"


class Tenant(models.Model):
    """A company: one isolated workspace."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=63,
        unique=True,
        help_text=_("Used for the company's address: <slug>.<platform domain>."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONES, default="UTC")
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="USD")
    default_language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Every member sees the logo in the workspace header.
    logo = PrivateImageField(
        _("logo"),
        area="logo",
        max_size=2 * MB,
        name_field="logo_name",
        owner=AnyMember(),
        blank=True,
    )
    logo_name = models.CharField(_("logo file name"), max_length=255, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    suspended_reason = models.CharField(_("suspension reason"), max_length=255, blank=True)
    require_two_factor = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_("Set by the company's owners: every member signs in with a one-time code."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = AuditedHistoricalRecords()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def local_now(self, now=None):
        """The moment ``now`` (default: now) on the company's own clock."""
        return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(self.time_zone or "UTC"))

    def today(self, now=None):
        """The company's own date: what "today" means for its people."""
        return self.local_now(now).date()

    @property
    def primary_domain(self) -> str | None:
        domain = (
            Domain.objects.filter(tenant=self)
            .order_by("-is_primary", "pk")
            .values_list("domain", flat=True)
            .first()
        )
        return domain


hostname_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
    _("Enter a host name such as acme.example.com, without http:// or a port."),
)


class Domain(models.Model):
    """A host name that opens a tenant's workspace."""

    domain = models.CharField(
        _("domain"), max_length=253, unique=True, validators=[hostname_validator]
    )
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="domains", verbose_name=_("company")
    )
    is_primary = models.BooleanField(
        _("primary"), default=False, help_text=_("Links and emails use the primary domain.")
    )

    history = AuditedHistoricalRecords()

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="domain_one_primary_per_tenant",
                violation_error_message=_("A company can have only one primary domain."),
            ),
        ]

    def __str__(self):
        return self.domain

    def clean(self):
        super().clean()
        self.domain = (self.domain or "").strip().lower()
        reserved = {settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}", *settings.ROOT_HOSTS}
        if self.domain in reserved:
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {"domain": _("This host is the platform's own address and cannot be given out.")}
            )
        self._check_custom_domain()

    def _check_custom_domain(self) -> None:
        """A host outside the base domain needs the plan's "custom_domains" flag; one
        the company already has keeps working after a downgrade (docs/billing.md)."""
        from django.core.exceptions import ValidationError

        from opsplatform.contract.features import feature_enabled

        if not self.tenant_id or self.domain.endswith(f".{settings.BASE_DOMAIN}"):
            return
        if (
            not self._state.adding
            and Domain.objects.filter(pk=self.pk, domain=self.domain).exists()
        ):
            return
        if not feature_enabled(self.tenant, "custom_domains"):
            raise ValidationError(
                {
                    "domain": _(
                        "An address outside %(base)s is a custom domain, which this "
                        "company's plan does not include: upgrade it first."
                    )
                    % {"base": settings.BASE_DOMAIN}
                }
            )


# -- people within a tenant -------------------------------------------------


class Membership(TenantModel):
    """A user's place in one company, with the roles they hold there."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEACTIVATED = "deactivated", _("Deactivated")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user"], name="membership_tenant_user_unique"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="membership_tenant_status")]

    def __str__(self):
        return str(self.user)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def role_codes(self) -> set[str]:
        """The codes of this member's roles; uses prefetched grants when present."""
        return {grant.role for grant in self.role_grants.all()}


class RoleGrant(TenantModel):
    """One role held by one member. A row each so that grants and revocations are audited."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("member")
    )
    role = models.CharField(_("role"), max_length=32, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "role"], name="rolegrant_unique"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "role"], name="rolegrant_tenant_role")]

    def __str__(self):
        return f"{self.membership}: {self.get_role_display()}"


def default_invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


class Invitation(TenantModel):
    """An emailed invitation to join a company with given roles."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("email address"))
    roles = models.JSONField(_("roles"), default=list)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=default_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Signed into the emailed link; a resend bumps it, so only the newest email's link opens.
    link_version = models.PositiveIntegerField(_("link version"), default=0, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message=_("This person already has an open invitation."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "email"], name="invitation_tenant_email")]

    def __str__(self):
        return self.email

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_label(self) -> str:
        return str(self.Status(self.status).label)

    def role_labels(self) -> list[str]:
        labels = dict(RoleCode.choices)
        return [str(labels.get(code, code)) for code in self.roles]
