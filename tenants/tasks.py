"""Background jobs of the tenants app (huey). Each takes its tenant explicitly."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import db_task

from opsplatform.tenancy.rls import tenant_transaction


def send_invitation(tenant, invitation_id: int) -> bool:
    """Email a pending invitation its current link (in the current tenant's
    transaction); a closed or missing one is skipped. Raises when sending fails."""
    from tenants.links import invitation_token, tenant_url
    from tenants.models import Invitation

    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return False
    link = tenant_url(
        tenant,
        reverse(
            "invitation-accept",
            args=[invitation_token(invitation)],
            urlconf="opsplatform.urls.tenant",
        ),
    )
    context = {"tenant": tenant, "invitation": invitation, "link": link}
    with translation.override(tenant.default_language):
        subject = render_to_string("tenants/email/invitation_subject.txt", context).strip()
        text = render_to_string("tenants/email/invitation.txt", context)
        html = render_to_string("tenants/email/invitation.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


@db_task(retries=3, retry_delay=60)
def send_invitation_email(tenant_id: int, invitation_id: int) -> None:
    """An invitation email queued before invitations went through the outbox:
    kept so that the worker still knows tasks enqueued by the previous release."""
    from tenants.models import Tenant

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_transaction(tenant):
        send_invitation(tenant, invitation_id)
