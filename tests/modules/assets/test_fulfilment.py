"""An approved asset request waits in finance's fulfilment queue until finance hands
out an asset in stock, or registers the purchased one and hands it out; the
request's page and the asset's page then link to each other."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from modules.approvals import services
from modules.approvals.models import RequestStatus
from modules.assets.models import Asset, AssetRequest, AssetStatus, Assignment
from modules.assets.services import fulfilment
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.approvals.conftest import chain, decide, in_acme  # noqa: F401
from tests.modules.assets.factories import AssetCategoryFactory, AssetFactory

URLCONF = "opsplatform.urls.tenant"
QUEUE = reverse("admin:assets_fulfilment_queue", urlconf=URLCONF)


def fulfil_url(approval) -> str:
    return reverse("admin:assets_fulfil_request", args=[approval.pk], urlconf=URLCONF)


@pytest.fixture
def finance(chain, make_member):  # noqa: F811
    user = make_member(chain.tenant, "fiona@acme.test", roles=[RoleCode.FINANCE])
    with tenant_context(chain.tenant):
        from tests.modules.approvals.conftest import link_employee

        link_employee(user, number="E-7")
    return user


def approved_request(chain, finance, *, category="Laptops", title="A laptop"):  # noqa: F811
    """An asset request submitted by the requester and approved at every gate."""
    approval = services.request_create(
        user=chain.requester,
        kind="asset",
        title=title,
        asset_category=category,
        specification="14 inch, 16 GB",
        quantity=1,
        estimated_cost=Decimal("1500"),
        reason="Mine broke",
    )
    services.request_submit(request_id=approval.pk, user=chain.requester)
    deciders = {chain.manager.pk: chain.manager, finance.pk: finance}
    for _gate in range(5):
        approval.refresh_from_db()
        if approval.status != RequestStatus.IN_REVIEW:
            break
        step = approval.steps.get(status="current")
        user = step.approver or finance
        decide(approval, deciders.get(user.pk, user))
    approval.refresh_from_db()
    assert approval.status == RequestStatus.COMPLETED
    return approval


@pytest.fixture
def laptops(in_acme):  # noqa: F811
    return AssetCategoryFactory(name="Laptops", tag_prefix="LAP")


def test_a_completed_request_waits_in_the_queue_and_leaves_it_once_fulfilled(
    chain,  # noqa: F811
    finance,
    laptops,
    client_for,
):
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
        laptop = AssetFactory(category=laptops, tag="LAP-00001", name="ThinkPad")
        AssetFactory(category=AssetCategoryFactory(name="Chairs"), tag="CHR-1", name="Chair")
    client = client_for(chain.tenant, finance)

    page = client.get(QUEUE)
    assert page.status_code == 200
    assert approval.reference in page.content.decode()

    form = client.get(fulfil_url(approval))
    assert form.status_code == 200
    # The requested category's assets in stock are offered, the others not.
    offered = list(form.context["stock_form"].fields["asset"].queryset)
    assert offered == [laptop]

    done = client.post(
        fulfil_url(approval),
        {"choice": "stock", "stock-asset": laptop.pk, "stock-condition": "New"},
        follow=True,
    )
    assert done.status_code == 200
    assert approval.reference not in done.content.decode().split("fulfilment-queue")[-1]
    with tenant_context(chain.tenant):
        laptop.refresh_from_db()
        assert laptop.status == AssetStatus.ASSIGNED
        assert laptop.request_id == approval.pk
        assignment = Assignment.objects.get(asset=laptop)
        assert assignment.employee == chain.employee(chain.requester)
        assert assignment.request_id == approval.pk
        assert assignment.condition_out == "New"
        subject = AssetRequest.objects.get(approval=approval)
        assert subject.fulfilled_by == finance and subject.fulfilled_at is not None
        assert list(fulfilment.waiting()) == []


def test_registering_the_purchased_asset_assigns_it_in_one_step(
    chain,  # noqa: F811
    finance,
    laptops,
    client_for,
):
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
    client = client_for(chain.tenant, finance)
    response = client.post(
        fulfil_url(approval),
        {
            "choice": "buy",
            "buy-name": "MacBook Air",
            "buy-category": laptops.pk,
            "buy-serial_number": "C02XYZ",
            "buy-purchase_date": "2026-11-30",
            "buy-purchase_cost": "1450.00",
        },
    )
    assert response.status_code == 302, response.context and response.context["buy_form"].errors
    with tenant_context(chain.tenant):
        asset = Asset.objects.get(serial_number="C02XYZ")
        assert asset.tag == "LAP-00001"  # the category's next tag
        assert asset.status == AssetStatus.ASSIGNED
        assert asset.request_id == approval.pk
        assert asset.assignments.get().employee == chain.employee(chain.requester)
        assert asset.assignments.get().request_id == approval.pk
        assert AssetRequest.objects.get(approval=approval).fulfilled_at is not None


def test_a_bad_purchase_changes_nothing(chain, finance, laptops, client_for):  # noqa: F811
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
    client = client_for(chain.tenant, finance)
    response = client.post(
        fulfil_url(approval),
        {"choice": "buy", "buy-name": "X", "buy-category": laptops.pk, "buy-purchase_cost": "-1"},
    )
    assert response.status_code == 200
    assert response.context["buy_form"].errors
    with tenant_context(chain.tenant):
        assert not Asset.objects.exists()
        assert AssetRequest.objects.get(approval=approval).fulfilled_at is None


def test_fulfilling_twice_fulfils_once_and_says_by_whom(
    chain,  # noqa: F811
    finance,
    laptops,
    client_for,
):
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
        first = AssetFactory(category=laptops, tag="LAP-00001")
        second = AssetFactory(category=laptops, tag="LAP-00002")
        subject = AssetRequest.objects.get(approval=approval)
        fulfilment.fulfil_from_stock(request_id=subject.pk, asset=first, by=finance)
        with pytest.raises(Refused, match="Already fulfilled by"):
            fulfilment.fulfil_from_stock(request_id=subject.pk, asset=second, by=chain.owner)
    # The second click, from the page: told, and nothing more handed out.
    client = client_for(chain.tenant, chain.owner)
    response = client.post(
        fulfil_url(approval), {"choice": "stock", "stock-asset": second.pk}, follow=True
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Already fulfilled by" in shown
    with tenant_context(chain.tenant):
        second.refresh_from_db()
        assert second.status == AssetStatus.IN_STOCK
        assert Assignment.objects.filter(request=approval).count() == 1


def test_an_asset_not_in_stock_is_refused(chain, finance, laptops):  # noqa: F811
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
        retired = AssetFactory(category=laptops, tag="LAP-9", status=AssetStatus.RETIRED)
        subject = AssetRequest.objects.get(approval=approval)
        with pytest.raises(Refused, match="not in stock"):
            fulfilment.fulfil_from_stock(request_id=subject.pk, asset=retired, by=finance)
        assert AssetRequest.objects.get(pk=subject.pk).fulfilled_at is None


def test_an_employee_without_the_permission_is_refused(
    chain,  # noqa: F811
    finance,
    client_for,
):
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
    client = client_for(chain.tenant, chain.requester)
    assert client.get(QUEUE).status_code == 403
    assert client.get(fulfil_url(approval)).status_code == 403
    assert client.post(fulfil_url(approval), {"choice": "buy"}).status_code == 403


def test_another_companys_request_is_not_found(
    chain,  # noqa: F811
    finance,
    tenant_b,
    owner_b,
    client_for,
):
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
    client = client_for(tenant_b, owner_b)
    assert client.get(fulfil_url(approval)).status_code == 404
    assert client.post(fulfil_url(approval), {"choice": "stock"}).status_code == 404


def test_the_request_and_the_asset_link_to_each_other(
    chain,  # noqa: F811
    finance,
    laptops,
    client_for,
):
    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
        laptop = AssetFactory(category=laptops, tag="LAP-00001")
        subject = AssetRequest.objects.get(approval=approval)
        fulfilment.fulfil_from_stock(request_id=subject.pk, asset=laptop, by=finance)
    client = client_for(chain.tenant, finance)
    asset_url = reverse("admin:assets_asset_change", args=[laptop.pk], urlconf=URLCONF)
    request_url = reverse(
        "admin:approvals_approvalrequest_change", args=[approval.pk], urlconf=URLCONF
    )
    request_page = client.get(request_url)
    assert request_page.status_code == 200
    assert {"title": "Asset handed out", "url": asset_url} in [
        {"title": str(link["title"]), "url": link["url"]}
        for link in request_page.context["record_links"]
    ]
    assert asset_url in request_page.content.decode()
    asset_page = client.get(asset_url)
    assert asset_page.status_code == 200
    assert request_url in asset_page.content.decode()


def test_the_queue_reads_in_constant_queries(
    chain,  # noqa: F811
    finance,
    client_for,
    django_assert_max_num_queries,
):
    with tenant_context(chain.tenant):
        approved_request(chain, finance, title="One")
    client = client_for(chain.tenant, finance)
    client.get(QUEUE)  # warm the session and the sidebar's caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(QUEUE).status_code == 200
    with tenant_context(chain.tenant):
        for n in range(4):
            approved_request(chain, finance, title=f"More {n}")
    client.get(QUEUE)  # the sidebar's counts were cached before the new requests
    with CaptureQueriesContext(connection) as five:
        page = client.get(QUEUE)
    assert page.content.decode().count('data-request="AST-') == 5
    assert len(five) == len(one)


def test_several_assets_for_one_request_link_to_the_register_filtered_to_them(
    chain,  # noqa: F811
    finance,
    laptops,
    client_for,
):
    from modules.assets.links import request_assets_url

    with tenant_context(chain.tenant):
        approval = approved_request(chain, finance)
        AssetFactory(category=laptops, tag="LAP-1", name="First", request=approval)
        AssetFactory(category=laptops, tag="LAP-2", name="Second", request=approval)
        AssetFactory(category=laptops, tag="LAP-3", name="Other")
        url = request_assets_url(approval)
    page = client_for(chain.tenant, finance).get(url)
    assert page.status_code == 200
    assert [a.tag for a in page.context["cl"].result_list] == ["LAP-1", "LAP-2"]
