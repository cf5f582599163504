"""The sign-in pages each admin site adds: the code step, enrolment, and a
person's (and an owner's company's) sign-in security page."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from opsplatform.accounts import throttle
from opsplatform.accounts.forms import CodeForm, CompanyTwoFactorForm, EnrolForm
from opsplatform.accounts.services import (
    recovery_codes_issue,
    totp_device_confirm,
)
from opsplatform.accounts.two_factor import has_device, is_required
from opsplatform.permissions import current_roles
from opsplatform.redirects import safe_next
from tenants.roles import RoleCode

PENDING_KEY = "_two_factor_pending_key"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, candidate, reverse("admin:index"))


def _context(site, request, **extra) -> dict:
    return {**site.each_context(request), "next": _next_url(request), **extra}


def _otp_throttle_name(user) -> str:
    # Code failures count on their own key: a correct password (which resets the
    # account's password failures) must not buy an attacker fresh code guesses.
    return f"otp:{user.get_username().lower()}"


@require_http_methods(["GET", "POST"])
def verify(request, site):
    """After the password: the code from the person's authenticator or a recovery code."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(reverse("admin:login"))
    if user.is_verified() or not has_device(user):
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if throttle.is_locked(request, _otp_throttle_name(user)):
            return throttle.lockout_response(request)
        if form.is_valid():
            device, waiting = _match(user, form.cleaned_data["otp_token"])
            if device is not None:
                otp_login(request, device)
                return HttpResponseRedirect(_next_url(request))
            if waiting:
                # django-otp's own per-device pause after a wrong code (seconds, doubling).
                form.add_error("otp_token", _("Wait a few seconds before trying another code."))
            else:
                form.add_error("otp_token", _("This code is not valid. Try the current one."))
            throttle.record_failure(request, _otp_throttle_name(user))
    return render(
        request,
        "accounts/two_factor_verify.html",
        _context(site, request, form=form, title=_("Two-factor authentication")),
    )


def _match(user, token: str):
    # Authenticator first, then recovery codes; rows locked so that one code
    # cannot be used twice by two requests at once.
    waiting = False
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not device.verify_is_allowed()[0]:
                waiting = True
            elif device.verify_token(token):
                return device, False
    return None, waiting


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@require_http_methods(["GET", "POST"])
def setup(request, site):
    """Enrol an authenticator: scan the code, type the first code it shows."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(reverse("admin:login"))
    if has_device(user):
        if not user.is_verified():
            return HttpResponseRedirect(reverse("admin:two_factor_verify"))
        messages.info(request, _("Two-factor authentication is already on."))
        return HttpResponseRedirect(reverse("admin:account_security"))
    # The secret waits in the session until confirmed: no device row exists
    # for a scan that was never finished.
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    pending = TOTPDevice(user=user, key=key, name=_("Authenticator app"))
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        totp = TOTP(pending.bin_key, pending.step, pending.t0, pending.digits, pending.drift)
        if token.isdigit() and totp.verify(int(token), tolerance=1):
            device = totp_device_confirm(user=user, key=key, last_t=totp.t())
            codes = recovery_codes_issue(user=user)
            request.session.pop(PENDING_KEY, None)
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                _context(site, request, codes=codes, title=_("Your recovery codes")),
            )
        form.add_error("otp_token", _("This code does not match. Check the time on your phone."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        _context(
            site,
            request,
            form=form,
            qr_svg=mark_safe(_qr_svg(pending)),  # made by qrcode from our own URL
            secret=pending.config_url.split("secret=")[1].split("&")[0],
            required=is_required(request, user),
            title=_("Set up two-factor authentication"),
        ),
    )


def security(request, site):
    """A person's sign-in security; on a company's host, owners also set its rule."""
    user = request.user
    tenant = getattr(request, "tenant", None)
    is_owner = tenant is not None and RoleCode.OWNER in current_roles(user)
    company_form = None
    if tenant is not None and is_owner:
        company_form = CompanyTwoFactorForm(
            request.POST or None, initial={"require_two_factor": tenant.require_two_factor}
        )
    if request.method == "POST":
        if company_form is None:
            raise Http404
        if company_form.is_valid():
            from tenants.services import tenant_set_two_factor_requirement

            tenant_set_two_factor_requirement(
                tenant=tenant,
                required=company_form.cleaned_data["require_two_factor"],
                by=user,
            )
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("admin:account_security"))
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "accounts/security.html",
        {
            **site.each_context(request),
            "title": _("Sign-in security"),
            "has_device": has_device(user),
            "recovery_left": recovery.token_set.count() if recovery else 0,
            "company_form": company_form,
            "company": tenant,
        },
    )
