"""django-import-export resources: export of employees, import and export of
departments and positions (small tables, where the library's own preview and
per-row import are the right tool). Employee *import* has its own bulk path
(modules/employees/importing.py, see docs/employees.md for why)."""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from modules.employees.columns import COLUMN_NAMES
from modules.employees.models import Department, Employee, Position
from opsplatform.admin.resources import SafeExportMixin, TenantModelResource


class CaseInsensitiveForeignKeyWidget(ForeignKeyWidget):
    """Find a related row by a text column, ignoring case; the default manager
    keeps the search inside the current tenant."""

    def get_lookup_kwargs(self, value, row=None, **kwargs):
        return {f"{self.field}__iexact": str(value).strip()}


class DepartmentResource(TenantModelResource):
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=CaseInsensitiveForeignKeyWidget(Department, "name"),
    )
    head = fields.Field(
        attribute="head",
        column_name="head",
        widget=CaseInsensitiveForeignKeyWidget(Employee, "employee_number"),
    )

    class Meta:
        model = Department
        fields = ("name", "code", "parent", "head")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        from modules.employees.services import check_no_department_loop

        super().before_save_instance(instance, row, **kwargs)
        check_no_department_loop(instance)


class PositionResource(TenantModelResource):
    department = fields.Field(
        attribute="department",
        column_name="department",
        widget=CaseInsensitiveForeignKeyWidget(Department, "name"),
    )

    class Meta:
        model = Position
        fields = ("title", "department")
        import_id_fields = ("title",)
        skip_unchanged = True
        report_skipped = True


class EmployeeResource(SafeExportMixin, resources.ModelResource):
    """Export, in the same columns the import reads. Salary columns are in the
    file only for a viewer who may read them (``Employee.confidential_fields``)."""

    department = fields.Field(attribute="department__name", column_name="department")
    position = fields.Field(attribute="position__title", column_name="position")
    location = fields.Field(attribute="location__name", column_name="location")
    schedule = fields.Field(attribute="schedule__name", column_name="schedule")
    manager = fields.Field(attribute="manager__employee_number", column_name="manager")

    class Meta:
        model = Employee
        fields = tuple(COLUMN_NAMES)
        export_order = tuple(COLUMN_NAMES)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("department", "position", "location", "schedule", "manager")
