"""One discovery pass over the installed apps, and what the kernel reads from it.

At start-up every installed app with a ``module.py`` (its ``MODULE``
declaration, declarations.py) is read in ``INSTALLED_APPS`` order, before the
models load (``OpsPlatformConfig.import_models``), and once the apps are ready
(``OpsPlatformConfig.ready``) these submodules of it are imported once if they
exist (third-party apps are never asked: their ``handlers`` are their own):

- ``notifications``: the notification types it registers;
- ``outbox``: the outbox handlers it registers (the web process emits, the worker delivers);
- ``handlers``: its receivers of other parts' signals.

Everything the kernel composes (sidebar, dashboard cards, scripts, demo
seeders, plan features and limits, activity kinds) comes from the declarations,
so the kernel names no module.
"""

from __future__ import annotations

import re
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from opsplatform.contract.declarations import (
    SITES,
    ActivityKind,
    Feature,
    Limit,
    LiveTopic,
    Module,
    RecordLink,
    RetiredAuditTable,
    resolve,
)

SUBMODULES = ("notifications", "outbox", "handlers")

_declarations: list[Module] | None = None
_discovered = False


def _submodule(app_name: str, name: str):
    dotted = f"{app_name}.{name}"
    try:
        found = find_spec(dotted)
    except ModuleNotFoundError:
        found = None
    return import_module(dotted) if found is not None else None


def declarations() -> list[Module]:
    """Every installed app's ``MODULE``, in app order, checked once.

    Called before any app's models are imported (``OpsPlatformConfig.import_models``),
    so that a module whose requirement is missing fails with a clear message
    rather than with the import error of a model it cannot find. So ``module.py``
    imports no models at its top.
    """
    global _declarations
    if _declarations is not None:
        return _declarations
    found: list[Module] = []
    for config in apps.get_app_configs():
        declaration = _submodule(config.name, "module")
        if declaration is None:
            continue
        module = getattr(declaration, "MODULE", None)
        if not isinstance(module, Module):
            raise ImproperlyConfigured(f"{config.name}.module must define MODULE = Module(...)")
        found.append(_checked(module, config))
    _check_requirements(found)
    _declarations = found
    return found


def discover() -> list[Module]:
    """The declarations, with each declaring app's notifications, outbox handlers
    and signal receivers imported once (``OpsPlatformConfig.ready``)."""
    global _discovered
    found = declarations()
    if not _discovered:
        for module in found:
            for name in SUBMODULES:
                _submodule(module.app, name)
        _discovered = True
    return found


def _checked(module: Module, config) -> Module:
    if module.name != config.label:
        raise ImproperlyConfigured(
            f"{config.name}.module declares name {module.name!r}; it must be the app label "
            f"{config.label!r}."
        )
    for part in (*module.groups, *module.items):
        if part.site not in SITES:
            raise ImproperlyConfigured(f"{module.name}: unknown site {part.site!r} in {part}")
    for retired in module.retired_audit_tables:
        # These names are written into SQL (policies, grants, the chain's walk).
        names = (retired.table, retired.pk_column, retired.time_column or "_")
        if not all(re.fullmatch(r"[a-z_][a-z0-9_]*", name) for name in names):
            raise ImproperlyConfigured(
                f"{module.name}: not a plain table or column name in {retired}"
            )
    for topic in module.live_topics:
        # The code is part of a channel group name: keep it plain.
        if not re.fullmatch(r"[a-z][a-z0-9_]*", topic.code):
            raise ImproperlyConfigured(f"{module.name}: not a plain live topic code in {topic}")
    object.__setattr__(module, "app", config.name)
    return module


def _check_requirements(found: list[Module]) -> None:
    labels = {config.label for config in apps.get_app_configs()}
    for module in found:
        missing = [name for name in module.requires if name not in labels]
        if missing:
            raise ImproperlyConfigured(
                f"{module.app} requires {', '.join(missing)}, which is not installed: add it to "
                f"MODULES (settings) or remove {module.app} too."
            )
    groups = {(group.site, group.key) for module in found for group in module.groups}
    for module in found:
        for item in module.items:
            if (item.site, item.group) not in groups:
                raise ImproperlyConfigured(
                    f"{module.name}: sidebar item {item.url!r} is in group {item.group!r}, "
                    "which no installed module declares (declare it, or require its module)."
                )


