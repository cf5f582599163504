"""Forms of the project and task screens. They hold no rules of their own: the
checks they run are the services' (so a screen shows a refusal on the field it
is about, before anything is written)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminSelect2MultipleWidget,
    UnfoldAdminSelect2Widget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from modules.employees.models import Employee
from modules.projects.models import Label, Project
from modules.projects.services import dependencies as dependency_rules
from modules.projects.services import tasks as task_rules


def employees_in_service(*, keep=()):
    """People who can be named: everyone not terminated, and whoever is named already."""
    return Employee.objects.exclude(
        Q(status=Employee.Status.TERMINATED) & ~Q(pk__in=[pk for pk in keep if pk])
    ).order_by("last_name", "first_name", "pk")


# No Meta here: the admin builds each form's class per request (modelform_factory);
# a ModelForm with foreign keys built at import would read tenant data with no tenant.


class ProjectForm(forms.ModelForm):
    # ``Project.members`` goes through ProjectMember (with its tenant), so the
    # list is a form field of its own that the service writes.
    member_list = forms.ModelMultipleChoiceField(
        label=_("members"),
        queryset=Employee.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelect2MultipleWidget,
        help_text=_("They see the project and work its tasks."),
    )
    template = forms.ModelChoiceField(
        label=_("start from template"),
        queryset=Project.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelect2Widget,
        help_text=_("Copies the template's columns and tasks, with dates moved to this start."),
    )

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = (
            list(self.instance.memberships.values_list("employee_id", flat=True))
            if self.instance.pk
            else []
        )
        self.fields["member_list"].queryset = employees_in_service(keep=current)
        if self.instance.pk:
            self.fields.pop("template", None)
            self.initial.setdefault("member_list", current)
        else:
            self.fields["template"].queryset = (
                templates if templates is not None else Project.objects.none()
            )
        if "manager" in self.fields:
            self.fields["manager"].queryset = employees_in_service(keep=[self.instance.manager_id])
            if not self.instance.pk:
                # Empty: whoever starts the project manages it (services/projects.py).
                self.fields["manager"].required = False
                self.fields["manager"].help_text = _("Empty: you.")


class StartFromTemplateForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=10, widget=UnfoldAdminTextInputWidget)
    name = forms.CharField(label=_("name"), max_length=160, widget=UnfoldAdminTextInputWidget)
    start_date = forms.DateField(label=_("start date"), widget=UnfoldAdminSingleDateWidget)


class TaskForm(forms.ModelForm):
    """A task's form; its choices are the task's project's (the admin narrows them)."""

    assignee_list = forms.ModelMultipleChoiceField(
        label=_("assignees"),
        queryset=Employee.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelect2MultipleWidget,
        help_text=_("The project's manager and members."),
    )
    label_list = forms.ModelMultipleChoiceField(
        label=_("labels"),
        queryset=Label.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelect2MultipleWidget,
    )

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["label_list"].queryset = Label.objects.order_by("name")
        if project is not None:
            from modules.projects.selectors.tasks import project_people

            self.fields["assignee_list"].queryset = project_people(project).order_by(
                "last_name", "first_name"
            )
        if self.instance.pk:
            self.initial.setdefault(
                "assignee_list",
                list(self.instance.assignments.values_list("employee_id", flat=True)),
            )
            self.initial.setdefault(
                "label_list", list(self.instance.label_links.values_list("label_id", flat=True))
            )

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        task = self.instance
        if not task.project_id:
            return
        try:
            if task.column_id:
                task_rules.check_column(task)
            task_rules.check_parent(task)
            if "assignee_list" in self.cleaned_data:
                task_rules.check_assignees(task, self.cleaned_data["assignee_list"])
        except ValidationError as error:
            field = getattr(error, "field", None)
            self.add_error(field if field in self.fields else None, error)


class DependencyInlineForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.has_changed():
            return
        link = self.instance
        if not (link.task_id and link.blocker_id):
            return
        try:
            dependency_rules.check_dependency(link.task, link.blocker)
        except ValidationError as error:
            self.add_error("blocker", error)
