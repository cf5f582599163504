"""My tasks: the signed-in person's open tasks across their projects, grouped by
when they are due (overdue, today, this week, later, no date). A constant
number of queries whatever the number of tasks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from modules.employees.selectors import my_employee
from modules.projects.selectors.tasks import my_tasks
from opsplatform.admin.pages import AdminPage

GROUP_TITLES = {
    "overdue": _("Overdue"),
    "today": _("Due today"),
    "week": _("Due this week"),
    "later": _("Due later"),
    "undated": _("No due date"),
}


class MyTasksView(AdminPage):
    permission_required = "projects.log_time"
    template_name = "projects/my_tasks.html"
    title = _("My tasks")

    def get(self, request, **kwargs):
        employee = my_employee(request.user)
        today = self._today()
        groups = my_tasks(employee, today=today)
        for group in groups:
            group.title = GROUP_TITLES[group.key]
        return self.render(
            employee=employee,
            today=today,
            groups=groups,
            total=sum(len(group.tasks) for group in groups),
        )

    def _today(self):
        from opsplatform.tenancy.context import require_current_tenant

        return require_current_tenant().today()
