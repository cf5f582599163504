"""Custody: handing an asset out, taking it back, and passing it on in one step.

Each write locks the asset's row (``lifecycle.lock``), moves its status
(``lifecycle.move``, which records the lifecycle event) and writes the
assignment in the same transaction, so the status, the event and the custody
history never disagree. The database keeps one open assignment per asset (a
partial unique index): if two hand-outs slip past the status check (a status
put right by hand, an import), the second insert fails and is refused with
everything rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.assets.models import Asset, AssetFile, AssetStatus, Assignment
from modules.assets.services.lifecycle import lock, move
from modules.employees.models import Department, Employee
from opsplatform.refusals import Refused

CONDITION_LIMIT = Assignment._meta.get_field("condition_out").max_length


def held_by_someone() -> str:
    return _("This asset is already held by someone.")


@transaction.atomic
def assign(
    asset: Asset | int,
    employee: Employee | None = None,
    department: Department | None = None,
    expected_return=None,
    condition: str = "",
    photos: Iterable = (),
    *,
    by,
    request=None,
) -> Assignment:
    """Hand ``asset`` (in stock) to an employee or a department of the company."""
    asset = lock(asset)
    if asset.status == AssetStatus.ASSIGNED:
        raise Refused(held_by_someone())
    employee, department = _holder(employee, department)
    condition = _condition(condition)
    _expected(expected_return)
    move(asset, "assign", by=by, reason=_("To %(holder)s") % {"holder": employee or department})
    assignment = _open(
        asset,
        employee=employee,
        department=department,
        expected_return=expected_return,
        condition_out=condition,
        assigned_by=by,
        request=request,
    )
    _attach(asset, assignment, photos, AssetFile.Kind.HANDOVER)
    return assignment


@transaction.atomic
def return_asset(
    asset: Asset | int, condition: str = "", photos: Iterable = (), *, by
) -> Assignment:
    """Take ``asset`` back from its holder: the open assignment is closed."""
    asset = lock(asset)
    current = _current(asset)
    condition = _condition(condition)
    move(asset, "return", by=by, reason=_("From %(holder)s") % {"holder": current.holder})
    current.returned_at = max(timezone.now(), current.assigned_at)
    current.condition_in = condition
    current.returned_by = by
    current.save(update_fields=["returned_at", "condition_in", "returned_by"])
    _attach(asset, current, photos, AssetFile.Kind.RETURN)
    return current


@transaction.atomic
def transfer(
    asset: Asset | int,
    employee: Employee | None = None,
    department: Department | None = None,
    expected_return=None,
    condition: str = "",
    photos: Iterable = (),
    *,
    by,
) -> Assignment:
    """From the current holder straight to the next: the open assignment is closed
    (its condition on return is the handover condition) and the next one opened,
    linked by ``transferred_to``."""
    asset = lock(asset)
    current = _current(asset)
    employee, department = _holder(employee, department)
    if (employee and current.employee_id == employee.pk) or (
        department and current.department_id == department.pk
    ):
        raise Refused(
            _("%(holder)s holds it already.") % {"holder": employee or department},
            field="employee" if employee else "department",
        )
    condition = _condition(condition)
    _expected(expected_return)
    move(
        asset,
        "transfer",
        by=by,
        reason=_("From %(old)s to %(new)s")
        % {"old": current.holder, "new": employee or department},
    )
    now = max(timezone.now(), current.assigned_at)
    current.returned_at = now
    current.condition_in = condition
    current.returned_by = by
    current.save(update_fields=["returned_at", "condition_in", "returned_by"])
    following = _open(
        asset,
        employee=employee,
        department=department,
        expected_return=expected_return,
        condition_out=condition,
        assigned_by=by,
        assigned_at=now,
    )
    current.transferred_to = following
    current.save(update_fields=["transferred_to"])
    _attach(asset, following, photos, AssetFile.Kind.HANDOVER)
    return following


# -- the checks ---------------------------------------------------------------------


def _holder(employee, department) -> tuple[Employee | None, Department | None]:
    """The holder, read again inside the company: one of the two, the employee not gone."""
    if (employee is None) == (department is None):
        raise Refused(_("Choose an employee or a department, not both."))
    if employee is not None:
        # The tenant's manager: another company's person is simply not found.
        found = Employee.objects.filter(pk=employee.pk).first()
        if found is None:
            raise Refused(_("Choose an employee of this company."), field="employee")
        if found.status == Employee.Status.TERMINATED:
            raise Refused(
                _("%(name)s has left the company.") % {"name": found.full_name}, field="employee"
            )
        return found, None
    found = Department.objects.filter(pk=department.pk).first()
    if found is None:
        raise Refused(_("Choose a department of this company."), field="department")
    return None, found


def _current(asset: Asset) -> Assignment:
    current = (
        Assignment.objects.select_related("employee", "department")
        .filter(asset=asset, returned_at__isnull=True)
        .first()
    )
    if current is None or asset.status != AssetStatus.ASSIGNED:
        raise Refused(_("%(asset)s is not held by anyone.") % {"asset": asset.tag})
    return current


def _condition(text: str) -> str:
    text = (text or "").strip()
    if len(text) > CONDITION_LIMIT:
        raise Refused(
            _("Keep the condition under %(limit)d characters.") % {"limit": CONDITION_LIMIT},
            field="condition",
        )
    return text


def _expected(expected_return) -> None:
    if expected_return is not None and expected_return < timezone.localdate():
        raise Refused(_("The expected return cannot be in the past."), field="expected_return")


def _open(asset: Asset, **fields) -> Assignment:
    assignment = Assignment(asset=asset, **fields)
    try:
        # A savepoint: the failed insert is undone alone; the Refused then
        # rolls the whole step back (status and event too).
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise Refused(held_by_someone()) from None
    return assignment


def _attach(asset: Asset, assignment: Assignment, photos: Iterable, kind: str) -> None:
    for photo in photos or ():
        file = AssetFile(asset=asset, assignment=assignment, kind=kind, file=photo)
        # The field's checks (type and size) run here; a bad file refuses the step.
        try:
            file.full_clean()
        except ValidationError as invalid:
            name = getattr(photo, "name", "")
            raise Refused(
                [f"{name}: {message}" if name else message for message in invalid.messages],
                field="photos",
            ) from None
        file.save()
