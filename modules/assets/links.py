"""What the assets module shows on other parts' pages (declared in module.py):
an asset request's page links to the assets handed out for it, an employee's
page to what they hold, and a leaver's termination page lists what they still
hold, without the approvals engine or the employees module naming assets."""

from __future__ import annotations

from django.urls import reverse

from modules.assets.selectors.custody import held_by as _held_by


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


def held_by(employee) -> list[tuple[str, str]]:
    """What ``employee`` still holds: each asset with the page to record its return."""
    return [
        (
            str(assignment.asset),
            reverse("admin:assets_asset_custody_return", args=[assignment.asset_id]),
        )
        for assignment in _held_by(employee)
    ]


def may_see_holdings(request, employee) -> bool:
    # The same rule as the custody screens (rules.py).
    return request.user.has_perm("assets.manage_custody")


def assets_held_url(employee) -> str | None:
    """The custody list narrowed to this person, or no link when they hold nothing."""
    if not _held_by(employee).exists():
        return None
    url = reverse("admin:assets_assignment_changelist")
    return f"{url}?open=yes&employee__id__exact={employee.pk}"
