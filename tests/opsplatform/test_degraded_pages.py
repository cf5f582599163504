"""Degrade, don't fail (issue 9): with the shared cache or the channel layer
broken, a company's pages answer, a decision commits with its notices, and
people can still sign in (docs/reliability.md).

The failing backends are deliberate (tests/broken_cache.py,
tests/broken_channel_layer.py); a stopped shared server would disturb others.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from modules.approvals import services
from modules.approvals.models import ApprovalRequest, GateAction, RequestStatus
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context
from tests.broken_channel_layer import BROKEN_LAYER
from tests.conftest import PASSWORD
from tests.modules.approvals.conftest import chain, purchase  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

BROKEN_CACHES = {
    **settings.CACHES,
    "default": {
        "BACKEND": "tests.broken_cache.BrokenCache",
        "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
    },
    # As production wires it: the throttle's cache in front of the (broken) shared one.
    "axes": {
        "BACKEND": "opsplatform.accounts.throttle_cache.FallbackCache",
        "LOCATION": "axes-shared",
    },
    "axes-shared": {"BACKEND": "tests.broken_cache.BrokenCache"},
}
BROKEN = {
    "cache": override_settings(CACHES=BROKEN_CACHES),
    "channel layer": override_settings(CHANNEL_LAYERS=BROKEN_LAYER),
}


@pytest.fixture(params=list(BROKEN))
def broken(request):
    with BROKEN[request.param]:
        yield request.param


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args, urlconf="opsplatform.urls.tenant")


def submitted(chain):  # noqa: F811
    with tenant_context(chain.tenant):
        request = purchase(chain.requester)
        services.request_submit(request_id=request.pk, user=chain.requester)
        return request


def test_the_dashboard_lists_and_a_record_answer(broken, chain, client_for):  # noqa: F811
    request = submitted(chain)
    client = client_for(chain.tenant, chain.owner)
    for url in [
        admin_url("index"),
        admin_url("approvals_approvalrequest_changelist"),
        admin_url("employees_employee_changelist"),
        admin_url("approvals_approvalrequest_change", request.pk),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (broken, url)
        assert "Acme Corp" in response.content.decode(), url


@pytest.mark.django_db(transaction=True)
def test_a_decision_commits_and_its_notices_are_written(broken, chain, client_for):  # noqa: F811
    # Transactional: the request's own transaction really commits, so the live
    # pushes run after it, inside the request, as in production.
    request = submitted(chain)
    with tenant_context(chain.tenant):
        step = request.steps.get(status="current")
    response = client_for(chain.tenant, chain.manager).post(
        admin_url("approvals_request_decide", request.pk), {"decision": "approve", "step": step.pk}
    )
    assert response.status_code == 302, broken
    with tenant_context(chain.tenant):
        request = ApprovalRequest.objects.get(pk=request.pk)
        assert request.status == RequestStatus.IN_REVIEW
        assert request.log.filter(action=GateAction.APPROVED).count() == 1
        # The next approver's "awaits your decision" is in their bell.
        assert Notification.objects.filter(recipient=chain.ra).exists()


@override_settings(**{"CACHES": BROKEN_CACHES})
def test_signing_in_works_with_the_cache_down(chain):  # noqa: F811
    client = Client(HTTP_HOST="acme.localhost")
    response = client.post("/admin/login/", {"username": chain.manager.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@override_settings(**{"CACHES": BROKEN_CACHES})
def test_guessing_is_still_throttled_with_the_cache_down(chain):  # noqa: F811
    client = Client(HTTP_HOST="acme.localhost")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": chain.manager.email, "password": "wrong"})
    # Counted in this process's memory meanwhile: the right password is refused too.
    response = client.post("/admin/login/", {"username": chain.manager.email, "password": PASSWORD})
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "Too many failed attempts" in response.content.decode()
