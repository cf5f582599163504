"""Notifications the employees module sends.

Until the platform notification service exists (issue: approvals), these go
out live over the member's websocket group and by email.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opsplatform.realtime.publish import publish


def import_finished(job) -> None:
    user = job.created_by
    if user is None:
        return
    from tenants.links import tenant_url
    from tenants.models import Tenant

    tenant = Tenant.objects.get(pk=job.tenant_id)
    link = tenant_url(
        tenant,
        reverse(
            "admin:employees_employee_import_job", args=[job.pk], urlconf="opsplatform.urls.tenant"
        ),
    )
    report = job.report or {}
    with translation.override(user.language or tenant.default_language):
        if job.status == "done":
            subject = _("Your import of %(file)s is done") % {"file": job.original_name}
            body = _("%(created)d people added and %(updated)d updated.") % {
                "created": report.get("created", 0),
                "updated": report.get("updated", 0),
            }
        else:
            subject = _("Your import of %(file)s did not go through") % {"file": job.original_name}
            body = _("Nothing was changed. See what needs fixing:")
    publish(
        tenant_id=job.tenant_id,
        user_id=user.pk,
        payload={"type": "import.finished", "job": job.pk, "status": job.status, "title": subject},
    )
    send_mail(subject, f"{body}\n\n{link}\n", None, [user.email])


def documents_expiring(*, tenant, recipients, documents) -> None:
    if not recipients or not documents:
        return
    lines = [
        f"- {doc.employee.full_name}: {doc.get_kind_display()} {doc.number} — {doc.expires_on:%Y-%m-%d}"
        for doc in documents
    ]
    with translation.override(tenant.default_language):
        subject = _("%(count)d employee documents expire soon") % {"count": len(documents)}
    send_mail(subject, "\n".join(lines) + "\n", None, recipients)
