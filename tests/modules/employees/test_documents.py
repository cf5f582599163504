"""Employee documents: their expiry state, and the morning email that tells HR
and owners which documents expire soon."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from modules.employees.models import Employee, EmployeeDocument
from modules.employees.tasks import remind_expiring_documents
from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tenants.roles import RoleCode
from tests.modules.employees.factories import EmployeeDocumentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)


def document(expires_on, **fields):
    return EmployeeDocument(kind=EmployeeDocument.Kind.PASSPORT, expires_on=expires_on, **fields)


# -- expiry state ---------------------------------------------------------------------


@freeze_time(TODAY)
@pytest.mark.parametrize(
    "expires_on, state",
    [
        (TODAY - timedelta(days=1), "expired"),
        (TODAY - timedelta(days=400), "expired"),
        (TODAY, "expiring"),
        (TODAY + timedelta(days=1), "expiring"),
        (TODAY + timedelta(days=30), "expiring"),
        (TODAY + timedelta(days=31), "valid"),
        (TODAY + timedelta(days=800), "valid"),
        (None, "none"),
    ],
)
def test_expiry_state(expires_on, state):
    assert document(expires_on).expiry_state == state


def test_a_document_moves_from_valid_to_expiring_to_expired_as_days_pass():
    passport = document(date(2025, 6, 30))

    with freeze_time("2025-05-01"):
        assert passport.expiry_state == "valid"
    with freeze_time("2025-06-15"):
        assert passport.expiry_state == "expiring"
    with freeze_time("2025-07-01"):
        assert passport.expiry_state == "expired"


def test_the_warning_window_follows_the_setting(settings):
    settings.DOCUMENT_EXPIRY_WARNING_DAYS = 90

    with freeze_time(TODAY):
        assert document(TODAY + timedelta(days=60)).expiry_state == "expiring"


def test_hr_sees_expiry_badges_on_the_employee_page(tenant_a, hr_a, client_for):
    with tenant_context(tenant_a):
        person = EmployeeFactory()
        EmployeeDocumentFactory(employee=person, expires_on=date.today() - timedelta(days=3))
        EmployeeDocumentFactory(employee=person, expires_on=date.today() + timedelta(days=5))
        EmployeeDocumentFactory(employee=person, expires_on=date.today() + timedelta(days=300))

    html = client_for(tenant_a, hr_a).get(f"/admin/employees/employee/{person.pk}/change/")
    html = html.content.decode()

    assert "Expired" in html
    assert "Expires soon" in html
    assert "Valid" in html


def test_an_employee_sees_their_own_documents_on_my_profile(
    tenant_a, make_member, link_login, client_for
):
    user = make_member(tenant_a, "me@acme.test")
    with tenant_context(tenant_a):
        me, colleague = EmployeeFactory(), EmployeeFactory()
        EmployeeDocumentFactory(employee=me, number="MINE-123")
        EmployeeDocumentFactory(employee=colleague, number="THEIRS-456")
    link_login(tenant_a, user, me)

    html = client_for(tenant_a, user).get("/admin/employees/employee/me/").content.decode()

    assert "MINE-123" in html
    assert "THEIRS-456" not in html


@pytest.fixture
def capture_on_commit(django_capture_on_commit_callbacks):
    # The reminder is a notification: emails go out after the worker's transaction commits.
    return django_capture_on_commit_callbacks


# -- the morning reminder ---------------------------------------------------------------


@pytest.fixture
def acme_people(tenant_a, owner_a, hr_a, finance_a, make_member):
    employee_login = make_member(tenant_a, "plain@acme.test", roles=[RoleCode.EMPLOYEE])
    with tenant_context(tenant_a):
        rana = EmployeeFactory(first_name="Rana", last_name="Saleh")
        karim = EmployeeFactory(first_name="Karim", last_name="Aziz")
        gone = EmployeeFactory(
            first_name="Gone",
            last_name="Person",
            status=Employee.Status.TERMINATED,
            end_date=date(2025, 1, 31),
        )
    return {"rana": rana, "karim": karim, "gone": gone, "employee_login": employee_login}


def acme_reminders():
    """The reminder emails Acme's HR and owners got: one each, in their own language."""
    messages = [m for m in mail.outbox if "hr@acme.test" in m.to or "owner@acme.test" in m.to]
    assert messages, [(m.to, m.subject) for m in mail.outbox]
    assert all(len(m.to) == 1 for m in messages)
    return sorted(messages, key=lambda m: m.to[0])


