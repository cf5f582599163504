"""Admin pages of the employees module beyond plain lists and forms:
bulk import with preview and progress, termination with handover and the
self-service profile. The org chart has its own file, org_chart.py."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminTextInputWidget

from modules.employees import jobs, services
from modules.employees.columns import EMPLOYEE_COLUMNS, SALARY_COLUMNS
from modules.employees.models import Employee, ImportJob
from modules.employees.selectors import employee_for_user
from modules.employees.services import import_jobs
from modules.employees.services.import_jobs import ImportStart
from opsplatform.admin import tenant_site
from opsplatform.admin.pages import AdminPage
from opsplatform.contract.registry import holdings_of
from opsplatform.importing.files import max_rows
from opsplatform.refusals import Refused, show_refusal

# -- import -------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("People file (CSV or XLSX)"), widget=UnfoldAdminFileFieldWidget
    )


class EmployeeImportView(AdminPage):
    permission_required = "employees.import_employee"
    title = gettext_lazy("Import people")
    template_name = "employees/import_upload.html"
    # The upload handler caps the "file" part at the import file's limit while it streams.
    upload_fields = {"file": "employees.ImportJob.file"}

    def get(self, request):
        return self._page(UploadForm())

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form)
        try:
            job = import_jobs.import_job_create(upload=form.cleaned_data["file"], user=request.user)
        except Refused as refusal:
            show_refusal(request, refusal, form=form)
            return self._page(form)
        return HttpResponseRedirect(reverse("admin:employees_employee_import_job", args=[job.pk]))

    def _page(self, form):
        return self.render(
            form=form,
            recent=ImportJob.objects.select_related("created_by")[:10],
            columns=EMPLOYEE_COLUMNS,
            max_rows=number_format(max_rows(), force_grouping=True),
        )


class ImportJobView(AdminPage):
    permission_required = "employees.import_employee"
    template_name = "employees/import_job.html"

    def get_title(self) -> str:
        return _("Import of %(file)s") % {"file": self.job.original_name}

    def get(self, request, job_id: int):
        job = self.job = get_object_or_404(
            ImportJob.objects.select_related("created_by"), pk=job_id
        )
        return self.render(
            job=job,
            report=job.report or {},
            processed=jobs.current_progress(job),
            status_url=reverse("admin:employees_employee_import_job_status", args=[job.pk]),
        )

    def post(self, request, job_id: int):
        job = get_object_or_404(ImportJob, pk=job_id)
        try:
            if request.POST.get("action") == "check":
                import_jobs.import_job_check_again(job=job, user=request.user)
            else:
                self._show_start(
                    request, job, import_jobs.import_job_start(job=job, user=request.user)
                )
        except Refused as refusal:
            show_refusal(request, refusal)
        return HttpResponseRedirect(request.path)

    def _show_start(self, request, job: ImportJob, outcome: ImportStart) -> None:
        if outcome is ImportStart.ALREADY_STARTED:
            messages.info(request, _("This import has already started."))
        elif outcome is ImportStart.IMPORTED:
            messages.success(
                request,
                _("Imported: %(created)d added, %(updated)d updated.")
                % {
                    "created": job.report.get("created", 0),
                    "updated": job.report.get("updated", 0),
                },
            )
        elif outcome is ImportStart.DATA_CHANGED:
            messages.error(
                request, _("Nothing was imported: the data changed since the check. See below.")
            )
        else:
            messages.info(
                request, _("The import runs in the background; we will tell you when it ends.")
            )


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


class TerminateForm(forms.Form):
    # The service names the model's fields; a refusal about one shows on the form's own.
    SERVICE_FIELDS = {"termination_reason": "reason"}

    end_date = forms.DateField(
        label=gettext_lazy("Last day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)
    successor = forms.ModelChoiceField(
        label=gettext_lazy("Who takes over their reports"),
        queryset=Employee.all_tenants.none(),  # set per request in __init__
        required=False,
        # Search as you type (the employee admin's autocomplete, as for a manager):
        # a plain select would list the whole company, 100,000 options in a big one.
        widget=AutocompleteSelect(Employee._meta.get_field("manager"), tenant_site),
    )

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            Employee.objects.exclude(pk=employee.pk)
            .exclude(status=Employee.Status.TERMINATED)
            .order_by("last_name", "first_name")
        )

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                name = self.SERVICE_FIELDS.get(name, name)
                super().add_error(name if name in self.fields else None, errors)
            return
        super().add_error(field, error)


class TerminatePage(AdminPage):
    """Mounted by the employee admin's Terminate action (``admin.terminate_action``)."""

    permission_required = "employees.change_employee"
    template_name = "employees/terminate.html"

    def get_title(self) -> str:
        return _("Terminate %(name)s") % {"name": self.employee.full_name}

    def dispatch(self, request, *args, object_id, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.employee = self.model_admin.get_object(request, object_id)
        if self.employee is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._page(TerminateForm(employee=self.employee))

    def post(self, request):
        employee = self.employee
        form = TerminateForm(request.POST, employee=employee)
        if not form.is_valid():
            return self._page(form)
        try:
            services.employee_terminate(
                employee=employee,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                successor=form.cleaned_data["successor"],
                by=request.user,
            )
        except ValidationError as refusal:
            show_refusal(request, refusal, form=form)
            return self._page(form)
        messages.success(request, _("%(name)s is terminated.") % {"name": employee.full_name})
        # Termination never waits on what they hold; HR is told what to get back.
        for holding in holdings_of(request, employee):
            messages.warning(
                request,
                _("%(name)s still holds (%(what)s): %(items)s.")
                % {
                    "name": employee.full_name,
                    "what": holding["title"],
                    "items": ", ".join(label for label, _url in holding["items"]),
                },
            )
        return HttpResponseRedirect(reverse("admin:employees_employee_change", args=[employee.pk]))

    def _page(self, form):
        reports = self.employee.direct_reports.exclude(status=Employee.Status.TERMINATED).order_by(
            "last_name"
        )
        # What other modules say they still hold (a laptop, a badge): listed, not blocking.
        holdings = holdings_of(self.request, self.employee)
        return self.render(employee=self.employee, form=form, reports=reports, holdings=holdings)


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


class MyProfileView(AdminPage):
    permission_required = "employees.view_own_profile"
    title = gettext_lazy("My profile")
    template_name = "employees/my_profile.html"

    def get(self, request):
        return self._page(None)

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
        return self._page(form)

    def _page(self, form):
        employee = employee_for_user(self.request.user)
        if employee is not None and form is None:
            form = ContactForm(instance=employee)
        documents = employee.documents.order_by("expires_on") if employee else []
        return self.render(employee=employee, form=form, documents=documents)