def installed_modules() -> list[Module]:
    """Every declaration, in ``INSTALLED_APPS`` order."""
    return discover()


def get_module(name: str) -> Module | None:
    return next((m for m in discover() if m.name == name), None)


def scripts() -> list[str]:
    return [path for module in discover() for path in module.scripts]


def styles() -> list[str]:
    return [path for module in discover() for path in module.styles]


def demo_seeders() -> list:
    """``(module, seeder)`` for every module with demo data, in app order."""
    return [(module, resolve(module.demo)) for module in discover() if module.demo]


def plan_features() -> list[Feature]:
    """Every feature a plan can switch on: each module's own, then its extra flags."""
    return [
        feature
        for module in discover()
        for feature in ((module.feature,) if module.feature else ()) + module.features
    ]


def required_modules(module: Module | str) -> list[Module]:
    """Every installed module ``module`` cannot work without: the ones it names in
    ``requires``, theirs, and so on (never itself), in ``INSTALLED_APPS`` order."""
    by_name = {m.name: m for m in discover()}
    start = by_name.get(module) if isinstance(module, str) else module
    seen: set[str] = set()
    waiting = list(start.requires) if start is not None else []
    while waiting:
        name = waiting.pop()
        if name in seen or name not in by_name:  # a cycle; or not installed (refused at start)
            continue
        seen.add(name)
        waiting.extend(by_name[name].requires)
    own = start.name if start is not None else None
    return [m for m in by_name.values() if m.name in seen and m.name != own]


def module_needs(module: Module | str) -> tuple[str, ...]:
    """The plan features a module needs to work: its own, then each required
    module's (``required_modules``). A module without one needs none of its own."""
    found = get_module(module) if isinstance(module, str) else module
    if found is None:
        return ()
    codes = [m.feature.code for m in (found, *required_modules(found)) if m.feature]
    return tuple(dict.fromkeys(codes))


def feature_needs(code: str) -> tuple[str, ...]:
    """Every feature a plan needs for feature ``code`` to be of use: ``code``, then
    the needs of the module declaring it (for an extra flag, the module's own
    feature too). A code no module declares needs only itself."""
    module = next(
        (
            m
            for m in discover()
            if code in {f.code for f in ((m.feature,) if m.feature else ()) + m.features}
        ),
        None,
    )
    needed = (code, *(module_needs(module) if module is not None else ()))
    return tuple(dict.fromkeys(needed))


def plan_limits() -> list[Limit]:
    return [limit for module in discover() for limit in module.limits]


def limit_usage(tenant) -> dict[str, int]:
    """Each limit's current use by ``tenant``, counted in its context (for billing)."""
    from opsplatform.tenancy import tenant_context

    with tenant_context(tenant):
        return {limit.code: int(resolve(limit.count)(tenant)) for limit in plan_limits()}


def activity_kinds() -> list[ActivityKind]:
    return [kind for module in discover() for kind in module.activity]


def record_links(model_label: str) -> list[RecordLink]:
    """Every installed module's links on the record pages of ``model_label``."""
    return [
        link for module in discover() for link in module.record_links if link.model == model_label
    ]


def live_topics() -> dict[str, LiveTopic]:
    """Every installed module's live topics, by code (a code declared twice is an error)."""
    found: dict[str, LiveTopic] = {}
    for module in discover():
        for topic in module.live_topics:
            if topic.code in found:
                raise ImproperlyConfigured(f"{module.name}: live topic {topic.code!r} is taken")
            found[topic.code] = topic
    return found


def live_topic(code: str) -> LiveTopic | None:
    return live_topics().get(code)


def retired_audit_tables() -> list[RetiredAuditTable]:
    """Audit tables no model writes any more, kept in the chain (docs/audit.md).

    Read from the declarations only (no discovery): the policy and chain
    installers call this during ``migrate``.
    """
    return sorted(
        (retired for module in declarations() for retired in module.retired_audit_tables),
        key=lambda retired: retired.table,
    )


def forget() -> None:
    """Tests that install declarations of their own call this to read them again."""
    global _declarations
    _declarations = None
