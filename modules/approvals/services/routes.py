"""Routes: the default chains every company starts with, and the preview of a request's route."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy

from modules.approvals.models import (
    ApprovalRequest,
    ApproverType,
    RequestKind,
    RequestStatus,
    Route,
    RouteGate,
)
from modules.approvals.routing import Directory, resolve_gate
from modules.approvals.services.common import person_name
from opsplatform.tenancy.context import require_current_tenant
from tenants.roles import RoleCode

DEFAULT_CHAINS = {
    # (gate name, approver type, role, only above)
    RequestKind.PURCHASE: [
        (_lazy("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_lazy("Revenue Assurance"), ApproverType.ROLE, RoleCode.REVENUE_ASSURANCE, None),
        (_lazy("CEO"), ApproverType.ROLE, RoleCode.CEO, 10000),
        (_lazy("Owner"), ApproverType.ROLE, RoleCode.OWNER, None),
    ],
    RequestKind.PAYMENT: [
        (_lazy("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_lazy("Revenue Assurance"), ApproverType.ROLE, RoleCode.REVENUE_ASSURANCE, None),
        (_lazy("CEO"), ApproverType.ROLE, RoleCode.CEO, 10000),
        (_lazy("Owner"), ApproverType.ROLE, RoleCode.OWNER, None),
    ],
    RequestKind.VAS: [
        (_lazy("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_lazy("Revenue Assurance"), ApproverType.ROLE, RoleCode.REVENUE_ASSURANCE, None),
    ],
    RequestKind.ASSET: [
        (_lazy("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_lazy("Finance"), ApproverType.ROLE, RoleCode.FINANCE, None),
    ],
    RequestKind.SUBSCRIPTION: [
        (_lazy("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_lazy("Owner"), ApproverType.ROLE, RoleCode.OWNER, None),
    ],
}


@transaction.atomic
def routes_ensure_defaults() -> None:
    """Give every kind of request a route, the company's default chain, if it has none."""
    existing = set(Route.objects.values_list("kind", flat=True))
    if len(existing) < len(RequestKind.choices):
        # Gate names are the company's data: write them in its own language.
        with translation.override(require_current_tenant().default_language):
            _make_default_routes(existing)


def _make_default_routes(existing: set[str]) -> None:
    for kind, label in RequestKind.choices:
        if kind in existing:
            continue
        route = Route.objects.create(kind=kind, name=str(label))
        for position, (name, approver_type, role, above) in enumerate(DEFAULT_CHAINS[kind]):
            RouteGate.objects.create(
                route=route,
                position=position,
                name=str(name),
                approver_type=approver_type,
                role=role,
                min_amount=above,
                sla_hours=48,
            )


def route_for(kind: str) -> Route:
    route = Route.objects.filter(kind=kind).first()
    if route is None:
        routes_ensure_defaults()
        route = Route.objects.get(kind=kind)
    return route


@dataclass
class PreviewGate:
    name: str
    applies: bool
    deciders: list[str]
    note: str


def route_preview(request: ApprovalRequest) -> list[PreviewGate]:
    """The gates this request would travel if submitted now, with who decides each."""
    directory = Directory()
    if request.status == RequestStatus.DRAFT:
        gates = list(route_for(request.kind).gates.order_by("position", "pk"))
    else:
        gates = list(request.steps.order_by("position"))
    preview = []
    for gate in gates:
        resolution = resolve_gate(gate, request, directory)
        preview.append(
            PreviewGate(
                name=gate.name,
                applies=resolution.applies,
                deciders=[person_name(user) for user in resolution.deciders],
                note=resolution.note,
            )
        )
    return preview
