"""Routes: the default chains every company starts with, and the preview of a request's route."""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from modules.approvals.deciders import Directory, Resolution, resolve_gate
from modules.approvals.kinds import all_kinds, get_kind
from modules.approvals.models import (
    ApprovalRequest,
    RequestStatus,
    Route,
    RouteGate,
)
from opsplatform.billing.entitlements import LimitReached
from opsplatform.billing.limits import creating, refusal_for_new_rows
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
        route = Route.objects.create(kind=spec.code, name=str(spec.label), is_default=True)
        _add_default_gates(route, spec)


def _add_default_gates(route: Route, spec) -> None:
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


def _as_customised(route: Route) -> Route:
    customised = copy.copy(route)
    customised.is_default = False
    return customised


def route_customise_refusal(route: Route) -> LimitReached | None:
    """Why turning default ``route`` into a custom one is refused now, or None.

    The plan's limit counts custom routes; a default route being changed takes
    a place as a new custom route would, so this asks the kernel's one check
    about it as about a new row (for the form, before anything is written).
    """
    if not route.is_default:
        return None
    return refusal_for_new_rows(require_current_tenant(), Route, [_as_customised(route)])


@contextmanager
def route_customising(route: Route):
    """Around saving default ``route`` as the company's own: it stops being default.

    The kernel's check around a create (``creating``): counted before the write
    and again after it, under the company's audit-chain lock that the route's
    history row takes, so two routes customised at once cannot both take the
    last place. Refused (``LimitReached``), it rolls back and changes nothing.
    """
    if not route.is_default:
        yield
        return
    route.is_default = False
    try:
        with creating(require_current_tenant(), Route, [route]):
            yield
    except BaseException:
        route.is_default = True
        raise


@transaction.atomic
def route_reset_to_default(*, route: Route) -> Route:
    """Put the kind's default chain back on ``route``; it no longer counts as customised.

    Requests already on their way keep their own copy of the gates (the
    snapshot taken on submit), so replacing the route's gates changes none of them.
    """
    spec = get_kind(route.kind)
    if spec is None:  # a kind whose module is gone: nothing to reset to
        raise ValidationError(_("This kind of request has no default route."))
    route = Route.objects.select_for_update().get(pk=route.pk)
    for gate in route.gates.all():
        gate.delete()  # one by one: each leaves its history row
    with translation.override(require_current_tenant().default_language):
        route.name = str(spec.label)
        route.is_default = True
        route.save()
        _add_default_gates(route, spec)
    return route


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
