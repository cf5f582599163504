"""Read-only mode: a company past due beyond its grace period reads everything
and writes nothing (docs/billing.md, "Read-only mode").

Every page still shows its data and every export still works; any other write on
the workspace site is refused with a page that says why and how to pay. What
stays open is named here by URL name (the kernel's own pages only) or by shape:
signing in and out, passwords and second factors, the billing pages, marking
notifications read and one's notification settings, switching language or
company, and exports.
"""

from __future__ import annotations

from django.contrib.messages import constants
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
READ_ONLY_STATUS = 403

# Writes that are a person's own, not the company's data.
ALLOWED = frozenset(
    {
        "admin:login",
        "admin:logout",
        "admin:password_change",
        "admin:password_change_done",
        "admin:admin_password_reset",
        "admin:password_reset_done",
        "admin:password_reset_confirm",
        "admin:password_reset_complete",
        "admin:two_factor_verify",
        "admin:two_factor_setup",
        "admin:account_security",
        "admin:notifications_notification_read",
        "admin:notifications_notification_read_all",
        "admin:notifications_notification_open",
        "admin:notifications_settings",
        "language-switch",
        "tenant-switch",
        "tenant-handoff",
        "tenant-handoff-confirm",
    }
)


def allowed(request) -> bool:
    """Whether this write stays open while the company is read-only."""
    match = request.resolver_match
    if match is None:
        return False
    name = match.view_name
    if name in ALLOWED:
        return True
    if "admin" in match.namespaces:
        # The billing pages (to pay) and every export (import-export posts its form).
        url_name = match.url_name or ""
        return url_name.startswith("billing") or url_name.endswith("_export")
    return False


def refuses(request) -> bool:
    from opsplatform.billing.entitlements import is_read_only

    tenant = getattr(request, "tenant", None)
    return (
        tenant is not None
        and request.method not in SAFE_METHODS
        and is_read_only(tenant)
        and not allowed(request)
    )


def _dates(tenant) -> dict:
    """Since when an invoice is unpaid, and since when the company is read-only."""
    from opsplatform.billing.models import Invoice
    from opsplatform.billing.selectors import subscription_of

    subscription = subscription_of(tenant)
    grace = subscription.grace_until if subscription else None
    unpaid = (
        Invoice.objects.filter(tenant_id=tenant.pk, status="open")
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return {"unpaid_since": unpaid, "read_only_since": grace}


def context(request) -> dict:
    from opsplatform.billing.gating import billing_url, sees_billing

    dates = _dates(request.tenant)
    since = dates["unpaid_since"] or dates["read_only_since"]
    if since is not None:
        why = _(
            "An invoice has been unpaid since %(date)s and the grace period is over, so "
            "your company is read-only: you can see and export everything, but nothing "
            "can be created, changed or deleted."
        ) % {"date": date_format(since, "DATE_FORMAT")}
    else:
        why = _(
            "An invoice is unpaid and the grace period is over, so your company is "
            "read-only: you can see and export everything, but nothing can be created, "
            "changed or deleted."
        )
    may_pay = sees_billing(request)
    return {
        **dates,
        "why": why,
        "billing_url": billing_url(request) if may_pay else None,
        "ask_owner": not may_pay,
    }


def refusal(request):
    """The answer to a refused write: a page, or JSON for a script; both 403."""
    from opsplatform.billing.gating import wants_json

    found = context(request)
    if wants_json(request):
        return JsonResponse(
            {
                "ok": False,
                "error": "read_only",
                "message": found["why"],
                "billing_url": found["billing_url"],
            },
            status=READ_ONLY_STATUS,
        )
    from opsplatform.admin.sites import tenant_site

    return TemplateResponse(
        request,
        "billing/read_only.html",
        {
            **tenant_site.each_context(request),
            "title": _("Your company is read-only"),
            **found,
        },
        status=READ_ONLY_STATUS,
    )


# -- the banner on every page ----------------------------------------------------------


class _Banner:
    """Shown with the page's messages (unfold's message list), first."""

    level = constants.WARNING
    level_tag = tags = "warning"
    extra_tags = "billing-read-only"

    def __init__(self, html: str):
        self.message = html

    def __str__(self):
        return self.message


class _WithBanner:
    def __init__(self, banner: _Banner, messages):
        self.banner, self.messages = banner, messages

    def __iter__(self):
        yield self.banner
        yield from self.messages

    def __len__(self):
        return 1 + len(self.messages)

    def __bool__(self):
        return True


def add_banner(request, response):
    """Put the read-only banner above a page's messages (a GET answered with a page)."""
    from django.contrib.messages import get_messages

    if (
        request.method not in SAFE_METHODS
        or getattr(response, "context_data", None) is None
        or response.status_code != 200
        or not request.user.is_authenticated
    ):
        return response
    from opsplatform.billing.entitlements import is_read_only

    tenant = getattr(request, "tenant", None)
    if tenant is None or not is_read_only(tenant):
        return response
    html = render_to_string("billing/read_only_banner.html", context(request), request=request)
    response.context_data["messages"] = _WithBanner(_Banner(html), get_messages(request))
    return response
