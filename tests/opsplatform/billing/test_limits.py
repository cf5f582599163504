"""Usage limits, for every declared limit a module says new rows use up.

Found from the registry like the cross-tenant crawler: each limit's
``consumed_by`` models, each made through its registered factory. A plan
whose cap equals the company's use refuses one more row as a whole, naming the
limit, the cap and the plan that lifts it, and nothing is written; a cap one
row higher lets exactly one through. A downgrade below the use keeps every row.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import transaction

from opsplatform.billing.entitlements import LimitReached
from opsplatform.billing.limits import limits_consumed_by
from opsplatform.billing.models import Plan
from opsplatform.billing.services import subscription_assign
from opsplatform.billing.usage import usage_of
from opsplatform.contract.registry import plan_limits
from opsplatform.tenancy import tenant_context
from tests.factories import tenant_factories

pytestmark = pytest.mark.django_db

CASES = [(limit.code, label) for limit in plan_limits() for label in limit.consumed_by]


def test_some_declared_limit_is_enforced_on_creates():
    # A registry that lost every consumed_by would make the tests below vanish.
    assert CASES
    for code, label in CASES:
        assert any(limit.code == code for limit in limits_consumed_by(apps.get_model(label)))


@pytest.fixture
def plans(db):
    """A capped plan (not offered) and an offered one above it without caps."""
    Plan.objects.all().delete()
    capped = Plan.objects.create(code="capped", name="Capped", tier=1, is_public=False)
    Plan.objects.create(code="roomy", name="Roomy", tier=5, limits={})
    return capped


def _cap(tenant, plan, code, cap):
    plan.limits = {code: cap}
    plan.save()
    subscription_assign(tenant=tenant, plan=plan)


def _maker(label):
    model = apps.get_model(label)
    make = tenant_factories().get(model)
    assert make is not None, f"{label} uses up a plan limit but has no factory in the registry"
    return model, make


def _label(code):
    return str(next(limit.label for limit in plan_limits() if limit.code == code))


def _make_in_transaction(make):
    # As a request or a service would: one transaction per create.
    with transaction.atomic():
        return make()


@pytest.mark.parametrize(("code", "label"), CASES, ids=[f"{c}:{m}" for c, m in CASES])
def test_a_row_past_the_cap_is_refused_with_the_plan_that_lifts_it(
    tenant_a, owner_a, plans, code, label
):
    model, make = _maker(label)
    with tenant_context(tenant_a):
        make()
        used = usage_of(tenant_a, code)
        rows = model.objects.count()
        _cap(tenant_a, plans, code, used)

        with pytest.raises(LimitReached) as refused:
            _make_in_transaction(make)

        message = " ".join(refused.value.messages)
        assert _label(code) in message
        assert f"allows {used} " in message
        assert "Roomy" in message
        assert model.objects.count() == rows
        assert usage_of(tenant_a, code) == used


@pytest.mark.parametrize(("code", "label"), CASES, ids=[f"{c}:{m}" for c, m in CASES])
def test_one_place_left_lets_one_row_in_and_the_next_is_refused(
    tenant_a, owner_a, plans, code, label
):
    model, make = _maker(label)
    with tenant_context(tenant_a):
        make()
        used = usage_of(tenant_a, code)
        _cap(tenant_a, plans, code, used + 1)

        _make_in_transaction(make)
        assert usage_of(tenant_a, code) == used + 1

        rows = model.objects.count()
        with pytest.raises(LimitReached):
            _make_in_transaction(make)
        assert model.objects.count() == rows


@pytest.mark.parametrize(("code", "label"), CASES, ids=[f"{c}:{m}" for c, m in CASES])
def test_a_bulk_create_past_the_cap_is_refused_whole(tenant_a, owner_a, plans, code, label):
    from opsplatform.bulk import create_with_history

    model, make = _maker(label)
    with tenant_context(tenant_a):
        # Two unsaved copies of a factory row: what an import would write.
        templates = [make(), make()]
        copies = [_unsaved_copy(model, row) for row in templates]
        for row in templates:
            row.delete()
        rows = model.objects.count()
        _cap(tenant_a, plans, code, usage_of(tenant_a, code) + 1)

        with pytest.raises(LimitReached):
            with transaction.atomic():
                create_with_history(copies, model, reason="test")
        assert model.objects.count() == rows


def _unsaved_copy(model, row):
    copy = model.objects.get(pk=row.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    return copy


@pytest.mark.parametrize(("code", "label"), CASES, ids=[f"{c}:{m}" for c, m in CASES])
def test_a_downgrade_below_use_keeps_every_row_and_only_blocks_new_ones(
    tenant_a, owner_a, plans, code, label
):
    model, make = _maker(label)
    with tenant_context(tenant_a):
        made = [make() for _ in range(5)]
        used = usage_of(tenant_a, code)
        _cap(tenant_a, plans, code, used - 2)
        rows = model.objects.count()

        # Nothing deleted, and an existing row still saves.
        again = model.objects.get(pk=made[0].pk)
        again.save()
        assert model.objects.count() == rows

        with pytest.raises(LimitReached):
            _make_in_transaction(make)

        for row in made[:3]:
            row.delete()
        assert usage_of(tenant_a, code) == used - 3
        _make_in_transaction(make)
        assert usage_of(tenant_a, code) == used - 2


def test_a_company_without_a_subscription_has_no_caps(tenant_a, owner_a, plans):
    code, label = CASES[0]
    _model, make = _maker(label)
    with tenant_context(tenant_a):
        for _ in range(3):
            _make_in_transaction(make)


def test_file_storage_counts_the_megabytes_a_company_stores_and_no_one_elses(
    tenant_a, tenant_b, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert usage_of(tenant_a, "files.storage_mb") == 0
    default_storage.save(f"tenants/{tenant_a.pk}/docs/a.bin", ContentFile(b"x" * (1024 * 1024)))
    default_storage.save(f"tenants/{tenant_a.pk}/logo/b.bin", ContentFile(b"x" * 10))
    default_storage.save(f"tenants/{tenant_b.pk}/docs/c.bin", ContentFile(b"x" * 5_000_000))

    assert usage_of(tenant_a, "files.storage_mb") == 2  # 1 MB and 10 bytes, rounded up
