"""Writing a checked people file, all rows or none, in one transaction: new people
level by level down the reporting lines (each gets one history row with its
manager), updates grouped by the columns they change, in batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from modules.employees.importing.lookups import STORED_FIELDS, Lookups
from modules.employees.importing.plan import changes_of
from modules.employees.importing.rows import Row
from modules.employees.models import Employee
from modules.employees.services.cost_rates import record_rate_changes
from opsplatform.bulk import create_with_history
from opsplatform.importing.report import ImportReport
from opsplatform.tenancy.context import require_current_tenant

BATCH_SIZE = 2000


def apply_import(
    checked: list[Row],
    lookups: Lookups,
    report: ImportReport,
    *,
    user=None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write every checked row in one transaction. Only call with ``report.ok``."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    reason = _("Imported from file")
    now = timezone.now()
    done = 0
    with transaction.atomic():
        pk_by_number = {number: values["id"] for number, values in lookups.existing.items()}
        new_rows = [r for r in checked if r.number.lower() not in lookups.existing]
        # Managers first: people are created level by level down the reporting
        # lines, so each new person's manager already has an id (one history row each).
        pending = {r.number.lower(): r for r in new_rows}
        # (employee, rate before): each new rate is recorded as valid from today.
        rate_changes: list = []
        while pending:
            level = [
                r for r in pending.values() if r.manager_ref is None or r.manager_ref not in pending
            ]
            objects = []
            for r in level:
                values = dict(r.values)
                if r.manager_ref is not None:
                    values["manager_id"] = pk_by_number[r.manager_ref]
                values.setdefault("hire_date", date.today())
                objects.append(Employee(tenant=tenant, employee_number=r.number, **values))
            created = create_with_history(objects, Employee, user=user, reason=reason)
            rate_changes.extend((obj, None) for obj in created if obj.hourly_cost_rate is not None)
            for obj in created:
                pk_by_number[obj.employee_number.lower()] = obj.pk
            for r in level:
                del pending[r.number.lower()]
            done += len(level)
            report.created += len(level)
            if progress:
                progress(done)

        updates: dict[tuple, list[Employee]] = {}
        for r in checked:
            current = lookups.existing.get(r.number.lower())
            if current is None:
                continue
            changes = changes_of(r, current, lookups)
            if r.manager_ref is not None:
                changes["manager_id"] = pk_by_number[r.manager_ref]
                if changes["manager_id"] == current.get("manager_id"):
                    del changes["manager_id"]
            if not changes:
                continue
            obj = Employee(tenant=tenant, **{k: current[k] for k in STORED_FIELDS})
            for name, value in changes.items():
                setattr(obj, name, value)
            obj.updated_at = now
            if "hourly_cost_rate" in changes:
                rate_changes.append((obj, current.get("hourly_cost_rate")))
            updates.setdefault(tuple(sorted([*changes, "updated_at"])), []).append(obj)
        for changed_fields, objects in updates.items():
            for start in range(0, len(objects), BATCH_SIZE):
                batch = objects[start : start + BATCH_SIZE]
                bulk_update_with_history(
                    batch,
                    Employee,
                    [f.removesuffix("_id") if f.endswith("_id") else f for f in changed_fields],
                    batch_size=BATCH_SIZE,
                    default_user=user,
                    default_change_reason=reason,
                )
                done += len(batch)
                report.updated += len(batch)
                if progress:
                    progress(done)
        record_rate_changes(rate_changes, user=user)
        _close_logins_of_leavers(checked, lookups)
    report.applied = True
    return report


def _close_logins_of_leavers(checked: list[Row], lookups: Lookups) -> None:
    """People the file terminates lose their login, as with the Terminate button."""
    from modules.employees.services import close_login

    leavers = [
        r.number.lower()
        for r in checked
        if r.values.get("status") == Employee.Status.TERMINATED
        and lookups.existing.get(r.number.lower(), {}).get("status") != Employee.Status.TERMINATED
    ]
    if not leavers:
        return
    for employee in Employee.objects.filter(
        employee_number__in=[
            lookups.existing[n]["employee_number"] for n in leavers if n in lookups.existing
        ],
        membership__isnull=False,
    ):
        close_login(employee)
