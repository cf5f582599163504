"""Dated cost rates: kept in step with the employee's rate, read in one query, and
shown only to who may see cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.employees import services
from modules.employees.models import CostRate, Employee
from modules.employees.selectors import cost_rates_on, rate_on
from modules.employees.services.cost_rates import cost_rate_add
from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tenants.roles import RoleCode
from tests.modules.employees.test_permissions import form_data

pytestmark = pytest.mark.django_db


def person(rate="40", hired=date(2024, 1, 1)):
    return Employee.objects.create(
        employee_number=f"E-{Employee.objects.count() + 1}",
        first_name="Rita",
        last_name="Rate",
        hire_date=hired,
        hourly_cost_rate=Decimal(rate) if rate else None,
    )


def test_a_rate_changed_on_the_employee_is_recorded_from_today_keeping_the_old_one(tenant_a):
    with tenant_context(tenant_a):
        rita = person("40")
        today = tenant_a.today()
        rita.hourly_cost_rate = Decimal("55")
        services.employee_save(employee=rita)
        rows = list(
            CostRate.objects.order_by("valid_from").values_list("valid_from", "hourly_rate")
        )
        assert rows == [(date(2024, 1, 1), Decimal("40.00")), (today, Decimal("55.00"))]
        assert rate_on(rita, date(2025, 6, 1)) == Decimal("40.00")
        assert rate_on(rita, today) == Decimal("55.00")


def test_saving_without_a_rate_change_records_nothing(tenant_a):
    with tenant_context(tenant_a):
        rita = person("40")
        rita.first_name = "Rika"
        services.employee_save(employee=rita)
        assert not CostRate.objects.exists()
        assert rate_on(rita, date(2025, 1, 1)) == Decimal("40")  # no history: the field


def test_a_backdated_rate_and_the_current_rate(tenant_a):
    with tenant_context(tenant_a):
        rita = person("40")
        cost_rate_add(employee=rita, valid_from=date(2025, 3, 1), hourly_rate=Decimal("48"))
        rita.refresh_from_db()
        assert rita.hourly_cost_rate == Decimal("48")  # valid today: the current rate
        assert rate_on(rita, date(2025, 2, 28)) == Decimal("40")
        assert rate_on(rita, date(2025, 3, 1)) == Decimal("48")
        with pytest.raises(ValidationError, match="already has a rate"):
            cost_rate_add(employee=rita, valid_from=date(2025, 3, 1), hourly_rate=Decimal("1"))


def test_many_pairs_are_priced_in_one_query(tenant_a):
    with tenant_context(tenant_a):
        people = [person(str(40 + n)) for n in range(5)]
        for n, rita in enumerate(people):
            cost_rate_add(employee=rita, valid_from=date(2025, 1, 1), hourly_rate=Decimal(60 + n))
        pairs = [(rita, date(2024, 6, day)) for rita in people for day in range(1, 20)]
        pairs += [(rita, date(2025, 6, 1)) for rita in people]
        with CaptureQueriesContext(connection) as queries:
            rates = cost_rates_on(pairs)
        assert len(queries) == 1
        assert rates[(people[2].pk, date(2024, 6, 3))] == Decimal("42")
        assert rates[(people[2].pk, date(2025, 6, 1))] == Decimal("62")


def test_the_import_records_a_changed_rate(tenant_a):
    from modules.employees.services.cost_rates import record_rate_changes

    with tenant_context(tenant_a):
        rita = person("40")
        rita.hourly_cost_rate = Decimal("70")
        record_rate_changes([(rita, Decimal("40"))])
        assert rate_on(rita, tenant_a.today()) == Decimal("70")
        assert rate_on(rita, date(2024, 2, 1)) == Decimal("40")


@pytest.mark.parametrize(
    ("role", "sees"),
    [(RoleCode.HR, True), (RoleCode.FINANCE, True), (RoleCode.MANAGER, False)],
)
def test_only_who_may_see_cost_sees_the_rates_on_the_employee_page(
    tenant_a, make_member, client_for, role, sees
):
    viewer = make_member(tenant_a, f"{role}@acme.test", roles=[role])
    with tenant_context(tenant_a):
        me = Employee.objects.create(
            employee_number="E-M",
            first_name="Viv",
            last_name="Viewer",
            hire_date=date(2024, 1, 1),
            membership=Membership.objects.get(user=viewer),
        )
        rita = person("40")
        rita.manager = me
        rita.save()
        cost_rate_add(employee=rita, valid_from=date(2025, 3, 1), hourly_rate=Decimal("48.75"))
    response = client_for(tenant_a, viewer).get(
        reverse("admin:employees_employee_change", args=[rita.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert ("48.75" in page) is sees
    assert ("40.00" in page or "48.75" in page) is sees


def test_hr_adds_a_backdated_rate_on_the_employee_page(tenant_a, owner_a, client_for):
    with tenant_context(tenant_a):
        rita = person("40")
    client = client_for(tenant_a, owner_a)
    url = reverse("admin:employees_employee_change", args=[rita.pk])
    data = form_data(
        rita,
        hourly_cost_rate="40",
        **{
            "cost_rates-TOTAL_FORMS": "1",
            "cost_rates-0-valid_from": "2025-02-01",
            "cost_rates-0-hourly_rate": "45",
            "cost_rates-0-currency": "",
            "cost_rates-0-note": "Raise",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant_a):
        assert rate_on(rita, date(2025, 2, 1)) == Decimal("45")
        assert rate_on(rita, date(2024, 5, 1)) == Decimal("40")
