"""Usage limits on the two creates people make in bulk or by invitation: the
employee import (refused whole in its preview, nothing half-imported) and
invitations (an open invitation holds a seat; past the members limit the
admin refuses it; an old invitation accepted at the cap is refused on the
invitee's screen and stays open)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from modules.employees.importing import import_employees
from modules.employees.models import Employee, ImportJob
from opsplatform.billing.entitlements import LimitReached
from opsplatform.billing.models import Plan
from opsplatform.billing.services import subscription_assign
from opsplatform.contract.registry import plan_features
from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.models import Invitation, Membership
from tenants.roles import RoleCode
from tests.modules.employees.factories import EmployeeFactory
from tests.modules.employees.helpers import csv_bytes
from tests.modules.employees.test_import import IMPORT_URL, job_id_of, upload

pytestmark = pytest.mark.django_db

EMPLOYEES = "employees.employees"
MEMBERS = "tenants.members"
LINK = re.compile(r"http://[a-z0-9.-]+:8000(?P<path>/invite/[^/\s\"<]+/)")


@pytest.fixture
def cap(db):
    """Put a company on a plan capping one limit (an offered "Roomy" plan lifts it)."""
    Plan.objects.all().delete()
    Plan.objects.create(code="roomy", name="Roomy", tier=5, limits={})
    plan = Plan.objects.create(
        code="capped",
        name="Capped",
        tier=1,
        is_public=False,
        features=[feature.code for feature in plan_features()],
    )

    def put(tenant, code, value):
        plan.limits = {code: value}
        plan.save()
        subscription_assign(tenant=tenant, plan=plan)

    return put


def _people(numbers):
    return csv_bytes([{"employee_number": n, "first_name": n, "last_name": "X"} for n in numbers])


# -- the employee import ---------------------------------------------------------------


def test_an_import_of_more_new_people_than_places_left_is_refused_whole(acme, cap):
    EmployeeFactory()
    cap(acme, EMPLOYEES, 3)  # one on payroll: two places left

    report = import_employees(_people(["N1", "N2", "N3"]), "people.csv", may_set_salary=True)

    assert not report.applied
    messages = [e.message for e in report.errors]
    assert any("Employees" in m and "Roomy" in m and "allows 3" in m for m in messages)
    assert Employee.objects.count() == 1


def test_an_import_that_fits_the_places_left_is_written(acme, cap):
    EmployeeFactory()
    cap(acme, EMPLOYEES, 3)

    report = import_employees(_people(["N1", "N2"]), "people.csv", may_set_salary=True)

    assert report.applied and report.created == 2
    assert Employee.objects.count() == 3


def test_people_imported_as_already_gone_take_no_place(acme, cap):
    cap(acme, EMPLOYEES, 0)
    rows = [
        {
            "employee_number": "L1",
            "first_name": "Lea",
            "last_name": "X",
            "status": "terminated",
            "hire_date": "2020-01-01",
            "end_date": "2024-01-01",
        }
    ]

    report = import_employees(csv_bytes(rows), "people.csv", may_set_salary=True)

    assert report.applied, [e.message for e in report.errors]
    assert Employee.objects.count() == 1


def test_updates_of_existing_people_pass_a_company_over_its_cap(acme, cap):
    EmployeeFactory(employee_number="E1")
    EmployeeFactory(employee_number="E2")
    cap(acme, EMPLOYEES, 1)  # downgraded below its use

    rows = [{"employee_number": "E1", "first_name": "Renamed", "last_name": "X"}]
    report = import_employees(csv_bytes(rows), "people.csv", may_set_salary=True)

    assert report.applied and report.updated == 1
    assert Employee.objects.get(employee_number="E1").first_name == "Renamed"


def test_the_import_preview_shows_the_limit_as_an_error_and_offers_no_confirm(
    hr_client, tenant_a, cap
):
    cap(tenant_a, EMPLOYEES, 1)
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, _people(['N1', 'N2'])))}/"

    response = hr_client.get(job_url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "Roomy" in html
    assert 'data-testid="import-confirm"' not in html
    assert not Employee.objects.exists()


def test_places_taken_between_preview_and_confirm_refuse_the_whole_import(hr_client, tenant_a, cap):
    cap(tenant_a, EMPLOYEES, 2)
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, _people(['N1', 'N2'])))}/"
    with tenant_context(tenant_a):
        EmployeeFactory()  # someone added by hand meanwhile

    response = hr_client.post(job_url, follow=True)

    assert response.status_code == 200
    assert "Roomy" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID
    assert Employee.objects.count() == 1


# -- invitations -----------------------------------------------------------------------


@pytest.fixture
def owner_client(tenant_a, owner_a, client_for):
    return client_for(tenant_a, owner_a)


def _invite(client, email, capture):
    with capture(execute=True):
        return client.post(
            "/admin/tenants/invitation/add/", {"email": email, "roles": [RoleCode.EMPLOYEE]}
        )


def test_an_open_invitation_holds_a_seat_and_one_past_the_limit_is_refused_in_the_admin(
    tenant_a, owner_client, cap, django_capture_on_commit_callbacks
):
    cap(tenant_a, MEMBERS, 2)  # the owner, and one more
    assert (
        _invite(owner_client, "first@acme.test", django_capture_on_commit_callbacks).status_code
        == 302
    )
    mail.outbox.clear()

    response = _invite(owner_client, "second@acme.test", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Members and open invitations" in body and "Roomy" in body
    with tenant_context(tenant_a):
        assert list(Invitation.objects.values_list("email", flat=True)) == ["first@acme.test"]
    assert mail.outbox == []


def test_accepting_at_the_cap_keeps_the_seat_the_invitation_held(
    tenant_a, owner_client, cap, client_for, django_capture_on_commit_callbacks
):
    cap(tenant_a, MEMBERS, 2)
    _invite(owner_client, "new@acme.test", django_capture_on_commit_callbacks)
    path = LINK.search(mail.outbox[0].body)["path"]

    response = client_for(tenant_a).post(
        path, {"full_name": "Nia", "password": "a-Long-pass-42", "password_again": "a-Long-pass-42"}
    )

    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert Membership.objects.filter(user__email="new@acme.test", status="active").exists()


def test_an_old_invitation_accepted_after_a_downgrade_is_refused_on_the_invitees_screen(
    tenant_a,
    owner_a,
    owner_client,
    make_member,
    cap,
    client_for,
    django_capture_on_commit_callbacks,
):
    _invite(owner_client, "late@acme.test", django_capture_on_commit_callbacks)
    path = LINK.search(mail.outbox[0].body)["path"]
    make_member(tenant_a, "third@acme.test")
    cap(tenant_a, MEMBERS, 2)  # two members and the invitation: over the cap

    response = client_for(tenant_a).post(
        path, {"full_name": "Lou", "password": "a-Long-pass-42", "password_again": "a-Long-pass-42"}
    )

    assert response.status_code == 200
    assert "Roomy" in response.content.decode()
    with tenant_context(tenant_a):
        assert not Membership.objects.filter(user__email="late@acme.test").exists()
        invitation = Invitation.objects.get(email="late@acme.test")
        assert invitation.status == Invitation.Status.PENDING


def test_reactivating_a_member_past_the_limit_is_refused(tenant_a, owner_a, make_member, cap):
    make_member(tenant_a, "gone@acme.test")
    with tenant_context(tenant_a):
        gone = Membership.objects.get(user__email="gone@acme.test")
    services.membership_deactivate(membership=gone, by=owner_a)
    make_member(tenant_a, "new@acme.test")
    cap(tenant_a, MEMBERS, 2)

    with pytest.raises(LimitReached) as refused:
        services.membership_reactivate(membership=gone, by=owner_a)

    assert "Roomy" in " ".join(refused.value.messages)
    with tenant_context(tenant_a):
        gone.refresh_from_db()
        assert not gone.is_active
