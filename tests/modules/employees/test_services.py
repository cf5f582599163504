"""Writes about people: creating and changing employees, reporting lines that
never loop, termination with handover, logins by invitation, self-service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from modules.employees import services
from modules.employees.models import Department, Employee
from opsplatform.tenancy import tenant_context
from tenants.models import Invitation, Membership
from tenants.roles import RoleCode
from tenants.services import invitation_accept
from tests.modules.employees.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def person(first, last="", **fields):
    return EmployeeFactory(first_name=first, last_name=last, **fields)


def last_history(employee):
    return Employee.history.filter(id=employee.pk).order_by("-history_id").first()


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- create and update ------------------------------------------------------------


def test_employee_create_saves_the_person_with_a_created_history_row(acme):
    employee = services.employee_create(
        employee_number="E-100",
        first_name="Amal",
        last_name="Haddad",
        hire_date=date(2024, 3, 1),
        salary=Decimal("4200.00"),
        salary_currency="USD",
    )

    stored = Employee.objects.get(employee_number="E-100")
    assert stored.full_name == "Amal Haddad"
    assert stored.salary == Decimal("4200.00")
    assert stored.status == Employee.Status.ACTIVE
    assert last_history(employee).history_type == "+"
    assert last_history(employee).history_change_reason == "Created"


def test_employee_number_is_unique_within_the_company_ignoring_case(acme):
    services.employee_create(employee_number="E-7", first_name="First")

    with pytest.raises(ValidationError) as caught:
        services.employee_create(employee_number="e-7", first_name="Second")

    assert "employee number" in messages_of(caught.value).lower()
    assert Employee.objects.filter(employee_number__iexact="e-7").count() == 1


def test_the_same_employee_number_can_exist_in_another_company(acme, tenant_b):
    services.employee_create(employee_number="E-7", first_name="Acme person")
    with tenant_context(tenant_b):
        services.employee_create(employee_number="E-7", first_name="Globex person")
        assert Employee.objects.get().first_name == "Globex person"
    assert Employee.objects.get().first_name == "Acme person"


def test_employee_create_refuses_unknown_fields(acme):
    with pytest.raises(TypeError):
        services.employee_create(employee_number="E-1", first_name="A", tenant_id=99)


def test_employee_update_changes_fields_and_records_the_reason(acme):
    employee = person("Omar")

    services.employee_update(employee=employee, phone="+971 50 000 0000", reason="New phone")

    employee.refresh_from_db()
    assert employee.phone == "+971 50 000 0000"
    assert last_history(employee).history_change_reason == "New phone"


def test_employee_save_refuses_a_terminated_person_without_an_end_date(acme):
    employee = person("Omar")
    employee.status = Employee.Status.TERMINATED

    with pytest.raises(ValidationError) as caught:
        services.employee_save(employee=employee)

    assert "end date" in messages_of(caught.value)
    assert Employee.objects.get(pk=employee.pk).status == Employee.Status.ACTIVE


def test_end_date_before_hire_date_is_refused(acme):
    employee = person("Omar", hire_date=date(2024, 5, 1))

    with pytest.raises(ValidationError):
        services.employee_update(
            employee=employee,
            status=Employee.Status.TERMINATED,
            end_date=date(2024, 4, 1),
        )

    assert Employee.objects.get(pk=employee.pk).end_date is None


# -- reporting lines never loop ----------------------------------------------------


def test_manager_loop_is_refused_naming_everyone_in_it(acme):
    ann = person("Ann", "Able")
    bob = person("Bob", "Baker", manager=ann)
    cat = person("Cat", "Cole", manager=bob)

    with pytest.raises(ValidationError) as caught:
        services.employee_update(employee=ann, manager=cat)

    message = messages_of(caught.value)
    assert "loop" in message
    for name in ("Ann Able", "Bob Baker", "Cat Cole"):
        assert name in message
    assert Employee.objects.get(pk=ann.pk).manager_id is None


def test_manager_loop_message_is_on_the_manager_field(acme):
    ann = person("Ann")
    bob = person("Bob", manager=ann)

    with pytest.raises(ValidationError) as caught:
        services.employee_update(employee=ann, manager=bob)

    assert "manager" in caught.value.message_dict


def test_a_refused_loop_leaves_no_history_row(acme):
    ann = person("Ann")
    bob = person("Bob", manager=ann)
    rows_before = Employee.history.filter(id=ann.pk).count()

    with pytest.raises(ValidationError):
        services.employee_update(employee=ann, manager=bob)

    assert Employee.history.filter(id=ann.pk).count() == rows_before


def test_nobody_can_be_their_own_manager(acme):
    ann = person("Ann")

    with pytest.raises(ValidationError) as caught:
        services.employee_update(employee=ann, manager=ann)

    assert "own line manager" in messages_of(caught.value)
    assert Employee.objects.get(pk=ann.pk).manager_id is None


def test_a_long_chain_without_a_loop_is_accepted(acme):
    boss = person("Boss")
    current = boss
    for index in range(6):
        current = person(f"Level{index}", manager=current)
    newcomer = person("New")

    services.employee_update(employee=newcomer, manager=current)

    assert Employee.objects.get(pk=newcomer.pk).manager_id == current.pk


def test_department_parent_loop_is_refused(acme):
    sales = DepartmentFactory(name="Sales")
    emea = DepartmentFactory(name="Sales EMEA", parent=sales)
    uae = DepartmentFactory(name="Sales UAE", parent=emea)
    sales.parent = uae

    with pytest.raises(ValidationError) as caught:
        services.department_save(department=sales)

    message = messages_of(caught.value)
    assert "loop" in message
    assert "Sales UAE" in message and "Sales EMEA" in message
    assert Department.objects.get(pk=sales.pk).parent_id is None


def test_a_department_cannot_be_its_own_parent(acme):
    sales = DepartmentFactory(name="Sales")
    sales.parent = sales

    with pytest.raises(ValidationError):
        services.department_save(department=sales)

    assert Department.objects.get(pk=sales.pk).parent_id is None


# -- termination and handover --------------------------------------------------------


@pytest.fixture
def team(acme):
    """Director ← Lead (the leaver) ← Rami, Sara; Tom works elsewhere."""
    director = person("Dina", "Director")
    lead = person("Leo", "Lead", manager=director)
    rami = person("Rami", "Report", manager=lead)
    sara = person("Sara", "Report", manager=lead)
    tom = person("Tom", "Other", manager=director)
    return {"director": director, "lead": lead, "rami": rami, "sara": sara, "tom": tom}


def terminate(employee, successor=None, by=None):
    return services.employee_terminate(
        employee=employee,
        end_date=date(2025, 6, 30),
        reason="Moved abroad",
        successor=successor,
        by=by,
    )


def test_terminating_a_manager_requires_a_successor(team):
    with pytest.raises(ValidationError) as caught:
        terminate(team["lead"])

    message = messages_of(caught.value)
    assert "Leo Lead" in message
    assert "2 direct reports" in message
    assert "takes them over" in message
    assert Employee.objects.get(pk=team["lead"].pk).status == Employee.Status.ACTIVE
    assert Employee.objects.get(pk=team["rami"].pk).manager_id == team["lead"].pk


def test_terminating_someone_without_reports_needs_no_successor(team):
    terminate(team["tom"])

    tom = Employee.objects.get(pk=team["tom"].pk)
    assert tom.status == Employee.Status.TERMINATED


def test_termination_sets_status_end_date_and_reason(team):
    terminate(team["lead"], successor=team["tom"])

    lead = Employee.objects.get(pk=team["lead"].pk)
    assert lead.status == Employee.Status.TERMINATED
    assert lead.end_date == date(2025, 6, 30)
    assert lead.termination_reason == "Moved abroad"
    assert "Moved abroad" in last_history(lead).history_change_reason


def test_termination_moves_every_report_to_the_successor(team, hr_a):
    terminate(team["lead"], successor=team["tom"], by=hr_a)

    for key in ("rami", "sara"):
        assert Employee.objects.get(pk=team[key].pk).manager_id == team["tom"].pk


def test_moved_reports_get_a_history_row_naming_the_leaver_and_who_did_it(team, hr_a):
    terminate(team["lead"], successor=team["tom"], by=hr_a)

    for key in ("rami", "sara"):
        row = last_history(team[key])
        assert row.manager_id == team["tom"].pk
        assert "Leo Lead" in row.history_change_reason
        assert row.history_user == hr_a


def test_a_successor_from_among_the_reports_moves_up_to_the_leavers_manager(team):
    terminate(team["lead"], successor=team["rami"])

    assert Employee.objects.get(pk=team["rami"].pk).manager_id == team["director"].pk
    assert Employee.objects.get(pk=team["sara"].pk).manager_id == team["rami"].pk


def test_departments_headed_by_the_leaver_get_the_successor_as_head(team):
    department = DepartmentFactory(name="Support", head=team["lead"])

    terminate(team["lead"], successor=team["tom"])

    department.refresh_from_db()
    assert department.head_id == team["tom"].pk
    row = Department.history.filter(id=department.pk).order_by("-history_id").first()
    assert "Leo Lead" in row.history_change_reason


def test_termination_deactivates_the_linked_login(team, make_member, tenant_a):
    user = make_member(tenant_a, "leo@acme.test", roles=[RoleCode.MANAGER])
    membership = Membership.objects.get(user=user)
    Employee.objects.filter(pk=team["lead"].pk).update(membership=membership)

    terminate(team["lead"], successor=team["tom"])

    membership.refresh_from_db()
    assert membership.status == Membership.Status.DEACTIVATED


def test_a_terminated_successor_is_refused_and_nothing_moves(team):
    Employee.objects.filter(pk=team["tom"].pk).update(
        status=Employee.Status.TERMINATED, end_date=date(2025, 1, 1)
    )

    with pytest.raises(ValidationError):
        terminate(team["lead"], successor=Employee.objects.get(pk=team["tom"].pk))

    assert Employee.objects.get(pk=team["lead"].pk).status == Employee.Status.ACTIVE
    assert Employee.objects.get(pk=team["rami"].pk).manager_id == team["lead"].pk


def test_terminating_twice_is_refused(team):
    terminate(team["tom"])

    with pytest.raises(ValidationError) as caught:
        terminate(team["tom"])

    assert "already terminated" in messages_of(caught.value)


def test_a_successor_from_another_company_is_not_found(team, tenant_b):
    with tenant_context(tenant_b):
        stranger = person("Stranger")

    with pytest.raises(Employee.DoesNotExist):
        terminate(team["lead"], successor=stranger)

    assert Employee.objects.get(pk=team["rami"].pk).manager_id == team["lead"].pk


# -- logins ------------------------------------------------------------------------


def test_invite_to_login_emails_the_work_address(acme, hr_a, django_capture_on_commit_callbacks):
    employee = person("Nadia", work_email="nadia@acme.test")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.employee_invite_to_login(employee=employee, by=hr_a)

    assert invitation.email == "nadia@acme.test"
    assert invitation.roles == [RoleCode.EMPLOYEE]
    assert [m.to for m in mail.outbox] == [["nadia@acme.test"]]


def test_invite_needs_a_work_email(acme, hr_a):
    employee = person("Nadia", work_email="")

    with pytest.raises(ValidationError) as caught:
        services.employee_invite_to_login(employee=employee, by=hr_a)

    assert "work email" in messages_of(caught.value)
    assert not Invitation.objects.exists()


def test_accepting_the_invitation_links_the_employee_to_the_new_login(
    acme, hr_a, django_capture_on_commit_callbacks
):
    employee = person("Nadia", work_email="Nadia@Acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.employee_invite_to_login(employee=employee, by=hr_a)

    membership = invitation_accept(
        invitation=invitation, password="a-Long-pass-4567", full_name="Nadia N"
    )

    employee.refresh_from_db()
    assert employee.membership_id == membership.pk
    assert membership.user.email == "nadia@acme.test"
    assert "invitation" in last_history(employee).history_change_reason


def test_someone_who_can_already_log_in_is_not_invited_again(acme, hr_a, make_member, tenant_a):
    user = make_member(tenant_a, "nadia@acme.test")
    employee = person(
        "Nadia", work_email="nadia@acme.test", membership=Membership.objects.get(user=user)
    )

    with pytest.raises(ValidationError) as caught:
        services.employee_invite_to_login(employee=employee, by=hr_a)

    assert "already log in" in messages_of(caught.value)


# -- self-service ----------------------------------------------------------------------


def test_update_own_contact_changes_contact_details(acme):
    employee = person("Omar")

    services.employee_update_own_contact(
        employee=employee, phone="+1 555 0100", emergency_contact_name="Mona"
    )

    employee.refresh_from_db()
    assert employee.phone == "+1 555 0100"
    assert employee.emergency_contact_name == "Mona"
    assert "self-service" in last_history(employee).history_change_reason


@pytest.mark.parametrize(
    "field, value",
    [
        ("salary", Decimal("99999")),
        ("first_name", "Boss"),
        ("manager", None),
        ("status", "terminated"),
    ],
)
def test_update_own_contact_refuses_anything_but_contact_details(acme, field, value):
    employee = person("Omar", salary=Decimal("1000"))

    with pytest.raises(ValidationError) as caught:
        services.employee_update_own_contact(employee=employee, phone="123", **{field: value})

    assert "only your contact details" in messages_of(caught.value)
    stored = Employee.objects.get(pk=employee.pk)
    assert stored.phone == ""
    assert stored.salary == Decimal("1000")
    assert stored.first_name == "Omar"


def test_the_department_form_shows_a_parent_loop_and_saves_nothing(tenant_a, hr_a, client_for):
    with tenant_context(tenant_a):
        sales = DepartmentFactory(name="Sales")
        emea = DepartmentFactory(name="Sales EMEA", parent=sales)

    response = client_for(tenant_a, hr_a).post(
        f"/admin/employees/department/{sales.pk}/change/",
        {"name": "Sales", "code": "", "parent": emea.pk, "head": ""},
    )

    assert response.status_code == 200
    assert "loop of departments" in response.content.decode()
    with tenant_context(tenant_a):
        assert Department.objects.get(pk=sales.pk).parent_id is None


def test_the_leavers_own_history_row_names_who_terminated_them(team, hr_a):
    terminate(team["lead"], successor=team["tom"], by=hr_a)

    assert last_history(team["lead"]).history_user == hr_a


def test_a_successor_who_reports_to_the_leaver_indirectly_is_refused_naming_the_loop(team):
    kid = person("Kid", "Junior", manager=team["rami"])

    with pytest.raises(ValidationError) as caught:
        terminate(team["lead"], successor=kid)

    message = messages_of(caught.value)
    assert "loop" in message and "Rami Report" in message and "Kid Junior" in message
    assert Employee.objects.get(pk=team["lead"].pk).status == Employee.Status.ACTIVE
    assert Employee.objects.get(pk=team["rami"].pk).manager_id == team["lead"].pk
