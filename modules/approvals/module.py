"""What the approvals module adds to the product (docs/modules.md)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import (
    ActivityKind,
    Feature,
    Limit,
    Module,
    RetiredAuditTable,
    SidebarGroup,
    SidebarItem,
)


def approval_routes(tenant) -> int:
    """Routes the company has customised (called in its context).

    Every kind always has a route: its default chain, made on first use
    (services/routes.py). Those are not counted, only the ones changed since.
    """
    from modules.approvals.models import Route

    return Route.objects.filter(is_default=False).count()


def is_custom_route(route) -> bool:
    """A new route counts unless it is a kind's default chain."""
    return not route.is_default


def _item(title, icon: str, url: str, order: int, permission: str, **extra) -> SidebarItem:
    return SidebarItem(
        group="approvals",
        title=title,
        icon=icon,
        url=url,
        order=order,
        permission=permission,
        **extra,
    )


MODULE = Module(
    name="approvals",
    label=_("Approvals"),
    # Requests record the requester's employee and department, and routes follow
    # line managers and department heads.
    requires=("employees",),
    groups=(SidebarGroup(key="approvals", title=_("Approvals"), order=30, collapsible=False),),
    items=(
        _item(
            _("Inbox"),
            "inbox",
            "admin:approvals_inbox",
            10,
            "approvals.decide_request",
            badge="modules.approvals.views.inbox_badge",
            badge_class="approvals-inbox-badge",
        ),
        _item(
            _("Requests"),
            "request_quote",
            "admin:approvals_approvalrequest_changelist",
            20,
            "approvals.view_approvalrequest",
        ),
        _item(
            _("New request"),
            "add_circle",
            "admin:approvals_approvalrequest_add",
            30,
            "approvals.add_approvalrequest",
        ),
        _item(
            _("Deputies"),
            "supervisor_account",
            "admin:approvals_delegation_changelist",
            40,
            "approvals.view_delegation",
        ),
        _item(
            _("Approval routes"),
            "route",
            "admin:approvals_route_changelist",
            50,
            "approvals.change_route",
        ),
    ),
    cards=("modules.approvals.dashboard.approval_cards",),
    # The inbox count in the sidebar follows the live channel.
    scripts=("approvals/inbox_badge.js",),
    demo="modules.approvals.demo.seed",
    feature=Feature(code="approvals", label=_("Approvals")),
    # Customised routes only: a default route never counts, so a request is
    # never refused for its route. Turning a default route into a custom one
    # is an edit, checked by the route admin itself (admin.py); a reset to the
    # default frees the place (docs/billing.md, "Limits").
    limits=(
        Limit(
            code="approvals.routes",
            label=_("Custom approval routes"),
            count=approval_routes,
            consumed_by=("approvals.Route",),
            consumes=is_custom_route,
        ),
    ),
    activity=(
        ActivityKind(code="approvals.submitted", label=_("A request was submitted")),
        ActivityKind(code="approvals.approved", label=_("A gate approved a request")),
        ActivityKind(code="approvals.returned", label=_("A request was returned for rework")),
        ActivityKind(code="approvals.rejected", label=_("A request was rejected")),
        ActivityKind(code="approvals.completed", label=_("A request was completed")),
        ActivityKind(code="approvals.cancelled", label=_("A request was cancelled")),
    ),
    # The gate log's history, written until migration 0005: the gate log is its
    # own audit, but these rows are links of every company's audit chain.
    # The asset kind's history, written until migration 0007, when the kind moved
    # to the assets module (modules/assets/models/requests.py).
    retired_audit_tables=(
        RetiredAuditTable(table="approvals_historicalgatelog"),
        RetiredAuditTable(table="approvals_historicalassetdetails"),
    ),
)
