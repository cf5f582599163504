"""Sidebars, composed from what each installed part declares in its ``module.py``
(opsplatform/contract, docs/modules.md). Each item carries a permission
callback, so a member sees only what their roles open to them; a module whose
plan feature is off for the company shows nothing."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from opsplatform.contract.declarations import LANDLORD, TENANT, SidebarItem, dotted_path, resolve
from opsplatform.contract.features import module_enabled
from opsplatform.contract.registry import installed_modules


def _url(name: str) -> str | None:
    """The item's address on this site, or None (unfold then leaves the item out)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _perm(codename: str):
    def check(request) -> bool:
        return request.user.has_perm(codename)

    return check


def _entry(item: SidebarItem) -> dict:
    entry = {"title": item.title, "icon": item.icon, "link": _url(item.url)}
    if item.permission:
        entry["permission"] = _perm(item.permission)
    elif item.check is not None:
        entry["permission"] = resolve(item.check)
    if item.badge is not None:
        entry["badge"] = dotted_path(item.badge)
    if item.badge_class:
        entry["badge_class"] = item.badge_class
    return entry


def compose(site: str, request) -> list[dict]:
    """The sidebar of ``site`` for this request: groups and items in their declared order."""
    tenant = getattr(request, "tenant", None)
    modules = [m for m in installed_modules() if module_enabled(m, tenant)]
    groups = sorted(
        (g for m in installed_modules() for g in m.groups if g.site == site),
        key=lambda g: g.order,
    )
    items = sorted(
        (i for m in modules for i in m.items if i.site == site),
        key=lambda i: i.order,
    )
    navigation = []
    for group in groups:
        # An item whose page is not mounted (its URL does not resolve) is left
        # out here rather than by unfold, so a group of only such items goes too.
        entries = [
            entry
            for entry in (_entry(item) for item in items if item.group == group.key)
            if entry["link"] is not None
        ]
        if not entries:
            continue
        entry = {"title": group.title, "items": entries}
        if group.collapsible is not None:
            entry["collapsible"] = group.collapsible
        navigation.append(entry)
    return navigation


def tenant_navigation(request) -> list[dict]:
    return compose(TENANT, request)


def landlord_navigation(request) -> list[dict]:
    return compose(LANDLORD, request)
