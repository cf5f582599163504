"""An asset's life as a ``viewflow.fsm`` state machine.

    in stock → assigned → (returned) in stock → in repair → in stock … → retired → disposed

The services (services/lifecycle.py) call these transitions inside a transaction
that holds the asset's row lock; a move that makes no sense raises
``TransitionNotAllowed`` and the service refuses it with a message.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow.fsm import State, TransitionNotAllowed

from modules.assets.models import Asset, AssetStatus

__all__ = ["AssetFlow", "TransitionNotAllowed"]

S = AssetStatus


class AssetFlow:
    status = State(AssetStatus, default=AssetStatus.IN_STOCK)

    def __init__(self, asset: Asset):
        self.asset = asset

    @status.setter()
    def _set_status(self, value):
        self.asset.status = value

    @status.getter()
    def _get_status(self):
        return self.asset.status

    @status.transition(source=S.IN_STOCK, target=S.ASSIGNED, label=_("Assign"))
    def assign(self):
        """Handed to an employee or a department (services/custody.py)."""

    @status.transition(source=S.ASSIGNED, target=S.ASSIGNED, label=_("Transfer"))
    def transfer(self):
        """From one holder to the next in one step."""

    @status.transition(source=S.ASSIGNED, target=S.IN_STOCK, label=_("Return"))
    def return_(self):
        """Back from its holder."""

    @status.transition(source=S.IN_STOCK, target=S.IN_REPAIR, label=_("Send to repair"))
    def send_to_repair(self):
        """A work order started (services/maintenance.py). An assigned asset is
        returned first, in the same step."""

    @status.transition(source=S.IN_REPAIR, target=S.IN_STOCK, label=_("Back from repair"))
    def back_from_repair(self):
        """The work order finished."""

    @status.transition(source=S.IN_STOCK, target=S.RETIRED, label=_("Retire"))
    def retire(self):
        """Out of service for good; it still depreciates until disposed."""

    @status.transition(source=S.RETIRED, target=S.IN_STOCK, label=_("Reinstate"))
    def reinstate(self):
        """Retired by mistake, or back in use."""

    @status.transition(source=[S.IN_STOCK, S.RETIRED], target=S.DISPOSED, label=_("Dispose"))
    def dispose(self):
        """Sold or scrapped (services/disposal.py); the end of its life."""