@freeze_time(TODAY)
def test_reminder_lists_expiring_documents_for_hr_and_owners(
    capture_on_commit, tenant_a, tenant_b, owner_b, acme_people
):
    with tenant_context(tenant_a):
        EmployeeDocumentFactory(
            employee=acme_people["rana"], number="P-SOON", expires_on=TODAY + timedelta(days=10)
        )
        EmployeeDocumentFactory(
            employee=acme_people["karim"],
            kind=EmployeeDocument.Kind.VISA,
            number="V-LAPSED",
            expires_on=TODAY - timedelta(days=2),
        )
        EmployeeDocumentFactory(
            employee=acme_people["karim"], number="P-FAR", expires_on=TODAY + timedelta(days=400)
        )
        EmployeeDocumentFactory(
            employee=acme_people["gone"], number="P-GONE", expires_on=TODAY + timedelta(days=3)
        )
    with tenant_context(tenant_b):
        EmployeeDocumentFactory(number="P-GLOBEX", expires_on=TODAY + timedelta(days=5))

    with capture_on_commit(execute=True):
        remind_expiring_documents.call_local()

    messages = acme_reminders()
    assert [m.to for m in messages] == [["hr@acme.test"], ["owner@acme.test"]]
    message = messages[0]
    assert "P-SOON" in message.body and "Rana Saleh" in message.body
    assert "2025-03-20" in message.body
    assert "V-LAPSED" in message.body
    assert "P-FAR" not in message.body
    assert "P-GONE" not in message.body
    assert "P-GLOBEX" not in message.body
    assert message.subject.startswith("2 ")


@freeze_time(TODAY)
def test_each_company_gets_its_own_reminder(
    capture_on_commit, tenant_a, tenant_b, owner_b, acme_people
):
    with tenant_context(tenant_a):
        EmployeeDocumentFactory(number="P-ACME", expires_on=TODAY + timedelta(days=5))
    with tenant_context(tenant_b):
        EmployeeDocumentFactory(number="P-GLOBEX", expires_on=TODAY + timedelta(days=5))

    with capture_on_commit(execute=True):
        remind_expiring_documents.call_local()

    globex = [m for m in mail.outbox if m.to == ["owner@globex.test"]]
    assert len(globex) == 1
    assert "P-GLOBEX" in globex[0].body and "P-ACME" not in globex[0].body
    assert all("P-GLOBEX" not in m.body for m in acme_reminders())


@freeze_time(TODAY)
def test_reminder_skips_people_without_hr_or_owner_roles(capture_on_commit, acme_people, tenant_a):
    with tenant_context(tenant_a):
        EmployeeDocumentFactory(number="P-SOON", expires_on=TODAY + timedelta(days=5))

    with capture_on_commit(execute=True):
        remind_expiring_documents.call_local()

    everyone = {address for m in mail.outbox for address in m.to}
    assert "finance@acme.test" not in everyone
    assert "plain@acme.test" not in everyone


@freeze_time(TODAY)
def test_a_deactivated_hr_member_gets_no_reminder(capture_on_commit, acme_people, tenant_a, hr_a):
    with tenant_context(tenant_a):
        Membership.objects.filter(user=hr_a).update(status=Membership.Status.DEACTIVATED)
        EmployeeDocumentFactory(number="P-SOON", expires_on=TODAY + timedelta(days=5))

    with capture_on_commit(execute=True):
        remind_expiring_documents.call_local()

    assert [m.to for m in acme_reminders()] == [["owner@acme.test"]]


@freeze_time(TODAY)
def test_no_email_when_nothing_expires_soon(capture_on_commit, acme_people, tenant_a):
    with tenant_context(tenant_a):
        EmployeeDocumentFactory(expires_on=TODAY + timedelta(days=200))
        EmployeeDocumentFactory(expires_on=None)

    with capture_on_commit(execute=True):
        remind_expiring_documents.call_local()

    assert mail.outbox == []


@freeze_time(TODAY)
def test_a_suspended_company_gets_no_reminder(capture_on_commit, acme_people, tenant_a):
    from tenants.models import Tenant

    with tenant_context(tenant_a):
        EmployeeDocumentFactory(expires_on=TODAY + timedelta(days=5))
    Tenant.objects.filter(pk=tenant_a.pk).update(status=Tenant.Status.SUSPENDED)

    with capture_on_commit(execute=True):
        remind_expiring_documents.call_local()

    assert mail.outbox == []


@pytest.mark.postgres
@freeze_time(TODAY)
def test_the_reminder_works_as_the_application_role_of_a_worker(
    capture_on_commit, acme_people, tenant_a, app_role
):
    """A huey worker connects as the application's role with no tenant: the
    sweep scopes itself to each company in turn."""
    with tenant_context(tenant_a):
        EmployeeDocumentFactory(number="P-SOON", expires_on=TODAY + timedelta(days=5))
    with capture_on_commit(execute=True), app_role(), tenant_context(None):
        remind_expiring_documents.call_local()

    assert all("P-SOON" in m.body for m in acme_reminders())


@freeze_time(TODAY)
def test_the_reminder_of_a_day_goes_out_once_however_often_the_schedule_asks(
    capture_on_commit, acme_people, tenant_a
):
    """Catch-up after downtime: the task is asked every quarter hour of the day,
    and each company hears about the day's documents once."""
    with tenant_context(tenant_a):
        EmployeeDocumentFactory(number="P-SOON", expires_on=TODAY + timedelta(days=5))

    with capture_on_commit(execute=True):
        remind_expiring_documents.call_local()
        remind_expiring_documents.call_local()

    assert [m.to for m in acme_reminders()] == [["hr@acme.test"], ["owner@acme.test"]]
