"""What a part of the product declares about itself (docs/modules.md).

Each installed app may hold a ``module.py`` with one ``MODULE = Module(...)``.
The kernel reads these once at start-up (``opsplatform.contract.registry``) and
composes the sidebar, the dashboard, the scripts, the demo data and the plan's
features from them, so adding or removing a module never edits the kernel.

References to code (a badge, a card, a seeder, a usage count) may be given as
the callable itself or as its dotted path; a dotted path keeps ``module.py``
cheap to import, since it is read while Django starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

TENANT = "tenant"  # a company's workspace
LANDLORD = "landlord"  # the platform staff's admin
SITES = (TENANT, LANDLORD)

Ref = str | Callable


def resolve(ref: Ref) -> Callable:
    """The callable a declaration names (imported on first use when it is a path)."""
    return import_string(ref) if isinstance(ref, str) else ref


def dotted_path(ref: Ref) -> str:
    """The dotted path of a callable (unfold imports sidebar badges by path)."""
    if isinstance(ref, str):
        return ref
    return f"{ref.__module__}.{ref.__qualname__}"


@dataclass(frozen=True)
class SidebarGroup:
    """A heading in the sidebar. ``order`` places it among every module's groups."""

    key: str
    title: str  # lazy
    order: int
    site: str = TENANT
    collapsible: bool | None = None  # None: unfold's default


@dataclass(frozen=True)
class SidebarItem:
    """A link under a group (declared by this module or another one it requires).

    ``permission`` is a permission name (``"employees.view_employee"``); ``check``
    is a callable taking the request, for anything else. With neither, every
    member of the site sees the item. ``badge`` returns the count shown beside it.
    ``feature`` names a plan feature the item needs beyond its module's own (one of
    ``Module.features``): without it the item shows locked and its URL answers the
    upgrade page (docs/billing.md, "Feature gating").
    """

    group: str
    title: str  # lazy
    icon: str  # a Material Symbols name
    url: str  # a URL name on the site ("admin:employees_employee_changelist")
    order: int
    site: str = TENANT
    permission: str = ""
    check: Ref | None = None
    badge: Ref | None = None
    badge_class: str = ""
    feature: str = ""


@dataclass(frozen=True)
class Feature:
    """A plan feature (read by billing): the one that switches a module on
    (``Module.feature``), or an extra one the module gates part of itself by
    (``Module.features``: analytics, API access, custom domains).

    ``urls`` are URL names (``"admin:projects_analytics"``) that need this feature
    besides the module's own addresses, which its ``Module.feature`` gates.
    """

    code: str
    label: str  # lazy
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Limit:
    """Something a plan can cap, and how to count a company's use of it.

    ``count`` takes the tenant and returns an int; the kernel calls it inside
    that tenant's context.

    ``consumed_by`` names the models (labels, ``"employees.Employee"``) whose new
    rows use the limit up: every create of one of them, by a single save or in
    bulk, goes through the kernel's one check (opsplatform/billing/limits.py)
    and is refused as a whole past the cap. ``consumes`` takes a new row and
    says whether it counts (a person imported as already gone does not); without
    it, every new row counts one. A limit without ``consumed_by`` is shown on
    the billing page but never refuses a create.
    """

    code: str
    label: str  # lazy
    count: Ref
    consumed_by: tuple[str, ...] = ()
    consumes: Ref | None = None


@dataclass(frozen=True)
class ActivityKind:
    """An event the module reports to the activity feed (for the dashboard)."""

    code: str
    label: str  # lazy


@dataclass(frozen=True)
class RecordLink:
    """A link a module adds to another part's record page (an employee's leave
    balance, later their assets), so neither module names the other's screens.

    ``model`` is the record's model label (``"employees.Employee"``); ``url``
    takes the record and returns its address, or None for no link; ``check``
    takes the request and the record and says whether this person sees it.
    """

    model: str
    title: str  # lazy
    icon: str  # a Material Symbols name
    url: Ref
    check: Ref | None = None


