"""Billing in the product: the owner's billing page, and plans, subscriptions,
webhook events and the billing overview for platform staff (docs/billing.md)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import LANDLORD, Module, SidebarGroup, SidebarItem

MODULE = Module(
    name="billing",
    label=_("Billing"),
    groups=(SidebarGroup(key="billing", title=_("Billing"), order=20, site=LANDLORD),),
    items=(
        SidebarItem(
            group="workspace",
            title=_("Billing"),
            icon="credit_card",
            url="admin:billing",
            order=40,
            # Owners and finance only (opsplatform/billing/rules.py).
            check="opsplatform.billing.rules.sees_billing",
        ),
        SidebarItem(
            group="billing",
            title=_("Overview"),
            icon="monitoring",
            url="admin:billing_overview",
            order=10,
            site=LANDLORD,
        ),
        SidebarItem(
            group="billing",
            title=_("Plans"),
            icon="sell",
            url="admin:billing_plan_changelist",
            order=20,
            site=LANDLORD,
        ),
        SidebarItem(
            group="billing",
            title=_("Subscriptions"),
            icon="autorenew",
            url="admin:billing_subscription_changelist",
            order=30,
            site=LANDLORD,
        ),
        SidebarItem(
            group="billing",
            title=_("Webhook events"),
            icon="webhook",
            url="admin:billing_webhookevent_changelist",
            order=40,
            site=LANDLORD,
        ),
    ),
)
