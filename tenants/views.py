"""Pages outside the admin: accepting an invitation and moving between companies."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opsplatform.accounts import throttle
from opsplatform.tenancy.context import tenant_context
from tenants import services
from tenants.forms import AcceptInvitationForm
from tenants.links import handoff_token, read_handoff_token, read_invitation_token, tenant_url
from tenants.models import Invitation, Membership, Tenant, User
from tenants.selectors import workspaces_for

AUTH_BACKEND = "opsplatform.auth.EmailBackend"


def _invitation_from_token(request, token: str) -> Invitation:
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
    return invitation


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = _invitation_from_token(request, token)
    signed_in = request.user if request.user.is_authenticated else None
    account = User.objects.filter(email__iexact=invitation.email).first()
    new_account = account is None or not account.has_usable_password()
    context = {"invitation": invitation, "tenant": request.tenant, "new_account": new_account}

    if invitation.status != Invitation.Status.PENDING:
        context["closed"] = True
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
def tenant_switch(request, slug: str):
    """From this company's header to another company's workspace, signed in there."""
    target = next((t for t in workspaces_for(user=request.user) if t.slug == slug), None)
    if target is None:
        raise Http404
    nonce = secrets.token_urlsafe(16)
    token = handoff_token(user_id=request.user.pk, tenant_id=target.pk, nonce=nonce)
    return HttpResponseRedirect(tenant_url(target, reverse("tenant-handoff") + f"?token={token}"))


def tenant_handoff(request):
    """Arrive from another company's workspace with a one-time, one-minute token."""
    try:
        payload = read_handoff_token(request.GET.get("token", ""))
    except signing.BadSignature as error:
        raise Http404 from error
    tenant: Tenant = request.tenant
    if payload.get("t") != tenant.pk:
        raise Http404
    # Each token opens the door once.
    with tenant_context(None):
        first_use = cache.add(f"tenancy:handoff:{payload.get('n')}", 1, 120)
    if not first_use:
        raise Http404
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    if (
        user is None
        or not Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()
    ):
        raise Http404
    login(request, user, backend=AUTH_BACKEND)
    return HttpResponseRedirect(reverse("admin:index"))
