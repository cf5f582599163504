"""What the delivery task does, inside ``tenant_transaction(tenant)``."""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from opsplatform.counts import count_changed
from opsplatform.notifications.models import Notification
from opsplatform.notifications.selectors import UNREAD_COUNT, unread_count
from opsplatform.realtime.publish import publish

logger = logging.getLogger(__name__)

TENANT_URLCONF = "opsplatform.urls.tenant"


def language_for(user, tenant) -> str:
    return user.language or tenant.default_language or "en"


def absolute(tenant, url: str) -> str:
    from tenants.links import tenant_url

    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    return tenant_url(tenant, url if url.startswith("/") else "/" + url)


def open_url(notification) -> str:
    """The notification's own address: marks it read, then follows its link."""
    return reverse(
        "admin:notifications_notification_open", args=[notification.pk], urlconf=TENANT_URLCONF
    )


def settings_url() -> str:
    return reverse("admin:notifications_settings", urlconf=TENANT_URLCONF)


def render_email(notification, tenant) -> EmailMultiAlternatives:
    recipient = notification.recipient
    with translation.override(language_for(recipient, tenant)):
        context = {
            "tenant": tenant,
            "recipient": recipient,
            "notification": notification,
            "title": notification.title,
            "body": notification.body,
            "link": absolute(tenant, open_url(notification)) if notification.url else "",
            "settings_link": absolute(tenant, settings_url()),
        }
        subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
        text = render_to_string("notifications/email/body.txt", context)
        html = render_to_string("notifications/email/body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def deliver(tenant, notification_ids: list[int], *, push_live: bool = True) -> list[str]:
    """Send what is still unsent of these notifications; returns one line per
    email that failed (empty: all sent). Emails already sent (``emailed_at``)
    are skipped, so a retry sends only the rest. Live pushes are best effort
    and sent on the first try only (``push_live``)."""
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    )
    # After the notices' commit: the bells count them from now on (see services.notify).
    count_changed(
        UNREAD_COUNT.name,
        tenant_id=tenant.pk,
        user_ids=[n.recipient_id for n in notifications if n.in_app],
        after_commit=False,
    )
    failures = []
    for notification in notifications:
        recipient = notification.recipient
        if not recipient.is_active:
            continue
        if notification.email and notification.emailed_at is None and recipient.email:
            try:
                render_email(notification, tenant).send()
            except Exception as exc:  # one bad address must not stop the others
                logger.warning("Notification %s: email failed", notification.pk, exc_info=True)
                failures.append(f"notification {notification.pk}: {type(exc).__name__}: {exc}")
            else:
                notification.emailed_at = timezone.now()
                # Delivery bookkeeping, not audited (docs/audit.md).
                Notification.objects.filter(pk=notification.pk).update(
                    emailed_at=notification.emailed_at
                )
        if notification.live and push_live:
            with translation.override(language_for(recipient, tenant)):
                title = notification.title
            publish(
                tenant_id=tenant.pk,
                user_id=recipient.pk,
                payload={
                    "type": "notification",
                    "id": notification.pk,
                    "code": notification.type_code,
                    "title": title,
                    "url": open_url(notification) if notification.url else "",
                    "unread": unread_count(recipient),
                },
            )
    return failures
