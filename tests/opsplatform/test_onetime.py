"""One-time tokens are spent in the database: once, with or without the cache,
and forgotten only after the token they guard has expired."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from opsplatform import onetime
from opsplatform.models import SpentNonce
from opsplatform.tasks import purge_spent_nonces
from tenants.links import handoff_token
from tests.opsplatform.test_cache_down import BROKEN

pytestmark = pytest.mark.django_db


def test_a_nonce_is_spent_once():
    assert onetime.spend("n-1", valid_for_seconds=120) is True
    assert onetime.spend("n-1", valid_for_seconds=120) is False
    assert onetime.spend("n-2", valid_for_seconds=120) is True
    assert onetime.spend("", valid_for_seconds=120) is False


def test_a_refused_spend_leaves_the_callers_transaction_usable(tenant_a):
    onetime.spend("n-1", valid_for_seconds=120)
    assert onetime.spend("n-1", valid_for_seconds=120) is False
    # The failed insert was its own savepoint: the transaction goes on.
    assert SpentNonce.objects.filter(nonce="n-1").count() == 1


def test_only_expired_nonces_are_purged_by_the_periodic_task():
    onetime.spend("old", valid_for_seconds=120)
    onetime.spend("fresh", valid_for_seconds=120)
    SpentNonce.objects.filter(nonce="old").update(expires_at=timezone.now() - timedelta(seconds=1))
    purge_spent_nonces.call_local()
    assert list(SpentNonce.objects.values_list("nonce", flat=True)) == ["fresh"]


@override_settings(CACHES=BROKEN)
def test_the_handoff_works_once_with_the_cache_down(tenant_a, tenant_b, make_member):
    user = make_member(tenant_a, "sam@shared.test")
    make_member(tenant_b, "sam@shared.test", user=user)
    token = handoff_token(user_id=user.pk, tenant_id=tenant_b.pk, nonce=secrets.token_urlsafe(16))

    def arrive():
        return Client(HTTP_HOST="globex.localhost").post(
            "/handoff/", {"token": token}, HTTP_ORIGIN="http://acme.localhost:8000"
        )

    assert arrive().status_code == 302
    assert arrive().status_code == 404
