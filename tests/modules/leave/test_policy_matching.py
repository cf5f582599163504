"""Which policy applies when several of one leave type match a person: the most
specific assignment wins (person, department, location, employment type,
company), then the lowest priority number, then the oldest assignment."""

from __future__ import annotations

import pytest

from modules.employees.models import Employee
from modules.leave.selectors.policies import policies_for, policy_for
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import (
    DepartmentFactory,
    EmployeeFactory,
    WorkLocationFactory,
)
from tests.modules.leave.factories import (
    LeavePolicyFactory,
    LeaveTypeFactory,
    PolicyAssignmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(tenant_a):
    with tenant_context(tenant_a):
        sales, dubai = DepartmentFactory(name="Sales"), WorkLocationFactory(name="Dubai")
        ada = EmployeeFactory(
            department=sales, location=dubai, employment_type=Employee.EmploymentType.PART_TIME
        )
        annual = LeaveTypeFactory(name="Annual leave", code="annual")
        yield ada, annual, sales, dubai


def assign(leave_type, name, priority=100, **who):
    policy = LeavePolicyFactory(leave_type=leave_type, name=name, priority=priority)
    PolicyAssignmentFactory(policy=policy, employee=who.pop("employee", None), **who)
    return policy


def test_each_level_beats_the_ones_below_it(setting):
    ada, annual, sales, dubai = setting
    levels = [
        assign(annual, "Company"),
        assign(annual, "Part time", employment_type=Employee.EmploymentType.PART_TIME),
        assign(annual, "Dubai", location=dubai),
        assign(annual, "Sales", department=sales),
        assign(annual, "Ada", employee=ada),
    ]
    # Withdrawn from the most specific down, the next level takes over each time.
    for expected in reversed(levels):
        assert policy_for(ada, annual) == expected
        expected.active = False
        expected.save()
    assert policy_for(ada, annual) is None


def test_an_assignment_naming_someone_else_does_not_match(setting):
    ada, annual, _sales, _dubai = setting
    company = assign(annual, "Company")
    assign(annual, "Bob's", employee=EmployeeFactory())
    assign(annual, "Another department", department=DepartmentFactory(name="Ops"))

    assert policy_for(ada, annual) == company


def test_a_tie_goes_to_the_lowest_priority_then_the_oldest(setting):
    ada, annual, sales, _dubai = setting
    assign(annual, "Sales B", priority=50, department=sales)
    first = assign(annual, "Sales A", priority=10, department=sales)
    assign(annual, "Sales C", priority=10, department=sales)

    assert policy_for(ada, annual) == first


def test_one_policy_per_leave_type(setting):
    ada, annual, sales, _dubai = setting
    sick = LeaveTypeFactory(name="Sick leave", code="sick")
    annual_policy = assign(annual, "Sales annual", department=sales)
    sick_policy = assign(sick, "Company sick")

    assert policies_for(ada) == {annual.pk: annual_policy, sick.pk: sick_policy}
