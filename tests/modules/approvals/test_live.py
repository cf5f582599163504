"""The inbox count is live: a submission or a decision reaches the approver's open
pages over the workspace websocket (the sidebar badge then asks for its count)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction

from modules.approvals import services
from modules.approvals.models import ApprovalRequest
from opsplatform.tenancy import tenant_context
from tests.opsplatform.test_realtime import _connect

from .conftest import decide, purchase

pytestmark = pytest.mark.django_db(transaction=True)


async def _messages(communicator, wanted: int) -> list[dict]:
    return [await communicator.receive_json_from(timeout=5) for _ in range(wanted)]


def test_a_submission_reaches_the_approvers_open_page(chain):
    def submit():
        with tenant_context(chain.tenant), transaction.atomic():
            request = purchase(chain.requester)
            services.request_submit(request_id=request.pk, user=chain.requester)

    async def scenario():
        communicator = _connect(chain.manager, "acme.localhost")
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()  # hello
        await sync_to_async(submit)()
        received = await _messages(communicator, 2)
        await communicator.disconnect()
        return received

    received = async_to_sync(scenario)()
    kinds = {message["type"] for message in received}
    assert kinds == {"approvals.changed", "notification"}
    notice = next(m for m in received if m["type"] == "notification")
    assert notice["title"].endswith("awaits your decision")
    assert notice["unread"] == 1


def test_a_refused_decision_pushes_nothing(chain):
    def prepare():
        with tenant_context(chain.tenant), transaction.atomic():
            request = purchase(chain.requester)
            services.request_submit(request_id=request.pk, user=chain.requester)
            return request.pk

    def refuse(request_id):
        with tenant_context(chain.tenant), transaction.atomic():
            try:
                request = ApprovalRequest.objects.get(pk=request_id)
                # The gate is named (as the page does), so the refusal is "not yours".
                decide(request, chain.ceo, "approve")
            except services.Refused:
                pass

    async def scenario():
        request_id = await sync_to_async(prepare)()
        communicator = _connect(chain.ceo, "acme.localhost")
        await communicator.connect()
        await communicator.receive_json_from()  # hello
        await sync_to_async(refuse)(request_id)
        quiet = await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return quiet

    assert async_to_sync(scenario)()
