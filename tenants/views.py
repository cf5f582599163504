"""Pages outside the admin: accepting an invitation and moving between companies."""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsplatform import onetime
from opsplatform.accounts import throttle
from opsplatform.tenancy.resolver import resolve_host
from tenants import services
from tenants.forms import AcceptInvitationForm
from tenants.links import (
    handoff_token,
    invitation_link_is_current,
    read_handoff_token,
    read_invitation_token,
    tenant_url,
)
from tenants.models import Invitation, Membership, User
from tenants.selectors import workspaces_for

AUTH_BACKEND = "opsplatform.auth.EmailBackend"
HANDOFF_PENDING_KEY = "tenants:handoff_pending"
# How long "Continue as <email>?" may wait for its answer.
HANDOFF_CONFIRM_SECONDS = 300


def _invitation_from_token(request, token: str) -> tuple[Invitation, bool]:
    """The invitation a link names, and whether the link is its newest (404 if neither)."""
    try:
        payload = read_invitation_token(token)
    except signing.BadSignature as error:
        raise Http404 from error
    # A link for another company opened on this company's address is simply not here.
    if payload.get("t") != request.tenant.pk:
        raise Http404
    invitation = Invitation.objects.filter(pk=payload.get("i")).first()
    if invitation is None:
        raise Http404
    return invitation, invitation_link_is_current(invitation, payload)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation, current = _invitation_from_token(request, token)
    signed_in = request.user if request.user.is_authenticated else None
    account = User.objects.filter(email__iexact=invitation.email).first()
    new_account = account is None or not account.has_usable_password()
    context = {"invitation": invitation, "tenant": request.tenant, "new_account": new_account}

    if invitation.status != Invitation.Status.PENDING or not current:
        context["closed"] = True
        context["superseded"] = not current
        return render(request, "tenants/invitation_accept.html", context, status=410)

    same_person = signed_in is not None and signed_in.email.lower() == invitation.email.lower()
    form = AcceptInvitationForm(request.POST or None, new_account=new_account)
    if same_person and request.method == "POST":
        form = None
    # An existing account proves itself with its password here: throttled like the login form.
    checks_password = not new_account and not same_person
    if (
        request.method == "POST"
        and checks_password
        and throttle.is_locked(request, invitation.email)
    ):
        return throttle.lockout_response(request)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                password="" if form is None else form.cleaned_data["password"],
                full_name="" if form is None else form.cleaned_data.get("full_name", ""),
                user=signed_in if same_person else None,
            )
        except ValidationError as error:
            if checks_password and "password" in getattr(error, "error_dict", {}):
                throttle.record_failure(request, invitation.email)
            if form is None:
                form = AcceptInvitationForm(new_account=new_account)
            _attach(form, error)
        else:
            login(request, membership.user, backend=AUTH_BACKEND)
            messages.success(
                request, _("Welcome to %(company)s.") % {"company": request.tenant.name}
            )
            return HttpResponseRedirect(reverse("admin:index"))
    context["form"] = form or AcceptInvitationForm(new_account=new_account)
    context["same_person"] = same_person
    return render(request, "tenants/invitation_accept.html", context)


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_GET
def tenant_switch(request, slug: str):
    """From this company's header to another company's workspace, signed in there.

    The token goes to the other host in the body of an auto-submitted POST,
    never in a URL (where history, logs and Referer headers would keep it).
    """
    target = next((t for t in workspaces_for(user=request.user) if t.slug == slug), None)
    if target is None:
        raise Http404
    nonce = secrets.token_urlsafe(16)
    token = handoff_token(user_id=request.user.pk, tenant_id=target.pk, nonce=nonce)
    response = render(
        request,
        "tenants/handoff_post.html",
        {
            "action": tenant_url(target, reverse("tenant-handoff")),
            "token": token,
            "target": target,
        },
    )
    # The hand-off trusts a POST whose Origin is one of our hosts; the
    # site-wide "same-origin" policy would make the browser send "Origin: null".
    response["Referrer-Policy"] = "strict-origin"
    response["Cache-Control"] = "no-store"
    return response


def _from_our_own_host(request) -> bool:
    """True when the POST was made by a page of one of our hosts (a company's or the root)."""
    origin = request.headers.get("Origin", "")
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return False
    return resolve_host(parts.netloc).kind in {"tenant", "root"}


def _handoff_user(request, token: str) -> tuple[User, str]:
    """The person a valid token for this company names and its nonce, or 404 (spends nothing)."""
    try:
        payload = read_handoff_token(token)
    except signing.BadSignature as error:
        raise Http404 from error
    if payload.get("t") != request.tenant.pk:
        raise Http404
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    if (
        user is None
        or not Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()
    ):
        raise Http404
    return user, str(payload.get("n"))


def _spend(nonce: str) -> None:
    """Each token opens the door once, across every process, with or without the cache.

    The spent nonce is kept for twice the token's lifetime: until the token
    itself can no longer be presented."""
    if not onetime.spend(
        f"handoff:{nonce}", valid_for_seconds=2 * settings.TENANT_HANDOFF_MAX_AGE_SECONDS
    ):
        raise Http404


@csrf_exempt  # it arrives from another host; the signed one-time token is its proof
@require_POST
def tenant_handoff(request):
    """Arrive from another company's workspace with a one-time, one-minute token.

    Signing in straight away is safe only when the POST was made by one of our
    own pages and it changes nobody's identity here: nobody is signed in on
    this host, or the same person is. Anything else (a token posted by another
    site, someone else signed in) may be a login CSRF, an attacker's own token
    meant to sign the victim in as the attacker, so the person is asked first.
    """
    user, nonce = _handoff_user(request, request.POST.get("token", ""))
    _spend(nonce)
    signed_in = request.user if request.user.is_authenticated else None
    if _from_our_own_host(request) and (signed_in is None or signed_in.pk == user.pk):
        login(request, user, backend=AUTH_BACKEND)
        return HttpResponseRedirect(reverse("admin:index"))
    # The question is answered by this browser only: the pending hand-off
    # lives in its session here and the answer is a CSRF-checked POST.
    request.session[HANDOFF_PENDING_KEY] = {"u": user.pk, "at": int(time.time())}
    return render(
        request,
        "tenants/handoff_confirm.html",
        {"email": user.email, "tenant": request.tenant, "signed_in": signed_in},
    )


@require_POST
def tenant_handoff_confirm(request):
    """The answer to "Continue as <email>?": a POST from this host's own page."""
    pending = request.session.pop(HANDOFF_PENDING_KEY, None)
    if not pending or time.time() - pending.get("at", 0) > HANDOFF_CONFIRM_SECONDS:
        raise Http404
    user = User.objects.filter(pk=pending.get("u"), is_active=True).first()
    if (
        user is None
        or not Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()
    ):
        raise Http404
    login(request, user, backend=AUTH_BACKEND)
    return HttpResponseRedirect(reverse("admin:index"))
