"""History pages follow the person's list and never save (issue 8: the history
form view was a write path). Each test replays an attack that worked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from modules.approvals.models import Delegation
from modules.employees.models import Department, Employee
from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tenants.roles import RoleCode

pytestmark = pytest.mark.django_db


def version_of(obj) -> int:
    return obj.history.order_by("-history_id").first().history_id


def history_form(model, obj) -> str:
    opts = model._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version_of(obj)]
    )


def history(model, obj) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


@pytest.fixture
def team(tenant_a, owner_a, make_member):
    """A manager with one report, a colleague outside his team, the CEO."""
    manager = make_member(tenant_a, "mark@acme.test", roles=[RoleCode.MANAGER])
    ceo = make_member(tenant_a, "cleo@acme.test", roles=[RoleCode.CEO])
    employee = make_member(tenant_a, "erin@acme.test", roles=[RoleCode.EMPLOYEE])
    with tenant_context(tenant_a):
        mark = Employee.objects.create(
            employee_number="E-1",
            first_name="Mark",
            last_name="Manager",
            membership=Membership.objects.get(user=manager),
        )
        report = Employee.objects.create(
            employee_number="E-2", first_name="Remy", last_name="Report", manager=mark
        )
        outsider = Employee.objects.create(
            employee_number="E-3", first_name="Olga", last_name="Outside", salary=123456
        )
        department = Department.objects.create(name="Operations")
    return {
        "manager": manager,
        "ceo": ceo,
        "employee": employee,
        "report": report,
        "outsider": outsider,
        "department": department,
    }


def test_an_employee_cannot_rename_a_department_through_its_history(tenant_a, team, client_for):
    department = team["department"]
    client = client_for(tenant_a, team["employee"])
    with tenant_context(tenant_a):
        url = history_form(Department, department)

    response = client.post(url, {"name": "Renamed by Erin", "code": ""})

    assert response.status_code == 405
    with tenant_context(tenant_a):
        department.refresh_from_db()
        assert department.name == "Operations"
        assert department.history.count() == 1


def test_the_ceo_who_may_only_view_people_cannot_edit_one_through_history(
    tenant_a, team, client_for
):
    report = team["report"]
    client = client_for(tenant_a, team["ceo"])
    with tenant_context(tenant_a):
        url = history_form(Employee, report)

    response = client.post(
        url,
        {
            "employee_number": "E-2",
            "first_name": "Edited by the CEO",
            "last_name": "Report",
            "hire_date": "2024-01-01",
            "employment_type": "full_time",
            "status": "active",
        },
    )

    assert response.status_code == 405
    with tenant_context(tenant_a):
        report.refresh_from_db()
        assert report.first_name == "Remy"


def test_a_manager_cannot_make_himself_the_ceos_deputy_through_history(tenant_a, team, client_for):
    with tenant_context(tenant_a):
        ceo = Membership.objects.get(user=team["ceo"])
        someone = Membership.objects.get(user=team["employee"])
        delegation = Delegation.objects.create(
            principal=ceo,
            deputy=someone,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=7),
        )
        mark = Membership.objects.get(user=team["manager"])
        url = history_form(Delegation, delegation)
    client = client_for(tenant_a, team["manager"])

    # The CEO's delegation is not in the manager's list: not found, GET or POST.
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "deputy": mark.pk,
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=30)).isoformat(),
            "note": "",
        },
    )

    assert response.status_code == 404
    assert client.get(history(Delegation, delegation)).status_code == 404
    with tenant_context(tenant_a):
        delegation.refresh_from_db()
        assert delegation.deputy_id == someone.pk


def test_a_manager_cannot_read_someone_outside_his_team_through_history(tenant_a, team, client_for):
    outsider = team["outsider"]
    client = client_for(tenant_a, team["manager"])
    with tenant_context(tenant_a):
        form_url = history_form(Employee, outsider)
    change = reverse("admin:employees_employee_change", args=[outsider.pk])

    assert client.get(change).status_code == 404
    assert client.get(history(Employee, outsider)).status_code == 404
    response = client.get(form_url)
    assert response.status_code == 404
    assert "Olga" not in response.content.decode()


def test_an_old_version_is_shown_read_only_to_whoever_may_view_the_row(tenant_a, team, client_for):
    report = team["report"]
    with tenant_context(tenant_a):
        url = history_form(Employee, report)

    response = client_for(tenant_a, team["manager"]).get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Remy" in body
    # Read-only: no editable input for the record's fields, no save or revert button.
    assert 'name="first_name"' not in body
    assert 'name="_save"' not in body


def test_the_owner_cannot_save_through_history_either(tenant_a, owner_a, team, client_for):
    department = team["department"]
    with tenant_context(tenant_a):
        url = history_form(Department, department)

    response = client_for(tenant_a, owner_a).post(url, {"name": "Renamed", "code": ""})

    assert response.status_code == 405
    with tenant_context(tenant_a):
        department.refresh_from_db()
        assert department.name == "Operations"


def test_a_deleted_rows_history_is_for_those_who_could_delete_it(
    tenant_a, owner_a, team, client_for
):
    department = team["department"]
    with tenant_context(tenant_a):
        pk = department.pk
        department.delete()
    url = reverse("admin:employees_department_history", args=[pk])

    assert client_for(tenant_a, owner_a).get(url).status_code == 200
    assert client_for(tenant_a, team["employee"]).get(url).status_code == 404
