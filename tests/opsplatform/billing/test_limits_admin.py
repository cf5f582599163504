"""Usage limits in the admin's add view, for every limited model registered there.

Found from the registry: for each declared limit's ``consumed_by`` model on the
workspace admin, the owner's browser data for a valid form is read from the
change page of a factory row (which is then deleted, freeing its unique values),
and posted to the add page. At the cap the form comes back with the limit's
message and nothing is written; with one place left the same post adds the row.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from opsplatform.admin import tenant_site
from opsplatform.billing.models import Plan
from opsplatform.billing.services import subscription_assign
from opsplatform.billing.usage import usage_of
from opsplatform.contract.registry import plan_features, plan_limits
from opsplatform.tenancy import tenant_context
from tests.factories import tenant_factories
from tests.opsplatform.input_crawler import read_form

pytestmark = pytest.mark.django_db

# Invitations are made by a service from their own add form: test_limits_flows.py.
FORMS_OF_THEIR_OWN = {"tenants.invitation"}

CASES = [
    (limit.code, label)
    for limit in plan_limits()
    for label in limit.consumed_by
    if apps.get_model(label) in tenant_site._registry and label.lower() not in FORMS_OF_THEIR_OWN
]
INLINE_ROW = re.compile(r"^(?P<prefix>.+)-(\d+|__prefix__)-")


def test_some_limited_model_has_an_add_form():
    assert CASES


@pytest.fixture
def capped(db):
    Plan.objects.all().delete()
    Plan.objects.create(code="roomy", name="Roomy", tier=5, limits={})
    return Plan.objects.create(
        code="capped",
        name="Capped",
        tier=1,
        is_public=False,
        features=[feature.code for feature in plan_features()],
    )


def _add_data(change_html: str, add_html: str, form_id: str, row) -> dict[str, list[str]]:
    """The change form's values as an add form's: no inline rows.

    A field the add form has and the change form lacks is read-only once the
    row exists (a route's kind): it takes the row's own value.
    """
    data, _links = read_form(change_html, form_id)
    kept = {}
    for name, values in data.items():
        if INLINE_ROW.match(name):
            continue
        if name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS")):
            values = ["0"]
        kept[name] = values
    add_form, _links = read_form(add_html, form_id)
    for name, values in add_form.items():
        if name in kept or INLINE_ROW.match(name) or "-" in name:
            continue
        try:
            field = row._meta.get_field(name)
        except FieldDoesNotExist:
            kept[name] = values
        else:
            kept[name] = [str(field.value_from_object(row))]
    kept.pop("_continue", None)
    kept.pop("_addanother", None)
    return kept


@pytest.mark.parametrize(("code", "label"), CASES, ids=[f"{c}:{m}" for c, m in CASES])
def test_the_add_form_at_the_cap_shows_the_limit_and_adds_nothing(
    tenant_a, owner_a, client_for, capped, code, label
):
    model = apps.get_model(label)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
    client = client_for(tenant_a, owner_a)
    add_page = client.get(reverse(prefix + "add"))
    if add_page.status_code == 403:
        # Members join by invitation only (the invitation test covers them).
        pytest.skip(f"{label} has no add form for anyone")
    with tenant_context(tenant_a):
        row = tenant_factories()[model]()
    page = client.get(reverse(prefix + "change", args=[row.pk]))
    assert page.status_code == 200
    data = _add_data(
        page.content.decode(), add_page.content.decode(), f"{model._meta.model_name}_form", row
    )
    with tenant_context(tenant_a):
        row.delete()
        used = usage_of(tenant_a, code)
        rows = model.objects.count()
    capped.limits = {code: used}
    capped.save()
    subscription_assign(tenant=tenant_a, plan=capped)

    refused = client.post(reverse(prefix + "add"), data)

    assert refused.status_code == 200
    body = refused.content.decode()
    label_text = str(next(limit.label for limit in plan_limits() if limit.code == code))
    assert label_text in body and "Roomy" in body
    with tenant_context(tenant_a):
        assert model.objects.count() == rows

    capped.limits = {code: used + 1}
    capped.save()
    subscription_assign(tenant=tenant_a, plan=capped)
    added = client.post(reverse(prefix + "add"), data)

    assert added.status_code == 302, added.content.decode()[:2000]
    with tenant_context(tenant_a):
        assert model.objects.count() == rows + 1
        assert usage_of(tenant_a, code) == used + 1
