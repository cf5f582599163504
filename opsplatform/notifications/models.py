"""A notification for one person, and people's choices of how they hear about each type."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import CHANNELS, get_type, render
from opsplatform.tenancy.models import TenantModel

CHANNEL_LABELS = {
    "in_app": _("In-app"),
    "email": _("Email"),
    "live": _("Live"),
}


class Notification(TenantModel):
    """One notice to one member. Stored language-neutral: the type code and the
    values its title and body need; they are rendered in the reader's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    type_code = models.CharField(_("type"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    in_app = models.BooleanField(_("in-app"), default=True)
    email = models.BooleanField(_("email"), default=False)
    live = models.BooleanField(_("live"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["tenant", "recipient", "read_at"], name="tenant_notif_recipient_read"
            ),
            models.Index(
                fields=["tenant", "recipient", "-created_at"], name="tenant_notif_recipient_new"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def notification_type(self):
        try:
            return get_type(self.type_code)
        except KeyError:
            return None

    @property
    def title(self) -> str:
        """The title in the active language (the type's code when the type is unknown)."""
        kind = self.notification_type
        if kind is None:
            return self.type_code
        return render(kind.title, self.context) or self.type_code

    @property
    def body(self) -> str:
        kind = self.notification_type
        if kind is None:
            return ""
        return render(kind.body, self.context)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(TenantModel):
    """A member's choice for one type and channel; no row means the type's default."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", CHANNEL_LABELS["in_app"]
        EMAIL = "email", CHANNEL_LABELS["email"]
        LIVE = "live", CHANNEL_LABELS["live"]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    type_code = models.CharField(_("type"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "type_code", "channel"],
                name="tenant_notif_pref_unique",
            ),
        ]

    def __str__(self):
        return f"{self.type_code} / {self.channel}: {'on' if self.enabled else 'off'}"


assert tuple(NotificationPreference.Channel.values) == CHANNELS
