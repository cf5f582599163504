"""Specification: which sub-domains a company may sign itself up with, on the form
and in the live check the form's script asks as the person types."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from tenants import services
from tenants.signup.subdomains import check_subdomain

pytestmark = pytest.mark.django_db

FORM = {
    "company": "Initech",
    "subdomain": "initech",
    "owner_name": "Peter Gibbons",
    "email": "peter@initech.test",
}


@pytest.fixture(autouse=True)
def plans(db):
    call_command("load_plans", stdout=io.StringIO())


@pytest.fixture
def root():
    return Client(HTTP_HOST="localhost")


def check(client, value):
    response = client.get("/signup/check/", {"subdomain": value})
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "value",
    ["ab", "a" * 31, "-acme", "acme-", "ac_me", "ac me", "ac--me", "acmé", "acme.co", ""],
)
def test_a_badly_formed_address_is_refused_with_the_rule(value):
    verdict = check_subdomain(value)
    assert verdict.code == "format"
    assert "3 to 30 lowercase letters, digits and single hyphens" in verdict.message


@pytest.mark.parametrize("value", ["abc", "a" * 30, "my-company-2", "42go"])
def test_a_well_formed_free_address_is_available(value):
    verdict = check_subdomain(value)
    assert verdict.available, verdict.message
    assert verdict.message == f"{value}.localhost is available."


def test_capitals_and_spaces_around_are_the_same_address():
    verdict = check_subdomain("  InItech ")
    assert verdict.available and verdict.subdomain == "initech"


@pytest.mark.parametrize(
    "value",
    [
        "www",
        "admin",
        "api",
        "app",
        "mail",
        "static",
        "media",
        "billing",
        "signup",
        "support",
        "help",
        "status",
        "root",
        "landlord",
        "platform",
        "WWW",
    ],
)
def test_reserved_words_are_refused(value):
    verdict = check_subdomain(value)
    assert verdict.code == "reserved"
    assert verdict.message == f"“{value.lower()}” is reserved. Choose another address."


@override_settings(RESERVED_SUBDOMAINS=frozenset({"initech"}))
def test_the_reserved_words_are_a_setting():
    assert check_subdomain("initech").code == "reserved"
    assert check_subdomain("help").available  # no longer in the list


def test_an_existing_company_slug_is_taken_whatever_the_case(tenant_a):
    for value in ("acme", "ACME", "Acme"):
        verdict = check_subdomain(value)
        assert verdict.code == "taken"
        assert verdict.message == "acme.localhost is already taken. Choose another address."


def test_a_slug_typed_with_capitals_by_platform_staff_is_taken_too(make_tenant):
    make_tenant("Hooli", "Hooli")
    assert check_subdomain("hooli").code == "taken"


def test_an_address_another_company_holds_as_a_domain_is_taken(tenant_b):
    services.domain_add(tenant=tenant_b, domain="Shop.localhost")
    assert check_subdomain("shop").code == "taken"


@override_settings(ROOT_HOSTS={"localhost", "www.localhost", "beta.localhost"})
def test_a_platform_host_is_taken():
    assert check_subdomain("beta").code == "taken"


# -- the form refuses what the check refuses, and sends nothing -------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("admin", "“admin” is reserved."),
        ("acme", "acme.localhost is already taken."),
        ("ACME", "acme.localhost is already taken."),
        ("a_b", "3 to 30 lowercase letters"),
    ],
)
def test_the_form_shows_why_an_address_cannot_be_had(root, tenant_a, value, message):
    response = root.post("/signup/", {**FORM, "subdomain": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


def test_the_form_names_every_missing_field(root):
    response = root.post("/signup/", {})
    body = response.content.decode()
    assert body.count("This field is required.") == 4
    assert mail.outbox == []


# -- the live check -------------------------------------------------------------------


def test_the_live_check_answers_available_with_the_address(root):
    assert check(root, "initech") == (
        200,
        {"available": True, "message": "initech.localhost is available.", "code": "available"},
    )


def test_the_live_check_answers_taken_reserved_and_badly_formed(root, tenant_a):
    status, taken = check(root, "Acme")
    assert status == 200 and taken["available"] is False
    assert taken["message"] == "acme.localhost is already taken. Choose another address."
    assert check(root, "api")[1]["code"] == "reserved"
    assert check(root, "x")[1]["code"] == "format"
    assert check(root, "")[1]["available"] is False


def test_the_live_check_only_reads(root):
    assert root.post("/signup/check/", {"subdomain": "initech"}).status_code == 405


def test_the_live_check_is_rate_limited_per_address(root):
    for _ in range(60):
        assert check(root, "initech")[0] == 200
    status, body = check(root, "initech")
    assert status == 429
    assert body == {"available": False, "message": "Too many checks. Wait a minute and try again."}
