"""Custody on the screens: the asset page's Assign, Return and Transfer (GET a
form, POST writes), "My assets", and a leaver's assets on the termination page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.assets.models import AssetEvent, AssetStatus, Assignment
from modules.assets.services import custody
from modules.employees.models import Employee
from opsplatform.tenancy import tenant_context
from tests.modules.assets.custody_fixtures import laptop
from tests.modules.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

ASSET = "/admin/assets/asset/{}/"
MINE = "/admin/assets/assignment/mine/"


def made(office, **fields):
    with tenant_context(office.tenant):
        return laptop(**fields)


def held(office, asset, employee):
    with tenant_context(office.tenant):
        return custody.assign(asset, employee=employee, by=office.hr)


def state(office, asset):
    with tenant_context(office.tenant):
        asset.refresh_from_db()
        return (
            asset.status,
            Assignment.objects.filter(asset=asset).count(),
            AssetEvent.objects.filter(asset=asset).count(),
        )


# -- the actions on the asset's page ------------------------------------------------


def test_the_asset_page_offers_only_the_moves_its_status_allows(office, client_for):
    asset = made(office)
    client = client_for(office.tenant, office.hr)
    page = client.get(ASSET.format(asset.pk) + "change/").text
    assert f"{asset.pk}/assign/" in page
    assert f"{asset.pk}/return/" not in page and f"{asset.pk}/transfer/" not in page

    held(office, asset, office.max_employee)
    page = client.get(ASSET.format(asset.pk) + "change/").text
    assert f"{asset.pk}/assign/" not in page
    assert f"{asset.pk}/return/" in page and f"{asset.pk}/transfer/" in page


def test_get_shows_the_form_and_changes_nothing(office, client_for):
    asset = made(office)
    response = client_for(office.tenant, office.hr).get(ASSET.format(asset.pk) + "assign/")
    assert response.status_code == 200
    assert 'data-testid="custody-form"' in response.text
    assert state(office, asset) == (AssetStatus.IN_STOCK, 0, 0)


def test_hr_assigns_transfers_and_records_the_return(office, client_for):
    asset = made(office)
    client = client_for(office.tenant, office.hr)
    due = (timezone.localdate() + timedelta(days=14)).isoformat()

    response = client.post(
        ASSET.format(asset.pk) + "assign/",
        {"employee": office.max_employee.pk, "expected_return": due, "condition": "New"},
    )
    assert response.status_code == 302, response.text
    assert state(office, asset) == (AssetStatus.ASSIGNED, 1, 1)
    assert "is assigned to" in client.get(response.url).text

    response = client.post(
        ASSET.format(asset.pk) + "transfer/", {"department": office.it.pk, "condition": "Fine"}
    )
    assert response.status_code == 302, response.text
    with tenant_context(office.tenant):
        assert Assignment.objects.get(asset=asset, returned_at__isnull=True).holder == office.it

    response = client.post(ASSET.format(asset.pk) + "return/", {"condition": "Scratched"})
    assert response.status_code == 302, response.text
    assert state(office, asset) == (AssetStatus.IN_STOCK, 2, 3)


def test_a_stale_form_is_refused_with_a_message(office, client_for):
    """Someone else assigned the laptop while this form was open."""
    asset = made(office)
    client = client_for(office.tenant, office.hr)
    held(office, asset, office.mia_employee)

    response = client.post(ASSET.format(asset.pk) + "assign/", {"employee": office.max_employee.pk})

    assert response.status_code == 200
    assert "This asset is already held by someone." in response.text
    assert state(office, asset) == (AssetStatus.ASSIGNED, 1, 1)


def test_a_terminated_employee_is_refused_on_the_form(office, client_for):
    with tenant_context(office.tenant):
        gone = EmployeeFactory(
            first_name="Gus", last_name="Gone", status=Employee.Status.TERMINATED
        )
    asset = made(office)

    response = client_for(office.tenant, office.hr).post(
        ASSET.format(asset.pk) + "assign/", {"employee": gone.pk}
    )

    assert response.status_code == 200
    assert "Gus Gone has left the company." in response.text
    assert state(office, asset) == (AssetStatus.IN_STOCK, 0, 0)


def test_another_companys_employee_in_the_post_is_not_a_choice(office, tenant_b, client_for):
    with tenant_context(tenant_b):
        stranger = EmployeeFactory()
    asset = made(office)

    response = client_for(office.tenant, office.hr).post(
        ASSET.format(asset.pk) + "assign/", {"employee": stranger.pk}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert state(office, asset) == (AssetStatus.IN_STOCK, 0, 0)


def test_another_companys_asset_is_not_found(office, tenant_b, owner_b, client_for):
    with tenant_context(tenant_b):
        theirs = laptop(tag="GLX-1")
    client = client_for(office.tenant, office.hr)
    assert client.get(ASSET.format(theirs.pk) + "assign/").status_code == 404
    assert client.post(ASSET.format(theirs.pk) + "assign/", {}).status_code == 404


def test_a_plain_employee_cannot_reach_the_custody_actions(office, client_for):
    asset = made(office)
    client = client_for(office.tenant, office.max)
    for move in ("assign", "return", "transfer"):
        assert client.get(ASSET.format(asset.pk) + f"{move}/").status_code in (403, 404)
    response = client.post(ASSET.format(asset.pk) + "assign/", {"employee": office.max_employee.pk})
    assert response.status_code in (403, 404)
    assert state(office, asset) == (AssetStatus.IN_STOCK, 0, 0)
    # Nor the custody history of anyone.
    assert client.get("/admin/assets/assignment/").status_code in (403, 404)


def test_a_move_the_status_does_not_allow_is_not_offered(office, client_for):
    asset = made(office, status=AssetStatus.DISPOSED)
    client = client_for(office.tenant, office.hr)
    assert client.get(ASSET.format(asset.pk) + "assign/").status_code == 403
    response = client.post(ASSET.format(asset.pk) + "assign/", {"employee": office.max_employee.pk})
    assert "it cannot be assigned" in response.text
    assert state(office, asset) == (AssetStatus.DISPOSED, 0, 0)


# -- my assets --------------------------------------------------------------------


def test_my_assets_shows_what_i_hold_and_gave_back_and_nobody_elses(office, client_for):
    mine = made(office, tag="LAP-00001", name="My ThinkPad")
    old = made(office, tag="LAP-00002", name="Old Dell")
    theirs = made(office, tag="LAP-00003", name="Mia's MacBook")
    held(office, mine, office.max_employee)
    held(office, old, office.max_employee)
    held(office, theirs, office.mia_employee)
    with tenant_context(office.tenant):
        custody.return_asset(old, condition="Worn keys", by=office.hr)

    response = client_for(office.tenant, office.max).get(MINE)

    assert response.status_code == 200
    held_rows = [a.asset.tag for a in response.context["held"]]
    returned_rows = [a.asset.tag for a in response.context["returned"]]
    assert held_rows == ["LAP-00001"] and returned_rows == ["LAP-00002"]
    assert "My ThinkPad" in response.text and "Worn keys" in response.text
    assert "MacBook" not in response.text


def test_a_login_without_an_employee_record_sees_an_empty_page(office, client_for):
    held(office, made(office), office.max_employee)
    response = client_for(office.tenant, office.nora).get(MINE)
    assert response.status_code == 200
    assert 'data-testid="my-assets-empty"' in response.text


def test_my_assets_takes_the_same_queries_for_one_or_many(office, client_for):
    client = client_for(office.tenant, office.max)
    held(office, made(office, tag="LAP-00001"), office.max_employee)
    client.get(MINE)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(MINE)
    for n in range(2, 8):
        held(office, made(office, tag=f"LAP-0000{n}"), office.max_employee)
    with tenant_context(office.tenant):
        custody.return_asset(
            Assignment.objects.filter(returned_at__isnull=True).first().asset, by=office.hr
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(MINE)
    assert len(response.context["held"]) == 6
    assert len(many) == len(one)


def test_my_assets_is_in_the_sidebar_of_an_employee(office, client_for):
    response = client_for(office.tenant, office.max).get(MINE)
    assert 'href="/admin/assets/assignment/mine/"' in response.text


# -- leavers ------------------------------------------------------------------------


def test_the_termination_page_lists_what_the_leaver_still_holds(office, client_for):
    asset = made(office, tag="LAP-00009", name="Leaver laptop")
    held(office, asset, office.max_employee)
    client = client_for(office.tenant, office.hr)
    terminate = f"/admin/employees/employee/{office.max_employee.pk}/terminate/"

    page = client.get(terminate)
    assert page.status_code == 200
    assert 'data-testid="terminate-holdings"' in page.text
    assert "LAP-00009 Leaver laptop" in page.text
    assert f'href="/admin/assets/asset/{asset.pk}/return/"' in page.text

    # Termination goes ahead; HR is told what to get back.
    response = client.post(
        terminate, {"end_date": timezone.localdate().isoformat(), "reason": "Moved away"}
    )
    assert response.status_code == 302
    with tenant_context(office.tenant):
        assert Employee.objects.get(pk=office.max_employee.pk).status == Employee.Status.TERMINATED
    followed = client.get(response.url)
    assert "still holds" in followed.text and "LAP-00009" in followed.text
    # The employee's page links to what they hold, and the return is one click away.
    links = followed.context["record_links"]
    assert any(link["title"] == "Assets held" for link in links)
    assert client.get(ASSET.format(asset.pk) + "return/").status_code == 200
    assert state(office, asset)[0] == AssetStatus.ASSIGNED


def test_someone_holding_nothing_gets_no_list_and_no_link(office, client_for):
    client = client_for(office.tenant, office.hr)
    page = client.get(f"/admin/employees/employee/{office.mia_employee.pk}/terminate/")
    assert 'data-testid="terminate-holdings"' not in page.text
    change = client.get(f"/admin/employees/employee/{office.mia_employee.pk}/change/")
    assert not any(link["title"] == "Assets held" for link in change.context["record_links"])


def test_the_assets_held_link_opens_the_persons_open_custody(office, client_for):
    asset = made(office, tag="LAP-00010")
    other = made(office, tag="LAP-00011")
    held(office, asset, office.max_employee)
    held(office, other, office.mia_employee)
    client = client_for(office.tenant, office.hr)
    change = client.get(f"/admin/employees/employee/{office.max_employee.pk}/change/")
    url = next(
        link["url"] for link in change.context["record_links"] if link["title"] == "Assets held"
    )

    listing = client.get(url)

    assert listing.status_code == 200
    assert "LAP-00010" in listing.text and "LAP-00011" not in listing.text


def test_photos_uploaded_with_the_handover_are_kept_on_the_assignment(office, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from modules.assets.models import AssetFile
    from tests.factories import sample_upload

    name, content = sample_upload(AssetFile._meta.get_field("file"))
    asset = made(office)
    response = client_for(office.tenant, office.hr).post(
        ASSET.format(asset.pk) + "assign/",
        {
            "employee": office.max_employee.pk,
            "photos": [SimpleUploadedFile(name, content), SimpleUploadedFile(name, content)],
        },
    )
    assert response.status_code == 302, response.text
    with tenant_context(office.tenant):
        files = AssetFile.objects.filter(asset=asset, kind=AssetFile.Kind.HANDOVER)
        assert files.count() == 2
        assert {f.assignment_id for f in files} == {Assignment.objects.get(asset=asset).pk}


def test_a_bad_photo_is_named_on_the_form_and_nothing_is_assigned(office, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    asset = made(office)
    response = client_for(office.tenant, office.hr).post(
        ASSET.format(asset.pk) + "assign/",
        {"employee": office.max_employee.pk, "photos": [SimpleUploadedFile("run.exe", b"MZ junk")]},
    )
    assert response.status_code == 200
    assert "run.exe" in response.text
    assert state(office, asset) == (AssetStatus.IN_STOCK, 0, 0)