@dataclass(frozen=True)
class Holding:
    """What a record still holds in another part of the product (a leaver's
    laptop), listed where the record is closed, so nothing is lost silently and
    the part that closes it never names the part that holds.

    ``model`` is the record's model label (``"employees.Employee"``); ``items``
    takes the record and returns ``(label, url)`` pairs, the url where the thing
    is taken back; ``check`` takes the request and the record and says whether
    this person sees the list.
    """

    model: str
    title: str  # lazy
    items: Ref
    check: Ref | None = None


@dataclass(frozen=True)
class LiveTopic:
    """Something a page may follow on the workspace socket beyond its company and
    its person: one project's board, say.

    The page sends ``{"type": "follow", "topic": code, "id": 5}``; the socket asks
    ``check(user, id)`` (called in a worker thread, inside the company's context,
    with the person's roles read afresh) and, when it answers True, joins the
    group ``group_name(tenant_id, code, id)``. The module publishes to that group
    with ``opsplatform.realtime.publish.publish_topic``.
    """

    code: str  # letters, digits and underscores; unique across modules
    check: Ref


@dataclass(frozen=True)
class RetiredAuditTable:
    """An audit table whose model is gone but whose rows stay links in the chain.

    Its rows were chained into each company's audit chain while it was written;
    dropping it would break every chain, so it stays, read-only for everyone:
    ``verify_audit`` still walks it, row-level security still guards it, and the
    application's role may only read it (docs/audit.md, "Retiring an audit
    source"). The defaults fit a simple-history table of a tenant model.
    """

    table: str
    pk_column: str = "history_id"
    time_column: str = "history_date"
    tenant_scoped: bool = True


@dataclass(frozen=True)
class Module:
    """One part of the product, as the kernel sees it.

    ``name`` is the app label. ``requires`` names the app labels this one cannot
    work without; starting without one of them is an ImproperlyConfigured error.
    ``demo`` is called as ``demo(tenant=..., stdout=...)`` inside the tenant's
    context by ``seed_demo``. ``cards`` are dashboard card providers: each takes
    the request and returns a list of cards (dicts with title, value, icon, link).
    ``scripts`` and ``styles`` are static paths added to every workspace page.
    Notification types are the ones the app's ``notifications.py`` registers
    under ``<name>.``. ``retired_audit_tables`` are the module's audit tables that
    are no longer written but stay in the chain (``RetiredAuditTable``).
    ``record_links`` are links it adds to other parts' record pages (``RecordLink``).
    ``holdings`` are what a record of another part still holds here (``Holding``).
    ``live_topics`` are what its pages may follow on the workspace socket (``LiveTopic``).
    ``feature`` switches the whole module on (its addresses, sidebar, cards, topics);
    ``features`` are further flags it gates parts of itself by (``Feature.urls``,
    ``SidebarItem.feature``), or that other code asks ``feature_enabled`` about.
    """

    name: str
    label: str  # lazy
    requires: tuple[str, ...] = ()
    groups: tuple[SidebarGroup, ...] = ()
    items: tuple[SidebarItem, ...] = ()
    cards: tuple[Ref, ...] = ()
    scripts: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    demo: Ref | None = None
    feature: Feature | None = None
    features: tuple[Feature, ...] = ()
    limits: tuple[Limit, ...] = ()
    activity: tuple[ActivityKind, ...] = ()
    retired_audit_tables: tuple[RetiredAuditTable, ...] = ()
    record_links: tuple[RecordLink, ...] = ()
    holdings: tuple[Holding, ...] = ()
    live_topics: tuple[LiveTopic, ...] = ()
    # Set by discovery: the dotted name of the app that declared it.
    app: str = field(default="", compare=False)

    def notification_types(self) -> list:
        from opsplatform.notifications.registry import all_types

        return [t for t in all_types() if t.code.startswith(f"{self.name}.")]
