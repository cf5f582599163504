"""Sign-up pages on the root domain: the form, the live address check, the link's page.

Every state change is a POST (the form, "send it again", "create my company");
the link in the email opens a page that only asks.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from opsplatform.admin import landlord_site
from opsplatform.refusals import Refused, show_refusal
from tenants.signup import services, throttle
from tenants.signup.forms import SignupForm
from tenants.signup.selectors import created_by, trial_plan
from tenants.signup.subdomains import address_of, check_subdomain
from tenants.signup.tokens import (
    MAX_AGE_SECONDS,
    LinkExpired,
    read_token,
    read_token_for_prefill,
)


def _render(request, template: str, context: dict, status: int = 200):
    page = {
        **landlord_site.each_context(request),
        "site_title": _("Free trial"),
        "base_domain": settings.BASE_DOMAIN,
        **context,
    }
    return render(request, template, page, status=status)


def _root_host_only(request) -> None:
    # The landlord URLconf serves only root hosts; a company's host never routes here.
    if getattr(request, "tenant", None) is not None:
        raise Http404


def _restart_url(token: str) -> str:
    """Back to the form, filled with what the link held."""
    return f"{reverse('signup')}?{urlencode({'from': token})}"


@never_cache
@require_http_methods(["GET", "POST"])
def signup_start(request):
    _root_host_only(request)
    if trial_plan() is None:
        return _render(
            request,
            "signup/start.html",
            {"title": _("Create your workspace"), "closed": services.closed_message()},
            status=503,
        )
    if request.method == "GET":
        return _start_page(request, SignupForm(initial=_prefill(request)))

    form = SignupForm(request.POST)
    if not form.is_valid():
        return _start_page(request, form)
    data = form.cleaned_data
    if not throttle.allow_signup(request, email=data["email"]):
        form.add_error(
            None, _("Too many sign-ups from here in a short time. Please try again in an hour.")
        )
        return _start_page(request, form, status=429)
    try:
        pending = services.signup_start(
            company=data["company"],
            subdomain=data["subdomain"],
            email=data["email"],
            owner_name=data["owner_name"],
        )
    except Refused as error:
        show_refusal(request, error, form=form)
        return _start_page(request, form)
    # The answer is this page, not a redirect: its "send it again" button
    # posts the same form, and nothing is kept between the two requests.
    return _render(
        request,
        "signup/sent.html",
        {
            "title": _("Check your email"),
            "pending": pending,
            "address": address_of(pending.subdomain),
            "resend": form,
            "hours": MAX_AGE_SECONDS // 3600,
        },
    )


def _prefill(request) -> dict:
    """What to fill the form with: a link's content (the way back from its page), or
    the fields themselves ("Change the details"). Only initial values: a GET creates nothing."""
    pending = read_token_for_prefill(request.GET.get("from", ""))
    if pending is not None:
        return {
            "company": pending.company,
            "subdomain": pending.subdomain,
            "owner_name": pending.owner_name,
            "email": pending.email,
        }
    return {name: request.GET[name] for name in SignupForm.base_fields if name in request.GET}


def _start_page(request, form, status: int = 200):
    return _render(
        request,
        "signup/start.html",
        {
            "title": _("Create your workspace"),
            "form": form,
            "check_url": reverse("signup-check"),
            "trial_days": settings.BILLING_TRIAL_DAYS,
        },
        status=status,
    )


@never_cache
@require_GET
def signup_check(request):
    """The form's live answer: ``{"available": bool, "message": str}``."""
    _root_host_only(request)
    if not throttle.allow_check(request):
        return JsonResponse(
            {"available": False, "message": _("Too many checks. Wait a minute and try again.")},
            status=429,
        )
    verdict = check_subdomain(request.GET.get("subdomain", ""))
    return JsonResponse(
        {"available": verdict.available, "message": verdict.message, "code": verdict.code}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signup_verify(request, token: str):
    """The email's link. GET shows what will be created; the button POSTs it."""
    _root_host_only(request)
    try:
        pending = read_token(token)
    except LinkExpired:
        return _render(
            request,
            "signup/verify.html",
            {
                "title": _("This link has expired"),
                "state": "expired",
                "restart_url": _restart_url(token),
                "hours": MAX_AGE_SECONDS // 3600,
            },
            status=410,
        )
    except signing.BadSignature as error:
        raise Http404 from error

    context = {
        "title": _("Confirm your workspace"),
        "pending": pending,
        "address": address_of(pending.subdomain),
        "restart_url": _restart_url(token),
        "trial_days": settings.BILLING_TRIAL_DAYS,
    }
    done = created_by(pending)
    if done is not None:
        return _already_created(request, context, done)

    if request.method == "GET":
        verdict = check_subdomain(pending.subdomain)
        if not verdict.available:
            return _refused(request, context, verdict.message, status=409)
        return _render(request, "signup/verify.html", {**context, "state": "confirm"})

    try:
        invitation = services.signup_complete(pending=pending)
    except services.LinkUsed as error:
        done = created_by(pending)
        if done is not None:
            return _already_created(request, context, done)
        return _refused(request, context, error.messages[0], status=410)
    except ValidationError as error:
        return _refused(request, context, " ".join(error.messages), status=409)
    return HttpResponseRedirect(_invitation_url(invitation))


def _refused(request, context: dict, message: str, *, status: int):
    return _render(
        request,
        "signup/verify.html",
        {
            **context,
            "title": _("We could not create this workspace"),
            "state": "refused",
            "message": message,
        },
        status=status,
    )


def _already_created(request, context: dict, done):
    from tenants.links import tenant_url

    if done.invitation is not None:
        next_url = _invitation_url(done.invitation)
    else:
        next_url = tenant_url(done.tenant, "/admin/")
    return _render(
        request,
        "signup/verify.html",
        {
            **context,
            "title": _("Your workspace is ready"),
            "state": "created",
            "tenant": done.tenant,
            "next_url": next_url,
            "needs_password": done.invitation is not None,
        },
    )


def _invitation_url(invitation) -> str:
    from tenants.links import invitation_token, tenant_url

    path = reverse(
        "invitation-accept", args=[invitation_token(invitation)], urlconf="opsplatform.urls.tenant"
    )
    return tenant_url(invitation.tenant, path)
