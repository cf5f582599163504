"""The admin base's input hardening on one real screen (the crawler covers them all)."""

from __future__ import annotations

import pytest

from modules.employees.models import WorkLocation
from opsplatform.tenancy import tenant_context
from opsplatform.validation import strip_bidi

pytestmark = pytest.mark.django_db

ADD = "/admin/employees/worklocation/add/"


def _locations(tenant):
    with tenant_context(tenant):
        return list(WorkLocation.objects.values_list("name", "address"))


def test_bidi_controls_are_stripped_from_a_name_on_save(tenant_a, owner_a, client_for):
    response = client_for(tenant_a, owner_a).post(
        ADD, {"name": "HQ\u202e fdp.exe\u2066", "address": "Dubai", "time_zone": "Asia/Dubai"}
    )
    assert response.status_code == 302
    assert _locations(tenant_a) == [("HQ fdp.exe", "Dubai")]


def test_a_text_past_the_cap_is_a_form_error_and_saves_nothing(tenant_a, owner_a, client_for):
    response = client_for(tenant_a, owner_a).post(
        ADD, {"name": "HQ", "address": "x" * 10_001, "time_zone": "Asia/Dubai"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "at most 10000 characters" in " ".join(errors["address"])
    assert _locations(tenant_a) == []


def test_strip_bidi_removes_every_direction_control():
    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert strip_bidi(f"a{controls}b") == "ab"
    assert strip_bidi("مرحبا Hello") == "مرحبا Hello"  # Arabic text itself stays
