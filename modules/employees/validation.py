"""What an employee record must be beyond each field on its own, said once: the
rule and its message. ``employee_save`` (and so the admin form and every
service) and the importer both check these, and get the same words.

The rules take plain values and lookups the caller already holds, so the
importer checks a whole file in memory with no query per row, while a service
hands them what one query fetched. Each raises :class:`Refused` keyed by the
field it is about. The database backs what it can: the end date after the hire
date is a check constraint, and a work email is unique per company (the
importer's own email check below names the person who has it).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.utils.translation import gettext as _

from modules.employees.models import END_BEFORE_HIRE, Employee
from opsplatform.refusals import Refused


def check_dates(*, status: str, hire_date, end_date) -> None:
    """Someone who left has an end date, and nobody leaves before they start."""
    if status == Employee.Status.TERMINATED and end_date is None:
        raise Refused({"end_date": _("A terminated employee needs an end date.")})
    if end_date and hire_date and end_date < hire_date:
        raise Refused({"end_date": str(END_BEFORE_HIRE)})


def check_not_own_manager(person: Hashable, manager: Hashable | None) -> None:
    """``person`` and ``manager``: the same kind of key (an id, an employee number)."""
    if manager is not None and manager == person:
        raise Refused({"manager": _("A person cannot be their own line manager.")})


def reporting_loop(start: Hashable, manager_of: Callable) -> list | None:
    """The loop that runs from ``start`` back to it, as ``[start, ..., start]``, or None.

    ``manager_of(key)`` is the key's manager as it will be (None at the top). A
    loop higher up that does not pass through ``start`` is not this one's.
    """
    path, seen = [], set()
    current = start
    while current is not None and current not in seen:
        seen.add(current)
        path.append(current)
        current = manager_of(current)
    if current is not None and current == start:
        return [*path, start]
    return None


def loop_message(names: list[str]) -> str:
    return _("This would make a reporting loop: %(loop)s.") % {"loop": " → ".join(names)}


def check_no_reporting_loop(start: Hashable, manager_of: Callable, names_of: Callable) -> None:
    """Refuse a line manager who already reports, directly or not, to ``start``; the
    message names everyone in the loop (``names_of(loop)``, asked only for a loop)."""
    loop = reporting_loop(start, manager_of)
    if loop is not None:
        raise Refused({"manager": loop_message(names_of(loop))}, code="manager_loop")


def check_work_email_free(
    email: str, *, owner: Hashable | None, person: Hashable, owner_number: str
):
    """A work email belongs to one person of the company: ``owner`` is who has it now
    (None: nobody), ``owner_number`` their employee number for the message."""
    if owner is not None and owner != person:
        raise Refused(
            {
                "work_email": _("%(email)s belongs to employee %(number)s.")
                % {"email": email, "number": owner_number}
            }
        )
