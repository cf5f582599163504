"""Inviting an employee to log in is a POST behind a confirmation: a GET (a
link planted anywhere) sends nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from modules.employees.models import Employee
from opsplatform.tenancy import tenant_context
from tenants.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(tenant_a):
    with tenant_context(tenant_a):
        return Employee.objects.create(
            employee_number="E-7", first_name="Sam", last_name="Staff", work_email="sam@acme.test"
        )


def invite_url(employee) -> str:
    return reverse("admin:employees_employee_invite_action", args=[employee.pk])


def test_a_get_asks_and_sends_nothing(tenant_a, owner_a, sam, client_for):
    response = client_for(tenant_a, owner_a).get(invite_url(sam))

    assert response.status_code == 200
    assert "Invite to log in Sam Staff (E-7)?" in response.content.decode()
    with tenant_context(tenant_a):
        assert not Invitation.objects.filter(email="sam@acme.test").exists()
    assert mail.outbox == []


def test_the_confirmation_post_sends_the_invitation(tenant_a, owner_a, sam, client_for):
    response = client_for(tenant_a, owner_a).post(invite_url(sam), follow=True)

    assert "Invitation sent to sam@acme.test." in response.content.decode()
    with tenant_context(tenant_a):
        assert Invitation.objects.filter(email="sam@acme.test").count() == 1


def test_a_role_that_may_not_invite_gets_a_refusal_and_nothing_is_sent(
    tenant_a, ceo_a, sam, client_for
):
    client = client_for(tenant_a, ceo_a)

    assert client.get(invite_url(sam)).status_code == 403
    assert client.post(invite_url(sam)).status_code == 403
    with tenant_context(tenant_a):
        assert not Invitation.objects.filter(email="sam@acme.test").exists()


def test_terminate_still_shows_its_form_on_get(tenant_a, owner_a, sam, client_for):
    url = reverse("admin:employees_employee_terminate_action", args=[sam.pk])

    response = client_for(tenant_a, owner_a).get(url)

    assert response.status_code == 200
    assert 'name="end_date"' in response.content.decode()
    with tenant_context(tenant_a):
        sam.refresh_from_db()
        assert sam.status == Employee.Status.ACTIVE
