"""Specification: a company signs itself up on the root domain.

Step one emails a signed link and creates nothing; the link's page asks for a
POST that creates the company, its owner's invitation and a trial of Growth;
the owner sets a password (or gives their existing one) and lands in the new
workspace. Stale, forged, reused or overtaken links create nothing more.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from freezegun import freeze_time

from opsplatform.billing.models import Plan, Subscription
from opsplatform.models import SpentNonce
from opsplatform.tenancy import tenant_context
from tenants import services as tenant_services
from tenants.models import Domain, Invitation, Membership, Tenant, User
from tenants.roles import RoleCode
from tests.broken_mail import REFUSING
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

VERIFY_LINK = re.compile(r"http://localhost:8000(?P<path>/signup/verify/[^/\s\"<]+/)")
INVITE = re.compile(r"^http://initech\.localhost:8000(?P<path>/invite/[^/]+/)$")
NEW_PASSWORD = "a-Long-pass-42"
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


def sign_up(client, **changes):
    return client.post("/signup/", {**FORM, **changes})


def link_in(message) -> str:
    match = VERIFY_LINK.search(message.body)
    assert match, message.body
    return match["path"]


def signed_up_link(client, **changes) -> str:
    response = sign_up(client, **changes)
    assert response.status_code == 200, response.content.decode()
    return link_in(mail.outbox[-1])


def counts() -> dict:
    return {
        "tenants": Tenant.objects.count(),
        "domains": Domain.objects.count(),
        "users": User.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "nonces": SpentNonce.objects.count(),
    }


# -- step one: the form and the email -------------------------------------------------


def test_the_form_asks_for_the_company_its_address_and_its_owner(root):
    response = root.get("/signup/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("company", "subdomain", "owner_name", "email"):
        assert f'name="{name}"' in body
    assert ".localhost" in body
    assert "14 days" in body
    # The live check is a static file (CSP allows no inline script without a nonce).
    assert '<script src="/static/signup/signup.js" defer></script>' in body
    assert 'data-check-url="/signup/check/"' in body


def test_submitting_sends_one_verification_email_and_creates_nothing(root):
    before = counts()
    response = sign_up(root)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Check your email" in body
    assert "We sent a link to peter@initech.test" in body
    assert counts() == before
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["peter@initech.test"]
    assert message.subject == "Confirm your email to create Initech's workspace"
    assert "initech.localhost" in message.body
    assert "24 hours" in message.body
    path = link_in(message)
    assert f"http://localhost:8000{path}" in message.alternatives[0][0]
    # The page that says "check your email" does not hold the link itself.
    assert path not in body


def test_sending_again_mails_a_new_link_and_still_creates_nothing(root):
    first = signed_up_link(root)
    response = root.post("/signup/", {**FORM, "subdomain": "Initech "})  # the resend button
    assert response.status_code == 200
    second = link_in(mail.outbox[-1])
    assert len(mail.outbox) == 2 and first != second
    assert Tenant.objects.count() == 0


def test_the_verify_link_opens_a_confirmation_page_that_changes_nothing(root):
    path = signed_up_link(root)
    before = counts()
    response = root.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Confirm your workspace" in body
    assert "Initech" in body and "initech.localhost" in body and "peter@initech.test" in body
    assert 'method="post"' in body and "Create my workspace" in body
    assert counts() == before


def test_names_lose_direction_controls_and_extra_spaces(root):
    root.post(signed_up_link(root, company="  Init\u202eech   Corp ", owner_name="Peter\u200f  G"))
    assert Tenant.objects.get(slug="initech").name == "Initech Corp"
    assert User.objects.get(email="peter@initech.test").full_name == "Peter G"


def test_a_mail_server_that_refuses_is_a_message_on_the_form(root):
    with override_settings(EMAIL_BACKEND=REFUSING):
        response = sign_up(root)
    assert response.status_code == 200
    assert "We could not send the email just now" in response.content.decode()
    assert Tenant.objects.count() == 0


def test_a_post_without_the_csrf_token_is_refused():
    strict = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    assert strict.post("/signup/", FORM).status_code == 403
    assert mail.outbox == []


def test_sign_up_lives_on_the_root_domain_only(tenant_a, client_for):
    assert client_for(tenant_a).get("/signup/").status_code == 404


# -- step three: verification creates the company ----------------------------------


def test_the_whole_flow_ends_with_the_owner_in_the_new_workspace(
    root, django_capture_on_commit_callbacks
):
    path = signed_up_link(root)

    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(path)

    assert response.status_code == 302
    invite = INVITE.match(response["Location"])
    assert invite, response["Location"]
    tenant = Tenant.objects.get(slug="initech")
    assert tenant.name == "Initech"
    assert tenant.primary_domain == "initech.localhost"
    assert tenant.default_language == "en"
    user = User.objects.get(email="peter@initech.test")
    assert user.full_name == "Peter Gibbons"
    assert not user.has_usable_password()
    subscription = Subscription.objects.get(tenant=tenant)
    assert subscription.plan.code == "growth"
    assert subscription.status == Subscription.Status.TRIALING
    assert subscription.stripe_customer == ""  # no card, no Stripe customer
    # Only the verification email: the owner goes straight on to the invitation,
    # and that email's link leads there again (no "invited you" email).
    assert [m.subject for m in mail.outbox] == ["Confirm your email to create Initech's workspace"]

    workspace = Client(HTTP_HOST="initech.localhost")
    page = workspace.get(invite["path"])
    assert page.status_code == 200
    assert "Choose a password" in page.content.decode()
    joined = workspace.post(
        invite["path"], {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert joined.status_code == 302 and joined["Location"] == "/admin/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.full_name == "Peter Gibbons"  # kept from the sign-up form
    with tenant_context(tenant):
        membership = Membership.objects.get(user=user)
        assert membership.role_codes() == {RoleCode.OWNER}
    home = workspace.get("/admin/")
    assert home.status_code == 200
    assert "Initech" in home.content.decode()


def test_a_sign_up_sends_exactly_the_verification_email_and_queues_no_invitation(
    root, django_capture_on_commit_callbacks
):
    from opsplatform.outbox.models import OutboxMessage

    path = signed_up_link(root)
    with django_capture_on_commit_callbacks(execute=True):
        assert root.post(path).status_code == 302

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Confirm your email to create Initech's workspace"
    tenant = Tenant.objects.get(slug="initech")
    with tenant_context(tenant):
        assert Invitation.objects.filter(email="peter@initech.test").exists()
        assert not OutboxMessage.objects.filter(handler=tenant_services.INVITATION_EMAIL).exists()


def test_a_company_platform_staff_create_still_emails_its_owner_the_invitation(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        tenant_services.tenant_create(
            name="Initech", slug="initech", owner_email="bill@initech.test"
        )

    (message,) = mail.outbox
    assert message.to == ["bill@initech.test"]
    assert message.subject == "You are invited to join Initech"
    assert "The platform team invited you" in message.body


def test_the_trial_is_fourteen_days_of_growth_from_the_moment_of_verification(root):
    with freeze_time("2026-03-02 10:00:00"):
        path = signed_up_link(root)
    with freeze_time("2026-03-02 18:30:00"):
        root.post(path)
    subscription = Subscription.objects.get(tenant__slug="initech")
    assert subscription.trial_ends_at == datetime(2026, 3, 16, 18, 30, tzinfo=UTC)
    assert subscription.trial_ends_at - subscription.updated_at == timedelta(days=14)


def test_an_existing_account_joins_the_new_company_as_owner_with_its_password(
    root, tenant_a, make_member
):
    make_member(tenant_a, "peter@initech.test")
    users = User.objects.count()
    path = signed_up_link(root)

    response = root.post(path)

    assert User.objects.count() == users
    invite = INVITE.match(response["Location"])
    workspace = Client(HTTP_HOST="initech.localhost")
    assert "Enter its password" in workspace.get(invite["path"]).content.decode()
    joined = workspace.post(invite["path"], {"password": PASSWORD})
    assert joined.status_code == 302
    user = User.objects.get(email="peter@initech.test")
    assert user.check_password(PASSWORD)  # their password is unchanged
    initech = Tenant.objects.get(slug="initech")
    with tenant_context(initech):
        assert Membership.objects.get(user=user).role_codes() == {RoleCode.OWNER}
    with tenant_context(tenant_a):
        assert Membership.objects.get(user=user).is_active  # and still in Acme


def test_a_disabled_account_cannot_sign_up_a_company(root):
    User.objects.create_user(email="peter@initech.test", password=PASSWORD, is_active=False)
    response = root.post(signed_up_link(root))
    assert response.status_code == 409
    assert "disabled" in response.content.decode()
    assert Tenant.objects.count() == 0


def test_pressing_create_twice_makes_one_company(root):
    path = signed_up_link(root)
    first = root.post(path)
    second = root.post(path)

    assert first.status_code == 302
    assert Tenant.objects.filter(slug="initech").count() == 1
    assert Subscription.objects.count() == 1
    assert second.status_code == 200
    body = second.content.decode()
    assert "Initech's workspace is ready." in body
    # The way on is the same invitation, not a second one.
    assert first["Location"] in body
    with tenant_context(Tenant.objects.get(slug="initech")):
        assert Invitation.objects.count() == 1


def test_every_link_sent_points_to_the_one_company_once_it_exists(root):
    first = signed_up_link(root)
    second = signed_up_link(root)
    root.post(first)
    response = root.post(second)
    assert response.status_code == 200
    assert "workspace is ready" in response.content.decode()
    assert Tenant.objects.count() == 1


def test_after_the_owner_joined_the_link_leads_to_the_workspace(root):
    path = signed_up_link(root)
    invite = INVITE.match(root.post(path)["Location"])
    Client(HTTP_HOST="initech.localhost").post(
        invite["path"], {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    body = root.get(path).content.decode()
    assert "Open the workspace" in body
    assert 'href="http://initech.localhost:8000/admin/"' in body


# -- links that are stale, forged or overtaken ----------------------------------------


def test_an_expired_link_creates_nothing_and_offers_to_start_again(root):
    with freeze_time("2026-03-02 10:00:00"):
        path = signed_up_link(root)
    before = counts()
    with freeze_time("2026-03-03 10:00:01"):
        page = root.get(path)
        posted = root.post(path)
    assert page.status_code == 410 and posted.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert counts() == before
    restart = re.search(r'href="(/signup/\?from=[^"]+)"', page.content.decode())[1]
    form = root.get(restart.replace("&amp;", "&")).content.decode()
    assert 'value="initech"' in form and 'value="peter@initech.test"' in form


def test_a_link_just_inside_a_day_still_works(root):
    with freeze_time("2026-03-02 10:00:00"):
        path = signed_up_link(root)
    with freeze_time("2026-03-03 09:59:00"):
        assert root.post(path).status_code == 302


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_link_is_not_found_and_creates_nothing(root, forge):
    path = signed_up_link(root)
    token = path.split("/")[-2]
    forged = f"/signup/verify/{forge(token)}/"
    before = counts()
    assert root.get(forged).status_code == 404
    assert root.post(forged).status_code == 404
    assert counts() == before


def test_an_address_taken_between_sign_up_and_verification_is_refused_with_a_way_back(
    root, make_tenant
):
    path = signed_up_link(root)
    make_tenant("initech", "Someone else's Initech")
    users = User.objects.count()

    page = root.get(path)
    posted = root.post(path)

    for response in (page, posted):
        assert response.status_code == 409
        body = response.content.decode()
        assert "initech.localhost is already taken" in body
        assert "Choose another address" in body
        assert "/signup/?from=" in body
    assert Tenant.objects.filter(slug="initech").count() == 1
    assert Subscription.objects.count() == 0
    assert User.objects.count() == users
    assert SpentNonce.objects.count() == 0  # the refusal rolled the spend back


def test_a_domain_given_to_another_company_meanwhile_is_refused(root, tenant_b):
    path = signed_up_link(root)
    tenant_services.domain_add(tenant=tenant_b, domain="initech.localhost")
    response = root.post(path)
    assert response.status_code == 409
    assert "already taken" in response.content.decode()
    assert not Tenant.objects.filter(slug="initech").exists()


# -- no trial plan ---------------------------------------------------------------------


def test_without_the_trial_plan_sign_up_is_closed_and_says_so(root):
    path = signed_up_link(root)
    Plan.objects.all().delete()
    mail.outbox.clear()

    page = root.get("/signup/")
    assert page.status_code == 503
    assert "Sign-up is not open at the moment" in page.content.decode()
    assert sign_up(root).status_code == 503
    assert mail.outbox == []

    posted = root.post(path)
    assert posted.status_code == 409
    assert "Sign-up is not open at the moment" in posted.content.decode()
    assert Tenant.objects.count() == 0


# -- language ----------------------------------------------------------------------------


def test_signing_up_in_arabic_makes_an_arabic_company_and_email(root):
    root.post("/i18n/language/", {"language": "ar", "next": "/signup/"})
    response = sign_up(root)
    assert response.status_code == 200
    assert 'dir="rtl"' in mail.outbox[-1].alternatives[0][0]
    root.post(link_in(mail.outbox[-1]))
    assert Tenant.objects.get(slug="initech").default_language == "ar"


# -- abuse -------------------------------------------------------------------------------


def test_one_address_can_mail_only_a_few_links_in_an_hour(root):
    for _ in range(3):
        assert sign_up(root).status_code == 200
    blocked = sign_up(root)
    assert blocked.status_code == 429
    assert "Too many sign-ups" in blocked.content.decode()
    assert len(mail.outbox) == 3


def test_one_network_can_start_only_a_few_sign_ups_in_an_hour(root):
    for number in range(10):
        assert sign_up(root, email=f"p{number}@initech.test").status_code == 200
    blocked = sign_up(root, email="eleventh@initech.test")
    assert blocked.status_code == 429
    assert len(mail.outbox) == 10
    elsewhere = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.8.7")
    assert sign_up(elsewhere, email="other@initech.test").status_code == 200


def test_with_the_cache_down_sign_up_still_works_unthrottled(root):
    from django.conf import settings

    broken = {
        **settings.CACHES,
        "default": {
            "BACKEND": "tests.broken_cache.BrokenCache",
            "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
        },
    }
    with override_settings(CACHES=broken):
        for _ in range(4):  # past the per-address limit: nothing is counted
            assert sign_up(root).status_code == 200
        assert root.get("/signup/check/", {"subdomain": "initech"}).json()["available"]
        assert root.post(link_in(mail.outbox[-1])).status_code == 302
    assert Tenant.objects.filter(slug="initech").exists()
