"""Routes: the default chains every company starts with, and the preview of a request's route."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from modules.approvals.deciders import Directory, Resolution, resolve_gate
from modules.approvals.kinds import all_kinds, get_kind
from modules.approvals.models import (
    ApprovalRequest,
    RequestStatus,
    Route,
    RouteGate,
)
from opsplatform.tenancy.context import require_current_tenant


@transaction.atomic
def routes_ensure_defaults() -> None:
    """Give every kind of request a route, the company's default chain, if it has none."""
    existing = set(Route.objects.values_list("kind", flat=True))
    if any(spec.code not in existing for spec in all_kinds()):
        # Gate names are the company's data: write them in its own language.
        with translation.override(require_current_tenant().default_language):
            _make_default_routes(existing)


def _make_default_routes(existing: set[str]) -> None:
    for spec in all_kinds():
        if spec.code in existing:
            continue
        route = Route.objects.create(kind=spec.code, name=str(spec.label))
        # (gate name, approver type, role, only above): the kind's default route.
        for position, (name, approver_type, role, above) in enumerate(spec.default_route):
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


def route_preview(approval: ApprovalRequest) -> list[PreviewGate]:
    """The gates this request would travel if submitted now, with who decides each."""
    directory = Directory()
    if approval.status == RequestStatus.DRAFT:
        gates = list(route_for(approval.kind).gates.order_by("position", "pk"))
    else:
        gates = list(approval.steps.order_by("position"))
    spec = get_kind(approval.kind)
    waived = spec.approval_waived(approval) if spec else ""
    preview = []
    for gate in gates:
        if waived:
            resolution = Resolution(applies=False, note=waived)
        else:
            resolution = resolve_gate(gate, approval, directory)
        preview.append(
            PreviewGate(
                name=gate.name,
                applies=resolution.applies,
                deciders=[user.get_full_name() for user in resolution.deciders],
                note=resolution.note,
            )
        )
    return preview
