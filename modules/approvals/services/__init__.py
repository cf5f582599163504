"""Every write to requests, routes and deputies (one module per concern).

A decision locks the request's row (``select_for_update``; PostgreSQL waits,
SQLite serialises writers anyway), re-reads the gate it stands at, checks the
person may decide it, then moves the machine, the gates, the gate log and the
history in one transaction. Whoever comes second reads the first decision and
is told who made it; nothing of theirs is written.
"""

from modules.approvals.services.common import Decision
from modules.approvals.services.deadlines import sla_sweep
from modules.approvals.services.deputies import delegation_save
from modules.approvals.services.requests import (
    Outcome,
    attachment_add,
    check_complete,
    comment_add,
    request_cancel,
    request_create,
    request_create_and_submit,
    request_decide,
    request_resubmit,
    request_save,
    request_submit,
    requests_approve,
)
from modules.approvals.services.routes import (
    PreviewGate,
    route_customise_refusal,
    route_customising,
    route_for,
    route_preview,
    route_reset_to_default,
    routes_ensure_defaults,
)
from opsplatform.refusals import Refused

__all__ = [
    "Decision",
    "Outcome",
    "PreviewGate",
    "Refused",
    "attachment_add",
    "check_complete",
    "comment_add",
    "delegation_save",
    "request_cancel",
    "request_create",
    "request_create_and_submit",
    "request_decide",
    "request_resubmit",
    "request_save",
    "request_submit",
    "requests_approve",
    "route_customise_refusal",
    "route_customising",
    "route_for",
    "route_preview",
    "route_reset_to_default",
    "routes_ensure_defaults",
    "sla_sweep",
]
