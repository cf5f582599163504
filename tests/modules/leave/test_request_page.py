"""The request-leave page: the form, its live preview, one submit, and what a hostile
employee of the same company would try."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.approvals.models import ApprovalRequest, RequestStatus
from modules.leave.models import BlackoutPeriod, LeaveRequest
from modules.leave.services.ledger import entry_post
from opsplatform.tenancy import tenant_context
from tests.modules.approvals.conftest import link_employee

from .requests_fixtures import *  # noqa: F403
from .requests_fixtures import ask, gate_of, monday_after

pytestmark = pytest.mark.django_db
URLCONF = "opsplatform.urls.tenant"


def url(name, *args):
    return reverse(f"admin:{name}", args=args, urlconf=URLCONF)


def form(office, start, end=None, **extra):
    data = {
        "leave_type": office.annual.pk,
        "start_date": start.isoformat(),
        "end_date": (end or start).isoformat(),
        "start_part": "full",
        "end_part": "full",
    }
    data.update(extra)
    return data


def test_the_page_is_in_the_sidebar_for_people_with_an_employee_record(
    office, client_for, make_member
):
    page = client_for(office.tenant, office.requester).get(url("leave_request_new"))
    assert page.status_code == 200
    assert "Request leave" in page.content.decode()
    stranger = make_member(office.tenant, "nobody@acme.test")  # a login, no employee record
    assert client_for(office.tenant, stranger).get(url("leave_request_new")).status_code == 403


def test_submitting_creates_and_submits_one_request(office, client_for):
    client = client_for(office.tenant, office.requester)
    start = monday_after(7)
    response = client.post(url("leave_request_new"), form(office, start, start + timedelta(days=1)))
    assert response.status_code == 302
    with tenant_context(office.tenant):
        approval = ApprovalRequest.objects.get(kind="leave")
        assert approval.status == RequestStatus.IN_REVIEW
        assert response["Location"] == url("approvals_approvalrequest_change", approval.pk)
    # The same form again (a double click that got through): refused as an overlap, one request.
    again = client.post(url("leave_request_new"), form(office, start, start + timedelta(days=1)))
    assert again.status_code == 200 and "overlap" in again.content.decode()
    with tenant_context(office.tenant):
        assert ApprovalRequest.objects.filter(kind="leave").count() == 1


def test_a_refusal_shows_on_its_field(office, client_for):
    saturday = monday_after(7) + timedelta(days=5)
    response = client_for(office.tenant, office.requester).post(
        url("leave_request_new"), form(office, saturday)
    )
    assert response.status_code == 200
    assert "no working day" in response.content.decode()


def test_the_preview_shows_cost_balance_team_and_route(office, client_for):
    start = monday_after(7)
    with tenant_context(office.tenant):
        ask(office.manager, office.annual, start + timedelta(days=1))  # Mark is off one of the days
    response = client_for(office.tenant, office.requester).get(
        url("leave_request_preview"), form(office, start, start + timedelta(days=2))
    )
    data = response.json()
    assert data["cost"] == "3 days"
    assert data["balance"] == "20 days" and data["balance_after"] == "17 days"
    assert [person["name"] for person in data["team"]] == ["Mark Person"]
    assert data["route"][0]["name"] == "Manager" and data["route"][0]["deciders"] == ["Mark"]
    assert data["route"][1]["applies"] is False


def test_a_hostile_employee_cannot_preview_someone_else(office, client_for):
    with tenant_context(office.tenant):
        mark = office.employee(office.manager)
    response = client_for(office.tenant, office.requester).get(
        url("leave_request_preview"), form(office, monday_after(7), employee=mark.pk)
    )
    assert response.status_code == 404


def test_a_hostile_employee_cannot_request_for_someone_else(office, client_for):
    with tenant_context(office.tenant):
        mark = office.employee(office.manager)
    client = client_for(office.tenant, office.requester)
    client.post(url("leave_request_new"), form(office, monday_after(7), employee=mark.pk))
    with tenant_context(office.tenant):
        # The field is not on an employee's form: the request is their own.
        assert list(LeaveRequest.objects.values_list("employee__membership__user", flat=True)) == [
            office.requester.pk
        ]


def test_a_hostile_employee_cannot_approve_their_own(office, client_for):
    with tenant_context(office.tenant):
        approval = ask(office.requester, office.annual, monday_after(7))
        gate = gate_of(approval)
    client = client_for(office.tenant, office.requester)
    client.post(url("approvals_request_decide", approval.pk), {"decision": "approve", "step": gate})
    with tenant_context(office.tenant):
        approval.refresh_from_db()
        assert approval.status == RequestStatus.IN_REVIEW


def test_hr_requests_for_another_employee_who_becomes_the_requester(office, client_for):
    with tenant_context(office.tenant):
        erin = office.employee(office.requester)
    client = client_for(office.tenant, office.hr)
    preview = client.get(
        url("leave_request_preview"), form(office, monday_after(7), employee=erin.pk)
    )
    assert preview.json()["cost"] == "1 day"
    response = client.post(
        url("leave_request_new"), form(office, monday_after(7), employee=erin.pk)
    )
    assert response.status_code == 302
    with tenant_context(office.tenant):
        approval = ApprovalRequest.objects.get(kind="leave")
        assert approval.requester == office.requester
        assert approval.steps.get(name="Manager").approver == office.manager


def _preview_queries(office, client, start) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            url("leave_request_preview"), form(office, start, start + timedelta(days=4))
        )
    assert response.status_code == 200
    return len(queries)


def test_the_preview_costs_the_same_queries_however_many_are_off(office, client_for, make_member):
    client = client_for(office.tenant, office.requester)
    start = monday_after(7)
    client.get(url("leave_request_preview"), form(office, start))  # warm the per-request caches
    with tenant_context(office.tenant):
        ask(office.manager, office.annual, start)
    one = _preview_queries(office, client, start)
    for n in range(5):
        colleague = make_member(office.tenant, f"colleague{n}@acme.test")
        with tenant_context(office.tenant):
            link_employee(
                colleague,
                number=f"C-{n}",
                manager=office.employee(office.manager),
                department=office.department,
            )
            entry_post(
                employee=office.employee(colleague),
                leave_type=office.annual,
                kind="allocation",
                amount=5,
                effective_on=start,
                reason="Opening",
            )
            ask(colleague, office.annual, start + timedelta(days=1))
    assert _preview_queries(office, client, start) == one


def test_a_warning_blackout_is_shown_and_submits_once_confirmed(office, client_for):
    start = monday_after(7)
    with tenant_context(office.tenant):
        BlackoutPeriod.objects.create(
            name="Audit week", starts_on=start, ends_on=start, action="warn"
        )
    client = client_for(office.tenant, office.requester)
    first = client.post(url("leave_request_new"), form(office, start))
    assert first.status_code == 200
    assert (
        'data-testid="leave-warning"' in first.content.decode()
        and "Audit week" in first.content.decode()
    )
    confirmed = client.post(url("leave_request_new"), form(office, start, confirm_blackout="on"))
    assert confirmed.status_code == 302
