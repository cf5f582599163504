"""The owner's billing pages on a company's admin site (docs/billing.md).

``billing_urls(site)`` is mounted by TenantAdminSite.extra_urls; URL names (under
``admin:``): ``billing`` (the page), ``billing_checkout``, ``billing_portal``,
``billing_change`` (GET preview, POST change), ``billing_cancel`` (GET question,
POST cancel), ``billing_resume``, and ``billing_upgrade`` (the page a locked
feature answers, opsplatform.billing.gating, when that is installed). Every name
starts with ``billing`` : read-only mode keeps these open, so a company can pay.
"""

from __future__ import annotations

from importlib.util import find_spec

from django.urls import path


def billing_urls(site) -> list:
    from opsplatform.billing.views import page, stripe_flows

    def bound(view):
        def wrapper(request, *args, **kwargs):
            return view(request, site, *args, **kwargs)

        # admin_view: signed-in members of this company only, CSRF, never cached.
        return site.admin_view(wrapper)

    urls = [
        path("billing/", bound(page.billing), name="billing"),
        path("billing/checkout/", bound(stripe_flows.checkout), name="billing_checkout"),
        path("billing/portal/", bound(stripe_flows.portal), name="billing_portal"),
        path("billing/change/", bound(stripe_flows.change), name="billing_change"),
        path("billing/cancel/", bound(stripe_flows.cancel), name="billing_cancel"),
        path("billing/resume/", bound(stripe_flows.resume), name="billing_resume"),
    ]
    if find_spec("opsplatform.billing.gating") is not None:
        from opsplatform.billing import gating

        urls.append(
            path("billing/upgrade/", site.admin_view(gating.upgrade_page), name="billing_upgrade")
        )
    return urls
