"""The public surface for request kinds: what a module needs to route its records.

- ``RequestSubject``: base of the kind's own model (one-to-one with the request).
- ``RequestKindSpec``: what the kind is (code, label, prefix, icon, amount,
  completeness check, default route, form and inlines, hooks).
- ``register_kind``: the class decorator that makes it known.

The four money kinds that ship with the engine are defined the same way, one
file each: ``payment``, ``vas``, ``purchase``, ``subscription``. Modules define
their own next to their models (leave, projects' timesheets, assets' requests).
"""

from modules.approvals.kinds.amounts import (
    AMOUNT_LIMIT,
    CENT,
    computed_amount,
    field_label,
    kind_label,
    snapshot,
)
from modules.approvals.kinds.base import RequestKindSpec, RequestSubject
from modules.approvals.kinds.registry import (
    all_kinds,
    get_kind,
    kind_choices,
    register_kind,
    subject_accessors,
)

__all__ = [
    "AMOUNT_LIMIT",
    "CENT",
    "RequestKindSpec",
    "RequestSubject",
    "all_kinds",
    "computed_amount",
    "field_label",
    "get_kind",
    "kind_choices",
    "kind_label",
    "register_kind",
    "snapshot",
    "subject_accessors",
]
