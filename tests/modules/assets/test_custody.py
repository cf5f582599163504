"""Assign, return and transfer (services/custody.py): the custody history, the
lifecycle log and the status always agree, and every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from modules.assets.models import AssetEvent, AssetFile, AssetStatus, Assignment
from modules.assets.selectors.custody import held_by, overdue_assignments
from modules.assets.services import custody, lifecycle
from modules.employees.models import Department, Employee
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tests.factories import sample_upload
from tests.modules.assets.custody_fixtures import laptop
from tests.modules.assets.factories import AssignmentFactory
from tests.modules.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def photo():
    name, content = sample_upload(AssetFile._meta.get_field("file"))
    return SimpleUploadedFile(name, content)


def events(asset):
    return list(
        AssetEvent.objects.filter(asset=asset)
        .order_by("at", "pk")
        .values_list("action", "from_status", "to_status")
    )


def test_assign_hands_the_asset_out_with_photos_and_a_log_entry(in_office):
    asset = laptop()
    due = timezone.localdate() + timedelta(days=30)

    assignment = custody.assign(
        asset,
        employee=in_office.max_employee,
        expected_return=due,
        condition="Like new, small scratch on the lid",
        photos=[photo()],
        by=in_office.hr,
    )

    asset.refresh_from_db()
    assert asset.status == AssetStatus.ASSIGNED
    assert assignment.holder == in_office.max_employee
    assert assignment.expected_return == due
    assert assignment.condition_out == "Like new, small scratch on the lid"
    assert assignment.assigned_by == in_office.hr
    assert assignment.is_open
    assert events(asset) == [("assign", "in_stock", "assigned")]
    event = AssetEvent.objects.get(asset=asset)
    assert event.by == in_office.hr and in_office.max_employee.full_name in event.reason
    handover = AssetFile.objects.get(asset=asset)
    assert handover.kind == AssetFile.Kind.HANDOVER and handover.assignment == assignment


def test_assign_to_a_department(in_office):
    asset = laptop()
    assignment = custody.assign(asset, department=in_office.it, by=in_office.hr)
    assert assignment.holder == in_office.it
    assert list(held_by(in_office.max_employee)) == []


def test_return_closes_the_assignment_and_puts_the_asset_back_in_stock(in_office):
    asset = laptop()
    custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)

    closed = custody.return_asset(
        asset, condition="Dent on the corner", photos=[photo()], by=in_office.finance
    )

    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_STOCK
    assert closed.returned_at is not None and closed.returned_by == in_office.finance
    assert closed.condition_in == "Dent on the corner"
    assert events(asset) == [("assign", "in_stock", "assigned"), ("return", "assigned", "in_stock")]
    assert AssetFile.objects.get(asset=asset).kind == AssetFile.Kind.RETURN
    assert not Assignment.objects.filter(asset=asset, returned_at__isnull=True).exists()


def test_transfer_closes_and_opens_in_one_step_linking_the_two(in_office):
    asset = laptop()
    first = custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)

    second = custody.transfer(
        asset, employee=in_office.mia_employee, condition="Charger included", by=in_office.hr
    )

    first.refresh_from_db()
    asset.refresh_from_db()
    assert asset.status == AssetStatus.ASSIGNED
    assert first.returned_at == second.assigned_at
    assert first.transferred_to == second
    assert first.condition_in == "Charger included" == second.condition_out
    assert second.holder == in_office.mia_employee and second.is_open
    assert events(asset)[-1] == ("transfer", "assigned", "assigned")
    # The custody history shows both holders with their dates.
    history = list(Assignment.objects.filter(asset=asset).order_by("assigned_at", "pk"))
    assert [a.holder for a in history] == [in_office.max_employee, in_office.mia_employee]


def test_transfer_to_the_current_holder_is_refused(in_office):
    asset = laptop()
    custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)
    with pytest.raises(Refused, match="holds it already"):
        custody.transfer(asset, employee=in_office.max_employee, by=in_office.hr)
    assert Assignment.objects.filter(asset=asset).count() == 1


def unchanged(asset, status, assignments=0, event_count=0):
    asset.refresh_from_db()
    assert asset.status == status
    assert Assignment.objects.filter(asset=asset).count() == assignments
    assert AssetEvent.objects.filter(asset=asset).count() == event_count


def test_an_assigned_asset_cannot_be_assigned_again(in_office):
    asset = laptop()
    custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)
    with pytest.raises(Refused, match="already held by someone"):
        custody.assign(asset, employee=in_office.mia_employee, by=in_office.hr)
    unchanged(asset, AssetStatus.ASSIGNED, assignments=1, event_count=1)


@pytest.mark.parametrize(
    ("status", "said"),
    [(AssetStatus.IN_REPAIR, "in repair"), (AssetStatus.DISPOSED, "disposed")],
)
def test_an_asset_in_repair_or_disposed_cannot_be_assigned(in_office, status, said):
    asset = laptop(status=status)
    with pytest.raises(Refused, match=f"is {said}: it cannot be assigned"):
        custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)
    unchanged(asset, status)


def test_a_retired_asset_cannot_be_assigned(in_office):
    asset = laptop()
    lifecycle.move_by_hand(asset=asset, action="retire", by=in_office.finance, reason="Old")
    with pytest.raises(Refused, match="cannot be assigned"):
        custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)
    unchanged(asset, AssetStatus.RETIRED, event_count=1)


def test_an_asset_nobody_holds_cannot_be_returned_or_transferred(in_office):
    asset = laptop()
    with pytest.raises(Refused, match="not held by anyone"):
        custody.return_asset(asset, by=in_office.hr)
    with pytest.raises(Refused, match="not held by anyone"):
        custody.transfer(asset, employee=in_office.mia_employee, by=in_office.hr)
    unchanged(asset, AssetStatus.IN_STOCK)


def test_a_terminated_employee_cannot_receive_an_asset(in_office):
    gone = EmployeeFactory(first_name="Gus", last_name="Gone", status=Employee.Status.TERMINATED)
    asset = laptop()
    with pytest.raises(Refused, match="Gus Gone has left the company") as refused:
        custody.assign(asset, employee=gone, by=in_office.hr)
    assert refused.value.field == "employee"
    unchanged(asset, AssetStatus.IN_STOCK)

    custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)
    with pytest.raises(Refused, match="has left the company"):
        custody.transfer(asset, employee=gone, by=in_office.hr)
    unchanged(asset, AssetStatus.ASSIGNED, assignments=1, event_count=1)


def test_another_companys_employee_or_department_is_refused(office, tenant_b):
    with tenant_context(tenant_b):
        stranger = EmployeeFactory()
        their_team = Department.objects.create(name="Their IT")
    with tenant_context(office.tenant):
        asset = laptop()
        with pytest.raises(Refused, match="employee of this company"):
            custody.assign(asset, employee=stranger, by=office.hr)
        with pytest.raises(Refused, match="department of this company"):
            custody.assign(asset, department=their_team, by=office.hr)
        unchanged(asset, AssetStatus.IN_STOCK)


def test_one_holder_only_an_employee_or_a_department(in_office):
    asset = laptop()
    with pytest.raises(Refused, match="an employee or a department"):
        custody.assign(asset, by=in_office.hr)
    with pytest.raises(Refused, match="an employee or a department"):
        custody.assign(
            asset, employee=in_office.max_employee, department=in_office.it, by=in_office.hr
        )
    unchanged(asset, AssetStatus.IN_STOCK)


def test_an_expected_return_in_the_past_is_refused(in_office):
    asset = laptop()
    with pytest.raises(Refused, match="cannot be in the past"):
        custody.assign(
            asset,
            employee=in_office.max_employee,
            expected_return=timezone.localdate() - timedelta(days=1),
            by=in_office.hr,
        )
    unchanged(asset, AssetStatus.IN_STOCK)


def test_a_file_that_is_not_a_photo_refuses_the_whole_handover(in_office):
    asset = laptop()
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not an image")
    with pytest.raises(Refused, match="virus.exe") as refused:
        custody.assign(asset, employee=in_office.max_employee, photos=[bad], by=in_office.hr)
    assert refused.value.field == "photos"
    unchanged(asset, AssetStatus.IN_STOCK)
    assert not AssetFile.objects.filter(asset=asset).exists()


def test_the_database_keeps_one_holder_even_when_the_status_is_wrong(in_office):
    """An open assignment the status does not show (an import gone wrong): the
    partial unique index refuses the second holder, and nothing is changed."""
    asset = laptop()
    AssignmentFactory(asset=asset, employee=in_office.mia_employee)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_STOCK

    with pytest.raises(Refused, match="This asset is already held by someone."):
        custody.assign(asset, employee=in_office.max_employee, by=in_office.hr)

    unchanged(asset, AssetStatus.IN_STOCK, assignments=1)


def test_overdue_assignments_are_the_open_ones_past_their_date(in_office):
    today = timezone.localdate()
    late = AssignmentFactory(expected_return=today - timedelta(days=3))
    later = AssignmentFactory(expected_return=today - timedelta(days=10))
    AssignmentFactory(expected_return=today)  # due today: not overdue yet
    AssignmentFactory(expected_return=None)
    returned = AssignmentFactory(expected_return=today - timedelta(days=5))
    returned.returned_at = timezone.now()
    returned.save()

    assert list(overdue_assignments()) == [later, late]
