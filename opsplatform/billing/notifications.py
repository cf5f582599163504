"""The notices billing sends a company's owners (docs/notifications.md).

Both come from Stripe's webhooks, each event processed once, so each failure
or trial end is told once, in-app and by email (the owner can turn a channel
off on the settings page).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import NotificationType, register

MODULE = _("Billing")

PAYMENT_FAILED = "billing.payment_failed"
TRIAL_ENDING = "billing.trial_ending"

register(
    NotificationType(
        code=PAYMENT_FAILED,
        module=MODULE,
        label=_("A payment for our plan failed"),
        title=_("Payment of %(amount)s for %(company)s failed"),
        body=_(
            "Pay the invoice at %(pay_url)s, or update the card in the customer portal "
            "from the billing page, before %(grace_until)s. After that date the company "
            "becomes read-only until it is paid: nothing is deleted."
        ),
    ),
    NotificationType(
        code=TRIAL_ENDING,
        module=MODULE,
        label=_("Our trial is about to end"),
        title=_("The %(plan)s trial of %(company)s ends on %(date)s"),
        body=_("Subscribe from the billing page to keep every feature of the plan."),
    ),
)


def billing_page_url() -> str:
    """The owner's billing page (admin:billing), or the admin's home before it exists."""
    try:
        return reverse("admin:billing", urlconf="opsplatform.urls.tenant")
    except NoReverseMatch:
        return reverse("admin:index", urlconf="opsplatform.urls.tenant")


def _owners(tenant) -> list:
    from tenants.models import Membership
    from tenants.roles import RoleCode

    memberships = Membership.objects.filter(
        status=Membership.Status.ACTIVE, role_grants__role=RoleCode.OWNER
    ).select_related("user")
    return [membership.user for membership in memberships]


def _tell_owners(tenant, type_code: str, context: dict, url: str = "") -> None:
    from opsplatform.notifications.services import notify
    from opsplatform.tenancy import tenant_context

    with tenant_context(tenant):
        notify(
            recipients=_owners(tenant),
            type=type_code,
            context={"company": tenant.name, **context},
            url=url or billing_page_url(),
        )


def tell_owners_payment_failed(tenant, subscription, invoice) -> None:
    from tenants.links import tenant_url

    _tell_owners(
        tenant,
        PAYMENT_FAILED,
        {
            "amount": f"{invoice.currency} {invoice.amount_due}",
            # Absolute: the body is read in an email too.
            "pay_url": invoice.hosted_url or tenant_url(tenant, billing_page_url()),
            "grace_until": date_format(subscription.grace_until, "DATE_FORMAT"),
        },
    )


def tell_owners_trial_ends(tenant, subscription) -> None:
    _tell_owners(
        tenant,
        TRIAL_ENDING,
        {
            "plan": subscription.plan.name,
            "date": date_format(subscription.trial_ends_at, "DATE_FORMAT"),
        },
    )
