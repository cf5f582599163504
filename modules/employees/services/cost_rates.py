"""Dated hourly cost rates: added by hand (backdated too) or recorded when a
person's rate changes through the admin form or the people import.

``Employee.hourly_cost_rate`` stays as "the rate most recently set": screens and
the import read and write it as before, and each change is recorded here as a
rate valid from the company's today. The first change of someone who has no
history yet first records the rate they had, valid from their hire date, so
time logged later for the days before the change is still priced at the old
rate. Pricing (modules/projects/services/pricing.py) reads only this history
(and the field, for people who have none yet).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from modules.employees.models import CostRate, Employee
from opsplatform.tenancy.context import require_current_tenant

# The day a rate known before any history was kept is taken to start from,
# for someone with no hire date.
LONG_AGO = date(2000, 1, 1)
ZERO = Decimal("0")


def _start_of(employee: Employee) -> date:
    return employee.hire_date or LONG_AGO


@transaction.atomic
def cost_rate_add(
    *,
    employee: Employee,
    valid_from: date,
    hourly_rate: Decimal,
    currency: str = "",
    note: str = "",
    user=None,
) -> CostRate:
    """A rate valid from ``valid_from`` (any date: backdated rates price new logs only)."""
    tenant = require_current_tenant()
    has_history = CostRate.objects.filter(employee=employee).exists()
    if not has_history and employee.hourly_cost_rate is not None:
        start = _start_of(employee)
        if start < valid_from:
            seed = CostRate(
                tenant=tenant,
                employee=employee,
                valid_from=start,
                hourly_rate=employee.hourly_cost_rate,
                currency=employee.cost_currency,
                note=_("The rate before dated rates were kept"),
            )
            seed.full_clean()
            seed.save()
    rate = CostRate(
        tenant=tenant,
        employee=employee,
        valid_from=valid_from,
        hourly_rate=hourly_rate,
        currency=currency or employee.cost_currency,
        note=note,
    )
    rate.full_clean()
    rate.save()
    _sync_current(employee, today=tenant.today())
    return rate


def _sync_current(employee: Employee, *, today: date) -> None:
    """Make the employee's field the rate valid today (when one is)."""
    current = (
        CostRate.objects.filter(employee=employee, valid_from__lte=today)
        .order_by("-valid_from")
        .values_list("hourly_rate", flat=True)
        .first()
    )
    if current is None or current == employee.hourly_cost_rate:
        return
    employee.hourly_cost_rate = current
    employee._change_reason = _("Cost rate changed")
    employee.save(update_fields=["hourly_cost_rate", "updated_at"])


def record_rate_changes(changes: list[tuple[Employee, Decimal | None]], *, user=None) -> None:
    """Record each person's new ``hourly_cost_rate`` as valid from today.

    ``changes`` pairs an employee (its field already holding the new rate) with the
    rate it had before. Three statements for any number of people: the history
    read, the inserts, the updates of a rate already set today.
    """
    changes = [(e, old) for e, old in changes if e.hourly_cost_rate != old]
    if not changes:
        return
    tenant = require_current_tenant()
    today = tenant.today()
    ids = [e.pk for e, _old in changes]
    with_history = set(
        CostRate.objects.filter(employee_id__in=ids).values_list("employee_id", flat=True)
    )
    today_rows = {
        r.employee_id: r for r in CostRate.objects.filter(employee_id__in=ids, valid_from=today)
    }
    new, updated = [], []
    for employee, old in changes:
        rate = employee.hourly_cost_rate if employee.hourly_cost_rate is not None else ZERO
        if employee.pk not in with_history and old is not None and _start_of(employee) < today:
            new.append(
                CostRate(
                    tenant=tenant,
                    employee=employee,
                    valid_from=_start_of(employee),
                    hourly_rate=old,
                    currency=employee.cost_currency,
                    note=_("The rate before dated rates were kept"),
                )
            )
        if employee.pk not in with_history and old is None and employee.hourly_cost_rate is None:
            continue
        row = today_rows.get(employee.pk)
        if row is not None:
            row.hourly_rate = rate
            row.currency = employee.cost_currency
            updated.append(row)
        else:
            new.append(
                CostRate(
                    tenant=tenant,
                    employee=employee,
                    valid_from=today,
                    hourly_rate=rate,
                    currency=employee.cost_currency,
                    note=_("Rate changed on the employee"),
                )
            )
    reason = _("Rate changed on the employee")
    if new:
        bulk_create_with_history(new, CostRate, default_user=user, default_change_reason=reason)
    if updated:
        bulk_update_with_history(
            updated,
            CostRate,
            ["hourly_rate", "currency"],
            default_user=user,
            default_change_reason=reason,
        )
