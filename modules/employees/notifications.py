"""The notification types the employees module sends, through the platform service
(in-app bell, email and live, as each person chooses)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import NotificationType, register
from opsplatform.notifications.services import notify
from opsplatform.tenancy.context import require_current_tenant
from opsplatform.tenancy.rls import tenant_transaction

MODULE = _("People")
IMPORT_DONE = "employees.import_done"
IMPORT_FAILED = "employees.import_failed"
DOCUMENTS_EXPIRING = "employees.documents_expiring"

register(
    NotificationType(
        code=IMPORT_DONE,
        module=MODULE,
        label=_("My import of people is done"),
        title=_("Your import of %(file)s is done"),
        body=_("%(created)d people added and %(updated)d updated."),
    ),
    NotificationType(
        code=IMPORT_FAILED,
        module=MODULE,
        label=_("My import of people did not go through"),
        title=_("Your import of %(file)s did not go through"),
        body=_("Nothing was changed. See what needs fixing:"),
    ),
    NotificationType(
        code=DOCUMENTS_EXPIRING,
        module=MODULE,
        label=_("Employee documents expire soon (HR and owners)"),
        title=_("%(count)d employee documents expire soon"),
        body="%(documents)s",
    ),
)


def import_finished(job) -> None:
    """Tell the uploader that an import ended (inside or after its transaction)."""
    user = job.created_by
    if user is None:
        return
    report = job.report or {}
    code = IMPORT_DONE if job.status == "done" else IMPORT_FAILED
    url = reverse(
        "admin:employees_employee_import_job", args=[job.pk], urlconf="opsplatform.urls.tenant"
    )
    from tenants.models import Tenant

    # A transaction of its own when called after the import's (RLS needs one).
    with tenant_transaction(Tenant.objects.get(pk=job.tenant_id)):
        notify(
            recipients=[user],
            type=code,
            context={
                "file": job.original_name,
                "created": report.get("created", 0),
                "updated": report.get("updated", 0),
            },
            url=url,
        )


def documents_expiring(*, recipients, documents) -> None:
    """One notice per HR member and owner listing the documents (inside the tenant's transaction)."""
    if not recipients or not documents:
        return
    # The list is data inside the notice: written once, in the company's language.
    with translation.override(require_current_tenant().default_language):
        lines = "\n".join(
            f"- {doc.employee.full_name}: {doc.get_kind_display()} {doc.number} — "
            f"{doc.expires_on:%Y-%m-%d}"
            for doc in documents
        )
    notify(
        recipients=recipients,
        type=DOCUMENTS_EXPIRING,
        context={"count": len(documents), "documents": lines},
        url=reverse(
            "admin:employees_employeedocument_changelist", urlconf="opsplatform.urls.tenant"
        ),
    )
