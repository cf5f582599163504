"""Assignments: each row hands one asset in stock to an employee or a department.

The asset is named by its tag and must be in stock, once in the file (one holder
at a time); the holder is an employee by number (not one who has left) or a
department by name, never both. Writing is bulk: the assignments with their
history, the assets' status (with history) and one lifecycle event each, the
same records a hand-out from the asset's page leaves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from modules.assets.importing.columns import ASSIGNMENT_COLUMNS
from modules.assets.models import Asset, AssetEvent, AssetStatus, Assignment
from modules.employees.models import Department, Employee
from opsplatform.bulk import create_with_history
from opsplatform.importing.files import SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.importing.rows import RowCheck, check_rows
from opsplatform.tenancy.context import require_current_tenant

COLUMNS = ASSIGNMENT_COLUMNS
CONDITION_LIMIT = Assignment._meta.get_field("condition_out").max_length


def columns() -> list[tuple]:
    return COLUMNS


@dataclass(slots=True)
class Handout:
    line: int
    asset: Asset
    employee: Employee | None
    department_id: int | None
    holder: str
    assigned_on: date
    expected_return: date | None
    condition: str


@dataclass
class Lookups:
    assets: dict[str, Asset]  # lower(tag) -> asset
    employees: dict[str, Employee]  # lower(number) -> employee
    departments: dict[str, Department]  # lower(name) -> department

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            assets={a.tag.lower(): a for a in Asset.objects.all()},
            employees={e.employee_number.lower(): e for e in Employee.objects.all()},
            departments={d.name.lower(): d for d in Department.objects.all()},
        )


def check(headers: list[str], rows: Iterable[SourceRow]) -> tuple[ImportReport, list[Handout]]:
    lookups = Lookups.load()
    lines: dict[str, int] = {}
    today = timezone.localdate()
    return check_rows(headers, rows, lambda row: _check_row(row, lookups, lines, today))


def _check_row(row: RowCheck, lookups: Lookups, lines: dict, today: date) -> Handout | None:
    tag = row.text("asset_tag", required=True)
    asset = lookups.assets.get(tag.lower()) if tag else None
    if tag and asset is None:
        row.fail("asset_tag", _("No asset has the tag %(tag)s.") % {"tag": tag})
    elif asset is not None and asset.status != AssetStatus.IN_STOCK:
        row.fail(
            "asset_tag",
            _("%(asset)s is not in stock: it is %(status)s.")
            % {"asset": asset.tag, "status": asset.get_status_display().lower()},
        )
    elif asset is not None and tag.lower() in lines:
        row.fail(
            "asset_tag",
            _("%(tag)s is handed out on line %(line)d too.")
            % {"tag": tag, "line": lines[tag.lower()]},
        )
    number = row.text("employee_number")
    department_name = row.text("department")
    employee = department = None
    if bool(number) == bool(department_name):
        row.fail("employee_number", _("Fill the employee number or the department, not both."))
    elif number:
        employee = lookups.employees.get(number.lower())
        if employee is None:
            row.fail("employee_number", _("No employee number %(value)s.") % {"value": number})
        elif employee.status == Employee.Status.TERMINATED:
            row.fail(
                "employee_number",
                _("%(name)s has left the company.") % {"name": employee.full_name},
            )
    else:
        department = lookups.departments.get(department_name.lower())
        if department is None:
            row.fail("department", _("No department “%(value)s”.") % {"value": department_name})
    assigned_on = row.day("assigned_on") or today
    if assigned_on > today:
        row.fail("assigned_on", _("The handover cannot be in the future."))
    expected = row.day("expected_return")
    if expected and expected < assigned_on:
        row.fail("expected_return", _("The expected return cannot be before the handover."))
    condition = row.text("condition", limit=CONDITION_LIMIT)
    if row.failed:
        return None
    lines[tag.lower()] = row.line
    return Handout(
        line=row.line,
        asset=asset,
        employee=employee,
        department_id=department.pk if department else None,
        holder=str(employee or department),
        assigned_on=assigned_on,
        expected_return=expected,
        condition=condition,
    )


def apply(items: list[Handout], report: ImportReport, *, user=None) -> None:
    """Write every checked hand-out in one transaction (only call with ``report.ok``).

    The assets are locked and checked in stock again: a hand-out since the check
    refuses the whole file (the one-holder index would, too)."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    reason = _("Imported from file")
    with transaction.atomic():
        pks = [item.asset.pk for item in items]
        locked = {
            a.pk: a for a in Asset.objects.select_for_update().filter(pk__in=pks).order_by("pk")
        }
        if any(a.status != AssetStatus.IN_STOCK for a in locked.values()):
            from opsplatform.refusals import Refused

            raise Refused(_("Nothing was imported: the data changed since the check."))
        now = timezone.now()
        assignments = []
        events = []
        for item in items:
            asset = locked[item.asset.pk]
            asset.status = AssetStatus.ASSIGNED
            asset.updated_at = now
            at = timezone.make_aware(datetime.combine(item.assigned_on, time(9)))
            assignments.append(
                Assignment(
                    tenant=tenant,
                    asset=asset,
                    employee=item.employee,
                    department_id=item.department_id,
                    assigned_at=min(at, now),
                    expected_return=item.expected_return,
                    condition_out=item.condition,
                    assigned_by=user,
                )
            )
            events.append(
                AssetEvent(
                    tenant=tenant,
                    asset=asset,
                    action="assign",
                    from_status=AssetStatus.IN_STOCK,
                    to_status=AssetStatus.ASSIGNED,
                    reason=_("To %(holder)s") % {"holder": item.holder},
                    by=user,
                )
            )
        bulk_update_with_history(
            list(locked.values()),
            Asset,
            ["status", "updated_at"],
            default_user=user,
            default_change_reason=reason,
        )
        create_with_history(assignments, Assignment, user=user, reason=reason)
        AssetEvent.objects.bulk_create(events)
    report.created = len(assignments)
    report.applied = True
