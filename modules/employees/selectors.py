"""Reads about people: reporting lines, teams, expiring documents, the org chart."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import QuerySet

from modules.employees.models import Department, Employee, EmployeeDocument, expiring_cutoff
from opsplatform.tenancy.context import require_current_tenant

MAX_DEPTH = 1000  # a guard, far beyond any real org chart


def _table() -> str:
    return connection.ops.quote_name(Employee._meta.db_table)


def chain_above(employee_id: int) -> list[int]:
    """``employee_id`` and every manager above it, nearest first (one query).

    Stops at a repeated id, so an existing loop in the data cannot hang it.
    """
    tenant = require_current_tenant()
    sql = f"""
        WITH RECURSIVE chain(id, manager_id, depth) AS (
            SELECT id, manager_id, 0 FROM {_table()} WHERE id = %s AND tenant_id = %s
            UNION ALL
            SELECT e.id, e.manager_id, c.depth + 1
            FROM {_table()} e JOIN chain c ON e.id = c.manager_id
            WHERE e.tenant_id = %s AND c.depth < %s
        )
        SELECT id FROM chain ORDER BY depth
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [employee_id, tenant.pk, tenant.pk, MAX_DEPTH])
        ids: list[int] = []
        for (row_id,) in cursor.fetchall():
            if row_id in ids:
                break
            ids.append(row_id)
    return ids


def report_ids(manager_id: int, *, direct_only: bool = False) -> set[int]:
    """Everyone reporting to ``manager_id``, directly or (by default) through others."""
    tenant = require_current_tenant()
    if direct_only:
        return set(Employee.objects.filter(manager_id=manager_id).values_list("pk", flat=True))
    sql = f"""
        WITH RECURSIVE team(id, depth) AS (
            SELECT id, 1 FROM {_table()} WHERE manager_id = %s AND tenant_id = %s
            UNION
            SELECT e.id, t.depth + 1 FROM {_table()} e JOIN team t ON e.manager_id = t.id
            WHERE e.tenant_id = %s AND t.depth < %s
        )
        SELECT DISTINCT id FROM team
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [manager_id, tenant.pk, tenant.pk, MAX_DEPTH])
        return {row[0] for row in cursor.fetchall()} - {manager_id}


def employee_for_user(user) -> Employee | None:
    """The employee record linked to this person's login in the current company."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Employee.objects.select_related("department", "position", "manager", "location")
        .filter(membership__user_id=user.pk)
        .first()
    )


def employee_list() -> QuerySet[Employee]:
    return Employee.objects.select_related("department", "position", "manager", "location")


def expiring_documents() -> QuerySet[EmployeeDocument]:
    return (
        EmployeeDocument.objects.filter(expires_on__isnull=False, expires_on__lte=expiring_cutoff())
        .exclude(employee__status=Employee.Status.TERMINATED)
        .select_related("employee")
        .order_by("expires_on")
    )


def org_chart_by_manager() -> list[dict]:
    """The reporting-line tree: [{employee, children: [...]}, ...], roots first.

    Two queries' worth of data, built in memory; terminated people are left out.
    """
    people = list(
        Employee.objects.exclude(status=Employee.Status.TERMINATED)
        .select_related("position", "department")
        .order_by("last_name", "first_name")
    )
    ids = {person.pk for person in people}
    children: dict[int | None, list[Employee]] = defaultdict(list)
    for person in people:
        parent = person.manager_id if person.manager_id in ids else None
        children[parent].append(person)

    def build(person, seen):
        if person.pk in seen:
            return {"employee": person, "children": []}
        seen = seen | {person.pk}
        return {"employee": person, "children": [build(c, seen) for c in children[person.pk]]}

    return [build(root, frozenset()) for root in children[None]]


def org_chart_by_department() -> list[dict]:
    """Departments as a tree, each with its head and active people."""
    departments = list(Department.objects.select_related("head").order_by("name"))
    people = defaultdict(list)
    for person in (
        Employee.objects.exclude(status=Employee.Status.TERMINATED)
        .select_related("position")
        .order_by("last_name", "first_name")
    ):
        people[person.department_id].append(person)
    ids = {d.pk for d in departments}
    children: dict[int | None, list[Department]] = defaultdict(list)
    for department in departments:
        parent = department.parent_id if department.parent_id in ids else None
        children[parent].append(department)

    def build(department, seen):
        seen = seen | {department.pk}
        return {
            "department": department,
            "people": people[department.pk],
            "children": [build(c, seen) for c in children[department.pk] if c.pk not in seen],
        }

    tree = [build(root, frozenset()) for root in children[None]]
    return tree, people[None]
