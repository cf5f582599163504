"""Feature gating: which plan feature an address, a sidebar item or a live topic
needs, and the upgrade page a locked one answers (docs/billing.md, "Feature gating").

Everything is found from the declarations (opsplatform.contract.registry), never
from a list kept here:

- a module's ``Module.feature`` gates every workspace address under its app label
  (``/admin/<app_label>/...``: its lists, forms, actions, exports, imports and the
  pages its ModelAdmins mount), the choice searches of its models, its private
  files, its sidebar items and its live topics;
- an extra flag (``Module.features``) gates the URL names it lists
  (``Feature.urls``) and the sidebar items that name it (``SidebarItem.feature``).
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from opsplatform.contract import features as contract_features
from opsplatform.contract.declarations import Feature, Module, SidebarItem
from opsplatform.contract.registry import (
    installed_modules,
    module_needs,
    plan_features,
)

UPGRADE_STATUS = 402  # Payment Required: the address exists, the plan does not reach it


def feature_of(code: str) -> Feature:
    """The declared feature ``code`` (a bare one for a code no module declares)."""
    return next((f for f in plan_features() if f.code == code), None) or Feature(code, code)


def _url_features() -> dict[str, str]:
    """URL name -> the extra feature it needs, from every module's declarations."""
    found: dict[str, str] = {}
    for module in installed_modules():
        for feature in module.features:
            for name in feature.urls:
                found[name] = feature.code
        for item in module.items:
            if item.feature:
                found.setdefault(item.url, item.feature)
    return found


def first_locked(tenant, codes) -> Feature | None:
    """The first of ``codes`` the company's plan lacks, or None."""
    for code in codes:
        if code and not contract_features.feature_enabled(tenant, code):
            return feature_of(code)
    return None


def module_lock(module: Module | None, tenant) -> Feature | None:
    """The first feature ``module`` needs that the plan lacks: its own, or that of a
    module it requires (``registry.module_needs``), since it cannot work without it."""
    if module is None or tenant is None:
        return None
    return first_locked(tenant, module_needs(module))


def item_lock(module: Module, item: SidebarItem, tenant) -> Feature | None:
    """Why a sidebar item is locked for ``tenant``: its module's feature, or its own."""
    if tenant is None:
        return None
    return module_lock(module, tenant) or first_locked(tenant, [item.feature])


def topic_lock(tenant, code: str) -> Feature | None:
    """The feature that the module declaring live topic ``code`` lacks, if any."""
    module = next(
        (m for m in installed_modules() if any(t.code == code for t in m.live_topics)), None
    )
    return module_lock(module, tenant)


# -- which modules a request reaches --------------------------------------------------


def _module_named(label: str | None) -> Module | None:
    return next((m for m in installed_modules() if m.name == label), None) if label else None


def _admin_app_label(request, match) -> str | None:
    """The app label of a workspace admin address: Django mounts each ModelAdmin (and
    every page it adds in ``get_urls``) under ``<admin root>/<app_label>/<model>/``."""
    if "admin" not in match.namespaces:
        return None
    try:
        root = reverse("admin:index")
    except NoReverseMatch:
        return None
    if not request.path_info.startswith(root):
        return None
    first = request.path_info[len(root) :].split("/", 1)[0]
    return first if first in {config.label for config in apps.get_app_configs()} else None


def _autocomplete_labels(request) -> list[str]:
    """A choice search names its source field; both ends' modules must be reachable."""
    label, model_name = request.GET.get("app_label"), request.GET.get("model_name")
    if not label or not model_name:
        return []
    try:
        model = apps.get_model(label, model_name)
        field = model._meta.get_field(request.GET.get("field_name", ""))
    except (LookupError, FieldDoesNotExist):  # Django's view answers the bad request
        return [label]
    related = getattr(field, "related_model", None)
    return [label] + ([related._meta.app_label] if related is not None else [])


def request_app_labels(request) -> list[str]:
    match = request.resolver_match
    if match is None:
        return []
    labels = []
    if isinstance(match.kwargs.get("app_label"), str):  # an app's index, a private file
        labels.append(match.kwargs["app_label"])
    found = _admin_app_label(request, match)
    if found:
        labels.append(found)
    if match.url_name == "autocomplete" and "admin" in match.namespaces:
        labels.extend(_autocomplete_labels(request))
    return labels


def request_modules(request) -> list[Module]:
    """The declared modules whose addresses this request reaches."""
    return [m for m in map(_module_named, request_app_labels(request)) if m is not None]


def request_needs(request) -> tuple[str, ...]:
    """Every plan feature this request needs: each of its modules' (with the modules
    they require, ``registry.module_needs``), then its URL name's extra flag."""
    match = request.resolver_match
    codes = [code for module in request_modules(request) for code in module_needs(module)]
    if match is not None:
        codes.append(_url_features().get(match.view_name, ""))
    return tuple(code for code in dict.fromkeys(codes) if code)


