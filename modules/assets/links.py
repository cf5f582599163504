"""Links assets adds to other parts' record pages (declared in module.py): an asset
request's page links to the assets handed out for it, without the approvals
engine naming the assets module."""

from __future__ import annotations

from django.urls import reverse


def request_assets_url(approval) -> str | None:
    """The asset handed out for the request, or the register filtered to them when
    several were; None (no link) for another kind of request or before fulfilment."""
    if approval.kind != "asset":
        return None
    from modules.assets.models import Asset

    pks = list(Asset.objects.filter(request=approval).values_list("pk", flat=True)[:2])
    if not pks:
        return None
    if len(pks) == 1:
        return reverse("admin:assets_asset_change", args=[pks[0]])
    return reverse("admin:assets_asset_changelist") + f"?request__id__exact={approval.pk}"


def may_see_request_assets(request, approval) -> bool:
    return approval.kind == "asset" and request.user.has_perm("assets.view_asset")
