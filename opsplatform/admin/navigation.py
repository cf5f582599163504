"""Sidebars, composed from what each installed part declares in its ``module.py``
(opsplatform/contract, docs/modules.md). Each item carries a permission
callback, so a member sees only what their roles open to them; a module whose
plan feature is off for the company (or an item whose own feature is) shows
locked: greyed, with a lock, linking to the upgrade page (opsplatform.billing.gating)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from opsplatform.contract.declarations import LANDLORD, TENANT, SidebarItem, dotted_path, resolve
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
    from opsplatform.billing.gating import item_lock, locked_entry

    tenant = getattr(request, "tenant", None)
    groups = sorted(
        (g for m in installed_modules() for g in m.groups if g.site == site),
        key=lambda g: g.order,
    )
    items = sorted(
        ((m, i) for m in installed_modules() for i in m.items if i.site == site),
        key=lambda pair: pair[1].order,
    )

    def entry_of(module, item) -> dict:
        entry = _entry(item)
        locked = item_lock(module, item, tenant) if entry["link"] is not None else None
        return entry if locked is None else locked_entry(entry, locked, request, module)

    navigation = []
    for group in groups:
        # An item whose page is not mounted (its URL does not resolve) is left
        # out here rather than by unfold, so a group of only such items goes too.
        entries = [
            entry
            for entry in (entry_of(m, item) for m, item in items if item.group == group.key)
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
