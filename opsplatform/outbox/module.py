"""The outbox in the product: undelivered messages, for platform staff (the
outbox's admin lives on the landlord site only)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import LANDLORD, Module, SidebarItem

MODULE = Module(
    name="outbox",
    label=_("Outbox"),
    items=(
        SidebarItem(
            group="platform",
            title=_("Undelivered messages"),
            icon="outbox",
            url="admin:outbox_outboxattention_changelist",
            order=40,
            site=LANDLORD,
        ),
    ),
)
