"""The sign-in pages, added to each admin site's URLs (so they live under /admin/
on both hosts, in the ``admin`` namespace that unfold's login page links to)."""

from __future__ import annotations

from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from opsplatform.accounts import passwords, views


def account_urls(site) -> list:
    def bound(view):
        def wrapper(request, *args, **kwargs):
            return view(request, site, *args, **kwargs)

        return never_cache(csrf_protect(sensitive_post_parameters("otp_token")(wrapper)))

    return [
        path("two-factor/", bound(views.verify), name="two_factor_verify"),
        path("two-factor/setup/", bound(views.setup), name="two_factor_setup"),
        path("security/", site.admin_view(bound(views.security)), name="account_security"),
        path(
            "password_reset/",
            passwords.ResetRequestView.as_view(site=site),
            name="admin_password_reset",
        ),
        path(
            "password_reset/done/",
            passwords.ResetDoneView.as_view(site=site),
            name="password_reset_done",
        ),
        path(
            "reset/<uidb64>/<token>/",
            passwords.ResetConfirmView.as_view(site=site),
            name="password_reset_confirm",
        ),
        path(
            "reset/done/",
            passwords.ResetCompleteView.as_view(site=site),
            name="password_reset_complete",
        ),
    ]
