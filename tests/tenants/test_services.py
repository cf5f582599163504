"""Specification of the tenants services: roles, deactivation, moving between
companies and the person's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.models import Domain, Membership, RoleGrant, User
from tenants.roles import RoleCode

pytestmark = pytest.mark.django_db


def _membership(tenant, user) -> Membership:
    with tenant_context(tenant):
        return Membership.objects.get(user=user)


def _roles(tenant, user) -> set[str]:
    with tenant_context(tenant):
        return Membership.objects.get(user=user).role_codes()


def _grant_history(tenant, membership):
    with tenant_context(tenant):
        return list(
            RoleGrant.history.filter(membership_id=membership.pk)
            .order_by("history_id")
            .values_list("history_type", "role", "history_change_reason", "tenant_id")
        )


# -- membership_set_roles ---------------------------------------------------------------


def test_owner_changes_a_members_roles(tenant_a, owner_a, make_member):
    colleague = make_member(tenant_a, "col@acme.test")
    services.membership_set_roles(
        membership=_membership(tenant_a, colleague), roles=["finance", "manager"], by=owner_a
    )
    assert _roles(tenant_a, colleague) == {RoleCode.FINANCE, RoleCode.MANAGER}


def test_role_grants_and_revocations_leave_history_rows(tenant_a, owner_a, make_member):
    colleague = make_member(tenant_a, "col@acme.test")
    membership = _membership(tenant_a, colleague)
    before = _grant_history(tenant_a, membership)

    services.membership_set_roles(membership=membership, roles=["finance"], by=owner_a)

    new_rows = _grant_history(tenant_a, membership)[len(before) :]
    assert sorted(new_rows) == [
        ("+", "finance", "Role granted", tenant_a.pk),
        ("-", "employee", "Role removed", tenant_a.pk),
    ]


def test_setting_the_same_roles_again_changes_nothing_and_writes_no_history(
    tenant_a, owner_a, make_member
):
    colleague = make_member(tenant_a, "col@acme.test", roles=[RoleCode.HR, RoleCode.EMPLOYEE])
    membership = _membership(tenant_a, colleague)
    before = _grant_history(tenant_a, membership)
    services.membership_set_roles(membership=membership, roles=["employee", "hr"], by=owner_a)
    assert _grant_history(tenant_a, membership) == before


def test_owner_cannot_remove_the_last_owner(tenant_a, owner_a):
    membership = _membership(tenant_a, owner_a)
    before = _grant_history(tenant_a, membership)
    with pytest.raises(ValidationError) as error:
        services.membership_set_roles(membership=membership, roles=["ceo"], by=owner_a)
    assert error.value.messages == [
        "A company needs at least one active owner. Make someone else an owner first."
    ]
    assert _roles(tenant_a, owner_a) == {RoleCode.OWNER}
    assert _grant_history(tenant_a, membership) == before


def test_a_deactivated_owner_does_not_count_as_another_owner(tenant_a, owner_a, make_member):
    other = make_member(tenant_a, "other-owner@acme.test", roles=[RoleCode.OWNER])
    services.membership_deactivate(membership=_membership(tenant_a, other), by=owner_a)
    with pytest.raises(ValidationError, match="at least one active owner"):
        services.membership_set_roles(
            membership=_membership(tenant_a, owner_a), roles=["employee"], by=owner_a
        )
    assert _roles(tenant_a, owner_a) == {RoleCode.OWNER}


def test_an_owner_of_another_company_does_not_count_either(tenant_a, tenant_b, owner_a, owner_b):
    with pytest.raises(ValidationError, match="at least one active owner"):
        services.membership_set_roles(
            membership=_membership(tenant_a, owner_a), roles=["employee"], by=owner_a
        )


def test_with_a_second_owner_the_first_may_step_down(tenant_a, owner_a, make_member):
    make_member(tenant_a, "second@acme.test", roles=[RoleCode.OWNER])
    services.membership_set_roles(
        membership=_membership(tenant_a, owner_a), roles=["ceo"], by=owner_a
    )
    assert _roles(tenant_a, owner_a) == {RoleCode.CEO}


def test_owner_makes_someone_else_an_owner(tenant_a, owner_a, make_member):
    colleague = make_member(tenant_a, "heir@acme.test")
    services.membership_set_roles(
        membership=_membership(tenant_a, colleague), roles=["owner", "employee"], by=owner_a
    )
    assert _roles(tenant_a, colleague) == {RoleCode.OWNER, RoleCode.EMPLOYEE}


def test_removing_the_last_owner_through_the_admin_shows_the_message_and_changes_nothing(
    tenant_a, owner_a, client_for
):
    membership = _membership(tenant_a, owner_a)
    client = client_for(tenant_a, owner_a)
    response = client.post(
        f"/admin/tenants/membership/{membership.pk}/change/", {"roles": ["employee"]}, follow=True
    )
    assert response.status_code == 200
    assert "A company needs at least one active owner." in response.content.decode()
    assert _roles(tenant_a, owner_a) == {RoleCode.OWNER}


@pytest.mark.parametrize(
    "roles", [["finance"], ["owner"], ["ceo"], ["employee", "revenue_assurance"]]
)
def test_hr_cannot_give_roles_beyond_employee_and_manager(tenant_a, owner_a, make_member, roles):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    colleague = make_member(tenant_a, "col@acme.test")
    with pytest.raises(ValidationError):
        services.membership_set_roles(
            membership=_membership(tenant_a, colleague), roles=roles, by=hr
        )
    assert _roles(tenant_a, colleague) == {RoleCode.EMPLOYEE}


def test_an_employee_cannot_change_roles(tenant_a, owner_a, make_member):
    employee = make_member(tenant_a, "emp@acme.test")
    colleague = make_member(tenant_a, "col@acme.test")
    with pytest.raises(ValidationError, match="Only owners and HR"):
        services.membership_set_roles(
            membership=_membership(tenant_a, colleague), roles=["manager"], by=employee
        )
    assert _roles(tenant_a, colleague) == {RoleCode.EMPLOYEE}


def test_an_owner_elsewhere_has_no_say_here(tenant_a, tenant_b, owner_a, owner_b, make_member):
    colleague = make_member(tenant_a, "col@acme.test")
    with pytest.raises(ValidationError):
        services.membership_set_roles(
            membership=_membership(tenant_a, colleague), roles=["finance"], by=owner_b
        )
    assert _roles(tenant_a, colleague) == {RoleCode.EMPLOYEE}


@pytest.mark.parametrize(
    "roles, message", [([], "Choose at least one role."), (["wizard"], "Unknown role: wizard")]
)
def test_empty_or_unknown_roles_are_refused(tenant_a, owner_a, make_member, roles, message):
    colleague = make_member(tenant_a, "col@acme.test")
    with pytest.raises(ValidationError) as error:
        services.membership_set_roles(
            membership=_membership(tenant_a, colleague), roles=roles, by=owner_a
        )
    assert error.value.message_dict == {"roles": [message]}
    assert _roles(tenant_a, colleague) == {RoleCode.EMPLOYEE}


# -- membership_deactivate ------------------------------------------------------------------


def test_owner_deactivates_a_member_and_the_history_says_so(tenant_a, owner_a, make_member):
    colleague = make_member(tenant_a, "col@acme.test")
    membership = services.membership_deactivate(
        membership=_membership(tenant_a, colleague), by=owner_a
    )
    assert membership.status == Membership.Status.DEACTIVATED
    assert _membership(tenant_a, colleague).status == Membership.Status.DEACTIVATED
    with tenant_context(tenant_a):
        latest = Membership.history.filter(id=membership.pk).latest()
    assert latest.history_change_reason == "Deactivated"


def test_nobody_can_deactivate_themselves(tenant_a, owner_a, make_member):
    make_member(tenant_a, "second@acme.test", roles=[RoleCode.OWNER])
    with pytest.raises(ValidationError) as error:
        services.membership_deactivate(membership=_membership(tenant_a, owner_a), by=owner_a)
    assert error.value.messages == ["You cannot deactivate yourself."]
    assert _membership(tenant_a, owner_a).is_active


def test_the_last_owner_cannot_be_deactivated(tenant_a, owner_a):
    with pytest.raises(ValidationError, match="at least one active owner"):
        services.membership_deactivate(membership=_membership(tenant_a, owner_a), by=None)
    assert _membership(tenant_a, owner_a).is_active


def test_an_owner_may_be_deactivated_while_another_owner_remains(tenant_a, owner_a, make_member):
    second = make_member(tenant_a, "second@acme.test", roles=[RoleCode.OWNER])
    services.membership_deactivate(membership=_membership(tenant_a, second), by=owner_a)
    assert not _membership(tenant_a, second).is_active


def test_a_deactivated_member_can_be_reactivated(tenant_a, owner_a, make_member):
    colleague = make_member(tenant_a, "col@acme.test")
    services.membership_deactivate(membership=_membership(tenant_a, colleague), by=owner_a)
    services.membership_reactivate(membership=_membership(tenant_a, colleague), by=owner_a)
    assert _membership(tenant_a, colleague).is_active
    assert _roles(tenant_a, colleague) == {RoleCode.EMPLOYEE}


# -- the company switcher ---------------------------------------------------------------------


@pytest.fixture
def shared(tenant_a, tenant_b, make_member) -> User:
    """Sam works at both Acme and Globex."""
    user = make_member(tenant_a, "sam@shared.test")
    make_member(tenant_b, "sam@shared.test", user=user)
    return user


ACME_ORIGIN = "http://acme.localhost:8000"


def _handoff_token(client, slug: str) -> str:
    """The token of the hand-off page that /switch/ renders (it POSTs it to the other host)."""
    response = client.get(f"/switch/{slug}/")
    assert response.status_code == 200
    assert response.context["action"] == f"http://{slug}.localhost:8000/handoff/"
    return response.context["token"]


def _arrive(client, token: str, origin: str | None = ACME_ORIGIN):
    """The auto-submitted POST of the hand-off page, as a browser on ``origin`` sends it."""
    extra = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post("/handoff/", {"token": token}, **extra)


def test_a_member_of_two_companies_sees_the_other_in_the_header(
    tenant_a, tenant_b, shared, client_for
):
    response = client_for(tenant_a, shared).get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Globex Ltd" in body
    assert "/switch/globex/" in body


def test_a_member_of_one_company_has_no_other_company_in_the_header(
    tenant_a, tenant_b, owner_a, client_for
):
    body = client_for(tenant_a, owner_a).get("/admin/").content.decode()
    assert "Globex Ltd" not in body
    assert "/switch/" not in body


def test_switching_posts_the_token_to_the_other_companys_handoff(
    tenant_a, tenant_b, shared, client_for
):
    response = client_for(tenant_a, shared).get("/switch/globex/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'method="post" action="http://globex.localhost:8000/handoff/"' in body
    assert response.context["token"] in body
    assert "?token=" not in body  # never in a URL
    # Browsers must send this page's origin with the POST (the hand-off checks it).
    assert response["Referrer-Policy"] == "strict-origin"


def test_following_the_handoff_signs_in_at_the_other_company(
    tenant_a, tenant_b, shared, client_for
):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    at_globex = client_for(tenant_b)

    response = _arrive(at_globex, token)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert int(at_globex.session["_auth_user_id"]) == shared.pk
    dashboard = at_globex.get("/admin/")
    assert dashboard.status_code == 200
    assert "Globex Ltd" in dashboard.content.decode()


def test_a_handoff_token_works_once_only(tenant_a, tenant_b, shared, client_for):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    assert _arrive(client_for(tenant_b), token).status_code == 302
    second = client_for(tenant_b)
    assert _arrive(second, token).status_code == 404
    assert "_auth_user_id" not in second.session


def test_a_handoff_token_does_not_open_a_third_company(
    tenant_a, tenant_b, make_tenant, make_member, shared, client_for
):
    initech = make_tenant("initech", "Initech")
    make_member(initech, shared.email, user=shared)  # even where Sam is a member too
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    at_initech = client_for(initech)
    assert _arrive(at_initech, token).status_code == 404
    assert "_auth_user_id" not in at_initech.session
    # Trying it on the wrong host did not spend it.
    assert _arrive(client_for(tenant_b), token).status_code == 302


def test_a_handoff_token_expires_after_a_minute(tenant_a, tenant_b, shared, client_for):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    with freeze_time(timezone.now() + timedelta(seconds=120)):
        at_globex = client_for(tenant_b)
        assert _arrive(at_globex, token).status_code == 404
        assert "_auth_user_id" not in at_globex.session


def test_a_forged_handoff_token_is_not_found(tenant_a, tenant_b, shared, client_for):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    assert _arrive(client_for(tenant_b), token[:-3] + "abc").status_code == 404
    assert _arrive(client_for(tenant_b), "").status_code == 404


def test_a_handoff_is_refused_if_the_membership_ended_in_between(
    tenant_a, tenant_b, owner_b, shared, client_for
):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    services.membership_deactivate(membership=_membership(tenant_b, shared), by=owner_b)
    at_globex = client_for(tenant_b)
    assert _arrive(at_globex, token).status_code == 404
    assert "_auth_user_id" not in at_globex.session


def test_switching_to_a_company_you_do_not_belong_to_is_not_found(
    tenant_a, tenant_b, owner_a, client_for
):
    assert client_for(tenant_a, owner_a).get("/switch/globex/").status_code == 404
    assert client_for(tenant_a, owner_a).get("/switch/no-such-company/").status_code == 404


def _signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return None if user_id is None else int(user_id)


def test_a_handoff_by_get_is_refused_and_signs_nobody_in(tenant_a, tenant_b, shared, client_for):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    at_globex = client_for(tenant_b)
    assert at_globex.get(f"/handoff/?token={token}").status_code == 405
    assert _signed_in_as(at_globex) is None
    # Refusing the GET did not spend the token.
    assert _arrive(client_for(tenant_b), token).status_code == 302


@pytest.fixture
def mallory(tenant_a, tenant_b, make_member) -> User:
    """An attacker who is a member of both companies and so can mint their own token."""
    user = make_member(tenant_a, "mallory@evil.test")
    make_member(tenant_b, "mallory@evil.test", user=user)
    return user


@pytest.mark.parametrize("origin", ["https://evil.example", "null", None])
def test_an_attackers_own_token_posted_from_another_site_signs_nobody_in(
    tenant_a, tenant_b, mallory, client_for, origin
):
    token = _handoff_token(client_for(tenant_a, mallory), "globex")
    victim = client_for(tenant_b)

    response = _arrive(victim, token, origin=origin)

    assert response.status_code == 200
    assert "Continue as mallory@evil.test?" in response.content.decode()
    assert _signed_in_as(victim) is None
    # Posting the same token again does not skip the question either.
    assert _arrive(victim, token, origin=ACME_ORIGIN).status_code == 404
    assert _signed_in_as(victim) is None


def test_someone_else_signed_in_is_asked_before_being_switched(
    tenant_a, tenant_b, owner_b, shared, client_for
):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    owners_browser = client_for(tenant_b, owner_b)

    response = _arrive(owners_browser, token)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Continue as sam@shared.test?" in body
    assert "You are signed in here as owner@globex.test" in body
    assert _signed_in_as(owners_browser) == owner_b.pk


def test_the_same_person_signed_in_on_the_other_host_goes_straight_through(
    tenant_a, tenant_b, shared, client_for
):
    token = _handoff_token(client_for(tenant_a, shared), "globex")
    at_globex = client_for(tenant_b, shared)
    response = _arrive(at_globex, token)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert _signed_in_as(at_globex) == shared.pk


def test_answering_the_question_signs_in_with_this_hosts_csrf_token(
    tenant_a, tenant_b, owner_b, shared
):
    from django.test import Client

    token = _handoff_token(_client(tenant_a, shared), "globex")
    browser = Client(HTTP_HOST="globex.localhost", enforce_csrf_checks=True)
    browser.force_login(owner_b)
    page = browser.post("/handoff/", {"token": token}, HTTP_ORIGIN="https://evil.example")
    assert page.status_code == 200

    # A forged answer (no CSRF token of this host) is refused.
    assert browser.post("/handoff/confirm/").status_code == 403
    assert _signed_in_as(browser) == owner_b.pk

    csrf = browser.cookies["csrftoken"].value  # what the page's form carries, unmasked
    response = browser.post("/handoff/confirm/", {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert _signed_in_as(browser) == shared.pk
    # The answer works once.
    csrf = browser.cookies["csrftoken"].value
    assert browser.post("/handoff/confirm/", {"csrfmiddlewaretoken": csrf}).status_code == 404


def test_an_answer_without_a_question_is_not_found(tenant_b, owner_b, client_for):
    browser = client_for(tenant_b, owner_b)
    assert browser.post("/handoff/confirm/").status_code == 404
    assert browser.get("/handoff/confirm/").status_code == 405
    assert _signed_in_as(browser) == owner_b.pk


def _client(tenant, user):
    from django.test import Client

    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client


def test_switching_to_a_company_where_you_were_deactivated_is_not_found(
    tenant_a, tenant_b, owner_b, shared, client_for
):
    services.membership_deactivate(membership=_membership(tenant_b, shared), by=owner_b)
    client = client_for(tenant_a, shared)
    assert client.get("/switch/globex/").status_code == 404
    assert "Globex Ltd" not in client.get("/admin/").content.decode()


def test_switching_to_a_suspended_company_is_not_found(tenant_a, tenant_b, shared, client_for):
    services.tenant_suspend(tenant=tenant_b)
    assert client_for(tenant_a, shared).get("/switch/globex/").status_code == 404


def test_switching_needs_a_signed_in_member(tenant_a, tenant_b, client_for):
    response = client_for(tenant_a).get("/switch/globex/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# -- language ----------------------------------------------------------------------------------


def test_choosing_arabic_is_saved_on_the_person(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    response = client.post("/i18n/language/", {"language": "ar", "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    owner_a.refresh_from_db()
    assert owner_a.language == "ar"


def test_after_choosing_arabic_pages_turn_right_to_left(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    assert 'dir="ltr"' in client.get("/admin/").content.decode()
    client.post("/i18n/language/", {"language": "ar", "next": "/admin/"})
    body = client.get("/admin/").content.decode()
    assert 'lang="ar"' in body and 'dir="rtl"' in body


def test_the_saved_language_follows_the_person_to_a_new_browser(tenant_a, owner_a, client_for):
    client_for(tenant_a, owner_a).post("/i18n/language/", {"language": "ar", "next": "/admin/"})
    fresh = client_for(tenant_a, owner_a)  # no language cookie: the saved choice applies
    assert 'dir="rtl"' in fresh.get("/admin/").content.decode()


def test_the_saved_language_follows_the_person_to_another_company(
    tenant_a, tenant_b, shared, client_for
):
    client_for(tenant_a, shared).post("/i18n/language/", {"language": "ar", "next": "/admin/"})
    assert 'dir="rtl"' in client_for(tenant_b, shared).get("/admin/").content.decode()


def test_switching_back_to_english_turns_pages_left_to_right(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    client.post("/i18n/language/", {"language": "ar", "next": "/admin/"})
    client.post("/i18n/language/", {"language": "en", "next": "/admin/"})
    owner_a.refresh_from_db()
    assert owner_a.language == "en"
    assert 'dir="ltr"' in client_for(tenant_a, owner_a).get("/admin/").content.decode()


def test_an_unknown_language_is_ignored(tenant_a, owner_a, client_for):
    client_for(tenant_a, owner_a).post("/i18n/language/", {"language": "xx", "next": "/admin/"})
    owner_a.refresh_from_db()
    assert owner_a.language == ""


def test_user_set_language_refuses_an_unknown_language(owner_a):
    with pytest.raises(ValidationError):
        services.user_set_language(user=owner_a, language="klingon")


def test_a_new_primary_address_leaves_history_on_the_one_it_replaces(tenant_a):
    old = Domain.objects.get(tenant=tenant_a, is_primary=True)
    new = services.domain_add(tenant=tenant_a, domain="acme.example.com", is_primary=True)

    old.refresh_from_db()
    assert not old.is_primary and new.is_primary
    latest = old.history.latest()
    assert latest.history_type == "~"
    assert latest.is_primary is False
    assert latest.history_change_reason == "No longer the primary address"
