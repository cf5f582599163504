"""The company's data a check needs, loaded once per file into dictionaries, so
that no row costs a query: departments, positions, locations and schedules by
name, and every person's current values by employee number."""

from __future__ import annotations

from dataclasses import dataclass

from modules.employees.models import Department, Employee, Position, WorkLocation, WorkSchedule

# A person's columns as stored, read for every existing person.
STORED_FIELDS = [
    "id",
    "employee_number",
    "first_name",
    "last_name",
    "work_email",
    "phone",
    "hire_date",
    "employment_type",
    "status",
    "end_date",
    "termination_reason",
    "department_id",
    "position_id",
    "location_id",
    "schedule_id",
    "manager_id",
    "hourly_cost_rate",
    "cost_currency",
    "salary",
    "salary_currency",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    # Not imported, but carried so that history rows of an update are complete.
    "membership_id",
    "photo",
    "photo_name",
    "created_at",
    "updated_at",
]


@dataclass
class Lookups:
    departments: dict[str, int]
    positions: dict[str, int]
    locations: dict[str, int]
    schedules: dict[str, int]
    existing: dict[str, dict]  # lower(number) -> current values
    email_owner: dict[str, str]  # lower(email) -> lower(number)
    names: dict[str, list[str]]  # lower(full name) -> numbers
    manager_of: dict[int, int | None]  # pk -> manager pk (existing data)
    number_of_pk: dict[int, str]

    @classmethod
    def load(cls) -> Lookups:
        departments: dict[str, int] = {}
        for pk, name, code in Department.objects.values_list("pk", "name", "code"):
            departments[name.lower()] = pk
            if code:
                departments.setdefault(code.lower(), pk)
        existing = {}
        email_owner = {}
        names: dict[str, list[str]] = {}
        manager_of = {}
        number_of_pk = {}
        for row in Employee.objects.values(*STORED_FIELDS):
            key = row["employee_number"].lower()
            existing[key] = row
            if row["work_email"]:
                email_owner[row["work_email"].lower()] = key
            full = f"{row['first_name']} {row['last_name']}".strip().lower()
            names.setdefault(full, []).append(key)
            manager_of[row["id"]] = row["manager_id"]
            number_of_pk[row["id"]] = key
        return cls(
            departments=departments,
            positions={t.lower(): pk for pk, t in Position.objects.values_list("pk", "title")},
            locations={n.lower(): pk for pk, n in WorkLocation.objects.values_list("pk", "name")},
            schedules={n.lower(): pk for pk, n in WorkSchedule.objects.values_list("pk", "name")},
            existing=existing,
            email_owner=email_owner,
            names=names,
            manager_of=manager_of,
            number_of_pk=number_of_pk,
        )
