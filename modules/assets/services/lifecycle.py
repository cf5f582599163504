"""Moving an asset through its lifecycle, with the move recorded (who, when, why)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.assets.models import Asset, AssetEvent
from modules.assets.workflow import AssetFlow, TransitionNotAllowed
from opsplatform.refusals import Refused

# The actions a person may take by hand from the asset's page; the others are
# steps of custody, maintenance or disposal and only their services make them.
BY_HAND = ("retire", "reinstate")


def lock(asset: Asset | int) -> Asset:
    """The asset's row, locked for the rest of the transaction (refreshed)."""
    pk = asset.pk if isinstance(asset, Asset) else asset
    return Asset.objects.select_for_update().select_related("category").get(pk=pk)


def move(asset: Asset, action: str, *, by=None, reason: str = "") -> Asset:
    """Make ``action`` (a transition of workflow.AssetFlow) on the locked ``asset``.

    The caller holds the asset's lock (``lock()``) inside its transaction. A move
    the asset's status does not allow is refused with a message naming both.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move() must run inside the write's transaction.")
    flow = AssetFlow(asset)
    transition = getattr(flow, "return_" if action == "return" else action, None)
    if transition is None:
        raise ValueError(f"No asset transition {action!r}.")
    before = asset.status
    try:
        transition()
    except TransitionNotAllowed:
        raise Refused(
            _("%(asset)s is %(status)s: it cannot be %(action)s.")
            % {
                "asset": asset.tag,
                "status": asset.get_status_display().lower(),
                "action": ACTION_PAST[action],
            }
        ) from None
    asset.save(update_fields=["status", "updated_at"])
    AssetEvent.objects.create(
        asset=asset, action=action, from_status=before, to_status=asset.status, reason=reason, by=by
    )
    return asset


@transaction.atomic
def move_by_hand(*, asset: Asset, action: str, by, reason: str) -> Asset:
    """Retire or reinstate from the asset's page: a reason is required."""
    if action not in BY_HAND:
        raise Refused(_("This move is made from custody, maintenance or disposal."))
    if not reason.strip():
        raise Refused({"reason": _("Say why.")})
    return move(lock(asset), action, by=by, reason=reason.strip())


ACTION_PAST = {
    "assign": gettext_lazy("assigned"),
    "transfer": gettext_lazy("transferred"),
    "return": gettext_lazy("returned"),
    "send_to_repair": gettext_lazy("sent to repair"),
    "back_from_repair": gettext_lazy("brought back from repair"),
    "retire": gettext_lazy("retired"),
    "reinstate": gettext_lazy("reinstated"),
    "dispose": gettext_lazy("disposed of"),
}
