"""What the assets module shows on other parts' pages (declared in module.py):
an employee's assets, as a link on their page and as the list of what a leaver
still holds on the termination page."""

from __future__ import annotations

from django.urls import reverse

from modules.assets.selectors.custody import held_by as _held_by


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