def request_lock(request) -> Feature | None:
    """The plan feature this workspace request needs and the company lacks, if any."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or request.resolver_match is None:
        return None
    return first_locked(tenant, request_needs(request))


# -- the upgrade page ------------------------------------------------------------------


def sees_billing(request) -> bool:
    from opsplatform.billing.rules import sees_billing as rule

    return rule(request)


def _query(code: str, module: str = "") -> str:
    pairs = {key: value for key, value in (("feature", code), ("module", module)) if value}
    return f"?{urlencode(pairs)}" if pairs else ""


def billing_url(request, code: str = "", module: str = "") -> str | None:
    """The billing page's upgrade address (or the billing page), for owners and finance.
    ``module`` names the module a locked sidebar item is of, so that the upgrade page
    offers a plan with everything that module needs, not only the missing ``code``."""
    for name in ("admin:billing_upgrade", "admin:billing"):
        try:
            return reverse(name) + _query(code, module)
        except NoReverseMatch:
            continue
    return None


def billing_page_url(code: str) -> str | None:
    """The billing page, with the feature asked about marked on it."""
    try:
        return reverse("admin:billing") + f"?feature={code}"
    except NoReverseMatch:
        return None


def _asked_modules(request) -> list[Module]:
    """The modules the upgrade page is about: the request's own (a locked address),
    or the one the upgrade address names (``?module=``, from a locked sidebar item)."""
    asked = _module_named(request.GET.get("module"))
    return request_modules(request) + ([asked] if asked is not None else [])


def upgrade_context(request, feature: Feature) -> dict:
    from opsplatform.billing.selectors import plan_with_feature

    modules = _asked_modules(request)
    needs = [*request_needs(request), *(code for m in modules for code in module_needs(m))]
    # The plan to offer has all the module needs, not only the feature it lacks
    # first: a plan with approvals but not projects would not open projects.
    plan = plan_with_feature(feature.code, also=needs)
    # Locked by a module it requires (projects without approvals): say so.
    needed_by = next(
        (
            m
            for m in modules
            if feature.code in module_needs(m)
            and (m.feature is None or m.feature.code != feature.code)
        ),
        None,
    )
    may_pay = sees_billing(request)
    if plan is None:
        offer = _("No plan we offer includes it yet; contact us to add it.")
    else:
        offer = _("The %(plan)s plan includes it.") % {"plan": plan.name}
    if needed_by is None:
        headline = _("%(feature)s is not in your company's plan") % {"feature": feature.label}
    else:
        headline = _("%(module)s needs %(feature)s, which is not in your company's plan") % {
            "module": needed_by.label,
            "feature": feature.label,
        }
    return {
        "feature": feature,
        "plan": plan,
        "needed_by": needed_by,
        "headline": headline,
        "offer": offer,
        # The billing page itself (the sidebar's lock leads here, to this page).
        "billing_url": billing_page_url(feature.code) if may_pay else None,
        "ask_owner": not may_pay,
    }


def wants_json(request) -> bool:
    """A script's request (a board move, a live count, a choice search), not a page."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return True
    if request.content_type == "application/json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def upgrade_response(request, feature: Feature, status: int = UPGRADE_STATUS):
    """The answer of a locked address: a page, or JSON for a script; both 402."""
    context = upgrade_context(request, feature)
    if wants_json(request):
        plan = context["plan"]
        return JsonResponse(
            {
                "ok": False,
                "error": "feature_locked",
                "feature": feature.code,
                "message": f"{context['headline']}. {context['offer']}",
                "plan": plan.code if plan else None,
                "upgrade_url": context["billing_url"],
            },
            status=status,
        )
    from opsplatform.admin.sites import tenant_site

    return TemplateResponse(
        request,
        "billing/upgrade.html",
        {**tenant_site.each_context(request), "title": context["headline"], **context},
        status=status,
    )


def upgrade_page(request):
    """``?feature=code``: what a feature needs (a view the billing pages may mount as
    ``admin:billing_upgrade``; it answers 200, being asked for)."""
    return upgrade_response(request, feature_of(request.GET.get("feature", "")), status=200)


# -- the sidebar -----------------------------------------------------------------------


def locked_entry(entry: dict, feature: Feature, request, module: Module | None = None) -> dict:
    """A sidebar entry shown locked: greyed, a lock, linking to the upgrade page
    (owners and finance) or to its own address, which answers the upgrade page.
    ``module`` is the item's, named on the upgrade address (see ``billing_url``)."""
    locked = {k: v for k, v in entry.items() if k not in ("badge", "badge_class")}
    upgrade = billing_url(request, feature.code, module.name if module else "")
    locked["link"] = (upgrade if sees_billing(request) else None) or entry["link"]
    locked["title"] = format_html(
        '<span class="opacity-50" data-locked-feature="{}">{}</span>', feature.code, entry["title"]
    )
    locked["icon_template"] = "billing/locked_icon.html"
    locked["link_attrs"] = {
        "title": _("Not in your plan: %(feature)s") % {"feature": feature.label},
        "data-locked": feature.code,
    }
    locked["locked_feature"] = feature.code
    return locked
