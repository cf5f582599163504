"""Admin pages of the employees module beyond plain lists and forms:
bulk import with preview and progress, termination with handover and the
self-service profile. The org chart has its own file, org_chart.py."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminTextInputWidget

from modules.employees import jobs, services
from modules.employees.columns import EMPLOYEE_COLUMNS, SALARY_COLUMNS
from modules.employees.import_files import max_rows
from modules.employees.models import Employee, ImportJob
from modules.employees.selectors import employee_for_user
from opsplatform.files.fields import check_upload, too_large_error
from opsplatform.files.uploads import OversizedUpload

IMPORT_FILE = ImportJob._meta.get_field("file")


class AdminPageMixin:
    model_admin = None
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, template, **context):
        site = self.model_admin.admin_site
        return TemplateResponse(
            request,
            template,
            {**site.each_context(request), "opts": Employee._meta, **context},
        )


# -- import -------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("People file (CSV or XLSX)"), widget=UnfoldAdminFileFieldWidget
    )

    def clean_file(self):
        upload: UploadedFile = self.cleaned_data["file"]
        if isinstance(upload, OversizedUpload) or upload.size > IMPORT_FILE.max_size:
            raise too_large_error(IMPORT_FILE.max_size)
        # The name picks the parser; the content decides whether it is allowed.
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        check_upload(upload, IMPORT_FILE)
        return upload


class EmployeeImportView(AdminPageMixin, View):
    permission = "employees.import_employee"
    # The upload handler caps the "file" part at the import file's limit while it streams.
    upload_fields = {"file": "employees.ImportJob.file"}

    def get(self, request):
        return self._page(request, UploadForm())

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(request, form)
        upload = form.cleaned_data["file"]
        job = ImportJob(
            original_name=upload.name[:255],
            created_by=request.user,
            may_set_salary=request.user.has_perm("employees.view_salary"),
            queued_at=timezone.now(),
        )
        job.save()
        job.file.save(upload.name, upload, save=True)
        _start_check(job)
        return HttpResponseRedirect(reverse("admin:employees_employee_import_job", args=[job.pk]))

    def _page(self, request, form):
        recent = ImportJob.objects.select_related("created_by")[:10]
        return self.render(
            request,
            "employees/import_upload.html",
            title=_("Import people"),
            form=form,
            recent=recent,
            columns=EMPLOYEE_COLUMNS,
            max_rows=number_format(max_rows(), force_grouping=True),
        )


def _start_check(job: ImportJob) -> None:
    """Check a queued job here when its file is small (by its real row count), else
    in the background, once the job is committed."""
    if jobs.runs_inline(job):
        jobs.check_job(job)
    else:
        from modules.employees.tasks import check_import_job
        from opsplatform import outbox

        # An outbox row, not a bare enqueue: a queue down at commit loses nothing.
        outbox.emit_task(check_import_job, job.tenant_id, job.pk, tenant=job.tenant_id)


class ImportJobView(AdminPageMixin, View):
    permission = "employees.import_employee"

    def get(self, request, job_id: int):
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id)
        report = job.report or {}
        return self.render(
            request,
            "employees/import_job.html",
            title=_("Import of %(file)s") % {"file": job.original_name},
            job=job,
            report=report,
            processed=jobs.current_progress(job),
            status_url=reverse("admin:employees_employee_import_job_status", args=[job.pk]),
        )

    def post(self, request, job_id: int):
        job = get_object_or_404(ImportJob, pk=job_id)
        if request.POST.get("action") == "check":
            return self._check_again(request, job)
        if job.status != ImportJob.Status.READY:
            messages.error(
                request,
                _("This import cannot be started: it is %(status)s.")
                % {"status": job.get_status_display()},
            )
            return HttpResponseRedirect(request.path)
        # Claim the job first, so that a double click starts it once.
        if not jobs.claim_job(job, user=request.user):
            messages.info(request, _("This import has already started."))
            return HttpResponseRedirect(request.path)
        if job.total_rows <= jobs.INLINE_ROW_LIMIT:
            jobs.apply_job(job, user=request.user)
            job.refresh_from_db()
            if job.status == ImportJob.Status.DONE:
                messages.success(
                    request,
                    _("Imported: %(created)d added, %(updated)d updated.")
                    % {
                        "created": job.report.get("created", 0),
                        "updated": job.report.get("updated", 0),
                    },
                )
            else:
                messages.error(
                    request, _("Nothing was imported: the data changed since the check. See below.")
                )
        else:
            from modules.employees.tasks import apply_import_job
            from opsplatform import outbox

            tenant_id, job_pk = job.tenant_id, job.pk
            outbox.emit_task(apply_import_job, tenant_id, job_pk, tenant=tenant_id)
            messages.info(
                request, _("The import runs in the background; we will tell you when it ends.")
            )
        return HttpResponseRedirect(request.path)

    def _check_again(self, request, job: ImportJob):
        """A check that stopped (the watchdog says why on the page) runs again."""
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if not (locked.status == ImportJob.Status.FAILED and locked.can_check_again):
                messages.error(request, _("This file cannot be checked again."))
                return HttpResponseRedirect(request.path)
            jobs.queue_check(job, user=request.user)
        _start_check(job)
        return HttpResponseRedirect(request.path)


def import_job_status(request, job_id: int):
    if not request.user.has_perm("employees.import_employee"):
        raise PermissionDenied
    job = get_object_or_404(ImportJob, pk=job_id)
    processed = jobs.current_progress(job)
    total = job.total_rows or 0
    return JsonResponse(
        {
            "status": job.status,
            "label": str(job.get_status_display()),
            "processed": processed,
            "total": total,
            "percent": min(100, round(100 * processed / total)) if total else 0,
        }
    )


def import_template(request, file_format: str):
    if not request.user.has_perm("employees.import_employee"):
        raise PermissionDenied
    columns = [
        (name, str(help_text))
        for name, help_text in EMPLOYEE_COLUMNS
        if request.user.has_perm("employees.view_salary") or name not in SALARY_COLUMNS
    ]
    if file_format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow([name for name, _h in columns])
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="employees-template.csv"'
        return response
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "employees"
        sheet.append([name for name, _h in columns])
        notes = workbook.create_sheet("columns")
        notes.append([_("Column"), _("What to put in it")])
        for name, help_text in columns:
            notes.append([name, help_text])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="employees-template.xlsx"'
        return response
    raise Http404


# -- termination ------------------------------------------------------------------


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on a plain form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def terminate_view(model_admin, request, object_id):
    from modules.employees.admin import TerminateForm

    employee = model_admin.get_object(request, object_id)
    if employee is None:
        raise Http404
    form = TerminateForm(request.POST or None, employee=employee)
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_terminate(
                employee=employee,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                successor=form.cleaned_data["successor"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is terminated.") % {"name": employee.full_name})
            return HttpResponseRedirect(
                reverse("admin:employees_employee_change", args=[employee.pk])
            )
    reports = employee.direct_reports.exclude(status=Employee.Status.TERMINATED).order_by(
        "last_name"
    )
    return TemplateResponse(
        request,
        "employees/terminate.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": Employee._meta,
            "title": _("Terminate %(name)s") % {"name": employee.full_name},
            "employee": employee,
            "form": form,
            "reports": reports,
        },
    )


# -- self-service (the org chart is in modules/employees/org_chart.py) ------------------


class ContactForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = [
            "phone",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
        ]
        widgets = {name: UnfoldAdminTextInputWidget for name in fields}


class MyProfileView(AdminPageMixin, View):
    permission = "employees.view_own_profile"

    def get(self, request):
        return self._page(request, None)

    def post(self, request):
        employee = employee_for_user(request.user)
        if employee is None:
            raise Http404
        form = ContactForm(request.POST, instance=employee)
        if form.is_valid():
            services.employee_update_own_contact(
                employee=employee, **{k: form.cleaned_data[k] for k in ContactForm.Meta.fields}
            )
            messages.success(request, _("Your contact details are saved."))
            return HttpResponseRedirect(request.path)
        return self._page(request, form)

    def _page(self, request, form):
        employee = employee_for_user(request.user)
        if employee is not None and form is None:
            form = ContactForm(instance=employee)
        documents = employee.documents.order_by("expires_on") if employee else []
        return self.render(
            request,
            "employees/my_profile.html",
            title=_("My profile"),
            employee=employee,
            form=form,
            documents=documents,
        )
