"""What the employees module adds to the product (docs/modules.md)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import (
    ActivityKind,
    Feature,
    Limit,
    Module,
    SidebarGroup,
    SidebarItem,
)


def _item(title, icon: str, url: str, order: int, permission: str) -> SidebarItem:
    return SidebarItem(
        group="people", title=title, icon=icon, url=url, order=order, permission=permission
    )


def employees_on_payroll(tenant) -> int:
    """Employees a plan counts: everyone but those who have left (called in the tenant's context)."""
    from modules.employees.models import Employee

    return Employee.objects.exclude(status=Employee.Status.TERMINATED).count()


def on_payroll(employee) -> bool:
    """A new person counts unless they are created as already gone (an import of leavers)."""
    return employee.status != "terminated"


MODULE = Module(
    name="employees",
    label=_("Employees"),
    groups=(SidebarGroup(key="people", title=_("People"), order=20, collapsible=False),),
    items=(
        _item(
            _("Employees"),
            "badge",
            "admin:employees_employee_changelist",
            10,
            "employees.view_employee",
        ),
        _item(
            _("Organisation chart"),
            "account_tree",
            "admin:employees_org_chart",
            20,
            "employees.view_org_chart",
        ),
        _item(
            _("Departments"),
            "corporate_fare",
            "admin:employees_department_changelist",
            30,
            "employees.change_department",
        ),
        _item(
            _("Positions"),
            "work",
            "admin:employees_position_changelist",
            40,
            "employees.change_position",
        ),
        _item(
            _("Work locations"),
            "location_on",
            "admin:employees_worklocation_changelist",
            50,
            "employees.change_worklocation",
        ),
        _item(
            _("Work schedules"),
            "schedule",
            "admin:employees_workschedule_changelist",
            60,
            "employees.change_workschedule",
        ),
        _item(
            _("Documents"),
            "description",
            "admin:employees_employeedocument_changelist",
            70,
            "employees.view_employeedocument",
        ),
        _item(
            _("My profile"),
            "person",
            "admin:employees_my_profile",
            80,
            "employees.view_own_profile",
        ),
    ),
    cards=("modules.employees.dashboard.people_cards",),
    demo="modules.employees.demo.seed",
    feature=Feature(code="employees", label=_("Employees")),
    limits=(
        Limit(
            code="employees.employees",
            label=_("Employees"),
            count=employees_on_payroll,
            consumed_by=("employees.Employee",),
            consumes=on_payroll,
        ),
    ),
    activity=(
        ActivityKind(code="employees.hired", label=_("An employee was added")),
        ActivityKind(code="employees.left", label=_("An employee left")),
        ActivityKind(code="employees.imported", label=_("People were imported")),
        ActivityKind(code="employees.document_expiring", label=_("A document is expiring")),
    ),
)
